"""`general.exact_match`, `general.f1` and `general.number_accuracy`: options and edge cases."""

from __future__ import annotations

import pytest

import rmg


def _score(name: str, response: str, reference: object, **params: object) -> rmg.RewardResult:
    return rmg.create_reward(name, params)(rmg.Sample.of(response, reference=reference))[0]


def test_exact_match_normalisation_steps_can_each_be_switched_off() -> None:
    """Each SQuAD normalisation step is a parameter: turned off, that difference counts again."""
    assert _score("general.exact_match", "The Answer!", "answer").score == 1.0
    assert _score("general.exact_match", "The Answer!", "answer", lowercase=False).score == 0.0
    assert _score("general.exact_match", "Answer!", "answer", remove_punctuation=False).score == 0.0
    assert _score("general.exact_match", "the answer", "answer", remove_articles=False).score == 0.0
    assert _score("general.exact_match", "big  cat", "big cat", collapse_whitespace=False).score == 0.0


def test_answer_pattern_compares_only_the_last_extracted_answer() -> None:
    """With `answer_pattern`, only its last match is compared (so earlier guesses do not count)."""
    response = "Maybe Lyon? No wait. The answer is Paris."
    assert _score("general.exact_match", response, "Paris").score == 0.0
    assert _score("general.exact_match", response, "Paris", answer_pattern=r"answer is (.+)").score == 1.0
    assert _score("general.exact_match", "no marker here", "Paris", answer_pattern=r"answer is (.+)").score == 0.0
    bad = _score("general.exact_match", "x", "Paris", answer_pattern="(")
    assert bad.status is rmg.RewardStatus.invalid_input and "not a valid regex" in (bad.error or "")


def test_f1_counts_repeated_tokens_once_per_occurrence() -> None:
    """Bag-of-words overlap is clipped: each token matches at most as often as it occurs on both sides."""
    # articles removed: [cat] vs [cat cat]: common 1, P = 1/1, R = 1/2, F1 = 2/3
    result = _score("general.f1", "the the cat", "cat cat")
    assert result.score == pytest.approx(2 / 3)
    assert result.dimension("precision").score == 1.0
    assert result.dimension("recall").score == 0.5


@pytest.mark.parametrize(
    ("response", "reference", "params", "expected"),
    [
        ("Total: 1,550 apples", "1550", {}, 1.0),
        ("It is 3.14159", 3.1416, {"abs_tolerance": 1e-3}, 1.0),
        ("It is 3.14159", 3.1416, {}, 0.0),
        ("about 101", 100, {"rel_tolerance": 0.02}, 1.0),
        ("H2O has 3 atoms", "3", {}, 1.0),  # the 2 of H2O is not a number
        ("steps: 5, 10, then 42", "#### 42", {"compare": "last"}, 1.0),
        ("42 then 5", "#### 42", {"compare": "last"}, 0.0),
        ("1 2 3 4 5 6 7 8", "4", {"score_type": "f1"}, 2 * (1 / 8) / (1 + 1 / 8)),  # listing numbers is penalised
        ("7 and 7", [7, 7, 7], {}, 2 / 3),  # one response number satisfies one reference number
        ("temperature \u22125 degrees", "-5", {}, 1.0),  # Unicode minus
        ("no digits at all", "12", {}, 0.0),
    ],
)
def test_number_accuracy_reads_numbers_and_matches_within_tolerance(
    response: str, reference: object, params: dict[str, object], expected: float
) -> None:
    """Numbers are read as written (separators, signs, decimals) and matched as a multiset."""
    result = _score("general.number_accuracy", response, reference, **params)
    assert result.ok, result
    assert result.score == pytest.approx(expected)


@pytest.mark.parametrize(
    ("reference", "problem"),
    [
        ("no numbers here", "contains no number"),
        (None, "needs a reference"),
        ({"a": 1}, "got dict"),
        (10**400, "too large"),
    ],
)
def test_number_accuracy_rejects_a_reference_without_numbers(reference: object, problem: str) -> None:
    """A reference with nothing numeric to check is invalid input, not a silent 0."""
    result = _score("general.number_accuracy", "42", reference)
    assert result.status is rmg.RewardStatus.invalid_input
    assert problem in (result.error or "")
