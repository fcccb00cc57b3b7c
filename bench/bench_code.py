"""HumanEval throughput of `code.execution` vs RM-Gallery's `code_execution` reward, same run.

Run: .venv/bin/python bench/bench_code.py   (writes bench/results/code.md; about 1-2 minutes)

Cases. RM-Gallery's reward only takes APPS-style tests (`fn_name`, JSON `inputs`/`outputs`), so
both contenders get the same cases: every HumanEval `assert candidate(<literals>) == <literal>` of
`check()` that converts to such a case (problems with none are left out). rmg additionally runs
the native shape (the whole HumanEval test code with `entry_point`, all 164 problems), which is
how users feed it. Responses are the canonical solutions (prompt + body in a ```python fence).

Parallelism: 2 workers each. rmg: its process pool (`workers=2`); the peer: `reward.evaluate`
from a 2-thread pool, which is what its own `evaluate_batch(max_workers=2)` amounts to (tests
given as the answer's `label["inputs_outputs"]`: its `evaluate` drops `metadata` before `_evaluate`
sees it; each call forks its own checker process).

Two regimes, each contender alike:
- steady state (the headline), as an RL trainer uses a reward: one long-lived scorer per
  contender for the whole benchmark, warmed up by one untimed pass over the first 20 problems
  before any timing. rmg: one `rmg.Runner(spec, workers=2)` whose `.stream()` is timed (its pool
  and sandbox templates stay up); the peer: one process holding the reward and its thread pool,
  timed per pass. Neither caches results: every pass runs every problem's code afresh.
- cold: rmg: a fresh `rmg.evaluate(..., workers=2)` per timed run (pool and sandbox-template start
  included, as a one-off user call); the peer: a fresh process per run (reward built before the
  timer starts, its first pass timed).
Timings exclude interpreter start and imports. The contenders are interleaved, repeated, and
medians reported, with the machine's 1-minute load average at the start of every run (the machine
is shared: a load above 2 on 2 cores slows both contenders). RM-Gallery's checker imports `pyext`,
which does not build on Python >= 3.11: a stand-in `RuntimeModule.from_string` (exec into a fresh
module, which is what pyext does) is written to a temp dir on the peer's PYTHONPATH.
"""

from __future__ import annotations

import ast
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "code" / "HumanEval.jsonl.gz"
PEER = ROOT / "bench" / ".peers" / "rm-gallery" / "bin" / "python"
REPEATS = 5
WARM_UP = 20  # problems in the untimed warm-up pass of each steady-state contender

PYEXT = """
import types


class RuntimeModule:
    @staticmethod
    def from_string(name, doc, code):
        module = types.ModuleType(name, doc)
        exec(code, module.__dict__)
        return module
"""

PEER_SCRIPT = r"""
import json, sys, time
from concurrent.futures import ThreadPoolExecutor
from rm_gallery.core.reward.registry import RewardRegistry
from rm_gallery.core.data.schema import DataSample, DataOutput, Step
from rm_gallery.core.model.message import ChatMessage
cases = json.load(open(sys.argv[1]))
steady = sys.argv[2] == "steady"
reward = RewardRegistry.get("code_execution")()
samples = [DataSample(unique_id=c["id"], input=[ChatMessage(role="user", content=c["prompt"])],
                      output=[DataOutput(answer=Step(role="assistant", content=c["response"],
                                                     label={"inputs_outputs": c["apps"]}))]) for c in cases]
with ThreadPoolExecutor(2) as pool:
    if steady:
        list(pool.map(reward.evaluate, samples[:WARM_UP]))
        print("ready", flush=True)
    for command in (sys.stdin if steady else ["run"]):
        started = time.perf_counter()
        done = list(pool.map(reward.evaluate, samples))
        seconds = time.perf_counter() - started
        scores = [d.output[0].answer.reward.details[0].score if d.output[0].answer.reward.details
                  else d.output[0].answer.reward.score for d in done]
        print(json.dumps({"seconds": seconds, "scores": scores}), flush=True)
""".replace("WARM_UP", str(WARM_UP))


def call_cases(test_code: str) -> list[tuple[list[Any], Any]]:
    """`assert candidate(<literals>) == <literal>` statements of check(), as (args, expected)."""
    tree = ast.parse(test_code)
    check = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "check"), None)
    out = []
    for node in ast.walk(check) if check else []:
        if not (isinstance(node, ast.Assert) and isinstance(node.test, ast.Compare)):
            continue
        test = node.test
        call = test.left
        if not (
            len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)
            and isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == "candidate"
            and not call.keywords
        ):
            continue
        try:
            args = [ast.literal_eval(a) for a in call.args]
            expected = ast.literal_eval(test.comparators[0])
            json.dumps([args, expected])
        except (ValueError, TypeError, SyntaxError):
            continue
        if isinstance(expected, float) or any(isinstance(a, (set, dict)) for a in args):
            continue
        out.append((args, expected))
    return out


