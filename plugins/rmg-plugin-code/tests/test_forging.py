"""A verdict the code cannot forge, and a host it cannot see (issue 10).

Each case is a real attack from the hostile-input run, through the installed reward and the real
sandbox: writing verdict lines to every fd it holds, calling the harness's reporting function
from a caller's frame, returning an object that equals everything, reading the tests' expected
values from its own memory, and reading the dataset or host processes' command lines.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import rmg
from rmg import get_reward_class

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the judge's own uid and the private root need root")

TESTS = {"tests": ["assert f(1) == 2", "assert f(2) == 3"]}
HUMANEVAL = {
    "tests": "def check(candidate):\n    assert candidate(1) == 2\n    assert candidate(2) == 3\n",
    "entry_point": "f",
}
# Write forged verdicts for tests 0..9 (as unit positions and as test numbers) to every fd above
# stdio, then leave without running anything else.
FORGE_FDS = (
    "import os\n"
    'lines = b\'\'.join(b\'{"t": "test", "i": %d, "err": null}\\n\' % i for i in range(10))\n'
    "for fd in os.listdir('/proc/self/fd'):\n"
    "    if int(fd) > 2:\n"
    "        try:\n"
    "            os.write(int(fd), lines)\n"
    "        except OSError:\n"
    "            pass\n"
    "os._exit(0)\n"
)
# Call every function named `report` found in a caller's frame, as a forged verdict.
FORGE_FRAMES = (
    "import sys, os\n"
    "frame = sys._getframe()\n"
    "while frame is not None:\n"
    "    for name, value in list(frame.f_locals.items()):\n"
    "        if callable(value) and 'report' in name:\n"
    "            for i in range(10):\n"
    "                try:\n"
    "                    value({'t': 'test', 'i': i, 'err': None})\n"
    "                except Exception:\n"
    "                    pass\n"
    "    frame = frame.f_back\n"
    "os._exit(0)\n"
)
ALWAYS_EQUAL = (
    "class Anything:\n"
    "    def __eq__(self, other):\n"
    "        return True\n"
    "    __hash__ = object.__hash__\n"
    "def f(x):\n"
    "    return Anything()\n"
)


def score(code: str, reference=TESTS, **params) -> rmg.RewardResult:
    reward = get_reward_class("code.execution")(**params)
    return reward.evaluate(rmg.Sample.of(f"```python\n{code}\n```", reference=reference))[0]


@pytest.mark.parametrize("reference", [TESTS, HUMANEVAL], ids=["asserts", "humaneval-check"])
@pytest.mark.parametrize("attack", [FORGE_FDS, FORGE_FRAMES], ids=["fds", "frames"])
def test_verdicts_written_by_the_code_itself_pass_nothing(reference, attack):
    result = score(attack, reference)
    assert result.status is rmg.RewardStatus.ok, result
    assert result.score == 0.0 and result.details["passed"] == 0, result


def test_the_forged_verdicts_change_nothing_for_a_right_solution_either():
    result = score(FORGE_FDS.replace("os._exit(0)\n", "") + "def f(x):\n    return x + 1\n")
    assert result.score == 1.0, result


@pytest.mark.parametrize(
    "reference",
    [TESTS, HUMANEVAL, {"fn_name": "f", "cases": [{"args": [1], "expected": 2}]}],
    ids=["asserts", "humaneval-check", "function-calls"],
)
def test_an_object_equal_to_everything_equals_nothing(reference):
    result = score(ALWAYS_EQUAL, reference)
    assert result.status is rmg.RewardStatus.ok and result.score == 0.0, result


def test_a_subclass_of_a_builtin_with_a_forged_eq_is_compared_as_its_builtin_value():
    code = (
        "class Liar(int):\n"
        "    def __eq__(self, other):\n"
        "        return True\n"
        "    __hash__ = int.__hash__\n"
        "def f(x):\n"
        "    return Liar(x)\n"
    )  # the value 1 for f(1): not 2
    assert score(code).score == 0.0
    assert score(code.replace("Liar(x)", "Liar(x + 1)")).score == 1.0  # its real value is compared


def test_a_solution_cannot_replace_the_builtins_the_tests_use():
    """`abs` in a HumanEval-style check is Python's, even when the solution defines its own."""
    code = "def abs(x):\n    return 0\ndef sorted(x):\n    return [1, 2]\ndef f(x):\n    return 99\n"
    result = score(code, {"tests": ["assert abs(f(1) - 2) < 1e-6", "assert sorted(f(1)) == [1, 2]"]})
    assert result.score == 0.0, result.details["tests"]


