"""The accepted `reference` shapes of `code.execution`, turned into a sandbox job.

Three kinds of tests (README has the full table):

- assert-style test code (HumanEval, MBPP): a string of test code, a list of assert strings, or
  `{"tests": str | [str], "entry_point": "f", "setup": str | [str], "prefix": str}`.
  In test code, every top-level `assert` is one test and other statements are setup run in
  order; when the code defines `check(candidate)` (HumanEval) and `entry_point` is given,
  `check(<entry_point>)` is one more test. Test code without any top-level assert is one test.
- stdin/stdout (competitive programming): `{"inputs": [str], "outputs": [str]}`, also as a
  list of `{"input", "output"}` objects or as a JSON string (APPS / TACO `input_output`).
- function calls: `{"fn_name": "f", "cases": [{"args": [...], "kwargs": {...}, "expected": x}]}`,
  or APPS style `{"fn_name": "f", "inputs": [[args...]], "outputs": [x]}`. A method of a
  LeetCode-style `class Solution` is found too. Expected values never enter the sandbox: the
  host compares them, so the code cannot tamper with the verdict.

A malformed reference raises `rmg.InvalidInput` naming what is wrong.
"""

from __future__ import annotations

import ast
import json
import math
from dataclasses import dataclass, field
from typing import Any

import rmg

from .precompile import precompile

__all__ = ["Plan", "outputs_match", "plan_from_reference", "values_match"]

_TEST_KEYS = ("tests", "test", "test_code", "test_list", "asserts")
_SETUP_KEYS = ("setup", "test_setup_code", "test_imports", "imports")


@dataclass
class Plan:
    """What to run: the job for the sandbox, labels of the tests, and what the host checks."""

    job: dict[str, Any]
    labels: list[str]
    prefix: str = ""
    expected: list[Any] = field(default_factory=list)  # stdio / call modes: compared on the host
    apps_style: bool = False  # APPS wraps expected return values in a one-element list


def _label(source: str) -> str:
    line = " ".join(source.split())
    return line if len(line) <= 120 else line[:117] + "..."


