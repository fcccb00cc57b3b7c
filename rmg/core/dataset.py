"""Datasets: read rows from JSONL / JSON / Parquet, map them to samples, write results resumably.

How a row becomes a sample (field names, `FieldMap`, preference data) is `rmg.core.rows`, shared
with rows given from Python. A line that is not valid JSON is reported with its line number and
skipped, never silently dropped.

The writer appends one JSON line per input row, in input order, flushing each line. A re-run
over the same input counts the complete lines already written (dropping a torn last line left by a
kill) and skips that many input rows, so nothing is lost and nothing is written twice.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, TextIO

from .rows import ALIASES, FieldMap, row_to_sample
from .schema import RewardResult

__all__ = [
    "ALIASES",
    "BadRow",
    "DataError",
    "FieldMap",
    "detect_format",
    "ResumableWriter",
    "read_rows",
    "result_to_json",
    "row_to_sample",
]


class DataError(ValueError):
    """An input file cannot be read at all (missing, unknown format); names the file."""


@dataclass
class BadRow:
    """A row that could not be read; `line` is 1-based (the row index for JSON / Parquet)."""

    line: int
    message: str


def read_rows(path: str | os.PathLike[str], *, fmt: str | None = None) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    """Yield `(line_number, row)` or `(line_number, BadRow)` from a JSONL, JSON or Parquet file."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    fmt = fmt or detect_format(path)
    if fmt == "jsonl":
        yield from _read_jsonl(path)
    elif fmt == "json":
        yield from _read_json(path)
    elif fmt == "parquet":
        yield from _read_parquet(path)
    else:
        raise DataError(f"{path}: unknown format {fmt!r} (use jsonl, json or parquet)")


def detect_format(path: Path) -> str:
    """jsonl, json (an array) or parquet, from the name and, for .json, the first character."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    ext = suffixes[-1] if suffixes else ""
    if ext in (".jsonl", ".ndjson"):
        return "jsonl"
    if ext == ".json":
        with _open(path) as f:
            head = f.read(4096).lstrip()
        return "json" if head.startswith("[") else "jsonl"
    if ext in (".parquet", ".pq"):
        return "parquet"
    raise DataError(f"{path}: cannot tell the format from the name (expected .jsonl, .json or .parquet)")


def _open(path: Path) -> TextIO:
    if path.suffix == ".gz":
        import gzip

        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    with _open(path) as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                yield number, BadRow(number, f"{path}:{number}: invalid JSON ({exc})")
                continue
            if not isinstance(row, dict):
                yield number, BadRow(number, f"{path}:{number}: expected a JSON object, got {type(row).__name__}")
                continue
            yield number, row


def _read_json(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    with _open(path) as f:
        try:
            data = json.load(f)
        except ValueError as exc:
            raise DataError(f"{path}: invalid JSON ({exc})") from None
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), [data])
    for index, row in enumerate(data, start=1):
        if isinstance(row, dict):
            yield index, row
        else:
            yield index, BadRow(index, f"{path}: item {index}: expected an object, got {type(row).__name__}")


def _read_parquet(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    import pyarrow.parquet as pq  # heavy: imported only for Parquet input

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types
        raise DataError(f"{path}: not a readable Parquet file ({exc})") from None
    index = 0
    for batch in parquet.iter_batches(batch_size=1024):
        for row in batch.to_pylist():
            index += 1
            yield index, row


def result_to_json(result: RewardResult) -> dict[str, Any]:
    """The `reward` object written to output rows: score, status and reason always, the rest when set."""
    data = result.model_dump(mode="json", exclude_defaults=True)
    out: dict[str, Any] = {"score": result.score, "status": result.status.value, "reason": result.reason}
    out.update({k: v for k, v in data.items() if k not in out})
    return out


class ResumableWriter:
    """Appends JSON lines; knows how many complete rows a previous run wrote."""

    def __init__(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        self.path = Path(path)
        self.done = 0
        self.last_id: Any = None
        if overwrite and self.path.exists():
            self.path.unlink()
        if self.path.exists():
            self._recover()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "a", encoding="utf-8")

    def _recover(self) -> None:
        good_end = 0
        with open(self.path, "rb") as f:
            offset = 0
            for line in f:
                offset += len(line)
                if not line.endswith(b"\n"):
                    break  # torn by a kill: rewritten below
                try:
                    row = json.loads(line)
                except ValueError:
                    break
                good_end = offset
                self.done += 1
                self.last_id = row.get("id") if isinstance(row, dict) else None
        if good_end != self.path.stat().st_size:
            with open(self.path, "r+b") as f:
                f.truncate(good_end)

    def write(self, row: dict[str, Any]) -> None:
        self._file.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> ResumableWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
