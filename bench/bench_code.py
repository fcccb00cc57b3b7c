"""HumanEval throughput of `code.execution` vs RM-Gallery's `code_execution` reward, same run.

Run: .venv/bin/python bench/bench_code.py   (writes bench/results/code.md; about 1-2 minutes)

Cases. RM-Gallery's reward only takes APPS-style tests (`fn_name`, JSON `inputs`/`outputs`), so
both contenders get the same cases: every HumanEval `assert candidate(<literals>) == <literal>` of
`check()` that converts to such a case (problems with none are left out). rmg additionally runs
the native shape (the whole HumanEval test code with `entry_point`, all 164 problems), which is
how users feed it. Responses are the canonical solutions (prompt + body in a ```python fence).

Parallelism: 2 workers each. rmg: `rmg.evaluate(..., workers=2)` (its process pool, started
afresh by each call, as a user's call would); the peer: `reward.evaluate` from a 2-thread pool,
which is what its own `evaluate_batch(max_workers=2)` amounts to (tests given as the answer's
`label["inputs_outputs"]`: its `evaluate` drops `metadata` before `_evaluate` sees it; each call
forks its own checker process). Timings exclude interpreter start and imports, include pool /
sandbox-server start. The contenders are interleaved, repeated, and medians reported, with the
machine's 1-minute load average at the start of every run (the machine is shared: a load above
2 on 2 cores slows both contenders). RM-Gallery's checker imports `pyext`, which does not build
on Python >= 3.11: a stand-in `RuntimeModule.from_string` (exec into a fresh module,
which is what pyext does) is written to a temp dir on the peer's PYTHONPATH.
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

PYEXT = '''
import types


class RuntimeModule:
    @staticmethod
    def from_string(name, doc, code):
        module = types.ModuleType(name, doc)
        exec(code, module.__dict__)
        return module
'''

PEER_SCRIPT = r'''
import json, sys, time
from concurrent.futures import ThreadPoolExecutor
from rm_gallery.core.reward.registry import RewardRegistry
from rm_gallery.core.data.schema import DataSample, DataOutput, Step
from rm_gallery.core.model.message import ChatMessage
cases = json.load(open(sys.argv[1]))
reward = RewardRegistry.get("code_execution")()
samples = [DataSample(unique_id=c["id"], input=[ChatMessage(role="user", content=c["prompt"])],
                      output=[DataOutput(answer=Step(role="assistant", content=c["response"],
                                                     label={"inputs_outputs": c["apps"]}))]) for c in cases]
started = time.perf_counter()
with ThreadPoolExecutor(2) as pool:
    done = list(pool.map(reward.evaluate, samples))
seconds = time.perf_counter() - started
scores = [d.output[0].answer.reward.details[0].score if d.output[0].answer.reward.details else d.output[0].answer.reward.score for d in done]
print(json.dumps({"seconds": seconds, "scores": scores}))
'''


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
        if not (len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq) and isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name) and call.func.id == "candidate" and not call.keywords):
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
        native.append({"id": row["task_id"], "response": response,
                       "reference": {"tests": row["test"], "entry_point": row["entry_point"]}})
        cases = call_cases(row["test"])
        if cases:
            apps = {"fn_name": row["entry_point"],
                    "inputs": ["\n".join(json.dumps(a) for a in args) for args, _ in cases],
                    "outputs": [json.dumps(expected) for _, expected in cases]}
            shared.append({"id": row["task_id"], "prompt": row["prompt"], "response": response, "apps": apps,
                           "reference": {"fn_name": row["entry_point"],
                                         "cases": [{"args": a, "expected": e} for a, e in cases]}})
    return native, shared


def run_rmg(items: list[dict[str, Any]]) -> tuple[float, list[float]]:
    import rmg

    samples = [rmg.Sample.of(i["response"], reference=i["reference"], id=i["id"]) for i in items]
    started = time.perf_counter()
    scores = [s.result.score for s in rmg.evaluate("code.execution", samples, workers=2)]
    return time.perf_counter() - started, scores


def run_peer(case_file: str, pythonpath: str) -> tuple[float, list[float]]:
    env = {**os.environ, "PYTHONPATH": pythonpath}
    with tempfile.TemporaryDirectory() as cwd:  # the peer writes ./log/rm_gallery.log
        done = subprocess.run([str(PEER), "-c", PEER_SCRIPT, case_file], capture_output=True, text=True,
                              env=env, cwd=cwd, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"peer failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["seconds"], result["scores"]


def main() -> None:
    if not PEER.exists():
        raise SystemExit("peer venv missing: run `bash bench/peers.sh` first")
    native, shared = load()
    ncases = sum(len(i["reference"]["cases"]) for i in shared)
    times: dict[str, list[float]] = {"rmg (shared call cases)": [], "RM-Gallery code_execution (shared call cases)": [],
                                     "rmg (native HumanEval tests, 164 problems)": []}
    passed: dict[str, int] = {}
    loads: dict[str, list[float]] = {name: [] for name in times}
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "pyext.py").write_text(PYEXT)
        case_file = str(Path(tmp, "cases.json"))
        Path(case_file).write_text(json.dumps(shared))
        for _ in range(REPEATS):  # interleaved, so machine noise hits every contender alike
            for name in times:
                loads[name].append(os.getloadavg()[0])
                if name.startswith("RM-Gallery"):
                    seconds, scores = run_peer(case_file, tmp)
                else:
                    seconds, scores = run_rmg(shared if "shared" in name else native)
                times[name].append(seconds)
                passed[name] = sum(1 for s in scores if s == 1.0)
                print(f"{name}: {seconds:.2f}s, {passed[name]}/{len(scores)} passed", file=sys.stderr)
    sizes = {name: (len(shared) if "shared" in name else len(native)) for name in times}
    rate = {name: sizes[name] / statistics.median(t) for name, t in times.items()}
    peer_name = "RM-Gallery code_execution (shared call cases)"
    ratio = rate["rmg (shared call cases)"] / rate[peer_name]
    lines = [
        "# code.execution throughput on HumanEval",
        "",
        f"Command: `.venv/bin/python bench/bench_code.py` — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()}, nproc {os.cpu_count()}, Python {platform.python_version()}; {REPEATS} interleaved "
        "repeats, medians; 2 workers per contender; timings exclude interpreter start and imports.",
        "",
        f"Shared cases: {len(shared)} HumanEval problems ({ncases} `candidate(...) == ...` asserts converted to "
        "APPS-style call cases, which is the only test shape RM-Gallery's reward takes); responses are the "
        "canonical solutions, so every problem should score 1.0.",
        "",
        "| contender | problems | median s | problems/s | scored 1.0 | runs (s) | load avg at each run start |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, values in times.items():
        lines.append(f"| {name} | {sizes[name]} | {statistics.median(values):.2f} | {rate[name]:.1f} | "
                     f"{passed[name]}/{sizes[name]} | {', '.join(f'{v:.2f}' for v in values)} | "
                     f"{', '.join(f'{v:.1f}' for v in loads[name])} |")
    paired = [p / r for r, p in zip(times["rmg (shared call cases)"], times[peer_name])]  # same round
    lines += ["", f"Ratio rmg / RM-Gallery on the same cases: **{ratio:.1f}x** (target >= 10x); per round "
              f"(each pair run back to back): {', '.join(f'{v:.1f}x' for v in paired)}, median "
              f"{statistics.median(paired):.1f}x.", ""]
    text = "\n".join(lines)
    out = ROOT / "bench" / "results" / "code.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
