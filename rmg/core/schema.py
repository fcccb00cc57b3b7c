"""The data model: what a reward reads (`Sample`) and what it returns (`RewardResult`).

Everything here is a pydantic model so it validates on the way in and round-trips through JSON
exactly (`Model.model_validate_json(m.model_dump_json()) == m`).
"""

from __future__ import annotations

import math
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "BestOfN",
    "Candidate",
    "Dimension",
    "Message",
    "RewardResult",
    "RewardStatus",
    "Sample",
    "ScoredSample",
    "Step",
]


class Message(BaseModel):
    """One chat message."""

    model_config = ConfigDict(extra="allow")

    role: str
    content: str


class Step(BaseModel):
    """One reasoning step of a candidate (for process / stepwise rewards)."""

    content: str
    label: float | None = None


class Candidate(BaseModel):
    """One candidate response to the prompt."""

    content: str
    steps: list[Step] | None = None
    reasoning: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class Sample(BaseModel):
    """A prompt, the candidates to judge, and what they are judged against.

    `reference` is whatever the reward needs as ground truth: a gold answer string, a list of
    test cases, a dict. `task` is the routing key (verl's `data_source`).
    """

    id: str | int | None = None
    prompt: list[Message] = Field(default_factory=list)
    candidates: list[Candidate] = Field(default_factory=list)
    reference: Any = None
    task: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("prompt", mode="before")
    @classmethod
    def _prompt_from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [{"role": "user", "content": value}]
        return value

    @field_validator("candidates", mode="before")
    @classmethod
    def _candidates_from_text(cls, value: Any) -> Any:
        if isinstance(value, (str, dict)):
            value = [value]
        if isinstance(value, list):
            return [{"content": v} if isinstance(v, str) else v for v in value]
        return value

    @classmethod
    def of(
        cls,
        response: str | list[str] | None = None,
        *,
        prompt: str | list[dict[str, Any]] | None = None,
        reference: Any = None,
        task: str | None = None,
        id: str | int | None = None,
        **metadata: Any,
    ) -> Sample:
        """Build a sample from plain values: `Sample.of("42", reference="42")`."""
        # Validated from a dict: the field validators turn text into messages and candidates.
        return cls.model_validate(
            {
                "id": id,
                "prompt": prompt or [],
                "candidates": response if response is not None else [],
                "reference": reference,
                "task": task,
                "metadata": metadata,
            }
        )

    @property
    def query(self) -> str:
        """The last user message: what most rewards mean by "the question"."""
        for message in reversed(self.prompt):
            if message.role == "user":
                return message.content
        return self.prompt[-1].content if self.prompt else ""

    @property
    def response(self) -> str:
        """The first candidate's text (the only one for pointwise data)."""
        return self.candidates[0].content if self.candidates else ""


class RewardStatus(str, Enum):
    ok = "ok"
    timeout = "timeout"
    error = "error"
    invalid_input = "invalid_input"


class Dimension(BaseModel):
    """A named sub-score, e.g. one principle of a judge or one part of a composition (None: that part failed)."""

    name: str
    score: float | None
    reason: str = ""


class RewardResult(BaseModel):
    """The score of one candidate.

    A failure is a value, never an exception: `status` says what happened and `error` why.
    A failed result is unscored: its `score` is None (`null` in output files), so averaging a
    score column never counts a failure as a wrong answer. An `ok` result always has a score.
    """

    score: float | None = None
    status: RewardStatus = RewardStatus.ok
    reason: str = ""
    error: str | None = None
    dimensions: list[Dimension] = Field(default_factory=list)
    step_scores: list[float] | None = None
    usage: dict[str, int] | None = None
    details: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _scored_iff_ok(self) -> RewardResult:
        if self.status is not RewardStatus.ok:
            self.score = None  # a failure has no score, whatever the caller passed
        elif self.score is None:
            raise ValueError("a result with status 'ok' needs a score (use RewardResult.failure for a failure)")
        return self

    @property
    def ok(self) -> bool:
        return self.status is RewardStatus.ok

    @classmethod
    def failure(cls, status: RewardStatus | str, error: str, **extra: Any) -> RewardResult:
        return cls(status=RewardStatus(status), error=error, reason=error, **extra)

    @classmethod
    def failures(cls, n: int, status: RewardStatus | str, error: str) -> list[RewardResult]:
        """The same failure for each of `n` candidates (a sample that failed as a whole)."""
        return [cls.failure(status, error) for _ in range(n)]

    @classmethod
    def coerce(cls, value: Any) -> RewardResult:
        """Turn what a reward function returned (a result, a number, a bool) into a result."""
        if isinstance(value, RewardResult):
            return value
        if isinstance(value, bool):
            return cls(score=1.0 if value else 0.0)
        if isinstance(value, (int, float)):
            score = float(value)
            if not math.isfinite(score):  # NaN or infinity would poison every mean and update
                return cls.failure(RewardStatus.error, f"reward returned a non-finite score ({score!r})")
            return cls(score=score)
        if isinstance(value, dict):
            return cls.model_validate(value)
        raise TypeError(f"a reward must return a RewardResult, float or bool, not {type(value).__name__}")

    def dimension(self, name: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.name == name), None)


class ScoredSample(BaseModel):
    """What the runner yields for each input sample: one result per candidate, in order."""

    index: int
    sample: Sample
    results: list[RewardResult]

    @property
    def result(self) -> RewardResult:
        """The single result of a one-candidate sample."""
        if len(self.results) != 1:
            raise ValueError(f"sample {self.index} has {len(self.results)} results; use .results")
        return self.results[0]

    @property
    def ranking(self) -> list[int]:
        """Candidate indices best first: ok results by score (ties keep input order), failed ones last."""
        results = self.results
        return sorted(range(len(results)), key=lambda i: (not results[i].ok, -(results[i].score or 0.0), i))

    @property
    def best(self) -> int:
        """Index of the best-scoring candidate that scored ok (-1 if none did)."""
        ranking = self.ranking
        return ranking[0] if ranking and self.results[ranking[0]].ok else -1


class BestOfN(BaseModel):
    """What `best_of_n` returns: the kept responses (best first) and the scores of all of them.

    `index` is the input position of the best response (None when every response failed),
    `indices` those of all kept responses; `sample` holds only the kept candidates, in rank order,
    and `results` their results. `scored` has every response's result, in input order.
    A response whose scoring failed is never kept.
    """

    indices: list[int]
    sample: Sample
    results: list[RewardResult]
    scored: ScoredSample

    @property
    def index(self) -> int | None:
        return self.indices[0] if self.indices else None

    @property
    def response(self) -> str | None:
        """The best response's text (None when every response failed)."""
        return self.sample.candidates[0].content if self.sample.candidates else None

    @property
    def result(self) -> RewardResult | None:
        return self.results[0] if self.results else None
