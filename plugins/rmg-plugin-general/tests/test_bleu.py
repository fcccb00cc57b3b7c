"""`general.bleu`: hand-computed sentence scores and sacrebleu's documented corpus example."""

from __future__ import annotations

import math

import pytest

import rmg

# sacrebleu's README example: three system sentences, two reference streams.
SYSTEM = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]
REFS = [
    ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
    ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
]


def test_summed_sentence_statistics_give_sacrebleus_documented_corpus_bleu() -> None:
    """The per-sentence n-gram counts the reward reports add up to the README's corpus BLEU 48.53
    (82.4/50.0/45.5/37.5, BP 0.943, hyp_len 17, ref_len 18), computed here from the formula."""
    reward = rmg.create_reward("general.bleu")
    counts, totals, sys_len, ref_len = [0] * 4, [0] * 4, 0, 0
    for i, hyp in enumerate(SYSTEM):
        result = reward(rmg.Sample.of(hyp, reference=[REFS[0][i], REFS[1][i]]))[0]
        assert result.ok, result
        counts = [a + b for a, b in zip(counts, result.details["counts"])]
        totals = [a + b for a, b in zip(totals, result.details["totals"])]
        sys_len += result.details["sys_len"]
        ref_len += result.details["ref_len"]
    precisions = [c / t for c, t in zip(counts, totals)]
    brevity = math.exp(1 - ref_len / sys_len) if sys_len < ref_len else 1.0
    bleu = 100 * brevity * math.exp(sum(math.log(p) for p in precisions) / 4)
    assert (sys_len, ref_len) == (17, 18)
    assert [round(100 * p, 1) for p in precisions] == [82.4, 50.0, 45.5, 37.5]
    assert round(brevity, 3) == 0.943
    assert round(bleu, 2) == 48.53


def test_sentence_bleu_with_zero_higher_order_matches_uses_exp_smoothing() -> None:
    """'It wasn't surprising.': 2/4 unigrams match, smoothing gives 1/6, 1/8, 1/8, BP exp(1-5/4)."""
    result = rmg.create_reward("general.bleu")(rmg.Sample.of(SYSTEM[1], reference=[REFS[0][1], REFS[1][1]]))[0]
    expected = math.exp(1 - 5 / 4) * (0.5 * (1 / 6) * (1 / 8) * (1 / 8)) ** 0.25
    assert result.score == pytest.approx(expected, abs=1e-9)
    assert result.dimension("precision_1").score == pytest.approx(0.5)
    assert result.dimension("brevity_penalty").score == pytest.approx(math.exp(-0.25))


def test_identical_sentence_scores_one_and_lowercase_parameter_matters() -> None:
    """An exact copy is BLEU 1.0; a case-only difference needs `lowercase` to score 1.0."""
    bleu = rmg.create_reward("general.bleu")
    assert bleu(rmg.Sample.of("The dog bit the man.", reference="The dog bit the man."))[0].score == 1.0
    shouted = rmg.Sample.of("THE DOG BIT THE MAN.", reference="The dog bit the man.")
    assert bleu(shouted)[0].score < 0.5
    assert rmg.create_reward("general.bleu", {"lowercase": True})(shouted)[0].score == 1.0


def test_bad_reference_is_invalid_input() -> None:
    """A missing or non-text reference is invalid input that names the reward."""
    for reference in (None, {"text": "x"}, [1.5, None]):
        result = rmg.create_reward("general.bleu")(rmg.Sample.of("text", reference=reference))[0]
        assert result.status is rmg.RewardStatus.invalid_input
        assert "general.bleu" in (result.error or "")
