"""math.accuracy behaves identically in the main thread, other threads and asyncio; antlr4 4.9.x is reported."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path

from answer_forms import CASES
from rmg_plugin_math import MathAccuracy, MathVerifySteps, symbolic

import rmg

# symbolic-path cases included on purpose: Math-Verify's own SIGALRM timeouts would fail off the main thread
SAMPLES = [rmg.Sample.of(response, reference=gold) for _, response, gold, _ in CASES]


def scores(reward: rmg.Reward) -> list[tuple[float, str]]:
    return [(r.score, r.status.value) for s in SAMPLES for r in reward.evaluate(s)]


def test_same_results_in_main_thread_other_thread_and_asyncio() -> None:
    """Every case scores the same (and ok) from the main thread, a threading.Thread and inside asyncio.run."""
    reward = MathAccuracy()
    main = scores(reward)
    from_thread: list[list[tuple[float, str]]] = []
    thread = threading.Thread(target=lambda: from_thread.append(scores(reward)))
    thread.start()
    thread.join(timeout=120)

    async def in_loop() -> list[tuple[float, str]]:
        return [(r.score, r.status.value) for s in SAMPLES for r in await reward.aevaluate(s)]

    from_asyncio = asyncio.run(in_loop())
    assert all(status == "ok" for _, status in main)
    assert from_thread == [main]
    assert from_asyncio == main


def test_first_symbolic_use_off_the_main_thread_in_a_fresh_process() -> None:
    """In a new interpreter, the very first (symbolic) comparison made from a worker thread works."""
    code = (
        "import threading, rmg\n"
        "from rmg_plugin_math import MathAccuracy\n"
        "out = []\n"
        "s = rmg.Sample.of(r'\\boxed{\\sin^2 x + \\cos^2 x}', reference='1')\n"
        "t = threading.Thread(target=lambda: out.append(MathAccuracy().evaluate(s)[0]))\n"
        "t.start(); t.join()\n"
        "r = out[0]\n"
        "print(r.status.value, r.score, r.details['method'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ok", "1.0", "symbolic"], done.stdout + done.stderr
    assert "Timeout is disabled" not in done.stderr  # Math-Verify's warning is filtered: our budget is the pool


def test_antlr_4_9_runtime_is_warned_about_once_per_process() -> None:
    """A 4.9.x antlr4 runtime gets exactly one RuntimeWarning per process, naming the version."""
    code = (
        "import warnings\n"
        "from rmg_plugin_math import symbolic\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    symbolic.warn_once('4.9.3'); symbolic.warn_once('4.9.3')\n"
        "print(len(caught), caught[0].category.__name__, '4.9.3' in str(caught[0].message))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["1", "RuntimeWarning", "True"], done.stdout + done.stderr


def test_notes_name_the_antlr_runtime_for_rmg_show() -> None:
    """notes() on both rewards reports the installed runtime; a 4.9.x runtime is flagged as changing results."""
    installed = symbolic.antlr_version()
    assert installed and any(installed in note for note in MathAccuracy.notes())
    assert MathVerifySteps.notes() == MathAccuracy.notes()
    flagged = symbolic.notes_for("4.9.3")[0]
    assert "4.9.3" in flagged and "differ" in flagged
    assert "4.9" not in symbolic.notes_for("4.13.2")[0].replace("4.13.2", "")


UNDER_ANTLR_4_9 = r"""
import rmg
cases = [(r"\boxed{\frac{1}{2}}", "0.5"), (r"\boxed{\sqrt{2}/2}", r"\frac{\sqrt{2}}{2}"),
         (r"\boxed{x^2+2x+1}", "(x+1)^2"), (r"\boxed{x^2+2x+2}", "(x+1)^2")]
out = rmg.evaluate("math.accuracy", [rmg.Sample.of(r, reference=g) for r, g in cases], workers=0)
print(" ".join(f"{s.result.score:g}" for s in out))
"""


def test_a_real_antlr_4_9_3_runtime_is_warned_about_once_and_reported_by_rmg_show(tmp_path: Path) -> None:
    """With the runtime verl environments pin (really installed, first on the path): one RuntimeWarning
    naming 4.9.3, `rmg show` flags it, and symbolic comparisons still score right."""
    target = tmp_path / "antlr49"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            "antlr4-python3-runtime==4.9.3",
        ],
        check=True,
        timeout=300,
    )
    env = {**os.environ, "PYTHONPATH": str(target), "COLUMNS": "250"}
    done = subprocess.run(
        [sys.executable, "-W", "always", "-c", UNDER_ANTLR_4_9], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "1", "1", "0"], done.stdout + done.stderr
    assert done.stderr.count("RuntimeWarning: antlr4-python3-runtime 4.9.3 is installed") == 1, done.stderr
    shown = subprocess.run(
        [sys.executable, "-m", "rmg", "show", "math.accuracy"], capture_output=True, text=True, env=env, timeout=120
    )
    assert "antlr4-python3-runtime 4.9.3 is installed" in shown.stdout, shown.stdout + shown.stderr
