"""W: the process that runs the untrusted code (forked by the template, the supervisor or the
judge). `enter` is shared with the judge J, which gives up the same things before the tests run.

It gives up everything before the code runs: root (a private uid of the run), new privileges
(no setuid binaries), every inherited fd but its own pipes and stdio, the host's environment;
then it sets the resource limits. For function calls and stdin/stdout it runs the solution
and reports return values / a case's end as JSON lines (see proto), tagged with the run's
nonce; for assert-style tests `solution.py` takes over (the tests run in J)."""

from __future__ import annotations

import os
import sys
from json import dumps

from .proto import PR_SET_NO_NEW_PRIVS, PR_SET_PDEATHSIG, SIGKILL, describe, libc, prctl, write_all

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


# The template's environment, which the host scrubbed as it does a run's: a run's usually differs
# only in HOME and TMPDIR. Nothing in the template or the supervisor changes os.environ.
BASE_ENV = dict(os.environ)


def set_environment(env: dict[str, str]) -> None:
    """Make os.environ (and the C environment) exactly `env`, touching only the keys that differ:
    os.environ's generic clear() and update() run enough Python to copy ~90 pages."""
    if env.keys() != BASE_ENV.keys():
        os.environ.clear()
        os.environ.update(env)
        return
    for key, value in env.items():
        if BASE_ENV[key] != value:
            os.environ[key] = value


def drop_capabilities() -> None:
    """Give up the capabilities a user namespace's creator holds in it (all of them), which
    would let the code undo the namespace's read-only mounts. Raises if the kernel refuses."""
    import ctypes

    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    sets = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable x 2 words: all empty
    if libc().capset(header, sets) != 0:
        raise OSError(ctypes.get_errno(), "capset: cannot drop the user namespace's capabilities")


def limit_self(limits: dict[str, Any]) -> None:
    import resource

    def setlimit(which: int, soft: int, hard: int | None = None) -> None:
        try:
            resource.setrlimit(which, (soft, soft if hard is None else hard))
        except (ValueError, OSError):
            pass

    setlimit(resource.RLIMIT_CPU, limits["cpu"], limits["cpu"] + 1)
    setlimit(resource.RLIMIT_AS, limits["memory"])
    setlimit(resource.RLIMIT_FSIZE, limits["fsize"])
    setlimit(resource.RLIMIT_CORE, 0)
    setlimit(resource.RLIMIT_NOFILE, 256)
    setlimit(resource.RLIMIT_NPROC, limits["nproc"])


def drop_privileges(uid: int) -> None:
    """Become the run's private uid for good (real, effective and saved ids): RLIMIT_NPROC then
    binds, host files are read-only, and only this run's processes can be signalled."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def install_guards(netns: bool) -> None:
    """Audit hooks: refuse signals to the supervisor or to whole process groups (so the attempt
    fails loudly instead of being silently ignored), and refuse sockets when there is no network
    namespace (a weaker fallback: ctypes can get around it)."""
    parent = os.getppid()
    network = ("socket.connect", "socket.bind", "socket.sendto", "socket.getaddrinfo")

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "os.kill" or event == "os.killpg":
            pid = args[0]
            if event == "os.killpg" or pid <= 1 or pid == parent:
                raise PermissionError("the sandbox does not allow signalling pid %d" % pid)
        elif not netns and event in network:
            raise PermissionError("network access is disabled in the sandbox")

    sys.addaudithook(hook)


def enter(job: dict[str, Any], keep: int | tuple[int, ...], stdin_fd: int, stdout_fd: int, stderr_fd: int) -> None:
    """Everything between fork and the first line of untrusted code (or of the tests, for the
    judge): `keep` are the fds it keeps besides stdio (its report pipe, or its pipes to the judge)."""
    for target, fd in ((0, stdin_fd), (1, stdout_fd), (2, stderr_fd)):
        if fd != target:
            os.dup2(fd, target)
    # Only stdio and `keep` stay open: no host pipe, socket or template fd leaks in.
    low = 3
    for fd in sorted((keep,) if isinstance(keep, int) else keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 1 << 16)
    if job.get("uid"):
        drop_privileges(job["uid"])
    elif job.get("userns"):
        drop_capabilities()
    prctl(PR_SET_PDEATHSIG, SIGKILL)  # after the uid change, which clears it
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    os.chdir(job["workdir"])
    if job.get("guards", True):  # not for the judge: no untrusted code runs there, its environment
        set_environment(job["env"])  # is the template's (scrubbed too), and no audit hook is needed
    limit_self(job["limits"])
    if job.get("guards", True):
        install_guards(job["netns"])


def run_worker(job: dict[str, Any], report_fd: int, nonce: int, case: int | None) -> None:
    """W's body once `enter` is done: run the solution and the unit(s) of work, report, exit."""
    limits = job["limits"]
    sys.dont_write_bytecode = True
    sys.path[:] = [job["workdir"]] + [p for p in sys.path if p] + list(job["path"])
    sys.setrecursionlimit(10000)
    me = os.getpid()

    def report(obj: dict[str, Any]) -> None:
        if os.getpid() == me:  # a fork of W must not speak for W
            obj["nonce"] = nonce
            write_all(report_fd, dumps(obj).encode("ascii") + b"\n")  # ASCII: dumps escapes the rest

    mode = job["mode"]
    module = type(sys)("__main__" if mode == "stdio" else "solution")
    module.__file__ = job["workdir"] + "/solution.py"
    sys.modules[module.__name__] = module
    namespace = module.__dict__
    timed = _timer(limits["test"])

    # The solution itself.
    try:
        source = job["code"]  # source, or the code object the host compiled as this would
        code = compile(source, "<solution>", "exec", dont_inherit=True) if isinstance(source, str) else source
        if mode == "stdio":
            timed(lambda: exec(code, namespace))
        else:
            exec(code, namespace)
        sys.stdout.flush()
        failure = None
    except SystemExit as exc:
        failure = None if (mode == "stdio" and exc.code in (None, 0)) else describe(exc, limits)
    except BaseException as exc:
        failure = describe(exc, limits)
    if os.getpid() != me:
        os._exit(0)
    if mode == "stdio":
        _flush()
        report({"t": "case", "i": case, "err": failure})
        os._exit(0)
    if failure is not None:
        _flush()
        report({"t": "setup", "err": "the solution failed to run: " + failure})
        os._exit(0)
    if mode == "asserts":
        _run_asserts(job, namespace, timed, report, me)
    else:
        _run_calls(job, namespace, timed, report, me)
    _flush()
    os._exit(0)


