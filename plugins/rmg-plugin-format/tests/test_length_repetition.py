"""`format.length` (range and DAPO's overlong penalty) and `format.repetition` (open-r1's penalty)."""

from __future__ import annotations

import pytest
from format_testutil import score

import rmg

DAPO = {"style": "dapo", "max_length": 100, "buffer_length": 20, "unit": "tokens"}


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, 0.0), (80, 0.0), (81, -0.05), (90, -0.5), (99, -0.95), (100, -1.0), (101, -1.0), (500, -1.0)],
)
def test_dapo_penalty_is_zero_before_the_buffer_linear_inside_and_minus_one_beyond(n: int, expected: float) -> None:
    """R = ((L_max - L_cache) - |y|) / L_cache inside the buffer (L_max 100, L_cache 20)."""
    result = score("format.length", " ".join(["w"] * n), **DAPO)
    assert result.score == pytest.approx(expected)
    assert result.details["length"] == n


def test_dapo_penalty_factor_scales_the_penalty() -> None:
    assert score("format.length", "w " * 90, **DAPO, penalty_factor=0.5).score == pytest.approx(-0.25)


def test_dapo_without_max_length_or_with_a_buffer_larger_than_it_is_refused() -> None:
    with pytest.raises(rmg.RegistryError, match="max_length"):
        rmg.create_reward("format.length", {"style": "dapo", "buffer_length": 10})
    with pytest.raises(rmg.RegistryError, match="buffer_length"):
        rmg.create_reward("format.length", {"style": "dapo", "max_length": 10, "buffer_length": 11})


@pytest.mark.parametrize(("n", "expected"), [(4, 0.0), (5, 1.0), (10, 1.0), (11, 0.0)])
def test_range_is_inclusive_at_both_ends(n: int, expected: float) -> None:
    result = score("format.length", " ".join(["word"] * n), min_length=5, max_length=10)
    assert result.score == expected
    if expected == 0.0:
        assert ("below min_length 5" if n < 5 else "above max_length 10") in result.reason


def test_units_words_count_cjk_characters_chars_and_whitespace_tokens() -> None:
    text = "你好世界 hello, world"
    assert score("format.length", text, unit="words").details["length"] == 6
    assert score("format.length", text, unit="tokens").details["length"] == 3
    assert score("format.length", text, unit="chars").details["length"] == len(text)


def test_repetition_matches_open_r1_formula() -> None:
    """'a b c a b c a b c': 7 trigrams, 3 distinct -> (1 - 3/7) * -1."""
    result = score("format.repetition", "a b c a b c a b c")
    assert result.score == pytest.approx(-(1 - 3 / 7))


def test_repetition_is_case_insensitive_and_scaled_by_max_penalty() -> None:
    result = score("format.repetition", "Go on GO ON go on go on", n=2, max_penalty=-0.5)
    assert result.score == pytest.approx(-0.5 * (1 - 2 / 7))  # 7 bigrams, 2 distinct


def test_repetition_of_a_response_shorter_than_n_is_zero() -> None:
    result = score("format.repetition", "too short", n=3)
    assert result.score == 0.0 and "fewer than 3 tokens" in result.reason


def test_repetition_words_tokenizer_sees_repetition_in_chinese() -> None:
    text = "我爱你我爱你我爱你我爱你"
    assert score("format.repetition", text).score == 0.0  # one whitespace token
    assert score("format.repetition", text, tokenizer="words").score < -0.5


def test_a_positive_max_penalty_is_refused() -> None:
    with pytest.raises(rmg.RegistryError, match="max_penalty"):
        rmg.create_reward("format.repetition", {"max_penalty": 0.5})
