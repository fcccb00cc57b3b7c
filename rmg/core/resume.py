"""Writing scored rows so that nothing is lost: resume, overwrite, and outputs that are not files.

The writer writes one JSON line per valid input row, in input order, flushing each line, so line
k of the output is the k-th valid input row. A re-run over the same input scans what a previous
run wrote:

- complete, intact lines are kept; a torn last line (a kill mid-write) is dropped;
- a corrupt line in the middle (not JSON) is reported by number and its row is scored again, and
  so are rows whose result was `error` or `timeout` when `retry_failed` is set;
- when nothing in the middle needs scoring again, new rows are appended in place; otherwise the
  output is rebuilt in a temporary file beside it (kept lines copied, the others scored again),
  which replaces the output once the old rows are all accounted for. Interrupted before that
  (Ctrl-C, an error), the rows not reached yet are copied over as they were, so the work done is
  kept; killed with SIGKILL before that, the old output is still there, untouched.

`overwrite=True` writes to a temporary file too, which replaces the old output only when the
first row is written (or the run ends normally): a typo in the input name leaves it intact.
An output that is not a regular file (`/dev/stdout`, a pipe, a FIFO, `/dev/full`) is never read;
it is written without resume, and `notes` says so.
"""

from __future__ import annotations

import json
import os
import stat
from array import array
from pathlib import Path
from typing import Any, BinaryIO

__all__ = ["FAILED_STATUSES", "ResumableWriter", "same_file"]

FAILED_STATUSES = frozenset({"error", "timeout"})


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True when both paths exist and are the same file (by device and inode, not by name)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


