"""The real `rmg serve` over HTTP: every endpoint, OpenRLHF's protocol, auth, limits, spec policy."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from serverkit import Server, StartServer, metric


@pytest.fixture(scope="module")
def server(start_server: StartServer) -> Server:
    return start_server(
        "--reward", "em=general.exact_match",
        "--reward", "sleepy=testkit.sleepy",
        "--workers", "2", "--timeout", "2", "--max-batch", "8", "--max-body", "4096",
    )  # fmt: skip


def test_score_returns_every_row_in_order_with_statuses(server: Server) -> None:
    """Pointwise, a group of responses and an unreadable row: one entry each, in input order."""
    rows = [
        {"id": "a", "prompt": "6*7?", "response": "42", "reference": "42"},
        {"id": "b", "prompt": "6*7?", "responses": ["41", "42", "forty-two"], "reference": "42"},
        {"id": "c", "prompt": "no response here"},
        {"id": "d", "question": "6*7?", "chosen": "42", "rejected": "41", "answer": "42"},
    ]
    with server.client() as client:
        r = client.post("/v1/score", json={"reward": "em", "rows": rows})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["reward"] == "em"
    assert [item["id"] for item in body["results"]] == ["a", "b", "c", "d"]
    a, b, c, d = body["results"]
    assert a["results"][0] == {**a["results"][0], "score": 1.0, "status": "ok"}
    assert [x["score"] for x in b["results"]] == [0.0, 1.0, 0.0]
    assert b["ranking"] == [1, 0, 2] and b["best"] == 1
    assert c["results"][0]["status"] == "invalid_input" and "no response" in c["results"][0]["error"]
    assert [x["score"] for x in d["results"]] == [1.0, 0.0]  # chosen / rejected read as a pair


def test_a_hanging_row_times_out_and_the_rest_score(server: Server) -> None:
    with server.client() as client:
        r = client.post("/v1/score", json={"reward": "sleepy", "rows": [{"response": "ok"}, {"response": "sleep"}]})
    statuses = [item["results"][0]["status"] for item in r.json()["results"]]
    assert statuses == ["ok", "timeout"]


def test_rewards_lists_served_names_with_parameters(server: Server) -> None:
    with server.client() as client:
        body = client.get("/v1/rewards").json()
    served = {item["name"]: item for item in body["rewards"]}
    assert set(served) == {"em", "sleepy"}
    leaf = served["em"]["rewards"][0]
    assert leaf["reward"] == "general.exact_match" and leaf["kind"] == "rule"
    assert "lowercase" in leaf["params"] and any(p["name"] == "lowercase" for p in leaf["parameters"])
    assert body["limits"]["max_batch"] == 8 and body["openrlhf_reward"] == "em"


def test_health_ready_and_docs(server: Server) -> None:
    with server.client() as client:
        assert client.get("/health").json()["status"] == "ok"
        assert client.get("/ready").json() == {"ready": True, "rewards": ["em", "sleepy"]}
        schema = client.get("/openapi.json").json()
        assert {"/v1/score", "/v1/rewards", "/get_reward", "/health", "/ready"} <= set(schema["paths"])
        docs = client.get("/docs")
        assert docs.status_code == 200 and "swagger" in docs.text.lower()
        page = client.get("/")
        assert page.status_code == 200 and "rmg playground" in page.text


def test_metrics_count_requests_scores_by_status_and_latency(server: Server) -> None:
    with server.client() as client:
        before = client.get("/metrics").text
        client.post("/v1/score", json={"reward": "em", "rows": [{"response": "x", "reference": "x"}, {"prompt": "?"}]})
        after = client.get("/metrics").text

    def delta(name: str, **labels: str) -> float:
        return metric(after, name, **labels) - metric(before, name, **labels)

    assert delta("rmg_scores_total", reward="em", status="ok") == 1
    assert delta("rmg_scores_total", reward="em", status="invalid_input") == 1
    assert delta("rmg_requests_total", endpoint="/v1/score", code="200") == 1
    assert delta("rmg_request_seconds_count", endpoint="/v1/score") == 1
    assert metric(after, "rmg_queue_depth") == 0 and metric(after, "rmg_queue_limit") == 4096
    assert metric(after, "rmg_pool_workers", reward="em") == 2
    assert "rmg_pool_restarts_total" in after


def test_openrlhf_client_gets_rewards_and_failed_status_in_extra_logs(server: Server) -> None:
    """A client shaped like OpenRLHF's remote_rm_fn: aiohttp, its payload, reads rewards/scores/extra_logs."""

    async def remote_rm_fn(url: str, queries: list[str], prompts: list[str], labels: list[str]) -> dict:
        async with aiohttp.ClientSession() as session:
            payload = {"query": queries, "prompts": prompts, "labels": labels}
            async with session.post(url, json=payload, headers={"Content-Type": "application/json"}) as response:
                response.raise_for_status()
                return await response.json()

    prompts = ["<|user|>6*7?<|assistant|>", "<|user|>1+1?<|assistant|>"]
    queries = [prompts[0] + "42", prompts[1] + "3"]
    out = asyncio.run(remote_rm_fn(f"{server.url}/get_reward", queries, prompts, ["42", "2"]))
    assert out["rewards"] == [1.0, 0.0] and out["scores"] == [1.0, 0.0]
    assert out["extra_logs"]["rmg_ok"] == [1.0, 1.0]
    # A hanging sample: reward 0.0 and its status flagged, the other sample still scored.
    out = asyncio.run(
        remote_rm_fn(f"{server.url}/get_reward?reward=sleepy", ["P:sleep", "P:fine"], ["P:", "P:"], ["", ""])
    )
    assert out["rewards"] == [0.0, 1.0]
    assert out["extra_logs"]["rmg_timeout"] == [1.0, 0.0] and out["extra_logs"]["rmg_ok"] == [0.0, 1.0]


