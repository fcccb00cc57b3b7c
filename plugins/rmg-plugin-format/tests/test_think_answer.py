"""`format.think_answer`: exact tag structure, template-prefilled <think>, and clear reasons."""

from __future__ import annotations

import pytest
from format_testutil import score

import rmg


def test_well_formed_think_then_answer_scores_one() -> None:
    result = score("format.think_answer", "<think>\nadd them\n</think>\n<answer>\n5\n</answer>\n")
    assert result.score == 1.0 and result.details["answer"] == "5"


def test_response_starting_inside_a_prefilled_think_block_is_accepted() -> None:
    """Qwen3 / R1 templates end the prompt with <think>: the response only has </think>."""
    result = score("format.think_answer", "Let me add 2 and 3.\n</think>\n<answer>5</answer>")
    assert result.score == 1.0
    assert result.details["prefilled_think"] is True
    assert "template" in result.reason


def test_when_the_template_always_opens_think_a_second_think_is_nested() -> None:
    result = score("format.think_answer", "<think>x</think><answer>5</answer>", prefilled_think="yes")
    assert result.score == 0.0 and "nested" in result.reason


def test_prefilled_mode_no_requires_the_opening_tag() -> None:
    result = score("format.think_answer", "reasoning</think><answer>5</answer>", prefilled_think="no")
    assert result.score == 0.0 and "<think> appears 0 time(s), expected exactly 1" in result.reason


@pytest.mark.parametrize(
    ("response", "problem"),
    [
        ("<think>a</think><think>b</think><answer>c</answer>", "<think> appears 2 time(s)"),
        ("<think><think>a</think></think><answer>c</answer>", "</think> appears 2 time(s)"),
        ("<think>a</think><answer>b</answer><answer>c</answer>", "<answer> appears 2 time(s)"),
        ("<think>a<answer>b</answer></think>", "<answer> must come after </think>"),
        ("<answer>b</answer><think>a</think>", "<answer> must come after </think>"),
        ("Sure! <think>a</think><answer>b</answer>", "text before <think>: 'Sure!'"),
        ("<think>a</think> so: <answer>b</answer>", "text between </think> and <answer>: 'so:'"),
        ("<think>a</think><answer>b</answer> hope this helps", "text after </answer>"),
        ("<think> </think><answer>b</answer>", "the reasoning block is empty"),
        ("<think>a</think><answer>\n</answer>", "the answer is empty"),
        ("just an answer", "</think> appears 0 time(s)"),
    ],
)
def test_repeated_nested_misplaced_or_surrounded_tags_fail_with_a_reason_naming_it(response: str, problem: str) -> None:
    result = score("format.think_answer", response)
    assert result.score == 0.0
    assert problem in result.reason, result.reason


def test_text_outside_is_accepted_when_allowed() -> None:
    result = score("format.think_answer", "Sure! <think>a</think> <answer>b</answer> bye", allow_text_outside=True)
    assert result.score == 1.0


def test_custom_tags_and_no_answer_tag() -> None:
    """`<reasoning>…</reasoning>` then free text (answer_tag empty: the rest is the answer)."""
    ok = score(
        "format.think_answer", "<reasoning>r</reasoning>\nThe answer is 5.", think_tag="reasoning", answer_tag=""
    )
    assert ok.score == 1.0 and ok.details["answer"] == "The answer is 5."
    empty = score("format.think_answer", "<reasoning>r</reasoning>\n", think_tag="reasoning", answer_tag="")
    assert empty.score == 0.0 and "the answer is empty" in empty.reason


def test_a_tag_name_that_is_not_a_name_is_a_parameter_error() -> None:
    with pytest.raises(rmg.RegistryError, match="think_tag"):
        rmg.create_reward("format.think_answer", {"think_tag": "<think>"})
