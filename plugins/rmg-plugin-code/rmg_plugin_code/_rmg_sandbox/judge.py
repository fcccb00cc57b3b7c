"""J, the judge of an assert-style run: it runs the test code, in a process the solution's code
never runs in, and is the only one that can report a verdict.

Why: assert-style tests (HumanEval's `check(candidate)`, MBPP's asserts) are Python that calls
the solution, so they used to run in the solution's own interpreter, where the code could find
the report pipe in /proc/self/fd, take the reporting function from a caller's frame, or return
an object whose `__eq__` is always true, and so forge a pass. Here:

- J forks W (the solution's process) *before* it reads the test code, so W's memory never holds
  the tests or their expected values; then it drops to a uid of its own (not W's: W cannot
  signal or ptrace it) and is not dumpable (W cannot open /proc/J/fd or /proc/J/mem).
- The test code runs in J. A name the tests do not define (the function under test, a class of
  the solution, a helper of the prompt) is looked up in W and stands in J for a handle
  (`Remote`): calling it, taking an attribute or iterating asks W over a pipe, and W answers
  with plain data (`values.py`). So `candidate(1) == 2` compares an int J decoded with 2, with
  int's `__eq__`; an object of the solution's own class stays in W, and J compares its handle by
  identity (never equal to an expected value).
- J alone holds the pipe its verdicts go out on (to the host, or to the supervisor); W holds only
  its pipes to J, its stdout and stderr. Whatever W writes to J is read as the answer to the
  request J is waiting for (anything else is dropped): at most a value the code claims its
  function returned, which it could have returned anyway.
- Time: one budget for the whole run (`wall`), each test limited to `test` seconds and to what
  is left of the budget; W enforces the limit on each call (SIGALRM) and J, on its own clock, on
  W: a W that does not answer in time is abandoned (it dies with J) and the tests not run yet
  fail. With `stop` set, the first failed (or timed-out) test ends the run.
"""

from __future__ import annotations

import builtins
import marshal
import os
import time
from json import dumps, loads

from . import solution, values, worker
from .proto import MAX_REPORTS, PR_SET_DUMPABLE, describe, ending, host_pid, prctl, read_frame, write_frame
from .remote import Names, Remote

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

GRACE = 0.25  # seconds J waits beyond a test's limit for W's own TimeoutError


class SolutionError(Exception):
    """An exception of a type J does not know (the solution's own class), raised in W."""


class Stuck(BaseException):
    """W cannot be used any more (it ended, flooded the pipe, or did not answer in time)."""


