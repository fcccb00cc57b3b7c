"""Datasets: read rows from JSONL / JSON / Parquet, map them to samples, write results resumably.

How a row becomes a sample (field names, `FieldMap`, preference data) is `rmg.core.rows`, shared
with rows given from Python. Reading files is `rmg.core.readers` (a line that is not valid JSON is
reported with its line number and skipped, never silently dropped); writing and resuming outputs
is `rmg.core.resume`. This module is the one place the CLI and the server import them from.
"""

from __future__ import annotations

from typing import Any

from .readers import BadRow, DataError, detect_format, read_rows
from .resume import ResumableWriter
from .rows import ALIASES, FieldMap, row_to_sample
from .schema import RewardResult

__all__ = [
    "ALIASES",
    "BadRow",
    "DataError",
    "FieldMap",
    "ResumableWriter",
    "detect_format",
    "read_rows",
    "result_to_json",
    "row_to_sample",
]


def result_to_json(result: RewardResult) -> dict[str, Any]:
    """The `reward` object written to output rows: score, status and reason always, the rest when set."""
    data = result.model_dump(mode="json", exclude_defaults=True)
    out: dict[str, Any] = {"score": result.score, "status": result.status.value, "reason": result.reason}
    out.update({k: v for k, v in data.items() if k not in out})
    return out
