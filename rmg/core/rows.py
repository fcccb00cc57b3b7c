"""Rows to samples: the one place that reads a dataset row, from a file (`rmg score`) or from Python.

A row is a dict. The default one is `{"id", "prompt", "response", "reference", "task"}`, with
`"responses": [...]` instead of `"response"` for pairwise or listwise rewards. Common other names
are found on their own (`ALIASES`), and preference data becomes `responses` too:

- `chosen` / `rejected`, each a string or a list of variants (RM-Bench's three styles):
  `responses = chosen + rejected`;
- two fields holding one response each (`output_1`/`output_2` as in LLMBar, `response_A`/
  `response_B` as in JudgeBench) with a `label` naming the preferred one (1/2, "A"/"B", "A>B").

The preferred responses are recorded in `sample.metadata["preference"]` (`{"chosen": [indices],
"rejected": [indices]}`) so that summaries report how often they won.

Fields are resolved **per row**, never from the first row of a file: a file whose rows name their
fields differently scores the same whatever the row order or the point a resume starts from.
`FieldMap` sets any field explicitly with a dotted path (the CLI's `--response-field`, Python's
`response_field=`); `responses` may also name several fields, comma-separated (`output_1,output_2`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

from .schema import Sample

__all__ = ["ALIASES", "FIELD_HELP", "FIELD_NAMES", "PAIR_ALIASES", "FieldMap", "label_index", "row_to_sample"]

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "uid", "task_id", "question_id"),
    "prompt": ("prompt", "messages", "question", "query", "instruction", "problem", "input"),
    "response": ("response", "solution", "completion", "output", "generation", "prediction"),
    "responses": ("responses", "completions", "candidates", "outputs"),
    "reference": ("reference", "gold", "ground_truth", "reward_model.ground_truth", "target", "answer"),
    "task": ("task", "data_source", "source"),
    "steps": ("steps",),
    "chosen": ("chosen",),
    "rejected": ("rejected",),
    "label": ("label", "preference", "winner"),
}

# Two fields holding one response each, as preference data sets name them.
PAIR_ALIASES: tuple[tuple[str, str], ...] = (
    ("output_1", "output_2"),  # LLMBar
    ("response_A", "response_B"),  # JudgeBench
    ("response_a", "response_b"),
    ("response_1", "response_2"),
)

FIELD_NAMES: tuple[str, ...] = tuple(ALIASES)

# What each `--<name>-field` flag (and `<name>_field=` keyword) says, where the default text is not enough.
FIELD_HELP: dict[str, str] = {
    "responses": "Row field holding the list of responses, or several fields holding one each, "
    "comma-separated (e.g. output_1,output_2).",
    "chosen": "Row field holding the preferred response (a string or a list of variants); "
    "with --rejected-field the row's responses are chosen + rejected.",
    "rejected": "Row field holding the dispreferred response (a string or a list of variants).",
    "label": "Row field saying which of two responses is preferred (1 or 2, A or B, A>B or B>A).",
}


@dataclass(frozen=True)
class FieldMap:
    """Where each sample field lives in a row: a dotted path, or None to look for the usual names."""

    id: str | None = None
    prompt: str | None = None
    response: str | None = None
    responses: str | None = None
    reference: str | None = None
    task: str | None = None
    steps: str | None = None
    chosen: str | None = None
    rejected: str | None = None
    label: str | None = None

    @classmethod
    def of(cls, **paths: str | None) -> FieldMap:
        """From keyword arguments named `<field>_field` (as the CLI flags and `rmg.evaluate` take them)."""
        known = {f"{name}_field": name for name in FIELD_NAMES}
        unknown = sorted(set(paths) - set(known))
        if unknown:
            raise TypeError(f"unknown field option(s) {unknown}; the options are {sorted(known)}")
        return cls(**{known[k]: v for k, v in paths.items() if v})

    def explicit(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


_MISSING = object()


def _present(row: Any, path: str) -> bool:
    """The row has this field with a value (null counts as absent: Parquet fills missing columns with it)."""
    return _get(row, path) not in (_MISSING, None)


@lru_cache(maxsize=4096)
def _parts(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


@lru_cache(maxsize=256)
def _taken(fmap: FieldMap) -> frozenset[str]:
    """The row fields the explicit paths use (aliases skip them); a server reads every row with one map."""
    return frozenset(p for path in fmap.explicit().values() for p in path.split(","))


def _get(row: Any, path: str) -> Any:
    if "." not in path:  # most fields: one lookup (this runs for every alias of every row)
        return row.get(path, _MISSING) if isinstance(row, dict) else _MISSING
    value = row
    for part in _parts(path):
        if not isinstance(value, dict):
            return _MISSING
        value = value.get(part, _MISSING)
        if value is _MISSING:
            return _MISSING
    return value


class _Resolver:
    """The paths of one row: explicit ones first, then the first alias the row has and nobody took."""

    def __init__(self, row: dict[str, Any], fmap: FieldMap) -> None:
        self.row, self.fmap = row, fmap
        self.taken = set(_taken(fmap))
        self.resolved: dict[str, str | None] = {}

    def path(self, name: str) -> str | None:
        explicit = getattr(self.fmap, name)
        if explicit:
            return explicit
        resolved = self.resolved
        if name in resolved:
            return resolved[name]
        found = None
        for alias in ALIASES[name]:
            if alias not in self.taken and _present(self.row, alias):
                found = alias
                self.taken.add(alias)
                break
        resolved[name] = found
        return found

    def value(self, name: str, default: Any = None) -> Any:
        path = self.path(name)
        if path is None:
            return default
        value = _get(self.row, path)
        if value is _MISSING:
            raise ValueError(f"field {path!r} (set for {name}) is missing")
        return _plain(value)


def _plain(value: Any) -> Any:
    """Parquet gives numpy arrays for lists; rewards want plain Python values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def label_index(label: Any, path: str = "label") -> int | None:
    """Which of two responses a label prefers: 0, 1, or None for a tie. Raises ValueError otherwise.

    Numbers are 1-based as in LLMBar (1 = the first response); letters as in JudgeBench ("A>B").
    """
    if isinstance(label, float) and label.is_integer():
        label = int(label)
    text = str(label).strip().lower().replace(" ", "")
    if text in ("1", "a", "a>b", "b<a", "first"):
        return 0
    if text in ("2", "b", "b>a", "a<b", "second"):
        return 1
    if text in ("tie", "a=b", "b=a", "0.5"):
        return None
    raise ValueError(
        f"field {path!r} is {label!r}, which does not say which response is preferred "
        "(expected 1 or 2, 'A' or 'B', 'A>B' or 'B>A', or 'tie')"
    )


