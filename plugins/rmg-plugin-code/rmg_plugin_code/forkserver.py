"""The host's side of the sandbox's fork server: the template interpreter that forks the runs.

One template per process (a pool worker, or any process that calls `sandbox.run`), started on
first use; see `_rmg_sandbox/template.serve` for its side and `sandbox` for why it exists.
"""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

__all__ = ["HARNESS", "ForkServer", "environment", "get_server", "reset_server", "site_paths"]

HARNESS = str(Path(__file__).with_name("_harness.py"))


def site_paths() -> list[str]:
    return list(_site_paths_of(tuple(sys.path)))


@functools.lru_cache(maxsize=4)
def _site_paths_of(path: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p for p in path if p and ("site-packages" in p or "dist-packages" in p) and os.path.isdir(p))


def environment(workdir: str) -> dict[str, str]:
    # Nothing of the host's environment (keys, tokens, proxies) reaches the code.
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir,
        "TMPDIR": workdir,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


class ForkServer:
    """A pre-imported template interpreter that forks one sandbox per request (see _rmg_sandbox/template.serve).

    One per process (re-created after a fork: a child must not share its parent's server). It
    dies when the socket closes, i.e. with this process, whatever kills it."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-S", HARNESS, "--serve", str(theirs.fileno()), *site_paths()],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd="/",
                env=environment("/nonexistent"),
                start_new_session=True,
            )
        finally:
            theirs.close()
        self.sock = ours
        self.owner = os.getpid()
        self.lock = threading.Lock()
        hello = _recv_exactly(ours, 1)
        # Shared mode: each run mounts its own work dir in the template's namespaces, so the host
        # need not make (and remove) one.
        self.shared = hello == b"S"

    def spawn(self, kind: bytes, fds: list[int]) -> tuple[int, int]:
        """Ask for a run: b"run" (a supervisor; job, result and output pipes) or b"one" (a single
        process, shared mode only; job, report, output and status pipes; b"jud": the same with a
        judge process for assert-style tests). Returns its pid and,
        for b"one", a pidfd of it (-1 otherwise): a signal through it cannot hit a process that
        took over the pid after the template reaped the run."""
        with self.lock:
            socket.send_fds(self.sock, [kind], fds)
            data, pidfds, _, _ = socket.recv_fds(self.sock, 4, 1)
            if not data:
                raise OSError("the sandbox server closed its socket")
            data += _recv_exactly(self.sock, 4 - len(data))
        pid = int.from_bytes(data, "little")
        if pid <= 0:
            for fd in pidfds:
                os.close(fd)
            raise OSError("the sandbox server refused the request")
        return pid, (pidfds[0] if pidfds else -1)

    def close(self) -> None:
        self.sock.close()
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise OSError("the sandbox server closed its socket")
        data += chunk
    return data


_server: ForkServer | None = None
_server_lock = threading.Lock()


def get_server() -> ForkServer:
    global _server
    with _server_lock:
        if _server is None or _server.owner != os.getpid() or _server.proc.poll() is not None:
            _server = ForkServer()
        return _server


def reset_server() -> None:
    global _server
    with _server_lock:
        if _server is not None and _server.owner == os.getpid():
            _server.close()
        _server = None
