"""Shared by every sandbox process and the host: libc, constants, the two wire formats and
one-line errors.

- Frames (trusted: from the supervisor or the template) are marshal-encoded dicts behind a
  4-byte little-endian length: marshal is built in and fast.
- Reports (untrusted: written by W, the process that runs the code, which the code controls)
  are JSON lines: whoever reads them (a supervisor, or the host) parses them with `json`, which
  is safe on hostile input, where marshal is not.
"""

from __future__ import annotations

import json
import marshal
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
MS_NOSUID = 2
MS_NODEV = 4
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
MOUNT_ATTR_RDONLY = 1
AT_FDCWD = -100
AT_RECURSIVE = 0x8000
SYS_MOUNT_SETATTR = 442  # the same number on x86_64 and on the generic table (arm64, riscv)
SIGKILL = 9
UID_BASE = 1000000  # private uids are UID_BASE + a host pid: unique while that process lives
JUDGE_OFFSET = 1 << 22  # an assert-style run's judge: UID_BASE + JUDGE_OFFSET + that pid (above any pid_max)
MAX_REPORTS = 64 * 1024 * 1024  # bytes of reports W may send in one unit of work

_libc: Any = None


def libc() -> Any:
    global _libc
    if _libc is None:
        import ctypes

        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def prctl(option: int, value: int) -> bool:
    return bool(libc().prctl(option, value, 0, 0, 0) == 0)


def privileged() -> bool:
    """Root that can hand runs private uids. Root of a user namespace that maps only a few uids
    (rootless containers) is not: setuid to an unmapped uid fails, so it isolates runs as a
    non-root user would (a user namespace per run)."""
    if os.geteuid() != 0:
        return False
    try:
        with open("/proc/self/uid_map", "rb") as f:
            ranges = [tuple(int(n) for n in line.split()) for line in f if line.strip()]
        with open("/proc/sys/kernel/pid_max", "rb") as f:
            span = int(f.read())
    except (OSError, ValueError):
        return True  # no user namespaces here: real root
    top = UID_BASE + JUDGE_OFFSET + span
    return any(inner <= UID_BASE and top <= inner + count for inner, _, count in ranges)


def host_pid() -> int:
    """Our pid as the host sees it. /proc is the host's procfs (never remounted), so /proc/self
    names us in the host's PID namespace even from inside a new one."""
    try:
        return int(os.readlink("/proc/self"))
    except (OSError, ValueError):
        return os.getpid()


def encode_frame(obj: dict[str, Any]) -> bytes:
    data = marshal.dumps(obj)
    return len(data).to_bytes(4, "little") + data


def write_all(fd: int, data: bytes) -> None:
    while data:
        try:
            n = os.write(fd, data)
        except BrokenPipeError:
            return
        data = data[n:]


def write_frame(fd: int, obj: dict[str, Any]) -> None:
    write_all(fd, encode_frame(obj))


def read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def read_frame(fd: int) -> bytes:
    """One length-prefixed frame from a pipe, reading no further: a job is one or two frames
    (an assert-style run's tests come second, read by the judge only after W was forked)."""
    head = read_exactly(fd, 4)
    return read_exactly(fd, int.from_bytes(head, "little"))


def read_exactly(fd: int, size: int) -> bytes:
    chunks: list[bytes] = []
    while size > 0:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError("the job ended early")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_file(path: str | bytes) -> bytes:
    """A whole (/proc) file with raw reads: open() would build a text-file stack, ~0.1 ms a file
    and tens of copied pages in a forked process. Raises OSError."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return read_all(fd)
    finally:
        os.close(fd)


def read_ready(fd: int, limit: int = 1 << 20) -> bytes:
    """What a pipe holds now (at most `limit` bytes, a pipe's largest size), without waiting: a
    stray process of the code may still hold it open, or keep writing."""
    os.set_blocking(fd, False)
    chunks: list[bytes] = []
    while limit > 0:
        try:
            chunk = os.read(fd, min(limit, 1 << 16))
        except BlockingIOError:
            break
        if not chunk:
            break
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)


class ReportReader:
    """Incremental parser of W's report lines: feed chunks, get the complete reports so far (a
    line that is not a JSON object is dropped: the code may have written it). Partial lines are
    joined only once their end arrives, so a flood without newlines costs linear time."""

    def __init__(self) -> None:
        self.pending: list[bytes] = []
        self.size = 0  # bytes fed so far

    def feed(self, chunk: bytes) -> list[dict[str, Any]]:
        self.size += len(chunk)
        if b"\n" not in chunk:
            self.pending.append(chunk)
            return []
        *lines, rest = (b"".join(self.pending) + chunk).split(b"\n")
        self.pending = [rest]
        reports = []
        for line in lines:
            try:
                report = json.loads(line)
            except (ValueError, RecursionError):
                continue
            if isinstance(report, dict):
                reports.append(report)
        return reports


SIGNALS = {
    24: "CPU time limit of %(cpu)ds exceeded (SIGXCPU)",
    25: "file size limit of %(fsize)d bytes exceeded (SIGXFSZ)",
    9: "killed by SIGKILL (CPU hard limit or out of memory)",
    11: "crashed with SIGSEGV",
}
KILLED = {
    "output": "output exceeded the %(output)d-byte limit",
    "printed": "the code printed more than %(output)d bytes (output limit)",
    "report": "the code flooded the report channel",
    "wall": "the total time limit of %(wall)gs was exceeded",
    "test": "case exceeded its %(test)gs time limit",
}


def ending(killed: str | None, signal: int, code: int, stdio: bool, limits: dict[str, Any]) -> str | None:
    """Why a unit of work ended early, in words (None: it ended normally). `killed` is the
    supervisor's reason to kill it (a key of KILLED), `signal` / `code` how it ended."""
    if killed is not None:
        return KILLED[killed] % limits
    if signal:
        return SIGNALS.get(signal, "killed by signal %d" % signal) % limits
    if stdio and code:
        return "exited with status %d" % code
    return None


def describe(exc: BaseException, limits: dict[str, Any]) -> str:
    """One line for an exception: type, message, and the line of the sandboxed code it came from."""
    name = type(exc).__name__
    if isinstance(exc, MemoryError):
        return "MemoryError: memory limit of %d MB exceeded" % (limits["memory"] >> 20)
    if isinstance(exc, RecursionError):
        return "RecursionError: maximum recursion depth exceeded"
    if isinstance(exc, BlockingIOError) and getattr(exc, "errno", 0) == 11:
        return "BlockingIOError: process limit of %d reached (fork refused)" % limits["nproc"]
    if isinstance(exc, SystemExit):
        return "SystemExit: the code called exit(%r)" % (exc.code,)
    try:
        text = str(exc)
    except BaseException:
        text = "?"
    where = ""
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith("<"):
            where = " (%s line %d)" % (filename.strip("<>"), tb.tb_lineno)
        tb = tb.tb_next
    return "%s: %s%s" % (name, text[:500], where) if text else name + where