class Judge:
    def __init__(self, job: dict[str, Any], pid: int, req_fd: int, resp_fd: int) -> None:
        self.job, self.pid, self.req_fd, self.resp_fd = job, pid, req_fd, resp_fd
        self.limits = job["limits"]
        self.seq = 0
        self.pending = bytearray()
        self.dead: str | None = None  # why W cannot be used any more
        self.busy = False
        self.deadline = 0.0  # the current test's end (for W's timer)
        self.test_limit = 0.0
        self.capped = False  # the current test's limit is what was left of the total budget
        self.timed_out = False
        try:
            self.pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self.pidfd = -1
        import select

        self.poller = select.poll()
        self.poller.register(resp_fd, select.POLLIN)
        if self.pidfd >= 0:
            self.poller.register(self.pidfd, select.POLLIN)

    # -- talking to W --------------------------------------------------------------------------

    def encode(self, value: Any) -> Any:
        def ref(obj: Any, depth: int) -> Any:
            if type(obj) is Remote:
                return {"__r": object.__getattribute__(obj, "_n")}
            plain = values.plainish(obj)  # an OrderedDict or a namedtuple of the tests: its builtin value
            if plain is not obj:
                if type(plain) is dict and not isinstance(obj, dict):
                    return plain  # a tagged form (Fraction, Decimal)
                return values.encode(plain, ref, depth)
            raise TypeError(
                "the tests cannot pass a %s to the solution (it runs in another process)" % type(obj).__name__
            )

        return values.encode(value, ref)

    def request(self, op: str, args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None, **fields: Any) -> Any:
        if self.dead is not None:
            raise Stuck(self.dead)
        self.seq += 1
        message = dict(fields, q=self.seq, op=op, a=[self.encode(a) for a in args])
        if kwargs:
            message["k"] = {str(k): self.encode(v) for k, v in kwargs.items()}
        if self.deadline:
            message["t"] = max(0.001, self.deadline - time.monotonic())
        data = dumps(message).encode("ascii") + b"\n"
        self.busy = True
        try:
            while data:
                data = data[os.write(self.req_fd, data) :]
            reply = self.wait(self.seq)
        except BrokenPipeError:
            self.dead = self.ended()
            raise Stuck(self.dead) from None
        finally:
            self.busy = False
        return self.answer(reply, args)

    def answer(self, reply: dict[str, Any], args: tuple[Any, ...]) -> Any:
        if "e" in reply:
            name, text = (list(reply["e"]) + ["", ""])[:2]
            name, text = str(name), str(text)
            if text.startswith(name + ": "):
                text = text[len(name) + 2 :]
            if name == "TimeoutError" and self.deadline and time.monotonic() >= self.deadline - 0.05:
                self.timed_out = True
                raise TimeoutError(self.timeout_text())
            kind = vars(builtins).get(name)
            error: BaseException = SolutionError("%s: %s" % (name, text))
            if isinstance(kind, type) and issubclass(kind, Exception):
                try:
                    error = kind(text)
                except Exception:
                    pass
            raise error
        try:
            value = values.decode(reply.get("v"), self.handle)
            for index, new in reply.get("m", []):
                self.update(args[1 + int(index)], values.decode(new, self.handle))
        except (ValueError, TypeError, KeyError, IndexError, RecursionError, MemoryError):
            raise SolutionError("the solution's process sent a malformed value") from None
        return value

    @staticmethod
    def update(original: Any, new: Any) -> None:
        """Reflect what a call did to a mutable argument (its copy lives in W)."""
        if type(original) is not type(new):
            return
        if type(original) in (list, bytearray):
            original[:] = new
        elif type(original) in (dict, set):
            original.clear()
            original.update(new)

    def timeout_text(self) -> str:
        if self.capped:
            return "the total time limit of %gs was exceeded" % self.limits["wall"]
        return "test exceeded its %gs time limit" % self.test_limit

    def handle(self, n: int) -> Remote:
        return Remote(self, n)

    def wait(self, seq: int) -> dict[str, Any]:
        """The reply to request `seq`: lines that are not it are dropped (W may write anything)."""
        poller = self.poller
        ended = False
        while True:
            while b"\n" in self.pending:
                end = self.pending.index(b"\n")
                line = bytes(self.pending[:end])
                del self.pending[: end + 1]
                try:
                    reply = loads(line)
                except (ValueError, RecursionError):
                    continue
                if isinstance(reply, dict) and reply.get("q") == seq and type(seq) is int:
                    return reply
            if len(self.pending) > MAX_REPORTS:
                self.dead = "the code flooded the report channel"
                raise Stuck(self.dead)
            if ended:
                self.dead = self.ended()
                raise Stuck(self.dead)
            ready = [fd for fd, _ in poller.poll()]
            if self.resp_fd in ready:
                chunk = os.read(self.resp_fd, 1 << 16)
                if chunk:
                    self.pending += chunk
                    continue
                ended = True
            elif ready:  # W has exited: take what is in the pipe (a leftover may hold it open)
                os.set_blocking(self.resp_fd, False)
                try:
                    while True:
                        chunk = os.read(self.resp_fd, 1 << 16)
                        if not chunk:
                            break
                        self.pending += chunk
                except BlockingIOError:
                    pass
                ended = True

    def ended(self) -> str:
        """How W ended, in words (it has, or is about to: it closed its pipe)."""
        if self.pidfd >= 0:
            import select

            poller = select.poll()
            poller.register(self.pidfd, select.POLLIN)
            poller.poll(500)
        try:
            done, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return "the solution's process ended"
        if not done:
            return "the solution's process closed its pipe to the tests"
        signal = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
        how = ending(None, signal, 0, False, self.limits)
        if how is None:
            how = "the program ended before this test ran (exit status %d)" % os.WEXITSTATUS(status)
        return how

    # -- the tests -----------------------------------------------------------------------------

    def run(self, units: list[tuple[str, Any]], report: Any) -> None:
        import _signal

        def on_alarm(signum: int, frame: Any) -> None:
            if self.busy:  # W did not answer within the limit (it blocked or ignored SIGALRM)
                self.dead = "the solution stopped responding after a test exceeded its time limit"
                self.timed_out = True
                raise Stuck(self.dead)
            self.timed_out = True
            raise TimeoutError(self.timeout_text())

        _signal.signal(_signal.SIGALRM, on_alarm)
        limits = self.limits
        end = time.monotonic() + limits["wall"] - 0.1  # J starts after the host's clock: keep inside
        try:
            ready = self.wait(0)
        except Stuck as exc:
            report({"t": "setup", "err": str(exc)})
            return
        if not ready.get("ready"):
            report({"t": "setup", "err": str(ready.get("err") or "the solution failed to run")[:2000]})
            return
        namespace: dict[str, Any] = {"__builtins__": Names(self), "__name__": "tests"}
        stopped: str | None = None
        for index, (kind, source) in enumerate(units):
            if stopped is None:
                left = end - time.monotonic()
                if left <= 0:
                    stopped = "the total time limit of %gs was used up" % limits["wall"]
                elif self.dead is not None:
                    stopped = self.dead
            if stopped is not None:
                if kind == "test":
                    report({"t": "test", "i": index, "err": "not run: " + stopped})
                continue
            self.test_limit = min(limits["test"] or left, left)
            self.capped = not limits["test"] or left < limits["test"]
            self.deadline = time.monotonic() + self.test_limit
            self.timed_out = False
            err = None
            try:
                unit = source
                if isinstance(source, str):
                    unit = compile(
                        source, "<test %d>" % index if kind == "test" else "<test setup>", "exec", dont_inherit=True
                    )
                _signal.setitimer(_signal.ITIMER_REAL, self.test_limit + GRACE)
                try:
                    exec(unit, namespace)
                finally:
                    _signal.setitimer(_signal.ITIMER_REAL, 0)
            except Stuck as exc:
                err = str(exc)
            except BaseException as exc:
                err = describe(exc, limits)
                if self.dead is not None:
                    err = self.dead
            if kind != "test":
                if err is not None:
                    report({"t": "setup", "err": "test setup failed: " + err})
                    return
                continue
            report({"t": "test", "i": index, "err": err})
            if err is not None and self.job.get("stop_first_failure"):
                stopped = "an earlier test failed (all or nothing: the score cannot change)"
            elif self.timed_out and self.job.get("stop_after_timeout"):
                stopped = "an earlier test exceeded its time limit"


