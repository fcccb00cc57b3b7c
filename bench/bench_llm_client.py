"""Chat-call throughput of rmg's OpenAI-compatible client against a zero-latency local endpoint.

The scripted server (`python -m rmg.testing.llm_server`, echoing) runs in a process of its own, so
what is measured is the client side: building the request, the HTTP transport, parsing, retries
and usage bookkeeping. Contenders, interleaved round by round (medians reported):

- rmg (aiohttp): `create_chat_model(...)`, the default transport when `openai[aiohttp]` is installed.
- rmg (httpx): the same with `http_backend="httpx"` (the SDK's default transport).
- hand-written SDK: `AsyncOpenAI(...).chat.completions.create` under an `asyncio.Semaphore`, SDK
  defaults otherwise: what a user writes without rmg.

Run: .venv/bin/python bench/bench_llm_client.py [--calls 2000] [--rounds 3] [--concurrency 64 256]
Writes bench/results/llm_client.md.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "llm_client.md"


def rmg_contender(base_url: str, concurrency: int, backend: str) -> Callable[[int], Awaitable[str]]:
    from rmg.llm import create_chat_model

    model = create_chat_model("bench", base_url=base_url, concurrency=concurrency, http_backend=backend)

    async def call(i: int) -> str:
        return (await model.chat([{"role": "user", "content": f"sample {i}"}])).content

    return call


def sdk_contender(base_url: str, concurrency: int) -> Callable[[int], Awaitable[str]]:
    import openai

    state: dict[int, Any] = {}

    async def call(i: int) -> str:
        loop_id = id(asyncio.get_running_loop())
        if loop_id not in state:
            state.clear()
            state[loop_id] = (openai.AsyncOpenAI(base_url=base_url, api_key="x"), asyncio.Semaphore(concurrency))
        client, semaphore = state[loop_id]
        async with semaphore:
            completion = await client.chat.completions.create(
                model="bench", messages=[{"role": "user", "content": f"sample {i}"}]
            )
        return completion.choices[0].message.content or ""

    async def close() -> None:
        for client, _ in state.values():
            await client.close()

    call.close = close  # type: ignore[attr-defined]
    return call


def measure(call: Callable[[int], Awaitable[str]], calls: int) -> float:
    async def run() -> float:
        await asyncio.gather(*[call(i) for i in range(64)])  # warm up connections
        started = time.perf_counter()
        answers = await asyncio.gather(*[call(i) for i in range(calls)])
        elapsed = time.perf_counter() - started
        close = getattr(call, "close", None)
        if close is not None:
            await close()
        assert answers == [f"sample {i}" for i in range(calls)], "wrong answers"
        return calls / elapsed

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    server = subprocess.Popen([sys.executable, "-m", "rmg.testing.llm_server"], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    base_url = server.stdout.readline().strip()
    rows = []
    try:
        for concurrency in args.concurrency:
            contenders = {
                "rmg (aiohttp)": rmg_contender(base_url, concurrency, "aiohttp"),
                "rmg (httpx)": rmg_contender(base_url, concurrency, "httpx"),
                "hand-written SDK": sdk_contender(base_url, concurrency),
            }
            figures: dict[str, list[float]] = {name: [] for name in contenders}
            for _ in range(args.rounds):
                for name, call in contenders.items():
                    figures[name].append(measure(call, args.calls))
                    print(f"c={concurrency} {name}: {figures[name][-1]:.0f} calls/s", flush=True)
            base = statistics.median(figures["hand-written SDK"])
            for name, values in figures.items():
                median = statistics.median(values)
                rows.append(f"| {concurrency} | {name} | {median:.0f} | {median / base:.2f}x |")
    finally:
        server.kill()
        server.wait()

    command = "bench/bench_llm_client.py " + " ".join(sys.argv[1:])
    report = "\n".join(
        [
            "# LLM client throughput (zero-latency local endpoint, server in its own process)",
            "",
            (
                f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
                f"{args.calls} calls per run, median of {args.rounds} interleaved rounds. Command: `{command.strip()}`"
            ),
            "",
            "| concurrency | contender | calls/s | vs hand-written SDK |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )
    print(report)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(report)


if __name__ == "__main__":
    main()
