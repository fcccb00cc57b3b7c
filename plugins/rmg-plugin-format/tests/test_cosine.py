"""`format.cosine_length`: open-r1's cosine schedule with its defects fixed."""

from __future__ import annotations

import importlib.metadata
import math
import pickle

import pytest
from format_testutil import score

import rmg

EXACT = {"correctness": "exact", "max_len": 100}


def _expected(correct: bool, length: int, max_len: int = 100) -> float:
    low, high = (0.5, 1.0) if correct else (-0.5, -1.0)
    return low + 0.5 * (high - low) * (1 + math.cos(math.pi * min(1.0, length / max_len)))


@pytest.mark.parametrize("length", [0, 25, 50, 100])
def test_correct_answers_earn_less_as_they_grow(length: int) -> None:
    response = "\\boxed{7}".rjust(max(length, 9))[: max(length, 9)]
    result = score("format.cosine_length", response, reference="7", **EXACT)
    assert result.details["correct"] is True
    assert result.score == pytest.approx(_expected(True, len(response)))


def test_short_wrong_answers_are_punished_most_and_long_ones_least() -> None:
    short = score("format.cosine_length", "\\boxed{8}", reference="7", **EXACT)
    long = score("format.cosine_length", "x" * 100 + "\\boxed{8}", reference="7", **EXACT)
    assert short.score == pytest.approx(_expected(False, 9))
    assert long.score == pytest.approx(-0.5)
    assert short.score < long.score < 0


def test_past_max_len_the_reward_stays_at_its_end_value_instead_of_rising_again() -> None:
    """open-r1's cos(pi * len / max_len) climbs back past max_len; here progress is capped at 1."""
    at_max = score("format.cosine_length", "y" * 91 + "\\boxed{7}", reference="7", **EXACT)
    far_past = score("format.cosine_length", "y" * 191 + "\\boxed{7}", reference="7", **EXACT)
    assert at_max.score == pytest.approx(0.5) and far_past.score == pytest.approx(0.5)


def test_reference_stays_the_gold_and_the_response_stays_the_prediction() -> None:
    """open-r1 called verify(answer, gold) swapped; here the final answer is taken from the response
    and compared to the reference (swapped, the whole response would be the 'gold')."""
    result = score("format.cosine_length", "Working: 3 + 4. So \\boxed{7}.", reference="7", **EXACT)
    assert result.details["correct"] is True
    swapped = score("format.cosine_length", "7", reference="Working: 3 + 4. So \\boxed{7}.", **EXACT)
    assert swapped.details["correct"] is False


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        (None, "needs a reference answer"),
        ("  ", "reference answer is empty"),
        ({"a": 1}, "needs a reference"),
        ("\\frac{1}{", "unparseable"),
        (float("nan"), "not a finite number"),
    ],
)
def test_a_missing_or_unparseable_reference_is_invalid_input_not_a_free_reward(reference: object, message: str) -> None:
    result = score("format.cosine_length", "\\boxed{7}", reference=reference, **EXACT)
    assert result.status is rmg.RewardStatus.invalid_input
    assert message in (result.error or "")


def test_exact_correctness_normalises_case_space_dollars_and_text() -> None:
    for response in ("<answer> Paris. </answer>", "$\\boxed{\\text{PARIS}}$", "paris"):
        assert score("format.cosine_length", response, reference="Paris", **EXACT).details["correct"], response


def test_an_uninstalled_correctness_reward_is_a_clear_error() -> None:
    result = score("format.cosine_length", "\\boxed{7}", reference="7", correctness="nosuch.accuracy")
    assert result.status is rmg.RewardStatus.error
    assert "correctness reward 'nosuch.accuracy' is not installed" in (result.error or "")
    assert "correctness='exact'" in (result.error or "")


def test_the_cached_correctness_reward_is_not_pickled_nor_compared() -> None:
    reward = rmg.create_reward("format.cosine_length", {"correctness": "format.privacy"})
    reward(rmg.Sample.of("\\boxed{7}", reference="7"))  # creates and caches the checker
    assert reward._checker is not None
    clone = pickle.loads(pickle.dumps(reward))
    assert clone._checker is None
    assert clone == reward == rmg.create_reward("format.cosine_length", {"correctness": "format.privacy"})
    assert clone != rmg.create_reward("format.cosine_length", {"correctness": "exact"})


def test_any_installed_reward_can_decide_correctness() -> None:
    """format.privacy as the 'correctness': a leak-free response counts as correct."""
    result = score("format.cosine_length", "fine", reference="x", correctness="format.privacy", max_len=4)
    assert result.details["correct"] is True and result.score == pytest.approx(0.5)


def test_with_math_accuracy_equivalent_forms_count_as_correct() -> None:
    try:
        importlib.metadata.distribution("rmg-plugin-math")
    except importlib.metadata.PackageNotFoundError:
        print("skipping: rmg-plugin-math is not installed, so math.accuracy cannot be tested here")
        pytest.skip("rmg-plugin-math is not installed")
    right = score("format.cosine_length", "So x = \\boxed{\\dfrac{1}{2}}.", reference="0.5")
    wrong = score("format.cosine_length", "So x = \\boxed{\\dfrac{1}{3}}.", reference="0.5")
    assert right.details["correct"] is True and right.score > 0.9
    assert wrong.details["correct"] is False and wrong.score < -0.9
    assert "math.accuracy" in right.reason
