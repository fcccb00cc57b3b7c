"""Datasets: read rows from JSONL / JSON / Parquet, map them to samples, write results resumably.

The default row is `{"id", "prompt": str | [messages], "response": str}` (or `"responses": [...]`
for pairwise / listwise), with optional `"reference"` and `"task"`. Common other names are found
on their own (`question`, `solution`, `gold`, `data_source`, verl's `reward_model.ground_truth`,
`chosen`/`rejected`); `FieldMap` overrides any of them with a dotted path. A line that is not
valid JSON is reported with its line number and skipped, never silently dropped.

Reading files is `rmg.core.readers`; writing and resuming outputs is `rmg.core.resume`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .readers import BadRow, DataError, detect_format, read_rows
from .resume import ResumableWriter
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


def result_to_json(result: RewardResult) -> dict[str, Any]:
    """The `reward` object written to output rows: score, status and reason always, the rest when set."""
    data = result.model_dump(mode="json", exclude_defaults=True)
    out: dict[str, Any] = {"score": result.score, "status": result.status.value, "reason": result.reason}
    out.update({k: v for k, v in data.items() if k not in out})
    return out
