"""math.accuracy vs Math-Verify 0.9.0: throughput and accuracy on the same cases, in the same run.

Run from the repo root:  .venv/bin/python bench/bench_math.py      (writes bench/results/math.md)

Case sets:
- gsm8k: every 4th GSM8K model solution (OpenAI's `is_correct` labels);
- math: all 800 Qwen2.5-Math MATH responses (`qwen_grader_correct`);
- forms: the hand-labelled answer forms of `plugins/rmg-plugin-math/tests/answer_forms.py`;
- kinds: the varied-kinds table `plugins/rmg-plugin-math/tests/data/labelled_pairs.jsonl` (12 kinds:
  integer ... matrix, relation, text; bare, `$…$`, in a sentence, boxed, whole responses);
- mv-suite: Math-Verify's own public test cases as labelled pairs
  (`plugins/rmg-plugin-math/tests/data/mathverify_pairs.jsonl`; its default `verify` options only).
  Those strings are already in Math-Verify's input format, so "wrapped" leaves them as they are.

Contenders, each timed in a fresh interpreter per repeat (imports and one warm-up call excluded,
caches cold), interleaved, REPEATS times; medians reported. Each case is timed on its own too, so
the report gives throughput per set and per answer kind:

- rmg direct: `MathAccuracy().evaluate(sample)` in one process (one core);
- rmg pool: `rmg.evaluate("math.accuracy", samples, workers=2)` (includes starting the pool);
- Math-Verify raw: `verify(parse(gold), parse(response))` in its own venv (bench/.peers/math-verify);
- Math-Verify wrapped: the same with each side wrapped in `$...$` (unless it already holds `$`, `\\(` or `\\[`).

Then the worst case on pathological inputs, one fresh process per input and contender, killed
after PATH_LIMIT seconds. This file also runs as the worker (`--worker ...`); in that mode it
imports only the standard library and the contender, so the peer's venv can run it.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "math"
PEER = ROOT / "bench" / ".peers" / "math-verify" / "bin" / "python"
OUT = ROOT / "bench" / "results" / "math.md"
TESTS_DATA = ROOT / "plugins" / "rmg-plugin-math" / "tests" / "data"
REPEATS = 3
PATH_LIMIT = 10.0
GSM8K_STRIDE = 4

# One symbolic comparison (not among the cases) so both contenders have imported sympy before timing.
WARM_UP = ("\\boxed{\\sin^2 x + \\cos^2 x}", "1")
PATHOLOGICAL = {
    "\\frac{ x 50": "\\boxed{" + "\\frac{" * 50 + "}",
    "9^{9^{9^{9}}} boxed": "\\boxed{9^{9^{9^{9}}}}",
    "10^{100000000}": "The answer is $10^{100000000}$.",
    "100000!": "\\boxed{100000!}",
    "5000-digit number": "\\boxed{" + "9" * 5000 + "}",
    "200k-char response": "Let me think. " * 14_000 + "So \\boxed{42}.",
}


# -- workers (standard library + one contender only) -----------------------------------------------


def _worker(kind: str, path: str) -> None:
    cases = json.loads(Path(path).read_text())
    if kind.startswith("mv"):
        from math_verify import parse, verify

        wrap = kind == "mv-wrapped"

        def judge(response: str, gold: str, as_given: bool = False) -> bool:
            if wrap and not as_given:  # only text without math delimiters of its own is wrapped
                response, gold = (x if any(d in x for d in ("$", "\\(", "\\[")) else f"${x}$" for x in (response, gold))
            return bool(verify(parse(gold), parse(response)))

        judge(WARM_UP[0], WARM_UP[1])  # warm-up: imports sympy and the LaTeX parser
        scores, each = [], []
        started = time.perf_counter()
        for c in cases:
            t = time.perf_counter()
            scores.append(judge(c["response"], c["gold"], c.get("set") == "mv-suite"))
            each.append(time.perf_counter() - t)
        seconds = time.perf_counter() - started
    elif kind == "rmg-direct":
        from rmg_plugin_math import MathAccuracy

        import rmg

        reward = MathAccuracy()
        samples = [rmg.Sample.of(c["response"], reference=c["gold"]) for c in cases]
        reward.evaluate(rmg.Sample.of(WARM_UP[0], reference=WARM_UP[1]))  # warm-up: reaches Math-Verify
        scores, each = [], []
        started = time.perf_counter()
        for sample in samples:
            t = time.perf_counter()
            scores.append(reward.evaluate(sample)[0].score == 1.0)
            each.append(time.perf_counter() - t)
        seconds = time.perf_counter() - started
    elif kind == "rmg-pool":
        import rmg

        samples = [rmg.Sample.of(c["response"], reference=c["gold"]) for c in cases]
        started = time.perf_counter()
        scores = [s.result.score == 1.0 for s in rmg.evaluate("math.accuracy", samples, workers=2, timeout=30)]
        seconds = time.perf_counter() - started
        each = []  # the pool overlaps cases: no per-case times
    else:
        raise SystemExit(f"unknown worker {kind!r}")
    print(json.dumps({"seconds": seconds, "scores": scores, "each": each}))


# -- the driver ---------------------------------------------------------------------------------------


def load_cases() -> list[dict]:
    cases = []
    gsm = [json.loads(x) for x in (DATA / "gsm8k_model_solutions_pairs.jsonl").read_text().splitlines() if x]
    for row in gsm[::GSM8K_STRIDE]:
        cases.append(
            {"set": "gsm8k", "response": row["solution"], "gold": row["gold"], "label": bool(row["is_correct"])}
        )
    for x in (DATA / "qwen25math_math_cot_100_pairs.jsonl").read_text().splitlines():
        if x:
            row = json.loads(x)
            cases.append(
                {
                    "set": "math",
                    "response": row["response"],
                    "gold": row["gold"],
                    "label": bool(row["qwen_grader_correct"]),
                }
            )
    sys.path.insert(0, str(ROOT / "plugins" / "rmg-plugin-math" / "tests"))
    from answer_forms import CASES

    for _, response, gold, label in CASES:
        cases.append({"set": "forms", "response": response, "gold": gold, "label": label})
    for x in (TESTS_DATA / "labelled_pairs.jsonl").read_text().splitlines():
        if x:
            row = json.loads(x)
            cases.append(
                {
                    "set": "kinds",
                    "kind": row["kind"],
                    "response": row["response"],
                    "gold": row["reference"],
                    "label": row["label"],
                }
            )
    for x in (TESTS_DATA / "mathverify_pairs.jsonl").read_text().splitlines():
        row = json.loads(x) if x else None
        if row and row["options"].get("strict", True) and not row["options"].get("allow_set_relation_comp"):
            cases.append(
                {"set": "mv-suite", "response": row["pred"], "gold": row["gold"], "label": bool(row["expected"])}
            )
    return cases


CONTENDERS = {
    "rmg direct (1 core)": (sys.executable, "rmg-direct"),
    "rmg pool (workers=2)": (sys.executable, "rmg-pool"),
    "Math-Verify raw": (str(PEER), "mv-raw"),
    "Math-Verify wrapped $…$": (str(PEER), "mv-wrapped"),
}


def run_worker(python: str, kind: str, path: str, timeout: float | None = None) -> dict:
    done = subprocess.run(
        [python, str(Path(__file__).resolve()), "--worker", kind, path],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{kind} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def pathological_times(tmp: Path) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for label, text in PATHOLOGICAL.items():
        path = tmp / "path.json"
        path.write_text(json.dumps([{"response": text, "gold": "42"}]))
        row = {}
        for name, (python, kind) in CONTENDERS.items():
            if kind == "rmg-pool":
                continue
            try:
                seconds = run_worker(python, kind, str(path), timeout=PATH_LIMIT + 20)["seconds"]
                row[name] = f"{seconds * 1000:.1f} ms" if seconds < PATH_LIMIT else f"{seconds:.1f} s"
            except subprocess.TimeoutExpired:
                row[name] = f"> {PATH_LIMIT + 20:.0f} s (killed)"
        out[label] = row
        print(f"  {label}: {row}", flush=True)
    return out


def main() -> None:
    if not PEER.exists():
        raise SystemExit("peer venv missing: run `bash bench/peers.sh` first")
    cases = load_cases()
    tmp = Path(tempfile.mkdtemp(prefix="rmg-bench-math-"))
    path = tmp / "cases.json"
    path.write_text(json.dumps(cases))
    times: dict[str, list[float]] = {name: [] for name in CONTENDERS}
    scores: dict[str, list[bool]] = {}
    each: dict[str, list[list[float]]] = {name: [] for name in CONTENDERS}
    for repeat in range(REPEATS):  # interleaved, so machine noise hits every contender alike
        for name, (python, kind) in CONTENDERS.items():
            result = run_worker(python, kind, str(path))
            times[name].append(result["seconds"])
            each[name].append(result["each"])
            scores.setdefault(name, result["scores"])
            print(f"repeat {repeat + 1}: {name}: {len(cases) / result['seconds']:.0f} cases/s", flush=True)
    print("pathological inputs:", flush=True)
    patho = pathological_times(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    write_report(cases, times, scores, each, patho)


def write_report(
    cases: list[dict],
    times: dict[str, list[float]],
    scores: dict[str, list[bool]],
    each: dict[str, list[list[float]]],
    patho: dict[str, dict[str, str]],
) -> None:
    sets = ["gsm8k", "math", "forms", "kinds", "mv-suite"]
    counts = {s: sum(c["set"] == s for c in cases) for s in sets}
    direct, mv_wrapped, mv_raw = "rmg direct (1 core)", "Math-Verify wrapped $…$", "Math-Verify raw"

    def picked(keep: Callable[[dict], bool]) -> list[int]:
        return [i for i, c in enumerate(cases) if keep(c)]

    def accuracy(name: str, rows: list[int]) -> str:
        right = sum(cases[i]["label"] == scores[name][i] for i in rows)
        return f"{100 * right / len(rows):.2f}%"

    def rate_of(name: str, rows: list[int]) -> float:
        """Cases per second over `rows` from the per-case times (median over repeats)."""
        return len(rows) / statistics.median(sum(run[i] for i in rows) for run in each[name])

    every = list(range(len(cases)))
    by_set = {s: picked(lambda c, s=s: c["set"] == s) for s in sets}
    rate = {name: len(cases) / statistics.median(values) for name, values in times.items()}
    lines = [
        "# math.accuracy vs Math-Verify",
        "",
        f"Command: `.venv/bin/python bench/bench_math.py` — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"`uname -m` {platform.machine()}, `nproc` {os.cpu_count()}, Python {platform.python_version()} "
        "(a machine shared with other work: absolute rates drift, ratios within one run are what count).",
        "",
        f"Cases ({len(cases)}): {counts['gsm8k']} GSM8K model solutions (every {GSM8K_STRIDE}th, OpenAI `is_correct`), "
        f"{counts['math']} Qwen2.5-Math MATH responses (`qwen_grader_correct`), {counts['forms']} hand-labelled answer "
        f"forms (`tests/answer_forms.py`), {counts['kinds']} varied-kinds pairs (`tests/data/labelled_pairs.jsonl`, "
        f"12 kinds) and {counts['mv-suite']} Math-Verify test-suite cases (`tests/data/mathverify_pairs.jsonl`; "
        "given to Math-Verify as written, in its own format). Each contender runs in a fresh interpreter per "
        f"repeat (imports and a warm-up call excluded, caches cold), interleaved, {REPEATS} repeats; medians.",
        "",
        "| contender | cases/s (median) | runs (s) | accuracy all | GSM8K | MATH | forms | varied kinds | Math-Verify suite |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, values in times.items():
        runs = ", ".join(f"{v:.2f}" for v in values)
        lines.append(
            f"| {name} | {rate[name]:.0f} | {runs} | {accuracy(name, every)} | "
            + " | ".join(accuracy(name, by_set[s]) for s in sets)
            + " |"
        )
    kinds_rows = by_set["kinds"]
    own = by_set["gsm8k"] + by_set["math"] + by_set["forms"]
    lines += [
        "",
        f"Ratio rmg direct / Math-Verify wrapped: on the varied kinds **{rate_of(direct, kinds_rows) / rate_of(mv_wrapped, kinds_rows):.1f}x** "
        f"(target >= 5x; {rate_of(direct, kinds_rows):.0f} vs {rate_of(mv_wrapped, kinds_rows):.0f} cases/s); on the "
        f"project's own mostly-numeric cases (GSM8K + MATH + forms) {rate_of(direct, own) / rate_of(mv_wrapped, own):.1f}x; "
        f"all cases {rate[direct] / rate[mv_wrapped]:.1f}x (the Math-Verify suite's symbolic cases, such as `\\sum` "
        f"identities, take both contenders seconds). rmg direct / Math-Verify raw, all cases: "
        f"{rate[direct] / rate[mv_raw]:.1f}x; rmg pool / Math-Verify wrapped: "
        f"{rate['rmg pool (workers=2)'] / rate[mv_wrapped]:.1f}x (the pool time includes starting 2 workers).",
        "",
        "| case set | cases | rmg direct cases/s | Math-Verify raw cases/s | Math-Verify wrapped cases/s | rmg / wrapped |",
        "|---|---|---|---|---|---|",
    ]
    for subset in sets:
        rows = by_set[subset]
        lines.append(
            f"| {subset} | {len(rows)} | {rate_of(direct, rows):.0f} | {rate_of(mv_raw, rows):.0f} | "
            f"{rate_of(mv_wrapped, rows):.0f} | {rate_of(direct, rows) / rate_of(mv_wrapped, rows):.1f}x |"
        )
    lines += [
        "",
        "## Varied kinds: throughput and accuracy per kind (same run)",
        "",
        "| kind | pairs | rmg cases/s | rmg accuracy | Math-Verify wrapped cases/s | Math-Verify wrapped accuracy "
        "| Math-Verify raw accuracy | speed ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind in dict.fromkeys(cases[i]["kind"] for i in kinds_rows):
        rows = [i for i in kinds_rows if cases[i]["kind"] == kind]
        ours, theirs = rate_of(direct, rows), rate_of(mv_wrapped, rows)
        lines.append(
            f"| {kind} | {len(rows)} | {ours:.0f} | {accuracy(direct, rows)} | {theirs:.0f} | "
            f"{accuracy(mv_wrapped, rows)} | {accuracy(mv_raw, rows)} | {ours / theirs:.1f}x |"
        )
    lines += ["", "Cases where a contender disagrees with the label:", ""]
    for subset in ("forms", "kinds", "mv-suite"):
        for name in (direct, mv_raw, mv_wrapped):
            wrong = [cases[i] for i in by_set[subset] if cases[i]["label"] != scores[name][i]]
            shown = "; ".join(f"`{c['response'][-60:]}` vs `{c['gold'][:60]}` (label {c['label']})" for c in wrong[:12])
            more = f" … and {len(wrong) - 12} more" if len(wrong) > 12 else ""
            lines.append(f"- {subset}, {name}: {len(wrong)} — {shown or 'none'}{more}")
    lines += [
        "",
        f"## Worst case on pathological inputs (gold `42`; one fresh process per input, killed after "
        f"{PATH_LIMIT + 20:.0f} s)",
        "",
        "| input | " + " | ".join(n for n in CONTENDERS if "pool" not in n) + " |",
        "|---|" + "---|" * (len(CONTENDERS) - 1),
    ]
    for label, row in patho.items():
        lines.append(f"| {label} | " + " | ".join(row.get(n, "") for n in CONTENDERS if "pool" not in n) + " |")
    lines += [
        "",
        "In training, rmg also runs every call under the runner's hard per-sample budget (a stuck "
        "worker is killed and replaced), so even an input that got past the bounds could not hang a step.",
    ]
    OUT.write_text("\n".join(lines) + "\n")
    print(OUT.read_text())


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        _worker(sys.argv[2], sys.argv[3])
    else:
        main()
