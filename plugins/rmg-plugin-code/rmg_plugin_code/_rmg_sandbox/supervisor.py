"""The run's supervisor: forks one W per unit of work, relays its reports and output, enforces
the time and output limits, and makes sure no process of the run outlives it.

It stays root (when the host is) while W drops to the run's private uid, so the code cannot
signal or ptrace it. It is a child subreaper: every orphan the code leaves behind becomes its
child, so "no child left" proves nothing of the run survives. W's stdout/stderr come through it
(counted, capped) rather than straight to the host, so an output flood is stopped here without
the host having to kill anything."""

from __future__ import annotations

import os
import select
import time

from . import judge, worker
from .cleanup import kill_uid
from .proto import (
    JUDGE_OFFSET,
    KILLED,
    MAX_REPORTS,
    PR_SET_CHILD_SUBREAPER,
    PR_SET_DUMPABLE,
    SIGKILL,
    ReportReader,
    encode_frame,
    ending,
    prctl,
    read_ready,
    write_all,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SILENT = "the program ended without reporting (it killed or replaced itself)"


class Relay:
    """Forwards W's stderr (and stdout outside stdin/stdout mode) to the host, at most `limit`
    bytes over the whole run."""

    def __init__(self, fd: int, limit: int) -> None:
        self.fd, self.left, self.exceeded = fd, limit, False

    def forward(self, chunk: bytes) -> bool:
        if len(chunk) > self.left:
            self.exceeded = True
        data = chunk[: self.left]
        self.left -= len(data)
        while data:
            try:
                data = data[os.write(self.fd, data) :]
            except OSError:  # the host is gone: nothing to forward to
                break
        return not self.exceeded


class Results:
    """Frames for the host, sent together when the run ends (or once 64 KB pile up), so the host
    wakes once a run rather than once a test. Only this process holds them: a crash of the code
    loses none."""

    def __init__(self, fd: int) -> None:
        self.fd, self.data = fd, bytearray()

    def add(self, frame: dict[str, Any]) -> None:
        self.data += encode_frame(frame)
        if len(self.data) >= 1 << 16:
            self.flush()

    def flush(self) -> None:
        write_all(self.fd, bytes(self.data))
        del self.data[:]


def supervise(job: dict[str, Any], result_fd: int, out_fd: int, active: dict[str, Any]) -> None:
    """Run every unit of the job, report each verdict on `result_fd`, then clean up."""
    results = Results(result_fd)
    try:
        _supervise(job, results, out_fd, active)
    finally:
        results.flush()


def _supervise(job: dict[str, Any], results: Results, out_fd: int, active: dict[str, Any]) -> None:
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    prctl(PR_SET_DUMPABLE, 0)
    results.add({"t": "env", "active": active})
    nonce = int.from_bytes(os.urandom(8), "little")
    limits = job["limits"]
    deadline = time.monotonic() + limits["wall"]
    relay = Relay(out_fd, limits["output"])
    if job["mode"] == "stdio":
        stopped = None
        for case, text in enumerate(job["inputs"]):
            if stopped is None and (time.monotonic() >= deadline or relay.exceeded):
                stopped = "the total time limit was used up" if not relay.exceeded else "the output limit was reached"
            if stopped is not None:
                results.add({"t": "case", "i": case, "err": "not run: " + stopped})
                continue
            stdin_fd = os.open(job["workdir"], os.O_TMPFILE | os.O_RDWR, 0o600)
            data = text.encode("utf-8", "surrogateescape")
            while data:
                data = data[os.write(stdin_fd, data) :]
            os.lseek(stdin_fd, 0, 0)
            frame, output = run_unit(job, results, nonce, case, stdin_fd, deadline, relay)
            os.close(stdin_fd)
            frame = frame or {"t": "case", "i": case, "err": None}
            frame["out"] = output
            results.add(frame)
            err = frame.get("err")
            if err is not None and job.get("stop_first_failure"):
                stopped = "an earlier test failed (all or nothing: the score cannot change)"
            elif (
                err is not None
                and job.get("stop_after_timeout")
                and (err == KILLED["test"] % limits or "TimeoutError: test exceeded" in err)
            ):
                stopped = "an earlier test exceeded its time limit"
            if job.get("stop_first_failure"):
                results.flush()  # the host compares the output now: a wrong one ends the run
    else:
        null = os.open("/dev/null", os.O_RDONLY)
        run_unit(job, results, nonce, None, null, deadline, relay)
        os.close(null)
    finish(job.get("uid"))
    results.add({"t": "end"})


def finish(uid: int | None) -> None:
    """Leave nothing of the run alive: if any descendant is left, kill every process of the
    run's uid (or, as PID 1 of a namespace of our own, every other process in it), then reap."""
    if not has_children():
        return  # no descendant at all (orphans are reparented to us: we are a subreaper)
    if uid:
        kill_uid(uid)
        kill_uid(uid + JUDGE_OFFSET)
    elif os.getpid() == 1:
        try:
            os.kill(-1, SIGKILL)
        except OSError:
            pass
    else:
        return  # nothing we may safely kill: the host kills the process group
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def has_children() -> bool:
    """Whether any child of ours is left, ended or not (one read, where waitpid would raise)."""
    try:
        fd = os.open("/proc/thread-self/children", os.O_RDONLY)
    except OSError:
        try:
            os.waitpid(-1, os.WNOHANG)  # reaps one if it has ended; others may still run
        except ChildProcessError:
            return False
        return True
    try:
        return bool(os.read(fd, 64))
    finally:
        os.close(fd)


def run_unit(
    job: dict[str, Any], results: Results, nonce: int, case: int | None, stdin_fd: int, deadline: float, relay: Relay
) -> tuple[dict[str, Any] | None, str]:
    """Fork W, relay or collect its reports, enforce the time and output limits, describe how it
    ended. `case` is the stdin/stdout case index (its stdout is captured), None otherwise."""
    limits = job["limits"]
    rep_r, rep_w = os.pipe()
    err_r, err_w = os.pipe()
    out_r, out_w = os.pipe() if case is not None else (None, None)
    pid = os.fork()
    if pid == 0:
        try:
            if job["mode"] == "asserts":  # this process becomes the judge, which forks W
                judge.run(job, job["units_fd"], rep_w, err_w, stdin_fd, nonce)
            worker.enter(job, rep_w, stdin_fd, err_w if out_w is None else out_w, err_w)
            worker.run_worker(job, rep_w, nonce, case)
        finally:
            os._exit(0)
    for fd in (rep_w, err_w, out_w):
        if fd is not None:
            os.close(fd)
    unit_deadline = deadline
    if case is not None and limits["test"]:
        unit_deadline = min(deadline, time.monotonic() + limits["test"])
    poller = select.poll()
    open_fds = {fd for fd in (rep_r, err_r, out_r) if fd is not None}
    for fd in open_fds:
        poller.register(fd, select.POLLIN)
    # Once W has exited nothing more can count (only W reports), so a background process of
    # the code that keeps the pipes open must not hold the run until its deadline.
    try:
        exited = os.pidfd_open(pid)
        poller.register(exited, select.POLLIN)
    except (AttributeError, OSError):
        exited = -1
    reader = ReportReader()
    output: list[bytes] = []
    sizes = {"out": 0}
    last: list[dict[str, Any]] = []

    def handle(fd: int, chunk: bytes) -> str | None:
        """Take one chunk from one of W's pipes; the reason to kill W, if any."""
        if fd == err_r:
            return None if relay.forward(chunk) else "printed"
        if fd == out_r:
            output.append(chunk)
            sizes["out"] += len(chunk)
            return "output" if sizes["out"] > limits["output"] else None
        frames = reader.feed(chunk)
        if reader.size > MAX_REPORTS:
            return "report"
        for frame in frames:
            if frame.pop("nonce", None) == nonce:
                if case is None:
                    results.add(frame)
                else:
                    last[:] = [frame]
        return None

    killed = None
    while open_fds and not killed:
        remaining = unit_deadline - time.monotonic()
        if remaining <= 0:
            killed = "timeout"
            break
        for fd, _ in poller.poll(remaining * 1000):
            if fd == exited:  # take what is already in the pipes, then stop
                killed = _drain(open_fds, handle)
                open_fds.clear()
                break
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                poller.unregister(fd)
                open_fds.discard(fd)
            else:
                killed = handle(fd, chunk)
                if killed:
                    break
    last_frame = last[0] if last else None
    if killed:
        try:
            os.kill(pid, SIGKILL)
        except OSError:
            pass
    _, status = os.waitpid(pid, 0)
    for fd in (rep_r, err_r, out_r, exited):
        if fd is not None and fd >= 0:
            os.close(fd)
    text = b"".join(output)[: limits["output"]].decode("utf-8", "replace")
    message = _ending(killed, status, case, deadline, limits)
    if case is None:
        results.add({"t": "stop", "err": message})
        return None, text
    if message is not None:
        return {"t": "case", "i": case, "err": message}, text
    if last_frame is None:
        return {"t": "case", "i": case, "err": SILENT}, text
    return last_frame, text


def _drain(fds: set[int], handle: Any) -> str | None:
    """Take what every pipe holds now (strays may hold them open: never block)."""
    for fd in fds:
        data = read_ready(fd)
        killed = handle(fd, data) if data else None
        if killed:
            return str(killed)
    return None


def _ending(killed: str | None, status: int, case: int | None, deadline: float, limits: dict[str, Any]) -> str | None:
    """Why a unit ended early, in words (None: it ended normally)."""
    if killed == "timeout":
        killed = "test" if case is not None and time.monotonic() < deadline else "wall"
    signal = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
    return ending(killed, signal, os.WEXITSTATUS(status) if os.WIFEXITED(status) else 0, case is not None, limits)
