"""How a scoring run ends: the resume message, stopping early on a configuration error, exit codes.

A run whose first rows all fail with the same error is almost always misconfigured (no model
name, an endpoint that is down, a wrong parameter): it stops after `FAIL_FAST_ROWS` rows with
that error in one line, instead of writing thousands of error rows (and, for a judge, paying for
the retries). A run in which no row scored exits non-zero, saying why.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from rmg.core.schema import RewardResult, ScoredSample

__all__ = ["FAIL_FAST_ROWS", "FailFast", "check_outcome", "failure_key", "print_notes", "resume_message"]

FAIL_FAST_ROWS = 10


_WHERE = re.compile(r"^\S+:\d+: ")  # "data.jsonl:12: " in front of a row's error
_QUOTED = re.compile(r"(\b(?:field|key|parameter|param|reward|option) )?('[^']{0,80}'|\"[^\"]{0,80}\")")


def failure_key(result: RewardResult) -> str:
    """`status: reason` of a failed result, one line, with the row's own values left out, so that
    failures of one kind are counted together (`could not convert string to float: '...'`); a
    quoted field or option name is kept, since it says what to fix."""
    text = " ".join(str(result.error or result.reason or "no reason given").split())
    text = _QUOTED.sub(_keep_names, _WHERE.sub("", text))
    return f"{result.status.value}: {text[:160]}"


def _keep_names(match: re.Match[str]) -> str:
    named, quoted = match.group(1), match.group(2)
    if named or quoted[1:3] == "--":
        return match.group(0)
    return "'...'"


class FailFast:
    """Says stop when the first FAIL_FAST_ROWS rows all ended `error` for one and the same reason."""

    def __init__(self, enabled: bool = True, rows: int = FAIL_FAST_ROWS) -> None:
        self.enabled, self.rows = enabled, rows
        self.seen = 0
        self.reasons: set[str] = set()
        self.decided = not enabled

    def check(self, scored: ScoredSample) -> str:
        """The reason to stop, or ""; decided once, on the first rows."""
        if self.decided:
            return ""
        self.seen += 1
        failed = [r for r in scored.results if r.status.value == "error"]
        if not scored.results or len(failed) != len(scored.results):
            self.decided = True
            return ""
        self.reasons.update(failure_key(r) for r in failed)
        if len(self.reasons) > 1:
            self.decided = True
            return ""
        if self.seen < self.rows:
            return ""
        self.decided = True
        return (
            f"stopped: the first {self.seen} rows all failed with the same error, {next(iter(self.reasons))}. "
            "Fix the configuration (model, endpoint, parameters) and run the same command again (failed rows are "
            "scored again), or pass --keep-going"
        )


def print_notes(notes: list[str]) -> None:
    for note in notes:
        click.echo(f"note: {note}", err=True)


def resume_message(output: Path, writer: Any, retry_failed: bool) -> str:
    parts = [f"resuming: {output} already has {writer.old_lines:,} rows"]
    if writer.failed:
        parts.append(f"re-scoring {len(writer.failed):,} that ended error or timeout (--keep-failed keeps them)")
    elif not retry_failed:
        parts.append("rows that ended error or timeout are kept (--keep-failed)")
    if writer.corrupt:
        parts.append(f"re-scoring {len(writer.corrupt):,} corrupt")
    return "; ".join(parts) + "; scoring the rest"


def check_outcome(summary: Any, input_path: str) -> None:
    """Exit non-zero, in one line, when the run stopped early or no row was scored."""
    if summary.stopped:
        raise click.ClickException(summary.stopped)
    if summary.rows and not summary.scored:
        top, count = summary.failures.most_common(1)[0] if summary.failures else ("no reason recorded", 0)
        raise click.ClickException(
            f"no row was scored: all {summary.rows:,} rows failed (most common: {top}, {count:,} times)"
        )
    if not summary.rows and not summary.resumed:
        if summary.bad_lines:
            raise click.ClickException(
                f"no row was scored: none of the {len(summary.bad_lines):,} lines of {input_path} could be read"
            )
        raise click.ClickException(f"no row was scored: {input_path} has no rows")
