"""rmg.training.verl.compute_score as verl's reward loop calls it: from many threads and on an
event loop, with hard timeouts, error flags and the same result keys for every sample."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import rmg
from rmg.training.verl import compute_score, compute_score_async

ROOT = Path(__file__).resolve().parents[2]
BUDGET = 2.0


@rmg.reward("test_training.backtracking")
def backtracking(response: str) -> float:
    """A reward with a catastrophically backtracking pattern: a pathological answer hangs it."""
    return 1.0 if re.match(r"^(a+)+$", response) else 0.0


@rmg.reward("test_training.raises")
def raises(response: str) -> float:
    raise RuntimeError(f"reward bug on {response!r}")


def _gsm8k(n: int) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (ROOT / "examples" / "gsm8k_solutions.jsonl").read_text().splitlines()]
    return [
        {"data_source": "openai/gsm8k", "solution_str": r["response"], "ground_truth": r["reference"]} for r in rows[:n]
    ]


def test_compute_score_from_8_threads_equals_the_main_thread() -> None:
    rows = _gsm8k(64)
    main = [compute_score(**row) for row in rows]
    with ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(lambda row: compute_score(**row), rows))
    assert threaded == main
    assert {m["score"] for m in main} == {0.0, 1.0}  # the data has right and wrong solutions
    assert all(m["error"] == m["timeout"] == 0.0 for m in main)


def test_compute_score_async_gives_the_same_scores_as_the_sync_twin() -> None:
    rows = _gsm8k(32)

    async def run() -> list[dict[str, float]]:
        return await asyncio.gather(*(compute_score_async(**row) for row in rows))

    assert asyncio.run(run()) == [compute_score(**row) for row in rows]


def test_pathological_answer_is_flagged_timeout_within_its_budget() -> None:
    started = time.monotonic()
    out = compute_score(
        "anything", "a" * 40 + "!", None, spec="test_training.backtracking", timeout=BUDGET, failure_score=-1.0
    )
    elapsed = time.monotonic() - started
    assert out["timeout"] == 1.0 and out["error"] == 0.0
    assert out["score"] == -1.0  # the configured failure score, never a silent 0
    assert elapsed < BUDGET + 5  # the worker was killed at the budget (plus pool start-up), not run to the end


def test_async_scoring_of_a_hanging_answer_does_not_block_the_event_loop() -> None:
    ticks = 0

    async def ticker(stop: asyncio.Event) -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0.05)

    async def run() -> dict[str, float]:
        stop = asyncio.Event()
        task = asyncio.create_task(ticker(stop))
        out = await compute_score_async("x", "a" * 40 + "!", None, spec="test_training.backtracking", timeout=BUDGET)
        stop.set()
        await task
        return out

    out = asyncio.run(run())
    assert out["timeout"] == 1.0
    assert ticks >= 10  # the loop kept running while the sample was being scored


def test_a_raising_reward_is_flagged_error() -> None:
    out = compute_score("x", "some answer", None, spec="test_training.raises")
    assert out == {"score": 0.0, "acc": 0.0, "timeout": 0.0, "error": 1.0, "invalid_input": 0.0}


def test_every_sample_gets_the_same_keys_whatever_happens_to_it() -> None:
    spec = "0.5*test_training.backtracking + 0.5*math.accuracy"
    cases = [
        ("openai/gsm8k", "aaa so 72", "72"),  # ok
        ("openai/gsm8k", "a" * 40 + "!", "72"),  # timeout
        ("openai/gsm8k", "aaaa", None),  # math.accuracy without a reference: invalid input
    ]
    outs = [compute_score(ds, sol, gt, spec=spec, timeout=BUDGET) for ds, sol, gt in cases]
    outs.append(compute_score("nowhere", "x", "1"))  # unknown data source, default router
    keys = {"score", "acc", "timeout", "error", "invalid_input"}
    dims = {"dim/test_training.backtracking", "dim/math.accuracy"}
    assert [set(o) for o in outs[:3]] == [keys | dims] * 3
    assert set(outs[3]) == keys
    assert [(o["timeout"], o["error"], o["invalid_input"]) for o in outs] == [
        (0.0, 0.0, 0.0),
        (1.0, 0.0, 0.0),
        (0.0, 0.0, 1.0),
        (0.0, 1.0, 0.0),
    ]


def test_spec_comes_from_rmg_spec_when_reward_kwargs_do_not_give_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RMG_SPEC", "format.think_answer")
    good = compute_score("openai/gsm8k", "<think>6*12</think><answer>72</answer>", "1")
    bad = compute_score("openai/gsm8k", "72", "72")
    assert (good["score"], bad["score"]) == (1.0, 0.0)


def test_a_bad_spec_is_an_error_flag_on_every_sample_not_an_exception() -> None:
    out = compute_score("openai/gsm8k", "72", "72", spec="no_such.reward")
    assert out["error"] == 1.0 and out["score"] == 0.0


def test_genrm_judge_uses_verl_reward_router_address_as_its_endpoint() -> None:
    """verl passes its reward-model router's address; a judge with no endpoint configured calls it."""
    from rmg.testing import ScriptedLLMServer

    class Tok:
        name_or_path = "my-genrm"

    with ScriptedLLMServer('The answer is right. {"critique": "correct", "score": 9}') as server:
        address = server.base_url.removeprefix("http://").removesuffix("/v1")
        out = compute_score(
            "anything", "72", "72", spec="judge", reward_router_address=address, reward_model_tokenizer=Tok()
        )
        assert server.requests and server.requests[0]["model"] == "my-genrm"
    assert out["error"] == 0.0 and out["score"] == pytest.approx((9 - 1) / 9)


def test_path_option_prints_a_file_verl_can_load_by_path() -> None:
    path = subprocess.run(
        [sys.executable, "-m", "rmg.training.verl", "--path"], capture_output=True, text=True, check=True
    ).stdout.strip()
    verl_utils = pytest.importorskip("verl.utils.import_utils")
    fn = verl_utils.load_extern_object(module_path=path, object_name="compute_score")
    assert fn("openai/gsm8k", "the answer is 72", "72")["score"] == 1.0


def test_routes_option_prints_the_data_source_table() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "rmg.training.verl", "--routes"], capture_output=True, text=True, check=True
    ).stdout
    assert "gsm8k" in out and "math.accuracy" in out and "code.execution" in out


def test_spec_as_a_hydra_mapping_and_per_config_failure_scores() -> None:
    """A YAML mapping in verl's config reaches the function as an OmegaConf DictConfig."""
    omegaconf = pytest.importorskip("omegaconf")
    spec = omegaconf.OmegaConf.create({"route": {"openai/gsm8k": "math.accuracy"}})
    assert compute_score("openai/gsm8k", "so 72", "72", spec=spec)["score"] == 1.0
    unrouted = compute_score("other", "so 72", "72", spec=spec, failure_score=-2.0)
    assert unrouted["invalid_input"] == 1.0 and unrouted["score"] == -2.0
    assert compute_score("other", "so 72", "72", spec=spec, failure_score=-3.0)["score"] == -3.0
