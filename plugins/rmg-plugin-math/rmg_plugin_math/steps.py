"""`math.verify_steps`: a score per reasoning step, for process-reward (PRM) data.

What a step score means:

- 1.0: every arithmetic claim in the step that can be checked is right (`16 - 3 - 4 = 9`,
  `<<16-3-4=9>>`, `\\frac{3}{4} \\times 8 = 6`; a result rounded to its stated digits counts as
  right), or the step makes no checkable claim (then it scores `unchecked_score`, default 1.0:
  "no error found", not "proven right").
- 0.0: at least one claim is wrong; `details["steps"][i]["errors"]` says which and the true value.
- The last step also scores 0.0 when a reference is given and the response's final answer does
  not match it (judged exactly as `math.accuracy` judges it).
- `propagate=True`: every step after a wrong one scores 0.0 too (later steps build on a wrong
  premise, the Math-Shepherd / PRM800K convention).

The result's `score` is the minimum step score (a solution is as sound as its weakest step).
Steps come from the candidate's `steps` when present; otherwise the response is split at
"Step N" headers, else at blank lines, else into lines.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import Field

import rmg

from .accuracy import MathAccuracy
from .arith import check_claims

__all__ = ["MathVerifySteps", "split_steps"]

_MAX_STEPS = 200
_STEP_HEADER = re.compile(r"(?im)^[ \t>#*]*step\s*\d+\s*[:.)]")


def split_steps(text: str) -> list[str]:
    """Split a response into reasoning steps (at most `_MAX_STEPS`; the rest joins the last)."""
    headers = [m.start() for m in _STEP_HEADER.finditer(text)]
    if len(headers) >= 2:
        bounds = ([0] if text[: headers[0]].strip() else []) + headers + [len(text)]
        parts = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    else:
        parts = re.split(r"\n[ \t]*\n", text)
        if len([p for p in parts if p.strip()]) < 2:
            parts = text.splitlines()
    steps = [p.strip() for p in parts if p.strip()]
    if len(steps) > _MAX_STEPS:
        steps = steps[: _MAX_STEPS - 1] + ["\n".join(steps[_MAX_STEPS - 1 :])]
    return steps


class MathVerifySteps(rmg.Reward):
    """Per-step scores: 0.0 for a step with a wrong arithmetic claim (or a wrong final answer), else 1.0."""

    name: ClassVar[str] = "math.verify_steps"
    mode: ClassVar[rmg.Mode] = rmg.Mode.stepwise
    kind: ClassVar[rmg.Kind] = rmg.Kind.rule
    description: ClassVar[str] = (
        "Per-step scores for process-reward data: 0.0 for a step whose arithmetic (a = b, <<a=b>>) is "
        "wrong, or a last step whose final answer misses the reference; else 1.0. Score = min."
    )
    example: ClassVar[dict[str, Any]] = {
        "prompt": "Janet's ducks lay 16 eggs a day. She eats 3 and bakes with 4. She sells the rest at $2. "
        "How much does she make?",
        "response": "She has 16 - 3 - 4 = <<16-3-4=9>>9 eggs left.\nShe makes 9 * 2 = $<<9*2=18>>18.\n#### 18",
        "reference": "18",
    }

    unchecked_score: float = Field(1.0, ge=0.0, le=1.0, description="score of a step with no checkable claim")
    check_final: bool = Field(True, description="score the last step 0 when the final answer misses the reference")
    propagate: bool = Field(False, description="every step after a wrong step also scores 0")

    @classmethod
    def notes(cls) -> list[str]:
        return MathAccuracy.notes()

    def score(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult:
        steps = [s.content for s in candidate.steps] if candidate.steps else split_steps(candidate.content)
        steps = [s for s in steps if s.strip()][:_MAX_STEPS]
        if not steps:
            return rmg.RewardResult(
                score=0.0, step_scores=[], reason="the response has no steps", details={"steps": []}
            )
        scores: list[float] = []
        report: list[dict[str, Any]] = []
        wrong_before = False
        for text in steps:
            claims = check_claims(text)
            errors = [f"{c.expression} = {c.claimed} (is {_show(c.value)})" for c in claims if c.correct is False]
            checked = sum(c.correct is not None for c in claims)
            if errors or (self.propagate and wrong_before):
                value = 0.0
            else:
                value = 1.0 if checked else self.unchecked_score
            wrong_before = wrong_before or bool(errors)
            scores.append(value)
            report.append({"checked": checked, "errors": errors})
        text = candidate.content if candidate.content.strip() else "\n\n".join(steps)
        final = self._final(sample, rmg.Candidate(content=text))
        if final is not None:
            report[-1]["final_answer"] = final.details
            if final.score < 1.0:
                scores[-1] = 0.0
        bad = [i + 1 for i, s in enumerate(scores) if s < 1.0]
        reason = "every step checks out" if not bad else f"steps {bad[:10]} of {len(scores)} fail"
        if bad and report[bad[0] - 1]["errors"]:
            reason += f"; step {bad[0]}: {report[bad[0] - 1]['errors'][0]}"
        elif final is not None and final.score < 1.0:
            reason += f"; {final.reason}"
        return rmg.RewardResult(score=min(scores), step_scores=scores, reason=reason, details={"steps": report})

    def _final(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult | None:
        if not self.check_final or sample.reference is None or sample.reference == "":
            return None
        return MathAccuracy().score(sample, candidate)


def _show(value: Any) -> str:
    if value is None:
        return "?"
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.6g}"
