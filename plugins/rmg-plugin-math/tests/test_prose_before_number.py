"""A short word before a bare number is prose ("so 72"), never a product of variables (s*o*72)."""

from __future__ import annotations

import pytest

import rmg


@pytest.mark.parametrize(
    ("response", "reference", "score"),
    [
        ("so 72", "72", 1.0),
        ("aaa so 72", "72", 1.0),
        ("ok 3", "3", 1.0),
        ("so 71", "72", 0.0),
        ("x = 72", "72", 1.0),
    ],
)
def test_a_word_before_the_final_number_is_read_as_prose(response: str, reference: str, score: float) -> None:
    [scored] = rmg.evaluate("math.accuracy", [{"response": response, "reference": reference}], workers=0)
    assert scored.result.score == score, scored.result.reason
