"""Judge dispatch throughput against a zero-latency local endpoint: rmg vs RM-Gallery, same run.

One scripted OpenAI-compatible server (rmg.testing.ScriptedLLMServer) runs in its own process and
answers instantly, in rmg's judge format or in RM-Gallery's (`<violation>[]</violation>`), so what
is measured is each framework's cost of dispatching judge calls: prompt building, the HTTP client,
parsing, concurrency. Contenders, interleaved round by round (medians reported):

- rmg: `rmg.evaluate(judge, samples, concurrency=256)`, pointwise judge, cache off; once with
  its calls made from this process's event loop, once with `model_processes=2` (two child
  processes make the calls, each with its own loop and HTTP clients).
- RM-Gallery 0.1.7: `base_helpfulness_pointwise` (an LLM rubric judge) with its `OpenaiLLM`
  pointed at the same server, through `evaluate_batch(samples, max_workers=256)` (asyncio.to_thread
  onto the default thread pool), and, as a second RM-Gallery figure, `rm.evaluate` mapped over a
  64-thread `ThreadPoolExecutor` (what a user who knows about the small default pool would write).
  Its per-call loguru logging is switched off (that favours RM-Gallery).

Run: .venv/bin/python bench/bench_judge.py [--calls 3000] [--rounds 3]   (needs `bash bench/peers.sh`)
Writes bench/results/judge.md.
"""

from __future__ import annotations

import argparse
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

ROOT = Path(__file__).resolve().parents[1]
PEER = ROOT / "bench" / ".peers" / "rm-gallery" / "bin" / "python"
RESULTS = ROOT / "bench" / "results" / "judge.md"
RMG_ONE = "rmg (async, concurrency 256)"
RMG_TWO = "rmg (async, concurrency 256, model_processes=2)"

SERVER = r"""
import sys
from rmg.testing import ScriptedLLMServer

def answer(request):
    text = request["messages"][-1]["content"]
    if "<violation>" in text:  # RM-Gallery's rubric template asks for these tags
        return "<reason>Clear and correct.</reason>\n<violation>[]</violation>"
    return '{"critique": "Clear and correct.", "score": 8}'

with ScriptedLLMServer(answer) as server:
    print(server.base_url, flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    print(server.counts.get("requests", 0), flush=True)
"""

RM_GALLERY = r"""
import json, sys, time
from concurrent.futures import ThreadPoolExecutor
from loguru import logger
from rm_gallery.core.data.schema import DataOutput, DataSample, Step
from rm_gallery.core.model.message import ChatMessage, MessageRole
from rm_gallery.core.model.openai_llm import OpenaiLLM
from rm_gallery.core.reward.registry import RewardRegistry

logger.remove()  # it logs every prompt and answer at INFO; off, so logging is not what we measure
url, calls, how = sys.argv[1], int(sys.argv[2]), sys.argv[3]
llm = OpenaiLLM(model="scripted-judge", base_url=url, openai_api_key="EMPTY", temperature=0.0, max_retries=0)
rm = RewardRegistry.get("base_helpfulness_pointwise")(llm=llm)

def sample(i):
    return DataSample(unique_id=str(i), input=[ChatMessage(role=MessageRole.USER, content="Explain recursion briefly.")],
                      output=[DataOutput(answer=Step(role=MessageRole.ASSISTANT, content=f"answer {i}: a function calling itself"))])

def run(samples):
    if how == "evaluate_batch":
        return rm.evaluate_batch(samples, max_workers=256)
    with ThreadPoolExecutor(64) as pool:
        return list(pool.map(rm.evaluate, samples))

run([sample(i) for i in range(64)])  # warm-up: imports, connections
samples = [sample(i) for i in range(calls)]
started = time.perf_counter()
out = run(samples)
seconds = time.perf_counter() - started
# evaluate_batch leaves reward.score at 0.0 (its LLM path never averages the details), so the
# scripted verdict (no violation: 1.0) is checked in the details, where both paths put it.
details = [s.output[0].answer.reward.details for s in out]
scored = sum(1 for d in details if d and d[0].score == 1.0)
zero = sum(1 for s in out if s.output[0].answer.reward.score == 0.0)
print(json.dumps({"calls": calls, "seconds": seconds, "scored": scored, "score_left_at_zero": zero}))
"""


def start_server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def stop_server(proc: subprocess.Popen[str]) -> int:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.close()
    requests = int(proc.stdout.readline().strip() or 0)
    proc.wait(timeout=30)
    return requests


