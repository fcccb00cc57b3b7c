"""The documented anti-hacking outcomes of math.accuracy (see the README)."""

from __future__ import annotations

from rmg_plugin_math import MathAccuracy

import rmg

REWARD = MathAccuracy()


def score(response: str, gold: str, reward: MathAccuracy = REWARD) -> rmg.RewardResult:
    result = reward.evaluate(rmg.Sample.of(response, reference=gold))[0]
    assert result.ok, result
    return result


def test_several_different_boxed_answers_score_zero_even_if_the_last_is_right() -> None:
    """Boxing several guesses never wins: 0.0 unless every boxed answer equals the reference."""
    result = score("Maybe \\boxed{41}. Or perhaps \\boxed{43}. Final: \\boxed{42}", "42")
    assert result.score == 0.0
    assert result.details["method"] == "multiple_boxed" and "3 different boxed answers" in result.reason


def test_repeating_the_same_boxed_answer_is_not_penalised() -> None:
    """The same answer boxed twice (in different forms) is one answer, not a hedge."""
    assert score("So \\boxed{0.5}. Hence the answer is \\boxed{\\frac{1}{2}}.", "1/2").score == 1.0
    assert score("\\boxed{\\phantom{2}} ... \\boxed{4}", "4").score == 1.0


def test_multiple_boxed_last_keeps_only_the_last_box() -> None:
    """multiple_boxed='last' is the Qwen / Math-Verify convention: only the last box counts."""
    assert score("\\boxed{41} ... \\boxed{42}", "42", MathAccuracy(multiple_boxed="last")).score == 1.0


def test_boxes_that_together_state_a_list_reference_match_it() -> None:
    """For a list reference, one box per value (in any order) states the whole answer."""
    assert score("The roots are \\boxed{3} and \\boxed{-2}.", "-2, 3").score == 1.0
    assert score("The roots are \\boxed{3} and \\boxed{-2}.", "-2, 4").score == 0.0


def test_answer_hidden_in_a_long_list_of_candidates_scores_zero() -> None:
    """Listing candidates is a hedge against a single-value reference: 0.0, method 'hedged'."""
    result = score("The answer is 1, 2, 3, 4, 5, 6, 7, ..., 42.", "42")
    assert result.score == 0.0 and result.details["method"] == "hedged"
    assert score("\\boxed{40, 41, 42}", "42").details["method"] == "hedged"
    assert score("So we get\n1, 2, 3, ..., 41, 42", "42").score == 0.0  # through the last-number fallback


def test_only_the_answer_scores_zero_when_work_is_required() -> None:
    """require_work=True: a bare answer scores 0.0 (method 'no_work'); the same answer with working scores 1.0."""
    strict = MathAccuracy(require_work=True)
    bare = score("\\boxed{18}", "18", strict)
    assert bare.score == 0.0 and bare.details["method"] == "no_work"
    assert score("Let me think about it very carefully and honestly now.\n\\boxed{18}", "18", strict).score == 0.0
    worked = "She has 16 - 3 - 4 = 9 eggs left.\nShe sells them for 9 * 2 = 18 dollars.\n#### 18"
    assert score(worked, "18", strict).score == 1.0
    assert score("\\boxed{18}", "18").score == 1.0  # off by default


def test_listing_candidates_in_math_spans_letters_or_unions_never_wins() -> None:
    """Hedges in the forms the new readers accept score 0.0: joined spans, choice letters, unions, supersets."""
    for response, gold in [
        ("So the answer is $1$ or $2$ or $3$.", "2"),
        ("The roots are $x=2$ and $x=3$.", "2"),
        ("The answer is B or C", "B"),
        ("(C) and (D)", "C"),
        ("$[1,2] \\cup [3,4]$", "[1,2]"),
        ("$x > 5$ or $x < -5$", "x > 5"),
        ("$\\{1,2,3\\}$", "\\{1,2\\}"),
        ("$x=\\pm 3$", "3"),
    ]:
        assert score(response, gold).score == 0.0, (response, gold)
    assert score("So the answer is $1$ or $2$ or $3$.", "1, 2, 3").score == 1.0  # the whole list, when it is the answer


def test_a_tuple_is_not_a_set_and_a_function_of_x_is_not_a_number() -> None:
    """Structure is part of the answer: `(1,2)` is not `\\{1,2\\}`; `2x` is not `2`; `x^2 = 4` is not `x = 2`."""
    assert score("$(1,2)$", "\\{1,2\\}").score == 0.0
    assert score("$2x$", "2").score == 0.0
    assert score("$x^2 = 4$", "x = 2").score == 0.0
    assert score("$-x < -2$", "x < 2").score == 0.0
