"""Datasets: read rows from JSONL / JSON / Parquet, map them to samples, write results resumably.

The default row is `{"id", "prompt": str | [messages], "response": str}` (or `"responses": [...]`
for pairwise / listwise), with optional `"reference"` and `"task"`. Common other names are found
on their own (`question`, `solution`, `gold`, `data_source`, verl's `reward_model.ground_truth`,
`chosen`/`rejected`); `FieldMap` overrides any of them with a dotted path. A line that is not
valid JSON is reported with its line number and skipped, never silently dropped.

The writer appends one JSON line per input row, in input order, flushing each line. A re-run
over the same input counts the complete lines already written (dropping a torn last line left by a
kill) and skips that many input rows, so nothing is lost and nothing is written twice.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, TextIO

from .schema import RewardResult, Sample

__all__ = [
    "BadRow",
    "DataError",
    "FieldMap",
    "detect_format",
    "ResumableWriter",
    "read_rows",
    "result_to_json",
    "row_to_sample",
]

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "uid", "task_id", "question_id"),
    "prompt": ("prompt", "messages", "question", "query", "instruction", "problem", "input"),
    "response": ("response", "solution", "completion", "output", "generation", "prediction"),
    "responses": ("responses", "completions", "candidates", "outputs"),
    "reference": ("reference", "gold", "ground_truth", "reward_model.ground_truth", "target", "answer"),
    "task": ("task", "data_source", "source"),
    "steps": ("steps",),
}


class DataError(ValueError):
    """An input file cannot be read at all (missing, unknown format); names the file."""


@dataclass
class BadRow:
    """A row that could not be read; `line` is 1-based (the row index for JSON / Parquet)."""

    line: int
    message: str


@dataclass
class FieldMap:
    """Where each sample field lives in a row: a dotted path, or None to look for the usual names."""

    id: str | None = None
    prompt: str | None = None
    response: str | None = None
    responses: str | None = None
    reference: str | None = None
    task: str | None = None
    steps: str | None = None
    resolved: dict[str, str] = field(default_factory=dict)

    def path(self, name: str, row: dict[str, Any]) -> str | None:
        """The path for `name`: the explicit one, else the first alias a row has (then kept)."""
        explicit = getattr(self, name)
        if explicit:
            return explicit
        found = self.resolved.get(name)
        if found is None:
            taken = {v for k, v in self.resolved.items() if k != name}
            found = next((a for a in ALIASES[name] if a not in taken and _has(row, a)), None)
            if found is not None:
                self.resolved[name] = found
        return found


def _has(row: dict[str, Any], path: str) -> bool:
    try:
        _get(row, path)
        return True
    except KeyError:
        return False


def _get(row: Any, path: str) -> Any:
    value = row
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            raise KeyError(path)
        value = value[part]
    return value


def row_to_sample(row: dict[str, Any], fields: FieldMap | None = None) -> Sample:
    """Build a sample from a row. Raises ValueError naming the missing or malformed field."""
    fields = fields or FieldMap()
    if not isinstance(row, dict):
        raise ValueError(f"a row must be a JSON object, got {type(row).__name__}")

    def get(name: str, default: Any = None) -> Any:
        path = fields.path(name, row)
        if path is None:
            return default
        try:
            return _get(row, path)
        except KeyError:
            if getattr(fields, name):
                raise ValueError(f"field {path!r} (set for {name}) is missing") from None
            return default

    responses = get("responses")
    if responses is None:
        response = get("response")
        if response is None and "chosen" in row and "rejected" in row:
            responses = [row["chosen"], row["rejected"]]
        elif response is not None:
            responses = [response]
    if responses is None:
        wanted = fields.response or fields.responses or "response"
        raise ValueError(f"no response: field {wanted!r} is missing (set the field with --response-field)")
    if not isinstance(responses, list) or not all(isinstance(r, (str, dict)) for r in responses):
        raise ValueError("field 'responses' must be a list of strings")
    steps = get("steps")
    candidates: list[Any] = [r if isinstance(r, dict) else {"content": r} for r in responses]
    if steps is not None and len(candidates) == 1:
        if not isinstance(steps, list):
            raise ValueError("field 'steps' must be a list of strings")
        candidates[0] = {**candidates[0], "steps": [s if isinstance(s, dict) else {"content": str(s)} for s in steps]}
    prompt = get("prompt", [])
    task = get("task")
    sample_id = get("id")
    try:
        return Sample(
            id=sample_id if isinstance(sample_id, (str, int)) else None,
            prompt=prompt if prompt is not None else [],
            candidates=candidates,
            reference=_plain(get("reference")),
            task=None if task is None else str(task),
        )
    except ValueError as exc:
        raise ValueError(f"malformed row: {exc}") from None


def _plain(value: Any) -> Any:
    """Parquet gives numpy arrays for lists; rewards want plain Python values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


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