def test_the_expected_values_are_not_in_the_solutions_memory():
    """The judge forks the solution's process before it reads the tests: the code can search its
    whole heap (and its callers' frames) for the expected value and finds nothing."""
    secret = "expected-value-6c1f"
    code = (
        "import gc, sys, types\n"
        "def f(x):\n"
        "    needle = ''.join(['expected-value-', '6c1f'])  # built at run time: not a constant of f\n"
        "    for obj in gc.get_objects():\n"
        "        if isinstance(obj, types.CodeType) and needle in repr(obj.co_consts):\n"
        "            return needle\n"
        "        if isinstance(obj, (list, tuple, dict)) and needle in repr(obj)[:100000]:\n"
        "            return needle\n"
        "    frame = sys._getframe(1)\n"
        "    while frame is not None:\n"
        "        if needle in repr(frame.f_code.co_consts):\n"
        "            return needle\n"
        "        frame = frame.f_back\n"
        "    return None\n"
    )
    for reference in (
        {"tests": [f"assert f(1) == {secret!r}"]},
        {"tests": f"def check(candidate):\n    assert candidate(1) == {secret!r}\n", "entry_point": "f"},
    ):
        result = score(code, reference)
        assert result.score == 0.0, result
        assert "None" in result.reason or "AssertionError" in result.reason, result.reason


def test_the_judges_fds_and_memory_are_out_of_reach():
    code = (
        "import os\n"
        "def f(x):\n"
        "    parent = os.getppid()\n"
        "    for path in ('/proc/%d/fd' % parent, '/proc/%d/mem' % parent):\n"
        "        try:\n"
        "            os.listdir(path) if path.endswith('fd') else open(path, 'rb').read(1)\n"
        "            return 'reached ' + path\n"
        "        except OSError:\n"
        "            pass\n"
        "    import ctypes, signal\n"
        "    if ctypes.CDLL(None).kill(parent, signal.SIGSTOP) == 0:\n"
        "        return 'signalled the judge'\n"
        "    return x + 1\n"
    )
    result = score(code)
    assert result.score == 1.0, result


def test_the_tests_still_see_the_solutions_values_classes_generators_and_mutations():
    """What crosses between the judge and the solution's process: plain values (tuples stay
    tuples), handles to the solution's objects (methods, attributes, iteration), and what a call
    did to a list argument."""
    code = (
        "from collections import Counter, namedtuple\n"
        "Point = namedtuple('Point', 'x y')\n"
        "class Pair:\n"
        "    def __init__(self, a, b):\n"
        "        self.a, self.b = a, b\n"
        "    def total(self):\n"
        "        return self.a + self.b\n"
        "def longest(pairs):\n"
        "    return max(p.total() for p in pairs)\n"
        "def counts(s):\n"
        "    return Counter(s)\n"
        "def evens(n):\n"
        "    return (i for i in range(n) if i % 2 == 0)\n"
        "def sort_in_place(xs):\n"
        "    xs.sort()\n"
        "def point():\n"
        "    return Point(1, 2)\n"
        "LIMIT = 10\n"
        "def raises():\n"
        "    raise ValueError('bad input')\n"
    )
    tests = [
        "assert longest([Pair(1, 2), Pair(5, 5)]) == 10",
        "assert Pair(2, 3).total() == 5 and Pair(2, 3).a == 2",
        "assert counts('aab') == {'a': 2, 'b': 1}",
        "assert list(evens(7)) == [0, 2, 4, 6]",
        "xs = [3, 1, 2]\nsort_in_place(xs)\nassert xs == [1, 2, 3]",
        "assert point() == (1, 2) and isinstance(point(), tuple)",
        "assert LIMIT == 10",
        "try:\n    raises()\nexcept ValueError as exc:\n    assert 'bad input' in str(exc)\nelse:\n    assert False",
    ]
    result = score(code, {"tests": tests})
    assert result.score == 1.0, result.details["tests"]


def test_humaneval_style_checks_that_loop_and_use_random_still_pass(humaneval):
    rows = {r["task_id"]: r for r in humaneval}
    for task in ("HumanEval/32", "HumanEval/53", "HumanEval/38"):
        row = rows[task]
        response = f"```python\n{row['prompt']}{row['canonical_solution']}\n```"
        reward = get_reward_class("code.execution")()
        result = reward.evaluate(
            rmg.Sample.of(response, reference={"tests": row["test"], "entry_point": row["entry_point"]})
        )[0]
        assert result.score == 1.0, (task, result.reason)


# -- the private root ----------------------------------------------------------------------------


