"""Rows from Python read exactly as rows from files; field names resolved per row; preference data.

Uses the installed math and example plugins (real distributions, real process pool) and the real
`rmg` CLI in subprocesses.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from rmgkit import ROOT, RunRmg

import rmg
from rmg.core.rows import FieldMap, label_index, row_to_sample

FIXTURES = Path(__file__).parent / "fixtures" / "data"
GSM8K = ROOT / "examples" / "gsm8k_solutions.jsonl"


def _gsm8k(n: int) -> list[dict]:
    rows = [json.loads(line) for line in GSM8K.read_text().splitlines()[:n]]
    assert sum(r["is_correct"] for r in rows) not in (0, n), "the slice must hold right and wrong answers"
    return rows


def _mixed(rows: list[dict]) -> list[dict]:
    """The same rows, their answer field named three ways (as in files merged from several sources)."""
    out = []
    for i, row in enumerate(rows):
        row = dict(row)
        name = ("response", "solution", "completion")[i % 3]
        row[name] = row.pop("response")
        out.append(row)
    return out


def test_the_readme_row_from_python_is_scored_like_the_cli_reads_it() -> None:
    [scored] = rmg.evaluate("math.accuracy", [{"response": "the answer is 4", "reference": "4"}], workers=1)
    assert scored.result.status is rmg.RewardStatus.ok and scored.result.score == 1.0


def test_python_takes_the_cli_field_options_as_keyword_arguments() -> None:
    rows = [{"q": "2+2?", "out": {"text": "so \\boxed{4}"}, "gold_answer": "4"}]
    [scored] = rmg.evaluate("math.accuracy", rows, response_field="out.text", reference_field="gold_answer", workers=1)
    assert scored.result.score == 1.0
    [missing] = rmg.evaluate("math.accuracy", rows, workers=1)  # without the mapping: a clear invalid input
    assert missing.result.status is rmg.RewardStatus.invalid_input
    assert "response_field=" in (missing.result.error or "") and missing.result.score is None
    with pytest.raises(TypeError):
        rmg.Runner("math.accuracy", respons_field="out")  # a misspelt option is an error, not ignored


def test_dict_rows_from_python_and_file_rows_give_the_same_scores(run_rmg: RunRmg, tmp_path: Path) -> None:
    rows = _mixed(_gsm8k(30))
    (tmp_path / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    run_rmg("score", "math.accuracy", "rows.jsonl", "-o", "out.jsonl", "--no-progress", check=True)
    from_file = [json.loads(line)["reward"]["score"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    from_python = [s.result.score for s in rmg.evaluate("math.accuracy", rows, workers=1)]
    assert from_file == from_python == [float(r["is_correct"]) for r in rows]


def test_field_names_are_resolved_per_row_not_by_the_first_row() -> None:
    rows = _mixed(_gsm8k(12))
    fm = FieldMap()
    forward = {r["id"]: row_to_sample(r, fm).response for r in rows}
    backward = {r["id"]: row_to_sample(r, fm).response for r in reversed(rows)}
    assert forward == backward
    assert all(text for text in forward.values())


def test_a_mixed_file_scores_the_same_in_any_order_and_after_a_resume(run_rmg: RunRmg, tmp_path: Path) -> None:
    rows = _mixed(_gsm8k(45))
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    expected = {r["id"]: float(r["is_correct"]) for r in rows}

    def scores(name: str) -> dict[str, float]:
        lines = (tmp_path / name).read_text().splitlines()
        return {row["id"]: row["reward"]["score"] for row in map(json.loads, lines)}

    for name, data in (("in.jsonl", rows), ("shuffled.jsonl", shuffled)):
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in data))
    run_rmg("score", "math.accuracy", "in.jsonl", "-o", "whole.jsonl", "--no-progress", check=True)
    run_rmg("score", "math.accuracy", "shuffled.jsonl", "-o", "shuffled.out.jsonl", "--no-progress", check=True)
    # Interrupted after a row named differently from the first one, then resumed.
    for stop in (1, 2, 13):
        out = f"resumed{stop}.jsonl"
        run_rmg("score", "math.accuracy", "in.jsonl", "-o", out, "--limit", str(stop), "--no-progress", check=True)
        resumed = run_rmg("score", "math.accuracy", "in.jsonl", "-o", out, "--no-progress", check=True)
        assert "resuming" in resumed.stderr
        assert scores(out) == expected, f"resumed after {stop} rows"
    assert scores("whole.jsonl") == scores("shuffled.out.jsonl") == expected


def test_llmbar_pairs_become_responses_with_the_labelled_preference() -> None:
    rows = json.loads((FIXTURES / "llmbar_natural_12.json").read_text())
    for row in rows:
        sample = row_to_sample(row)
        assert [c.content for c in sample.candidates] == [row["output_1"], row["output_2"]]
        assert sample.query == row["input"]
        preferred = int(row["label"]) - 1
        assert sample.metadata["preference"] == {"chosen": [preferred], "rejected": [1 - preferred]}


def test_rmbench_style_variants_become_six_responses_chosen_first() -> None:
    row = json.loads((FIXTURES / "rmbench_chat_6.json").read_text())[0]
    sample = row_to_sample(row)
    assert [c.content for c in sample.candidates] == row["chosen"] + row["rejected"]
    assert sample.metadata["preference"] == {"chosen": [0, 1, 2], "rejected": [3, 4, 5]}


def test_preference_fields_can_be_named_with_flags_or_keywords() -> None:
    row = {"q": "hi", "good": "hello there", "bad": "go away", "a": "x", "b": "yy", "winner_is": "B>A"}
    by_chosen = row_to_sample(row, FieldMap.of(prompt_field="q", chosen_field="good", rejected_field="bad"))
    assert [c.content for c in by_chosen.candidates] == ["hello there", "go away"]
    pair = row_to_sample(row, FieldMap.of(responses_field="a,b", label_field="winner_is"))
    assert [c.content for c in pair.candidates] == ["x", "yy"]
    assert pair.metadata["preference"] == {"chosen": [1], "rejected": [0]}


def test_labels_that_name_no_response_are_a_clear_error() -> None:
    assert [label_index(v) for v in (1, "2", "A", "b", "A>B", "B>A", 2.0, "tie")] == [0, 1, 0, 1, 0, 1, 1, None]
    with pytest.raises(ValueError, match="field 'label' is 3"):
        row_to_sample({"output_1": "a", "output_2": "b", "label": 3})
    with pytest.raises(ValueError, match="has 'chosen' but no 'rejected'"):
        row_to_sample({"chosen": "a"})


def test_pairwise_summary_reports_the_preferred_responses_win_rate(run_rmg: RunRmg, tmp_path: Path) -> None:
    """example.shorter prefers the shorter response: its win rate is the share of pairs whose chosen is shorter."""
    rows = json.loads((FIXTURES / "llmbar_natural_12.json").read_text())
    expected_wins = sum(
        len(r["output_1" if r["label"] in (1, "1") else "output_2"])
        < len(r["output_2" if r["label"] in (1, "1") else "output_1"])
        for r in rows
    )
    (tmp_path / "llmbar.json").write_text(json.dumps(rows))
    proc = run_rmg("score", "example.shorter", "llmbar.json", "-o", "out.jsonl", "--no-progress", check=True)
    line = next(x for x in proc.stderr.splitlines() if "preferred response won" in x)
    assert f"{expected_wins / len(rows):.1%}" in line and f"{expected_wins} of {len(rows)} comparisons" in line
    assert "mean score" not in proc.stderr  # a pair's mean is 0.5 whatever the reward prefers


def test_rmbench_rows_with_a_pointwise_reward_compare_every_chosen_with_every_rejected(
    run_rmg: RunRmg, tmp_path: Path
) -> None:
    rows = json.loads((FIXTURES / "rmbench_chat_6.json").read_text())
    spec = "format.length(unit='chars', style='range', min_length=0, max_length=600)"
    proc = run_rmg("score", spec, str(FIXTURES / "rmbench_chat_6.json"), "-o", "out.jsonl", "--no-progress")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    wins = ties = 0
    for row in out:
        scores = [r["score"] for r in row["reward"]]
        assert len(scores) == 6
        for c in scores[:3]:
            for r in scores[3:]:
                wins += c > r
                ties += c == r
    line = next(x for x in proc.stderr.splitlines() if "preferred response won" in x)
    assert f"{wins} of {9 * len(rows)} comparisons; {ties} ties" in line


def test_aevaluate_and_best_of_n_take_the_same_rows_and_field_options() -> None:
    import asyncio

    rows = [
        {"question": "2+2?", "attempt": "\\boxed{4}", "gold": "4"},
        {"question": "1+1?", "attempt": "3", "gold": "2"},
    ]

    async def main() -> list[float | None]:
        return [s.result.score async for s in rmg.aevaluate("math.accuracy", rows, response_field="attempt", workers=1)]

    assert asyncio.run(main()) == [1.0, 0.0]
    best = rmg.best_of_n("math.accuracy", {"outs": ["3", "\\boxed{4}"], "gold": "4"}, responses_field="outs", workers=1)
    assert best.index == 1


def test_a_dumped_sample_reads_back_as_the_same_sample() -> None:
    sample = rmg.Sample.of(["a", "bb"], prompt="p", reference="r", task="t", id=3, source_file="x.jsonl")
    assert row_to_sample(sample.model_dump()) == sample
