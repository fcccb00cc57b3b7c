"""`general.number_accuracy`: do the numbers of the reference appear in the response?

Numbers are read with one regular expression: signs (also U+2212), thousands separators
(`1,234,567`), decimals, scientific notation and a trailing `%` (dropped: `50%` reads as 50).
A digit glued to a Latin letter (`H2O`, `v1.2`) is not a number; a range `3-4` is 3 and 4, not
3 and -4. Matching is a multiset match within tolerance (`math.isclose`), so order does not matter
and one response number can satisfy only one reference number. For symbolic answers (fractions,
LaTeX) use `math.accuracy` instead: this reward is for numbers written out in prose.
"""

from __future__ import annotations

import bisect
import math
import re
from typing import Any, ClassVar, Literal

from pydantic import Field

import rmg

__all__ = ["NumberAccuracy", "extract_numbers"]

_NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.])[-\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?"
    r"|(?<![A-Za-z0-9_.])[-\u2212]?\.\d+"
)


def extract_numbers(text: str) -> list[float]:
    """Every number written in `text`, in order."""
    out = []
    for match in _NUMBER.finditer(text):
        token = match.group(0).replace(",", "").replace("\u2212", "-")
        try:
            out.append(float(token))
        except ValueError:  # unusual Unicode digits float() rejects
            continue
    return out


def _reference_numbers(value: Any, reward: str) -> list[float]:
    if value is None:
        raise rmg.InvalidInput(f"{reward} needs a reference containing numbers; the sample has none")
    items = value if isinstance(value, (list, tuple)) else [value]
    numbers: list[float] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise rmg.InvalidInput(
                f"{reward}: a reference must be a number, a text with numbers, or a list of them; "
                f"got {type(item).__name__}"
            )
        if isinstance(item, str):
            numbers.extend(extract_numbers(item))
        elif isinstance(item, float) and math.isnan(item):
            raise rmg.InvalidInput(f"{reward}: the reference is NaN")
        else:
            try:
                numbers.append(float(item))
            except OverflowError:
                raise rmg.InvalidInput(f"{reward}: the reference number is too large for a float") from None
    if not numbers:
        raise rmg.InvalidInput(f"{reward}: the reference contains no number to check")
    return numbers


class NumberAccuracy(rmg.Reward):
    name: ClassVar[str] = "general.number_accuracy"
    description: ClassVar[str] = (
        "Fraction of the reference's numbers found in the response (within tolerance, any order); "
        "`compare='last'` checks only the final numbers, `score_type='f1'` also penalises extra numbers."
    )
    example: ClassVar[dict[str, Any] | None] = {
        "prompt": "A shop sells 1,200 apples on Monday and 350 on Tuesday. How many in total?",
        "response": "1,200 + 350 = 1,550 apples.",
        "reference": "1550",
    }

    compare: Literal["all", "last"] = Field("all", description="all numbers, or only the last number of each side")
    score_type: Literal["recall", "f1"] = Field(
        "recall", description="recall: share of reference numbers found; f1: also penalise extra response numbers"
    )
    abs_tolerance: float = Field(1e-6, ge=0, description="absolute tolerance of a match")
    rel_tolerance: float = Field(1e-9, ge=0, description="relative tolerance of a match")

    def score(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult:
        gold = _reference_numbers(sample.reference, self.name)
        found = extract_numbers(candidate.content)
        if self.compare == "last":
            gold, found = gold[-1:], found[-1:]
        if not found:
            return rmg.RewardResult(
                score=0.0,
                reason="the response contains no number",
                dimensions=[rmg.Dimension(name="recall", score=0.0), rmg.Dimension(name="precision", score=0.0)],
            )
        matched, missing = 0, []
        pool = sorted(found)
        for number in gold:
            hit = self._nearest_match(pool, number)
            if hit is None:
                missing.append(number)
            else:
                matched += 1
                del pool[hit]
        recall, precision = matched / len(gold), matched / len(found)
        f1 = 2 * precision * recall / (precision + recall) if matched else 0.0
        score = recall if self.score_type == "recall" else f1
        reason = f"{matched}/{len(gold)} reference number(s) found among {len(found)} in the response"
        if missing:
            reason += "; missing: " + ", ".join(f"{m:g}" for m in missing[:5]) + (" ..." if len(missing) > 5 else "")
        return rmg.RewardResult(
            score=score,
            reason=reason,
            dimensions=[rmg.Dimension(name="recall", score=recall), rmg.Dimension(name="precision", score=precision)],
        )

    def _nearest_match(self, pool: list[float], number: float) -> int | None:
        """Index of the closest number in sorted `pool` within tolerance of `number`, or None.

        The numbers within tolerance form an interval around `number`, so if any exists, the
        nearest neighbour below or above it is one: a bisection finds both in O(log n).
        """
        i = bisect.bisect_left(pool, number)
        best: int | None = None
        for j in (i - 1, i):
            if not 0 <= j < len(pool):
                continue
            if not math.isclose(pool[j], number, rel_tol=self.rel_tolerance, abs_tol=self.abs_tolerance):
                continue
            if best is None or abs(pool[j] - number) < abs(pool[best] - number):
                best = j
        return best
