"""`general.rouge` against an independent implementation (Google's rouge-score) on real text."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from rmg_plugin_general.rouge import rouge_scores
from rmg_plugin_general.text import word_tokens

import rmg
from rmg.testing import perturb_words

try:
    from rouge_score import rouge_scorer
except ImportError as exc:  # fail loudly: a skipped cross-check would hide a wrong ROUGE
    raise ImportError(f"{exc}: install the test extra, pip install -e 'plugins/rmg-plugin-general[test]'") from exc

TYPES = ["rouge1", "rouge2", "rougeL"]


@pytest.fixture(scope="module")
def real_pairs(data_dir: Path) -> list[tuple[str, str]]:
    """(response, reference) pairs from RM-Bench chat answers (ASCII, where both tokenisers agree)."""
    rows = json.loads((data_dir / "preference" / "rmbench_chat_filtered.json").read_text())
    texts = [t for row in rows for t in row["chosen"] if t.isascii() and 50 <= len(t.split()) <= 400]
    rng = random.Random(7)
    return [(perturb_words(t, rng), t) for t in texts[:80]]


def test_rouge_equals_rouge_score_on_real_answers(real_pairs: list[tuple[str, str]]) -> None:
    """Precision, recall and F of ROUGE-1/2/L match rouge-score to 1e-12 on 80 real pairs."""
    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=False)
    reward = rmg.create_reward("general.rouge")
    assert len(real_pairs) == 80
    for response, reference in real_pairs:
        expected = scorer.score(reference, response)
        result = reward(rmg.Sample.of(response, reference=reference))[0]
        assert result.ok, result
        for kind in TYPES:
            got = result.details[kind]
            want = expected[kind]
            assert got["precision"] == pytest.approx(want.precision, abs=1e-12)
            assert got["recall"] == pytest.approx(want.recall, abs=1e-12)
            assert got["f"] == pytest.approx(want.fmeasure, abs=1e-12)
        assert result.score == pytest.approx(expected["rougeL"].fmeasure, abs=1e-12)


def test_several_references_take_the_best_per_measure_like_score_multi(real_pairs: list[tuple[str, str]]) -> None:
    """With a list of references each measure is the best over them (rouge-score's score_multi)."""
    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=False)
    reward = rmg.create_reward("general.rouge", {"score_type": "rouge2"})
    for (response, reference), (_, other) in zip(real_pairs[:20], real_pairs[20:40]):
        expected = scorer.score_multi([other, reference], response)
        result = reward(rmg.Sample.of(response, reference=[other, reference]))[0]
        for kind in TYPES:
            assert result.dimension(kind).score == pytest.approx(expected[kind].fmeasure, abs=1e-12)
        assert result.score == pytest.approx(expected["rouge2"].fmeasure, abs=1e-12)


def test_hand_computed_rouge_of_a_small_pair() -> None:
    """'a b c d e' vs 'a c b e': unigrams 4/5 & 4/4, bigrams 0, LCS 3 (a c e or a b e)."""
    scores = rouge_scores(list("abcde"), list("acbe"))
    assert scores["rouge1"] == pytest.approx((4 / 5, 4 / 4, 2 * 0.8 * 1 / 1.8))
    assert scores["rouge2"] == (0.0, 0.0, 0.0)
    assert scores["rougeL"] == pytest.approx((3 / 5, 3 / 4, 2 * 0.6 * 0.75 / 1.35))


def test_score_type_and_measure_pick_the_score() -> None:
    """`score_type` picks ROUGE-1/2/L and `measure` picks precision / recall / f."""
    sample = rmg.Sample.of("the cat sat on the mat", reference="the cat lay on the big mat")
    # bigrams: the-cat, on-the shared; 5 response bigrams, 6 reference bigrams
    assert rmg.create_reward("general.rouge", {"score_type": "rouge2", "measure": "precision"})(sample)[
        0
    ].score == pytest.approx(2 / 5)
    assert rmg.create_reward("general.rouge", {"score_type": "rouge2", "measure": "recall"})(sample)[
        0
    ].score == pytest.approx(2 / 6)
    # unigram recall: the x2, cat, on, mat = 5 of 7 reference words
    assert rmg.create_reward("general.rouge", {"score_type": "rouge1", "measure": "recall"})(sample)[
        0
    ].score == pytest.approx(5 / 7)


def test_cjk_text_is_compared_character_by_character() -> None:
    """Chinese has no spaces: each ideograph is a token, so partial overlap scores partially."""
    result = rmg.create_reward("general.rouge", {"score_type": "rouge1"})(
        rmg.Sample.of("猫坐在垫子上", reference="猫躺在垫子上")
    )[0]
    assert word_tokens("猫坐在垫子上") == list("猫坐在垫子上")
    assert result.score == pytest.approx(5 / 6)


@pytest.mark.parametrize(
    ("reference", "problem"),
    [
        (None, "needs a reference"),
        ("", "empty string"),
        ("!!! ...", "no words"),
        ({"a": 1}, "got dict"),
        ([], "empty list"),
    ],
)
def test_a_missing_or_bad_reference_is_invalid_input_naming_the_problem(reference: object, problem: str) -> None:
    """A bad reference is reported as invalid input with a message saying what is wrong."""
    result = rmg.create_reward("general.rouge")(rmg.Sample.of("some words", reference=reference))[0]
    assert result.status is rmg.RewardStatus.invalid_input
    assert problem in (result.error or "")
