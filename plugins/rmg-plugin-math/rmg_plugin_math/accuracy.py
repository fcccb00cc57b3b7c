"""`math.accuracy`: does the response's final answer equal the reference answer?

Extraction is `extract.py`, equivalence is `equivalence.py` (fast paths, then Math-Verify for
what they cannot decide), the kind named in the reason is `kinds.kind_of`. This module adds the
reference handling (a number, a string, a list, a worked solution with `\\boxed{}` / `####` / math
spans) and the anti-hacking rules, each with a fixed outcome (also in the README):

- several *different* boxed answers: 1.0 only if every one of them equals the reference (so
  boxing many guesses never wins), unless the reference is itself a list and the boxes together
  state it (`\\boxed{2}` and `\\boxed{3}` for "2, 3"). `multiple_boxed="last"` keeps only the last
  box, the Qwen / Math-Verify convention.
- an answer hidden in a list of candidates ("the answer is 1, 2, 3, ..., 42"): a prediction with
  several values against a single-value reference is "hedged" and scores 0.0.
- `require_work=True`: a response that is only the answer (fewer than `min_work_words` words
  outside the answer's line, or no calculation at all) scores 0.0.
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar, Literal

from pydantic import Field

import rmg

from . import symbolic
from .equivalence import Verdict, compare
from .extract import Extraction, extract_answer, is_math, joined_spans, math_spans
from .kinds import kind_of
from .normalize import clean, compact, split_items, strip_outer, to_number

__all__ = ["MathAccuracy", "has_work", "reference_answers"]

_WORD = re.compile(r"[A-Za-z]+|\d+")
_CALCULATION = re.compile(
    r"[\w)}]\s*[-+*/×÷=^<>≤≥]\s*[\w({\\]|\\(?:frac|sqrt|cdot|times|div|le|ge|neq)\b|<<"
    r"|\b(?:plus|minus|times|divided|multiply|multiplied|sum|product|difference|half|twice|double)\b",
    re.I,
)


def reference_answers(reference: Any) -> list[str]:
    """The acceptable gold answers: a string, a number, or a list of either (any one may match)."""
    if isinstance(reference, bool) or reference is None:
        raise rmg.InvalidInput("math.accuracy needs a reference: the gold answer as a string or number")
    if isinstance(reference, (int, float)):
        if not math.isfinite(reference):
            raise rmg.InvalidInput(f"math.accuracy: the reference {reference!r} is not a finite number")
        return [repr(reference) if isinstance(reference, float) else str(reference)]
    if isinstance(reference, str):
        text = reference.strip()
        if not text:
            raise rmg.InvalidInput("math.accuracy: the reference is an empty string")
        if "####" in text:  # a full GSM8K solution as the reference: its answer follows ####
            text = text.rsplit("####", 1)[1].strip() or text
        elif "\\boxed" in text or "\\fbox" in text:
            found = extract_answer(text, last_number=False, numeric=False)
            distinct = list(dict.fromkeys(found.boxed))
            text = ", ".join(distinct) if found.method == "boxed" and len(distinct) > 1 else found.answer or text
        elif joined_spans(text) is not None:
            text = joined_spans(text) or text  # `$1$ and $2$ and $3$`
        elif not is_math(strip_outer(text)) and (len(text) > 80 or len(math_spans(text)) > 1):
            found = extract_answer(text, last_number=False, numeric=False)  # a worked solution as the reference
            text = found.answer or text
        return [text]
    if isinstance(reference, (list, tuple)) and reference:
        return [answer for item in reference for answer in reference_answers(item)]
    raise rmg.InvalidInput(
        f"math.accuracy: the reference must be a gold answer (string, number or a list of them), "
        f"got {type(reference).__name__} {str(reference)[:80]!r}"
    )


def has_work(text: str, span: tuple[int, int], min_words: int) -> bool:
    """Is there working outside the line(s) that state the final answer?"""
    start = text.rfind("\n", 0, span[0]) + 1
    end = text.find("\n", span[1])
    rest = text[:start] + (text[end:] if end != -1 else "")
    return len(_WORD.findall(rest)) >= min_words and _CALCULATION.search(rest) is not None


def _best(pred: str, golds: list[str], use_symbolic: bool) -> Verdict:
    verdict = Verdict(False, "mismatch")
    for gold in golds:
        verdict = compare(pred, gold, use_symbolic=use_symbolic)
        if verdict.match:
            return verdict
    return verdict


def _a(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


class MathAccuracy(rmg.Reward):
    """1.0 if the final answer of the response equals the reference answer, else 0.0."""

    name: ClassVar[str] = "math.accuracy"
    mode: ClassVar[rmg.Mode] = rmg.Mode.pointwise
    kind: ClassVar[rmg.Kind] = rmg.Kind.rule
    description: ClassVar[str] = (
        "1.0 if the response's final answer (last \\boxed{}, '#### N', an answer marker, the last LaTeX math "
        "span, a short all-math response, or the last number for a numeric reference) equals the reference, "
        "judged by the reference's kind (number, fraction, percentage, interval, set, tuple, matrix, relation, "
        "text); else 0.0."
    )
    example: ClassVar[dict[str, Any]] = {
        "prompt": "What is 1/2 + 1/4?",
        "response": "1/2 + 1/4 = 2/4 + 1/4 = 3/4. The answer is $\\boxed{\\dfrac{3}{4}}$.",
        "reference": "0.75",
    }

    fallback: bool = Field(True, description="fall back to the last number when no boxed / marked answer is found")
    multiple_boxed: Literal["all", "last"] = Field(
        "all", description="several different boxed answers: 'all' must each equal the reference; 'last' keeps the last"
    )
    require_work: bool = Field(False, description="score 0 when the response is only the answer, with no working")
    min_work_words: int = Field(8, ge=0, description="words needed outside the answer line when require_work is on")
    symbolic: bool = Field(True, description="use Math-Verify when the fast paths cannot decide")

    @classmethod
    def notes(cls) -> list[str]:
        return symbolic.antlr_notes()

    def score(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult:
        symbolic.warn_once()
        golds = reference_answers(sample.reference)
        kind = kind_of(golds[0])
        numeric = any(to_number(clean(g)) is not None for g in golds)
        found = extract_answer(candidate.content, last_number=self.fallback, numeric=numeric, choice=kind == "choice")
        details: dict[str, Any] = {
            "extracted": None if found.answer is None else found.answer[:200],
            "extraction": found.method,
            "kind": kind,
        }
        if found.answer is None:
            return rmg.RewardResult(
                score=0.0,
                reason=f"no final answer found (the reference is {_a(kind)})",
                details={**details, "method": "none"},
            )
        if self.require_work and not has_work(candidate.content, found.span, self.min_work_words):
            return rmg.RewardResult(
                score=0.0,
                reason="the response is only the answer, but working is required",
                details={**details, "method": "no_work"},
            )
        verdict = self._judge(found, golds)
        details.update({"method": verdict.method, **({"note": verdict.note} if verdict.note else {})})
        read = f"read {_a(kind)} answer {details['extracted']!r} (span: {found.method})"
        if verdict.match:
            reason = f"{read}; matches the reference ({verdict.method})"
        else:
            reason = f"{read}; does not match the reference {golds[0][:80]!r}"
            reason += f": {verdict.note}" if verdict.note else f" ({verdict.method})"
        return rmg.RewardResult(score=1.0 if verdict.match else 0.0, reason=reason, details=details)

    def _judge(self, found: Extraction, golds: list[str]) -> Verdict:
        distinct: dict[str, str] = {}
        for box in found.boxed:
            distinct.setdefault(compact(clean(box)), box)
        if self.multiple_boxed == "last" or len(distinct) <= 1:
            return _best(found.answer or "", golds, self.symbolic)
        boxes = list(distinct.values())
        if any(len(split_items(clean(g))) > 1 for g in golds):
            together = _best(", ".join(boxes), golds, self.symbolic)
            if together.match:
                return Verdict(True, together.method, f"{len(boxes)} boxed answers together state the reference")
        verdicts = [_best(box, golds, self.symbolic) for box in boxes]
        if all(v.match for v in verdicts):
            return Verdict(True, verdicts[-1].method)
        return Verdict(False, "multiple_boxed", f"{len(boxes)} different boxed answers and not all equal the reference")
