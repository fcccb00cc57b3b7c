"""The Ray reward pool on a local `ray.init(num_cpus=2)` (one session for the module): same scores
as rmg.evaluate, nothing lost when an actor is killed mid-batch, `rmg score --ray` = local output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from training_helpers import ray_init, short_tmp

import rmg

pytest.importorskip("ray")
from rmg.training.ray import NAMESPACE, RewardPool

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ray_session():
    folder = short_tmp()
    ray = ray_init(folder)
    yield ray
    ray.shutdown()
    shutil.rmtree(folder, ignore_errors=True)


def _math_samples(n: int) -> list[rmg.Sample]:
    return [rmg.Sample.of(f"so the answer is {i}", reference=str(i if i % 3 else i + 1), id=i) for i in range(n)]


def test_pool_gives_the_same_scores_as_evaluate_in_order(ray_session) -> None:
    samples = _math_samples(50)
    pool = RewardPool.start("math.accuracy", num_actors=2, num_cpus=1, chunk_size=4)
    try:
        scored = pool.score(samples)
    finally:
        pool.shutdown()
    local = list(rmg.evaluate("math.accuracy", samples))
    assert [s.index for s in scored] == list(range(50))
    assert [s.sample.id for s in scored] == [s.id for s in samples]
    assert [s.results[0].score for s in scored] == [s.results[0].score for s in local]
    assert all(s.results[0].ok for s in scored)


def test_async_scoring_and_a_named_pool_found_by_name(ray_session, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    pool = RewardPool.start("math.accuracy", num_actors=2, num_cpus=1, name="rmg-test-pool")
    try:
        monkeypatch.setenv("RMG_RAY_POOL", "rmg-test-pool")
        found = RewardPool.connect()
        assert len(found.actors) == 2
        scored = asyncio.run(found.ascore(_math_samples(10)))
        assert [s.results[0].score for s in scored] == [0.0, 1.0, 1.0] * 3 + [0.0]
        # verl's reward workers use the named pool when RMG_RAY_POOL is set
        from rmg.training.verl import compute_score

        assert compute_score("openai/gsm8k", "so 72", "72")["score"] == 1.0
    finally:
        pool.shutdown()
    with pytest.raises(ValueError, match="no rmg reward pool named"):
        RewardPool.connect("rmg-test-pool")


def test_an_actor_killed_mid_batch_loses_no_sample(ray_session) -> None:
    """Each sample's code sleeps 0.2 s, so work is in flight on both actors when one is killed."""
    code = "```python\nimport time\ntime.sleep(0.2)\ndef f(x):\n    return x + 1\n```"
    samples = [rmg.Sample.of(code, reference={"tests": [f"assert f({i}) == {i + 1}"]}) for i in range(24)]
    pool = RewardPool.start("code.execution", num_actors=2, num_cpus=1, name="rmg-kill-test", chunk_size=2)
    result: dict[str, list] = {}
    thread = threading.Thread(target=lambda: result.setdefault("scored", pool.score(samples)))
    try:
        thread.start()
        time.sleep(1.5)
        ray_session.kill(ray_session.get_actor("rmg-kill-test-0", namespace=NAMESPACE))
        thread.join(timeout=240)
    finally:
        pool.shutdown()
    scored = result["scored"]
    assert len(scored) == 24 and [s.index for s in scored] == list(range(24))
    assert [s.results[0].status.value for s in scored] == ["ok"] * 24
    assert all(s.results[0].score == 1.0 for s in scored)
    assert pool._dead == {0}


def test_rmg_score_ray_writes_the_same_output_as_a_local_run_and_resumes(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in (ROOT / "examples" / "gsm8k_solutions.jsonl").read_text().splitlines()[:20]]
    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    ray_tmp = short_tmp()
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "RAY_TMPDIR": str(ray_tmp)}
    cmd = [sys.executable, "-m", "rmg", "score", "math.accuracy", str(data), "--no-progress", "--workers", "2"]
    subprocess.run([*cmd, "-o", str(tmp_path / "local.jsonl")], check=True, env=env, capture_output=True)
    # a partial output (a killed run) is resumed, on Ray, to the same file
    ray_out = tmp_path / "ray.jsonl"
    ray_out.write_text("".join((tmp_path / "local.jsonl").read_text().splitlines(keepends=True)[:7]))
    proc = subprocess.run([*cmd, "-o", str(ray_out), "--ray"], env=env, capture_output=True, text=True, check=False)
    shutil.rmtree(ray_tmp, ignore_errors=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "resuming" in proc.stderr and "Ray, 2 actors" in proc.stderr
    assert ray_out.read_text() == (tmp_path / "local.jsonl").read_text()


def test_when_no_actor_is_left_the_lost_samples_come_back_as_errors_not_an_exception(ray_session) -> None:
    """A one-actor pool whose actor is killed: the retry has nowhere to go, so the chunks in flight
    and the rest are `error` results; every sample still has its row, in order."""
    code = "```python\nimport time\ntime.sleep(0.2)\ndef f(x):\n    return x + 1\n```"
    samples = [rmg.Sample.of(code, reference={"tests": [f"assert f({i}) == {i + 1}"]}) for i in range(12)]
    pool = RewardPool.start("code.execution", num_actors=1, num_cpus=1, name="rmg-kill-all", chunk_size=2)
    result: dict[str, list] = {}
    thread = threading.Thread(target=lambda: result.setdefault("scored", pool.score(samples)))
    try:
        thread.start()
        time.sleep(1.0)
        ray_session.kill(ray_session.get_actor("rmg-kill-all-0", namespace=NAMESPACE))
        thread.join(timeout=240)
    finally:
        pool.shutdown()
    scored = result["scored"]
    assert [s.index for s in scored] == list(range(12))
    statuses = [s.results[0].status.value for s in scored]
    assert "error" in statuses and set(statuses) <= {"ok", "error"}
    errors = [s.results[0].error for s in scored if not s.results[0].ok]
    assert all("actor" in (e or "") for e in errors)
