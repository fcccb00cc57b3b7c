"""`format.length`: a target length range, or DAPO's soft over-length punishment.

DAPO (Yu et al. 2025, "DAPO: An Open-Source LLM Reinforcement Learning System at Scale", eq. 13)
punishes a response of length |y| with a linear ramp in a buffer of L_cache before L_max:

    R_length(y) = 0                                  if |y| <= L_max - L_cache
                = ((L_max - L_cache) - |y|) / L_cache  if L_max - L_cache < |y| <= L_max
                = -1                                 if L_max < |y|

Here L_max is `max_length`, L_cache is `buffer_length`, and the result is multiplied by
`penalty_factor` (verl's `overlong_buffer.penalty_factor`). It is meant to be added to a
correctness reward (`0.9*math.accuracy + format.length`), so it is 0 for most responses.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

import rmg

from .text import Unit, count

__all__ = ["Length", "dapo_penalty"]


def dapo_penalty(length: int, max_length: int, buffer_length: int) -> float:
    """DAPO's soft over-length punishment in [-1, 0] (the formula in the module docstring)."""
    start = max_length - buffer_length
    if length <= start:
        return 0.0
    if length <= max_length:
        return (start - length) / buffer_length
    return -1.0


class Length(rmg.Reward):
    """A target length range (1.0 inside, 0.0 outside) or DAPO's overlong penalty (0 down to -1)."""

    name: ClassVar[str] = "format.length"
    mode: ClassVar[rmg.Mode] = rmg.Mode.pointwise
    kind: ClassVar[rmg.Kind] = rmg.Kind.rule
    description: ClassVar[str] = (
        "Length of the response in words, characters or whitespace tokens: style 'range' gives 1.0 "
        "inside [min_length, max_length] and 0.0 outside; style 'dapo' gives DAPO's soft over-length "
        "penalty (0 up to max_length - buffer_length, linear down to -1 at max_length, -1 beyond)."
    )
    example: ClassVar[dict[str, Any]] = {
        "prompt": "Describe the sky in one sentence.",
        "response": "The sky is a wide blue dome, scattered with slow white clouds.",
    }

    unit: Unit = Field(
        "words", description="words (CJK characters count one each), chars, or tokens (whitespace-split)"
    )
    style: Literal["range", "dapo"] = Field(
        "range", description="range: 1/0 in or out of range; dapo: overlong penalty"
    )
    min_length: int = Field(0, ge=0, description="range: the shortest acceptable length")
    max_length: int | None = Field(
        None, ge=1, description="range: the longest acceptable length (none: no limit); dapo: L_max"
    )
    buffer_length: int = Field(
        0, ge=0, description="dapo: L_cache, the buffer before max_length where the penalty ramps"
    )
    penalty_factor: float = Field(
        1.0, ge=0.0, description="dapo: the penalty at and beyond max_length is -penalty_factor"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Length:
        if self.style == "dapo":
            if self.max_length is None:
                raise ValueError("style 'dapo' needs max_length (L_max)")
            if not 0 < self.buffer_length <= self.max_length:
                raise ValueError(
                    f"style 'dapo' needs 0 < buffer_length <= max_length, got buffer_length={self.buffer_length} "
                    f"and max_length={self.max_length}"
                )
        elif self.max_length is not None and self.min_length > self.max_length:
            raise ValueError(f"min_length {self.min_length} is above max_length {self.max_length}")
        return self

    def score(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult:
        n = count(candidate.content, self.unit)
        details: dict[str, Any] = {"length": n, "unit": self.unit}
        if self.style == "dapo":
            assert self.max_length is not None  # checked by the validator
            penalty = dapo_penalty(n, self.max_length, self.buffer_length) * self.penalty_factor
            start = self.max_length - self.buffer_length
            if n <= start:
                reason = f"{n} {self.unit}, within the {start} before the overlong buffer: no penalty"
            elif n <= self.max_length:
                reason = f"{n} {self.unit}, {n - start} into the {self.buffer_length}-{self.unit} overlong buffer"
            else:
                reason = f"{n} {self.unit}, over max_length {self.max_length}: full penalty"
            return rmg.RewardResult(score=penalty + 0.0, reason=reason, details=details)
        top = "∞" if self.max_length is None else str(self.max_length)
        if n < self.min_length:
            return rmg.RewardResult(
                score=0.0, reason=f"{n} {self.unit}, below min_length {self.min_length}", details=details
            )
        if self.max_length is not None and n > self.max_length:
            return rmg.RewardResult(
                score=0.0, reason=f"{n} {self.unit}, above max_length {self.max_length}", details=details
            )
        return rmg.RewardResult(
            score=1.0, reason=f"{n} {self.unit}, within [{self.min_length}, {top}]", details=details
        )
