"""Refining a whole dataset: the refine graph run over samples with bounded concurrency.

`RefineBatch.stream(samples)` has the shape of `Runner.stream` (samples in, `ScoredSample` out, in
input order), so `rmg refine` reuses `rmg score`'s reading, resuming, progress and bad-line rules.
Each result is the best draft's score (or the failure that ended the row); the graph's final state
is in `scored.sample.metadata["refine"]`.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from rmg.core.schema import RewardResult, RewardStatus, Sample, ScoredSample

__all__ = ["RefineBatch", "refine_record"]


class RefineBatch:
    """Runs `graph` (a compiled refine graph) on each sample, `concurrency` rows at once."""

    def __init__(self, graph: Any, *, concurrency: int = 8) -> None:
        self.graph = graph
        self.concurrency = max(1, concurrency)

    async def arefine(self, sample: Sample | Exception, index: int) -> ScoredSample:
        if isinstance(sample, Exception):
            failure = RewardResult.failure(RewardStatus.invalid_input, str(sample))
            return ScoredSample(index=index, sample=Sample(), results=[failure])
        state = {
            "prompt": [m.model_dump() for m in sample.prompt],
            "draft": sample.response or None,
            "reference": sample.reference,
            "task": sample.task,
        }
        try:
            final = await self.graph.ainvoke(state)
        except Exception as exc:
            final = {"status": "error", "error": f"{type(exc).__name__}: {exc}", "history": []}
        record = refine_record(sample.response, final)
        if final.get("status") == "error":
            result = RewardResult.failure(RewardStatus.error, final.get("error") or "refine failed")
        elif final.get("score") is None:
            last = (final.get("history") or [{}])[-1]
            status = last.get("status") if last.get("status") in RewardStatus.__members__ else "error"
            result = RewardResult.failure(status, last.get("reason") or "no draft scored ok")
        else:
            best = next(h for h in final["history"] if h["round"] == final["best_round"])
            result = RewardResult(score=final["score"], reason=best.get("reason") or "")
        done = sample.model_copy(update={"metadata": {**sample.metadata, "refine": record}})
        return ScoredSample(index=index, sample=done, results=[result])

    def stream(self, samples: Iterable[Sample | Exception]) -> Iterator[ScoredSample]:
        """Results in input order; the input is read lazily, `concurrency` rows in flight."""
        loop = asyncio.new_event_loop()
        pending: deque[asyncio.Task[ScoredSample]] = deque()
        try:
            for index, sample in enumerate(samples):
                pending.append(loop.create_task(self.arefine(sample, index)))
                while pending and (len(pending) >= self.concurrency or pending[0].done()):
                    yield loop.run_until_complete(pending.popleft())
            while pending:
                yield loop.run_until_complete(pending.popleft())
        finally:
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()


def refine_record(original: str | None, final: dict[str, Any]) -> dict[str, Any]:
    """What an output row keeps of a refine run: original, final, score trajectory, critiques."""
    history = final.get("history") or []
    first = history[0] if history else {}
    return {
        "original": original,
        "final": final.get("answer") if final.get("answer") is not None else original,
        "status": final.get("status"),
        "error": final.get("error"),
        "rounds": max((h["round"] for h in history), default=0),
        "best_round": final.get("best_round"),
        "first_score": first.get("score"),
        "final_score": final.get("score"),
        "scores": [h["score"] for h in history],
        "statuses": [h["status"] for h in history],
        "critiques": [h["critique"] for h in history if h.get("critique")],
        "drafts": [h["draft"] for h in history],
    }