def load() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with gzip.open(DATA, "rt") as f:
        rows = [json.loads(line) for line in f]
    native, shared = [], []
    for row in rows:
        response = f"```python\n{row['prompt']}{row['canonical_solution']}\n```"
        native.append(
            {
                "id": row["task_id"],
                "response": response,
                "reference": {"tests": row["test"], "entry_point": row["entry_point"]},
            }
        )
        cases = call_cases(row["test"])
        if cases:
            apps = {
                "fn_name": row["entry_point"],
                "inputs": ["\n".join(json.dumps(a) for a in args) for args, _ in cases],
                "outputs": [json.dumps(expected) for _, expected in cases],
            }
            shared.append(
                {
                    "id": row["task_id"],
                    "prompt": row["prompt"],
                    "response": response,
                    "apps": apps,
                    "reference": {
                        "fn_name": row["entry_point"],
                        "cases": [{"args": a, "expected": e} for a, e in cases],
                    },
                }
            )
    return native, shared


def rmg_samples(items: list[dict[str, Any]]) -> list[Any]:
    import rmg

    return [rmg.Sample.of(i["response"], reference=i["reference"], id=i["id"]) for i in items]


def run_rmg_cold(items: list[dict[str, Any]]) -> tuple[float, list[float]]:
    import rmg

    samples = rmg_samples(items)
    started = time.perf_counter()
    scores = [s.result.score for s in rmg.evaluate("code.execution", samples, workers=2)]
    return time.perf_counter() - started, scores