def run(job: dict[str, Any], units_fd: int, report_fd: int, out_fd: int, stdin_fd: int, nonce: int = 0) -> None:
    """J's body in a supervised run (H forked it; the job read, the work dir mounted): fork W,
    then read the tests, give up everything, judge, and end W. Never returns."""
    req_r, req_w = os.pipe()
    resp_r, resp_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # W: the test code is not in this process's memory (not read yet)
        try:
            worker.enter(job, (req_r, resp_w), stdin_fd, out_fd, out_fd)
            solution.run(job, req_r, resp_w)
        finally:
            os._exit(0)
    os.close(req_r)
    os.close(resp_w)
    judge(job, pid, units_fd, report_fd, req_w, resp_r, out_fd, stdin_fd, nonce)


def run_single(job_fd: int, report_fd: int, out_fd: int, status_w: int, shared: dict[str, Any]) -> None:
    """J's body in a single run (the template forked it; nothing read yet): fork W at once, so
    that neither process copies pages the other dirtied first (each page J wrote before a fork
    would fault again in J after it). W, still root, reads the job, sets up the run (uid, root,
    work dir, named after J's pid, which the template cleans up by), reports the protections,
    and hands the job to J on a pipe before it drops everything and runs the code; J then reads
    the tests, which W never sees. Never returns."""
    from . import isolate

    me = host_pid()  # the run's uid is UID_BASE + this (the template's child is J)
    req_r, req_w = os.pipe()
    resp_r, resp_w = os.pipe()
    hand_r, hand_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # W
        try:
            os.close(hand_r)
            job = marshal.loads(read_frame(job_fd))
            try:
                active = isolate.enter_run(job, shared, me)
            except BaseException as exc:
                err = "sandbox launcher failed: " + describe(exc, {"memory": 0, "nproc": 0})
                write_frame(status_w, {"t": "fatal", "err": err, "infra": True})
                os._exit(0)
            write_frame(status_w, {"t": "env", "active": active})
            write_frame(hand_w, job)  # before any code runs: J may trust it
            worker.enter(job, (req_r, resp_w), 0, out_fd, out_fd)
            solution.run(job, req_r, resp_w)
        finally:
            os._exit(0)
    for fd in (hand_w, req_r, resp_w, status_w):
        os.close(fd)
    try:
        job = marshal.loads(read_frame(hand_r))
    except (EOFError, ValueError):
        os._exit(0)  # W failed to set the run up: it said so on the status pipe
    os.close(hand_r)
    if shared.get("root"):
        os.chroot(shared["root"])
    judge(job, pid, job_fd, report_fd, req_w, resp_r, out_fd, 0, 0)


def judge(
    job: dict[str, Any],
    pid: int,
    units_fd: int,
    report_fd: int,
    req_w: int,
    resp_r: int,
    out_fd: int,
    stdin_fd: int,
    nonce: int,
) -> None:
    """J once W is forked: read the tests, give up everything, judge, end W. Never returns."""
    units = marshal.loads(read_frame(units_fd))
    judge_job = dict(job, uid=job.get("judge_uid"), workdir="/", guards=False)
    if not judge_job["uid"]:
        judge_job.pop("uid")
    worker.enter(judge_job, (report_fd, req_w, resp_r), stdin_fd, out_fd, out_fd)
    import sys

    sys.path[:] = [p for p in sys.path if p] + list(job["path"])  # the tests may import numpy & co.
    sys.dont_write_bytecode = True
    prctl(PR_SET_DUMPABLE, 0)  # W may share our uid (no private uids): no /proc/J/fd, no ptrace
    judge = Judge(job, pid, req_w, resp_r)

    def report(obj: dict[str, Any]) -> None:
        obj["nonce"] = nonce
        data = dumps(obj).encode("ascii") + b"\n"
        while data:
            data = data[os.write(report_fd, data) :]

    try:
        judge.run(units, report)
    finally:
        try:
            sys.stdout.flush()
        except BaseException:
            pass
        os.close(req_w)  # W reads EOF and exits; if it does not, it dies with us (PDEATHSIG)
        if judge.dead is None:
            import _signal

            _signal.signal(_signal.SIGALRM, lambda *_: os._exit(0))
            _signal.setitimer(_signal.ITIMER_REAL, 0.5)
            try:
                os.waitpid(pid, 0)
            except OSError:
                pass
        os._exit(0)
