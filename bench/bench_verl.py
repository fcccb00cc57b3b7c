"""rmg through verl's reward path vs verl's own scorers, from 8 threads (as verl's reward loop calls).

Run from the repo root (needs rmg[training]):  .venv/bin/python bench/bench_verl.py
(writes bench/results/verl.md)

Math: the first 4,096 GSM8K model solutions (../shared/data/math, OpenAI's `is_correct` labels),
data_source `openai/gsm8k`, each call `f(data_source, solution_str, ground_truth)` from a pool of 8
threads: rmg.training.verl.compute_score (default router -> math.accuracy) vs verl's
`default_compute_score` (its GSM8K scorer) and verl's Math-Verify scorer (`math_verify.compute_score`,
which verl suggests for better accuracy). Code: HumanEval (164 problems) with the canonical solution
and a broken one (`return None`) per problem, tests from each problem's `assert candidate(...) == ...`
lines: rmg's code.execution (through compute_score, data_source `codecontests`) vs verl's local
code scorer (`prime_code`, what `default_compute_score` uses for code without a sandbox URL). Same
test cases for both, each in its own format. One run; a warm-up call per contender is not timed.
"""

from __future__ import annotations

import ast
import gzip
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "bench" / "results" / "verl.md"
THREADS = 8
N_MATH = 4096


def _score(value: Any) -> float:
    if isinstance(value, dict):
        return float(value["score"])
    if isinstance(value, (tuple, list)):
        return float(value[0])
    return float(value)


def run(fn: Callable[..., Any], calls: list[dict[str, Any]]) -> dict[str, Any]:
    """All calls from THREADS threads; wall time, per-call worst latency, scores, exceptions."""

    def one(kwargs: dict[str, Any]) -> tuple[float, float, str | None]:
        started = time.perf_counter()
        try:
            score, error = _score(fn(**kwargs)), None
        except Exception as exc:
            score, error = float("nan"), f"{type(exc).__name__}: {exc}"[:120]
        return score, time.perf_counter() - started, error

    fn(**calls[0])  # warm-up: imports, pools
    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        out = list(pool.map(one, calls))
    wall = time.perf_counter() - started
    return {
        "wall": wall,
        "rate": len(calls) / wall,
        "scores": [s for s, _, _ in out],
        "worst": max(t for _, t, _ in out),
        "errors": [e for _, _, e in out if e],
    }


def agreement(scores: list[float], labels: list[bool]) -> float:
    return sum((s >= 1.0) == lab for s, lab in zip(scores, labels)) / len(labels)


# -- code cases ---------------------------------------------------------------------------------------


def _literal(node: ast.AST) -> Any:
    value = ast.literal_eval(node)
    if json.loads(json.dumps(value)) != value:  # tuples, inf...: not the same after verl's JSON round trip
        raise ValueError("not JSON-exact")
    return value


def humaneval_cases() -> list[dict[str, Any]]:
    """Problems with their `assert candidate(args) == expected` cases in both formats."""
    out = []
    with gzip.open(DATA / "code" / "HumanEval.jsonl.gz", "rt") as f:
        problems = [json.loads(line) for line in f]
    for p in problems:
        cases = []
        for node in ast.walk(ast.parse(p["test"])):
            if not isinstance(node, ast.Assert) or not isinstance(node.test, ast.Compare):
                continue
            call, ops, rights = node.test.left, node.test.ops, node.test.comparators
            if not (isinstance(call, ast.Call) and getattr(call.func, "id", "") == "candidate"):
                continue
            if len(ops) != 1 or not isinstance(ops[0], ast.Eq) or call.keywords:
                continue
            try:
                cases.append(([_literal(a) for a in call.args], _literal(rights[0])))
            except (ValueError, SyntaxError, TypeError):
                continue
        if not cases:
            continue
        fn = p["entry_point"]
        rmg_ref = {"fn_name": fn, "cases": [{"args": a, "expected": e} for a, e in cases]}
        verl_ref = {
            "fn_name": fn,
            "inputs": ["\n".join(json.dumps(x) for x in a) for a, _ in cases],
            "outputs": [json.dumps(e) for _, e in cases],
        }
        good = p["prompt"] + p["canonical_solution"]
        bad = p["prompt"] + "    return None\n"
        for solution, label in ((good, True), (bad, False)):
            out.append({"solution": solution, "label": label, "rmg_ref": rmg_ref, "verl_ref": json.dumps(verl_ref)})
    return out


