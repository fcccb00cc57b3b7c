"""`code.execution`: run the response's program against the sample's tests in the sandbox.

Outcomes and their status: code that fails, crashes, loops, runs out of memory or is hostile is
a legitimate verdict (status ok, score 0, the reason says what happened); a malformed reference
is `invalid_input`; only a sandbox that cannot start at all is an `error`. The sandbox's wall
limit (`timeout`, default 10 s) stays below the runner's 30 s budget so the reward reports a
timeout itself instead of having its pool worker killed.

Several candidates of one sample run concurrently (threads that each wait on a sandbox), so a
sample with n candidates costs about one run's time, not n.
"""

from __future__ import annotations

import ast
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar, Literal

from pydantic import Field

import rmg

from . import sandbox
from .cases import Plan, outputs_match, plan_from_reference, values_match
from .extract import extract_code
from .precompile import precompile

__all__ = ["CodeExecution"]


class CodeExecution(rmg.Reward):
    """Run the code in the response against tests (asserts, stdin/stdout or function calls) in a
    local sandbox; score = fraction of tests passed (or all-or-nothing)."""

    name: ClassVar[str] = "code.execution"
    description: ClassVar[str] = (
        "Runs the Python code in the response against the reference tests (assert-style test code, "
        "stdin/stdout cases or function-call cases) in a local sandbox with time, memory, process, "
        "file-size and output limits and no network; score = fraction of tests passed."
    )
    example: ClassVar[dict[str, Any] | None] = {
        "prompt": "Write add(a, b) that returns the sum of a and b.",
        "response": "```python\ndef add(a, b):\n    return a + b\n```",
        "reference": {"tests": ["assert add(1, 2) == 3", "assert add(-1, 1) == 0"]},
    }

    all_or_nothing: bool = Field(
        False,
        description="score 1 only if every test passes, else 0; the run stops at the first failing test "
        "(the score cannot change any more): the tests after it are not run",
    )
    block: Literal["last", "longest", "all"] = Field("last", description="which python block of the response to run")
    timeout: float = Field(
        10.0,
        gt=0,
        le=600,
        description="total wall-clock budget of one response, shared by loading the solution "
        "and all its tests: a test never gets more than what is left of it, and the tests not reached when it is "
        "used up fail without being run",
    )
    test_timeout: float = Field(
        5.0,
        ge=0,
        description="seconds for one test / stdin case, capped by what is left of `timeout` (0: only the total budget)",
    )
    stop_after_timeout: bool = Field(
        False,
        description="after a test exceeds its time limit, fail the remaining tests without running them "
        "(a solution that loops in one test usually loops in all, and each would wait out test_timeout until the "
        "budget is spent); off: the pass rate counts every test that fits in the budget",
    )
    memory_mb: int = Field(1024, ge=64, description="address-space limit of the code (MB)")
    max_processes: int = Field(32, ge=1, description="process limit of the code (RLIMIT_NPROC)")
    max_output_bytes: int = Field(1 << 20, ge=1024, description="stdout+stderr the code may print before it is killed")
    site_packages: bool = Field(
        True, description="let the code import installed packages (numpy...), not only the stdlib"
    )

    @classmethod
    def notes(cls) -> list[str]:
        return sandbox.protection_notes()

    def _limits(self) -> sandbox.Limits:
        return sandbox.Limits(
            wall_seconds=self.timeout,
            cpu_seconds=max(1, int(self.timeout + 0.999)),
            memory_mb=self.memory_mb,
            processes=self.max_processes,
            output_bytes=self.max_output_bytes,
            test_seconds=self.test_timeout or None,
        )

    def compute(self, sample: rmg.Sample) -> list[Any]:
        plan = plan_from_reference(sample.reference)
        if len(sample.candidates) == 1:
            return [self._run(plan, sample.candidates[0].content)]
        with ThreadPoolExecutor(min(len(sample.candidates), 4)) as pool:
            return list(pool.map(lambda c: self._run(plan, c.content), sample.candidates))

    def _run(self, plan: Plan, response: str) -> rmg.RewardResult:
        code = extract_code(response, block=self.block)
        total = len(plan.labels)
        if not code.strip():
            return _verdict(0.0, "no code found in the response", total, [], {})
        program = plan.prefix + ("\n" if plan.prefix and not plan.prefix.endswith("\n") else "") + code
        compiled = precompile(program, "<solution>")
        if compiled is None:
            try:
                ast.parse(program)
            except SyntaxError as exc:  # no sandbox needed to know this fails
                return _verdict(0.0, f"the code does not parse: line {exc.lineno}: {exc.msg}", total, [], {})
            except (ValueError, MemoryError, RecursionError) as exc:
                return _verdict(0.0, f"the code cannot be compiled: {type(exc).__name__}", total, [], {})
        job = dict(plan.job, stop_first_failure=self.all_or_nothing, stop_after_timeout=self.stop_after_timeout)
        decide = _decider(plan) if self.all_or_nothing and plan.job["mode"] != "asserts" else None
        outcome = sandbox.run(compiled or program, job, self._limits(), site_packages=self.site_packages, decide=decide)
        broken = next((f.get("err") for f in outcome.frames if f.get("t") == "fatal" and f.get("infra")), None)
        if broken:  # our failure, not the code's: an error result, never a score of 0
            raise RuntimeError(f"{broken} (the code was not judged)")
        tests = _judge(plan, outcome)
        passed = sum(1 for t in tests if t["passed"])
        score = passed / total if total else 0.0
        if self.all_or_nothing:
            score = 1.0 if passed == total else 0.0
        failed = next((t for t in tests if not t["passed"]), None)
        reason = f"{passed}/{total} tests passed"
        if failed is not None:
            reason += f"; first failure: test {failed['index']} ({failed['test']}): {failed['error']}"
        return _verdict(score, reason, total, tests, outcome.active, seconds=outcome.seconds, output=outcome.output)


