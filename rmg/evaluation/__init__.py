"""Evaluate any reward on the reward-model benchmarks with each benchmark's official rule.

Benchmarks are plugins (`register_benchmarks`); rmg's own are in `rmg.evaluation.plugin`.
`run_benchmark(name, data, spec=...)` scores through the runner; `scores=` replays recorded scores.
Names load on first use: the host imports the plugin module whenever it loads, and that must stay light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "TIE": "base",
    "Benchmark": "base",
    "BenchmarkError": "base",
    "Item": "base",
    "Metrics": "base",
    "Verdicts": "base",
    "build_report": "api",
    "load_items": "api",
    "run_benchmark": "api",
    "write_report": "api",
    "get_benchmark": "registry",
    "list_benchmarks": "registry",
    "compare_reports": "compare",
    "load_report": "report",
}

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
    "write_report",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rmg.evaluation' has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:  # pragma: no cover
    from .api import build_report, load_items, run_benchmark, write_report
    from .base import TIE, Benchmark, BenchmarkError, Item, Metrics, Verdicts
    from .compare import compare_reports
    from .registry import get_benchmark, list_benchmarks
    from .report import load_report
