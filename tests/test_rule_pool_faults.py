"""The rule-reward pool under SIGKILL (what the OOM killer does): pebble's real worker processes are
killed again and again while a batch runs; the batch must finish, with only the killed workers'
samples failed, and the pool must keep working afterwards."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import rmg
from rmg.core.dataset import row_to_sample


def _kill_workers(stop: threading.Event, kills: list[int], every: float, workers: Callable[[], set[int]]) -> None:
    # The runner's own workers, not any child of this process: a child another test left behind
    # (a pool still being stopped) once took all the kills, and no sample failed.
    while not stop.wait(every):
        for pid in sorted(workers())[:1]:
            try:
                os.kill(pid, signal.SIGKILL)
                kills.append(pid)
            except ProcessLookupError:
                pass


def _score_under_fire(
    n: int, delay: float, every: float, timeout: float, min_kills: int = 0
) -> tuple[list, list[int], float]:
    """Score at least `n` samples while a thread kills a pool worker every `every` seconds; more
    samples are fed (up to 50 n) until `min_kills` kills have happened, so a fast machine cannot
    finish the batch before the storm has really hit it."""
    stop, kills = threading.Event(), []

    def feed() -> Iterator[rmg.Sample]:
        i = 0
        while i < n or (len(kills) < min_kills and i < 50 * n):
            yield row_to_sample({"id": i, "response": "x" * (i % 50)})
            i += 1

    samples = feed()
    started = time.monotonic()
    results: list = []
    with rmg.Runner(f"testkit.length(delay={delay})", workers=2, timeout=timeout) as runner:
        killer = threading.Thread(target=_kill_workers, args=(stop, kills, every, runner.worker_pids), daemon=True)
        killer.start()
        try:
            for scored in runner.stream(samples):
                results.append(scored.result)
        finally:
            stop.set()
            killer.join()
        # The pool still scores after the storm.
        after = next(runner.stream([row_to_sample({"response": "abc"})])).result
    assert after.status.value == "ok" and after.score == 0.03
    return results, kills, time.monotonic() - started


def test_repeatedly_killed_workers_never_hang_the_run_and_fail_only_their_samples(testkit_path: Path) -> None:
    # Short tasks: workers spend much of their time taking tasks and sending results, where a
    # kill leaves pebble's channel lock held (the case that hung before).
    results, kills, seconds = _score_under_fire(n=3000, delay=0.0, every=0.05, timeout=2.0, min_kills=10)
    assert len(kills) >= 10, "the workers must really have been killed, many times"
    assert len(results) >= 3000 and seconds < 240
    failed = [r for r in results if not r.ok]
    assert all(r.status.value == "error" and "worker" in (r.error or "") for r in failed), failed[:3]
    assert len(failed) <= 2 * len(kills) + 2, (len(failed), len(kills))
    ok = [(i, r.score) for i, r in enumerate(results) if r.ok]
    assert all(score == (i % 50) / 100 for i, score in ok)


def test_a_worker_killed_while_running_a_sample_fails_that_sample_only(testkit_path: Path) -> None:
    results, kills, _ = _score_under_fire(n=40, delay=0.2, every=1.0, timeout=5.0)
    assert kills and len(results) == 40
    failed = [r for r in results if not r.ok]
    assert 1 <= len(failed) <= 2 * len(kills), (len(failed), len(kills))
    assert any("killed by signal 9" in (r.error or "") or "worker" in (r.error or "") for r in failed)
