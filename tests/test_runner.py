"""The runner: ordered streaming, hard timeouts in the process pool from any thread or loop."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

import rmg
from rmg import RewardStatus, Sample

BUDGET = 1.5


def _samples(n: int, sleep_at: set[int] = frozenset()) -> list[Sample]:
    return [Sample.of("sleep" if i in sleep_at else "x" * i) for i in range(n)]


def _check_timeout_batch(results: list[rmg.ScoredSample], sleep_at: set[int]) -> None:
    assert [s.index for s in results] == list(range(len(results)))
    for s in results:
        expected = RewardStatus.timeout if s.index in sleep_at else RewardStatus.ok
        assert s.result.status is expected, (s.index, s.result)


def test_results_come_back_in_input_order_while_work_runs_in_parallel(testkit_path: Path) -> None:
    samples = [Sample.of("y" * (20 - i)) for i in range(20)]
    out = list(rmg.evaluate("testkit.length(delay=0.01)", samples, workers=2))
    assert [s.index for s in out] == list(range(20))
    assert [s.result.score for s in out] == [(20 - i) / 100 for i in range(20)]


def test_a_sample_that_sleeps_forever_times_out_within_budget_and_the_batch_completes(testkit_path: Path) -> None:
    started = time.monotonic()
    out = list(rmg.evaluate("testkit.sleepy", _samples(12, {3}), workers=2, timeout=BUDGET))
    elapsed = time.monotonic() - started
    _check_timeout_batch(out, {3})
    assert "budget" in (out[3].result.error or "")
    assert elapsed < BUDGET + 6, f"hang guard: took {elapsed:.1f}s"


def test_timeouts_work_when_evaluate_is_called_from_a_non_main_thread(testkit_path: Path) -> None:
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["out"] = list(rmg.evaluate("testkit.sleepy", _samples(6, {1, 4}), workers=2, timeout=BUDGET))
        except BaseException as exc:  # surfaced below
            box["error"] = exc

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    assert "error" not in box, box.get("error")
    _check_timeout_batch(box["out"], {1, 4})  # type: ignore[arg-type]


def test_timeouts_work_inside_a_running_event_loop_sync_and_async(testkit_path: Path) -> None:
    async def main() -> tuple[list[rmg.ScoredSample], list[rmg.ScoredSample]]:
        sync_out = list(rmg.evaluate("testkit.sleepy", _samples(5, {2}), workers=2, timeout=BUDGET))
        async_out = [s async for s in rmg.aevaluate("testkit.sleepy", _samples(5, {0}), workers=2, timeout=BUDGET)]
        return sync_out, async_out

    sync_out, async_out = asyncio.run(main())
    _check_timeout_batch(sync_out, {2})
    _check_timeout_batch(async_out, {0})


def test_a_worker_that_dies_gives_an_error_result_and_is_replaced(testkit_path: Path) -> None:
    samples = [Sample.of("die" if i == 2 else "ok") for i in range(8)]
    out = list(rmg.evaluate("testkit.suicide", samples, workers=2))
    assert out[2].result.status is RewardStatus.error and "worker" in (out[2].result.error or "")
    assert all(s.result.status is RewardStatus.ok for i, s in enumerate(out) if i != 2)


def test_model_rewards_run_concurrently_up_to_the_limit() -> None:
    state = {"now": 0, "peak": 0}

    @rmg.reward("runnertest.io")
    async def io(response: str) -> float:
        state["now"] += 1
        state["peak"] = max(state["peak"], state["now"])
        await asyncio.sleep(0.02)
        state["now"] -= 1
        return 1.0

    out = list(rmg.evaluate(io(), _samples(40), concurrency=5))
    assert all(s.result.ok for s in out)
    assert state["peak"] == 5


def test_a_model_reward_that_hangs_times_out_without_blocking_others() -> None:
    @rmg.reward("runnertest.hang")
    async def hang(response: str) -> float:
        if response == "sleep":
            await asyncio.sleep(3600)
        return 1.0

    _check_timeout_batch(list(rmg.evaluate(hang(), _samples(6, {2}), timeout=0.5)), {2})


def test_invalid_samples_get_invalid_input_results_in_their_place(testkit_path: Path) -> None:
    out = list(rmg.evaluate("testkit.length", [Sample.of("ab"), {"candidates": 5}, Sample.of([])], workers=1))
    assert [s.results[0].status for s in out] == [
        RewardStatus.ok,
        RewardStatus.invalid_input,
        RewardStatus.invalid_input,
    ]
    assert "candidates" in (out[1].results[0].error or "")


def test_best_of_n_keeps_the_best_candidates_in_rank_order_and_rank_puts_failures_last(testkit_path: Path) -> None:
    sample = Sample.of(["aa", "aaaa", "a", "aaa"])
    best = rmg.best_of_n("testkit.length", sample, n=2, workers=1)
    assert [c.content for c in best.sample.candidates] == ["aaaa", "aaa"]
    assert best.sample.metadata["best_of_n"]["kept"] == [1, 3]
    assert rmg.rank("testkit.length", sample, workers=1) == [1, 3, 0, 2]


@pytest.mark.parametrize("spec", ["testkit.length + 0.5*testkit.sleepy"])
def test_a_failed_part_of_a_composition_fails_the_whole_with_its_name(spec: str, testkit_path: Path) -> None:
    out = list(rmg.evaluate(spec, _samples(3, {1}), workers=2, timeout=BUDGET))
    assert out[0].result.ok and out[0].result.score == pytest.approx(0.5)
    assert out[1].result.status is RewardStatus.timeout
    assert "testkit.sleepy" in (out[1].result.error or "")


def test_stopping_early_cancels_the_work_in_flight_instead_of_waiting_for_it() -> None:
    @rmg.reward("runnertest.slow_model")
    async def slow(response: str) -> float:
        if response == "sleep":
            await asyncio.sleep(3600)
        return 1.0

    started = time.monotonic()
    stream = rmg.evaluate(slow(), _samples(6, {1, 2, 3}), timeout=600)
    first = next(stream)
    stream.close()  # what a `break` out of the loop does
    assert first.result.ok
    assert time.monotonic() - started < 60, "closing the stream waited for the hung calls"


def _parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_warm_starts_the_rule_workers_and_a_worker_killed_from_outside_is_replaced_and_counted(
    testkit_path: Path,
) -> None:
    """What a long-lived service watches: `warm` starts the workers up front, `worker_pids` are this
    process's live worker children, and a worker killed while idle (pebble then breaks the whole
    pool) is replaced on the next batch, which scores normally, and counted in `restarts`."""
    import os
    import signal

    with rmg.Runner("testkit.length", workers=2) as runner:
        assert runner.worker_pids() == set() and runner.restarts == 0  # lazy until warmed
        runner.warm()
        pids = runner.worker_pids()
        assert len(pids) == 2 and {_parent_of(pid) for pid in pids} == {os.getpid()}
        victim = min(pids)
        os.kill(victim, signal.SIGKILL)
        time.sleep(0.5)
        out = list(runner.stream([Sample.of("x" * i) for i in range(6)]))
        assert [s.result.score for s in out] == [i / 100 for i in range(6)]
        assert victim not in runner.worker_pids()
        assert runner.restarts >= 1
