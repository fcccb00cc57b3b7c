"""rmg rewards as TRL GRPOTrainer reward functions.

    from rmg.training.trl import reward_func
    trainer = GRPOTrainer(..., reward_funcs=[reward_func("0.1*format.think_answer + 0.9*math.accuracy")])

or, with no code, through TRL's CLI: `--reward_funcs rmg.training.trl.math_accuracy
rmg.training.trl.think_format`.

TRL calls a reward function once per step with `prompts`, `completions`, `completion_ids` and every
other dataset column as a keyword list, plus `log_metric`; it logs the rewards by the function's
`__name__`. The reference comes from the first column present of `solution`, `answer`,
`ground_truth`, `reference` (or the one named by `reference=`). A failed sample is `None` (TRL
leaves it out of the mean) and counted through `log_metric("rmg/<status>", n)`. The function object
is picklable: it holds only the spec and options; its runner is the process's shared one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from rmg.core.schema import RewardStatus, Sample, ScoredSample

from .shared import get_runner

__all__ = ["AsyncRewardFunc", "RewardFunc", "async_reward_func", "math_accuracy", "reward_func", "think_format"]

REFERENCE_COLUMNS = ("solution", "answer", "ground_truth", "reference")


def _text(value: Any) -> str:
    """A completion or prompt as text: plain strings, or chat messages (the last one's content)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and isinstance(value[-1], dict):
        return str(value[-1].get("content", ""))
    return "" if value is None else str(value)


def _prompt(value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(m, dict) for m in value):
        return [{"role": m.get("role", "user"), "content": str(m.get("content", ""))} for m in value]
    return _text(value)


def _name(spec: str) -> str:
    return re.sub(r"\W+", "_", spec).strip("_")[:80] or "rmg_reward"


class RewardFunc:
    """A GRPOTrainer reward function for one rmg spec (picklable; scoring runs on a shared Runner)."""

    def __init__(self, spec: str, *, reference: str | None = None, name: str | None = None, **options: Any) -> None:
        self.spec = spec
        self.reference = reference
        self.options = options
        self.__name__ = name or _name(spec)
        self.__qualname__ = self.__name__

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec!r})"

    def _samples(self, prompts: list[Any] | None, completions: list[Any], columns: dict[str, Any]) -> list[Sample]:
        names = (self.reference,) if self.reference else REFERENCE_COLUMNS
        refs = next((columns[n] for n in names if columns.get(n) is not None), None)
        if self.reference and refs is None:
            raise ValueError(f"reference column {self.reference!r} is not in the dataset (columns: {sorted(columns)})")
        tasks = columns.get("task") or columns.get("data_source")
        samples = []
        for i, completion in enumerate(completions):
            samples.append(
                Sample(
                    prompt=_prompt(prompts[i]) if prompts else [],
                    candidates=[_text(completion)],
                    reference=refs[i] if refs is not None else None,
                    task=str(tasks[i]) if tasks is not None else None,
                )
            )
        return samples

    def _finish(self, scored: list[ScoredSample], log_metric: Callable[..., Any] | None) -> list[float | None]:
        out: list[float | None] = []
        failures: Counter[str] = Counter()
        for s in scored:
            result = s.results[0]
            out.append(result.score if result.ok else None)
            if not result.ok:
                failures[result.status.value] += 1
        if log_metric is not None:
            for status in RewardStatus:
                if status is not RewardStatus.ok:
                    log_metric(f"rmg/{self.__name__}/{status.value}", float(failures[status.value]))
        return out

    def __call__(
        self,
        prompts: list[Any] | None = None,
        completions: list[Any] | None = None,
        completion_ids: Any = None,
        **kw: Any,
    ) -> list[float | None]:
        log_metric = kw.pop("log_metric", None)
        samples = self._samples(prompts, completions or [], kw)
        shared = get_runner(self.spec, **self.options)
        futures = [shared.submit(s) for s in samples]
        return self._finish([f.result() for f in futures], log_metric)


class AsyncRewardFunc(RewardFunc):
    """The `async def` twin (TRL awaits coroutine reward functions concurrently with the others)."""

    async def __call__(  # type: ignore[override]
        self,
        prompts: list[Any] | None = None,
        completions: list[Any] | None = None,
        completion_ids: Any = None,
        **kw: Any,
    ) -> list[float | None]:
        import asyncio

        log_metric = kw.pop("log_metric", None)
        samples = self._samples(prompts, completions or [], kw)
        shared = get_runner(self.spec, **self.options)
        scored = await asyncio.gather(*(shared.ascore(s) for s in samples))
        return self._finish(list(scored), log_metric)


def reward_func(spec: str, **options: Any) -> RewardFunc:
    """A GRPOTrainer reward function scoring with `spec` (options: reference=, name=, and Runner options)."""
    return RewardFunc(spec, **options)


def async_reward_func(spec: str, **options: Any) -> AsyncRewardFunc:
    return AsyncRewardFunc(spec, **options)


# Ready functions for TRL's CLI (`--reward_funcs rmg.training.trl.math_accuracy`): module-level names.
math_accuracy = RewardFunc("math.accuracy", name="math_accuracy")
think_format = RewardFunc("format.think_answer", name="think_format")
code_execution = RewardFunc("code.execution", name="code_execution")
repetition_penalty = RewardFunc("format.repetition", name="repetition_penalty")
__all__ += ["code_execution", "repetition_penalty"]
