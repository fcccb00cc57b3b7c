"""math.accuracy on a hand-labelled table of 584 pairs in 12 answer kinds, and on Math-Verify's own cases.

`data/labelled_pairs.jsonl` (written by `data/make_labelled_pairs.py`): integer, decimal, fraction,
expression (radicals, pi), scientific notation, percentage, interval / union, set, tuple / point,
matrix / vector, relation (equation / inequality), text / choice letter; each base pair bare,
`$…$`-wrapped, in a sentence and boxed, equal and not-equal pairs, plus whole responses (`in_context`).

`data/mathverify_pairs.jsonl` (written by `data/make_mathverify_pairs.py`): the (gold, pred,
expected) cases of Math-Verify's public test-suite (huggingface/Math-Verify, `tests/`, commit
5d148cf; Apache-2.0, see data/README.md), used as labelled data only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rmg_plugin_math import MathAccuracy

import rmg

DATA = Path(__file__).resolve().parent / "data"
REWARD = MathAccuracy()
LABELLED = [json.loads(line) for line in (DATA / "labelled_pairs.jsonl").read_text().splitlines() if line.strip()]
MATH_VERIFY = [json.loads(line) for line in (DATA / "mathverify_pairs.jsonl").read_text().splitlines() if line.strip()]


def score(response: str, reference: str) -> rmg.RewardResult:
    result = REWARD.evaluate(rmg.Sample.of(response, reference=reference))[0]
    assert result.ok, result
    return result


@pytest.mark.parametrize("row", LABELLED, ids=[f"{r['kind']}-{r['form']}-{i}" for i, r in enumerate(LABELLED)])
def test_labelled_pair_scores_as_labelled(row: dict) -> None:
    """Each labelled (response, reference) pair scores 1.0 exactly when a careful grader says equal."""
    result = score(row["response"], row["reference"])
    assert result.score == (1.0 if row["label"] else 0.0), f"{row} -> {result.reason}"


def test_table_has_at_least_20_pairs_per_kind_with_both_labels_and_every_form() -> None:
    """The table covers each of the 12 kinds with >= 20 pairs, equal and not-equal, in all four forms."""
    kinds = {r["kind"] for r in LABELLED}
    assert len(kinds) == 12
    for kind in kinds:
        rows = [r for r in LABELLED if r["kind"] == kind]
        assert len(rows) >= 20 and {r["label"] for r in rows} == {True, False}, kind
        assert {r["form"] for r in rows} >= {"bare", "dollar", "sentence", "boxed"}, kind


def test_agrees_with_at_least_97_percent_of_math_verify_test_cases() -> None:
    """rmg agrees with >= 97% of Math-Verify's own labelled cases (those with its default verify options)."""
    rows = [
        r for r in MATH_VERIFY if r["options"].get("strict", True) and not r["options"].get("allow_set_relation_comp")
    ]
    assert len(rows) >= 250
    wrong = []
    for row in rows:
        result = REWARD.evaluate(rmg.Sample.of(row["pred"], reference=row["gold"]))[0]
        if not result.ok or (result.score == 1.0) != bool(row["expected"]):
            wrong.append(
                f"{row['source']}: {row['gold'][:60]!r} vs {row['pred'][-60:]!r} expected {row['expected']}: "
                f"{result.reason[:120]}"
            )
    agreement = 1 - len(wrong) / len(rows)
    print(f"Math-Verify test cases: agreement {agreement:.4f} ({len(rows) - len(wrong)}/{len(rows)})")
    assert agreement >= 0.97, "\n".join(wrong)


@pytest.mark.parametrize(
    ("response", "reference", "kind", "span"),
    [
        ("5/2", "2.5", "decimal", "whole"),
        ("Therefore $x \\geq 5$ is the solution.", "$x >= 5$", "relation", "math_span"),
        ("Answer \\[ 9 \\]", "9", "integer", "math_span"),
        ("The set is $\\{1,-1\\}$.", "\\{-1, 1\\}", "set", "math_span"),
        ("The answer is $[1,2)$.", "[1, 2)", "interval", "marker/math_span"),
    ],
)
def test_reason_names_the_kind_read_and_the_span_taken(response: str, reference: str, kind: str, span: str) -> None:
    """`reason` and `details` say which kind of answer was read and which span of the response was taken."""
    result = score(response, reference)
    assert result.score == 1.0
    assert result.details["kind"] == kind and result.details["extraction"] == span, result.details
    assert f"{kind} answer" in result.reason and f"(span: {span})" in result.reason, result.reason


def test_a_digit_inside_a_word_is_never_the_answer() -> None:
    """`AZYUK2A` holds no answer; the last number of an expression is not its value."""
    assert score("AZYUK2A", "2").score == 0.0
    assert score("The code is AZYUK2A", "2").score == 0.0
    assert score("$\\frac{1+\\sqrt{5}}{2}$", "2").score == 0.0


def test_intervals_and_relations_are_decided_without_the_symbolic_path() -> None:
    """Intervals, unions, inequalities and linear relations take the structural paths (no sympy)."""
    for response, reference, method in [
        ("$(-\\infty,0)\\cup(1,\\infty)$", "(-\\infty, 0) \\cup (1, \\infty)", ("exact", "interval")),
        ("$(1,\\infty)\\cup(-\\infty,0)$", "(-\\infty, 0) \\cup (1, \\infty)", ("interval",)),
        ("$x \\in [-2, 7]$", "[-2,7]", ("exact", "interval")),
        ("$(-\\infty, -3) \\cup (3, \\infty)$", "|x| > 3", ("interval",)),
        ("$5 \\leq x$", "x >= 5", ("interval",)),
        ("$2x + 4y - 3 = 0$", "y = -\\frac{1}{2}x + \\frac{3}{4}", ("relation",)),
    ]:
        assert score(response, reference).details["method"] in method, (response, reference)


def test_no_labelled_pair_needs_the_symbolic_path() -> None:
    """Every kind of the table is decided by a fast path (exact, numeric, structural, by value): none reaches sympy."""
    symbolic = [
        (r["kind"], r["response"], r["reference"])
        for r in LABELLED
        if score(r["response"], r["reference"]).details["method"] in ("symbolic", "unparsed", "refused")
    ]
    assert symbolic == []
