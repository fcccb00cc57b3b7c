"""Benchmarks by name, through the plugin host's `benchmarks` collection (`register_benchmarks`)."""

from __future__ import annotations

from typing import Any

from .base import Benchmark, BenchmarkError

__all__ = ["get_benchmark", "list_benchmarks"]


def list_benchmarks() -> list[str]:
    from rmg.core.plugins import get_host

    return get_host().names("benchmarks")


def get_benchmark(name: str) -> Benchmark:
    """An instance of the registered benchmark `name` (a Benchmark class, instance or factory)."""
    from rmg.core.plugins import get_host

    registration = get_host().get("benchmarks", name)
    if registration is None:
        raise BenchmarkError(f"unknown benchmark {name!r}; registered: {', '.join(list_benchmarks()) or 'none'}")
    obj: Any = registration.obj
    bench = obj() if isinstance(obj, type) or (callable(obj) and not isinstance(obj, Benchmark)) else obj
    if not isinstance(bench, Benchmark):
        raise BenchmarkError(f"benchmark {name!r} (plugin {registration.plugin}) is not an rmg Benchmark")
    return bench