def _timer(test_timeout: float) -> Callable[..., Any]:
    """A wrapper that limits one call to `test_timeout` seconds (or the `seconds` given) with
    SIGALRM (best effort: the supervisor, or the host, enforces the total limit whatever the
    code does with the signal)."""
    current = ["test exceeded its %gs time limit" % test_timeout]
    try:
        import _signal

        def on_alarm(signum: int, frame: Any) -> None:
            raise TimeoutError(current[0])

        _signal.signal(_signal.SIGALRM, on_alarm)
        timer = _signal.setitimer
        real = _signal.ITIMER_REAL
    except Exception:
        timer = None

    def timed(func: Callable[[], Any], seconds: float | None = None, message: str | None = None) -> Any:
        limit = test_timeout if seconds is None else seconds
        current[0] = message or "test exceeded its %gs time limit" % limit
        if timer is not None and limit:
            timer(real, limit)
        try:
            return func()
        finally:
            if timer is not None and limit:
                timer(real, 0)

    return timed


def _flush() -> None:
    try:
        sys.stdout.flush()
    except BaseException:
        pass


def _run_asserts(job: dict[str, Any], namespace: dict[str, Any], timed: Any, report: Any, me: int) -> None:
    limits = job["limits"]
    for index, (kind, source) in enumerate(job["units"]):
        try:
            unit = source
            if isinstance(source, str):
                unit = compile(
                    source, "<test %d>" % index if kind == "test" else "<test setup>", "exec", dont_inherit=True
                )  # not this module's __future__ flags
            timed(lambda: exec(unit, namespace))
            err = None
        except BaseException as exc:
            err = describe(exc, limits)
        if os.getpid() != me:
            os._exit(0)
        if kind == "test":
            report({"t": "test", "i": index, "err": err})
        elif err is not None:
            report({"t": "setup", "err": "test setup failed: " + err})
            os._exit(0)


def _run_calls(job: dict[str, Any], namespace: dict[str, Any], timed: Any, report: Any, me: int) -> None:
    limits = job["limits"]
    fn_name = job["fn_name"]
    target = namespace.get(fn_name)
    if not callable(target) and callable(namespace.get("Solution")):
        try:
            target = getattr(namespace["Solution"](), fn_name, None)
        except BaseException as exc:
            report({"t": "setup", "err": "Solution() failed: " + describe(exc, limits)})
            os._exit(0)
    if not callable(target):
        report({"t": "setup", "err": "the solution defines no function %r" % fn_name})
        os._exit(0)
    import time

    end = time.monotonic() + limits["wall"] - 0.1  # one budget for all the calls (the host's clock started first)
    stopped = None
    for index, (args, kwargs) in enumerate(job["calls"]):
        left = end - time.monotonic()
        if stopped is None and left <= 0:
            stopped = "the total time limit of %gs was used up" % limits["wall"]
        if stopped is not None:
            report({"t": "test", "i": index, "err": "not run: " + stopped, "value": None})
            continue
        timed_out = False
        try:
            capped = not limits["test"] or left < limits["test"]
            message = "the total time limit of %gs was exceeded" % limits["wall"] if capped else None
            value = plain(timed(lambda: target(*args, **kwargs), min(limits["test"] or left, left), message))
            err = None
        except BaseException as exc:
            value, err = None, describe(exc, limits)
            timed_out = isinstance(exc, TimeoutError) and "time limit" in err
        if os.getpid() != me:
            os._exit(0)
        report({"t": "test", "i": index, "err": err, "value": value})
        if err is not None and job.get("stop_first_failure"):
            stopped = "an earlier test failed (all or nothing: the score cannot change)"
        elif timed_out and job.get("stop_after_timeout"):
            stopped = "an earlier test exceeded its time limit"


def plain(value: Any, depth: int = 0) -> Any:
    """A JSON-safe copy of a return value (tuples become lists, bytes Latin-1 text; unknown
    objects their repr)."""
    if depth > 50:
        return "<too deep>"
    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4000:
            return "<int too large>"
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v, depth + 1) for v in value[:100000]]
    if isinstance(value, (set, frozenset)):
        items = [plain(v, depth + 1) for v in value]
        try:
            return {"__set__": sorted(items, key=repr)}
        except BaseException:
            return {"__set__": items}
    if isinstance(value, dict):
        return {"__dict__": [[plain(k, depth + 1), plain(v, depth + 1)] for k, v in value.items()]}
    if isinstance(value, bytes):
        return {"__bytes__": value[:100000].decode("latin-1")}
    try:
        return {"__repr__": repr(value)[:10000]}
    except BaseException:
        return {"__repr__": "<unrepresentable>"}
