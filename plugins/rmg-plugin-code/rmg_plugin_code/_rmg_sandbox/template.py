"""The process tree around a run, in its two modes.

- `serve` (server mode, the default): a pre-imported template process T that forks one
  supervisor H per request. As root, T enters new PID / network / mount / IPC namespaces once
  and mounts the private tmpfs once; its first child Z is PID 1 of the new PID namespace and
  only reaps orphans, and every H is born inside that namespace. A run is then two forks
  (T -> H -> W), a fresh private uid, a fresh tmpfs work dir, and a kill of that uid at the end.
  When T's host closes the socket, T exits, Z dies with it (PDEATHSIG), and the kernel kills
  everything left in the namespace.
- `main` (direct mode) and the fallback when the shared setup is not possible (no root, a
  closed Python directory, a failed mount): each run unshares what it can and its supervisor
  C is PID 1 of a namespace of its own (H -> C -> W), as a fresh interpreter would.
"""

from __future__ import annotations

import marshal
import os
import sys

from . import isolate
from .proto import (
    PR_SET_PDEATHSIG, SIGKILL, UID_BASE, describe, host_pid, prctl, privileged, read_all, write_frame,
)
from .supervisor import supervise

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Modules most solutions import (HumanEval starts with `from typing import List`, which alone costs
# ~25 ms): the template imports them once, every run gets them for free.
PRELOAD = ("typing", "collections", "math", "re", "itertools", "functools", "heapq", "bisect", "string",
           "random", "fractions", "decimal", "copy", "json", "resource", "_signal", "select", "time")
RUNS = "/tmp/.rmg-runs"  # inside the template's mount namespace only
ALIVE_FD = -1  # the template's end of its PID 1's lifeline, when it made a PID namespace


# -- per-run isolation (direct mode and fallback) ----------------------------------------------------


def launch(job: dict[str, Any], result_fd: int, out_fd: int) -> None:
    """H's body in per-run mode: unshare, fork the supervisor C, report C's abnormal death."""
    # A uid of our own (from our unique pid): concurrent runs cannot signal each other, and
    # RLIMIT_NPROC counts only this run's processes.
    uid = UID_BASE + host_pid()
    root = privileged()
    active: dict[str, Any] = isolate.unshare_ladder(root) if job.get("namespaces", True) else {}
    active["netns"] = job["netns"] = bool(active.get("netns"))
    pid = os.fork()
    if pid == 0:
        try:
            prctl(PR_SET_PDEATHSIG, SIGKILL)
            if active.get("mountns"):
                if isolate.mount_shared_dirs(list(job["path"]), active):
                    isolate.mount_workdir(job["workdir"], job["limits"]["disk"], active)
            if "closed" not in active:
                active["closed"] = [p for p in isolate.needed_paths(list(job["path"])) if isolate.closed_ancestor(p)]
            if root:
                if active["closed"]:
                    closed = active["closed"][0]
                    active["nodrop"] = "Python lives under a directory other users cannot read: %s" % closed
                else:
                    os.chown(job["workdir"], uid, uid)
                    job["uid"] = active["uid"] = uid
            active.pop("hidden", None)
            supervise(job, result_fd, out_fd, active)
        except BaseException as exc:  # noqa: BLE001 - reported, never raised
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
    job = marshal.loads(read_all(0))
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    launch(job, result_fd, 1)
    os._exit(0)


# -- shared isolation (server mode as root) ----------------------------------------------------------


def prepare_shared() -> dict[str, Any] | None:
    """Enter the namespaces once for all runs of this template and start their PID 1 (Z).
    None when the shared setup is not possible here: every run then isolates itself."""
    global ALIVE_FD
    if not privileged():
        return None
    active: dict[str, Any] = isolate.unshare_ladder(True)
    if active.get("pidns"):
        # Our children are born in the new PID namespace from now on, whatever happens below:
        # it needs a PID 1 that lives as long as we do, or the first run's exit would end it.
        alive_r, ALIVE_FD = os.pipe()  # we hold the write end for life: Z sees EOF when we are gone
        if os.fork() == 0:  # Z
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
    # Work dirs go in a directory the sandbox uids cannot write (so no run can plant a symlink
    # where a later run's work dir will be mounted), on the namespace's private /tmp.
    os.mkdir(RUNS, 0o711)
    active["shared"] = True
    return active


def reap_until_eof(fd: int) -> None:
    """Z's loop: reap orphans (at least once a second), exit when T's pipe closes (PDEATHSIG
    normally does it; this covers T dying before Z could ask for it)."""
    import select

    poller = select.poll()
    poller.register(fd, select.POLLIN)
    while True:
        if poller.poll(1000):
            os._exit(0)
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break


def run_shared(job: dict[str, Any], result_fd: int, out_fd: int, shared: dict[str, Any]) -> None:
    """H's body in shared mode: a fresh uid and work dir inside the template's namespaces."""
    uid = UID_BASE + host_pid()
    active = dict(shared)
    job["netns"] = True
    # The work dir lives only inside our mount namespace; its name comes from the uid, so the
    # template can find and unmount it if this process is ever killed before it cleans up.
    job["workdir"] = workdir = "%s/%d" % (RUNS, uid)
    job["env"] = dict(job["env"], HOME=workdir, TMPDIR=workdir)
    isolate.mount_workdir(workdir, job["limits"]["disk"], active)
    os.chown(workdir, uid, uid)
    job["uid"] = active["uid"] = uid
    del active["hidden"]
    try:
        supervise(job, result_fd, out_fd, active)
    except BaseException as exc:  # noqa: BLE001 - reported, never raised
        write_frame(result_fd, {"t": "fatal", "err": "sandbox supervisor failed: %s" % describe(exc, job["limits"]),
                                "infra": True})
        isolate.kill_uid(uid)
    isolate.unmount_workdir(workdir)
    isolate.remove_owned(shared.get("hidden", []), uid)
    isolate.remove_ipc(uid)


def clean_after(pid: int, status: int, shared: dict[str, Any]) -> None:
    """T, on reaping an H that was killed (the host's backstop) before it cleaned up."""
    if os.WIFSIGNALED(status):
        uid = UID_BASE + pid
        isolate.kill_uid(uid)
        if os.path.isdir("%s/%d" % (RUNS, uid)):
            isolate.unmount_workdir("%s/%d" % (RUNS, uid))
        isolate.remove_owned(shared.get("hidden", []), uid)
        isolate.remove_ipc(uid)


WARM_UP = "from typing import List\n\ndef f(x: List[int]) -> int:\n    return sum(x)\n\nf([1])\n"


def warm_up() -> None:
    """Pay first-use costs once here rather than in every run, where each would also copy the
    pages it writes: ctypes resolves a libc function on first access, and the first compile()
    of a process sets up more than later ones (~50 fewer pages copied by a run that compiles)."""
    exec(compile(WARM_UP, "<warm-up>", "exec", dont_inherit=True), {})  # noqa: S102 - our own constant
    c = isolate.libc()
    for name in ("prctl", "mount", "umount2", "unshare", "shmctl", "msgctl", "semctl"):
        getattr(c, name)


def serve(sock_fd: int) -> None:
    """Server mode ("zygote"): a single-threaded, pre-imported template that forks one H per
    request. It sends one byte once ready (see below); then a request is a short message carrying
    three fds (job pipe, result pipe, output pipe), and the reply is H's pid. EOF on the socket
    (the host is gone) ends the server, and every H has PDEATHSIG set, so the whole tree follows."""
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
    me = os.getpid()
    null = os.open("/dev/null", os.O_RDWR)
    os.dup2(null, 0)
    # Ready; "S": runs make their own work dirs (shared mode), so the host need not.
    sock.sendall(b"S" if shared is not None else b"P")
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(sock, 16, 3)
        except OSError:
            os._exit(0)
        while True:  # reap finished runs
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if shared is not None:
                clean_after(pid, status, shared)
        if not message:
            os._exit(0)
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            sock.sendall((0).to_bytes(4, "little"))
            continue
        job_r, result_w, out_w = fds
        pid = os.fork()
        if pid == 0:
            try:
                os.close(sock_fd)  # not sock.close(): less Python, fewer pages copied
                if ALIVE_FD >= 0:
                    os.close(ALIVE_FD)
                os.setsid()  # its own process group: the host's backstop kill is one killpg
                prctl(PR_SET_PDEATHSIG, SIGKILL)
                # Did T die before we asked to die with it? (In T's PID namespace our
                # parent reads as 0, and T's death kills Z and so the whole namespace anyway.)
                if ALIVE_FD < 0 and os.getppid() != me:
                    os._exit(70)
                job = marshal.loads(read_all(job_r))
                os.close(job_r)
                if shared is not None and job.get("namespaces", True):
                    run_shared(job, result_w, out_w, shared)
                else:
                    launch(job, result_w, out_w)
            except BaseException as exc:  # noqa: BLE001 - reported, never raised
                err = "sandbox launcher failed: " + describe(exc, {"memory": 0, "nproc": 0})
                write_frame(result_w, {"t": "fatal", "err": err, "infra": True})
            finally:
                os._exit(0)
        for fd in fds:
            os.close(fd)
        sock.sendall(pid.to_bytes(4, "little"))
