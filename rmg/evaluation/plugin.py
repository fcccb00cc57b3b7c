"""rmg's own benchmarks as a default plugin (loaded by the host like an installed one, so
`rmg plugins` lists them and a pip-installed plugin adds more through the same hook)."""

from __future__ import annotations

from collections.abc import Callable

from rmg.core.hookspecs import hookimpl

from .judging import Generic, JudgeBench, LLMBar, MTBenchHuman
from .preference import HHRLHF, RMB, RewardBench2, RMBench

__all__ = ["register_benchmarks"]


@hookimpl
def register_benchmarks(register: Callable[..., None]) -> None:
    for bench in (RewardBench2, RMBench, RMB, JudgeBench, LLMBar, HHRLHF, MTBenchHuman, Generic):
        register(bench.name, bench)
