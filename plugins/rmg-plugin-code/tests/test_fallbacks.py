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
import rmg
from rmg.core.registry import get_reward_class

from rmg_plugin_code import sandbox

SCRIPT = r"""
import json, rmg
from rmg.core.registry import get_reward_class
from rmg_plugin_code import sandbox
tests = {"tests": ["assert f(1) == 2"]}
cases = {
    "good": "def f(x):\n    return x + 1\n",
    "loop": "def f(x):\n    while True:\n        pass\n",
    "socket": "import socket\nsocket.create_connection(('10.0.0.1', 53), timeout=2)\ndef f(x):\n    return x + 1\n",
}
reward = get_reward_class("code.execution")(timeout=8, test_timeout=2)
out = {name: reward.evaluate(rmg.Sample.of(f"```python\n{code}\n```", reference=tests))[0]
       for name, code in cases.items()}
print(json.dumps({"active": sandbox.protections(), "notes": sandbox.protection_notes(),
                  "results": {k: [r.score, r.status.value, r.reason] for k, r in out.items()}}))
"""


def run_in_user_namespace(*mapping: str) -> dict:
    if shutil.which("unshare") is None:
        pytest.skip("util-linux unshare is not installed")
    probe = subprocess.run(["unshare", "--user", *mapping, "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces are not available here: {probe.stderr.strip()}")
    done = subprocess.run(["unshare", "--user", *mapping, sys.executable, "-c", SCRIPT], capture_output=True,
                          text=True, timeout=300, cwd="/")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("mapping", [("--map-root-user",), ("--map-user=1000", "--map-group=1000")],
                         ids=["root-of-a-user-namespace", "non-root-user"])
def test_without_private_uids_each_run_gets_its_own_user_pid_and_network_namespaces(mapping):
    report = run_in_user_namespace(*mapping)
    assert {"userns", "pidns", "netns"} <= {k for k, v in report["active"].items() if v is True}, report["active"]
    results = report["results"]
    assert results["good"][:2] == [1.0, "ok"], results["good"]
    assert results["loop"][:2] == [0.0, "ok"] and "time limit" in results["loop"][2], results["loop"]
    assert results["socket"][:2] == [0.0, "ok"] and "unreachable" in results["socket"][2], results["socket"]
    assert any(note.startswith("network: new network namespace") for note in report["notes"]), report["notes"]
    # without a mount namespace, files are not contained: rmg show says so
    assert any(note.startswith("files: no mount namespace") for note in report["notes"]), report["notes"]


def test_a_failure_of_the_sandbox_itself_is_an_error_result_not_a_zero_score(monkeypatch):
    """The template marks its own failures (launcher, supervisor) as `infra`; the reward turns them
    into an error, so a trainer never learns from a score the code did not earn."""
    def broken_run(*args, **kwargs) -> sandbox.Outcome:
        return sandbox.Outcome(frames=[{"t": "fatal", "err": "sandbox launcher failed: OSError: [Errno 22]",
                                        "infra": True}])

    monkeypatch.setattr(sandbox, "run", broken_run)
    reward = get_reward_class("code.execution")()
    result = reward.evaluate(rmg.Sample.of("```python\ndef f(x):\n    return x + 1\n```",
                                           reference={"tests": ["assert f(1) == 2"]}))[0]
    assert result.status is rmg.RewardStatus.error, result
    assert "sandbox launcher failed" in (result.error or "") and "not judged" in (result.error or ""), result


def test_the_private_uid_check_reads_the_uid_map():
    from rmg_plugin_code._rmg_sandbox.proto import privileged

    assert privileged() == (os.geteuid() == 0)  # real root here: the whole uid range is mapped
