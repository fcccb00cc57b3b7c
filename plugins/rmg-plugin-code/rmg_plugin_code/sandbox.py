"""A local sandbox for untrusted Python: a fresh process per run, limited and isolated.

Design choices (and why):

- Runs are forked from a pre-imported template interpreter (`python -I -S`, one per process,
  e.g. per pool worker), not from the caller: the caller is an rmg pool worker (or any thread of
  a user's program), and forking it would copy its threads' locks, open pipes and data into the
  untrusted process. The template imports only built-in modules plus what solutions commonly
  import (typing, re, ...). Site-packages directories are appended to the child's `sys.path`
  (no `site` import), so numpy & co. still import. `server=False` starts a fresh interpreter
  per run instead (~5x slower).
- As root, the template enters new PID / network / mount / IPC namespaces once and mounts
  private tmpfs over /tmp, /var/tmp, /run/lock and /dev/shm once, and builds the runs' private
  root (only the system's libraries, Python and the run's dirs; its own /proc). A function-call
  run is then one process W forked from the template, supervised from here (`pipes.py`) and
  cleaned up by the template; an assert-style run is the judge J, which runs the tests, and the
  W it forks for the solution (see `_rmg_sandbox/judge.py`: the code cannot forge a verdict); a
  stdin/stdout run is a supervisor H forking a W per case. A run gets a private uid (1000000 + the pid of its first process) and a
  fresh size-capped tmpfs work dir; when it ends, every process of that uid is killed and what
  the uid left in the shared tmpfs and IPC namespace is removed. Creating and tearing down
  namespaces per run cost ~10 ms of a ~25 ms run; this setup costs ~0.1 ms.
  Without root (or when that setup fails) each run unshares what it can for itself, with its
  supervisor as PID 1 of its own PID namespace; see `protections()`.
- Limits: CPU time (RLIMIT_CPU), address space (RLIMIT_AS), processes (RLIMIT_NPROC, which only
  binds non-root users, hence the private uid), file size (RLIMIT_FSIZE), no core dumps, 256
  open files, no new privileges (setuid binaries do not elevate); wall time is enforced by the
  supervisor (per test and per run; for a single-process run, by this module) and, as a
  backstop, by this module, which then kills the run's process group and every process of its uid.
- PR_SET_PDEATHSIG at each level: if the pool worker that started a run is killed (the runner's
  budget), the template exits, its PID 1 dies with it, and the kernel kills the namespace.
- Output is capped by whoever supervises W (H, or this module for a single run); verdicts
  travel on a pipe of their own, and how a run ended comes from root processes on pipes the
  untrusted process never holds (see `pipes.py`).
- Cost: a run's CPU is mostly its fork(s) and the copy-on-write page faults of the Python work
  in them; hence one fork for a run of one unit, code compiled on the host (`precompile`), no
  host temp dir when the run mounts its own, the job written before the run starts, and no
  generic stdlib paths (text-mode open(), os.environ.clear()) in the sandbox processes, each of
  which costs tens of copied pages per run.
"""

from __future__ import annotations

import functools
import marshal
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

# A run's private uid: UID_BASE + the host pid of its group leader (its judge's: JUDGE_OFFSET above).
from ._rmg_sandbox.proto import JUDGE_OFFSET, UID_BASE
from .forkserver import HARNESS, environment, get_server, reset_server, site_paths
from .pipes import collect

