"""W's side of an assert-style run: load the solution, then answer the judge's requests.

The test code never comes here (see `judge.py`): W runs the solution and whatever the judge asks
of it (look up a name, call a function, take an attribute, iterate...), and answers with the
value as tagged JSON (`values.py`) on a pipe to the judge. Everything W writes is untrusted: the
judge takes from it only the values of the expressions it asked about, which is no more than
what the code could return anyway.
"""

from __future__ import annotations

import os
import sys
from json import dumps, loads

from . import values
from .proto import describe

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_REQUEST = 1 << 30


class Server:
    def __init__(self, job: dict[str, Any], req_fd: int, resp_fd: int) -> None:
        self.job, self.req_fd, self.resp_fd = job, req_fd, resp_fd
        self.handles: list[Any] = []
        self.pending = b""

    # -- wire --------------------------------------------------------------------------------

    def send(self, obj: dict[str, Any]) -> None:
        data = dumps(obj).encode("ascii") + b"\n"
        while data:
            data = data[os.write(self.resp_fd, data) :]

    def receive(self) -> Any:
        while b"\n" not in self.pending:
            chunk = os.read(self.req_fd, 1 << 16)
            if not chunk or len(self.pending) > MAX_REQUEST:
                os._exit(0)  # the judge is done (or gone): nothing more to answer
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return loads(line)

    def encode(self, value: Any) -> Any:
        def ref(obj: Any, depth: int) -> Any:
            plain = values.plainish(obj)
            if plain is not obj:
                if type(plain) is dict and not isinstance(obj, dict):
                    return plain  # a tagged form (Fraction, Decimal)
                return values.encode(plain, ref, depth)
            self.handles.append(obj)
            return {"__r": len(self.handles) - 1}

        return values.encode(value, ref)

    def decode(self, data: Any) -> Any:
        return values.decode(data, self.handles.__getitem__)

    # -- work --------------------------------------------------------------------------------

    def serve(self, namespace: dict[str, Any], timed: Any) -> None:
        """Answer requests until the judge closes the pipe."""
        self.send({"q": 0, "ready": True})
        me = os.getpid()
        while True:
            request = self.receive()
            seq = request.get("q")
            reply: dict[str, Any] = {"q": seq}
            args: list[Any] = []
            try:
                op = request["op"]
                args = [self.decode(a) for a in request.get("a", [])]
                kwargs = {k: self.decode(v) for k, v in request.get("k", {}).items()}
                value = timed(lambda: self.perform(op, namespace, request, args, kwargs), request.get("t") or 0)
                reply["v"] = self.encode(value)
                if op == "call":  # what the call did to mutable arguments (sorted in place...)
                    changed = [
                        [i, self.encode(a)] for i, a in enumerate(args[1:]) if type(a) in (list, dict, set, bytearray)
                    ]
                    if changed:
                        reply["m"] = changed
            except BaseException as exc:
                if os.getpid() != me:
                    os._exit(0)
                reply.pop("v", None)
                reply["e"] = [type(exc).__name__, describe(exc, self.job["limits"])]
            if os.getpid() != me:
                os._exit(0)  # a fork of W must not speak for W
            try:
                self.send(reply)
            except (ValueError, RecursionError):
                self.send({"q": seq, "e": ["ValueError", "the value cannot be sent to the tests"]})

    def perform(
        self, op: str, namespace: dict[str, Any], request: dict[str, Any], args: list[Any], kwargs: dict[str, Any]
    ) -> Any:
        if op == "get":
            name = request["n"]
            if name not in namespace:
                raise NameError("name %r is not defined" % name)
            return namespace[name]
        target = args[0]
        if op == "call":
            return target(*args[1:], **kwargs)
        if op == "attr":
            return getattr(target, request["n"])
        if op == "iter":
            return iter(target)
        if op == "next":
            return next(target)
        if op == "bool":
            return bool(target)
        if op == "len":
            return len(target)
        if op == "repr":
            return repr(target)[:10000]
        if op == "str":
            return str(target)[:10000]
        if op == "item":
            return target[args[1]]
        if op == "contains":
            return args[1] in target
        raise ValueError("unknown request %r" % op)


def make_timer() -> Any:
    """`timed(func, seconds)`: func() with SIGALRM after `seconds` (0: no limit), raising
    TimeoutError in the code (best effort: the judge enforces the limit whatever W does)."""
    import _signal

    def on_alarm(signum: int, frame: Any) -> None:
        raise TimeoutError("the call exceeded the test's time limit")

    _signal.signal(_signal.SIGALRM, on_alarm)

    def timed(func: Any, seconds: float) -> Any:
        if seconds > 0:
            _signal.setitimer(_signal.ITIMER_REAL, seconds)
        try:
            return func()
        finally:
            if seconds > 0:
                _signal.setitimer(_signal.ITIMER_REAL, 0)

    return timed


def run(job: dict[str, Any], req_fd: int, resp_fd: int) -> None:
    """W's body once `worker.enter` is done: the solution, the reference's own setup, then serve."""
    server = Server(job, req_fd, resp_fd)
    limits = job["limits"]
    sys.dont_write_bytecode = True
    sys.path[:] = [job["workdir"]] + [p for p in sys.path if p] + list(job["path"])
    sys.setrecursionlimit(10000)
    module = type(sys)("solution")
    module.__file__ = job["workdir"] + "/solution.py"
    sys.modules["solution"] = module
    namespace = module.__dict__
    me = os.getpid()
    stage = "the solution failed to run: "
    try:
        source = job["code"]
        code = compile(source, "<solution>", "exec", dont_inherit=True) if isinstance(source, str) else source
        exec(code, namespace)
        stage = "test setup failed: "
        for unit in job.get("setup", []):  # the reference's imports (MBPP test_imports), as before
            if isinstance(unit, str):
                unit = compile(unit, "<test setup>", "exec", dont_inherit=True)
            exec(unit, namespace)
        failure = None
    except BaseException as exc:
        failure = stage + describe(exc, limits)
    if os.getpid() != me:
        os._exit(0)
    try:
        sys.stdout.flush()
    except BaseException:
        pass
    if failure is not None:
        server.send({"q": 0, "ready": False, "err": failure})
        os._exit(0)
    server.serve(namespace, make_timer())
    os._exit(0)