def run_rmg(url: str, calls: int, model_processes: int = 1) -> dict[str, float]:
    import rmg
    from rmg.judges import JudgeReward

    judge = JudgeReward(
        principles=["Correctness: the explanation is right", "Brevity: no padding"],
        model="scripted-judge",
        base_url=url,
        cache=False,
        max_retries=0,
    )
    make = [
        rmg.Sample.of(f"answer {i}: a function calling itself", prompt="Explain recursion briefly.")
        for i in range(calls + 256)
    ]
    with rmg.Runner(judge, concurrency=256, model_processes=model_processes) as runner:
        list(runner.stream(make[:256]))  # warm-up: imports, connections, child processes
        started = time.perf_counter()
        out = list(runner.stream(make[256:]))
        seconds = time.perf_counter() - started
    scored = sum(1 for s in out if s.result.ok and s.result.score == (8 - 1) / 9)
    return {"calls": calls, "seconds": seconds, "scored": scored}


def run_peer(url: str, calls: int, how: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as cwd:  # RM-Gallery writes ./log on import
        proc = subprocess.run(
            [str(PEER), "-c", RM_GALLERY, url, str(calls), how], capture_output=True, text=True, cwd=cwd, timeout=1800
        )
    if proc.returncode != 0:
        raise RuntimeError(f"RM-Gallery run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=3000, help="judge calls per contender per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    contenders = [RMG_ONE, RMG_TWO]
    if PEER.exists():
        contenders += ["RM-Gallery evaluate_batch(max_workers=256)", "RM-Gallery rm.evaluate on 64 threads"]
    else:
        print(f"peer venv {PEER} missing: run `bash bench/peers.sh`; measuring rmg alone", file=sys.stderr)
    rates: dict[str, list[float]] = {c: [] for c in contenders}
    checks: list[str] = []
    quirks: set[str] = set()
    server, url = start_server()
    try:
        for round_no in range(args.rounds):
            for name in contenders:
                if name.startswith("rmg"):
                    result = run_rmg(url, args.calls, 2 if name == RMG_TWO else 1)
                elif "evaluate_batch" in name:
                    result = run_peer(url, args.calls, "evaluate_batch")
                else:
                    result = run_peer(url, args.calls, "threads")
                rate = result["calls"] / result["seconds"]
                rates[name].append(rate)
                if result.get("score_left_at_zero"):
                    quirks.add(
                        f"{name}: `reward.score` stays 0.0 for {result['score_left_at_zero']}/{result['calls']} "
                        "samples although the judge answered (the 1.0 is only in `reward.details`)"
                    )
                if result["scored"] != result["calls"]:
                    checks.append(
                        f"round {round_no + 1}, {name}: only {result['scored']}/{result['calls']} scored as scripted"
                    )
                print(f"round {round_no + 1}: {name}: {rate:,.0f} calls/s", flush=True)
    finally:
        served = stop_server(server)
    medians = {name: statistics.median(r) for name, r in rates.items()}
    write_report(args, medians, rates, served, checks + sorted(quirks))


def write_report(
    args: argparse.Namespace, medians: dict[str, float], rates: dict[str, list[float]], served: int, checks: list[str]
) -> None:
    rmg_rate = max(medians[RMG_ONE], medians[RMG_TWO])
    peers = {k: v for k, v in medians.items() if not k.startswith("rmg")}
    best_peer = max(peers.values()) if peers else None
    load = os.getloadavg()
    lines = [
        "# Judge dispatch throughput: rmg vs RM-Gallery",
        "",
        f"Command: `.venv/bin/python bench/bench_judge.py --calls {args.calls} --rounds {args.rounds}` — "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"{len(os.sched_getaffinity(0))} cores (shared; load average {load[0]:.1f} at the end), Python "
        f"{platform.python_version()}.",
        "",
        "Endpoint: `rmg.testing.ScriptedLLMServer` in its own process on 127.0.0.1, answering instantly "
        "(zero model latency), so the figures are each framework's dispatch cost. Pointwise judges, one call per "
        f"sample, {args.calls} calls per contender per round, contenders interleaved, median of {args.rounds} rounds. "
        f"The server answered {served:,} requests in all (warm-ups included).",
        "",
        "| contender | median calls/s | per round |",
        "|---|---|---|",
    ]
    for name, median in medians.items():
        lines.append(f"| {name} | {median:,.0f} | {', '.join(f'{r:,.0f}' for r in rates[name])} |")
    lines.append("")
    if best_peer:
        lines.append(
            f"Best rmg figure ({rmg_rate:,.0f} calls/s) / best RM-Gallery figure: **{rmg_rate / best_peer:.1f}x** "
            f"(in-process rmg: {medians[RMG_ONE] / best_peer:.1f}x). "
            "Targets: >= 1,000 calls/s and >= 5x RM-Gallery."
        )
    lines += ["", "Checks (each contender's verdicts compared with the scripted answer):"]
    lines += [f"- {c}" for c in checks] or ["- every call of every contender was scored as scripted"]
    lines.append("")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    existing = RESULTS.read_text() if RESULTS.exists() else ""
    notes = existing.split("<!-- notes -->", 1)[1] if "<!-- notes -->" in existing else ""
    RESULTS.write_text("\n".join(lines) + ("\n<!-- notes -->" + notes if notes else ""))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
