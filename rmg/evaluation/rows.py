"""Reading benchmark rows: a JSON / JSONL / Parquet file, a folder of them, a glob, or a folder an HF
`datasets` `save_to_disk` wrote (Arrow stream files), each row tagged with the file it came from."""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .base import BenchmarkError

__all__ = ["Row", "data_files", "data_hash", "iter_rows", "need"]

_SUFFIXES = (".jsonl", ".json", ".ndjson", ".parquet", ".pq", ".arrow", ".jsonl.gz", ".json.gz")


class Row(dict[str, Any]):
    """A row (a dict) that knows where it came from, for error messages and categories."""

    file: Path
    line: int

    def where(self) -> str:
        return f"{self.file}:{self.line}"


def data_files(path: str) -> list[Path]:
    """The files behind DATA: a file, a folder (recursively), or a glob pattern."""
    p = Path(path)
    if p.is_file():
        return [p]
    if p.is_dir():
        files = sorted(f for f in p.rglob("*") if f.is_file() and f.name.endswith(_SUFFIXES))
    else:
        files = sorted(Path(f) for f in glob.glob(path, recursive=True) if Path(f).is_file())
    if not files:
        raise BenchmarkError(f"{path}: no data files (expected JSON, JSONL, Parquet or an HF datasets folder)")
    return files


def iter_rows(path: str) -> Iterator[Row]:
    """Every row of every file behind `path`; a malformed line is an error naming file and line."""
    from rmg.core.dataset import BadRow, DataError, read_rows  # pydantic: only when data is read

    for file in data_files(path):
        if file.suffix == ".arrow":
            yield from _arrow_rows(file)
            continue
        if file.name in ("dataset_info.json", "state.json", "dataset_dict.json"):
            continue  # HF datasets metadata beside the Arrow files
        try:
            for line, row in read_rows(file):
                if isinstance(row, BadRow):
                    raise BenchmarkError(row.message)
                yield _tag(row, file, line)
        except DataError as exc:
            raise BenchmarkError(str(exc)) from None


def _arrow_rows(file: Path) -> Iterator[Row]:
    import pyarrow as pa

    try:
        with pa.memory_map(str(file)) as source:
            try:
                table = pa.ipc.open_stream(source).read_all()
            except pa.ArrowInvalid:
                source.seek(0)
                table = pa.ipc.open_file(source).read_all()
    except (OSError, pa.ArrowInvalid) as exc:
        raise BenchmarkError(f"{file}: not a readable Arrow file ({exc})") from None
    for line, row in enumerate(table.to_pylist(), start=1):
        yield _tag(row, file, line)


def _tag(row: dict[str, Any], file: Path, line: int) -> Row:
    tagged = Row(row)
    tagged.file, tagged.line = file, line
    return tagged


def need(row: Row, key: str, kind: type | tuple[type, ...] = object) -> Any:
    """`row[key]`, or a clear error naming file, line and field."""
    if key not in row:
        raise BenchmarkError(f"{row.where()}: field {key!r} is missing (fields: {', '.join(sorted(row)) or 'none'})")
    value = row[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise BenchmarkError(f"{row.where()}: field {key!r} must be {names}, got {type(value).__name__}")
    return value


def data_hash(path: str) -> str:
    """sha256 over the data files' names and bytes, so a report says exactly what it was run on."""
    digest = hashlib.sha256()
    for file in data_files(path):
        digest.update(file.name.encode())
        with open(file, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()
