"""What a benchmark is to rmg: items to score, how a reward's verdicts become per-item outcomes,
and how outcomes aggregate into the benchmark's own number.

An `Item` is one unit the official rule scores: a prompt, its candidate responses and which of them
are preferred. A reward scores items in one of two ways (`Verdicts`):

- pointwise / listwise rewards score all candidates of an item together: `scores[k]` (None when the
  candidate's result was not ok);
- pairwise rewards judge ordered pairs: `pairs[(i, j)] = (w_ij, w_ji)` where `w_ij` is the winner
  (a candidate index, `TIE`, or None when unscored) when `i` is shown first.

`Verdicts.winners(i, j)` gives the two per-order winners either way, so every rule is written once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = ["TIE", "Benchmark", "BenchmarkError", "Item", "Metrics", "Verdicts", "mean"]

TIE = -1  # a winner value: neither candidate preferred


class BenchmarkError(ValueError):
    """A benchmark file cannot be read as that benchmark (names the file, row and field)."""


@dataclass
class Item:
    """One scored unit: `candidates[k]` are response texts; `chosen` the indices preferred."""

    id: str
    category: str
    prompt: Any
    candidates: list[str]
    chosen: list[int]
    extra: dict[str, Any] = field(default_factory=dict)
    # pairwise rewards: which ordered-pair comparisons to make (None: every chosen vs every rejected)
    pairs: list[tuple[int, int]] | None = None

    @property
    def rejected(self) -> list[int]:
        return [k for k in range(len(self.candidates)) if k not in self.chosen]

    def comparisons(self) -> list[tuple[int, int]]:
        if self.pairs is not None:
            return self.pairs
        return [(c, r) for c in self.chosen for r in self.rejected]


@dataclass
class Verdicts:
    """A reward's verdicts on one item (see the module docstring)."""

    scores: list[float | None] | None = None
    pairs: dict[tuple[int, int], tuple[int | None, int | None]] = field(default_factory=dict)

    def winners(self, i: int, j: int) -> tuple[int | None, int | None]:
        """Winner with `i` shown first, then with `j` shown first (candidate index, TIE or None)."""
        if self.scores is not None:
            si, sj = self.scores[i], self.scores[j]
            if si is None or sj is None:
                return None, None
            w = i if si > sj else j if sj > si else TIE
            return w, w
        if (i, j) in self.pairs:
            return self.pairs[(i, j)]
        if (j, i) in self.pairs:
            a, b = self.pairs[(j, i)]
            return b, a
        return None, None

    @property
    def unscored(self) -> bool:
        """True when any verdict the item needs is missing."""
        if self.scores is not None:
            return any(s is None for s in self.scores)
        return not self.pairs or any(w is None for pair in self.pairs.values() for w in pair)


@dataclass
class Metrics:
    """A benchmark's numbers: `overall`, one per category, and named extras (all in [0, 1])."""

    overall: float
    categories: dict[str, float]
    extra: dict[str, float] = field(default_factory=dict)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else math.nan


class Benchmark:
    """A registered benchmark: a loader plus its official rule.

    Subclasses set `name`, `description` (what the number means), `rule` (the official rule and its
    source) and implement `load`, `outcome` (one item -> a dict with at least `credit` in [0, 1])
    and, when the overall number is not the plain mean over items, `aggregate`.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    rule: ClassVar[str] = ""
    unscored_rule: ClassVar[str] = (
        "an unscored item stays in the denominator with no credit (the official script scores every item)"
    )
    needs_scores: ClassVar[bool] = False  # True: only pointwise scores can be scored (no pairwise judges)

    def load(self, path: str, **options: Any) -> list[Item]:
        raise NotImplementedError

    def outcome(self, item: Item, verdicts: Verdicts) -> dict[str, float]:
        raise NotImplementedError

    def aggregate(self, items: Sequence[Item], outcomes: Sequence[dict[str, float]]) -> Metrics:
        """Default: overall and per-category means of `credit` over items."""
        return mean_by_category(items, outcomes)

    def category_order(self, categories: Sequence[str]) -> list[str]:
        return sorted(categories)


def mean_by_category(items: Sequence[Item], outcomes: Sequence[dict[str, float]], key: str = "credit") -> Metrics:
    groups: dict[str, list[float]] = {}
    for item, out in zip(items, outcomes):
        groups.setdefault(item.category, []).append(out[key])
    return Metrics(overall=mean([o[key] for o in outcomes]), categories={c: mean(v) for c, v in sorted(groups.items())})


def order_credit(item: Item, verdicts: Verdicts, i: int, j: int, tie: float = 0.0) -> float:
    """Mean over the two orders of 1 when `i` wins, `tie` for a tie, 0 otherwise (None counts 0)."""
    credit = 0.0
    for w in verdicts.winners(i, j):
        credit += 1.0 if w == i else tie if w == TIE else 0.0
    return credit / 2


LoaderFactory = Callable[[], Benchmark]
