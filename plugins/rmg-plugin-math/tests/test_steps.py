"""math.verify_steps: what each step score means (see the README)."""

from __future__ import annotations

import json
from pathlib import Path

from rmg_plugin_math import MathVerifySteps
from rmg_plugin_math.arith import check_claims, safe_eval
from rmg_plugin_math.steps import split_steps

import rmg

REWARD = MathVerifySteps()


def run(response: str, reference: object = None, reward: MathVerifySteps = REWARD, steps: list[str] | None = None):
    row = {"response": response, "reference": reference}
    candidate = {"content": response, "steps": [{"content": s} for s in steps]} if steps else response
    result = reward.evaluate(rmg.Sample(candidates=[candidate], reference=reference))[0]
    assert result.ok, (row, result)
    return result


def test_right_arithmetic_scores_one_per_step_and_wrong_arithmetic_zero() -> None:
    """Each step scores 1.0 when its equalities hold; the step with `16 - 3 - 4 = 8` scores 0.0 and says why."""
    result = run("She has 16 - 3 - 4 = 8 eggs.\n\nShe makes 8 * 2 = $16.\n\n#### 16")
    assert result.step_scores == [0.0, 1.0, 1.0]
    assert result.score == 0.0
    assert "16 - 3 - 4 = 8 (is 9)" in result.reason


def test_gsm8k_calculator_annotations_are_checked() -> None:
    """`<<a=b>>` annotations are claims too: a wrong one fails its step."""
    assert run("16 - 3 - 4 = <<16-3-4=9>>9 eggs").step_scores == [1.0]
    assert run("16 - 3 - 4 = <<16-3-4=10>>10 eggs").step_scores == [0.0]


def test_final_step_is_checked_against_the_reference() -> None:
    """With a reference, the last step also scores 0.0 when the final answer misses it (arithmetic all right)."""
    response = "Step 1: 2 + 3 = 5\nStep 2: 5 * 2 = 10\nStep 3: The answer is 10."
    assert run(response, "10").step_scores == [1.0, 1.0, 1.0]
    wrong = run(response, "11")
    assert wrong.step_scores == [1.0, 1.0, 0.0] and "does not match" in wrong.reason
    assert run(response, "11", MathVerifySteps(check_final=False)).step_scores == [1.0, 1.0, 1.0]


def test_propagate_zeroes_every_step_after_the_first_error() -> None:
    """propagate=True: steps after a wrong step score 0.0 (they build on a wrong premise)."""
    response = "2 + 2 = 5\n\n5 * 2 = 10\n\n10 + 1 = 11"
    assert run(response).step_scores == [0.0, 1.0, 1.0]
    assert run(response, reward=MathVerifySteps(propagate=True)).step_scores == [0.0, 0.0, 0.0]


def test_unchecked_steps_score_the_unchecked_score() -> None:
    """A step with no checkable claim scores unchecked_score (default 1.0: no error found)."""
    response = "First, read the problem.\n\n3 * 4 = 12"
    assert run(response).step_scores == [1.0, 1.0]
    assert run(response, reward=MathVerifySteps(unchecked_score=0.5)).step_scores == [0.5, 1.0]


def test_given_steps_are_used_instead_of_splitting() -> None:
    """Candidates that carry `steps` are scored step by step as given."""
    result = run("", None, steps=["\\frac{3}{4} \\times 8 = 6", "6 + 1 = 8"])
    assert result.step_scores == [1.0, 0.0]


def test_splitting_by_step_headers_blank_lines_and_lines() -> None:
    """'Step N' headers win, then blank lines, then single lines."""
    assert split_steps("Intro\nStep 1: a\nmore\nStep 2: b") == ["Intro", "Step 1: a\nmore", "Step 2: b"]
    assert split_steps("a\nb\n\nc") == ["a\nb", "c"]
    assert split_steps("a\nb\nc") == ["a", "b", "c"]


def test_claims_handle_latex_separators_rounding_percent_and_prose() -> None:
    """LaTeX operators, thousands separators, rounded results and percents are checked; prose and variables are not."""

    def verdicts(text: str) -> list[bool | None]:
        return [c.correct for c in check_claims(text)]

    assert verdicts("$\\frac{1}{2} \\cdot 10 = 5$") == [True]
    assert verdicts("1,000 + 2,500 = 3,500") == [True]
    assert verdicts("10 / 3 = 3.33") == [True]
    assert verdicts("10 / 3 = 3.5") == [False]
    assert verdicts("18 / 450 x 100 = 4%") == [True]
    assert verdicts("30 - 8 * 3 = 30 - 24 = <<30-8*3=6>>6 days") == [True, True]
    assert verdicts("2x + 3 = 7") == []
    assert verdicts("9 hours * 2/3 = 6 hours") == []


def test_safe_eval_refuses_huge_powers_instead_of_computing_them() -> None:
    """`9**9**9**9` and deep nesting are refused (ValueError), never evaluated."""
    for expression in ("9**9**9**9", "(" * 100 + "1" + ")" * 100, "__import__('os')"):
        try:
            safe_eval(expression)
        except ValueError:
            continue
        raise AssertionError(f"{expression!r} was evaluated")


def test_gsm8k_reference_solutions_have_almost_no_flagged_steps(math_data: Path) -> None:
    """On the 1,319 GSM8K reference solutions at most 1% of solutions get a flagged step (a few are real typos)."""
    rows = [json.loads(line) for line in (math_data / "gsm8k_test.jsonl").read_text().splitlines()]
    samples = [rmg.Sample.of(r["answer"], reference=r["answer"]) for r in rows]
    flagged = [s for s in rmg.evaluate("math.verify_steps", samples, workers=2) if s.result.score < 1.0]
    print(f"flagged {len(flagged)} of {len(rows)}: {[s.result.reason for s in flagged]}")
    assert len(flagged) <= len(rows) // 100