def _judge(plan: Plan, outcome: sandbox.Outcome) -> list[dict[str, Any]]:
    """One record per test: passed, and why not. A test with no verdict failed, and gets the
    reason the run stopped (timeout, output flood, crash, the solution not running)."""
    verdicts: dict[int, dict[str, Any]] = {}
    stop: str | None = outcome.error
    mode = plan.job["mode"]
    test_index = {}
    if mode == "asserts":  # frame indexes are unit positions; tests are numbered among tests only
        positions = [i for i, (kind, _) in enumerate(plan.job["units"]) if kind == "test"]
        test_index = {position: k for k, position in enumerate(positions)}
    for frame in outcome.frames:
        kind = frame.get("t")
        if kind in ("setup", "fatal") or (kind == "stop" and frame.get("err")):
            stop = stop or frame.get("err")
        elif kind in ("test", "case"):
            index = test_index.get(frame.get("i"), frame.get("i")) if mode == "asserts" else frame.get("i")
            if not isinstance(index, int) or not 0 <= index < len(plan.labels):
                continue
            error = frame.get("err")
            if error is not None:  # the code may have written this report itself: bounded text
                error = str(error) if len(str(error)) <= 2000 else str(error)[:2000] + "..."
            if error is None and mode == "stdio":
                if not outputs_match(str(frame.get("out", "")), plan.expected[index]):
                    error = f"wrong output: expected {_short(plan.expected[index])}, got {_short(frame.get('out', ''))}"
            elif error is None and mode == "call":
                if not values_match(frame.get("value"), plan.expected[index], apps_style=plan.apps_style):
                    error = (
                        f"returned {_short(repr(frame.get('value')))}, expected {_short(repr(plan.expected[index]))}"
                    )
            verdicts[index] = {"passed": error is None, "error": error}
    stop = stop or "no verdict (the program ended before this test ran)"
    tests = []
    for index, label in enumerate(plan.labels):
        verdict = verdicts.get(index, {"passed": False, "error": stop})
        tests.append({"index": index, "test": label, **verdict})
    return tests


DECIDED = "not run: an earlier test failed (all or nothing: the score cannot change)"


def _decider(plan: Plan) -> Any:
    """For all-or-nothing runs whose verdicts the host decides (function calls and stdin/stdout:
    the expected values never enter the sandbox): a check of each verdict as it arrives, which
    ends the run at the first failure."""
    mode = plan.job["mode"]

    def decide(frame: dict[str, Any]) -> str | None:
        index = frame.get("i")
        if frame.get("t") not in ("test", "case") or not isinstance(index, int) or not 0 <= index < len(plan.expected):
            return None
        if frame.get("err") is not None:
            return DECIDED
        if mode == "stdio":
            ok = outputs_match(str(frame.get("out", "")), plan.expected[index])
        else:
            ok = values_match(frame.get("value"), plan.expected[index], apps_style=plan.apps_style)
        return None if ok else DECIDED

    return decide


def _short(text: Any, limit: int = 80) -> str:
    text = str(text)
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _verdict(
    score: float,
    reason: str,
    total: int,
    tests: list[dict[str, Any]],
    active: dict[str, Any],
    *,
    seconds: float = 0.0,
    output: str = "",
) -> rmg.RewardResult:
    details: dict[str, Any] = {
        "passed": sum(1 for t in tests if t["passed"]),
        "total": total,
        "tests": tests,
        "sandbox": {k: v for k, v in active.items() if k != "closed"},
        "seconds": round(seconds, 4),
    }
    if output:
        details["output_tail"] = output[-1000:]
    return rmg.RewardResult(score=score, reason=reason, details=details)
