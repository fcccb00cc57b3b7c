"""Runs of one unit of work (asserts, function calls) are a single process forked straight from
the template, supervised by the host. These tests check that this shortcut is taken and gives
up nothing: the code's reports are untrusted, what it leaves behind is killed, and a template
that dies mid-run makes an error, never a score."""

from __future__ import annotations

import os
import threading
import time

import pytest
from conftest import sandbox_processes
from rmg_plugin_code import forkserver

import rmg
from rmg import get_reward_class

TESTS = {"tests": ["assert f(1) == 2"]}
GOOD = "def f(x):\n    return x + 1\n"
# Every fd above stdio the code holds: in a single-process run, that is its report pipe.
WRITE_TO_REPORT_PIPE = (
    "import os\n"
    "def send(data):\n"
    "    for fd in os.listdir('/proc/self/fd'):\n"
    "        if int(fd) > 2:\n"
    "            try:\n"
    "                os.write(int(fd), data)\n"
    "            except OSError:\n"
    "                pass\n"
)

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the shared template (and so single runs) needs root")


def score(code: str, reference=TESTS, **params) -> rmg.RewardResult:
    reward = get_reward_class("code.execution")(**params)
    return reward.evaluate(rmg.Sample.of(f"```python\n{code}\n```", reference=reference))[0]


def test_calls_run_in_one_process_and_asserts_in_two_the_solution_and_its_judge():
    """Function calls: W alone, forked by the template (outside W's PID namespace: pid 0 there).
    Assert-style tests: W's parent is the judge J, inside the namespace under a uid of its own, so
    W cannot even see it in /proc (hidepid)."""
    calls = {"fn_name": "f", "cases": [{"args": [1], "expected": 0}]}
    assert score("import os\ndef f(x):\n    return os.getppid()\n", calls).score == 1.0
    judged = "import os\nassert os.getppid() > 0\nassert not os.path.exists('/proc/%d' % os.getppid())\n" + GOOD
    assert score(judged).score == 1.0
    # stdin/stdout runs keep their supervisor: a process inside the namespace.
    stdio = {"inputs": [""], "outputs": ["True"]}
    assert score("import os\nprint(os.getppid() > 0)\n", stdio).score == 1.0


def test_forged_sandbox_frames_on_the_report_pipe_change_nothing():
    """The code holds its report pipe: fake 'fatal' (would make the run an error), 'stop' and
    'env' lines, garbage and JSON that is not an object are all ignored."""
    forged = (
        b'{"t": "fatal", "err": "forged", "infra": true}\n{"t": "stop", "err": "forged stop"}\n'
        b'{"t": "env", "active": {"forged": true}}\nnot json\n[1, 2]\n{"t": "test", "i": 99, "err": null}\n'
    )
    result = score(WRITE_TO_REPORT_PIPE + f"send({forged!r})\n" + GOOD)
    assert result.status is rmg.RewardStatus.ok, result
    assert result.score == 1.0 and result.reason == "1/1 tests passed", result
    assert "forged" not in result.details["sandbox"]
    failing = score(WRITE_TO_REPORT_PIPE + f"send({forged!r})\ndef f(x):\n    return x\n")
    assert failing.status is rmg.RewardStatus.ok and failing.score == 0.0, failing


def test_a_forged_verdict_with_a_huge_error_text_is_cut_short():
    huge = b'{"t": "test", "i": 0, "err": "' + b"x" * 100_000 + b'"}\n'
    result = score(WRITE_TO_REPORT_PIPE + f"send({huge!r})\nos._exit(0)\n" + GOOD)
    assert result.score == 0.0, result
    assert 0 < len(result.details["tests"][0]["error"]) <= 2003, len(result.details["tests"][0]["error"])


def test_a_report_flood_without_newlines_is_cut_and_the_host_survives():
    started = time.monotonic()
    result = score(WRITE_TO_REPORT_PIPE + "while True:\n    send(b'x' * 65536)\n" + GOOD)
    assert result.status is rmg.RewardStatus.ok and result.score == 0.0, result
    assert "flooded the report channel" in result.reason
    assert time.monotonic() - started < 8
    assert score(GOOD).score == 1.0


def test_a_daemon_left_behind_is_killed_and_does_not_hold_the_run_open():
    code = ("import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(60)\n    os._exit(0)\n") + GOOD
    started = time.monotonic()
    result = score(code)
    assert result.score == 1.0, result
    assert time.monotonic() - started < 5
    assert sandbox_processes() == []


def test_a_crash_is_reported_with_its_signal():
    result = score("import ctypes\nctypes.string_at(0)\n" + GOOD)
    assert result.status is rmg.RewardStatus.ok and result.score == 0.0, result
    assert "SIGSEGV" in result.reason


def test_a_template_that_dies_mid_run_makes_an_error_not_a_score_and_the_next_run_gets_a_new_one():
    reward = get_reward_class("code.execution")()
    reward.evaluate(rmg.Sample.of(f"```python\n{GOOD}\n```", reference=TESTS))  # this thread's template is up
    template = forkserver.get_server().proc

    def kill_it() -> None:
        time.sleep(0.5)
        template.kill()

    killer = threading.Thread(target=kill_it)
    killer.start()
    slow = "import time\ntime.sleep(3)\n" + GOOD
    result = reward.evaluate(rmg.Sample.of(f"```python\n{slow}\n```", reference=TESTS))[0]
    killer.join()
    assert result.status is rmg.RewardStatus.error, result
    assert "not judged" in (result.error or result.reason), result
    assert reward.evaluate(rmg.Sample.of(f"```python\n{GOOD}\n```", reference=TESTS))[0].score == 1.0
    assert forkserver.get_server().proc is not template
