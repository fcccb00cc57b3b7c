"""The host's end of a run's pipes: feed it the job, collect its output and verdicts, enforce
the limits that are the host's to enforce.

Two shapes of run (see `_rmg_sandbox/template.serve`):

- supervised (a supervisor H per run): H enforces the limits and sends trusted frames on the
  result pipe; the run is over when the result and output pipes close (H leaves nothing alive
  that holds them). The host's own deadline is H's plus slack, a backstop.
- single (W alone, or the judge J, forked by the template): their reports come straight here as
  JSON lines and only test and setup verdicts are taken from them (W's function-call verdicts
  are claimed return values, compared here; J's are the assert-style verdicts, which W cannot
  reach); the host enforces the wall time, the output cap and the report cap by killing the
  template's child; the run is over when the template closes the status pipe, after it has
  exited and its leftovers were killed. Frames on the status pipe (the
  protections, a failure to set up, W's exit) come from root code before the untrusted code
  runs or after it ended.
"""

from __future__ import annotations

import marshal
import os
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._rmg_sandbox.proto import KILLED, MAX_REPORTS, ReportReader, ending, read_ready

__all__ = ["Collected", "collect"]

MB = 1 << 20
GRACE = 2.0  # seconds the template gets to report a killed W (and the host's slack over H's deadline)
UNTRUSTED_KINDS = ("test", "setup")  # what a single run's W may report


@dataclass
class Collected:
    frames: list[dict[str, Any]] = field(default_factory=list)
    output: str = ""  # the tail of what the code printed
    error: str | None = None  # why the host ended the run, if it did
    clean: bool = True  # the run ended on its own: no process of it is left holding its pipes