__all__ = ["Limits", "Outcome", "protection_notes", "protections", "run"]

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandbox run."""

    wall_seconds: float = 10.0
    cpu_seconds: int = 10
    memory_mb: int = 1024
    processes: int = 32
    file_size_mb: int = 16
    disk_mb: int = 64
    output_bytes: int = 1 * MB
    test_seconds: float | None = 5.0

    def as_job(self) -> dict[str, Any]:
        return {
            "wall": float(self.wall_seconds),
            "cpu": max(1, int(self.cpu_seconds)),
            "memory": int(self.memory_mb) * MB,
            "nproc": int(self.processes),
            "fsize": int(self.file_size_mb) * MB,
            "disk": int(self.disk_mb) * MB,
            "output": int(self.output_bytes),
            "test": float(self.test_seconds) if self.test_seconds else 0.0,
        }


@dataclass
class Outcome:
    """What came back from one run: per-unit frames, how it ended, and what protected it."""

    frames: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None  # why the run ended early (time, output, crash), if it did
    output: str = ""  # the tail of what the code printed (asserts / call modes)
    active: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def run(
    code: str | CodeType,
    job: dict[str, Any],
    limits: Limits = Limits(),
    *,
    site_packages: bool = True,
    namespaces: bool = True,
    server: bool = True,
    decide: Callable[[dict[str, Any]], str | None] | None = None,
) -> Outcome:
    """Run `code` (source, or a code object compiled by `precompile`) in the sandbox with `job`
    (mode + units / inputs / calls); never raises for the code's misbehaviour. Raises
    RuntimeError only when the sandbox itself cannot start.

    `server=True` forks each run from a pre-imported template process (fast); `False` starts a
    fresh `python -I -S` per run (slower, nothing shared with earlier runs but the executable).
    `decide(frame)`, if given, sees each verdict as it arrives; a text back ends the run there
    (the tests without a verdict get that text)."""
    started = time.monotonic()
    server = server and namespaces  # the template's runs all share its namespaces
    try:
        outcome = _run_once(code, job, limits, site_packages, namespaces, server, decide)
    except _DeadServer:
        reset_server()  # a dead server: retry once with a new one
        try:
            outcome = _run_once(code, job, limits, site_packages, namespaces, server, decide)
        except _DeadServer as exc:
            raise RuntimeError(f"cannot start the sandbox ({sys.executable}): {exc}") from exc
    outcome.seconds = time.monotonic() - started
    return outcome


class _DeadServer(Exception):
    pass


def _run_once(
    code: str | CodeType,
    job: dict[str, Any],
    limits: Limits,
    site_packages: bool,
    namespaces: bool,
    server: bool,
    decide: Callable[[dict[str, Any]], str | None] | None = None,
) -> Outcome:
    try:
        template = get_server() if server else None
    except OSError as exc:
        raise _DeadServer(exc) from exc
    # A host temp dir as the work dir, unless each run mounts its own in the template's namespaces.
    workdir = None if template is not None and template.shared else tempfile.mkdtemp(prefix="rmg-sandbox-")
    # One unit of work in the template's namespaces: W alone, supervised from here (pipes.py).
    single = template is not None and template.shared and job.get("mode") != "stdio"
    payload = dict(job)
    payload.update(
        code=code,
        workdir=workdir or "",
        env=environment(workdir or "/nonexistent"),
        limits=limits.as_job(),
        path=site_paths() if site_packages else [],
        namespaces=namespaces,
    )
    # One frame, or for assert-style tests two: the tests go second, read only by the judge once
    # the solution's process has been forked (see _rmg_sandbox/judge.py).
    units = payload.pop("units") if job.get("mode") == "asserts" else None
    data = _frame(marshal.dumps(payload)) + (_frame(marshal.dumps(units)) if units is not None else b"")
    outcome = Outcome()
    pairs = [os.pipe() for _ in range(4 if single else 3)]  # job, result, out (, status)
    theirs = [pairs[0][0]] + [w for _, w in pairs[1:]]
    ours = {"job": pairs[0][1], "result": pairs[1][0], "out": pairs[2][0]}  # closed exactly once, below
    if single:
        ours["status"] = pairs[3][0]
    proc: subprocess.Popen[bytes] | None = None
    pidfd = -1
    try:
        # Most jobs fit in the pipe: written now, they are there when the sandbox starts reading.
        os.set_blocking(ours["job"], False)
        data = data[os.write(ours["job"], data[: 1 << 16]) :]
        try:
            if template is not None:
                kind = (b"jud" if job.get("mode") == "asserts" else b"one") if single else b"run"
                group, pidfd = template.spawn(kind, theirs)
            else:
                proc = subprocess.Popen(
                    [sys.executable, "-I", "-S", HARNESS, str(theirs[1]), str(os.getpid())],
                    stdin=theirs[0],
                    stdout=theirs[2],
                    stderr=theirs[2],
                    pass_fds=(theirs[1],),
                    cwd=workdir,
                    env=environment(workdir or "/nonexistent"),
                    start_new_session=True,  # its own process group: one killpg ends it all
                )
                group = proc.pid
        except OSError as exc:
            if template is not None:
                raise _DeadServer(exc) from exc
            raise RuntimeError(f"cannot start the sandbox ({sys.executable}): {exc}") from exc
        finally:
            for fd in theirs:
                os.close(fd)
        collected = collect(data, ours, payload["limits"], pidfd if single else None, decide)
        outcome.frames, outcome.output, outcome.error = collected.frames, collected.output, collected.error
        outcome.active = next((f.get("active", {}) for f in outcome.frames if f.get("t") == "env"), {})
        if proc is not None or (not collected.clean and not single):
            try:
                os.killpg(group, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            if not collected.clean:  # the backstop: the sandbox did not end the run in time
                _kill_uid(UID_BASE + group)
                _kill_uid(UID_BASE + JUDGE_OFFSET + group)
        if proc is not None:
            proc.wait()
    finally:
        for fd in ours.values():
            os.close(fd)
        if pidfd >= 0:
            os.close(pidfd)
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    return outcome


def _frame(data: bytes) -> bytes:
    return len(data).to_bytes(4, "little") + data


def _kill_uid(uid: int) -> None:
    """SIGKILL every process of a run's private uid (found in /proc): what the code started
    after leaving the process group. Only on the rare path where the host had to kill a run."""
    if os.geteuid() != 0:
        return
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", "rb") as f:
                uids = next(line for line in f if line.startswith(b"Uid:")).split()[1:]
            if int(uids[0]) == uid or int(uids[2]) == uid:
                os.kill(int(entry), signal.SIGKILL)
        except (OSError, StopIteration, ValueError, IndexError):
            continue


@functools.lru_cache(maxsize=1)
def protections() -> dict[str, Any]:
    """Which protections a run actually gets here (probed once per process by a real run)."""
    try:
        outcome = run("pass", {"mode": "asserts", "units": []}, Limits(wall_seconds=10))
    except RuntimeError as exc:
        return {"error": str(exc)}
    return dict(outcome.active)


def protection_notes(active: dict[str, Any] | None = None) -> list[str]:
    """Human-readable lines: what protects a run, and the fallback when something is missing."""
    active = protections() if active is None else active
    if "error" in active:
        return [f"sandbox unavailable: {active['error']}"]
    notes = [
        "limits: CPU time, wall time, address space, file size, open files and output size (always)",
    ]
    if active.get("uid"):
        notes.append("runs as a private uid (1000000 + pid): RLIMIT_NPROC binds, host files are read-only")
    elif os.geteuid() == 0:
        notes.append("WARNING: could not drop root privileges: the process limit does not bind")
    else:
        notes.append("runs as the calling user (not root): RLIMIT_NPROC binds")
    if active.get("netns"):
        notes.append("network: new network namespace, no interface up (every connection fails)")
    else:
        notes.append("network: no namespace available; fallback: an audit hook refuses sockets (bypassable via ctypes)")
    if active.get("pidns") and active.get("shared"):
        notes.append(
            "processes: a PID namespace per sandbox template (host processes cannot be named); every "
            "process of the run's private uid is killed when the run ends"
        )
    elif active.get("pidns"):
        notes.append("processes: new PID namespace; everything the code starts dies with the run")
    else:
        notes.append("processes: no PID namespace; fallback: process-group kill (code that calls setsid can escape)")
    if active.get("private_root"):
        notes.append(
            "files: a private root holding only the system's programs and libraries, Python and the "
            "site-packages (read-only) and the run's own dirs; its own /proc (a run sees only its own "
            "processes, no host process)"
        )
    elif "error" not in active:
        notes.append(
            "files: the host's file tree (read-only where the run could write): world-readable files are "
            "readable; "
            + (
                "its own /proc (no host process)"
                if active.get("procfs")
                else "the host's /proc: host processes' command lines are readable"
            )
        )
    notes.append(
        "verdicts: assert-style tests run in a judge process the code never runs in; stdin/stdout and "
        "function-call results are compared on the host"
    )
    if active.get("tmpfs"):
        notes.append(f"files: {active['tmpfs']}")
        if active.get("userns") and not active.get("readonly"):
            notes.append(
                "files: WARNING: the tree could not be made read-only (no mount_setattr): the code can "
                "write the calling user's own files"
            )
    else:
        notes.append(
            "files: no mount namespace; the work dir is a fresh temp dir, removed afterwards; the code "
            "can write wherever the calling user can"
        )
    return notes
