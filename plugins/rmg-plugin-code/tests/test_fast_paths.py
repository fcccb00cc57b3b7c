"""What makes a run cheap, stated as behaviour: the template's warm-up, code compiled on the host
exactly as the sandbox would compile it, the supervisor's batched verdicts, the host's shortcuts.
Each test fails if its shortcut is removed or changes what a run sees."""

from __future__ import annotations

import os
import signal
import time
from types import CodeType

from rmg_plugin_code import forkserver, sandbox
from rmg_plugin_code.cases import plan_from_reference
from rmg_plugin_code.precompile import precompile

import rmg
from rmg import get_reward_class

TESTS = {"tests": ["assert f(1) == 2"]}
GOOD = "def f(x):\n    return x + 1\n"


def score(code: str, reference=TESTS, **params) -> rmg.RewardResult:
    reward = get_reward_class("code.execution")(**params)
    return reward.evaluate(rmg.Sample.of(f"```python\n{code}\n```", reference=reference))[0]


def test_the_template_resolved_its_libc_functions_before_forking_any_run():
    code = (
        "import sys\n"
        "resolved = set(vars(sys.modules['_rmg_sandbox.proto']._libc))\n"
        "assert {'prctl', 'mount', 'umount2', 'shmctl', 'msgctl', 'semctl'} <= resolved, resolved\n"
    )
    assert score(code + GOOD).score == 1.0


def test_the_template_heap_is_frozen_for_the_garbage_collector():
    assert score("import gc\nassert gc.get_freeze_count() > 1000\n" + GOOD).score == 1.0


def test_the_environment_is_exactly_the_scrubbed_set_with_home_and_tmpdir_at_the_work_dir():
    code = (
        "import os\n"
        "expected = {'PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS',"
        " 'MKL_NUM_THREADS'}\n"
        "assert set(os.environ) == expected, sorted(os.environ)\n"
        "assert os.environ['HOME'] == os.environ['TMPDIR'] == os.getcwd(), dict(os.environ)\n"
        "import subprocess\n"
        "shown = subprocess.run(['sh', '-c', 'echo $HOME'], capture_output=True, text=True).stdout.strip()\n"
        "assert shown == os.getcwd(), shown\n"
    )
    assert score(code + GOOD).score == 1.0


def test_solutions_run_as_plain_python_annotations_evaluated_and_asserts_kept():
    """Neither the host's compile nor the sandbox's inherits a __future__ flag from rmg's modules."""
    compiled = precompile("def f(x: int) -> str:\n    return 1\nassert f(0) == 2\n", "<solution>")
    assert isinstance(compiled, CodeType)
    namespace: dict = {}
    try:
        exec(compiled, namespace)
    except AssertionError:
        pass
    else:
        raise AssertionError("the assert was compiled away")
    assert namespace["f"].__annotations__ == {"x": int, "return": str}
    evaluated = "def f(x: int) -> int:\n    return x + 1\nassert f.__annotations__['x'] is int\n"
    assert score(evaluated).score == 1.0  # compiled on the host
    assert score(evaluated + "x = 1 is 1\n").score == 1.0  # a SyntaxWarning: compiled in the sandbox
    undefined = score("def f(x: Undefined) -> int:\n    return x + 1\n")
    assert undefined.score == 0.0 and "NameError" in (undefined.reason or "") + str(undefined.details), undefined


def test_code_with_a_syntax_warning_is_compiled_in_the_sandbox_which_prints_the_warning():
    code = "def f(x):\n    if x is 1:\n        return 2\n    return x + 1\n"
    assert precompile(code, "<solution>") is None
    result = score(code)
    assert result.score == 1.0
    assert "SyntaxWarning" in result.details.get("output_tail", ""), result.details


def test_a_compile_stage_syntax_error_is_still_reported_by_the_sandbox():
    code = GOOD + "return 3\n"
    assert precompile(code, "<solution>") is None
    result = score(code)
    assert result.score == 0.0
    assert "SyntaxError" in result.reason and "'return' outside function" in result.reason, result.reason


def test_test_units_are_compiled_once_on_the_host():
    units = plan_from_reference({"tests": ["assert f(1) == 2"], "setup": "import math"}).job["units"]
    assert [kind for kind, _ in units] == ["setup", "test"]
    assert all(isinstance(unit, CodeType) for _, unit in units)
    assert units[1][1].co_filename == "<test 1>"


def test_verdicts_beyond_one_64_kb_batch_all_reach_the_host():
    calls = [{"args": [k], "expected": str(k) * 500} for k in range(400)]  # ~600 KB of verdicts
    result = score("def f(k):\n    return str(k) * 500\n", {"fn_name": "f", "cases": calls})
    assert result.score == 1.0, result.reason
    assert result.details["passed"] == 400


def test_a_job_larger_than_a_pipe_buffer_reaches_the_sandbox():
    blob = "x" * 300_000
    result = score(f"DATA = {blob!r}\n" + GOOD, {"tests": ["assert f(1) == 2 and len(DATA) == 300000"]})
    assert result.score == 1.0, result.reason


def test_in_shared_mode_the_host_makes_no_temp_dir_for_a_run(monkeypatch):
    made = []
    real = sandbox.tempfile.mkdtemp
    monkeypatch.setattr(sandbox.tempfile, "mkdtemp", lambda *a, **k: made.append(1) or real(*a, **k))
    assert score(GOOD).score == 1.0
    assert bool(made) != forkserver.get_server().shared


def test_a_dead_template_is_replaced_and_the_run_goes_through():
    assert score(GOOD).score == 1.0
    old = forkserver.get_server()
    os.kill(old.proc.pid, signal.SIGKILL)
    old.proc.wait()
    started = time.monotonic()
    assert score(GOOD).score == 1.0
    assert forkserver.get_server() is not old
    assert time.monotonic() - started < 10
