"""The judge answer parser: robust to what models wrap around an answer, strict about the answer."""

from __future__ import annotations

import pytest

from rmg.judges.parse import JudgeParseError, parse_listwise, parse_pairwise, parse_pointwise, strip_thinking


def score(text: str, low: float = 1, high: float = 10, n: int = 0):
    return parse_pointwise(text, low, high, n)


@pytest.mark.parametrize(
    "text",
    [
        '{"critique": "Clear and correct.", "score": 7}',
        'The response is fine overall.\n```json\n{"critique": "Clear and correct.", "score": 7}\n```\nHope this helps!',
        '<think>I first thought {"score": 2} but no.</think>\n{"critique": "Clear and correct.", "score": 7}',
        "<critique>Clear and correct.</critique>\n<score>7</score>",
        'Let me reason step by step. Principle 1 holds.\n{"critique": "Clear and correct.", "score": "7/10"}',
        '{"verdict": {"critique": "Clear and correct.", "score": 7}}',
    ],
)
def test_pointwise_answer_is_found_inside_reasoning_fences_think_blocks_and_prose(text: str) -> None:
    answer = score(text)
    assert answer.score == 7
    assert answer.critique == "Clear and correct."


def test_the_last_well_formed_answer_wins_over_earlier_drafts() -> None:
    text = 'Draft: {"score": 3}. On reflection the response is better: {"critique": "good", "score": 8}'
    assert score(text).score == 8
    assert score("<score>2</score> ... final answer <score>9</score>").score == 9


def test_an_unterminated_think_block_hides_what_follows_and_a_stray_closing_tag_hides_what_precedes() -> None:
    with pytest.raises(JudgeParseError, match="only reasoning"):
        score('<think>maybe {"score": 10}')
    assert score('{"score": 1} reasoning that lost its opening tag </think> {"score": 6}').score == 6
    assert strip_thinking("a<think>b</think>c") == "a c"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("The response is good. I would give it a 7.", "no score"),
        ('{"score": 11}', "outside the scale 1 to 10"),
        ('{"score": 0}', "outside the scale"),
        ('{"score": "seven"}', "not a number"),
        ('{"score": true}', "not a number"),
        ('{"score": NaN}', "not a finite number"),
        ('{"score": 7', "no score"),  # cut off: not well-formed
    ],
)
def test_pointwise_rejects_missing_malformed_and_out_of_range_scores(text: str, reason: str) -> None:
    with pytest.raises(JudgeParseError, match=reason):
        score(text)


def test_a_last_answer_out_of_range_is_an_error_even_if_an_earlier_one_was_valid() -> None:
    # Falling back to an earlier draft would be guessing which one the model meant.
    with pytest.raises(JudgeParseError, match="outside"):
        score('{"score": 5} then {"score": 50}')


def test_per_principle_scores_are_kept_only_when_complete_and_in_range() -> None:
    assert score('{"principle_scores": [8, 6], "score": 7}', n=2).principle_scores == [8, 6]
    assert score('{"principle_scores": {"1": 9, "2": 4}, "score": 7}', n=2).principle_scores == [9, 4]
    assert score('{"principle_scores": [8], "score": 7}', n=2).principle_scores is None
    assert score('{"principle_scores": [8, 60], "score": 7}', n=2).principle_scores is None


def test_pointwise_reads_mt_bench_style_ratings_and_other_scales() -> None:
    assert score("Explanation... Rating: [[6]]").score == 6
    assert score('{"score": 0.25}', 0, 1).score == 0.25


@pytest.mark.parametrize(
    ("text", "choice"),
    [
        ('{"critique": "A cites sources.", "choice": "A"}', "A"),
        ('{"critique": "...", "choice": "Response B"}', "B"),
        ('```json\n{"choice": "b"}\n```', "B"),
        ('{"choice": "tie"}', "tie"),
        ("My final verdict: [[C]]", "tie"),
        ("<choice>A</choice>", "A"),
        ('{"choice": "Assistant A is better"}', "A"),
        ('<think>{"choice": "B"}</think>{"choice": "A"}', "A"),
    ],
)
def test_pairwise_choices_are_normalised(text: str, choice: str) -> None:
    assert parse_pairwise(text).choice == choice


@pytest.mark.parametrize("text", ['{"choice": "A and B"}', '{"choice": "C or D"}', '{"choice": 1}', "A is better", ""])
def test_pairwise_rejects_ambiguous_or_missing_choices(text: str) -> None:
    with pytest.raises(JudgeParseError):
        parse_pairwise(text)


def test_listwise_ranking_must_be_a_permutation() -> None:
    assert parse_listwise('{"critique": "x", "ranking": [2, 3, 1]}', 3).ranking == [1, 2, 0]
    assert parse_listwise("<ranking>3 > 1 > 2</ranking>", 3).ranking == [2, 0, 1]
    assert parse_listwise('{"ranking": ["Response 2", "Response 1"]}', 2).ranking == [1, 0]
    for bad in (
        '{"ranking": [1, 1, 3]}',
        '{"ranking": [1, 2]}',
        '{"ranking": [1, 2, 4]}',
        '{"ranking": [1, 2.5, 3]}',
        '{"ranking": "best is 2"}',
        '{"ranking": []}',
    ):
        with pytest.raises(JudgeParseError):
            parse_listwise(bad, 3)


@pytest.mark.parametrize(
    "text",
    ["{" * 100_000, '{"a":' * 50_000, "<score>" * 30_000, "[[" * 50_000, "\x00\ufffd" * 1000, "🙂" * 10_000],
)
def test_hostile_answers_raise_parse_errors_and_nothing_else(text: str) -> None:
    with pytest.raises(JudgeParseError):
        score(text)
