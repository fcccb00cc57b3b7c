"""The same app as a Ray Serve deployment on a local Ray (ray.init(num_cpus=2)), called over HTTP:
scoring, OpenRLHF's protocol, auth and limits as in `rmg serve`; concurrent requests are merged
into runner passes (request batching); two replicas serve."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from serverkit import free_port, metric

ray = pytest.importorskip("ray", reason="Ray Serve is installed only for this group (make test installs it)")
serve = pytest.importorskip("ray.serve")


@pytest.fixture(scope="module")
def ray_url(plugin_dirs: dict[str, Path]) -> Iterator[str]:
    from rmg.server.config import ServerConfig
    from rmg.server.ray_serve import build_app

    port = free_port()
    # Replicas are Ray workers: they find the testkit plugin through the runtime env's PYTHONPATH.
    ray.init(num_cpus=2, include_dashboard=False, runtime_env={"env_vars": {"PYTHONPATH": str(plugin_dirs["testkit"])}})
    try:
        serve.start(http_options={"host": "127.0.0.1", "port": port})
        config = ServerConfig(
            rewards={"em": "general.exact_match", "sleepy": "testkit.sleepy"},
            workers=1,
            timeout=2,
            max_batch=8,
            api_key="ray-serve-test-key-0123",
        )
        serve.run(build_app(config, replicas=2), name="rmg", route_prefix="/")
        yield f"http://127.0.0.1:{port}"
    finally:
        serve.shutdown()
        ray.shutdown()


AUTH = {"Authorization": "Bearer ray-serve-test-key-0123"}


def test_ray_serve_scores_batches_and_reports_statuses(ray_url: str) -> None:
    assert httpx.get(f"{ray_url}/ready", timeout=30).json()["ready"] is True
    rows = [{"id": 1, "response": "42", "reference": "42"}, {"id": 2, "responses": ["41", "42"], "reference": "42"}]
    r = httpx.post(f"{ray_url}/v1/score", json={"reward": "em", "rows": rows}, headers=AUTH, timeout=60)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["id"] for x in results] == [1, 2] and results[1]["ranking"] == [1, 0]
    r = httpx.post(
        f"{ray_url}/v1/score", json={"reward": "sleepy", "rows": [{"response": "sleep"}, {"response": "x"}]},
        headers=AUTH, timeout=60,
    )  # fmt: skip
    assert [x["results"][0]["status"] for x in r.json()["results"]] == ["timeout", "ok"]


def test_ray_serve_keeps_auth_limits_and_openrlhf(ray_url: str) -> None:
    assert httpx.post(f"{ray_url}/v1/score", json={"reward": "em", "rows": []}, timeout=30).status_code == 401
    too_many = {"reward": "em", "rows": [{"response": "x"}] * 9}
    assert httpx.post(f"{ray_url}/v1/score", json=too_many, headers=AUTH, timeout=30).status_code == 422
    payload = {"query": ["Q:42", "Q:7"], "prompts": ["Q:", "Q:"], "labels": ["42", "8"]}
    out = httpx.post(f"{ray_url}/get_reward", json=payload, headers=AUTH, timeout=60).json()
    assert out["rewards"] == [1.0, 0.0] and out["extra_logs"]["rmg_ok"] == [1.0, 1.0]


def test_concurrent_requests_are_merged_into_batches_by_each_replica(ray_url: str) -> None:
    def one(i: int) -> tuple[int, float]:
        row = {"id": i, "response": str(i), "reference": "7"}
        r = httpx.post(f"{ray_url}/v1/score", json={"reward": "em", "rows": [row]}, headers=AUTH, timeout=60)
        item = r.json()["results"][0]
        return item["id"], item["results"][0]["score"]

    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        answers = list(pool.map(one, range(96)))
    # Every request got its own row back (merging never mixes answers up).
    assert answers == [(i, 1.0 if i == 7 else 0.0) for i in range(96)]
    # Metrics come from whichever replica answers: read a few, and find merged passes (batch size > 1).
    merged = False
    for _ in range(10):
        text = httpx.get(f"{ray_url}/metrics", headers=AUTH, timeout=30).text
        count = metric(text, "rmg_ray_batch_requests_count")
        if count and metric(text, "rmg_ray_batch_requests_bucket", le="1.0") < count:
            merged = True
            break
    assert merged, "no replica merged concurrent requests"
    status = serve.status().applications["rmg"].deployments["RewardDeployment"]
    assert status.replica_states.get("RUNNING") == 2
