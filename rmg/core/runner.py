"""Evaluate many samples: rule rewards in a process pool, model rewards on asyncio.

Rule rewards run in a pebble process pool: each evaluation has a hard wall-clock budget, and a
worker that overruns it is killed and replaced while the batch goes on (no SIGALRM, so it works
off the main thread). pebble was chosen over concurrent.futures / loky because it is the one
pool that kills and replaces a single stuck worker without tearing the pool down.

Model rewards run as coroutines under a semaphore. Everything is driven by one event loop:
`aevaluate` runs on the caller's loop; `evaluate` runs a private loop in a helper thread, so it
works from the main thread, any other thread, and inside a running loop (Jupyter, servers).
Results come out in input order while later samples are already in flight.
"""

from __future__ import annotations

import asyncio
import math
import os
import queue
import threading
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypedDict

from .aio import LoopSemaphores
from .compose import Leaf, Node, evaluate_node, iter_leaves
from .dispatch import ModelProcessPool, check_picklable
from .forks import fork_generation
from .pairing import Pairing, check_pairing, score_in_pairs
from .reward import Kind, Mode, Reward
from .rows import FieldMap, row_to_sample
from .rulepool import RulePool
from .schema import RewardResult, RewardStatus, Sample, ScoredSample
from .spec import parse_spec

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Runner", "RunnerOptions", "aevaluate", "evaluate"]

DEFAULT_TIMEOUT = 30.0  # rule rewards: a CPU check that needs longer is stuck
DEFAULT_MODEL_TIMEOUT = 300.0  # model rewards: a judge call may retry with backoff and reason at length


def _finite(results: list[RewardResult], label: str) -> list[RewardResult]:
    """An ok result with a NaN or infinite score is an error: it would poison every mean and update."""
    out = []
    for r in results:
        score = r.score
        if r.ok and isinstance(score, float) and not math.isfinite(score):
            r = RewardResult.failure(RewardStatus.error, f"{label} returned a non-finite score ({score!r})")
        out.append(r)
    return out


def _check_limits(workers: int | None, concurrency: int, timeout: float | None, model_processes: int) -> None:
    """Numbers that would remove the time budget or the pool are refused by name, not guessed at."""
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) or timeout <= 0
    ):
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 0):
        raise ValueError(f"workers must be 0 (in this process) or a positive integer, got {workers!r}")
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be a positive integer, got {concurrency!r}")
    if isinstance(model_processes, bool) or not isinstance(model_processes, int) or model_processes < 1:
        raise ValueError(f"model_processes must be a positive integer, got {model_processes!r}")


class RunnerOptions(TypedDict, total=False):
    """The keyword arguments of `Runner`, which `evaluate`, `aevaluate`, `rank` and `best_of_n` pass on."""

    params: dict[str, Any] | None
    soft_params: dict[str, Any] | None
    workers: int | None
    concurrency: int
    timeout: float | None
    max_pending: int | None
    model_processes: int
    pairing: Pairing | None
    id_field: str | None
    prompt_field: str | None
    response_field: str | None
    responses_field: str | None
    reference_field: str | None
    task_field: str | None
    steps_field: str | None
    chosen_field: str | None
    rejected_field: str | None
    label_field: str | None


