"""Evaluate any reward on the reward-model benchmarks with each benchmark's official rule.

Benchmarks are plugins (`register_benchmarks`); rmg's own are in `rmg.evaluation.plugin`.
`run_benchmark(name, data, spec=...)` scores through the runner; `scores=` replays recorded scores.
"""

from __future__ import annotations

from .api import build_report, load_items, run_benchmark
from .base import TIE, Benchmark, BenchmarkError, Item, Metrics, Verdicts
from .registry import get_benchmark, list_benchmarks
from .report import compare_reports, load_report

__all__ = [
    "TIE",
    "Benchmark",
    "BenchmarkError",
    "Item",
    "Metrics",
    "Verdicts",
    "build_report",
    "compare_reports",
    "get_benchmark",
    "list_benchmarks",
    "load_items",
    "load_report",
    "run_benchmark",
]
