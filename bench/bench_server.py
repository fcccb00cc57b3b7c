"""`rmg serve` under load on loopback, against the usual hand-written reward server, same run.

Servers (each its own process, uvicorn with uvloop + httptools, access log off, on 127.0.0.1):
- rmg: `rmg serve --reward em=general.exact_match --workers 2` (rows scored in the runner's
  process pool with a hard per-row budget).
- plain: the reward server people write by hand (OpenRLHF's reference shape): a FastAPI
  `async def` endpoint that builds the sample and calls the same reward in the request handler.
Load: a separate process per measurement (aiohttp, closed loop: C clients each send one request,
wait, send the next) for a fixed duration, then stops; each request carries one row, or 16 rows
(a trainer's batch; rmg only, the hand-written endpoint takes one row). Reported: scores/s,
p50 / p99 latency, failed requests, and for each series the concurrency where scores/s peak.
Faults (rmg only, plain for contrast): a reward that hangs on 1% of rows; a reward whose worker
process dies on 0.5% of rows; a pool worker SIGKILLed every second. "lost" = rows sent that got no
result with a status within the client's 10 s timeout.

Run: .venv/bin/python bench/bench_server.py [--duration 5]
Writes bench/results/server.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from fastapi import FastAPI, Request  # module level: the handler's annotations resolve here

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "server.md"
TESTKIT = ROOT / "tests" / "fixtures" / "plugins" / "rmg-plugin-testkit"
CONCURRENCY = (1, 16, 64, 256)
BATCH, BATCHED_CONCURRENCY = 16, (1, 4, 16, 64)
GOAL_SCORES, GOAL_P99_MS = 2000, 50.0


# -- the hand-written server ------------------------------------------------------------------------
def plain_server(port: int, reward_name: str) -> None:
    import uvicorn

    import rmg

    reward = rmg.create_reward(reward_name)
    app = FastAPI()

    @app.post("/score")
    async def score(request: Request) -> dict:
        body = await request.json()
        sample = rmg.Sample.of(body["response"], prompt=body.get("prompt"), reference=body.get("reference"))
        result = reward(sample)[0]
        return {"score": result.score, "status": result.status.value}

    uvicorn.run(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, loop="uvloop", http="httptools"
    )


# -- the load generator (its own process) ---------------------------------------------------------
async def load(url: str, kind: str, concurrency: int, duration: float, batch: int, special: str, rate: float) -> dict:
    import aiohttp

    rng = random.Random(7)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    counts = {"requests": 0, "failed": 0, "rows": 0, "lost": 0}
    deadline = time.monotonic() + duration

    def row() -> dict:
        response = special if special and rng.random() < rate else "42"
        return {"prompt": "What is 6*7?", "response": response, "reference": "42"}

    async def client(session: aiohttp.ClientSession) -> None:
        while time.monotonic() < deadline:
            rows = [row() for _ in range(batch)]
            payload = {"reward": "em", "rows": rows} if kind == "rmg" else rows[0]
            started = time.perf_counter()
            counts["requests"] += 1
            counts["rows"] += len(rows)
            try:
                async with session.post(url, json=payload) as response:
                    body = await response.json(content_type=None)
                    if response.status != 200:
                        counts["failed"] += 1
                        counts["lost"] += len(rows)
                        continue
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):  # ValueError: a non-JSON body
                counts["failed"] += 1
                counts["lost"] += len(rows)
                continue
            latencies.append(time.perf_counter() - started)
            results = [item["results"][0] for item in body["results"]] if kind == "rmg" else [body]
            counts["lost"] += len(rows) - len(results)
            for result in results:
                statuses[result["status"]] = statuses.get(result["status"], 0) + 1

    timeout = aiohttp.ClientTimeout(total=10)
    connector = aiohttp.TCPConnector(limit=0)
    started = time.monotonic()
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    scored = sum(statuses.values())
    return {**counts, "statuses": statuses, "seconds": elapsed, "scores_per_s": scored / elapsed,
            "p50_ms": pct(0.50), "p99_ms": pct(0.99)}  # fmt: skip


def run_load(
    url: str,
    kind: str,
    concurrency: int,
    duration: float,
    batch: int = 1,
    special: str = "",
    rate: float = 0.0,
    kill_every: float | None = None,
    kill_every_pid: int = 0,
) -> dict:
    args = [sys.executable, __file__, "--load", url, "--kind", kind, "--concurrency", str(concurrency),
            "--duration", str(duration), "--batch", str(batch), "--special", special, "--rate", str(rate)]  # fmt: skip
    if kill_every is None:
        out = subprocess.run(args, capture_output=True, text=True, timeout=duration + 120, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])
    # Kill one of the server's pool workers (chosen at random) every `kill_every` seconds meanwhile.
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    rng, kills = random.Random(11), 0
    while proc.poll() is None:
        time.sleep(kill_every)
        children = _children(kill_every_pid)
        if children and proc.poll() is None:
            try:
                os.kill(rng.choice(children), signal.SIGKILL)
                kills += 1
            except ProcessLookupError:
                pass
    result = json.loads(proc.stdout.read().strip().splitlines()[-1])
    return {**result, "kills": kills}


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out.extend(int(p) for p in (task / "children").read_text().split())
        except OSError:
            pass
    return out


# -- orchestration ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen) -> None:
    import urllib.request

    for _ in range(600):
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} never became ready")


def start(cmd: list[str], ready_url: str, env: dict[str, str]) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready(ready_url, proc)
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def rmg_server(port: int, reward: str, env: dict[str, str], *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "rmg", "serve", "--port", str(port), "--reward", f"em={reward}", "--workers", "2",
           "--log-level", "warning", *extra]  # fmt: skip
    return start(cmd, f"http://127.0.0.1:{port}/ready", env)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--load")
    parser.add_argument("--kind", default="rmg")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--special", default="")
    parser.add_argument("--rate", type=float, default=0.0)
    parser.add_argument("--plain-server", type=int)
    parser.add_argument("--reward", default="general.exact_match")
    args = parser.parse_args(argv)
    if args.plain_server:
        plain_server(args.plain_server, args.reward)
        return 0
    if args.load:
        result = asyncio.run(
            load(args.load, args.kind, args.concurrency, args.duration, args.batch, args.special, args.rate)
        )
        print(json.dumps(result))
        return 0

    plugins = Path(tempfile.mkdtemp(prefix="rmg-bench-server-"))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target",
                    str(plugins), str(TESTKIT)], check=True)  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(plugins)}
    rows: list[tuple[str, int, int, dict]] = []
    d = args.duration

    port = free_port()
    rmg = rmg_server(port, "general.exact_match", env)
    plain_port = free_port()
    plain = start(
        [sys.executable, __file__, "--plain-server", str(plain_port)], f"http://127.0.0.1:{plain_port}/docs", env
    )
    try:
        run_load(f"http://127.0.0.1:{port}/v1/score", "rmg", 16, 1.0)  # warm-up
        run_load(f"http://127.0.0.1:{plain_port}/score", "plain", 16, 1.0)
        for c in CONCURRENCY:
            for name, url, kind in (("rmg serve", f"http://127.0.0.1:{port}/v1/score", "rmg"),
                                    ("hand-written FastAPI", f"http://127.0.0.1:{plain_port}/score", "plain")):  # fmt: skip
                result = run_load(url, kind, c, d)
                rows.append((name, c, 1, result))
                print(
                    f"{name:22} c={c:<4} {result['scores_per_s']:8.0f} scores/s  p50 {result['p50_ms']:7.1f} ms  p99 {result['p99_ms']:7.1f} ms",
                    flush=True,
                )
        for c in BATCHED_CONCURRENCY:  # what trainers send: a batch of rows per request
            result = run_load(f"http://127.0.0.1:{port}/v1/score", "rmg", c, d, BATCH)
            rows.append(("rmg serve", c, BATCH, result))
            print(
                f"rmg serve batch={BATCH} c={c:<4} {result['scores_per_s']:8.0f} scores/s  p99 {result['p99_ms']:7.1f} ms",
                flush=True,
            )
    finally:
        stop(rmg)
        stop(plain)

    faults: list[tuple[str, dict]] = []
    for label, reward, special, rate, extra in (
        ("hangs on 1% of rows (--timeout 1)", "testkit.sleepy", "sleep", 0.01, ("--timeout", "1")),
        ("worker dies on 0.5% of rows", "testkit.suicide", "die", 0.005, ()),
    ):
        port = free_port()
        server = rmg_server(port, reward, env, *extra)
        try:
            result = run_load(f"http://127.0.0.1:{port}/v1/score", "rmg", 64, d, 1, special, rate)
        finally:
            stop(server)
        faults.append((f"rmg serve, {label}", result))
        print(label, result, flush=True)
    port = free_port()
    server = rmg_server(port, "general.exact_match", env)
    try:
        result = run_load(f"http://127.0.0.1:{port}/v1/score", "rmg", 64, d, kill_every=1.0, kill_every_pid=server.pid)
    finally:
        stop(server)
    faults.append((f"rmg serve, a worker SIGKILLed every second ({result['kills']} kills)", result))
    print("kills", result, flush=True)
    plain_port = free_port()
    plain = start([sys.executable, __file__, "--plain-server", str(plain_port), "--reward", "testkit.sleepy"],
                  f"http://127.0.0.1:{plain_port}/docs", env)  # fmt: skip
    try:
        result = run_load(f"http://127.0.0.1:{plain_port}/score", "plain", 64, d, 1, "sleep", 0.01)
    finally:
        plain.kill()
        plain.wait()
    faults.append(("hand-written FastAPI, hangs on 1% of rows", result))
    print("plain hang", result, flush=True)
    write(rows, faults, args)
    return 0


def write(rows: list, faults: list, args: argparse.Namespace) -> None:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_avg = os.getloadavg()[0]
    lines = [
        "# Reward service throughput: `rmg serve` vs a hand-written FastAPI endpoint",
        "",
        (
            f"Command: `.venv/bin/python bench/bench_server.py --duration {args.duration:g}` — {now}, {platform.machine()}, "
            f"{os.cpu_count()} cores (shared; load average {load_avg:.1f} at the end), Python {platform.python_version()}."
        ),
        "",
        (
            "Reward: `general.exact_match` (a rule reward). Both servers and the load generator share the 2 cores; "
            "the load generator is a separate process (aiohttp, closed loop, fixed duration per cell)."
        ),
        "",
        "| server | concurrency | rows/request | scores/s | p50 ms | p99 ms | failed requests |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, c, batch, r in rows:
        lines.append(
            f"| {name} | {c} | {batch} | {r['scores_per_s']:,.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['failed']} |"
        )
    lines += ["", "## Goal: ≥ 2,000 scores/s with p99 < 50 ms at the concurrency where it peaks", ""]
    for name, batch in (("rmg serve", 1), ("rmg serve", BATCH), ("hand-written FastAPI", 1)):
        series = [(c, r) for n, c, b, r in rows if n == name and b == batch]
        if not series:
            continue
        c, peak = max(series, key=lambda item: item[1]["scores_per_s"])
        met = peak["scores_per_s"] >= GOAL_SCORES and peak["p99_ms"] < GOAL_P99_MS
        line = (
            f"- {name}, {batch} row(s)/request: peaks at concurrency {c} with {peak['scores_per_s']:,.0f} scores/s, "
            f"p99 {peak['p99_ms']:.1f} ms: goal {'met' if met else 'not met'}."
        )
        if not met:
            # Closed loop: c requests always in flight, so the mean latency is c / requests per second.
            floor = c * batch / (GOAL_P99_MS / 1000)
            line += f" (A mean under 50 ms at concurrency {c} needs over {floor:,.0f} scores/s.)"
            fast = [(c2, r) for c2, r in series if r["scores_per_s"] >= GOAL_SCORES and r["p99_ms"] < GOAL_P99_MS]
            if fast:
                c2, best = max(fast, key=lambda item: item[1]["scores_per_s"])
                line += (
                    f" Best cell within the goal: concurrency {c2}, {best['scores_per_s']:,.0f} scores/s, "
                    f"p99 {best['p99_ms']:.1f} ms."
                )
        lines.append(line)
    lines += ["", "## Under faults (concurrency 64, one row per request)", "",
              "| run | rows sent | scored (by status) | lost | scores/s | p99 ms |", "|---|---|---|---|---|---|"]  # fmt: skip
    for label, r in faults:
        by_status = ", ".join(f"{k} {v}" for k, v in sorted(r["statuses"].items())) or "none"
        lines.append(
            f"| {label} | {r['rows']} | {by_status} | {r['lost']} | {r['scores_per_s']:,.0f} | {r['p99_ms']:.1f} |"
        )
    notes = ""
    if RESULTS.exists() and "<!-- notes -->" in RESULTS.read_text():
        notes = RESULTS.read_text().split("<!-- notes -->", 1)[1]
    RESULTS.write_text("\n".join(lines) + "\n\n<!-- notes -->" + (notes or "\n"))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
