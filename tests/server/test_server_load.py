"""The real `rmg serve` under load and faults: 429 when full, killed workers, disconnects, shutdown."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time

import httpx
import pytest
from serverkit import Server, StartServer, metric


@pytest.fixture(scope="module")
def slow(start_server: StartServer) -> Server:
    """`slow` takes 1.5 s a row; the queue holds 4 rows; two workers."""
    return start_server(
        "--reward", "slow=testkit.length(delay=1.5)",
        "--reward", "sleepy=testkit.sleepy",
        "--reward", "suicide=testkit.suicide",
        "--workers", "2", "--timeout", "20", "--max-queue", "4", "--max-batch", "4",
    )  # fmt: skip


def _post_in_thread(server: Server, payload: dict, out: dict) -> threading.Thread:
    def go() -> None:
        with server.client() as client:
            out["response"] = client.post("/v1/score", json=payload)

    thread = threading.Thread(target=go)
    thread.start()
    return thread


def _wait_for_depth(server: Server, depth: float) -> None:
    deadline = time.monotonic() + 10
    while metric(httpx.get(f"{server.url}/metrics").text, "rmg_queue_depth") != depth:
        assert time.monotonic() < deadline, "the queue never reached the expected depth"
        time.sleep(0.05)


def test_full_queue_answers_429_with_retry_after_and_loses_nothing(slow: Server) -> None:
    first: dict = {}
    thread = _post_in_thread(slow, {"reward": "slow", "rows": [{"response": "abcd"}] * 3}, first)
    _wait_for_depth(slow, 3)
    with slow.client() as client:
        refused = client.post("/v1/score", json={"reward": "slow", "rows": [{"response": "x"}] * 2})
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1" and "server busy" in refused.json()["detail"]
        fits = client.post("/v1/score", json={"reward": "slow", "rows": [{"response": "xy"}]})
        assert fits.status_code == 200 and fits.json()["results"][0]["results"][0]["score"] == 0.02
    thread.join(30)
    assert [r["results"][0]["score"] for r in first["response"].json()["results"]] == [0.04] * 3
    text = httpx.get(f"{slow.url}/metrics").text
    assert metric(text, "rmg_rejected_rows_total") >= 2 and metric(text, "rmg_queue_depth") == 0


def test_a_worker_that_dies_gives_error_for_its_row_and_is_replaced(slow: Server) -> None:
    rows = [{"response": "ok"}, {"response": "die"}, {"response": "ok"}]
    with slow.client() as client:
        r = client.post("/v1/score", json={"reward": "suicide", "rows": rows})
        results = [item["results"][0] for item in r.json()["results"]]
        assert [x["status"] for x in results] == ["ok", "error", "ok"]
        assert "its worker process died" in results[1]["error"]
        again = client.post("/v1/score", json={"reward": "suicide", "rows": [{"response": "ok"}]})
        assert again.json()["results"][0]["results"][0]["status"] == "ok"
        assert metric(client.get("/metrics").text, "rmg_pool_restarts_total", reward="suicide") >= 1


def test_workers_killed_from_outside_under_load_give_error_results_and_are_replaced(slow: Server) -> None:
    """Only busy workers are killed: pebble's idle workers wait for tasks holding the pool's channel
    lock, and one killed there leaves the lock taken until the runner replaces the wedged pool
    (see rmg/core/rulepool.py), which takes longer than this test should."""
    out: dict = {}
    busy = slow.worker_pids()[:2]  # the `slow` pool started first: its two workers run the two rows
    thread = _post_in_thread(slow, {"reward": "slow", "rows": [{"response": "a"}, {"response": "b"}]}, out)
    _wait_for_depth(slow, 2)
    time.sleep(0.5)  # both rows are now running in the slow reward's two workers
    for pid in busy:
        os.kill(pid, signal.SIGKILL)
    thread.join(30)
    results = [item["results"][0] for item in out["response"].json()["results"]]
    assert len(results) == 2 and {r["status"] for r in results} == {"error"}
    with slow.client() as client:
        r = client.post("/v1/score", json={"reward": "slow", "rows": [{"response": "abc"}]})
        assert r.json()["results"][0]["results"][0] == {"score": 0.03, "status": "ok", "reason": ""}
        time.sleep(0.6)  # the pool watcher's period
        assert metric(client.get("/metrics").text, "rmg_pool_restarts_total", reward="slow") >= 2


def test_a_client_that_disconnects_cancels_its_work(slow: Server) -> None:
    body = b'{"reward": "sleepy", "rows": [{"response": "sleep"}]}'
    host, port = slow.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        _wait_for_depth(slow, 1)
    _wait_for_depth(slow, 0)  # released long before the 20 s budget would have ended it
    text = httpx.get(f"{slow.url}/metrics").text
    assert metric(text, "rmg_cancelled_rows_total") >= 1
    assert metric(text, "rmg_requests_total", endpoint="/v1/score", code="499") >= 1


def test_sigterm_drains_requests_in_flight_then_exits(start_server: StartServer) -> None:
    server = start_server("--reward", "slow=testkit.length(delay=2)", "--workers", "2")
    out: dict = {}
    thread = _post_in_thread(server, {"reward": "slow", "rows": [{"response": "abcde"}] * 2}, out)
    _wait_for_depth(server, 2)
    server.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    with pytest.raises(httpx.ConnectError):  # no new connections while draining
        httpx.get(f"{server.url}/health")
    thread.join(30)
    assert out["response"].status_code == 200
    assert [r["results"][0]["score"] for r in out["response"].json()["results"]] == [0.05, 0.05]
    # uvicorn re-raises the SIGTERM once drained, so the exit status says how it was stopped.
    assert server.proc.wait(30) in (0, -signal.SIGTERM)


def test_an_idle_worker_killed_from_outside_is_replaced_and_scoring_goes_on(start_server: StartServer) -> None:
    """pebble declares its pool broken when a worker dies running nothing; the runner replaces the pool."""
    server = start_server("--reward", "em=general.exact_match", "--workers", "2")
    payload = {"reward": "em", "rows": [{"response": "a", "reference": "a"}] * 4}
    with server.client() as client:
        assert client.post("/v1/score", json=payload).status_code == 200
        idle = server.worker_pids()
        os.kill(idle[0], signal.SIGKILL)
        time.sleep(1.0)  # the pool notices; the watcher replaces it
        for _ in range(3):
            r = client.post("/v1/score", json=payload)
            assert r.status_code == 200, r.text
            assert [item["results"][0]["status"] for item in r.json()["results"]] == ["ok"] * 4
        assert metric(client.get("/metrics").text, "rmg_pool_restarts_total", reward="em") >= 1
        assert idle[0] not in server.worker_pids()
