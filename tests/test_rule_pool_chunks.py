"""Chunked dispatch in the rule pool: cheap samples travel many per worker call, and still each
sample keeps its own budget. A hang or a crash fails only the sample that caused it; the others
of its chunk are run again and score normally. Real pebble workers, real testkit rewards."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import time
from pathlib import Path
from typing import Any

import rmg
from rmg.core.rulepool import RulePool
from rmg.core.schema import RewardResult


def _score(pool: RulePool, index: int, responses: list[str]) -> list[RewardResult]:
    async def run() -> list[RewardResult]:
        outs = await asyncio.gather(*(pool.results(index, rmg.Sample.of(r), "r", 1) for r in responses))
        return [out[0] for out in outs]

    return asyncio.run(run())


def _measured(pool: RulePool, index: int, n: int = 64) -> None:
    """Score cheap samples first, so the pool has measured the reward as cheap."""
    assert all(r.ok for r in _score(pool, index, ["ok"] * n))


def test_cheap_samples_travel_many_per_worker_call_and_come_back_right(testkit_path: Path) -> None:
    pool = RulePool([rmg.create_reward("testkit.length")], workers=2, timeout=10)
    try:
        _measured(pool, 0)
        before = pool.chunks_sent
        responses = ["x" * (i % 70) for i in range(3000)]
        results = _score(pool, 0, responses)
        assert [r.score for r in results] == [(i % 70) / 100 for i in range(3000)]
        sent = pool.chunks_sent - before
        assert sent <= 3000 / 4, f"{sent} worker calls for 3000 cheap samples: not chunked"
    finally:
        pool.close()


def test_a_sample_that_hangs_inside_a_chunk_times_out_alone_within_its_own_budget(testkit_path: Path) -> None:
    pool = RulePool([rmg.create_reward("testkit.sleepy")], workers=2, timeout=1.0)
    try:
        _measured(pool, 0)
        before = pool.chunks_sent
        responses = ["ok"] * 40
        responses[17] = "sleep"
        started = time.monotonic()
        results = _score(pool, 0, responses)
        elapsed = time.monotonic() - started
        assert pool.chunks_sent - before < 40, "the hanging sample was not in a chunk with others"
        assert results[17].status.value == "timeout" and "budget" in (results[17].error or "")
        assert [r.status.value for i, r in enumerate(results) if i != 17] == ["ok"] * 39
        # Its own budget, not the chunk's: 40 samples x 1 s would be 40 s.
        assert elapsed < 1.0 + 4, f"took {elapsed:.1f}s"
        assert _score(pool, 0, ["ok"])[0].ok  # the killed worker was replaced
    finally:
        pool.close()


def test_a_sample_that_kills_its_worker_inside_a_chunk_fails_alone(testkit_path: Path) -> None:
    pool = RulePool([rmg.create_reward("testkit.suicide")], workers=2, timeout=5.0)
    try:
        _measured(pool, 0)
        responses = ["ok"] * 40
        responses[5] = responses[30] = "die"
        results = _score(pool, 0, responses)
        for i in (5, 30):
            assert results[i].status.value == "error" and "exit code 3" in (results[i].error or ""), results[i]
        assert [r.status.value for i, r in enumerate(results) if i not in (5, 30)] == ["ok"] * 38
    finally:
        pool.close()


def test_samples_slower_than_measured_keep_their_budget_and_the_pool_is_not_called_wedged(
    testkit_path: Path,
) -> None:
    """The pool believes the reward costs 10 us; each sample takes 0.2 s (within its 0.5 s budget),
    so one chunk runs for about 8 s, longer than the pool's no-progress limit (6.5 s): a sample
    starting counts as progress, so nothing is failed or rebuilt."""
    pool = RulePool([rmg.create_reward("testkit.length", {"delay": 0.2})], workers=2, timeout=0.5)
    try:
        pool.costs.observe(0, 1e-5)
        assert pool.wedged_after < 40 * 0.2
        results = _score(pool, 0, ["abc"] * 40)
        assert [r.status.value for r in results] == ["ok"] * 40 and results[0].score == 0.03
        assert pool.rebuilds == 1
    finally:
        pool.close()


def test_a_caller_that_gives_up_stops_the_chunk_that_holds_only_its_samples(testkit_path: Path) -> None:
    pool = RulePool([rmg.create_reward("testkit.sleepy")], workers=2, timeout=30.0)
    try:
        _measured(pool, 0)
        pids = pool.worker_pids()

        async def give_up() -> None:
            work = asyncio.gather(*(pool.results(0, rmg.Sample.of("sleep"), "r", 1) for _ in range(3)))
            try:
                await asyncio.wait_for(work, 0.5)
            except asyncio.TimeoutError:
                pass

        asyncio.run(give_up())  # the three samples were sent together, as one chunk: one worker runs it
        deadline = time.monotonic() + 10
        while pids <= pool.worker_pids() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not pids <= pool.worker_pids(), "the worker running the abandoned samples was not stopped"
        assert _score(pool, 0, ["ok"])[0].ok
    finally:
        pool.close()


def test_a_hang_is_caught_in_time_while_many_short_chunks_come_and_go_beside_it(testkit_path: Path) -> None:
    """The slot saying which sample a worker runs stays that chunk's until it ends: hundreds of
    short chunks dispatched meanwhile must not overwrite it (they did once, and the hang went
    unnoticed for the backstop's 60 s)."""
    pool = RulePool([rmg.create_reward("testkit.sleepy")], workers=2, timeout=1.0)
    try:
        _measured(pool, 0)

        async def run() -> tuple[RewardResult, float, int]:
            started = time.monotonic()
            hang = asyncio.ensure_future(pool.results(0, rmg.Sample.of("sleep"), "r", 1))
            await asyncio.sleep(0.05)  # sent alone: samples submitted in the same turn would share its chunk
            before = pool.chunks_sent
            while not hang.done() and time.monotonic() - started < 20:
                await asyncio.gather(*(pool.results(0, rmg.Sample.of("ok"), "r", 1) for _ in range(4)))
            return (await hang)[0], time.monotonic() - started, pool.chunks_sent - before

        result, elapsed, chunks_beside = asyncio.run(run())
        assert result.status.value == "timeout"
        assert chunks_beside > 3 * pool.max_chunks, "too few chunks went by to reuse the slots"
        assert elapsed < 1.0 + 3, f"the hang was stopped after {elapsed:.1f}s"
    finally:
        pool.close()


def test_samples_among_many_crashing_neighbours_are_never_failed_for_them(testkit_path: Path) -> None:
    """Every 15th sample kills its worker: the others of its chunk are run again as often as it
    takes (a crash with a known culprit costs them no attempt), so only the killers fail."""
    pool = RulePool([rmg.create_reward("testkit.suicide")], workers=2, timeout=5.0)
    try:
        _measured(pool, 0)
        responses = ["die" if i % 15 == 7 else "ok" for i in range(450)]
        results = _score(pool, 0, responses)
        statuses = [r.status.value for r in results]
        assert statuses == ["error" if r == "die" else "ok" for r in responses]
    finally:
        pool.close()


def _hold_until_killed(mutex: Any, holding: Any) -> None:
    mutex.acquire()
    holding.set()
    time.sleep(600)


def test_a_pool_whose_channel_lock_died_with_its_holder_is_replaced_in_seconds_not_after_the_budget(
    testkit_path: Path,
) -> None:
    """A worker SIGKILLed while it holds pebble's channel lock (taking a task, sending a result)
    leaves the lock held for good: no worker can take work. Here a process forked with the pool's
    real lock takes it and is killed. Samples then wait while no worker runs one; the pool must
    be replaced after a few seconds, not after the 30 s budget plus margin a wedge took before."""
    pool = RulePool([rmg.create_reward("testkit.length")], workers=2, timeout=30.0)
    try:
        _measured(pool, 0)
        assert pool._generation is not None
        mutex = pool._generation.pool._pool_manager.worker_manager.workers_channel.mutex  # pebble's own lock
        context = multiprocessing.get_context("fork")
        holding = context.Event()
        holder = context.Process(target=_hold_until_killed, args=(mutex, holding))
        holder.start()
        assert holding.wait(10)
        os.kill(holder.pid, signal.SIGKILL)
        holder.join()
        started = time.monotonic()
        results = _score(pool, 0, ["abc"] * 20)
        elapsed = time.monotonic() - started
        assert [r.score for r in results] == [0.03] * 20
        assert pool.rebuilds == 2, "the wedged pool was not replaced"
        assert elapsed < 15, f"took {elapsed:.1f}s (the no-progress limit is {pool.wedged_after:g}s)"
    finally:
        pool.close()


def test_samples_submitted_in_one_turn_of_the_event_loop_travel_in_one_chunk(testkit_path: Path) -> None:
    """The pool sends what was queued when the loop's turn ends (a server's requests arrive many
    per turn), not each sample the moment a worker is free."""
    pool = RulePool([rmg.create_reward("testkit.length")], workers=2, timeout=10)
    try:
        _measured(pool, 0)
        before = pool.chunks_sent
        results = _score(pool, 0, ["abc"] * 16)  # gather: all 16 submit in the same turn
        assert [r.score for r in results] == [0.03] * 16
        assert pool.chunks_sent - before == 1
    finally:
        pool.close()
