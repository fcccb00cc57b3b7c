"""Judges at volume against the scripted server: nothing lost, nothing scored from a failed call.

The scripted judge's verdict is a pure function of the candidate text ("item-<i>" scores i % 10 + 1),
so every ok result can be checked against the truth. No timings are asserted here (see bench/).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

import rmg
from rmg.testing import Faults, Reply, ScriptedLLMServer

RESPONSE = re.compile(r"\[Response\]\nitem-(\d+)\n\[End of response\]")
PAIR = re.compile(r"\[Response A\]\npair-(\d+)-(good|bad)\n")


def truth(i: int) -> int:
    return i % 10 + 1


def garbage(i: int) -> bool:
    """Samples whose judge never gives a parseable answer (not even after the repair prompt)."""
    return i % 50 == 7


def responder(request: dict[str, Any], delay: float = 0.0) -> str | Reply:
    text = next(m["content"] for m in request["messages"] if m["role"] == "user")
    found = RESPONSE.search(text)
    if found:
        i = int(found.group(1))
        if garbage(i):
            return "I think this one is decent, maybe a seven or so."
        return Reply(json.dumps({"critique": f"item {i}", "score": truth(i)}), delay=delay)
    found = PAIR.search(text)
    assert found, "unexpected prompt"
    return json.dumps({"critique": "the good one", "choice": "A" if found.group(2) == "good" else "B"})


def test_ten_thousand_judge_calls_complete_at_concurrency_256() -> None:
    n = 10_000
    samples = (rmg.Sample.of(f"item-{i}", prompt="Rate it.") for i in range(n) if not garbage(i))
    expected = [i for i in range(n) if not garbage(i)]
    # a short delay per reply keeps requests overlapping at the server, so concurrency is visible
    with ScriptedLLMServer(lambda request: responder(request, delay=0.02)) as server:
        params = {"principles": ["Correctness"], "base_url": server.base_url, "model": "m", "cache": False}
        out = list(rmg.evaluate("judge", samples, params=params, concurrency=256))
        requests = server.counts["requests"]
        peak = server.max_in_flight
    assert [s.index for s in out] == list(range(len(expected)))
    assert all(s.result.ok for s in out), next(s.result for s in out if not s.result.ok)
    assert [s.result.details["raw_score"] for s in out] == [truth(i) for i in expected]
    assert requests == len(expected)
    assert sum(s.result.usage["calls"] for s in out) == len(expected)
    assert peak > 64  # really concurrent: more in flight than the model layer's default limit


def test_a_fault_run_ends_with_every_sample_scored_correctly_or_marked_failed() -> None:
    # 20% 429/500, 5% slow beyond the per-request timeout, 5% malformed bodies, plus samples whose
    # judge answers are unparseable; one retry per request, so some requests fail for good.
    faults = Faults(
        rate_429=0.10, rate_500=0.10, rate_slow=0.05, slow_delay=3.0, rate_malformed=0.05, retry_after=0, seed=7
    )
    pointwise = [rmg.Sample.of(f"item-{i}", prompt="Rate it.") for i in range(1500)]
    pairs = [
        rmg.Sample.of(
            [f"pair-{i}-good", f"pair-{i}-bad"] if i % 2 else [f"pair-{i}-bad", f"pair-{i}-good"], prompt="Which?"
        )
        for i in range(300)
    ]
    with ScriptedLLMServer(responder, faults=faults) as server:
        common = {"base_url": server.base_url, "model": "m", "cache": False, "timeout": 1.0, "max_retries": 1}
        scored = list(
            rmg.evaluate("judge", pointwise, params={"principles": ["Correctness"], **common}, concurrency=256)
        )
        paired = list(
            rmg.evaluate(
                "judge",
                pairs,
                params={"principles": ["Pick the good one"], "mode": "pairwise", **common},
                concurrency=256,
            )
        )
        counts = dict(server.counts)

    assert [s.index for s in scored] == list(range(len(pointwise)))  # none lost, in order
    assert [s.index for s in paired] == list(range(len(pairs)))
    statuses: dict[str, int] = {}
    for i, s in enumerate(scored):
        r = s.result
        statuses[r.status.value] = statuses.get(r.status.value, 0) + 1
        if r.ok:
            assert not garbage(i), f"item {i} was scored from an unparseable answer"
            assert r.details["raw_score"] == truth(i) and r.score == pytest.approx((truth(i) - 1) / 9)
        else:
            assert r.status in (rmg.RewardStatus.error, rmg.RewardStatus.timeout) and r.error
    for i, s in enumerate(paired):
        good = 0 if s.sample.candidates[0].content.endswith("good") else 1
        if all(r.ok for r in s.results):
            assert [r.score for r in s.results] == [1.0 if k == good else 0.0 for k in range(2)], i
        else:
            assert all(not r.ok and r.status in (rmg.RewardStatus.error, rmg.RewardStatus.timeout) for r in s.results)
    # every kind of fault really happened, and every outcome is represented
    assert all(counts.get(f"fault_{kind}", 0) > 0 for kind in ("429", "500", "slow", "malformed")), counts
    assert statuses.get("ok", 0) > 1000 and statuses.get("error", 0) >= 30 and statuses.get("timeout", 0) > 0, statuses
