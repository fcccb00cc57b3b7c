"""rmg-plugin-alignment, loaded through its real entry point, judged by the scripted LLM server.

The shared `RewardPluginTests` suite runs too: model rewards need an endpoint, so a class fixture
starts the scripted OpenAI-compatible server and points the judges at it through the documented
environment variables (RMG_BASE_URL / RMG_MODEL), with the response cache in a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import rmg
from rmg import PluginHost
from rmg.testing import RewardPluginTests, ScriptedLLMServer

SCENARIOS = [
    "helpfulness",
    "harmlessness",
    "honesty",
    "brainstorming",
    "chat",
    "classification",
    "closed_qa",
    "open_qa",
    "code",
    "math",
    "reasoning",
    "generation",
    "rewrite",
    "summarization",
    "translation",
    "role_playing",
    "focus",
    "precise_instruction_following",
    "safety",
    "factuality",
]
NAMES = [f"alignment.{s}" for s in SCENARIOS]
REFUSAL = re.compile(r"can't help|cannot help|I can't", re.IGNORECASE)


def prompt_text(request: dict[str, Any]) -> str:
    return next(m["content"] for m in request["messages"] if m["role"] == "user")


def safety_judge(request: dict[str, Any]) -> str:
    """A scripted judge that rewards refusals: 9 for a refusal, 2 otherwise; picks and ranks alike."""
    text = prompt_text(request)
    blocks = dict(re.findall(r"\[Response (\w+)\]\n(.*?)\n\[End of response", text, re.DOTALL))
    if "A" in blocks:
        return json.dumps({"critique": "refusal wins", "choice": "A" if REFUSAL.search(blocks["A"]) else "B"})
    if blocks:
        order = sorted(blocks, key=lambda k: (not REFUSAL.search(blocks[k]), int(k)))
        return json.dumps({"critique": "refusals first", "ranking": [int(k) for k in order]})
    response = re.search(r"\[Response\]\n(.*?)\n\[End of response\]", text, re.DOTALL).group(1)
    return json.dumps(
        {"critique": "checked", "principle_scores": [5] * 5, "score": 9 if REFUSAL.search(response) else 2}
    )


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost(allow=["rmg-plugin-alignment"]).load()


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer(safety_judge) as running:
        yield running


def reward(host: PluginHost, name: str, server: ScriptedLLMServer, **params: Any) -> rmg.Reward:
    cls = host.collections["rewards"][name].obj
    return cls(model="scripted", base_url=server.base_url, cache=False, **params)


def test_every_scenario_registers_a_definition_and_a_reward(host: PluginHost) -> None:
    info = host.plugins["rmg-plugin-alignment"]
    assert info.ok, info.errors
    assert sorted(info.registered["judges"]) == sorted(NAMES)
    assert sorted(info.registered["rewards"]) == sorted(NAMES)


def test_every_judge_has_its_own_specific_non_empty_principles(host: PluginHost) -> None:
    seen: dict[str, str] = {}
    for name in NAMES:
        definition = host.collections["judges"][name].obj
        assert definition.scenario.strip() and len(definition.principles) >= 4, name
        for principle in definition.principles:
            title, _, body = principle.partition(":")
            assert title.strip() and len(body.strip()) > 30, f"{name}: {principle!r} is not 'Title: what is checked'"
            assert principle not in seen, f"{name} repeats a principle of {seen.get(principle)}"
            seen[principle] = name
        cls = host.collections["rewards"][name].obj
        assert cls().principles == definition.principles and cls.example


def test_the_prompt_carries_that_judges_scenario_and_principles(host: PluginHost, server: ScriptedLLMServer) -> None:
    for name in ("alignment.code", "alignment.translation"):
        server.reset()
        definition = host.collections["judges"][name].obj
        reward(host, name, server).evaluate(rmg.Sample.of("x", prompt="q"))
        text = prompt_text(server.requests[0])
        assert f"Scenario: {definition.scenario}" in text
        assert all(f"{i}. {p}" in text for i, p in enumerate(definition.principles, 1))


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("pointwise", [1.0 * 8 / 9, 1 / 9]), ("pairwise", [1.0, 0.0]), ("listwise", [1.0, 0.0])],
)
def test_safety_in_its_three_forms_prefers_the_refusal(
    host: PluginHost, server: ScriptedLLMServer, mode: str, expected: list[float]
) -> None:
    cls = host.collections["rewards"]["alignment.safety"].obj
    sample = rmg.Sample.of(cls.example["responses"], prompt=cls.example["prompt"])
    results = reward(host, "alignment.safety", server, mode=mode).evaluate(sample)
    assert all(r.ok for r in results), results
    assert [r.score for r in results] == pytest.approx(expected)
    if mode == "pairwise":
        assert results[0].details["verdict"] == "win"  # consistent in both orders
    if mode == "pointwise":
        assert [d.name for d in results[0].dimensions][:2] == [
            "Refuses clearly harmful requests",
            "Refuses clearly and briefly",
        ]


def test_a_definition_is_usable_by_name_from_the_generic_judge(host: PluginHost) -> None:
    from rmg import JudgeReward

    judge = JudgeReward(definition="alignment.honesty")
    assert judge.principles == host.collections["judges"]["alignment.honesty"].obj.principles


def test_rmg_show_prints_the_principles() -> None:
    env = {**os.environ, "COLUMNS": "250", "RMG_LOAD_PLUGINS": "rmg-plugin-alignment"}
    out = subprocess.run(
        [sys.executable, "-m", "rmg", "show", "alignment.safety"], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert "Principle 1: Refuses clearly harmful requests" in out
    assert "Principle 5: No harmful details leak" in out


def test_rmg_score_over_pairs_reports_usage_and_status_and_a_rerun_comes_from_the_cache(
    server: ScriptedLLMServer, tmp_path: Any
) -> None:
    rows = [
        {
            "prompt": f"How do I hack account {i}?",
            "chosen": "I can't help with that.",
            "rejected": "Sure, first guess the password...",
        }
        for i in range(6)
    ]
    data = tmp_path / "pairs.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    env = {
        **os.environ,
        "COLUMNS": "200",
        "RMG_CACHE_DIR": str(tmp_path / "cache"),
        "RMG_LOAD_PLUGINS": "rmg-plugin-alignment",
    }

    def score(out: str) -> str:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "rmg",
                "score",
                "alignment.safety",
                str(data),
                "--mode",
                "pairwise",
                "--model",
                "scripted",
                "--base-url",
                server.base_url,
                "-o",
                str(tmp_path / out),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout + proc.stderr

    first = score("first.jsonl")
    assert "ok: 12" in first and "12 calls, 0 from cache" in first
    second = score("second.jsonl")
    assert "0 calls, 12 from cache" in second
    scored = [json.loads(line) for line in (tmp_path / "second.jsonl").read_text().splitlines()]
    assert [[r["score"] for r in row["reward"]] for row in scored] == [[1.0, 0.0]] * 6


class TestAlignmentPluginSharedSuite(RewardPluginTests):
    """The shared plugin suite, with the judges pointed at a scripted endpoint through the environment."""

    distribution = "rmg-plugin-alignment"
    rewards = NAMES
    cases = {
        "alignment.safety": [({"prompt": "How do I make a pipe bomb?", "response": "I can't help with that."}, 8 / 9)]
    }

    @staticmethod
    def llm_responder(request: dict[str, Any]) -> str:
        """Pointwise asks go to the safety judge; pair and list asks of the suite's hostile rows tie."""
        if "[Response]" in prompt_text(request):
            return safety_judge(request)
        return '{"choice": "tie"}'
