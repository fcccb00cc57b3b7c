"""Agreement with real labels: GSM8K model solutions, Qwen2.5-Math MATH responses, GSM8K references.

Run through `rmg.evaluate(..., workers=2)` so the check uses the real process pool and stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path

import rmg


def agreement(rows: list[dict], response: str, gold: str, label: str) -> tuple[float, list[str]]:
    samples = [rmg.Sample.of(row[response], reference=row[gold]) for row in rows]
    disagreements = []
    for row, scored in zip(rows, rmg.evaluate("math.accuracy", samples, workers=2, timeout=30)):
        result = scored.result
        if not result.ok or (result.score == 1.0) != bool(row[label]):
            disagreements.append(
                f"gold={row[gold]!r} label={row[label]} got={result.score} {result.details} "
                f"{result.error or ''} tail={row[response][-120:]!r}"
            )
    return 1 - len(disagreements) / len(rows), disagreements


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_gsm8k_model_solutions_agree_with_openai_labels(math_data: Path) -> None:
    """>= 99% agreement with `is_correct` on the 5,276 GPT-3 GSM8K solutions (final answer after `A:`)."""
    accuracy, bad = agreement(load(math_data / "gsm8k_model_solutions_pairs.jsonl"), "solution", "gold", "is_correct")
    print(f"gsm8k model solutions: agreement {accuracy:.4f}")
    assert accuracy >= 0.99, "\n".join([f"agreement {accuracy:.4f}", *bad[:50]])


def test_qwen_math_responses_agree_with_qwen_grader(math_data: Path) -> None:
    """>= 99% agreement with `qwen_grader_correct` on the 800 Qwen2.5-Math MATH chain-of-thought responses."""
    accuracy, bad = agreement(
        load(math_data / "qwen25math_math_cot_100_pairs.jsonl"), "response", "gold", "qwen_grader_correct"
    )
    print(f"qwen2.5-math MATH responses: agreement {accuracy:.4f}; disagreements: {bad}")
    assert accuracy >= 0.99, "\n".join([f"agreement {accuracy:.4f}", *bad[:50]])


def test_gsm8k_reference_solutions_match_their_own_answers(math_data: Path) -> None:
    """Every GSM8K test reference solution, scored against its `#### N` number, scores 1.0."""
    rows = load(math_data / "gsm8k_test.jsonl")
    for row in rows:
        row["gold"] = row["answer"].rsplit("####", 1)[1].strip()
        row["label"] = True
    accuracy, bad = agreement(rows, "answer", "gold", "label")
    print(f"gsm8k references: agreement {accuracy:.4f}")
    assert accuracy >= 0.999, "\n".join([f"agreement {accuracy:.4f}", *bad[:50]])
