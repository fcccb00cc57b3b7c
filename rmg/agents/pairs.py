"""Labelled preference pairs from the usual files: LLMBar, RM-Bench, HH-RLHF, JudgeBench, rmg rows.

A pair is `{"id", "prompt": [messages], "chosen": str, "rejected": str}`. Recognised row shapes:
- LLMBar: `input` (or `instruction`), `output_1`, `output_2`, `label` 1 or 2;
- JudgeBench: `question`, `response_A`, `response_B`, `label` "A>B" / "B>A" (ties are skipped);
- RM-Bench: `prompt`, `chosen` and `rejected` as lists of style variants (the first of each is used);
- HH-RLHF: `chosen` / `rejected` as whole "\\n\\nHuman: ... \\n\\nAssistant: ..." dialogues
  (the shared turns become the prompt, the last assistant turns the pair);
- anything else through rmg's row mapping (`--prompt-field`, `--responses-field`, ...): the
  first of two responses, or `chosen`, is the preferred one.
A row that fits none is reported with its file and line, and skipped.
"""

from __future__ import annotations

import re
from typing import Any

from rmg.core.dataset import BadRow, FieldMap, read_rows, row_to_sample

__all__ = ["PairError", "read_pairs", "row_to_pair"]

_HH_TURN = re.compile(r"\n\n(Human|Assistant): ")


class PairError(ValueError):
    """A file holds no usable pair."""


def _hh(text: str) -> list[dict[str, str]]:
    parts = _HH_TURN.split("\n\n" + text.lstrip("\n") if not text.startswith("\n\n") else text)
    messages = []
    for role, content in zip(parts[1::2], parts[2::2]):
        messages.append({"role": "user" if role == "Human" else "assistant", "content": content.strip()})
    return messages


def row_to_pair(row: dict[str, Any], fields: FieldMap | None = None) -> dict[str, Any] | None:
    """A pair from one row; None for a tie; ValueError naming what is missing."""
    rid = row.get("id", row.get("pair_id"))
    if "output_1" in row and "output_2" in row and "label" in row:
        label = str(row["label"]).strip()
        if label not in ("1", "2"):
            raise ValueError(f"LLMBar label must be 1 or 2, got {row['label']!r}")
        first, second = row["output_1"], row["output_2"]
        chosen, rejected = (first, second) if label == "1" else (second, first)
        prompt = row.get("input", row.get("instruction", ""))
        return {"id": rid, "prompt": [{"role": "user", "content": str(prompt)}], "chosen": chosen, "rejected": rejected}
    if "response_A" in row and "response_B" in row and "label" in row:
        label = str(row["label"]).replace(" ", "")
        if label not in ("A>B", "B>A"):
            return None
        a, b = row["response_A"], row["response_B"]
        chosen, rejected = (a, b) if label == "A>B" else (b, a)
        return {
            "id": rid,
            "prompt": [{"role": "user", "content": str(row.get("question", ""))}],
            "chosen": chosen,
            "rejected": rejected,
        }
    if "chosen" in row and "rejected" in row and not (fields and (fields.responses or fields.response)):
        chosen, rejected = row["chosen"], row["rejected"]
        if isinstance(chosen, list) and isinstance(rejected, list) and chosen and rejected:
            chosen, rejected = chosen[0], rejected[0]
        if not isinstance(chosen, str) or not isinstance(rejected, str):
            raise ValueError("chosen / rejected must be texts (or lists of texts)")
        if "prompt" not in row and chosen.lstrip("\n").startswith("Human:"):
            good, bad = _hh(chosen), _hh(rejected)
            if not good or good[-1]["role"] != "assistant" or not bad or bad[-1]["role"] != "assistant":
                raise ValueError("an HH-RLHF dialogue must end with an Assistant turn")
            return {"id": rid, "prompt": good[:-1], "chosen": good[-1]["content"], "rejected": bad[-1]["content"]}
        prompt = row.get("prompt", row.get("question", ""))
        messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt
        return {"id": rid, "prompt": messages, "chosen": chosen, "rejected": rejected}
    sample = row_to_sample(row, fields)
    if len(sample.candidates) < 2:
        raise ValueError("a pair needs two responses (the preferred one first) or chosen / rejected")
    return {
        "id": sample.id,
        "prompt": [m.model_dump() for m in sample.prompt],
        "chosen": sample.candidates[0].content,
        "rejected": sample.candidates[1].content,
    }


def read_pairs(
    path: str, fields: FieldMap | None = None, *, limit: int | None = None, strict: bool = False, warn: Any = None
) -> list[dict[str, Any]]:
    """Every pair in a file (JSONL, JSON, Parquet, .gz); bad rows reported through `warn(message)`."""
    pairs: list[dict[str, Any]] = []
    for line, row in read_rows(path):
        message = None
        if isinstance(row, BadRow):
            message = row.message
        else:
            try:
                pair = row_to_pair(row, fields)
            except ValueError as exc:
                message = f"{path}:{line}: {exc}"
            else:
                if pair is not None:
                    pairs.append(pair)
        if message is not None:
            if strict:
                raise PairError(message)
            if warn is not None:
                warn(message)
        if limit is not None and len(pairs) >= limit:
            break
    if not pairs:
        raise PairError(
            f"{path} holds no preference pair (LLMBar, RM-Bench, HH-RLHF, JudgeBench or chosen/rejected rows)"
        )
    return pairs