def collect(
    payload: bytes,
    fds: dict[str, int],
    limits: dict[str, Any],
    single_pidfd: int | None = None,
    decide: Callable[[dict[str, Any]], str | None] | None = None,
) -> Collected:
    """Pump one run's pipes until it is over. `fds`: ours of the job (write), out and result
    pipes, and for a single run (a pidfd of W given) the status pipe. Closes the job pipe.
    `decide(frame)` sees each verdict as it arrives; a text back ends the run there."""
    single = single_pidfd is not None
    deadline = time.monotonic() + limits["wall"] + (0.0 if single else GRACE)
    job_w, out_fd, result_r = fds["job"], fds["out"], fds["result"]
    status_r = fds.get("status", -1)
    os.set_blocking(job_w, False)
    poller = select.poll()  # not an epoll selector: no extra fd to make and close per run
    if payload:
        poller.register(job_w, select.POLLOUT)
    else:  # all written already: EOF now
        os.close(fds.pop("job"))
    readable = {out_fd, result_r} | ({status_r} if single else set())
    for fd in readable:
        poller.register(fd, select.POLLIN)
    ends = {status_r} if single else {out_fd, result_r}  # the run is over when these have closed
    output = bytearray()
    printed = 0
    trusted = bytearray()  # marshal frames: H's (result pipe) or the status pipe's
    reader = ReportReader()
    reports: list[dict[str, Any]] = []
    killed: str | None = None
    view = memoryview(payload)
    result = Collected()
    decided: list[str] = []
    parsed = [0, 0]  # supervised runs with `decide`: bytes of `trusted` and frames looked at so far

    def verdicts(frames: list[dict[str, Any]]) -> str | None:
        for frame in frames:
            reason = decide(frame) if decide is not None else None
            if reason is not None:
                decided.append(reason)
                return reason
        return None

    def stop(reason: str) -> None:
        """A single run broke a limit: kill W; the template's status then ends the run."""
        nonlocal killed, deadline
        if killed is None:
            killed, deadline = reason, time.monotonic() + GRACE
            try:
                signal.pidfd_send_signal(single_pidfd, signal.SIGKILL)  # type: ignore[arg-type]
            except OSError:
                pass  # it has ended already

    try:
        while ends & readable:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if single and killed is None:
                    stop("wall")
                    continue
                result.clean = False
                result.error = KILLED[killed or "wall"] % limits
                return result
            for fd, _ in poller.poll(remaining * 1000):
                if fd == job_w:
                    try:
                        view = view[os.write(job_w, view[: 1 << 16]) :]
                    except BrokenPipeError:
                        view = view[:0]
                    if not len(view):
                        poller.unregister(job_w)
                        os.close(fds.pop("job"))
                    continue
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    poller.unregister(fd)
                    readable.discard(fd)
                elif fd == out_fd:
                    printed += len(chunk)
                    output += chunk
                    if len(output) > 8192:
                        del output[:-4096]  # keep the tail: that is where tracebacks are
                    if printed > limits["output"]:
                        if not single:
                            result.clean = False
                            result.error = KILLED["printed"] % limits
                            return result
                        stop("printed")
                elif fd == status_r:
                    if len(trusted) < MB:
                        trusted += chunk
                elif single:
                    if reader.size <= MAX_REPORTS:
                        new = reader.feed(chunk)
                        reports += new
                        if decide is not None and verdicts([r for r in new if r.get("t") in UNTRUSTED_KINDS]):
                            stop("decided")
                    if reader.size > MAX_REPORTS:
                        stop("report")
                else:
                    trusted += chunk
                    if len(trusted) > 256 * MB:
                        result.clean = False
                        result.error = "the sandbox sent too much data"
                        return result
                    if decide is not None:
                        frames, parsed[0] = _parse_from(trusted, parsed[0])
                        if verdicts(frames):
                            result.clean = False  # the backstop below ends the run
                            result.error = decided[0]
                            return result
        if single:  # W and its leftovers are gone: take what they wrote before
            for fd in readable & {out_fd, result_r}:
                chunk = read_ready(fd)
                if fd == out_fd:
                    output += chunk
                elif reader.size <= MAX_REPORTS:
                    reports += reader.feed(chunk)
        return result
    finally:
        result.output = output[-4096:].decode("utf-8", "replace")
        result.frames = parse_frames(bytes(trusted))
        if single:
            result.frames = _single_frames(result.frames, reports, killed, limits)
            if killed == "decided":
                result.error = decided[0]
            elif killed is not None:
                result.error = KILLED[killed] % limits


def _single_frames(
    status: list[dict[str, Any]], reports: list[dict[str, Any]], killed: str | None, limits: dict[str, Any]
) -> list[dict[str, Any]]:
    """A single run's frames in a supervisor's shape: the protections, W's verdicts, how it ended."""
    frames = [f for f in status if f.get("t") in ("env", "fatal")]
    frames += [r for r in reports if r.get("t") in UNTRUSTED_KINDS]
    exit_frame = next((f for f in status if f.get("t") == "exit"), None)
    if exit_frame is not None and killed is None:
        how = ending(None, int(exit_frame.get("signal") or 0), int(exit_frame.get("code") or 0), False, limits)
        frames.append({"t": "stop", "err": how})
    elif exit_frame is None and killed is None and not any(f.get("t") == "fatal" for f in frames):
        frames.append({"t": "fatal", "err": "the sandbox template ended before the run did", "infra": True})
    return frames


def parse_frames(data: bytes) -> list[dict[str, Any]]:
    """Length-prefixed marshal frames (from trusted sandbox processes only), as dicts."""
    return _parse_from(data, 0)[0]


def _parse_from(data: bytes | bytearray, offset: int) -> tuple[list[dict[str, Any]], int]:
    """The complete frames from `offset` on, and where the next one starts."""
    frames = []
    while offset + 4 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "little")
        if offset + 4 + size > len(data):
            break
        try:
            frame = marshal.loads(bytes(data[offset + 4 : offset + 4 + size]))
        except (ValueError, EOFError, TypeError):
            break
        if isinstance(frame, dict):
            frames.append(frame)
        offset += 4 + size
    return frames, offset