class Runner:
    """Holds the parsed spec, the process pool and the limits; reusable across batches.

    `timeout` is the wall-clock budget of one reward on one sample; when not given it is
    30 s for rule rewards and 300 s for model rewards. `workers=0` runs rule rewards in this
    process (no hard budget: for debugging only).
    `model_processes=N` (N > 1) makes model-reward calls from N child processes (see `rmg.core.dispatch`):
    worth it only when this process's CPU is the bound, i.e. hundreds of calls/s to a fast endpoint.

    Samples may be `Sample`s or dict rows, read exactly as `rmg score` reads file rows
    (`rmg.core.rows`); `<name>_field="dotted.path"` says where a field lives, as the CLI's
    `--<name>-field` flags do. `pairing` lets a pairwise reward score more than two responses:
    "tournament" (n - 1 comparisons), "all_pairs" (n(n-1)/2, each response scores its share of wins)
    or "vote" (all pairs; 1.0 for the responses with the most wins); see `rmg.core.pairing`.
    """

    def __init__(
        self,
        spec: Any,
        *,
        params: dict[str, Any] | None = None,
        soft_params: dict[str, Any] | None = None,
        workers: int | None = None,
        concurrency: int = 64,
        timeout: float | None = None,
        max_pending: int | None = None,
        model_processes: int = 1,
        pairing: Pairing | None = None,
        id_field: str | None = None,
        prompt_field: str | None = None,
        response_field: str | None = None,
        responses_field: str | None = None,
        reference_field: str | None = None,
        task_field: str | None = None,
        steps_field: str | None = None,
        chosen_field: str | None = None,
        rejected_field: str | None = None,
        label_field: str | None = None,
    ) -> None:
        _check_limits(workers, concurrency, timeout, model_processes)
        self.fields = FieldMap(
            id=id_field,
            prompt=prompt_field,
            response=response_field,
            responses=responses_field,
            reference=reference_field,
            task=task_field,
            steps=steps_field,
            chosen=chosen_field,
            rejected=rejected_field,
            label=label_field,
        )
        self.pairing = check_pairing(pairing)
        self.node: Node = parse_spec(spec, params, soft=soft_params)
        self.leaves: list[Leaf] = list(iter_leaves(self.node))
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        self.concurrency = max(1, concurrency)
        self.timeout = timeout if timeout is not None else DEFAULT_TIMEOUT
        self.model_timeout = timeout if timeout is not None else DEFAULT_MODEL_TIMEOUT
        self.max_pending = max_pending or max(4 * max(self.workers, 1), 2 * self.concurrency, 8)
        self.model_processes = max(1, int(model_processes))
        self._rule_rewards, self._rule_index = self._by_kind(Kind.rule)
        self._model_rewards, self._model_index = self._by_kind(Kind.model)
        # Pickled now: a reward that cannot travel fails here, by name, not once per sample.
        self._model_blob = (
            check_picklable(self._model_rewards) if self.model_processes > 1 and self._model_rewards else b""
        )
        self._pool: RulePool | None = None
        self._model_pool: ModelProcessPool | None = None
        self._pool_lock = threading.Lock()
        self._fork = fork_generation()  # pools belong to the process that started them (see _forked)
        # One semaphore per event loop (each stream() runs its own), pruned as loops close.
        self._semaphores = LoopSemaphores(self.concurrency)

    def _by_kind(self, kind: Kind) -> tuple[list[Reward], dict[int, int]]:
        # Pools hold the rewards from their start; a task names its reward by index.
        leaves = [leaf for leaf in self.leaves if leaf.reward.kind is kind]
        return [leaf.reward for leaf in leaves], {id(leaf): i for i, leaf in enumerate(leaves)}

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _forked(self) -> None:
        """In a forked child, forget the parent's pools (their threads did not survive the fork)."""
        if self._fork != fork_generation():
            self._fork = fork_generation()
            self._pool_lock = threading.Lock()  # it may have been held by a parent thread at the fork
            self._pool = None
            self._model_pool = None
            self._semaphores = LoopSemaphores(self.concurrency)

    def close(self) -> None:
        self._forked()
        with self._pool_lock:
            pool, self._pool = self._pool, None
            model_pool, self._model_pool = self._model_pool, None
        if pool is not None:
            pool.close()
        if model_pool is not None:
            model_pool.close()

    def _get_pool(self) -> RulePool:
        self._forked()
        with self._pool_lock:
            if self._pool is None:
                self._pool = RulePool(self._rule_rewards, self.workers, self.timeout)
            return self._pool

    # -- the rule pool, for a long-lived service ---------------------------------------------------
    def warm(self) -> None:
        """Start the rule-reward workers now instead of on the first sample (a server does this at start)."""
        if self.workers > 0 and self._rule_rewards:
            self._get_pool().warm()

    def worker_pids(self) -> set[int]:
        """The pids of the live rule-reward workers (empty while the pool is not started)."""
        pool = self._pool
        return pool.worker_pids() if pool is not None and self._fork == fork_generation() else set()

    @property
    def restarts(self) -> int:
        """Rule-reward workers replaced so far: timed out, died, killed from outside, or in a replaced pool."""
        pool = self._pool
        return pool.restarts if pool is not None and self._fork == fork_generation() else 0

    def _get_model_pool(self) -> ModelProcessPool:
        self._forked()
        with self._pool_lock:
            if self._model_pool is None:
                self._model_pool = ModelProcessPool(self._model_blob, self.model_processes)
            return self._model_pool

    # -- evaluating one leaf ---------------------------------------------------------------------
    async def _leaf(self, leaf: Leaf, sample: Sample) -> list[RewardResult]:
        if self.pairing and leaf.reward.active_mode is Mode.pairwise and len(sample.candidates) > 2:
            return await score_in_pairs(sample, lambda pair: self._one_leaf(leaf, pair), self.pairing)
        return await self._one_leaf(leaf, sample)

    async def _one_leaf(self, leaf: Leaf, sample: Sample) -> list[RewardResult]:
        return _finite(await self._leaf_results(leaf, sample), leaf.label)

    async def _leaf_results(self, leaf: Leaf, sample: Sample) -> list[RewardResult]:
        reward = leaf.reward
        n = max(len(sample.candidates), 1)
        if reward.kind is Kind.rule and self.workers > 0:
            return await self._get_pool().results(self._rule_index[id(leaf)], sample, leaf.label, n)
        if reward.kind is Kind.rule:
            return reward.evaluate(sample)
        async with self._semaphores.get():
            call = self._in_model_process(leaf, sample, n) if self.model_processes > 1 else reward.aevaluate(sample)
            try:
                return await asyncio.wait_for(call, self.model_timeout)
            except asyncio.TimeoutError:
                return RewardResult.failures(
                    n, RewardStatus.timeout, f"{leaf.label} exceeded its {self.model_timeout:g}s budget"
                )

    async def _in_model_process(self, leaf: Leaf, sample: Sample, n: int) -> list[RewardResult]:
        pool = self._get_model_pool()
        task = None
        try:
            task, future = pool.submit(self._model_index[id(leaf)], sample)
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:  # the budget ran out, or the caller stopped early
            if task is not None:
                pool.cancel(task)
            raise
        except Exception as exc:
            return RewardResult.failures(n, RewardStatus.error, f"{leaf.label}: {exc}")

    async def ascore(self, sample: Sample | dict[str, Any] | Exception, index: int = 0) -> ScoredSample:
        """Score one sample (an exception in its place is reported as an invalid input)."""
        parsed = _as_sample(sample, self.fields)
        if isinstance(parsed, ScoredSample):
            return parsed.model_copy(update={"index": index})
        results = _finite(await evaluate_node(self.node, parsed, self._leaf), "the composition")
        return ScoredSample(index=index, sample=parsed, results=results)

    # -- many samples ----------------------------------------------------------------------------
    async def astream(
        self, samples: Iterable[Sample | dict[str, Any]] | AsyncIterable[Sample | dict[str, Any]]
    ) -> AsyncIterator[ScoredSample]:
        """Yield results in input order, keeping up to `max_pending` samples in flight."""
        pending: deque[asyncio.Task[ScoredSample]] = deque()
        try:
            async for index, sample in _aenumerate(samples):
                pending.append(asyncio.ensure_future(self.ascore(sample, index)))
                while pending and (len(pending) >= self.max_pending or pending[0].done()):
                    yield await pending.popleft()
            while pending:
                yield await pending.popleft()
        finally:
            for task in pending:
                task.cancel()

    def stream(self, samples: Iterable[Sample | dict[str, Any]]) -> Iterator[ScoredSample]:
        """Sync twin of `astream`: a private loop in a helper thread feeds this generator."""
        out: queue.Queue[Any] = queue.Queue(maxsize=self.max_pending)
        stop = threading.Event()
        done = object()

        running: dict[str, Any] = {}

        async def pump() -> None:
            running["loop"], running["task"] = asyncio.get_running_loop(), asyncio.current_task()
            async for scored in self.astream(samples):
                # Never block the loop on a slow consumer: model calls in flight must go on.
                while not stop.is_set():
                    try:
                        out.put_nowait(scored)
                        break
                    except queue.Full:
                        await asyncio.sleep(0.005)
                if stop.is_set():
                    return

        def main() -> None:
            try:
                asyncio.run(pump())
                out.put(done)
            except BaseException as exc:
                out.put(exc)

        thread = threading.Thread(target=main, name="rmg-runner", daemon=True)
        thread.start()
        try:
            while True:
                item = out.get()
                if item is done:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            # A consumer that stops early (break, Ctrl-C) cancels the work still in flight.
            loop, task = running.get("loop"), running.get("task")
            if loop is not None and task is not None and thread.is_alive():
                try:
                    loop.call_soon_threadsafe(task.cancel)
                except RuntimeError:  # the loop closed meanwhile
                    pass
            while thread.is_alive():
                try:
                    out.get(timeout=0.05)
                except queue.Empty:
                    pass