def _as_list(value: Any, what: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise rmg.InvalidInput(f"{what} must be a string or a list of strings, got {type(value).__name__}")


def _units_from_code(code: str, entry_point: str | None) -> list[tuple[str, str]]:
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        raise rmg.InvalidInput(f"the test code does not parse: line {exc.lineno}: {exc.msg}") from None
    units: list[tuple[str, str]] = []
    lines = code.splitlines(keepends=True)
    for node in tree.body:
        source = "".join(lines[node.lineno - 1 : node.end_lineno])  # type: ignore[operator]
        if node.col_offset:  # a statement sharing its line with another: fall back to unparse
            source = ast.unparse(node)
        units.append(("test" if isinstance(node, ast.Assert) else "setup", source))
    defines_check = any(isinstance(n, ast.FunctionDef) and n.name == "check" for n in tree.body)
    calls_check = any(
        isinstance(n, ast.Expr)
        and isinstance(n.value, ast.Call)
        and isinstance(n.value.func, ast.Name)
        and n.value.func.id == "check"
        for n in tree.body
    )
    if defines_check and not calls_check:
        if not entry_point:
            raise rmg.InvalidInput(
                "the test code defines check(candidate) but never calls it: give the function "
                "under test as reference['entry_point']"
            )
        if not entry_point.isidentifier():
            raise rmg.InvalidInput(f"entry_point {entry_point!r} is not a Python identifier")
        units.append(("test", f"check({entry_point})"))
    if not any(kind == "test" for kind, _ in units):
        return [("test", code)]  # no assert at top level: the whole code is one test
    return units


def _asserts_plan(tests: Any, setup: Any, entry_point: Any, prefix: Any) -> Plan:
    if entry_point is not None and not isinstance(entry_point, str):
        raise rmg.InvalidInput("entry_point must be a string")
    if prefix is not None and not isinstance(prefix, str):
        raise rmg.InvalidInput("prefix must be a string")
    units = [("setup", s) for s in _as_list(setup, "setup")]
    if isinstance(tests, str):
        units += _units_from_code(tests, entry_point)
    else:
        for test in _as_list(tests, "tests"):
            try:
                ast.parse(test)
            except SyntaxError as exc:
                raise rmg.InvalidInput(f"test {test[:80]!r} does not parse: {exc.msg}") from None
            units.append(("test", test))
    tests_only = [source for kind, source in units if kind == "test"]
    if not tests_only:
        raise rmg.InvalidInput("the reference has no tests")
    # Compiled once here for every candidate and run (the sandbox compiles what this cannot).
    compiled = [
        (kind, precompile(source, f"<test {i}>" if kind == "test" else "<test setup>") or source)
        for i, (kind, source) in enumerate(units)
    ]
    # The reference's own setup (MBPP test_imports) also runs after the solution in its process,
    # as it always did; the tests and the test code's setup run only in the judge.
    shared_setup = [unit for (kind, _), (_, unit) in zip(units, compiled) if kind == "setup"][
        : len(_as_list(setup, "setup"))
    ]
    job = {"mode": "asserts", "units": compiled, "setup": shared_setup}
    return Plan(job=job, labels=[_label(t) for t in tests_only], prefix=prefix or "")


def _stdio_plan(inputs: Any, outputs: Any) -> Plan:
    if not isinstance(inputs, list) or not isinstance(outputs, list):
        raise rmg.InvalidInput("stdin/stdout tests need lists 'inputs' and 'outputs'")
    if len(inputs) != len(outputs):
        raise rmg.InvalidInput(f"'inputs' has {len(inputs)} cases but 'outputs' has {len(outputs)}")
    if not inputs:
        raise rmg.InvalidInput("the reference has no test cases")
    text_in = ["\n".join(map(str, i)) if isinstance(i, list) else str(i) for i in inputs]
    text_out = ["\n".join(map(str, o)) if isinstance(o, list) else str(o) for o in outputs]
    labels = [f"stdin case {k}: {_label(t)[:60]}" for k, t in enumerate(text_in)]
    return Plan(job={"mode": "stdio", "inputs": text_in}, labels=labels, expected=text_out)


def _call_plan(fn_name: Any, cases: Any, apps_style: bool) -> Plan:
    if not isinstance(fn_name, str) or not fn_name.isidentifier():
        raise rmg.InvalidInput(f"fn_name must be a Python identifier, got {fn_name!r}")
    if not isinstance(cases, list) or not cases:
        raise rmg.InvalidInput("function-call tests need a non-empty list 'cases'")
    calls, expected, labels = [], [], []
    for k, case in enumerate(cases):
        if not isinstance(case, dict) or "expected" not in case:
            raise rmg.InvalidInput(f"case {k} must be an object with 'args' and 'expected'")
        args = case.get("args", [])
        kwargs = case.get("kwargs", {})
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise rmg.InvalidInput(f"case {k}: 'args' must be a list and 'kwargs' an object")
        calls.append((args, kwargs))
        expected.append(case["expected"])
        shown = ", ".join([repr(a) for a in args] + [f"{key}={v!r}" for key, v in kwargs.items()])
        labels.append(_label(f"{fn_name}({shown}) == {case['expected']!r}"))
    job = {"mode": "call", "fn_name": fn_name, "calls": calls}
    return Plan(job=job, labels=labels, expected=expected, apps_style=apps_style)


def plan_from_reference(reference: Any) -> Plan:
    """Turn a sample's reference into a sandbox plan (raises rmg.InvalidInput if malformed)."""
    if isinstance(reference, str):
        stripped = reference.strip()
        if not stripped:
            raise rmg.InvalidInput("the reference (test code) is empty")
        if stripped.startswith("{"):
            try:
                reference = json.loads(stripped)
            except ValueError:
                pass  # a dict literal in test code, perhaps: treat as code below
        if isinstance(reference, str):
            return _asserts_plan(reference, None, None, None)
    if isinstance(reference, list):
        if reference and all(isinstance(r, dict) and "input" in r and "output" in r for r in reference):
            return _stdio_plan([r["input"] for r in reference], [r["output"] for r in reference])
        if reference and all(isinstance(r, str) for r in reference):
            return _asserts_plan(reference, None, None, None)
        raise rmg.InvalidInput("a list reference must hold assert strings or {input, output} objects")
    if not isinstance(reference, dict):
        raise rmg.InvalidInput(
            f"code.execution needs tests as the reference (test code, asserts, stdin/stdout or "
            f"function-call cases), got {type(reference).__name__}"
        )
    if "input_output" in reference:
        inner = reference["input_output"]
        if isinstance(inner, str):
            try:
                inner = json.loads(inner)
            except ValueError as exc:
                raise rmg.InvalidInput(f"reference['input_output'] is not valid JSON: {exc}") from None
        return plan_from_reference(inner)
    fn_name = reference.get("fn_name") or (reference.get("entry_point") if "cases" in reference else None)
    if fn_name is not None and "cases" in reference:
        return _call_plan(fn_name, reference["cases"], apps_style=False)
    if fn_name is not None and "inputs" in reference and "outputs" in reference:
        inputs, outputs = reference["inputs"], reference["outputs"]
        if not isinstance(inputs, list) or not isinstance(outputs, list) or len(inputs) != len(outputs):
            raise rmg.InvalidInput("'inputs' and 'outputs' must be lists of the same length")
        cases = [{"args": i if isinstance(i, list) else [i], "expected": o} for i, o in zip(inputs, outputs)]
        return _call_plan(fn_name, cases, apps_style=True)
    if "inputs" in reference or "outputs" in reference:
        return _stdio_plan(reference.get("inputs"), reference.get("outputs"))
    tests_key = next((k for k in _TEST_KEYS if k in reference), None)
    if tests_key is None:
        raise rmg.InvalidInput(
            f"the reference has none of the keys {', '.join(_TEST_KEYS)}, inputs/outputs, "
            f"fn_name+cases or input_output (got {', '.join(map(str, reference)) or 'an empty object'})"
        )
    setup_key = next((k for k in _SETUP_KEYS if k in reference), None)
    return _asserts_plan(
        reference[tests_key],
        reference.get(setup_key) if setup_key else None,
        reference.get("entry_point"),
        reference.get("prefix", reference.get("prompt")),
    )


# -- comparisons (on the host) -----------------------------------------------------------------


def _tokens_match(got: str, want: str) -> bool:
    try:
        return math.isclose(float(got), float(want), rel_tol=1e-6, abs_tol=1e-6)
    except ValueError:
        return got == want


def outputs_match(got: str, want: str) -> bool:
    """Judge-style stdout comparison: trailing spaces and blank lines do not matter; numbers
    compare with a 1e-6 tolerance when the texts differ."""
    got_lines = [line.rstrip() for line in got.strip().splitlines()]
    want_lines = [line.rstrip() for line in want.strip().splitlines()]
    if got_lines == want_lines:
        return True
    got_tokens, want_tokens = got.split(), want.split()
    return len(got_tokens) == len(want_tokens) and all(map(_tokens_match, got_tokens, want_tokens))


def _normal(value: Any) -> Any:
    """The sandbox's encoding of a value (see _rmg_sandbox/worker.plain), applied to an expected value."""
    if isinstance(value, (bytes, bytearray)):
        return {"__bytes__": bytes(value).decode("latin-1")}
    if isinstance(value, tuple):
        return [_normal(v) for v in value]
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in ("__set__", "__dict__", "__bytes__", "__repr__"):
            return value
        return {"__dict__": [[_normal(k), _normal(v)] for k, v in value.items()]}
    return value


def _equal(got: Any, want: Any) -> bool:
    if isinstance(got, float) or isinstance(want, float):
        if isinstance(got, (int, float)) and isinstance(want, (int, float)) and not isinstance(got, bool):
            return math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9)
        return False
    if isinstance(got, list) and isinstance(want, list):
        return len(got) == len(want) and all(_equal(g, w) for g, w in zip(got, want))
    if isinstance(got, dict) and isinstance(want, dict) and "__dict__" in got and "__dict__" in want:
        # JSON turns dict keys into strings: compare keys as strings.
        g = {str(k): v for k, v in got["__dict__"]}
        w = {str(k): v for k, v in want["__dict__"]}
        return g.keys() == w.keys() and all(_equal(g[k], w[k]) for k in g)
    return type(got) is type(want) and got == want if isinstance(got, bool) or isinstance(want, bool) else got == want


def values_match(got: Any, want: Any, *, apps_style: bool = False) -> bool:
    """Does a returned value (as the sandbox encoded it) equal the expected one?"""
    want = _normal(want)
    if _equal(got, want):
        return True
    return apps_style and isinstance(want, list) and len(want) == 1 and _equal(got, want[0])
