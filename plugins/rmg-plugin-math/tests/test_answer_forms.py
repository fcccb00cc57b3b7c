"""math.accuracy on a broad hand-written set of answer forms (numbers, LaTeX, sets, matrices...)."""

from __future__ import annotations

import pytest
from answer_forms import CASES
from rmg_plugin_math import MathAccuracy

import rmg

REWARD = MathAccuracy()


@pytest.mark.parametrize(
    ("form", "response", "gold", "correct"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_answer_form_is_judged_like_a_careful_grader(form: str, response: str, gold: str, correct: bool) -> None:
    """Each hand-labelled (response, gold) pair scores 1.0 exactly when the label says correct."""
    result = REWARD.evaluate(rmg.Sample.of(response, reference=gold))[0]
    assert result.ok, result
    assert result.score == (1.0 if correct else 0.0), f"{form}: {response!r} vs {gold!r} -> {result.details}"


def test_details_say_what_was_extracted_and_how_it_matched() -> None:
    """details records the extracted answer, where it came from, the reference's kind and which comparison decided it."""
    result = REWARD.evaluate(rmg.Sample.of("Adding up, we get \\boxed{\\dfrac{1}{2}}.", reference="0.5"))[0]
    assert result.details == {
        "extracted": "\\dfrac{1}{2}",
        "extraction": "boxed",
        "kind": "decimal",
        "method": "numeric",
    }
    assert result.reason == "read a decimal answer '\\\\dfrac{1}{2}' (span: boxed); matches the reference (numeric)"
    closed_form = REWARD.evaluate(rmg.Sample.of("\\boxed{\\sqrt{12}}", reference="2\\sqrt{3}"))[0]
    assert closed_form.details["method"] == "numeric_expr" and closed_form.score == 1.0
    union = REWARD.evaluate(
        rmg.Sample.of("\\boxed{(2,\\infty) \\cup (-\\infty,1)}", reference="(-\\infty,1)\\cup(2,\\infty)")
    )[0]
    assert union.details["method"] == "interval" and union.score == 1.0  # a structural path, no sympy


def test_common_numeric_answers_never_reach_the_symbolic_path() -> None:
    """Plain numbers, separators, fractions and percents are decided by the fast paths."""
    for response, gold in [
        ("#### 1,250", "1250"),
        ("A: 18", "18"),
        ("\\boxed{\\frac{3}{4}}", "0.75"),
        ("\\boxed{50\\%}", "0.5"),
        ("\\boxed{-7}", "-7"),
        ("\\boxed{1.5 \\times 10^{3}}", "1500"),
    ]:
        result = REWARD.evaluate(rmg.Sample.of(response, reference=gold))[0]
        assert result.score == 1.0 and result.details["method"] in ("exact", "numeric"), (response, result.details)


def test_fallback_parameter_switches_off_the_last_number_rule() -> None:
    """Without a boxed / marked answer the last number is used, unless fallback=False."""
    sample = rmg.Sample.of("Adding them up gives 12 + 30 = 42", reference="42")
    assert MathAccuracy().evaluate(sample)[0].score == 1.0
    off = MathAccuracy(fallback=False).evaluate(sample)[0]
    assert off.ok and off.score == 0.0 and off.details["method"] == "none"


def test_reference_forms_gsm8k_solution_boxed_number_and_list() -> None:
    """A reference may be a full GSM8K solution, a boxed answer, a number, or a list of acceptable answers."""
    assert REWARD.evaluate(rmg.Sample.of("A: 72", reference="48 + 24 = 72\n#### 72"))[0].score == 1.0
    assert REWARD.evaluate(rmg.Sample.of("A: 72", reference="$\\boxed{72}$"))[0].score == 1.0
    assert REWARD.evaluate(rmg.Sample.of("A: 0.5", reference=0.5))[0].score == 1.0
    assert REWARD.evaluate(rmg.Sample.of("A: 3", reference=["x=3", "3.0"]))[0].score == 1.0


def test_bad_references_are_invalid_input_with_a_message_naming_the_problem() -> None:
    """A missing / empty / malformed reference is invalid input, and the message says what is wrong."""
    for reference, words in [(None, "needs a reference"), ("  ", "empty"), ({"a": 1}, "got dict"), ([], "got list")]:
        result = REWARD.evaluate(rmg.Sample.of("\\boxed{4}", reference=reference))[0]
        assert result.status is rmg.RewardStatus.invalid_input, result
        assert words in (result.error or ""), result.error


def test_no_answer_found_scores_zero_with_a_reason() -> None:
    """A response with no extractable answer scores 0.0 (status ok) and says so."""
    result = REWARD.evaluate(rmg.Sample.of("I am not sure how to solve this.", reference="4"))[0]
    assert result.ok and result.score == 0.0 and result.reason == "no final answer found (the reference is an integer)"
