"""Many calls at once: 10,000 at concurrency 256, and a fault run where nothing is lost or mis-scored."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from typing import Any

from rmg.llm import ChatError, ChatTimeout, create_chat_model
from rmg.testing import Faults, ScriptedLLMServer


def test_ten_thousand_calls_at_concurrency_256_all_come_back_right() -> None:
    """The server runs in a process of its own (as an endpoint would), so client and server do not share a GIL."""
    n = 10_000
    server = subprocess.Popen([sys.executable, "-m", "rmg.testing.llm_server"], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()  # echoes the last message
        model = create_chat_model("scripted", base_url=base_url, concurrency=256, timeout=60)

        async def run() -> list[Any]:
            return await asyncio.gather(*[model.chat([{"role": "user", "content": f"sample {i}"}]) for i in range(n)])

        started = time.monotonic()
        responses = asyncio.run(run())
        assert time.monotonic() - started < 240  # hang guard; throughput is measured in bench/
    finally:
        server.kill()
        server.wait()
    assert [r.content for r in responses] == [f"sample {i}" for i in range(n)]
    assert model.usage.calls == n and model.usage.prompt_tokens == 2 * n and model.usage.completion_tokens == 2 * n


def test_a_fault_run_ends_with_every_call_answered_right_or_failed_loudly() -> None:
    """20% 429/500, 5% slow beyond the timeout, 5% malformed: no call lost, none answered wrongly."""
    n = 1000
    faults = Faults(rate_429=0.1, rate_500=0.1, rate_slow=0.05, slow_delay=3.0, rate_malformed=0.05, seed=11)
    with ScriptedLLMServer(faults=faults) as server:
        model = create_chat_model(
            "scripted",
            base_url=server.base_url,
            concurrency=128,
            timeout=0.5,
            max_retries=2,
            backoff=0.01,
            max_backoff=0.05,
        )

        async def one(i: int) -> Any:
            try:
                return await model.chat([{"role": "user", "content": f"sample {i}"}])
            except ChatError as exc:
                return exc

        async def run() -> list[Any]:
            return await asyncio.gather(*[one(i) for i in range(n)])

        results = asyncio.run(run())
        counts = dict(server.counts)
    assert len(results) == n
    answered = [i for i, r in enumerate(results) if not isinstance(r, ChatError)]
    failed = [r for r in results if isinstance(r, ChatError)]
    assert all(results[i].content == f"sample {i}" for i in answered)
    assert all(e.retryable for e in failed)
    assert len(answered) > 0.9 * n  # three attempts make most calls succeed
    assert counts["fault_429"] > 0 and counts["fault_500"] > 0 and counts["fault_slow"] > 0
    assert counts["fault_malformed"] > 0
    assert model.usage.calls == len(answered)
    assert sum(isinstance(e, ChatTimeout) for e in failed) <= len(failed)
