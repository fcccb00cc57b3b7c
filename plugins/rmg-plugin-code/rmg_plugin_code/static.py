"""`code.syntax` and `code.style`: judge code without running it.

`code.syntax` uses Python's own parser (`ast.parse`): it is the ground truth and costs
microseconds. `code.style` runs ruff (a real, fast linter; one subprocess per call reading the
code on stdin, `--isolated` so no project config leaks in). ruff was chosen over pyflakes because
it covers both error checks (F: pyflakes' rules) and style (E/W: pycodestyle) in one tool.

Style score = max(0, 1 - issues / max_issues): linear in the number of issues, 0 from
`max_issues` on; code that does not parse scores 0.
"""

from __future__ import annotations

import ast
import json
import subprocess
from typing import Any, ClassVar, Literal

from pydantic import Field

import rmg

from .extract import extract_code

__all__ = ["CodeStyle", "CodeSyntax"]


def _parse_error(code: str) -> dict[str, Any] | None:
    try:
        ast.parse(code)
    except SyntaxError as exc:
        return {"line": exc.lineno, "column": exc.offset, "message": exc.msg, "text": (exc.text or "").rstrip()[:200]}
    except (ValueError, MemoryError, RecursionError) as exc:  # null bytes, absurd nesting
        return {"line": None, "column": None, "message": f"{type(exc).__name__}: {exc}"[:200], "text": ""}
    return None


class CodeSyntax(rmg.Reward):
    """1.0 if the response's Python code parses, else 0.0 with the failing line."""

    name: ClassVar[str] = "code.syntax"
    description: ClassVar[str] = (
        "1.0 if the Python code in the response parses, else 0.0 (the reason names the failing line)."
    )
    example: ClassVar[dict[str, Any] | None] = {
        "prompt": "Write a function that doubles x.",
        "response": "```python\ndef double(x):\n    return 2 * x\n```",
    }

    block: Literal["last", "longest", "all"] = Field("last", description="which python block of the response to check")

    def score(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult:
        code = extract_code(candidate.content, block=self.block)
        if not code.strip():
            return rmg.RewardResult(score=0.0, reason="no code found in the response")
        error = _parse_error(code)
        if error is None:
            return rmg.RewardResult(score=1.0, reason="the code parses", details={"lines": code.count("\n") + 1})
        where = f"line {error['line']}: " if error["line"] else ""
        return rmg.RewardResult(
            score=0.0, reason=f"syntax error at {where}{error['message']}", details={"error": error}
        )


def _ruff() -> str:
    from ruff.__main__ import find_ruff_bin  # the binary shipped by the ruff wheel

    return find_ruff_bin()


class CodeStyle(rmg.Reward):
    """Lint the response's code with ruff; score = max(0, 1 - issues / max_issues)."""

    name: ClassVar[str] = "code.style"
    description: ClassVar[str] = (
        "Lints the Python code in the response with ruff (pyflakes + pycodestyle rules by default); "
        "score = max(0, 1 - issues / max_issues), 0 if the code does not parse; issues in details."
    )
    example: ClassVar[dict[str, Any] | None] = {
        "prompt": "Write a function that doubles x.",
        "response": "```python\nimport os\n\n\ndef double(x):\n    return 2 * x\n```",
    }

    select: list[str] = Field(["E", "F", "W"], description="ruff rule codes or prefixes to check")
    max_issues: int = Field(10, ge=1, description="issues at which the score reaches 0")
    line_length: int = Field(120, ge=40, description="maximum line length (E501)")
    block: Literal["last", "longest", "all"] = Field("last", description="which python block of the response to lint")

    def score(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult:
        code = extract_code(candidate.content, block=self.block)
        if not code.strip():
            return rmg.RewardResult(score=0.0, reason="no code found in the response")
        error = _parse_error(code)
        if error is not None:
            return rmg.RewardResult(
                score=0.0, reason=f"syntax error at line {error['line']}: {error['message']}", details={"error": error}
            )
        issues = self._lint(code)
        score = max(0.0, 1.0 - len(issues) / self.max_issues)
        if issues:
            counts: dict[str, int] = {}
            for issue in issues:
                counts[issue["code"]] = counts.get(issue["code"], 0) + 1
            summary = ", ".join(f"{code} x{n}" for code, n in sorted(counts.items()))
            reason = f"{len(issues)} lint issue(s): {summary}"
        else:
            reason = "no lint issues"
        return rmg.RewardResult(score=score, reason=reason, details={"issues": issues[:50], "count": len(issues)})

    def _lint(self, code: str) -> list[dict[str, Any]]:
        for rule in self.select:
            if not rule.replace("_", "").isalnum():
                raise rmg.InvalidInput(f"not a ruff rule selector: {rule!r}")
        command = [
            _ruff(),
            "check",
            "--isolated",
            "--no-cache",
            "--output-format",
            "json",
            "--exit-zero",
            "--line-length",
            str(self.line_length),
            "--select",
            ",".join(self.select),
            "--stdin-filename",
            "response.py",
            "-",
        ]
        code = code if code.endswith("\n") else code + "\n"  # extraction strips it: not the model's fault
        done = subprocess.run(command, input=code.encode("utf-8", "surrogateescape"), capture_output=True, timeout=20)
        if done.returncode != 0:
            raise RuntimeError(f"ruff failed ({done.returncode}): {done.stderr.decode(errors='replace')[:300]}")
        return [
            {
                "code": item.get("code") or "syntax",
                "message": item.get("message", ""),
                "line": (item.get("location") or {}).get("row"),
                "column": (item.get("location") or {}).get("column"),
            }
            for item in json.loads(done.stdout or b"[]")
        ]