class SteadyRmg:
    """One long-lived runner, warmed up once; each call times one pass."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        import rmg

        self.samples = rmg_samples(items)
        self.runner = rmg.Runner("code.execution", workers=2)
        list(self.runner.stream(self.samples[:WARM_UP]))

    def __call__(self) -> tuple[float, list[float]]:
        started = time.perf_counter()
        scores = [s.result.score for s in self.runner.stream(self.samples)]
        return time.perf_counter() - started, scores

    def close(self) -> None:
        self.runner.close()


def _peer_command(case_file: str, mode: str) -> list[str]:
    return [str(PEER), "-c", PEER_SCRIPT, case_file, mode]


def _peer_env(pythonpath: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": pythonpath}


def _peer_result(line: str) -> tuple[float, list[float]]:
    result = json.loads(line)
    return result["seconds"], result["scores"]


def run_peer_cold(case_file: str, pythonpath: str) -> tuple[float, list[float]]:
    with tempfile.TemporaryDirectory() as cwd:  # the peer writes ./log/rm_gallery.log
        done = subprocess.run(
            _peer_command(case_file, "cold"),
            capture_output=True,
            text=True,
            env=_peer_env(pythonpath),
            cwd=cwd,
            timeout=900,
        )
    if done.returncode != 0:
        raise SystemExit(f"peer failed:\n{done.stderr[-3000:]}")
    return _peer_result(done.stdout.strip().splitlines()[-1])


class SteadyPeer:
    """One long-lived peer process, warmed up once; each call times one pass."""

    def __init__(self, case_file: str, pythonpath: str) -> None:
        self.cwd = tempfile.TemporaryDirectory()
        self.proc = subprocess.Popen(
            _peer_command(case_file, "steady"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=_peer_env(pythonpath),
            cwd=self.cwd.name,
        )
        if self._line() != "ready":
            raise SystemExit("peer failed to start")

    def _line(self) -> str:
        assert self.proc.stdout is not None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("peer exited")
            if line.startswith(("ready", "{")):
                return line.strip()

    def __call__(self) -> tuple[float, list[float]]:
        assert self.proc.stdin is not None
        self.proc.stdin.write("run\n")
        self.proc.stdin.flush()
        return _peer_result(self._line())

    def close(self) -> None:
        self.proc.kill()  # idle between passes; it does not always exit when its stdin closes
        self.proc.wait()
        self.cwd.cleanup()


RMG_STEADY = "rmg, steady state (shared call cases)"
PEER_STEADY = "RM-Gallery code_execution, steady state (shared call cases)"
RMG_COLD = "rmg, cold: fresh rmg.evaluate per run (shared call cases)"
PEER_COLD = "RM-Gallery code_execution, cold: fresh process per run (shared call cases)"
RMG_NATIVE = "rmg, steady state (native HumanEval tests, 164 problems)"


def main() -> None:
    if not PEER.exists():
        raise SystemExit("peer venv missing: run `bash bench/peers.sh` first")
    native, shared = load()
    ncases = sum(len(i["reference"]["cases"]) for i in shared)
    names = [RMG_STEADY, PEER_STEADY, RMG_COLD, PEER_COLD, RMG_NATIVE]
    times: dict[str, list[float]] = {name: [] for name in names}
    passed: dict[str, int] = {}
    loads: dict[str, list[float]] = {name: [] for name in names}
    sizes = {name: (len(native) if name == RMG_NATIVE else len(shared)) for name in names}
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "pyext.py").write_text(PYEXT)
        case_file = str(Path(tmp, "cases.json"))
        Path(case_file).write_text(json.dumps(shared))
        steady = {RMG_STEADY: SteadyRmg(shared), PEER_STEADY: SteadyPeer(case_file, tmp), RMG_NATIVE: SteadyRmg(native)}
        runs = {**steady, RMG_COLD: lambda: run_rmg_cold(shared), PEER_COLD: lambda: run_peer_cold(case_file, tmp)}
        try:
            for _ in range(REPEATS):  # interleaved, so machine noise hits every contender alike
                for name in names:
                    loads[name].append(os.getloadavg()[0])
                    seconds, scores = runs[name]()
                    times[name].append(seconds)
                    passed[name] = sum(1 for s in scores if s == 1.0)
                    print(f"{name}: {seconds:.2f}s, {passed[name]}/{len(scores)} passed", file=sys.stderr)
        finally:
            for scorer in steady.values():
                scorer.close()
    rate = {name: sizes[name] / statistics.median(t) for name, t in times.items()}
    ratio = rate[RMG_STEADY] / rate[PEER_STEADY]
    cold_ratio = rate[RMG_COLD] / rate[PEER_COLD]
    lines = [
        "# code.execution throughput on HumanEval",
        "",
        (
            f"Command: `.venv/bin/python bench/bench_code.py` — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
            f"{platform.machine()}, nproc {os.cpu_count()}, Python {platform.python_version()}; {REPEATS} interleaved "
            "repeats, medians; 2 workers per contender; timings exclude interpreter start and imports."
        ),
        "",
        (
            f"Shared cases: {len(shared)} HumanEval problems ({ncases} `candidate(...) == ...` asserts converted to "
            "APPS-style call cases, which is the only test shape RM-Gallery's reward takes); responses are the "
            "canonical solutions, so every problem should score 1.0."
        ),
        "",
        (
            f"Steady state: one long-lived scorer per contender (an `rmg.Runner(..., workers=2)`; one peer process "
            f"with its 2-thread pool), warmed up by one untimed pass over the first {WARM_UP} problems, then timed "
            "pass by pass, as an RL trainer calls a reward. Cold: a fresh `rmg.evaluate` (pool and sandbox start "
            "included) / a fresh peer process per run. Neither contender caches results."
        ),
        "",
        "| contender | problems | median s | problems/s | scored 1.0 | runs (s) | load avg at each run start |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, values in times.items():
        lines.append(
            f"| {name} | {sizes[name]} | {statistics.median(values):.2f} | {rate[name]:.1f} | "
            f"{passed[name]}/{sizes[name]} | {', '.join(f'{v:.2f}' for v in values)} | "
            f"{', '.join(f'{v:.1f}' for v in loads[name])} |"
        )
    paired = [p / r for r, p in zip(times[RMG_STEADY], times[PEER_STEADY])]  # same round, back to back
    lines += [
        "",
        (
            f"Ratio rmg / RM-Gallery on the same cases, steady state: **{ratio:.1f}x** (target >= 10x); "
            f"per round (each pair run back to back): {', '.join(f'{v:.1f}x' for v in paired)}, median "
            f"{statistics.median(paired):.1f}x. Cold (fresh scorer per run): {cold_ratio:.1f}x."
        ),
        "",
    ]
    text = "\n".join(lines)
    out = ROOT / "bench" / "results" / "code.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    notes = _notes(out)
    out.write_text(text + notes)
    print(text)


def _notes(out: Path) -> str:
    """The hand-written notes section of the results file, kept across runs."""
    if not out.exists():
        return ""
    old = out.read_text()
    at = old.find("\n## Notes")
    return old[at:] if at >= 0 else ""


if __name__ == "__main__":
    main()
