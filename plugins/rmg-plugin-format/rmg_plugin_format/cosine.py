"""`format.cosine_length`: correctness scaled by length on a cosine schedule (open-r1, after Yeo et al.).

    progress = min(1, length / max_len)
    correct: reward = min_value_correct + 0.5 (max_value_correct - min_value_correct)(1 + cos(pi progress))
    wrong:   reward = max_value_wrong   + 0.5 (min_value_wrong   - max_value_wrong)  (1 + cos(pi progress))

so a short correct answer earns the most, and a short wrong answer is punished the most (a long
wrong answer at least tried). Three defects of open-r1's `get_cosine_scaled_reward` are fixed:

1. it calls `verify(answer_parsed, gold_parsed)`, but Math-Verify's signature is
   `verify(gold, target)` and the comparison is not symmetric; here the correctness reward gets
   the reference as the reference and the response as the candidate, by construction;
2. a gold answer that does not parse is rewarded 1.0 ("skip") there, which pays every response
   for a broken data row; here a missing, empty or unparseable reference is `invalid_input`;
3. `cos(pi * length / max_len)` rises again past `max_len` there; here progress is capped at 1.

Correctness comes from another reward, named by `correctness` (default `math.accuracy`) and
created with `rmg.create_reward` on first use; `correctness="exact"` compares the final answer
(last `\\boxed{}`, else the `<answer>` block, else the whole response) with the reference after
normalisation, so the reward works without the math plugin.
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

from pydantic import Field, PrivateAttr, field_validator

import rmg

from .text import Unit, count

__all__ = ["CosineLength", "cosine_scale", "final_answer"]

_ANSWER = re.compile(r"<answer>(.*?)</answer>", re.DOTALL)
_TEXT = re.compile(r"\\(?:text|textbf|mathrm|mbox)\{([^{}]*)\}")


class CorrectnessUnavailable(RuntimeError):
    """The reward that decides correctness is not installed or failed (an error, not the sample's fault)."""


def cosine_scale(correct: bool, length: int, max_len: int, values: tuple[float, float, float, float]) -> float:
    """The formula in the module docstring; `values` = (min_wrong, max_wrong, min_correct, max_correct)."""
    min_wrong, max_wrong, min_correct, max_correct = values
    progress = min(1.0, length / max_len)
    low, high = (min_correct, max_correct) if correct else (max_wrong, min_wrong)
    return low + 0.5 * (high - low) * (1.0 + math.cos(progress * math.pi))


def _last_boxed(text: str) -> str | None:
    start = max(text.rfind("\\boxed{"), text.rfind("\\fbox{"))
    if start < 0:
        return None
    i = text.index("{", start) + 1
    depth, begin = 1, i
    while i < len(text) and depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[begin : i - 1] if depth == 0 else None


def final_answer(text: str) -> str:
    """The last `\\boxed{}` (nested braces), else the last `<answer>` block, else the whole text."""
    boxed = _last_boxed(text)
    if boxed is not None:
        return boxed
    blocks = _ANSWER.findall(text)
    return blocks[-1] if blocks else text


def _normalise(text: str) -> str:
    text = _TEXT.sub(r"\1", text).strip().strip("$").strip()
    text = " ".join(text.split()).casefold()
    return text[:-1].rstrip() if text.endswith(".") else text


def _reference_texts(reference: Any) -> list[str]:
    """The acceptable gold answers as strings; InvalidInput names what is wrong with the reference."""
    if isinstance(reference, (list, tuple)) and reference:
        return [t for item in reference for t in _reference_texts(item)]
    if reference is None or isinstance(reference, bool) or not isinstance(reference, (str, int, float)):
        shown = "nothing" if reference is None else f"{type(reference).__name__} {str(reference)[:60]!r}"
        raise rmg.InvalidInput(f"format.cosine_length needs a reference answer (a string or number), got {shown}")
    text = str(reference).strip()
    if not text:
        raise rmg.InvalidInput("format.cosine_length: the reference answer is empty")
    if isinstance(reference, float) and not math.isfinite(reference):
        raise rmg.InvalidInput(f"format.cosine_length: the reference {reference!r} is not a finite number")
    if text.count("{") != text.count("}"):
        raise rmg.InvalidInput(f"format.cosine_length: the reference {text[:60]!r} is unparseable (unbalanced braces)")
    return [text]


class CosineLength(rmg.Reward):
    """Correctness scaled by length: short and right is best, short and wrong is worst."""

    name: ClassVar[str] = "format.cosine_length"
    mode: ClassVar[rmg.Mode] = rmg.Mode.pointwise
    kind: ClassVar[rmg.Kind] = rmg.Kind.rule
    description: ClassVar[str] = (
        "Length-scaled correctness (open-r1's cosine-scaled reward, with its argument-order, "
        "unparseable-reference and past-max_len defects fixed): correct answers earn "
        "max_value_correct..min_value_correct, wrong ones min_value_wrong..max_value_wrong, "
        "as the length grows to max_len."
    )
    example: ClassVar[dict[str, Any]] = {
        "prompt": "What is 6 times 7?",
        "response": "6 times 7 is 42, so the answer is \\boxed{42}.",
        "reference": "42",
    }

    min_value_wrong: float = Field(-1.0, description="reward of a wrong answer of length 0")
    max_value_wrong: float = Field(-0.5, description="reward of a wrong answer of length max_len or more")
    min_value_correct: float = Field(0.5, description="reward of a correct answer of length max_len or more")
    max_value_correct: float = Field(1.0, description="reward of a correct answer of length 0")
    max_len: int = Field(1000, ge=1, description="length at which the schedule reaches its end")
    unit: Unit = Field("chars", description="how length is counted: chars (as open-r1), words or tokens")
    correctness: str = Field(
        "math.accuracy", description="reward that decides correctness, or 'exact' for normalised string equality"
    )
    correctness_params: dict[str, Any] = Field(default_factory=dict, description="parameters of that reward")
    threshold: float = Field(0.5, description="a correctness score at or above this counts as correct")

    # The correctness reward, created on first use; not a parameter, so neither pickled nor compared.
    _checker: Any = PrivateAttr(default=None)

    @field_validator("correctness")
    @classmethod
    def _not_self(cls, value: str) -> str:
        if value == cls.name:
            raise ValueError("format.cosine_length cannot use itself as its correctness reward")
        if not value.strip():
            raise ValueError("correctness must name a reward, or be 'exact'")
        return value

    def __getstate__(self) -> dict[Any, Any]:
        state = super().__getstate__()
        state["__pydantic_private__"] = {"_checker": None}
        return state

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CosineLength):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def _get_checker(self) -> rmg.Reward:
        if self._checker is None:
            try:
                self._checker = rmg.create_reward(self.correctness, self.correctness_params)
            except rmg.UnknownReward:
                hint = " (pip install rmg-plugin-math)" if self.correctness.startswith("math.") else ""
                raise CorrectnessUnavailable(
                    f"the correctness reward {self.correctness!r} is not installed{hint}; "
                    "install it or set correctness='exact'"
                ) from None
            except rmg.RegistryError as exc:
                raise CorrectnessUnavailable(f"the correctness reward cannot be created: {exc}") from None
        return self._checker

    def _is_correct(self, sample: rmg.Sample, candidate: rmg.Candidate) -> tuple[bool, str]:
        golds = _reference_texts(sample.reference)
        if self.correctness == "exact":
            answer = _normalise(final_answer(candidate.content))
            hit = any(answer == _normalise(g) for g in golds)
            verdict = "equals" if hit else "does not equal"
            return hit, f"final answer {answer[:60]!r} {verdict} the reference"
        checker = self._get_checker()
        # The reference stays the reference and the response stays the candidate (open-r1 swapped them).
        sub = rmg.Sample(
            prompt=sample.prompt,
            candidates=[candidate],
            reference=sample.reference,
            task=sample.task,
            metadata=sample.metadata,
        )
        result = checker.evaluate(sub)[0]
        if result.status is rmg.RewardStatus.invalid_input:
            raise rmg.InvalidInput(f"{self.correctness}: {result.error}")
        if not result.ok:
            raise CorrectnessUnavailable(f"{self.correctness} failed ({result.status.value}): {result.error}")
        return result.score >= self.threshold, f"{self.correctness}: {result.reason}"

    def score(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult:
        correct, why = self._is_correct(sample, candidate)
        length = count(candidate.content, self.unit)
        values = (self.min_value_wrong, self.max_value_wrong, self.min_value_correct, self.max_value_correct)
        reward = cosine_scale(correct, length, self.max_len, values)
        state = "correct" if correct else "wrong"
        return rmg.RewardResult(
            score=reward,
            reason=f"{state} at {length} {self.unit} of {self.max_len} ({why})",
            details={"correct": correct, "length": length, "unit": self.unit},
        )
