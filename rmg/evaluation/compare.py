"""`rmg bench compare`: two reports side by side, B - A, and whether each difference exceeds the noise.

Two runs on the same data (same benchmark, data hash and item ids) are compared paired: items are
resampled together (within their categories) and the benchmark's own aggregate is recomputed for
both runs from the per-item outcomes in report.json, giving an interval for B - A; the difference
exceeds the noise when that interval excludes 0. Otherwise (different data, or outcomes that do
not reproduce a report's numbers, e.g. RewardBench 2's Ties) the two bootstrap intervals are
treated as independent: |B - A| > 1.96 x the combined standard error read off them.
"""

from __future__ import annotations

import math
import random
from typing import Any

from .base import BenchmarkError, Item
from .registry import get_benchmark
from .report import reward_text

__all__ = ["compare_reports"]

Z95 = 1.959964
EPS = 1e-9


def _se(ci: list[float] | None) -> float | None:
    return None if not ci else (ci[1] - ci[0]) / (2 * Z95)


def paired_intervals(
    a: dict[str, Any], b: dict[str, Any], *, rounds: int = 1000, seed: int = 0
) -> dict[str, tuple[float, float]] | None:
    """95% intervals of B - A (overall and per category) by a paired bootstrap, or None when the
    two reports are not on the same items or their outcomes do not reproduce their numbers."""
    if a.get("benchmark") != b.get("benchmark") or a.get("data_hash") != b.get("data_hash"):
        return None
    pa, pb = a.get("per_item") or [], b.get("per_item") or []
    if not pa or [x["id"] for x in pa] != [x["id"] for x in pb]:
        return None
    try:
        bench = get_benchmark(str(a["benchmark"]))
    except BenchmarkError:
        return None
    items = [Item(id=x["id"], category=x["category"], prompt=None, candidates=[], chosen=[]) for x in pa]

    def outcomes(rows: list[dict[str, Any]]) -> list[dict[str, float]]:
        return [{k: math.nan if v is None else v for k, v in r.items() if k not in ("id", "category")} for r in rows]

    oa, ob = outcomes(pa), outcomes(pb)
    for report, outs in ((a, oa), (b, ob)):
        overall = bench.aggregate(items, outs).overall
        if report["overall"] is None or math.isnan(overall) or abs(overall - report["overall"]) > 1e-6:
            return None
    groups: dict[str, list[int]] = {}
    for k, item in enumerate(items):
        groups.setdefault(item.category, []).append(k)
    rng = random.Random(seed)
    draws: dict[str, list[float]] = {}
    for _ in range(rounds):
        picked = [rng.choice(members) for members in groups.values() for _ in members]
        sub = [items[k] for k in picked]
        ma, mb = bench.aggregate(sub, [oa[k] for k in picked]), bench.aggregate(sub, [ob[k] for k in picked])
        pairs = [("overall", ma.overall, mb.overall)]
        pairs += [(c, ma.categories[c], mb.categories.get(c, math.nan)) for c in ma.categories]
        for name, va, vb in pairs:
            if not (math.isnan(va) or math.isnan(vb)):
                draws.setdefault(name, []).append(vb - va)
    out = {}
    for name, values in draws.items():
        values.sort()
        out[name] = (values[int(0.025 * (len(values) - 1))], values[math.ceil(0.975 * (len(values) - 1))])
    return out


def compare_reports(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """B - A for overall and each shared category, with the noise test described in the module."""
    paired = paired_intervals(a, b)
    rows = []
    a_cats = {c["name"]: c for c in a["categories"]}
    b_cats = {c["name"]: c for c in b["categories"]}
    for name in ["overall"] + [n for n in b_cats if n in a_cats]:
        ca = {"score": a["overall"], "ci": a.get("overall_ci")} if name == "overall" else a_cats[name]
        cb = {"score": b["overall"], "ci": b.get("overall_ci")} if name == "overall" else b_cats[name]
        row: dict[str, Any] = {"name": name, "a": ca["score"], "b": cb["score"], "difference": None, "z": None}
        row.update(difference_ci=None, exceeds_noise=None, method=None)
        if ca["score"] is not None and cb["score"] is not None:
            row["difference"] = round(cb["score"] - ca["score"], 12) + 0.0  # + 0.0: never "-0.0"
            if paired is not None and name in paired:
                low, high = paired[name]
                # float noise (1e-17 from the same sums in another order) is no difference
                exceeds = low > EPS or high < -EPS
                row.update(difference_ci=[low, high], exceeds_noise=exceeds, method="paired bootstrap")
            else:
                sa, sb = _se(ca.get("ci")), _se(cb.get("ci"))
                if sa is not None and sb is not None:
                    se = math.hypot(sa, sb)
                    row["z"] = row["difference"] / se if se > 0 else (0.0 if row["difference"] == 0 else math.inf)
                    exceeds = abs(row["difference"]) > EPS and abs(row["z"]) > Z95
                    row.update(exceeds_noise=exceeds, method="independent intervals")
        rows.append(row)
    notes = []
    if a.get("benchmark") != b.get("benchmark"):
        notes.append(f"different benchmarks: {a.get('benchmark')} vs {b.get('benchmark')}")
    if a.get("data_hash") != b.get("data_hash"):
        notes.append("different data (data_hash differs): the comparison is across data sets")
    return {"a": reward_text(a), "b": reward_text(b), "rows": rows, "notes": notes, "paired": paired is not None}
