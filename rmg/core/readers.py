"""Reading rows from JSONL, JSON and Parquet files (optionally gzipped), without ever crashing.

Every problem is reported by file and line: a line that is not valid JSON, not UTF-8 or nested
too deeply becomes a `BadRow` (skipped and reported, the rest is read); a file that cannot be read
at all (missing, a directory, a truncated or fake `.gz`, a `.parquet` that is not Parquet) raises
`DataError` with one line saying why. A UTF-8 byte-order mark is accepted.

A `.json` file may hold an array of rows, one object (one row), an object holding the rows under
`data` / `rows` / `examples` / ..., or JSON lines (a `.json` name on a JSONL file is common).
Parquet values that JSON cannot carry (bytes, timestamps, decimals) are turned into text.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import gzip
import json
import math
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["BadRow", "DataError", "check_input", "detect_format", "read_rows"]

_BOM = b"\xef\xbb\xbf"
_ROW_KEYS = ("data", "rows", "examples", "instances", "records", "items", "samples")


class DataError(ValueError):
    """An input file cannot be read at all (missing, unknown format); names the file."""


@dataclass
class BadRow:
    """A row that could not be read; `line` is 1-based (the row index for JSON / Parquet)."""

    line: int
    message: str


Row = tuple[int, "dict[str, Any] | BadRow"]


def check_input(path: str | os.PathLike[str]) -> str:
    """The input's format; raises DataError when it is missing, a directory or of unknown type."""
    p = Path(path)
    if p.is_dir():
        raise DataError(f"{p}: is a directory, not a data file (give a .jsonl, .json or .parquet file)")
    if not p.exists():
        raise DataError(f"{p}: no such file")
    if not p.is_file():
        raise DataError(f"{p}: not a regular file (give a .jsonl, .json or .parquet file)")
    return detect_format(p)


def read_rows(path: str | os.PathLike[str], *, fmt: str | None = None) -> Iterator[Row]:
    """Yield `(line_number, row)` or `(line_number, BadRow)` from a JSONL, JSON or Parquet file."""
    p = Path(path)
    fmt = fmt or check_input(p)
    if fmt == "jsonl":
        yield from _read_jsonl(p)
    elif fmt == "json":
        yield from _read_json(p)
    elif fmt == "parquet":
        yield from _read_parquet(p)
    else:
        raise DataError(f"{p}: unknown format {fmt!r} (use jsonl, json or parquet)")


def detect_format(path: Path) -> str:
    """jsonl, json or parquet, from the name (a .gz suffix is looked through)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    ext = suffixes[-1] if suffixes else ""
    if ext in (".jsonl", ".ndjson"):
        return "jsonl"
    if ext == ".json":
        return "json"
    if ext in (".parquet", ".pq"):
        return "parquet"
    raise DataError(f"{path}: cannot tell the format from the name (expected .jsonl, .json or .parquet)")


def _raw_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Numbered raw lines; a damaged gzip stream is a DataError naming the last good line."""
    number = 0
    opener: Any = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        with opener(path, "rb") as f:
            for number, raw in enumerate(f, start=1):
                yield number, raw[len(_BOM) :] if number == 1 and raw.startswith(_BOM) else raw
    except EOFError:
        raise DataError(f"{path}: the gzip data ends early (truncated after line {number})") from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        where = f"after line {number}" if number else "at the start"
        raise DataError(f"{path}: not valid gzip data {where} ({exc})") from None


def _decode_line(path: Path, number: int, raw: bytes) -> dict[str, Any] | BadRow | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return BadRow(number, f"{path}:{number}: invalid UTF-8 at byte {exc.start + 1} of the line")
    if not text.strip():
        return None
    try:
        row = json.loads(text)
    except RecursionError:
        return BadRow(number, f"{path}:{number}: JSON nested too deeply")
    except ValueError as exc:
        return BadRow(number, f"{path}:{number}: invalid JSON ({exc})")
    if not isinstance(row, dict):
        return BadRow(number, f"{path}:{number}: expected a JSON object, got {type(row).__name__}")
    return row


def _read_jsonl(path: Path) -> Iterator[Row]:
    for number, raw in _raw_lines(path):
        row = _decode_line(path, number, raw)
        if row is not None:
            yield number, row


def _read_json(path: Path) -> Iterator[Row]:
    data = b"".join(raw for _, raw in _raw_lines(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(f"{path}:{line}: invalid UTF-8") from None
    try:
        parsed = json.loads(text)
    except RecursionError:
        raise DataError(f"{path}: JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        if text.lstrip().startswith("{"):  # several objects: JSON lines under a .json name
            yield from _read_jsonl(path)
            return
        raise DataError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
    rows = _rows_of(parsed)
    if rows is None:
        raise DataError(f"{path}: expected an array of objects or an object, got {type(parsed).__name__}")
    for index, row in enumerate(rows, start=1):
        if isinstance(row, dict):
            yield index, row
        else:
            yield index, BadRow(index, f"{path}: item {index}: expected an object, got {type(row).__name__}")


def _rows_of(data: Any) -> list[Any] | None:
    """The rows of a parsed JSON document: an array, `{"data": [...]}`-like, or one object."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return None
    for key in _ROW_KEYS:
        if isinstance(data.get(key), list):
            return data[key]
    tables = [v for v in data.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
    if len(tables) == 1 and len(data) == 1:
        return tables[0]
    return [data]  # one row


def _read_parquet(path: Path) -> Iterator[Row]:
    import pyarrow.parquet as pq  # heavy: imported only for Parquet input

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:
        raise DataError(f"{path}: not a readable Parquet file ({exc})") from None
    index = 0
    batches = parquet.iter_batches(batch_size=1024)
    while True:
        try:
            batch = next(batches)
            rows = batch.to_pylist()
        except StopIteration:
            return
        except Exception as exc:
            raise DataError(f"{path}: cannot read rows after row {index} ({type(exc).__name__}: {exc})") from None
        for row in rows:
            index += 1
            yield index, _jsonable(row)


def _jsonable(value: Any) -> Any:
    """Parquet values as JSON can carry them: bytes as text, timestamps ISO 8601, decimals exact."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return "base64:" + base64.b64encode(raw).decode("ascii")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, float) and math.isnan(value):
        return None  # a Parquet NaN is a missing value; JSON has no NaN
    return value
