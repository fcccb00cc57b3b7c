"""`run_benchmark`: load, score (or replay), apply the official rule, add reliability figures, report."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .base import Benchmark, BenchmarkError, Item, Verdicts
from .html import render_html
from .registry import get_benchmark
from .report import markdown
from .rows import data_hash
from .run import recorded_verdicts, run_reward
from .stats import bootstrap, intransitive_triples, position_stats

__all__ = ["build_report", "load_items", "run_benchmark", "write_report"]


def load_items(bench: Benchmark, data: str, *, limit: int | None = None, **options: Any) -> list[Item]:
    items = bench.load(data, **options)
    if not items:
        raise BenchmarkError(f"{data}: no items")
    return items[:limit] if limit is not None else items


def run_benchmark(
    benchmark: str | Benchmark,
    data: str,
    *,
    spec: Any = None,
    scores: str | None = None,
    out: str | Path | None = None,
    limit: int | None = None,
    runner_factory: Callable[[], Any] | None = None,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
    load_options: dict[str, Any] | None = None,
    rounds: int = 1000,
) -> dict[str, Any]:
    """Evaluate a reward (`spec`, scored through the runner) or recorded `scores` on a benchmark.

    With neither, items that carry recorded verdicts (JudgeBench output files' `judgments`) are
    replayed. Writes report.json / report.md / report.html (and scores.jsonl for a run) to `out`.
    """
    from rmg import __version__

    bench = get_benchmark(benchmark) if isinstance(benchmark, str) else benchmark
    spec_text = _spec_text(spec)
    items = load_items(bench, data, limit=limit, **(load_options or {}))
    out_dir = Path(out) if out is not None else None
    source: dict[str, Any]
    run = None
    if spec is not None and scores is None:
        if out_dir is None:
            raise BenchmarkError("a run needs a report directory (-o) for its resumable scores.jsonl")
        if runner_factory is None:
            from rmg.core.runner import Runner

            def runner_factory() -> Any:
                return Runner(spec, soft_params={"swap": False})

        header = {"benchmark": bench.name, "data_hash": data_hash(data), "spec": spec_text, "limit": limit}
        with runner_factory() as runner:
            run = run_reward(
                runner, items, out_dir / "scores.jsonl", header=header, overwrite=overwrite, progress=progress
            )
        verdicts = run.verdicts
        source = {"kind": "run", "scores_file": str(out_dir / "scores.jsonl"), "resumed_samples": run.resumed}
    elif scores is not None:
        verdicts = recorded_verdicts(scores, items)
        source = {"kind": "replay", "scores_file": str(scores)}
        recorded_run = Path(scores).with_name("run.json")  # rmg bench's own scores say which spec made them
        if recorded_run.is_file():
            try:
                source["recorded_spec"] = json.loads(recorded_run.read_text(encoding="utf-8")).get("spec")
            except ValueError:
                pass
    else:
        verdicts = _recorded_in_data(items)
        source = {"kind": "replay", "scores_file": str(data)}
    report = build_report(bench, items, verdicts, rounds=rounds)
    report.update(
        spec=spec_text,
        data=str(data),
        data_hash=data_hash(data),
        rmg_version=__version__,
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        limit=limit,
        source=source,
        endpoint=run.endpoint if run else {},
        statuses=dict(run.statuses) if run else {},
        usage=dict(run.usage) if run else {},
    )
    if out_dir is not None:
        write_report(report, out_dir)
    return report


def write_report(report: dict[str, Any], out_dir: Path) -> None:
    """report.json (machine-readable), report.md and a self-contained report.html."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    (out_dir / "report.md").write_text(markdown(report), encoding="utf-8")
    (out_dir / "report.html").write_text(render_html(report), encoding="utf-8")


def _spec_text(spec: Any) -> str | None:
    """A spec for the report: its text, or a Python reward object's registered name."""
    if spec is None or isinstance(spec, str):
        return spec
    return str(getattr(spec, "name", "") or type(spec).__name__)


def _recorded_in_data(items: list[Item]) -> list[Verdicts]:
    from .judging import judgebench_winner

    if not any("recorded" in item.extra for item in items):
        raise BenchmarkError("nothing to evaluate: give --reward SPEC, --scores FILE, or data with recorded judgments")
    verdicts = []
    for item in items:
        decisions = list(item.extra.get("recorded") or []) + [None, None]
        verdicts.append(
            Verdicts(pairs={(0, 1): (judgebench_winner(decisions[0], 0), judgebench_winner(decisions[1], 1))})
        )
    return verdicts


def build_report(
    bench: Benchmark, items: list[Item], verdicts: list[Verdicts], *, rounds: int = 1000
) -> dict[str, Any]:
    """The benchmark's numbers with intervals, unscored items apart, position and transitivity stats."""
    outcomes = [bench.outcome(item, v) for item, v in zip(items, verdicts)]
    metrics = bench.aggregate(items, outcomes)
    intervals = bootstrap(bench, items, outcomes, rounds=rounds)
    unscored = [k for k, (v, o) in enumerate(zip(verdicts, outcomes)) if v.unscored or o.get("unscorable")]
    scored_only = [k for k in range(len(items)) if k not in set(unscored)]
    on_scored = (
        bench.aggregate([items[k] for k in scored_only], [outcomes[k] for k in scored_only]).overall
        if scored_only
        else math.nan
    )
    counts: dict[str, int] = {}
    unscored_by: dict[str, int] = {}
    for k, item in enumerate(items):
        counts[item.category] = counts.get(item.category, 0) + 1
        if k in set(unscored):
            unscored_by[item.category] = unscored_by.get(item.category, 0) + 1
    order = bench.category_order(list(metrics.categories))
    return {
        "benchmark": bench.name,
        "description": bench.description,
        "rule": bench.rule,
        "items": len(items),
        "overall": _num(metrics.overall),
        "overall_ci": _pair(intervals.get("overall")),
        "categories": [
            {
                "name": c,
                "score": _num(metrics.categories[c]),
                "ci": _pair(intervals.get(c)),
                "items": counts.get(c, 0),
                "unscored": unscored_by.get(c, 0),
            }
            for c in order
        ],
        "extra": {k: _num(v) for k, v in metrics.extra.items()},
        "extra_ci": {k: _pair(intervals.get(f"extra:{k}")) for k in metrics.extra},
        "unscored": {
            "items": len(unscored),
            "share": len(unscored) / len(items) if items else 0.0,
            "counted_as": bench.unscored_rule,
            "overall_on_scored_items": _num(on_scored),
            "examples": [items[k].id for k in unscored[:10]],
        },
        "position": position_stats(items, verdicts),
        "intransitive": intransitive_triples(items, verdicts),
        "per_item": [
            {"id": item.id, "category": item.category, **{k: _num(v) for k, v in o.items() if not isinstance(v, list)}}
            for item, o in zip(items, outcomes)
        ],
    }


def _num(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), 9)


def _pair(ci: tuple[float, float] | None) -> list[float] | None:
    return None if ci is None else [round(ci[0], 9), round(ci[1], 9)]