class ResumableWriter:
    """Writes output rows in input order; knows which rows a previous run already wrote."""

    def __init__(self, path: str | os.PathLike[str], *, overwrite: bool = False, retry_failed: bool = False) -> None:
        self.path = Path(path)
        self.notes: list[str] = []  # what the user should be told (the CLI prints these)
        self.done = 0  # rows kept from a previous run
        self.old_lines = 0  # complete lines a previous run wrote (intact or not)
        self.corrupt: list[int] = []  # line numbers of corrupt lines in the previous output
        self.failed: list[int] = []  # line numbers of failed rows that will be scored again
        self.last_id: Any = None  # id of the last kept row, and its line number
        self.last_line = 0
        self.position = 0  # line number of the last row written by this run
        self._offsets = array("q")  # start of each old line, then the end of the last one
        self._redo: set[int] = set()
        self._old: BinaryIO | None = None
        self._tmp: Path | None = None  # written here until it replaces the output
        self._commit_at: int | None = None  # replace the output once this line is written
        regular = self._is_regular()
        if regular is False:
            self.notes.append(f"{self.path} is not a regular file: it is written without resume")
            self._file = open(self.path, "wb")
            return
        if regular and overwrite:
            self._start_tmp()
            self._commit_at = 1
        elif regular:
            self._scan(retry_failed)
            self._resume()
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "ab")

    # -- what to score ---------------------------------------------------------------------------
    @property
    def rebuilding(self) -> bool:
        """True when kept rows are copied into a rebuilt output (so each must be written in turn)."""
        return self._old is not None

    def keeps(self, line: int) -> bool:
        """Whether the previous run's row for valid input row `line` (1-based) is kept."""
        return line <= self.old_lines and line not in self._redo

    def write_kept(self, line: int) -> None:
        """Put the previous run's row for `line` in its place (nothing to do when appending)."""
        if self._old is not None:
            self._file.write(self._old_line(line))
            self._file.flush()
        self.position = line
        self._maybe_commit()

    def write(self, row: dict[str, Any]) -> None:
        self._file.write(_encode(row))
        self._file.flush()
        self.position += 1
        self._maybe_commit()

    # -- scanning a previous output --------------------------------------------------------------
    def _is_regular(self) -> bool | None:
        """True for a regular file, False for anything else that exists, None when nothing does."""
        try:
            mode = os.stat(self.path).st_mode
        except FileNotFoundError:
            return None
        return stat.S_ISREG(mode)

    def _scan(self, retry_failed: bool) -> None:
        offset = 0
        with open(self.path, "rb") as f:
            for raw in f:
                if not raw.endswith(b"\n"):
                    self.notes.append(f"{self.path}: dropped an incomplete last line (a run stopped mid-write)")
                    break
                self._offsets.append(offset)
                offset += len(raw)
                number = len(self._offsets)
                row = _parse(raw)
                if row is None:
                    self.corrupt.append(number)
                elif retry_failed and _failed(row):
                    self.failed.append(number)
                else:
                    self.last_id, self.last_line = row.get("id"), number
        self._offsets.append(offset)
        self.old_lines = len(self._offsets) - 1
        self._redo = set(self.corrupt) | set(self.failed)
        self.done = self.old_lines - len(self._redo)
        if self.corrupt:
            shown = ", ".join(map(str, self.corrupt[:10])) + (" ..." if len(self.corrupt) > 10 else "")
            self.notes.append(
                f"{self.path}: {len(self.corrupt)} corrupt line(s) ({shown}); their rows are scored again"
            )

    def _resume(self) -> None:
        end = self._offsets[-1]
        if not self._redo:  # a clean prefix: append in place
            if os.path.getsize(self.path) != end:
                with open(self.path, "r+b") as f:
                    f.truncate(end)
            self._file = open(self.path, "ab")
            self.position = self.old_lines
            return
        self._old = open(self.path, "rb")
        self._start_tmp()
        self._commit_at = self.old_lines

    def _old_line(self, line: int) -> bytes:
        assert self._old is not None
        start, end = self._offsets[line - 1], self._offsets[line]
        self._old.seek(start)
        return self._old.read(end - start)

    # -- the temporary file ----------------------------------------------------------------------
    def _start_tmp(self) -> None:
        self._tmp = self.path.with_name(f".{self.path.name}.rmg-partial")
        self._file = open(self._tmp, "wb")

    def _maybe_commit(self) -> None:
        if self._tmp is not None and self._commit_at is not None and self.position >= self._commit_at:
            self._commit()

    def _commit(self) -> None:
        """The temporary file becomes the output; writing goes on through the same handle."""
        assert self._tmp is not None
        self._file.flush()
        os.replace(self._tmp, self.path)
        self._tmp = None
        if self._old is not None:
            self._old.close()
            self._old = None

    def close(self, *, completed: bool = True) -> None:
        """Finish: a rebuilt output gets the old rows not reached; an unstarted overwrite is dropped."""
        try:
            if self._tmp is not None and self._old is not None:
                for line in range(self.position + 1, self.old_lines + 1):
                    self._file.write(self._old_line(line))
                self._commit()
            elif self._tmp is not None and completed:
                self._commit()
        finally:
            try:
                self._file.close()
            except OSError:  # the failed write was reported already (e.g. /dev/full)
                pass
            if self._old is not None:
                self._old.close()
            if self._tmp is not None:  # an overwrite that never started: the old output stays
                self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> ResumableWriter:
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        self.close(completed=exc_type is None)


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        row = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return row if isinstance(row, dict) else None


def _failed(row: dict[str, Any]) -> bool:
    reward = row.get("reward")
    results = reward if isinstance(reward, list) else [reward]
    return any(isinstance(r, dict) and r.get("status") in FAILED_STATUSES for r in results)


def _encode(row: dict[str, Any]) -> bytes:
    """One JSON line; a lone surrogate is kept escaped; a row JSON cannot carry is replaced by a note."""
    try:
        text = json.dumps(row, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as exc:
        note = {"id": row.get("id"), "reward": row.get("reward"), "error": f"the row cannot be written as JSON: {exc}"}
        text = json.dumps(note, ensure_ascii=True, default=repr)
    try:
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800" read from a JSON escape) is written escaped
        return (json.dumps(row, ensure_ascii=True) + "\n").encode("ascii")
