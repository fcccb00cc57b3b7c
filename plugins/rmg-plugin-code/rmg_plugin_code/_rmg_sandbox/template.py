"""The process tree around a run, in its two modes.

- `serve` (server mode, the default): a pre-imported template process T that forks the runs.
  As root, T enters new PID / network / mount / IPC namespaces once and mounts the private
  tmpfs once; its first child Z is PID 1 of the new PID namespace and only reaps orphans, and
  every run is born inside that namespace with a fresh private uid, a fresh tmpfs work dir, and
  a kill of that uid at the end. A function-call run is one fork, W itself (`single`); an
  assert-style run is the judge J and the W it forks (`judge`); a stdin/stdout run is a
  supervisor H forking a W per case. When T's
  host closes the socket, T exits, Z dies with it (PDEATHSIG), and the kernel kills everything
  left in the namespace.
- `main` (direct mode) and the fallback when the shared setup is not possible (no root, a
  closed Python directory, a failed mount): each run unshares what it can and its supervisor
  C is PID 1 of a namespace of its own (H -> C -> W), as a fresh interpreter would.
"""

from __future__ import annotations

import marshal
import os
import sys

from . import cleanup, isolate, single
from .proto import (
    JUDGE_OFFSET,
    PR_SET_PDEATHSIG,
    SIGKILL,
    UID_BASE,
    describe,
    host_pid,
    prctl,
    privileged,
    read_frame,
    write_frame,
)
from .supervisor import supervise

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Modules most solutions import (HumanEval starts with `from typing import List`, which alone costs
# ~25 ms): the template imports them once, every run gets them for free. Not `random`: its
# at-fork reseed would run in every fork (~0.1 ms a run), more than the few solutions that
# import it pay for the import.
PRELOAD = (
    "typing",
    "collections",
    "math",
    "re",
    "itertools",
    "functools",
    "heapq",
    "bisect",
    "string",
    "fractions",
    "decimal",
    "copy",
    "json",
    "resource",
    "_signal",
    "select",
    "time",
)
SINGLE = (b"one", b"jud")  # requests for a run without a supervisor (see `serve`)
ALIVE_FD = -1  # the template's end of its PID 1's lifeline, when it made a PID namespace
REAPER = 0  # that PID 1's host pid


# -- per-run isolation (direct mode and fallback) ----------------------------------------------------


def launch(job: dict[str, Any], result_fd: int, out_fd: int) -> None:
    """H's body in per-run mode: unshare, fork the supervisor C, report C's abnormal death."""
    # A uid of our own (from our unique pid): concurrent runs cannot signal each other, and
    # RLIMIT_NPROC counts only this run's processes.
    uid = UID_BASE + host_pid()
    root = privileged()
    active: dict[str, Any] = isolate.unshare_ladder(root) if job.get("namespaces", True) else {}
    active["netns"] = job["netns"] = bool(active.get("netns"))
    job["userns"] = bool(active.get("userns"))  # W must then drop the capabilities it holds there
    pid = os.fork()
    if pid == 0:
        try:
            prctl(PR_SET_PDEATHSIG, SIGKILL)
            if active.get("mountns"):
                if isolate.mount_shared_dirs(list(job["path"]), active):
                    isolate.mount_workdir(job["workdir"], job["limits"]["disk"], active)
                    # We are PID 1 of the run's own PID namespace: a /proc of it hides the host's
                    # processes (the kernel refuses where /proc is partly masked, as in some containers).
                    if active.get("pidns") and isolate.mount_own_proc():
                        active["procfs"] = True
            if "closed" not in active:
                active["closed"] = [p for p in isolate.needed_paths(list(job["path"])) if isolate.closed_ancestor(p)]
            if root:
                if active["closed"]:
                    closed = active["closed"][0]
                    active["nodrop"] = "Python lives under a directory other users cannot read: %s" % closed
                else:
                    os.chown(job["workdir"], uid, uid)
                    job["uid"] = active["uid"] = uid
                    job["judge_uid"] = uid + JUDGE_OFFSET
            active.pop("hidden", None)
            supervise(job, result_fd, out_fd, active)
        except BaseException as exc:
            err = "sandbox supervisor failed: %s" % describe(exc, job["limits"])
            write_frame(result_fd, {"t": "fatal", "err": err, "infra": True})
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        err = "the sandbox supervisor was killed by signal %d" % os.WTERMSIG(status)
        write_frame(result_fd, {"t": "fatal", "err": err})


def main() -> None:
    """Direct mode: one fresh interpreter per run; the job arrives on stdin."""
    result_fd = int(sys.argv[1])
    parent = int(sys.argv[2])
    prctl(PR_SET_PDEATHSIG, SIGKILL)
    if os.getppid() != parent:  # the host died before we could ask to die with it
        os._exit(70)
    job = marshal.loads(read_frame(0))
    if job["mode"] == "asserts":
        job["units_fd"] = os.dup(0)  # the tests: read by the judge only (see judge.py)
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    launch(job, result_fd, 1)
    os._exit(0)


# -- shared isolation (server mode as root) ----------------------------------------------------------


def prepare_shared() -> dict[str, Any] | None:
    """Enter the namespaces once for all runs of this template and start their PID 1 (Z).
    None when the shared setup is not possible here: every run then isolates itself."""
    global ALIVE_FD, REAPER
    if not privileged() or not _has_pidfd():
        return None
    active: dict[str, Any] = isolate.unshare_ladder(True)
    if active.get("pidns"):
        # Our children are born in the new PID namespace from now on, whatever happens below:
        # it needs a PID 1 that lives as long as we do, or the first run's exit would end it.
        alive_r, ALIVE_FD = os.pipe()  # we hold the write end for life: Z sees EOF when we are gone
        REAPER = os.fork()
        if REAPER == 0:  # Z
            prctl(PR_SET_PDEATHSIG, SIGKILL)
            os.close(ALIVE_FD)
            os.closerange(3, alive_r)
            os.closerange(alive_r + 1, 1 << 16)
            reap_until_eof(alive_r)
        os.close(alive_r)
    if not (active.get("pidns") and active.get("netns") and active.get("mountns")):
        return None  # a partial set (already entered: harmless) is completed per run
    extra = sys.argv[3:]  # site-packages dirs the code may import from
    if not isolate.mount_shared_dirs(extra, active) or active["closed"] or "/tmp" not in active["hidden"]:
        return None
    if not isolate.build_root(extra, active):  # on the namespace's private /tmp
        return None
    if active.get("ipcns"):
        isolate.mount_queues(active)
    active["shared"] = True
    return active


def _has_pidfd() -> bool:
    """pidfds (Linux 5.3+): how the template learns that a single-process run has ended."""
    try:
        os.close(os.pidfd_open(os.getpid()))
    except (AttributeError, OSError):
        return False
    return True


def reap_until_eof(fd: int) -> None:
    """Z's loop: reap orphans as they end (a run's leftovers are gone, not zombies, soon after
    they are killed: the template waits for that), exit when T's pipe closes (PDEATHSIG normally
    does it; this covers T dying before Z could ask for it)."""
    import _signal
    import select

    def reap(*_: Any) -> None:
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    return
            except ChildProcessError:
                return

    _signal.signal(_signal.SIGCHLD, reap)  # runs between poll's retries (PEP 475)
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    while True:
        if poller.poll(1000):
            os._exit(0)
        reap()


def run_shared(job: dict[str, Any], result_fd: int, out_fd: int, shared: dict[str, Any]) -> None:
    """H's body in shared mode: a fresh uid and work dir inside the template's namespaces."""
    active = isolate.enter_run(job, shared)
    try:
        supervise(job, result_fd, out_fd, active)
    except BaseException as exc:
        write_frame(
            result_fd,
            {"t": "fatal", "err": "sandbox supervisor failed: %s" % describe(exc, job["limits"]), "infra": True},
        )
        cleanup.kill_uid(job["uid"])
        cleanup.kill_uid(job["judge_uid"])
    cleanup.clean_run(job["uid"], shared)


def clean_after(pid: int, status: int, shared: dict[str, Any]) -> None:
    """T, on reaping an H that was killed (the host's backstop) before it cleaned up."""
    if os.WIFSIGNALED(status):
        cleanup.kill_uid(UID_BASE + pid)
        cleanup.kill_uid(UID_BASE + JUDGE_OFFSET + pid)
        cleanup.clean_run(UID_BASE + pid, shared)


WARM_UP = "from typing import List\n\ndef f(x: List[int]) -> int:\n    return sum(x)\n\nf([1])\n"


def warm_up() -> None:
    """Pay first-use costs once here rather than in every run, where each would also copy the
    pages it writes: ctypes resolves a libc function on first access, and the first compile()
    of a process sets up more than later ones (~50 fewer pages copied by a run that compiles)."""
    exec(compile(WARM_UP, "<warm-up>", "exec", dont_inherit=True), {})
    c = isolate.libc()
    for name in ("prctl", "mount", "umount2", "unshare", "shmctl", "msgctl", "semctl", "capset"):
        getattr(c, name)
    # The judge's and the solution's first request and answer (json, the value codec).
    import json

    from . import values

    sample = {"q": 1, "op": "call", "a": [{"__r": 0}, [1, 2.5, "x", None, True]], "k": {}, "t": 1.0}
    line = json.dumps(sample).encode("ascii")
    decoded = json.loads(line)
    values.decode(values.encode(decoded["a"][1], lambda obj, depth: {"__r": 0}), int)
    values.encode((1, {"a": [1]}, {2}, b"x"), lambda obj, depth: {"__r": 0})
    values.plainish(object())


def serve(sock_fd: int) -> None:
    """Server mode ("zygote"): a single-threaded, pre-imported template that forks the runs. It
    sends one byte once ready (see below); then a request is a short message carrying the run's
    pipes, and the reply is the pid of the run's first process:

    - b"run" + (job, result, output) fds: a supervisor H per run, which forks a W per unit;
    - b"one" + (job, reports, output, status) fds, shared mode only: W itself (see `single`);
      b"jud" the same for assert-style tests: the judge J, which forks W (see `judge`);
      the reply carries a pidfd of W too, the host's way to kill it.

    EOF on the socket (the host is gone) ends the server, and every child has PDEATHSIG set, so
    the whole tree follows."""
    import select
    import socket

    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError:
            pass
    shared = prepare_shared()
    warm_up()
    # Children share the template's pages copy-on-write; a frozen heap is not walked (and so
    # not copied) by their garbage collector.
    import gc

    gc.collect()
    gc.freeze()
    sock = socket.socket(fileno=sock_fd)
    null = os.open("/dev/null", os.O_RDWR)
    os.dup2(null, 0)
    poller = select.poll()
    poller.register(sock_fd, select.POLLIN)
    supervisors: set[int] = set()  # H pids, reaped whenever we wake
    singles: dict[int, tuple[int, int]] = {}  # pidfd of a single-process run -> (pid, status fd)
    # Ready; "S": runs make their own work dirs (shared mode), so the host need not.
    sock.sendall(b"S" if shared is not None else b"P")
    while True:
        for fd, _ in poller.poll():
            if fd != sock_fd:
                pid, status_w = singles.pop(fd)
                poller.unregister(fd)
                os.close(fd)
                single.finish(pid, status_w, shared or {}, REAPER)
                continue
            try:
                message, fds, _, _ = socket.recv_fds(sock, 16, 4)
            except OSError:
                os._exit(0)
            if not message:
                os._exit(0)
            pid = _start(sock_fd, message, fds, shared)
            reply = pid.to_bytes(4, "little")
            if pid > 0 and message in SINGLE:
                try:
                    pidfd = os.pidfd_open(pid)
                except OSError:  # out of fds: we could not tell when it ends, so end it now
                    os.kill(pid, SIGKILL)
                    single.finish(pid, fds[3], shared or {}, REAPER)
                    pid, reply = 0, (0).to_bytes(4, "little")
                else:
                    singles[pidfd] = (pid, fds[3])
                    poller.register(pidfd, select.POLLIN)
                fds = fds[:3]
            elif pid > 0:
                supervisors.add(pid)
            for fd in fds:
                os.close(fd)
            if pid > 0 and message in SINGLE:
                socket.send_fds(sock, [reply], [pidfd])  # the host's handle to kill W by
            else:
                sock.sendall(reply)
        for pid in list(supervisors):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 0
            if done:
                supervisors.discard(pid)
                if shared is not None:
                    clean_after(pid, status, shared)


def _start(sock_fd: int, message: bytes, fds: list[int], shared: dict[str, Any] | None) -> int:
    """Fork the run a request asks for; its pid, or 0 for a malformed request."""
    one = message in SINGLE
    if len(fds) != (4 if one else 3) or message not in (b"run", *SINGLE) or (one and shared is None):
        return 0
    me = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    status_w = fds[3] if one else fds[1]  # where a failure before the code runs is reported
    try:
        os.close(sock_fd)  # not sock.close(): less Python, fewer pages copied
        if ALIVE_FD >= 0:
            os.close(ALIVE_FD)
        os.setsid()  # its own process group: the host's backstop kill is one killpg
        prctl(PR_SET_PDEATHSIG, SIGKILL)
        # Did T die before we asked to die with it? (In T's PID namespace our parent reads as 0,
        # and T's death kills Z and so the whole namespace anyway.)
        if ALIVE_FD < 0 and os.getppid() != me:
            os._exit(70)
        if one:
            single.run(fds[0], fds[1], fds[2], fds[3], shared, message == b"jud")  # type: ignore[arg-type]
        else:
            job = marshal.loads(read_frame(fds[0]))
            if job["mode"] == "asserts":
                job["units_fd"] = fds[0]  # the tests: read by the judge only (see judge.py)
            else:
                os.close(fds[0])
            if shared is not None and job.get("namespaces", True):
                run_shared(job, fds[1], fds[2], shared)
            else:
                launch(job, fds[1], fds[2])
    except BaseException as exc:
        err = "sandbox launcher failed: " + describe(exc, {"memory": 0, "nproc": 0})
        write_frame(status_w, {"t": "fatal", "err": err, "infra": True})
    finally:
        os._exit(0)
