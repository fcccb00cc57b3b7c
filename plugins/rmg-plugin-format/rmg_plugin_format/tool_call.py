"""`format.tool_call`: the response calls the expected tool with the expected arguments.

Calls are read from `<tool_call>{...}</tool_call>` blocks (Qwen / Hermes templates) when there
are any, else from ```json fenced blocks, else from the whole response. Each call may be written
as `{"name", "arguments"}` (or `"parameters"`, as Llama 3.1 emits), OpenAI style
`{"type": "function", "function": {"name", "arguments": "<json string>"}}`, a list of calls, or
`{"tool_calls": [...]}`.

The reference is the expected call, or a list of them (parallel calls, any order):
`{"name": "get_weather", "required": ["city"], "arguments": {"city": "Paris"}}`; `arguments`
(exact values) and `required` (names that must be present) are both optional.

Partial credit for one expected call:

    0                                          wrong tool name, or no parseable call
    name_weight + (1 - name_weight) * passed/checks   right name

where the checks are: each required argument present, each expected argument present with an
equal value (numbers compared numerically, strings after stripping), and, with
`allow_extra_arguments=False`, one failed check per argument not expected. With several expected
calls, each is matched to a distinct call of the same name and the sum of their scores is
divided by max(expected calls, calls made), so missing and extra calls both cost. `strict=True`
gives 1.0 only when every check passes and the call count is right, else 0.0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import Field

import rmg

from .text import fenced_blocks, loads_strict, tagged_blocks

__all__ = ["Call", "ToolCall", "parse_calls"]


@dataclass
class Call:
    name: str
    arguments: dict[str, Any]
    required: list[str] = field(default_factory=list)  # only for expected calls
    exact: bool = False  # expected calls: were exact arguments given?


def _to_calls(value: Any, where: str) -> list[Call]:
    """Normalise one parsed JSON value into calls; ValueError says what shape was wrong."""
    if isinstance(value, list):
        return [c for item in value for c in _to_calls(item, where)]
    if not isinstance(value, dict):
        raise ValueError(f"{where}: a tool call must be a JSON object, got {type(value).__name__}")
    if "tool_calls" in value and isinstance(value["tool_calls"], list):
        return _to_calls(value["tool_calls"], where)
    if isinstance(value.get("function"), dict):
        value = value["function"]
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: a tool call needs a string 'name'")
    args = value.get("arguments", value.get("parameters", {}))
    if isinstance(args, str):  # OpenAI sends arguments as a JSON string
        args = loads_strict(args) if args.strip() else {}
    if not isinstance(args, dict):
        raise ValueError(f"{where}: the arguments of {name!r} must be a JSON object, got {type(args).__name__}")
    return [Call(name.strip(), args)]


def parse_calls(text: str, source: str = "auto") -> tuple[list[Call], list[str], str]:
    """(calls, problems, where they were looked for) from a response."""
    tagged, closed = tagged_blocks(text, "tool_call")
    if tagged or not closed or source == "tags":
        payloads, where = tagged, "<tool_call> block"
        if not closed or text.count("<tool_call>") != len(tagged):
            return [], ["a <tool_call> tag is not closed (or tags are nested)"], where
    else:
        blocks = [body for lang, body in fenced_blocks(text) if lang in ("json", "")]
        payloads, where = (blocks, "fenced block") if blocks else ([text], "response")
    calls: list[Call] = []
    problems: list[str] = []
    for payload in payloads:
        try:
            calls += _to_calls(loads_strict(payload.strip()), where)
        except ValueError as exc:
            problems.append(str(exc) if str(exc).startswith(where) else f"{where}: {exc}")
    return calls, problems, where


def expected_calls(reference: Any) -> list[Call]:
    """The expected calls from the reference; InvalidInput names what is wrong with it."""
    if isinstance(reference, str):
        try:
            reference = loads_strict(reference)
        except ValueError as exc:
            raise rmg.InvalidInput(f"format.tool_call: the reference is not JSON ({exc})") from None
    items = reference if isinstance(reference, list) else [reference]
    if not items or not all(isinstance(i, dict) for i in items):
        raise rmg.InvalidInput(
            "format.tool_call needs a reference: the expected call {'name': ..., 'arguments': {...}, "
            f"'required': [...]}} or a list of them; got {str(reference)[:80]!r}"
        )
    out = []
    for item in items:
        exact = "arguments" in item or "parameters" in item or isinstance(item.get("function"), dict)
        try:
            (call,) = _to_calls(item, "the reference")
        except ValueError as exc:
            raise rmg.InvalidInput(f"format.tool_call: {exc}") from None
        required = item.get("required", [])
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            raise rmg.InvalidInput("format.tool_call: the reference's 'required' must be a list of argument names")
        call.required, call.exact = required, exact
        out.append(call)
    return out


def _same(a: Any, b: Any) -> bool:
    if (
        isinstance(a, (int, float))
        and isinstance(b, (int, float))
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def argument_checks(want: Call, got: Call, allow_extra: bool) -> tuple[int, list[str]]:
    """(number of checks, the failed ones as messages) for a call of the right tool."""
    total, failed = 0, []
    for arg in want.required:
        total += 1
        if arg not in got.arguments:
            failed.append(f"required argument {arg!r} is missing")
    for arg, value in want.arguments.items():
        total += 1
        if arg not in got.arguments:
            failed.append(f"argument {arg!r} is missing")
        elif not _same(got.arguments[arg], value):
            failed.append(f"argument {arg!r} is {str(got.arguments[arg])[:40]!r}, expected {str(value)[:40]!r}")
    if not allow_extra and want.exact:
        for arg in got.arguments.keys() - want.arguments.keys() - set(want.required):
            total += 1
            failed.append(f"unexpected argument {arg!r}")
    return total, failed


class ToolCall(rmg.Reward):
    """Scores a tool call against the expected tool name and arguments, with partial credit."""

    name: ClassVar[str] = "format.tool_call"
    mode: ClassVar[rmg.Mode] = rmg.Mode.pointwise
    kind: ClassVar[rmg.Kind] = rmg.Kind.rule
    description: ClassVar[str] = (
        "Tool-call format and content: a JSON call ({name, arguments}, OpenAI style, or in <tool_call> "
        "tags) checked against the expected name, required and exact arguments from the reference; "
        "0 for a wrong tool, partial credit for the arguments."
    )
    example: ClassVar[dict[str, Any]] = {
        "prompt": "What's the weather in Paris in Celsius?",
        "response": '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}\n</tool_call>',
        "reference": {"name": "get_weather", "required": ["city"], "arguments": {"city": "Paris", "unit": "celsius"}},
    }

    name_weight: float = Field(0.25, ge=0.0, le=1.0, description="credit for calling the right tool, before arguments")
    allow_extra_arguments: bool = Field(True, description="arguments beyond the expected ones are not penalised")
    strict: bool = Field(False, description="all-or-nothing: 1.0 only if every check passes")
    source: Literal["auto", "tags"] = Field(
        "auto", description="auto: tags, fenced blocks or the whole response; tags: <tool_call> required"
    )

    def score(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult:
        wanted = expected_calls(sample.reference)
        calls, problems, where = parse_calls(candidate.content, self.source)
        details: dict[str, Any] = {"calls": [{"name": c.name, "arguments": list(c.arguments)} for c in calls][:10]}
        if problems or not calls:
            reason = "; ".join(problems) or f"no tool call found (looked in the {where})"
            return rmg.RewardResult(score=0.0, reason=reason, details={**details, "problems": problems})
        unused = list(calls)
        scores: list[float] = []
        notes: list[str] = []
        for want in wanted:
            best: tuple[float, Call | None, list[str]] = (0.0, None, [f"no call of {want.name!r}"])
            for got in (c for c in unused if c.name == want.name):
                total, failed = argument_checks(want, got, self.allow_extra_arguments)
                part = (total - len(failed)) / total if total else 1.0
                value = (
                    1.0 if part == 1.0 else (0.0 if self.strict else self.name_weight + (1 - self.name_weight) * part)
                )
                if best[1] is None or value > best[0]:
                    best = (value, got, failed)
            if best[1] is not None:
                unused.remove(best[1])
            scores.append(best[0])
            notes += best[2]
        extra = len(calls) - len(wanted)
        if extra > 0:
            names = ", ".join(repr(c.name) for c in unused[:3])
            notes.append(f"{extra} unexpected call(s): {names}")
        total_score = sum(scores) / max(len(wanted), len(calls))
        if self.strict and (notes or extra):
            total_score = 0.0
        reason = (
            "; ".join(notes) if notes else f"called {', '.join(w.name for w in wanted)} with the expected arguments"
        )
        return rmg.RewardResult(score=total_score, reason=reason, details={**details, "per_call": scores})