def test_openrlhf_mismatched_lists_are_a_clear_422(server: Server) -> None:
    with server.client() as client:
        r = client.post("/get_reward", json={"query": ["a", "b"], "prompts": ["a"], "labels": ["x", "y"]})
    assert r.status_code == 422 and "'prompts' has 1 items but 'query' has 2" in r.json()["detail"]


def test_limits_batch_422_and_body_413(server: Server) -> None:
    with server.client() as client:
        r = client.post("/v1/score", json={"reward": "em", "rows": [{"response": "x"}] * 9})
        assert r.status_code == 422 and "exceeds the server's limit of 8 rows" in r.json()["detail"]
        r = client.post("/v1/score", json={"reward": "em", "rows": [{"response": "x" * 5000}]})
        assert r.status_code == 413 and "4096 bytes" in r.json()["detail"]
        r = client.post("/v1/score", content=b"{not json", headers={"content-type": "application/json"})
        assert r.status_code == 422


def test_the_direct_path_and_the_fastapi_route_answer_alike(server: Server) -> None:
    """A plain JSON body is scored without FastAPI's machinery; a query string sends the same body
    through the FastAPI route. Both give the same answer, and a bad body gets FastAPI's 422 either way."""
    rows = [
        {"id": 1, "prompt": "6*7?", "response": "42", "reference": "42"},
        {"id": 2, "prompt": "6*7?", "responses": ["41", "42"], "reference": "42"},
        {"id": 3, "prompt": "nothing to score"},
    ]
    openrlhf = {"query": ["P:42", "P:7"], "prompts": ["P:", "P:"], "labels": ["42", "42"]}
    with server.client() as client:
        for path, body in (("/v1/score", {"reward": "em", "rows": rows}), ("/get_reward", openrlhf)):
            direct = client.post(path, json=body)
            routed = client.post(f"{path}?via=route", json=body)
            assert direct.status_code == routed.status_code == 200, (direct.text, routed.text)
            assert direct.json() == routed.json()
        for bad in ({"reward": "em"}, {"reward": "em", "rows": "not a list"}):
            direct = client.post("/v1/score", json=bad)
            routed = client.post("/v1/score?via=route", json=bad)
            assert direct.status_code == routed.status_code == 422
            assert direct.json() == routed.json() and direct.json()["detail"][0]["loc"][0] == "body"


def test_only_served_names_unless_allow_any_spec(server: Server, start_server: StartServer) -> None:
    with server.client() as client:
        r = client.post("/v1/score", json={"reward": "general.exact_match", "rows": [{"response": "x"}]})
    assert r.status_code == 404 and "--allow-any-spec" in r.json()["detail"]
    open_server = start_server("--allow-any-spec", "--workers", "1")
    with open_server.client() as client:
        rows = [{"response": "<think>a</think><answer>42</answer>", "reference": "42"}]
        r = client.post("/v1/score", json={"reward": "format.think_answer + general.exact_match", "rows": rows})
        assert r.status_code == 200 and r.json()["results"][0]["results"][0]["status"] == "ok"
        r = client.post("/v1/score", json={"reward": "no.such_reward", "rows": rows})
        assert r.status_code == 422 and "unknown reward 'no.such_reward'" in r.json()["detail"]
        # A spec naming a file on the server is refused: specs travel as text, never as server paths.
        for path in ("/etc/hosts.json", "../../pyproject.yaml"):
            r = client.post("/v1/score", json={"reward": path, "rows": rows})
            assert r.status_code == 422 and "spec files are not read over HTTP" in r.json()["detail"]
        r = client.post("/v1/score", json={"reward": '{"reward": "general.exact_match"}', "rows": rows})
        assert r.status_code == 200 and r.json()["results"][0]["results"][0]["status"] == "ok"


def test_api_key_refused_and_accepted(start_server: StartServer, tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("s3cret-key-of-enough-length\n")
    server = start_server("--reward", "em=general.exact_match", "--workers", "1", "--api-key-file", str(key_file))
    payload = {"reward": "em", "rows": [{"response": "a", "reference": "a"}]}
    with server.client() as client:
        assert client.post("/v1/score", json=payload).status_code == 401
        assert client.post("/v1/score", json=payload, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/v1/rewards").status_code == 401
        assert client.get("/metrics").status_code == 401
        ok = client.post("/v1/score", json=payload, headers={"Authorization": "Bearer s3cret-key-of-enough-length"})
        assert ok.status_code == 200 and ok.json()["results"][0]["results"][0]["score"] == 1.0
        assert client.get("/v1/rewards", headers={"X-API-Key": "s3cret-key-of-enough-length"}).status_code == 200
        assert client.get("/health").status_code == 200  # probes stay open


def test_refuses_to_bind_beyond_loopback_without_a_key() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "rmg", "serve", "--host", "0.0.0.0", "--reward", "em=general.exact_match"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode != 0
    assert "API key is required" in proc.stderr and "refusing to start" in proc.stderr
    short = subprocess.run(
        [sys.executable, "-m", "rmg", "serve", "--host", "0.0.0.0", "--reward", "em=general.exact_match"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "RMG_API_KEY": "short"},
    )
    assert short.returncode != 0 and "RMG_API_KEY is 5 characters; use at least 16" in short.stderr


def test_a_bad_served_spec_stops_the_start_naming_it(start_server: StartServer) -> None:
    server = start_server("--reward", "x=no.such_reward", wait=False)
    assert server.proc.wait(60) != 0
    assert "--reward x=no.such_reward" in server.output() and "unknown reward" in server.output()
