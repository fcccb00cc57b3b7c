"""Reliability figures: bootstrap intervals, position bias and order consistency, intransitive triples."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from itertools import combinations
from typing import Any

from .base import TIE, Benchmark, Item, Verdicts

__all__ = ["bootstrap", "intransitive_triples", "position_stats"]


def bootstrap(
    bench: Benchmark,
    items: Sequence[Item],
    outcomes: Sequence[dict[str, Any]],
    *,
    rounds: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, tuple[float, float]]:
    """Percentile intervals for overall, each category and each extra (`extra:NAME`): items are
    resampled within their category (so every category keeps its size) and the benchmark's own
    aggregate is recomputed each round."""
    if not items:
        return {}
    rng = random.Random(seed)
    groups: dict[str, list[int]] = {}
    for k, item in enumerate(items):
        groups.setdefault(item.category, []).append(k)
    draws: dict[str, list[float]] = {}
    for _ in range(rounds):
        picked = [rng.choice(members) for members in groups.values() for _ in members]
        metrics = bench.aggregate([items[k] for k in picked], [outcomes[k] for k in picked])
        extras = [(f"extra:{k}", v) for k, v in metrics.extra.items()]
        for name, value in [("overall", metrics.overall), *metrics.categories.items(), *extras]:
            if not math.isnan(value):
                draws.setdefault(name, []).append(value)
    low_q, high_q = (1 - level) / 2, 1 - (1 - level) / 2
    return {name: (_quantile(v, low_q), _quantile(v, high_q)) for name, v in draws.items()}


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def position_stats(items: Sequence[Item], verdicts: Sequence[Verdicts]) -> dict[str, float] | None:
    """For verdicts judged in both orders (pairwise rewards): how often the verdict follows the slot.

    Over ordered pairs with a decisive verdict in both orders: `order_consistency` = share where the
    same response wins both times; `position_bias` = share where the same *slot* wins both times
    (first-first or second-second: the verdict followed the position, not the answer);
    `first_slot_rate` = share of all decisive single-order verdicts that picked the first slot
    (0.5 is unbiased). None when no item was judged pairwise.
    """
    both = first_first = second_second = 0
    decisive = first = 0
    ties = 0
    for _item, v in zip(items, verdicts):
        if v.scores is not None:
            continue
        for (i, j), (w_ij, w_ji) in v.pairs.items():
            for shown_first, w in ((i, w_ij), (j, w_ji)):
                if w is None:
                    continue
                if w == TIE:
                    ties += 1
                    continue
                decisive += 1
                first += w == shown_first
            if w_ij in (None, TIE) or w_ji in (None, TIE):
                continue
            both += 1
            first_first += w_ij == i and w_ji == j
            second_second += w_ij == j and w_ji == i
    if not decisive and not ties:
        return None
    return {
        "pairs_decided_both_orders": float(both),
        "order_consistency": (both - first_first - second_second) / both if both else math.nan,
        "position_bias": (first_first + second_second) / both if both else math.nan,
        "first_first": first_first / both if both else math.nan,
        "second_second": second_second / both if both else math.nan,
        "first_slot_rate": first / decisive if decisive else math.nan,
        "tie_rate": ties / (ties + decisive),
    }


def intransitive_triples(items: Sequence[Item], verdicts: Sequence[Verdicts]) -> dict[str, float] | None:
    """Cycles a > b > c > a among three candidates of one item, from pairwise verdicts where each
    pair has a consistent winner over its orders. None when no item has three mutually judged ones."""
    triples = cycles = 0
    for item, v in zip(items, verdicts):
        if v.scores is not None or len(item.candidates) < 3:
            continue
        beats: dict[tuple[int, int], bool] = {}
        for (i, j), (a, b) in v.pairs.items():
            if a is not None and a == b and a != TIE:
                beats[(a, j if a == i else i)] = True
        judged = {frozenset(p) for p in v.pairs}
        for a, b, c in combinations(range(len(item.candidates)), 3):
            if not {frozenset((a, b)), frozenset((b, c)), frozenset((a, c))} <= judged:
                continue
            triples += 1
            if (beats.get((a, b)) and beats.get((b, c)) and beats.get((c, a))) or (
                beats.get((b, a)) and beats.get((c, b)) and beats.get((a, c))
            ):
                cycles += 1
    if not triples:
        return None
    return {"triples": float(triples), "intransitive": float(cycles), "share": cycles / triples}