def _variants(value: Any, path: str) -> list[Any]:
    """A chosen / rejected value: one response, or a list of variants of it."""
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, (str, dict)) for v in items):
        raise ValueError(f"field {path!r} must be a string or a non-empty list of strings")
    return items


def _responses(r: _Resolver) -> tuple[list[Any], dict[str, Any] | None]:
    """The row's responses, and its preference (indices of chosen and rejected) when it has one."""
    fmap, row = r.fmap, r.row
    if fmap.responses and "," in fmap.responses:
        paths = [p.strip() for p in fmap.responses.split(",") if p.strip()]
        return _pair(r, paths)
    if fmap.responses or fmap.response or not (fmap.chosen or fmap.rejected):
        many = r.path("responses") if not fmap.response else None
        if many is not None:
            value = r.value("responses")
            value = [value] if isinstance(value, str) else value
            if not isinstance(value, list) or not all(isinstance(v, (str, dict)) for v in value):
                raise ValueError(f"field {many!r} must be a list of strings")
            return value, None
        one = r.path("response") if not fmap.responses else None
        if one is not None:
            value = r.value("response")
            if not isinstance(value, (str, dict)):
                raise ValueError(f"field {one!r} must be a string, not {type(value).__name__}")
            return [value], None
    chosen_path = fmap.chosen or ("chosen" if _present(row, "chosen") else None)
    rejected_path = fmap.rejected or ("rejected" if _present(row, "rejected") else None)
    if chosen_path and rejected_path:
        chosen = _variants(r.value("chosen"), chosen_path)
        rejected = _variants(r.value("rejected"), rejected_path)
        k = len(chosen)
        return chosen + rejected, {"chosen": list(range(k)), "rejected": list(range(k, k + len(rejected)))}
    if chosen_path or rejected_path:
        have, lack = ("chosen", "rejected") if chosen_path else ("rejected", "chosen")
        raise ValueError(f"the row has {have!r} but no {lack!r} (set it with --{lack}-field / {lack}_field=)")
    for pair in PAIR_ALIASES:
        if all(_present(row, p) for p in pair):
            return _pair(r, list(pair))
    wanted = fmap.response or fmap.responses or "response"
    raise ValueError(
        f"no response: field {wanted!r} is missing (name the field with --response-field or "
        "--responses-field, response_field= or responses_field= from Python)"
    )


def _pair(r: _Resolver, paths: list[str]) -> tuple[list[Any], dict[str, Any] | None]:
    """Responses from several fields, one each; a label (when the row has one) names the preferred."""
    values = []
    for path in paths:
        value = _get(r.row, path)
        if value is _MISSING:
            raise ValueError(f"field {path!r} (set for responses) is missing")
        if not isinstance(value, (str, dict)):
            raise ValueError(f"field {path!r} must be a string, not {type(value).__name__}")
        values.append(value)
        r.taken.add(path)
    label_path = r.path("label")
    if label_path is None or len(values) != 2:
        return values, None
    preferred = label_index(r.value("label"), label_path)
    if preferred is None:
        return values, None
    return values, {"chosen": [preferred], "rejected": [1 - preferred]}


def row_to_sample(row: dict[str, Any], fmap: FieldMap | None = None) -> Sample:
    """Build a sample from a row. Raises ValueError naming the missing or malformed field."""
    if not isinstance(row, dict):
        raise ValueError(f"a row must be a JSON object, got {type(row).__name__}")
    r = _Resolver(row, fmap or FieldMap())
    responses, preference = _responses(r)
    candidates: list[Any] = [v if isinstance(v, dict) else {"content": v} for v in responses]
    steps = r.value("steps")
    if steps is not None and len(candidates) == 1:
        if not isinstance(steps, list):
            raise ValueError("field 'steps' must be a list of strings")
        candidates[0] = {**candidates[0], "steps": [s if isinstance(s, dict) else {"content": str(s)} for s in steps]}
    prompt = r.value("prompt", [])
    task = r.value("task")
    sample_id = r.value("id")
    metadata = dict(row["metadata"]) if isinstance(row.get("metadata"), dict) else {}
    if preference is not None:
        metadata["preference"] = preference
    try:
        return Sample(
            id=sample_id if isinstance(sample_id, (str, int)) else None,
            prompt=prompt if prompt is not None else [],
            candidates=candidates,
            reference=r.value("reference"),
            task=None if task is None else str(task),
            metadata=metadata,
        )
    except ValueError as exc:
        raise ValueError(f"malformed row: {exc}") from None
