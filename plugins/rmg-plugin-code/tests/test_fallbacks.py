"""Where the root fast path is not possible: the sandbox falls back, says so, and its own
failures are errors, never a score of 0 for the candidate.

The fallback runs are real: the reward runs in a subprocess under `unshare --user`, as root of
a user namespace that maps only that one uid (what a rootless container gives) or as a plain
non-root user; private uids cannot be used there, so each run gets a user namespace of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from rmg_plugin_code import sandbox

import rmg
from rmg import get_reward_class

SCRIPT = r"""
import json, os, rmg, rmg_plugin_code
from rmg import get_reward_class
from rmg_plugin_code import sandbox
tests = {"tests": ["assert f(1) == 2"]}
good = "def f(x):\n    return x + 1\n"
# Files the calling user may write: the plugin's own package (code that lands there runs in
# every later process) and the shared /tmp.
package = os.path.join(os.path.dirname(rmg_plugin_code.__file__), "rmg-owned-%d.py" % os.getpid())
shared_tmp = "/tmp/rmg-fallback-escape-%d" % os.getpid()
cases = {
    "good": good,
    "loop": "def f(x):\n    while True:\n        pass\n",
    "socket": "import socket\nsocket.create_connection(('10.0.0.1', 53), timeout=2)\n" + good,
    "package": f"open({package!r}, 'w').write('x')\n" + good,
    "tmp": f"open({shared_tmp!r}, 'w').write('x')\nassert False, 'wrote it'\n" + good,
    # no capability left in the run's user namespace (they would let it remount the tree writable)
    # a forged verdict through the reporting function of a caller's frame (it knows the
    # supervisor's nonce): the judge runs the tests in another process
    "forge": "import sys, os\nframe = sys._getframe()\nwhile frame is not None:\n"
             "    for value in list(frame.f_locals.values()):\n"
             "        if callable(value) and getattr(value, '__name__', '') == 'report':\n"
             "            value({'t': 'test', 'i': 0, 'err': None})\n"
             "    frame = frame.f_back\nos._exit(0)\n",
    # its own /proc: no host process (this test's own python, for one) can be seen
    "proc": "import os\nassert not os.path.exists('/proc/%d' % " + str(os.getppid()) + "), 'host pid visible'\n"
            "assert len([p for p in os.listdir('/proc') if p.isdigit()]) < 10, os.listdir('/proc')\n" + good,
    "caps": "effective = open('/proc/self/status').read().split('CapEff:')[1].split()[0]\n"
            "assert int(effective, 16) == 0, effective\n" + good,
}
reward = get_reward_class("code.execution")(timeout=8, test_timeout=2)
out = {name: reward.evaluate(rmg.Sample.of(f"```python\n{code}\n```", reference=tests))[0]
       for name, code in cases.items()}
print(json.dumps({"active": sandbox.protections(), "notes": sandbox.protection_notes(),
                  "results": {k: [r.score, r.status.value, r.reason] for k, r in out.items()},
                  "escaped": [p for p in (package, shared_tmp) if os.path.exists(p)]}))
for path in (package, shared_tmp):
    if os.path.exists(path):
        os.remove(path)
"""


def run_in_user_namespace(*mapping: str) -> dict:
    if shutil.which("unshare") is None:
        pytest.skip("util-linux unshare is not installed")
    probe = subprocess.run(["unshare", "--user", *mapping, "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces are not available here: {probe.stderr.strip()}")
    done = subprocess.run(
        ["unshare", "--user", *mapping, sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=300,
        cwd="/",
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "mapping",
    [("--map-root-user",), ("--map-user=1000", "--map-group=1000")],
    ids=["root-of-a-user-namespace", "non-root-user"],
)
def test_without_private_uids_each_run_gets_its_own_user_mount_pid_and_network_namespaces(mapping):
    report = run_in_user_namespace(*mapping)
    assert {"userns", "pidns", "netns"} <= {k for k, v in report["active"].items() if v is True}, report["active"]
    results = report["results"]
    assert results["good"][:2] == [1.0, "ok"], results["good"]
    assert results["loop"][:2] == [0.0, "ok"] and "time limit" in results["loop"][2], results["loop"]
    assert results["socket"][:2] == [0.0, "ok"] and "unreachable" in results["socket"][2], results["socket"]
    assert any(note.startswith("network: new network namespace") for note in report["notes"]), report["notes"]
    # The run keeps the calling user's uid, so everything but its private tmpfs is read-only.
    assert report["active"].get("mountns") and report["active"].get("readonly"), report["active"]
    assert any(note.startswith("files:") and "everything else read-only" in note for note in report["notes"]), report[
        "notes"
    ]
    assert results["package"][:2] == [0.0, "ok"] and "read-only" in results["package"][2].lower(), results["package"]
    assert results["tmp"][:2] == [0.0, "ok"] and "wrote it" in results["tmp"][2], results["tmp"]
    assert report["escaped"] == [], report["escaped"]
    assert results["caps"][:2] == [1.0, "ok"], results["caps"]
    assert results["forge"][:2] == [0.0, "ok"], results["forge"]
    if report["active"].get("procfs"):  # the kernel may refuse it where /proc is partly masked
        assert results["proc"][:2] == [1.0, "ok"], results["proc"]
    else:
        assert any("the host's /proc" in note for note in report["notes"]), report["notes"]


def test_a_failure_of_the_sandbox_itself_is_an_error_result_not_a_zero_score(monkeypatch):
    """The template marks its own failures (launcher, supervisor) as `infra`; the reward turns them
    into an error, so a trainer never learns from a score the code did not earn."""

    def broken_run(*args, **kwargs) -> sandbox.Outcome:
        return sandbox.Outcome(
            frames=[{"t": "fatal", "err": "sandbox launcher failed: OSError: [Errno 22]", "infra": True}]
        )

    monkeypatch.setattr(sandbox, "run", broken_run)
    reward = get_reward_class("code.execution")()
    result = reward.evaluate(
        rmg.Sample.of("```python\ndef f(x):\n    return x + 1\n```", reference={"tests": ["assert f(1) == 2"]})
    )[0]
    assert result.status is rmg.RewardStatus.error, result
    assert "sandbox launcher failed" in (result.error or "") and "not judged" in (result.error or ""), result


def test_the_private_uid_check_reads_the_uid_map():
    from rmg_plugin_code._rmg_sandbox.proto import privileged

    assert privileged() == (os.geteuid() == 0)  # real root here: the whole uid range is mapped