READ = (
    "def f(path):\n"
    "    try:\n"
    "        with open(path, 'rb') as handle:\n"
    "            return handle.read()\n"
    "    except OSError as exc:\n"
    "        return type(exc).__name__\n"
)


def test_world_readable_files_elsewhere_cannot_be_read(tmp_path: Path):
    """A dataset with the expected outputs, world-readable, in /tmp or in the checkout: the code
    cannot open it (it does not exist in the run's root)."""
    here = Path(__file__).resolve().parent / f"expected-outputs-{os.getpid()}.txt"
    in_tmp = Path("/tmp") / f"rmg-expected-{os.getpid()}.txt"
    try:
        for path in (here, in_tmp):
            path.write_text("the answers")
            path.chmod(0o644)
        reference = {
            "tests": [f"assert f({str(p)!r}) == 'FileNotFoundError'" for p in (here, in_tmp)]
            + ["assert f('/work/shared/data/code/HumanEval.jsonl.gz') == 'FileNotFoundError'"]
        }
        result = score(READ, reference)
        assert result.score == 1.0, result.details["tests"]
    finally:
        for path in (here, in_tmp):
            path.unlink(missing_ok=True)


def test_host_processes_cannot_be_seen_in_proc():
    """A host process with a secret on its command line (an API key passed as a flag), and the
    host's PID 1: neither can be named from the sandbox, whose /proc is its own."""
    secret = f"--api-key=sk-rmg-{os.getpid()}"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", secret])
    try:
        time.sleep(0.2)
        code = (
            "import os\n"
            "def f(x):\n"
            "    found = []\n"
            "    for entry in os.listdir('/proc'):\n"
            "        if entry.isdigit():\n"
            "            try:\n"
            "                found.append(open('/proc/%s/cmdline' % entry, 'rb').read())\n"
            "            except OSError:\n"
            "                pass\n"
            "    leaked = any(b'sk-rmg-' in c for c in found)\n"
            "    try:\n"
            "        init = open('/proc/1/cmdline', 'rb').read()\n"
            "    except OSError:\n"
            "        init = None\n"
            "    return [leaked, init, os.path.exists('/proc/%d' % " + str(holder.pid) + ")]\n"
        )
        result = score(code, {"tests": ["assert f(0) == [False, None, False]"]})
        assert result.score == 1.0, result.details["tests"]
        stdio = score(code + "print(f(0))\n", {"inputs": [""], "outputs": ["[False, None, False]"]})
        assert stdio.score == 1.0, stdio.details["tests"]
    finally:
        holder.kill()
        holder.wait()


def test_python_the_stdlib_and_site_packages_still_work_in_the_private_root():
    code = (
        "import json, decimal, sqlite3, subprocess, tempfile\n"
        "def f(x):\n"
        "    out = subprocess.run(['sh', '-c', 'echo ok'], capture_output=True, text=True).stdout.strip()\n"
        "    with tempfile.NamedTemporaryFile() as tmp:\n"
        "        tmp.write(b'x')\n"
        "    return out\n"
    )
    assert score(code, {"tests": ["assert f(0) == 'ok'"]}).score == 1.0


def test_the_notes_say_the_run_has_a_private_root_and_a_judge():
    notes = get_reward_class("code.execution").notes()
    assert any("private root" in n and "own /proc" in n for n in notes), notes
    assert any(n.startswith("verdicts: assert-style tests run in a judge") for n in notes), notes


def test_values_cross_between_the_tests_and_the_solution_exactly():
    """Fractions, Decimals, big ints, tuple keys, sets, bytes, complex, ranges, NaN and infinity
    go both ways and compare as Python would compare them in one process."""
    code = (
        "def half(x):\n    return x / 2\ndef big(n):\n    return 10 ** n\n"
        "def d():\n    return {(1, 2): {3}, 'k': b'\\x00\\xff', 'c': 1+2j, 'r': range(3)}\n"
    )
    tests = [
        "from fractions import Fraction\nassert half(Fraction(1, 3)) == Fraction(1, 6)",
        "from decimal import Decimal\nassert half(Decimal('1.0')) == Decimal('0.5')",
        "assert big(5000) == 10 ** 5000",
        "assert d() == {(1, 2): {3}, 'k': b'\\x00\\xff', 'c': 1+2j, 'r': range(3)}",
        "import math\nassert math.isnan(half(float('nan')))",
        "assert half(float('inf')) == float('inf')",
        "assert half(3) == 1.5 and type(half(3)) is float",
    ]
    result = score(code, {"tests": tests})
    assert result.score == 1.0, result.details["tests"]
