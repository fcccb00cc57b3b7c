"""Model rewards in several processes (`Runner(model_processes=N)`): same results, none lost.

The rewards below are defined in this module; the spawned children import it by name (spawn
carries `sys.path`), which is also how a user's own model reward reaches them.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from typing import Any, ClassVar

import pytest

import rmg
from rmg import Kind, Reward, RewardResult, RewardStatus, Sample
from rmg.judges import JudgeReward
from rmg.testing import ScriptedLLMServer

PARENT = os.getpid()


class WhoAnswered(Reward):
    """A model reward that says which process scored it, and can crash or hang that process."""

    name: ClassVar[str] = "test.who_answered"
    kind: ClassVar[Kind] = Kind.model

    async def acompute(self, sample: Sample) -> list[Any]:
        text = sample.candidates[0].content
        if text == "crash":
            await asyncio.sleep(0.2)  # let calls already sent to this process be in flight
            os._exit(3)
        if text == "hang":
            await asyncio.sleep(60)
        await asyncio.sleep(0.002)
        return [RewardResult(score=len(text) / 100, reason=str(os.getpid()))]


def _explode_outside_parent(parent: int) -> WhoAnswered:
    if os.getpid() != parent:
        raise RuntimeError("this reward cannot be loaded in a child")
    return WhoAnswered()


class LoadsOnlyInParent(WhoAnswered):
    name: ClassVar[str] = "test.loads_only_in_parent"

    def __reduce__(self) -> Any:
        return _explode_outside_parent, (PARENT,)


def _texts(n: int) -> list[Sample]:
    return [Sample.of("x" * (i % 50)) for i in range(n)]


def test_results_match_one_process_in_input_order_and_come_from_two_child_processes() -> None:
    samples = _texts(200)
    with rmg.Runner(WhoAnswered(), concurrency=32, model_processes=2) as runner:
        out = list(runner.stream(samples))
    assert [s.index for s in out] == list(range(200))
    assert [s.result.score for s in out] == [(i % 50) / 100 for i in range(200)]
    pids = {int(s.result.reason or 0) for s in out}
    assert len(pids) == 2 and PARENT not in pids, pids


def test_a_judge_scores_the_same_through_model_processes_with_usage_in_every_result() -> None:
    with ScriptedLLMServer('{"critique": "fine", "score": 8}') as server:
        judge = JudgeReward(
            model="scripted-judge", base_url=server.base_url, cache=False, max_retries=0, principles=["Be right"]
        )
        out = list(rmg.evaluate(judge, _texts(60), model_processes=2, concurrency=16))
        assert server.counts.get("requests") == 60
    assert all(s.result.status is RewardStatus.ok and s.result.score == pytest.approx(7 / 9) for s in out)
    assert sum((s.result.usage or {}).get("calls", 0) for s in out) == 60


def test_a_call_over_its_budget_times_out_without_holding_up_the_batch() -> None:
    samples = [Sample.of("a"), Sample.of("hang"), Sample.of("bb")]
    started = time.monotonic()
    out = list(rmg.evaluate(WhoAnswered(), samples, model_processes=2, timeout=1.0))
    assert time.monotonic() - started < 30, "hang guard"
    assert [s.result.status for s in out] == [RewardStatus.ok, RewardStatus.timeout, RewardStatus.ok]
    assert "budget" in (out[1].result.error or "")


def test_a_child_that_dies_fails_only_its_calls_in_flight_and_is_replaced() -> None:
    samples = _texts(40) + [Sample.of("crash")] + _texts(40)
    with rmg.Runner(WhoAnswered(), concurrency=8, model_processes=2) as runner:
        out = list(runner.stream(samples))
        assert len(out) == 81 and [s.index for s in out] == list(range(81))
        crashed = out[40].result
        assert crashed.status is RewardStatus.error and "exit code 3" in (crashed.error or ""), crashed
        assert {s.result.status for s in out} <= {RewardStatus.ok, RewardStatus.error}
        # a later batch on the same runner is scored in full by the replacement
        again = list(runner.stream(_texts(20)))
    assert all(s.result.ok for s in again)


def test_a_reward_that_cannot_be_pickled_is_refused_up_front_by_name() -> None:
    judge = JudgeReward(model="scripted-judge", base_url="http://127.0.0.1:9/v1", cache=False)
    judge._chat = lambda: None  # an in-memory model object (a lambda) cannot travel to a process
    with pytest.raises(ValueError, match="judge cannot be pickled"):
        rmg.Runner(judge, model_processes=2)
    rmg.Runner(judge, model_processes=1).close()  # in-process it is fine


def test_children_that_cannot_start_fail_every_sample_with_the_reason_and_are_not_respawned() -> None:
    started = time.monotonic()
    out = list(rmg.evaluate(LoadsOnlyInParent(), _texts(12), model_processes=2, concurrency=4))
    assert time.monotonic() - started < 60, "hang guard"
    assert len(out) == 12
    for scored in out:
        assert scored.result.status is RewardStatus.error
        assert "failed to start" in (scored.result.error or ""), scored.result.error


def test_closing_the_runner_ends_its_child_processes() -> None:
    runner = rmg.Runner(WhoAnswered(), model_processes=2)
    pids = {int(s.result.reason or 0) for s in runner.stream(_texts(40))}
    runner.close()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_rmg_score_with_model_processes_scores_every_row_and_a_rerun_comes_from_the_shared_cache(tmp_path: Any) -> None:
    data = tmp_path / "answers.jsonl"
    data.write_text("".join(json.dumps({"prompt": f"q{i}", "response": f"answer {i}"}) + "\n" for i in range(30)))
    env = {**os.environ, "COLUMNS": "200", "RMG_CACHE_DIR": str(tmp_path / "cache")}

    def score(server: ScriptedLLMServer, out: str) -> str:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "rmg",
                "score",
                "judge",
                str(data),
                "--principle",
                "Be right",
                "--model",
                "scripted",
                "--base-url",
                server.base_url,
                "--model-processes",
                "2",
                "-o",
                str(tmp_path / out),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=180,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout + proc.stderr

    with ScriptedLLMServer('{"critique": "fine", "score": 10}') as server:
        first = score(server, "first.jsonl")
        second = score(server, "second.jsonl")
        assert server.counts.get("requests") == 30
    assert "ok: 30" in first and "30 calls, 0 from cache" in first
    assert "0 calls, 30 from cache" in second
    rows = [json.loads(line) for line in (tmp_path / "second.jsonl").read_text().splitlines()]
    assert [r["prompt"] for r in rows] == [f"q{i}" for i in range(30)]
    assert all(r["reward"]["score"] == 1.0 for r in rows)
