"""`format.json`: the response is valid JSON, optionally conforming to a JSON Schema.

Validation uses `jsonschema` (the reference implementation: every draft chosen by `$schema`,
`$ref`, error paths, format checks) instead of a home-made subset. Parsing is strict: Python's
`NaN` / `Infinity` extensions are not JSON and are refused.

The schema comes from the `schema` parameter, else from the reference: a schema object, a JSON
string of one, or `{"schema": {...}}`. A reference that is none of these is `invalid_input`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

import rmg

from .text import fenced_blocks, json_path, loads_strict

__all__ = ["JsonFormat", "extract_json_text", "schema_errors"]

# Keywords that mark a dict as a JSON Schema (rather than some unrelated reference object).
_SCHEMA_KEYS = {
    "$schema",
    "$ref",
    "$defs",
    "type",
    "properties",
    "required",
    "items",
    "prefixItems",
    "enum",
    "const",
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "additionalProperties",
    "patternProperties",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minItems",
    "maxItems",
    "definitions",
}
MAX_ERRORS = 10


def extract_json_text(text: str, extract: str) -> tuple[str | None, str]:
    """(the JSON text, where it came from); None with a reason when the required place is missing."""
    if extract in ("auto", "fenced"):
        blocks = fenced_blocks(text)
        preferred = [body for lang, body in blocks if lang in ("json", "jsonc", "json5")]
        chosen = preferred or [body for lang, body in blocks if not lang]
        if chosen:
            return chosen[-1].strip(), "the last fenced block"
        if extract == "fenced":
            return None, "no ```json fenced block in the response"
    return text.strip(), "the whole response"


@lru_cache(maxsize=256)
def _validator(schema_json: str) -> Any:
    """A checked validator for a schema (cached: the same schema usually serves a whole dataset)."""
    import jsonschema  # imported on first use so that loading the plugin stays fast

    schema = json.loads(schema_json)
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise rmg.InvalidInput(
            f"format.json: the JSON Schema is invalid at {json_path(exc.absolute_path)}: {exc.message}"
        ) from None
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_errors(value: Any, schema: dict[str, Any] | bool) -> list[str]:
    """Every way `value` fails `schema`, each as `at <path>: <message>`, shallowest first."""
    validator = _validator(json.dumps(schema, sort_keys=True))
    errors = sorted(validator.iter_errors(value), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    return [f"at {json_path(e.absolute_path)}: {e.message[:200]}" for e in errors[:MAX_ERRORS]]


def schema_from_reference(reference: Any) -> dict[str, Any] | bool | None:
    """The schema carried by a reference, None when it carries none; InvalidInput when it is malformed."""
    if reference is None or reference == "" or reference == {}:
        return None
    if isinstance(reference, str):
        try:
            reference = loads_strict(reference)
        except ValueError as exc:
            raise rmg.InvalidInput(f"format.json: the reference is not a JSON Schema ({exc})") from None
    if isinstance(reference, dict) and set(reference) == {"schema"}:
        reference = reference["schema"]
    if isinstance(reference, bool) or (isinstance(reference, dict) and _SCHEMA_KEYS & set(reference)):
        return reference
    raise rmg.InvalidInput(
        "format.json: the reference must be a JSON Schema object, a JSON string of one, or {'schema': {...}}; "
        f"got {type(reference).__name__} {str(reference)[:80]!r}"
    )


class JsonFormat(rmg.Reward):
    """1.0 if the response (or its fenced block) is valid JSON that fits the schema, else 0.0."""

    name: ClassVar[str] = "format.json"
    mode: ClassVar[rmg.Mode] = rmg.Mode.pointwise
    kind: ClassVar[rmg.Kind] = rmg.Kind.rule
    description: ClassVar[str] = (
        "1.0 if the response is valid JSON (from its last ```json block or the whole text) and, when a "
        "JSON Schema is given (parameter or reference), conforms to it; else 0.0 naming the failing path."
    )
    example: ClassVar[dict[str, Any]] = {
        "prompt": "Return the user as JSON with name and age.",
        "response": '```json\n{"name": "Ada", "age": 36}\n```',
        "reference": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
            "required": ["name", "age"],
        },
    }

    extract: Literal["auto", "fenced", "whole"] = Field(
        "auto", description="auto: the last ```json block if any, else the whole response; fenced: a block is required"
    )
    json_schema: dict[str, Any] | None = Field(None, description="a JSON Schema; overrides the reference's")
    use_reference: bool = Field(True, description="take the schema from the reference when no json_schema is set")

    @field_validator("json_schema")
    @classmethod
    def _valid_schema(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            try:
                _validator(json.dumps(value, sort_keys=True))
            except rmg.InvalidInput as exc:
                raise ValueError(str(exc)) from None
        return value

    def score(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult:
        schema: dict[str, Any] | bool | None = self.json_schema
        if schema is None and self.use_reference:
            schema = schema_from_reference(sample.reference)
        text, origin = extract_json_text(candidate.content, self.extract)
        details: dict[str, Any] = {"source": origin, "schema": schema is not None}
        if text is None:
            return rmg.RewardResult(score=0.0, reason=origin, details=details)
        if not text:
            return rmg.RewardResult(score=0.0, reason=f"{origin} is empty, not JSON", details=details)
        try:
            value = loads_strict(text)
        except ValueError as exc:
            return rmg.RewardResult(score=0.0, reason=f"{origin}: {exc}", details=details)
        if schema is None:
            return rmg.RewardResult(score=1.0, reason=f"{origin} is valid JSON", details=details)
        errors = schema_errors(value, schema)
        details["errors"] = errors
        if errors:
            more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
            return rmg.RewardResult(score=0.0, reason=f"schema violation {errors[0]}{more}", details=details)
        return rmg.RewardResult(score=1.0, reason=f"{origin} is valid JSON and matches the schema", details=details)
