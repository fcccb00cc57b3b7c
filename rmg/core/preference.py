"""How often the labelled preferred response won: the number a preference data set is scored by.

A row of preference data (`chosen`/`rejected`, or a labelled pair; see `rmg.core.rows`) records
which of its responses are preferred in `sample.metadata["preference"]`. Every (chosen, rejected)
pair of a row is one comparison (RM-Bench's 3 x 3 style variants make 9): the preferred response
wins when it scored strictly higher, ties when equal (a pairwise judge's "tie" or order-dependent
verdict), and the pair is unscored when either result failed. The mean score of a pairwise reward
is always 0.5 (one 1.0 and one 0.0 per pair), so the win rate is the figure to read.
"""

from __future__ import annotations

from dataclasses import dataclass

from .schema import ScoredSample

__all__ = ["PreferenceTally"]


@dataclass
class PreferenceTally:
    wins: int = 0
    ties: int = 0
    losses: int = 0
    unscored: int = 0
    rows: int = 0

    def add(self, scored: ScoredSample) -> None:
        preference = scored.sample.metadata.get("preference")
        if not isinstance(preference, dict):
            return
        results = scored.results
        n = len(results)
        chosen = [i for i in preference.get("chosen", []) if isinstance(i, int) and 0 <= i < n]
        rejected = [i for i in preference.get("rejected", []) if isinstance(i, int) and 0 <= i < n]
        if not chosen or not rejected:
            return
        self.rows += 1
        for c in chosen:
            for r in rejected:
                a, b = results[c], results[r]
                if not (a.ok and b.ok) or a.score is None or b.score is None:
                    self.unscored += 1
                elif a.score > b.score:
                    self.wins += 1
                elif a.score == b.score:
                    self.ties += 1
                else:
                    self.losses += 1

    @property
    def compared(self) -> int:
        return self.wins + self.ties + self.losses

    @property
    def win_rate(self) -> float | None:
        """Share of scored comparisons the preferred response won (None when none was scored)."""
        return self.wins / self.compared if self.compared else None

    def describe(self) -> str:
        if self.win_rate is None:
            return f"no comparison scored ({self.unscored:,} unscored, {self.rows:,} rows)"
        text = (
            f"{self.win_rate:.1%} ({self.wins:,} of {self.compared:,} comparisons; "
            f"{self.ties:,} ties, {self.losses:,} losses"
        )
        if self.unscored:
            text += f", {self.unscored:,} unscored"
        return text + f"; {self.rows:,} rows)"
