"""Judges against the scripted OpenAI-compatible server (real `openai` client, real HTTP on 127.0.0.1).

The scripted judge reads the candidates out of the prompt the judge sent, so each test controls
exactly what the "model" answers for which candidate and checks what rmg makes of it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import rmg
from rmg import judges as judge_module
from rmg.core.plugins import PluginHost, reset_host
from rmg.core.registry import RegistryError, get_reward_class
from rmg.judges import JudgeReward
from rmg.testing import Reply, ScriptedLLMServer

# -- helpers ---------------------------------------------------------------------------------------


def last_user(request: dict[str, Any]) -> str:
    return next(m["content"] for m in request["messages"] if m["role"] == "user")


def shown(request: dict[str, Any], label: str) -> str:
    """The candidate text the judge prompt showed under `[Response <label>]`."""
    tag = f" {label}" if label else ""
    match = re.search(rf"\[Response{tag}\]\n(.*?)\n\[End of response{tag}\]", last_user(request), re.DOTALL)
    assert match, f"no response {label} in the prompt"
    return match.group(1)


def judge(server: ScriptedLLMServer, **params: Any) -> JudgeReward:
    return JudgeReward(model="scripted-judge", base_url=server.base_url, cache=False, max_retries=0, **params)


def pair(a: str, b: str, prompt: str = "Which is better?") -> rmg.Sample:
    return rmg.Sample.of([a, b], prompt=prompt)


@pytest.fixture
def host_with_judge() -> Iterator[PluginHost]:
    """A fresh process-wide host (with the built-in `judge`), so a test may add plugins to it."""
    host = PluginHost().load()
    assert get_reward_class("judge", host) is JudgeReward
    reset_host(host)
    yield host
    reset_host(None)


# -- pointwise -------------------------------------------------------------------------------------


def test_pointwise_scores_are_normalised_to_the_unit_interval_with_the_critique_as_reason() -> None:
    def answer(request: dict[str, Any]) -> str:
        value = int(re.search(r"value=(\d+)", shown(request, "")).group(1))
        return json.dumps({"critique": f"worth {value}", "score": value})

    with ScriptedLLMServer(answer) as server:
        results = judge(server, principles=["Be right"]).evaluate(rmg.Sample.of(["value=1", "value=10"], prompt="q"))
        assert [r.score for r in results] == [0.0, 1.0]
        assert [r.reason for r in results] == ["worth 1", "worth 10"]
        five = judge(server, principles=["Be right"], scale_min=0, scale_max=5)
        assert five.evaluate(rmg.Sample.of("value=4", prompt="q"))[0].score == pytest.approx(0.8)


def test_pointwise_per_principle_scores_become_dimensions_named_after_the_principles() -> None:
    reply = '<think>weighing</think>```json\n{"critique": "ok", "principle_scores": [10, 4], "score": 7}\n```'
    with ScriptedLLMServer(reply) as server:
        result = judge(server, principles=["Correctness: facts are right", "Brevity: short"]).evaluate(
            rmg.Sample.of("x", prompt="q")
        )[0]
    assert result.ok and result.score == pytest.approx(6 / 9)
    assert [(d.name, round(d.score, 3)) for d in result.dimensions] == [("Correctness", 1.0), ("Brevity", 0.333)]


def test_the_prompt_carries_scenario_principles_conversation_reference_and_the_answer_format() -> None:
    with ScriptedLLMServer('{"score": 5}') as server:
        sample = rmg.Sample(
            prompt=[{"role": "system", "content": "Be terse."}, {"role": "user", "content": "2+2?"}],
            candidates=["4"],
            reference="4",
        )
        judge(server, principles=["Exactness: the number is right"], scenario="Arithmetic tutoring").evaluate(sample)
        request = server.requests[0]
    text = last_user(request)
    assert request["messages"][0]["role"] == "system"
    for part in (
        "Scenario: Arithmetic tutoring",
        "1. Exactness: the number is right",
        "System: Be terse.",
        "User: 2+2?",
        "[Reference answer]\n4",
        "[Response]\n4\n[End of response]",
        '"score": <a number from 1 to 10>',
    ):
        assert part in text, part
    assert request["model"] == "scripted-judge" and request["temperature"] == 0.0


# -- repair and failures ---------------------------------------------------------------------------


def test_a_malformed_answer_is_repaired_once_and_the_repair_conversation_explains_why() -> None:
    with ScriptedLLMServer(["I'd say it is quite good.", '{"critique": "fixed", "score": 9}']) as server:
        result = judge(server, principles=["p"]).evaluate(rmg.Sample.of("x", prompt="q"))[0]
        repair = server.requests[1]["messages"]
    assert result.ok and result.score == pytest.approx(8 / 9)
    assert result.details["repaired"] is True
    assert result.usage["calls"] == 2
    assert repair[-2] == {"role": "assistant", "content": "I'd say it is quite good."}
    assert "could not be parsed because it contains no score" in repair[-1]["content"]
    assert '"score": <a number from 1 to 10>' in repair[-1]["content"]


@pytest.mark.parametrize("replies", [["great answer!", "still no verdict"], ['{"score": 12}', '{"score": 11}']])
def test_an_answer_still_malformed_after_the_repair_is_an_error_with_the_raw_text_never_a_score(
    replies: list[str],
) -> None:
    with ScriptedLLMServer(replies) as server:
        result = judge(server, principles=["p"]).evaluate(rmg.Sample.of("x", prompt="q"))[0]
        assert len(server.requests) == 2  # one repair, not more
    assert result.status is rmg.RewardStatus.error and not result.ok
    assert "unparseable judge answer" in result.error and "after one repair attempt" in result.error
    assert result.details["raw"] == replies[1] and result.details["raw_first"] == replies[0]
    assert result.usage["calls"] == 2


def test_model_failures_become_error_and_timeout_statuses_not_scores() -> None:
    with ScriptedLLMServer(Reply(status=400, content="bad request")) as server:
        result = judge(server, principles=["p"]).evaluate(rmg.Sample.of("x", prompt="q"))[0]
    assert result.status is rmg.RewardStatus.error and "HTTP 400" in result.error
    with ScriptedLLMServer(Reply('{"score": 10}', delay=3.0)) as server:
        result = judge(server, principles=["p"], timeout=0.3).evaluate(rmg.Sample.of("x", prompt="q"))[0]
    assert result.status is rmg.RewardStatus.timeout and "timed out" in result.error


def test_an_unreachable_endpoint_is_an_error_result_per_sample() -> None:
    with ScriptedLLMServer("{}") as server:
        url = server.base_url
    result = JudgeReward(principles=["p"], model="m", base_url=url, cache=False, max_retries=0).evaluate(
        rmg.Sample.of("x", prompt="q")
    )[0]
    # (the model layer may report a refused connection as an error or as a timeout; never as a score)
    assert result.status in (rmg.RewardStatus.error, rmg.RewardStatus.timeout) and result.error


# -- pairwise --------------------------------------------------------------------------------------


def test_a_judge_that_always_answers_a_is_inconsistent_not_a_win_for_the_first_candidate() -> None:
    with ScriptedLLMServer('{"critique": "A looks better", "choice": "A"}') as server:
        results = judge(server, principles=["p"], mode="pairwise").evaluate(pair("first", "second"))
        assert len(server.requests) == 2
        assert sorted(shown(r, "A") for r in server.requests) == ["first", "second"]  # both orders
    assert [r.score for r in results] == [0.5, 0.5]
    assert all(r.ok for r in results)
    assert results[0].details["verdict"] == "inconsistent"
    assert results[0].details["choices"] == ["A", "A"]


@pytest.mark.parametrize("good_first", [True, False])
def test_a_consistent_pairwise_winner_scores_one_and_the_loser_zero(good_first: bool) -> None:
    def prefer_good(request: dict[str, Any]) -> str:
        return json.dumps({"critique": "GOOD is better", "choice": "A" if "GOOD" in shown(request, "A") else "B"})

    with ScriptedLLMServer(prefer_good) as server:
        sample = pair("GOOD answer", "weak answer") if good_first else pair("weak answer", "GOOD answer")
        results = judge(server, principles=["p"], mode="pairwise").evaluate(sample)
    expected = [1.0, 0.0] if good_first else [0.0, 1.0]
    assert [r.score for r in results] == expected
    assert results[0].details["verdict"] == "win" and results[0].details["winner"] == (0 if good_first else 1)
    assert results[0].usage["calls"] == 2 and results[1].usage is None  # counted once per sample


def test_ties_and_single_order_judging() -> None:
    with ScriptedLLMServer('{"choice": "tie"}') as server:
        results = judge(server, principles=["p"], mode="pairwise").evaluate(pair("a", "b"))
    assert [r.score for r in results] == [0.5, 0.5] and results[0].details["verdict"] == "tie"
    with ScriptedLLMServer('{"choice": "A"}') as server:
        results = judge(server, principles=["p"], mode="pairwise", swap=False).evaluate(pair("a", "b"))
        assert len(server.requests) == 1
    assert [r.score for r in results] == [1.0, 0.0]


def test_if_either_order_fails_both_candidates_fail() -> None:
    def one_order_garbage(request: dict[str, Any]) -> str:
        return '{"choice": "A"}' if shown(request, "A") == "a" else "no idea"

    with ScriptedLLMServer(one_order_garbage) as server:
        results = judge(server, principles=["p"], mode="pairwise").evaluate(pair("a", "b"))
    assert [r.status for r in results] == [rmg.RewardStatus.error] * 2
    assert results[0].details["raw"] == "no idea" and results[0].usage["calls"] == 3


def test_a_pairwise_judge_rejects_samples_without_exactly_two_responses() -> None:
    results = JudgeReward(principles=["p"], mode="pairwise").evaluate(rmg.Sample.of(["a", "b", "c"], prompt="q"))
    assert {r.status for r in results} == {rmg.RewardStatus.invalid_input}


# -- listwise --------------------------------------------------------------------------------------


def test_listwise_scores_come_from_the_validated_ranking() -> None:
    with ScriptedLLMServer('Thinking... {"critique": "3 is best", "ranking": [3, 1, 2]}') as server:
        results = judge(server, principles=["p"], mode="listwise").evaluate(rmg.Sample.of(["a", "b", "c"], prompt="q"))
        assert [shown(server.requests[0], str(i)) for i in (1, 2, 3)] == ["a", "b", "c"]
    assert [r.score for r in results] == [0.5, 0.0, 1.0]
    assert results[2].details["rank"] == 0 and results[0].details["ranking"] == [2, 0, 1]


def test_a_ranking_that_is_not_a_permutation_is_repaired_then_an_error() -> None:
    with ScriptedLLMServer(['{"ranking": [1, 1, 2]}', '{"ranking": [1, 2]}']) as server:
        results = judge(server, principles=["p"], mode="listwise").evaluate(rmg.Sample.of(["a", "b", "c"], prompt="q"))
        assert "not a permutation of 1..3" in server.requests[1]["messages"][-1]["content"]
    assert {r.status for r in results} == {rmg.RewardStatus.error}
    assert results[0].details["raw"] == '{"ranking": [1, 2]}'


# -- usage, definitions, templates, the registry path ----------------------------------------------


def test_usage_of_every_call_is_reported_and_sums_over_results() -> None:
    with ScriptedLLMServer('{"critique": "one two three", "score": 5}') as server:
        results = judge(server, principles=["p"]).evaluate(rmg.Sample.of(["a", "b", "c"], prompt="q"))
    usage = [r.usage for r in results]
    assert all(u["calls"] == 1 and u["prompt_tokens"] > 0 and u["completion_tokens"] == 6 for u in usage)
    # the scripted server counts whitespace-separated words: 6 in the reply above


def test_a_yaml_judge_definition_sets_defaults_that_explicit_parameters_override(tmp_path: Path) -> None:
    path = tmp_path / "tone.yaml"
    path.write_text(
        "scenario: Bank support replies\nprinciples:\n  - Never invent account details.\n"
        "  - Be polite.\nmode: pairwise\nscale: [0, 4]\nmodel: from-yaml\n"
    )
    reward = JudgeReward(definition=str(path))
    assert (reward.active_mode, reward.principles, reward.scale_min, reward.scale_max, reward.model) == (
        rmg.Mode.pairwise,
        ["Never invent account details.", "Be polite."],
        0,
        4,
        "from-yaml",
    )
    assert JudgeReward(definition=str(path), mode="pointwise").active_mode is rmg.Mode.pointwise
    with ScriptedLLMServer('{"choice": "tie"}') as server:
        results = JudgeReward(definition=str(path), base_url=server.base_url, cache=False).evaluate(pair("a", "b"))
        assert server.requests[0]["model"] == "from-yaml"
        assert "1. Never invent account details." in last_user(server.requests[0])
    assert results[0].details["verdict"] == "tie"
    bad = tmp_path / "bad.yaml"
    bad.write_text("principles: []\n")
    with pytest.raises(ValueError, match="needs principles"):
        JudgeReward(definition=str(bad))


def test_a_custom_template_gets_the_same_parsing_and_retry() -> None:
    template = (
        "[User Question]\n{question}\n\n[A]\n{answer_a}\n\n[B]\n{answer_b}\n\n"
        'Output "[[A]]", "[[B]]" or "[[C]]". Literal braces stay: {"keep": 1} {unknown}'
    )
    with ScriptedLLMServer(["hmm", "Final verdict: [[C]]"]) as server:
        results = judge(server, principles=["p"], mode="pairwise", template=template, swap=False).evaluate(
            pair("left", "right", prompt="Q?")
        )
        sent = server.requests[0]["messages"]
    assert sent == [
        {
            "role": "user",
            "content": template.replace("{question}", "Q?")
            .replace("{answer_a}", "left")
            .replace("{answer_b}", "right"),
        }
    ]
    assert [r.score for r in results] == [0.5, 0.5] and results[0].details["repaired"] is True
    with pytest.raises(ValueError, match="no placeholder for"):
        JudgeReward(mode="pointwise", template="Rate this: {question}")


def test_judge_through_rmg_evaluate_with_params_as_the_cli_passes_them(host_with_judge: PluginHost) -> None:
    def prefer_polite(request: dict[str, Any]) -> str:
        return json.dumps({"choice": "A" if "please" in shown(request, "A") else "B"})

    with ScriptedLLMServer(prefer_polite) as server:
        params = {
            "principles": ["Refuse clearly harmful requests", "Be polite"],
            "mode": "pairwise",
            "base_url": server.base_url,
            "model": "m",
            "cache": False,
        }
        out = list(rmg.evaluate("judge", [pair("no", "please no"), pair("please", "rude")], params=params))
        assert "1. Refuse clearly harmful requests" in last_user(server.requests[0])
    assert [[r.score for r in s.results] for s in out] == [[0.0, 1.0], [1.0, 0.0]]
    with pytest.raises(RegistryError, match="scale_min"):
        list(rmg.evaluate("judge", [], params={"scale_min": 3, "scale_max": 1}))


def test_a_registered_judge_definition_is_usable_by_name(host_with_judge: PluginHost) -> None:
    class Definitions:
        @rmg.hookimpl
        def register_judges(self, register: Callable[..., None]) -> None:
            register(judge_module.JudgeDefinition(name="test.tone", principles=["Be kind"], mode="listwise"))

    host_with_judge.add_plugin(Definitions(), "test-definitions")
    reward = JudgeReward(definition="test.tone")
    assert reward.principles == ["Be kind"] and reward.active_mode is rmg.Mode.listwise
    assert "test.tone" in " ".join(JudgeReward.notes())
    with pytest.raises(ValueError, match="unknown judge definition 'nope'.*test.tone"):
        JudgeReward(definition="nope")


def test_the_api_key_never_shows_in_repr_or_dumps_and_the_class_keeps_its_mode() -> None:
    reward = JudgeReward(principles=["p"], api_key="sk-very-secret", mode="listwise")
    assert "sk-very-secret" not in repr(reward) and "sk-very-secret" not in reward.model_dump_json()
    assert JudgeReward.mode is rmg.Mode.pointwise and reward.active_mode is rmg.Mode.listwise
    assert reward.model_dump(by_alias=True)["mode"] is rmg.Mode.listwise
    with pytest.raises(ValueError):
        JudgeReward(mode="stepwise")


def test_a_langchain_fake_chat_model_can_be_the_judge() -> None:
    pytest.importorskip("langchain_core")
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    fake = FakeListChatModel(responses=['{"critique": "fine", "score": 10}'])
    result = JudgeReward(principles=["p"], model=fake, cache=False).evaluate(rmg.Sample.of("x", prompt="q"))[0]
    assert result.ok and result.score == 1.0 and result.reason == "fine"


def test_a_judge_used_from_python_writes_no_response_cache_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI caches by default (tested with the alignment plugin); a library call must not fill the disk."""
    monkeypatch.setenv("RMG_CACHE_DIR", str(tmp_path / "cache"))
    with ScriptedLLMServer('{"score": 9}') as server:
        plain = JudgeReward(model="m", base_url=server.base_url, principles=["Be right"])
        assert plain.evaluate(rmg.Sample.of("answer"))[0].ok
        assert not (tmp_path / "cache").exists()
        cached = JudgeReward(model="m", base_url=server.base_url, principles=["Be right"], cache=True)
        assert cached.evaluate(rmg.Sample.of("answer"))[0].ok
        assert (tmp_path / "cache" / "llm.sqlite").is_file()
