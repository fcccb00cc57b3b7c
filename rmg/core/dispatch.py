"""Model rewards in several processes, for when one process's CPU bounds the judge calls.

A judge call costs about 1 ms of client CPU (most of it the official `openai` SDK building the
request and handling the HTTP exchange), so one event loop tops out near 1,000 calls/s against
a fast endpoint. `Runner(model_processes=N)` hands model-reward evaluations to N child
processes, each with its own event loop and HTTP clients; the runner's `concurrency` and
timeouts still apply, in the parent.

Children are started with multiprocessing's "spawn" (a fresh interpreter: forking a process that
runs threads and event loops copies their locks mid-use), so rewards travel pickled, once, at
start, and samples and results travel pickled per call over a pipe. Per child, one thread in the
parent writes and one reads, so the caller's event loop never blocks on a pipe, and the pool
works from any loop or thread (futures are `concurrent.futures.Future`). A child that dies fails
its calls in flight with an error naming its exit code, and is replaced for later calls. A child
whose parent dies sees its pipe close and exits.

Token usage travels in each `RewardResult.usage`; a model object's own running total (`.usage`)
in the parent does not see the children's calls.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import pickle
import queue
import threading
from concurrent.futures import Future
from typing import Any

from .reward import Reward
from .schema import RewardResult, Sample

__all__ = ["ModelProcessPool", "check_picklable"]

_READY = -1  # the task id of a child's first message: rewards loaded

_STOP = pickle.dumps(("stop", _READY, None, None))  # ends a child; its writer's last message
_RESTARTS = 3  # replacements per slot, pooled: a reward that kills its process every time must not respawn forever


def check_picklable(rewards: list[Reward]) -> bytes:
    """The rewards pickled; a ValueError names a reward that cannot be sent to a process."""
    try:
        return pickle.dumps(rewards)
    except Exception:
        pass
    for reward in rewards:
        try:
            pickle.dumps(reward)
        except Exception as exc:
            raise ValueError(
                f"model_processes > 1 sends rewards to other processes, but {reward.name} cannot be pickled "
                f"({type(exc).__name__}: {exc}); use model_processes=1 (e.g. for an in-memory model object)"
            ) from None
    raise ValueError("model_processes > 1 sends rewards to other processes, but they cannot be pickled together")


class _Child:
    """One child process, its pipe, and the calls it has in flight."""

    def __init__(self, number: int, blob: bytes) -> None:
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe(duplex=True)
        self.number = number
        self.proc = context.Process(target=_child_main, args=(theirs, blob), name=f"rmg-model-{number}", daemon=True)
        self.proc.start()
        theirs.close()
        self.conn = ours
        self.pending: dict[int, Future[list[RewardResult]]] = {}
        self.lock = threading.Lock()
        self.alive = True
        self.ready = False  # the child has loaded the rewards
        self.failure = ""  # why it ended, once it has
        self.outbox: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        threading.Thread(target=self._write, name=f"rmg-model-{number}-writer", daemon=True).start()
        # Only the reader waits for the process (two waiters could reap it twice).
        self.reader = threading.Thread(target=self._read, name=f"rmg-model-{number}-reader", daemon=True)
        self.reader.start()

    def submit(self, task: int, message: bytes, future: Future[list[RewardResult]]) -> None:
        with self.lock:
            if not self.alive:
                raise RuntimeError(f"model process {self.number} has exited")
            self.pending[task] = future
        self.outbox.put(message)

    def _write(self) -> None:
        while True:
            message = self.outbox.get()
            try:
                self.conn.send_bytes(message)
            except OSError:
                return  # the reader sees the end too, and fails what is in flight
            if message is _STOP:
                return

    def _read(self) -> None:
        try:
            while True:
                task, outcome = pickle.loads(self.conn.recv_bytes())
                if task == _READY:
                    self.ready = True
                    continue
                with self.lock:
                    future = self.pending.pop(task, None)
                if future is not None and future.set_running_or_notify_cancel():
                    if isinstance(outcome, str):
                        future.set_exception(RuntimeError(outcome))
                    else:
                        future.set_result(outcome)
        except (EOFError, OSError):
            pass
        self.proc.join(timeout=5)
        if self.proc.exitcode is None:  # the pipe closed under a child that lives on
            self.proc.kill()
            self.proc.join()
        if self.ready:
            self._fail_pending(
                f"model process {self.number} exited (exit code {self.proc.exitcode}) with the call in flight"
            )
        else:
            self._fail_pending(
                f"model process {self.number} failed to start (exit code {self.proc.exitcode}; its traceback is on "
                "stderr). If it says a process was started 'before the current process has finished its bootstrapping "
                "phase', put your script's top-level code under `if __name__ == \"__main__\":` (children are spawned)"
            )

    def _fail_pending(self, message: str) -> None:
        with self.lock:
            self.alive = False
            self.failure = self.failure or message
            pending, self.pending = self.pending, {}
        for future in pending.values():
            if future.set_running_or_notify_cancel():
                future.set_exception(RuntimeError(message))

    def load(self) -> int:
        return len(self.pending)

    def close(self) -> None:
        self._fail_pending(f"model process {self.number} was closed with the call in flight")
        self.outbox.put(_STOP)
        self.reader.join(timeout=10)
        if self.reader.is_alive() and self.proc.exitcode is None:
            self.proc.kill()
            self.reader.join(timeout=10)
        self.conn.close()


class ModelProcessPool:
    """N child processes that evaluate model rewards (by index into the pickled list) on their own loops.

    `rewards` is what `check_picklable` returned for the list."""

    def __init__(self, rewards: bytes, processes: int) -> None:
        self._blob = rewards
        self._children = [_Child(i, self._blob) for i in range(max(1, processes))]
        self._restarts = 0
        self._tasks = itertools.count()
        self._lock = threading.Lock()

    def submit(self, index: int, sample: Sample) -> tuple[int, Future[list[RewardResult]]]:
        """Start reward `index` on `sample` in the least busy child; (task id, future of its results).

        Raises RuntimeError (with the reason) when no child can take it: children that never
        started are not restarted, and crashed ones only a few times."""
        task = next(self._tasks)
        future: Future[list[RewardResult]] = Future()
        message = pickle.dumps(("run", task, index, sample))
        with self._lock:
            for slot, child in enumerate(self._children):
                if not child.alive and child.ready and self._restarts < _RESTARTS * len(self._children):
                    self._restarts += 1
                    self._children[slot] = _Child(child.number, self._blob)
            alive = [child for child in self._children if child.alive]
            if not alive:
                raise RuntimeError(self._children[0].failure if self._children else "the model processes are closed")
            child = min(alive, key=_Child.load)
        child.submit(task, message, future)
        return task, future

    def cancel(self, task: int) -> None:
        """Stop a call that nobody waits for any more (the runner's timeout, an early stop)."""
        message = pickle.dumps(("cancel", task, None, None))
        with self._lock:
            children = list(self._children)
        for child in children:
            with child.lock:
                future = child.pending.pop(task, None)
            if future is not None:
                future.cancel()
                child.outbox.put(message)

    def close(self) -> None:
        with self._lock:
            children, self._children = self._children, []
        for child in children:
            child.close()


# -- in the child ----------------------------------------------------------------------------------


def _child_main(conn: Any, blob: bytes) -> None:
    rewards: list[Reward] = pickle.loads(blob)
    conn.send_bytes(pickle.dumps((_READY, None)))
    asyncio.run(_serve(conn, rewards))


async def _serve(conn: Any, rewards: list[Reward]) -> None:
    loop = asyncio.get_running_loop()
    tasks: dict[int, asyncio.Task[None]] = {}
    closed = asyncio.Event()

    def send(task: int, outcome: Any) -> None:  # on the loop: the parent's reader never waits on us
        try:
            conn.send_bytes(pickle.dumps((task, outcome)))
        except OSError:  # the parent is gone: nothing left to answer
            closed.set()

    async def run(task: int, index: int, sample: Sample) -> None:
        try:
            outcome: Any = await rewards[index].aevaluate(sample)
        except asyncio.CancelledError:
            return
        except BaseException as exc:
            outcome = f"{rewards[index].name} failed in a model process: {type(exc).__name__}: {exc}"
        finally:
            tasks.pop(task, None)
        send(task, outcome)

    def receive(message: tuple[str, int, int, Sample]) -> None:
        kind, task, index, sample = message
        if kind == "run":
            tasks[task] = loop.create_task(run(task, index, sample))
        elif kind == "stop":
            closed.set()
        elif (running := tasks.pop(task, None)) is not None:
            running.cancel()

    def read() -> None:  # blocking reads on a thread; the loop only sees whole messages
        try:
            while True:
                message = pickle.loads(conn.recv_bytes())
                loop.call_soon_threadsafe(receive, message)
        except (EOFError, OSError):
            loop.call_soon_threadsafe(closed.set)

    threading.Thread(target=read, name="rmg-model-reader", daemon=True).start()
    await closed.wait()
    for task in list(tasks.values()):
        task.cancel()
