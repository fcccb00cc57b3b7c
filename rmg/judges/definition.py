"""Judge definitions: a judge written as data (scenario, principles, mode, scale, model, template).

A definition comes from a YAML/JSON file (`definition: path/to/judge.yaml`) or from a plugin, which
registers it with `register_judges(register)`:

    @rmg.hookimpl
    def register_judges(register):
        register(JudgeDefinition(name="acme.tone", scenario="...", principles=["...", "..."]))

`judge_class(definition)` turns one into a reward class whose parameter defaults are the
definition's (that is how the rewards of rmg-plugin-alignment are made).

A YAML file looks like:

    scenario: Customer-support replies for a bank
    principles:
      - Refuse clearly harmful requests, briefly and without lecturing.
      - Never invent account details.
    mode: pairwise            # pointwise (default) | pairwise | listwise
    scale: [1, 10]            # pointwise scale (or scale_min / scale_max)
    model: qwen3-8b
    base_url: http://localhost:8000/v1
    template: |               # optional: a custom prompt (see rmg.judges.templates)
      ...
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

__all__ = ["JudgeDefinition", "JudgeDefinitionError", "load_definition", "read_definition_file"]

# Settings a definition may give a judge, as judge parameter defaults.
SETTINGS = (
    "scenario",
    "principles",
    "mode",
    "scale_min",
    "scale_max",
    "template",
    "model",
    "base_url",
    "temperature",
    "max_tokens",
)


class JudgeDefinitionError(ValueError):
    """A judge definition cannot be found, read or validated; the message says which and why."""


class JudgeDefinition(BaseModel):
    """A judge as data. Only `principles` (or a `template`) is needed; the rest has defaults."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    description: str = ""
    scenario: str = ""
    principles: list[str] = Field(default_factory=list)
    mode: Literal["pointwise", "pairwise", "listwise"] | None = None
    scale_min: float | None = None
    scale_max: float | None = None
    template: str | None = None
    model: str | None = None
    base_url: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    # A dataset row `rmg show` prints for rewards made from this definition.
    example: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _scale_pair(cls, data: Any) -> Any:
        if isinstance(data, dict) and "scale" in data:
            data = dict(data)
            scale = data.pop("scale")
            if not (isinstance(scale, (list, tuple)) and len(scale) == 2):
                raise ValueError(f"scale must be [min, max], got {scale!r}")
            data.setdefault("scale_min", scale[0])
            data.setdefault("scale_max", scale[1])
        return data

    @field_validator("principles")
    @classmethod
    def _no_empty_principles(cls, value: list[str]) -> list[str]:
        cleaned = [p.strip() for p in value]
        if any(not p for p in cleaned):
            raise ValueError("a principle is empty")
        return cleaned

    @model_validator(mode="after")
    def _has_content(self) -> JudgeDefinition:
        if not self.principles and not self.template:
            raise ValueError("a judge definition needs principles (or a custom template)")
        return self

    def settings(self) -> dict[str, Any]:
        """The judge parameters this definition sets (those it leaves unset are omitted)."""
        return {key: getattr(self, key) for key in SETTINGS if getattr(self, key) not in (None, "", [])}


def read_definition_file(path: str | Path) -> JudgeDefinition:
    file = Path(path).expanduser()
    if not file.is_file():
        raise JudgeDefinitionError(f"judge definition file {path} does not exist")
    text = file.read_text(encoding="utf-8")
    try:
        if file.suffix == ".json":
            data = json.loads(text)
        else:
            import yaml  # only definitions written as YAML pay for it

            data = yaml.safe_load(text)
    except Exception as exc:
        raise JudgeDefinitionError(
            f"judge definition file {path} is not valid {file.suffix[1:].upper()}: {exc}"
        ) from None
    if not isinstance(data, dict):
        raise JudgeDefinitionError(f"judge definition file {path} must hold a mapping, not {type(data).__name__}")
    data.setdefault("name", file.stem)
    try:
        return JudgeDefinition.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '?'}: {e['msg']}" for e in exc.errors())
        raise JudgeDefinitionError(f"judge definition file {path}: {problems}") from None


def load_definition(ref: str | JudgeDefinition) -> JudgeDefinition:
    """A definition from a file path (.yaml/.yml/.json) or the name a plugin registered it under."""
    if isinstance(ref, JudgeDefinition):
        return ref
    if ref.strip().endswith((".yaml", ".yml", ".json")):
        return read_definition_file(ref.strip())
    from rmg.core.plugins import get_host

    host = get_host()
    registration = host.get("judges", ref)
    if registration is None:
        known = ", ".join(host.names("judges")) or "none (no plugin registers judges)"
        raise JudgeDefinitionError(f"unknown judge definition {ref!r}; registered: {known}")
    obj = registration.obj
    if isinstance(obj, JudgeDefinition):
        return obj
    try:
        return JudgeDefinition.model_validate(obj if isinstance(obj, dict) else dict(obj))
    except (ValidationError, TypeError, ValueError) as exc:
        raise JudgeDefinitionError(
            f"judge definition {ref!r} from plugin {registration.plugin!r} is invalid: {exc}"
        ) from None
