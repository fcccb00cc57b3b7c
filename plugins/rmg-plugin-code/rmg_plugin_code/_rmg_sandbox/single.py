"""A run without a supervisor (shared mode, one unit of work): W forked straight from the
template for function calls; for assert-style tests the judge J, which forks W (`judge.py`).

These modes need no supervisor process of their own: the host enforces the time and output
limits (it reads the run's pipes and kills the template's child, W or J), and the template,
that child's parent and root, does what the supervisor did when a run ends. For function calls
that is one fork per run instead of two, about half of a run's cost.

- W (`run`), still root: reads the job, mounts its work dir and takes its private uid (as H
  would), reports the active protections on the status pipe, then drops everything (`worker.enter`
  closes the status pipe with every other fd) and runs the code. Its reports (JSON lines, see
  proto) go straight to the host, which takes only claimed return values from them (it compares
  them with the expected values itself). For assert-style tests the verdicts come from J.
- The template (`finish`), when W has exited: kills whatever W left behind (orphans are
  reparented to the namespace's PID 1; any of them with W's uid means there are leftovers),
  cleans up, and only then reaps W (until then W's pid, and so its uid, cannot be reused);
  last, it writes W's exit on the status pipe and closes it: the host's "run over".
"""

from __future__ import annotations

import marshal
import os
import time

from . import cleanup, isolate, judge, worker
from .proto import JUDGE_OFFSET, UID_BASE, describe, read_file, read_frame, write_frame

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def run(job_r: int, result_w: int, out_w: int, status_w: int, shared: dict[str, Any], judged: bool) -> None:
    """W's body: set up as root, report the protections, drop everything, run the code. For
    assert-style tests (`judged`) this process becomes the judge J instead, which forks W
    (`judge.run_single`)."""
    if judged:
        judge.run_single(job_r, result_w, out_w, status_w, shared)
    job = marshal.loads(read_frame(job_r))
    active = isolate.enter_run(job, shared)
    write_frame(status_w, {"t": "env", "active": active})
    os.close(job_r)
    worker.enter(job, result_w, 0, out_w, out_w)  # stdin: the template's /dev/null
    worker.run_worker(job, result_w, 0, None)


def finish(pid: int, status_w: int, shared: dict[str, Any], reaper: int) -> None:
    """The template's side, once W (its child, not yet reaped) has exited. Whatever happens, the
    status pipe gets W's exit or why the clean-up failed (an error: the run was not judged)."""
    try:
        ended = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
        uid = UID_BASE + pid
        uids = (uid, uid + JUDGE_OFFSET)  # the solution's processes, and an assert-style run's judge
        left = has_leftovers(reaper, uids)
        if left is not False:
            for each in uids:
                cleanup.kill_uid(each)
            # The namespace's PID 1 reaps them on SIGCHLD; until then they still hold pids.
            for _ in range(1000 if left else 0):
                if not has_leftovers(reaper, uids):
                    break
                time.sleep(0.001)
        cleanup.clean_run(uid, shared)
        os.waitpid(pid, 0)  # only now: until here W's pid, and so its uid, could not be reused
        killed = ended.si_code in (os.CLD_KILLED, os.CLD_DUMPED)
        frame = {"t": "exit", "signal": ended.si_status if killed else 0, "code": 0 if killed else ended.si_status}
    except Exception as exc:
        frame = {
            "t": "fatal",
            "err": "sandbox clean-up failed: " + describe(exc, {"memory": 0, "nproc": 0}),
            "infra": True,
        }
    write_frame(status_w, frame)
    os.close(status_w)  # the host's "run over": nothing of it is left


def has_leftovers(reaper: int, uids: tuple[int, ...]) -> bool | None:
    """Whether a process of one of `uids` is left (alive, or a zombie not yet reaped); None when that
    cannot be known. Every surviving subtree of an exited W hangs off the namespace's PID 1
    (`reaper`), so its direct children are the ones to check."""
    try:
        children = read_file("/proc/%d/task/%d/children" % (reaper, reaper)).split()
    except OSError:
        return None
    wanted = [b"%d" % uid for uid in uids]
    for child in children:
        try:
            status = read_file(b"/proc/%s/status" % child)
        except OSError:
            continue  # gone already
        ids = status[status.find(b"\nUid:") :].split(b"\n", 2)[1].split()[1:]
        if any(w in ids for w in wanted):
            return True
    return False