def _as_sample(sample: Sample | dict[str, Any] | Exception, fields: FieldMap) -> Sample | ScoredSample:
    if isinstance(sample, Sample):
        return sample
    if not isinstance(sample, Exception):
        # A dict is a dataset row, read as `rmg score` reads a file's rows.
        try:
            return row_to_sample(sample, fields)
        except ValueError as exc:
            failure = RewardResult.failure(RewardStatus.invalid_input, f"invalid row: {exc}")
            return ScoredSample(index=0, sample=Sample(metadata={"input": repr(sample)[:500]}), results=[failure])
    # A row the caller could not turn into a sample: it still gets its place in the output.
    failure = RewardResult.failure(RewardStatus.invalid_input, str(sample))
    return ScoredSample(index=0, sample=Sample(), results=[failure])


async def _aenumerate(samples: Any) -> AsyncIterator[tuple[int, Any]]:
    index = 0
    if hasattr(samples, "__aiter__"):
        async for sample in samples:
            yield index, sample
            index += 1
    else:
        for sample in samples:
            yield index, sample
            index += 1


def evaluate(
    spec: Any, samples: Iterable[Sample | dict[str, Any]], **options: Unpack[RunnerOptions]
) -> Iterator[ScoredSample]:
    """Score samples with a spec; yields a `ScoredSample` per input, in input order.

    Samples are `Sample`s or dict rows (read as `rmg score` reads a file's rows). Options are those
    of `Runner`: params, workers, concurrency, timeout, max_pending, model_processes, pairing, and
    the field options id_field, prompt_field, response_field, responses_field, reference_field,
    task_field, steps_field, chosen_field, rejected_field, label_field.
    """
    with Runner(spec, **options) as runner:
        yield from runner.stream(samples)


async def aevaluate(
    spec: Any,
    samples: Iterable[Sample | dict[str, Any]] | AsyncIterable[Sample | dict[str, Any]],
    **options: Unpack[RunnerOptions],
) -> AsyncIterator[ScoredSample]:
    """Async twin of `evaluate` (same samples, same options), for code already inside an event loop."""
    runner = Runner(spec, **options)
    try:
        async for scored in runner.astream(samples):
            yield scored
    finally:
        await asyncio.get_running_loop().run_in_executor(None, runner.close)
