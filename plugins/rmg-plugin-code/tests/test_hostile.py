"""Hostile code is contained, scored 0 with a clear reason, and the host survives.

Every case runs the real sandbox (real processes, namespaces, limits) through the installed
reward; where the hostile action has a host-side trace (a file, a leftover process), the test
looks for it on the host afterwards.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from conftest import sandbox_processes

import rmg
from rmg import get_reward_class

TESTS = {"tests": ["assert f(1) == 2"]}
GOOD = "def f(x):\n    return x + 1\n"


def score(code: str, reference=TESTS, **params):
    reward = get_reward_class("code.execution")(**params)
    return reward.evaluate(rmg.Sample.of(f"```python\n{code}\n```", reference=reference))[0]


def assert_contained(result, *words: str) -> None:
    assert result.status is rmg.RewardStatus.ok, result
    assert result.score == 0.0, result
    assert any(w.lower() in result.reason.lower() for w in words), result.reason


def test_sanity_the_good_solution_passes_so_zero_scores_below_mean_something():
    assert score(GOOD).score == 1.0


def test_infinite_loop_is_stopped_by_the_time_limit():
    started = time.monotonic()
    result = score("while True:\n    pass\n" + GOOD, timeout=2)
    assert_contained(result, "time limit")
    assert time.monotonic() - started < 8


def test_infinite_loop_inside_a_test_hits_the_per_test_limit_and_other_tests_still_run():
    code = "def f(x):\n    while x == 0:\n        pass\n    return x + 1\n"
    result = score(code, {"tests": ["assert f(0) == 1", "assert f(1) == 2"]}, test_timeout=1, timeout=5)
    assert result.score == 0.5, result
    assert "time limit" in result.details["tests"][0]["error"]


def test_fork_bomb_is_refused_by_the_process_limit_and_leaves_no_process_behind():
    result = score("import os\nwhile True:\n    os.fork()\n" + GOOD, timeout=5)
    assert_contained(result, "process limit", "fork")
    assert sandbox_processes() == []


def test_memory_bomb_fails_with_memory_error():
    result = score("x = bytearray(8 * 1024 ** 3)\n" + GOOD, memory_mb=256)
    assert_contained(result, "memory")


def test_growing_memory_bomb_is_stopped_too():
    result = score("chunks = []\nwhile True:\n    chunks.append(bytearray(50 * 1024 ** 2))\n" + GOOD, memory_mb=256)
    assert_contained(result, "memory")


def test_writing_outside_the_work_dir_fails_and_leaves_no_file(tmp_path: Path):
    target = tmp_path / "owned.txt"
    result = score(f"open({str(target)!r}, 'w').write('x')\n" + GOOD)
    assert_contained(result, "permission denied", "read-only", "no such file")
    assert not target.exists()


def test_files_written_to_shared_tmp_stay_in_the_sandbox():
    marker = f"/tmp/rmg-sandbox-escape-{os.getpid()}"
    result = score(f"open({marker!r}, 'w').write('x')\nassert False, 'wrote it'\n" + GOOD)
    assert result.score == 0.0
    assert not os.path.exists(marker), "a write to /tmp reached the host"


def test_a_file_left_in_the_shared_tmp_is_gone_for_the_next_run():
    name = f"/tmp/rmg-leftover-{os.getpid()}"
    leave = f"import os\nopen({name!r}, 'w').write('secret')\nos.chmod({name!r}, 0o666)\n" + GOOD
    assert score(leave).score == 1.0
    assert score(f"import os\nassert not os.path.exists({name!r}), 'left over'\n" + GOOD).score == 1.0


def test_a_system_v_shared_memory_segment_is_removed_when_its_run_ends():
    shmget = "import ctypes\nshmget = ctypes.CDLL(None).shmget\n"
    key = 0x52474D31
    leave = shmget + f"assert shmget({key}, 4096, 0o1666) >= 0\n" + GOOD  # IPC_CREAT | 0666
    assert score(leave).score == 1.0
    assert score(shmget + f"assert shmget({key}, 0, 0) == -1, 'left over'\n" + GOOD).score == 1.0


def test_opening_a_socket_fails():
    code = "import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=3)\n" + GOOD
    result = score(code)
    assert_contained(result, "network", "unreachable", "disabled")


def test_killing_its_parent_is_refused_and_the_host_survives():
    result = score("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n" + GOOD)
    assert_contained(result, "signal")
    assert score(GOOD).score == 1.0  # the sandbox machinery still works afterwards


def test_killing_every_process_it_can_reach_harms_nothing_outside():
    result = score("import os\ntry:\n    os.kill(-1, 9)\nexcept PermissionError:\n    raise\n" + GOOD)
    assert_contained(result, "signal")


def test_printing_gigabytes_is_cut_at_the_output_limit():
    started = time.monotonic()
    result = score("import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n" + GOOD, max_output_bytes=1 << 20)
    assert_contained(result, "output limit", "output exceeded")
    assert time.monotonic() - started < 8


def test_printing_gigabytes_in_a_stdin_program_is_cut_too():
    code = "while True:\n    print('y' * 10000)\n"
    result = score(code, {"inputs": ["1\n"], "outputs": ["1"]}, max_output_bytes=1 << 20)
    assert_contained(result, "output")


def test_exiting_early_with_status_zero_does_not_pass_the_tests():
    result = score("import sys\nsys.exit(0)\n" + GOOD)
    assert_contained(result, "exit")
    result = score(GOOD + "import os\nos._exit(0)\n")
    assert_contained(result, "no verdict", "ended")


def test_the_environment_is_scrubbed(monkeypatch):
    monkeypatch.setenv("RMG_TEST_SECRET", "hunter2")
    code = "import os\nassert 'RMG_TEST_SECRET' not in os.environ, 'leak'\n" + GOOD
    assert score(code).score == 1.0


def test_a_killed_pool_worker_leaves_no_sandbox_processes_behind():
    """The runner's budget (1 s) is shorter than the sandbox's (20 s): the runner kills its worker
    mid-run, and the sandbox tree must die with it (PDEATHSIG chain + PID namespace)."""
    sample = rmg.Sample.of("```python\nimport os\nos.fork()\nwhile True:\n    pass\n```", reference=TESTS)
    scored = next(rmg.evaluate("code.execution", [sample], params={"timeout": 20.0}, workers=1, timeout=1.0))
    assert scored.result.status is rmg.RewardStatus.timeout
    deadline = time.monotonic() + 5
    while sandbox_processes() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sandbox_processes() == []


def test_protections_are_reported_in_notes_and_details():
    cls = get_reward_class("code.execution")
    notes = cls.notes()
    assert any("network" in n for n in notes) and any("processes" in n for n in notes)
    details = score(GOOD).details["sandbox"]
    assert "netns" in details
    if os.geteuid() == 0 and details.get("netns"):
        assert any("new network namespace" in n for n in notes)


def test_a_posix_message_queue_is_removed_when_its_run_ends():
    mq_open = "import ctypes, os\nmq_open = ctypes.CDLL(None, use_errno=True).mq_open\n"
    name = f"/rmg-leftover-{os.getpid()}".encode()
    leave = mq_open + f"assert mq_open({name!r}, os.O_CREAT | os.O_RDWR, 0o666, None) >= 0, ctypes.get_errno()\n"
    assert score(leave + GOOD).score == 1.0
    gone = f"assert mq_open({name!r}, os.O_RDONLY) == -1 and ctypes.get_errno() == 2, 'left over'\n"  # ENOENT
    assert score(mq_open + gone + GOOD).score == 1.0