# -- main ---------------------------------------------------------------------------------------------


def main() -> int:
    from verl.utils.reward_score import default_compute_score, prime_code
    from verl.utils.reward_score import math_verify as verl_math_verify

    from rmg.training.verl import compute_score

    rows = [json.loads(line) for line in (DATA / "math" / "gsm8k_model_solutions_pairs.jsonl").open()][:N_MATH]
    labels = [bool(r["is_correct"]) for r in rows]
    calls = [{"data_source": "openai/gsm8k", "solution_str": r["solution"], "ground_truth": r["gold"]} for r in rows]
    math_results = {
        "rmg compute_score (math.accuracy)": run(compute_score, calls),
        "verl default_compute_score (gsm8k)": run(default_compute_score, calls),
        "verl math_verify.compute_score": run(
            lambda data_source, solution_str, ground_truth: verl_math_verify.compute_score(solution_str, ground_truth),
            calls,
        ),
    }

    code = humaneval_cases()
    code_labels = [c["label"] for c in code]
    rmg_calls = [
        {"data_source": "codecontests", "solution_str": c["solution"], "ground_truth": json.dumps(c["rmg_ref"])}
        for c in code
    ]
    verl_calls = [{"completion": c["solution"], "test_cases": c["verl_ref"]} for c in code]
    code_results = {
        "rmg compute_score (code.execution)": run(compute_score, rmg_calls),
        "verl prime_code (local)": run(
            lambda completion, test_cases: prime_code.compute_score(completion, test_cases, continuous=True), verl_calls
        ),
    }

    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# rmg in verl's reward path vs verl's own scorers",
        "",
        f"Command: `.venv/bin/python bench/bench_verl.py` — {now}, `uname -m` {platform.machine()}, `nproc` "
        f"{os.cpu_count()}, Python {platform.python_version()} (a machine shared with other work: absolute rates "
        "drift, ratios within one run are what count). Every call from a pool of "
        f"{THREADS} threads, as verl's reward loop runs a sync reward function; one warm-up call per contender "
        "not timed.",
        "",
        f"## Math: {len(calls):,} GSM8K model solutions (OpenAI `is_correct`: {sum(labels):,} correct)",
        "",
        "| contender | samples/s | wall (s) | agreement with labels | worst sample latency | exceptions |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in math_results.items():
        lines.append(
            f"| {name} | {r['rate']:,.0f} | {r['wall']:.2f} | {agreement(r['scores'], labels):.2%} | "
            f"{r['worst'] * 1000:,.0f} ms | {len(r['errors'])} |"
        )
    rmg_m = math_results["rmg compute_score (math.accuracy)"]
    for name, r in math_results.items():
        if not name.startswith("rmg"):
            lines.append("")
            lines.append(f"Same-run ratio rmg / {name}: **{rmg_m['rate'] / r['rate']:.1f}x** throughput.")
    lines += [
        "",
        f"## Code: HumanEval, {len(code) // 2} problems x (canonical, broken) = {len(code)} samples",
        "",
        "| contender | samples/s | wall (s) | agreement with labels | worst sample latency | exceptions |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in code_results.items():
        lines.append(
            f"| {name} | {r['rate']:,.1f} | {r['wall']:.2f} | {agreement(r['scores'], code_labels):.2%} | "
            f"{r['worst'] * 1000:,.0f} ms | {len(r['errors'])} |"
        )
    rmg_c, verl_c = code_results.values()
    lines += ["", f"Same-run ratio rmg / verl prime_code: **{rmg_c['rate'] / verl_c['rate']:.1f}x** throughput."]
    errors = {n: r["errors"][:3] for n, r in {**math_results, **code_results}.items() if r["errors"]}
    if errors:
        lines += ["", "First exceptions raised (each would crash a verl step):"]
        lines += [f"- {n}: {e}" for n, e in errors.items()]
    OUT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
