"""The refine graph on real LangGraph: models are the scripted OpenAI-compatible server (real
`openai` client on 127.0.0.1) or LangChain's fake chat models; rewards go through rmg's runner."""

from __future__ import annotations

import asyncio
import json
from typing import Any, TypedDict

import pytest

pytest.importorskip("langgraph", reason="needs the agents extra: pip install 'rmg[agents]' (make test installs it)")

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command

import rmg
from rmg.agents import create_refine_graph, embed
from rmg.llm import create_chat_model
from rmg.testing import Reply, ScriptedLLMServer


@rmg.reward("test.pluses")
def pluses(response: str) -> rmg.RewardResult:
    """A graded rule: one third per '+' (at most 1); a draft with BOOM makes the reward fail."""
    if "BOOM" in response:
        raise RuntimeError("the checker crashed on this draft")
    n = response.count("+")
    return rmg.RewardResult(score=min(n, 3) / 3, reason=f"{n} plus signs; add more")


def fake(*texts: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(t) for t in texts]))


def runner() -> rmg.Runner:
    return rmg.Runner(pluses(), workers=0)


def test_scripted_model_that_fixes_the_answer_from_the_critique_passes_in_the_expected_round() -> None:
    """The model answers right only once the critique (the rule's reason) is in the conversation,
    and only on its second revision: the run passes in round 2 and stops there."""

    def respond(request: dict[str, Any]) -> str:
        critiques = [m["content"] for m in request["messages"] if "does not match the reference" in m["content"]]
        return "The answer is 391." if len(critiques) >= 2 else "The answer is 392."

    with ScriptedLLMServer(respond) as server:
        model = create_chat_model("scripted", base_url=server.base_url)
        graph = create_refine_graph(model=model, reward="math.accuracy", threshold=1.0, max_rounds=5)
        final = graph.invoke({"prompt": "What is 17 * 23?", "draft": "It is 390.", "reference": "391"})
        calls = server.counts["requests"]
    assert final["status"] == "passed"
    assert final["best_round"] == 2 and final["answer"] == "The answer is 391." and final["score"] == 1.0
    assert [h["score"] for h in final["history"]] == [0.0, 0.0, 1.0]
    assert calls == 2  # two revisions, no more rounds after passing


def test_revisions_are_one_conversation_keeping_earlier_drafts_and_critiques() -> None:
    with ScriptedLLMServer(["+", "++", "+++"]) as server:
        model = create_chat_model("scripted", base_url=server.base_url)
        graph = create_refine_graph(model=model, reward=runner(), threshold=1.0, max_rounds=3)
        graph.invoke({"prompt": "Write plus signs.", "draft": "none"})
        third = server.requests[2]["messages"]
    texts = [m["content"] for m in third]
    assert [m["role"] for m in third] == ["user", "assistant", "user", "assistant", "user", "assistant", "user"]
    assert texts[1] == "none" and texts[3] == "+" and texts[5] == "++"
    assert "0 plus signs" in texts[2] and "1 plus signs" in texts[4] and "2 plus signs" in texts[6]


def test_the_best_draft_wins_not_the_last_and_a_failed_score_never_wins() -> None:
    """Scores go 1/3, 3/3 (but the checker crashes on it: error), 2/3, 0: the answer is the 2/3 draft."""
    graph = create_refine_graph(model=fake("+++ BOOM", "++", "nothing"), reward=runner(), max_rounds=3)
    final = graph.invoke({"prompt": "plus signs please", "draft": "+"})
    statuses = [h["status"] for h in final["history"]]
    assert statuses == ["ok", "error", "ok", "ok"]
    assert final["answer"] == "++" and final["best_round"] == 2 and final["score"] == pytest.approx(2 / 3)
    assert final["status"] == "exhausted"
    assert "could not be scored" in final["history"][1]["critique"]


def test_a_model_failure_ends_the_run_with_an_error_keeping_the_best_so_far() -> None:
    with ScriptedLLMServer(Reply(status=400, content="bad request (scripted)")) as server:
        model = create_chat_model("scripted", base_url=server.base_url, max_retries=0)
        graph = create_refine_graph(model=model, reward=runner(), threshold=1.0)
        final = graph.invoke({"prompt": "plus signs please", "draft": "+"})
    assert final["status"] == "error" and "revision 1" in final["error"]
    assert final["answer"] == "+" and final["score"] == pytest.approx(1 / 3)


def test_no_draft_means_the_model_writes_the_first_one() -> None:
    graph = create_refine_graph(model=fake("+++"), reward=runner(), threshold=1.0)
    final = graph.invoke({"prompt": "plus signs please"})
    assert final["history"][0]["draft"] == "+++" and final["status"] == "passed" and final["best_round"] == 0


def test_a_critic_model_writes_the_critique_when_given() -> None:
    critic = fake("Too few plus signs: write three.")
    graph = create_refine_graph(model=fake("+++"), critic=critic, reward=runner(), threshold=1.0)
    final = graph.invoke({"prompt": "plus signs please", "draft": "+"})
    assert final["history"][0]["critique"] == "Too few plus signs: write three."


def test_each_round_is_streamed_as_a_custom_event() -> None:
    async def run() -> list[dict[str, Any]]:
        graph = create_refine_graph(model=fake("++", "+++"), reward=runner(), threshold=1.0)
        return [e async for e in graph.astream({"prompt": "p", "draft": "+"}, stream_mode="custom")]

    events = asyncio.run(run())
    assert [(e["round"], e["score"]) for e in events] == [
        (0, pytest.approx(1 / 3)),
        (1, pytest.approx(2 / 3)),
        (2, 1.0),
    ]
    assert events[-1]["best_score"] == 1.0


def test_human_approval_interrupts_before_a_revision_is_scored_and_resumes_without_redoing_rounds() -> None:
    calls = {"n": 0}

    def respond(request: dict[str, Any]) -> str:
        calls["n"] += 1
        return "+" * (calls["n"] + 1)

    with ScriptedLLMServer(respond) as server:
        model = create_chat_model("scripted", base_url=server.base_url)
        graph = create_refine_graph(
            model=model, reward=runner(), threshold=1.0, approve=True, checkpointer=InMemorySaver()
        )
        config = {"configurable": {"thread_id": "t1"}}
        first = graph.invoke({"prompt": "p", "draft": "+"}, config)
        (pending,) = first["__interrupt__"]
        assert pending.value["draft"] == "++" and pending.value["round"] == 1
        second = graph.invoke(Command(resume=True), config)  # accept "++"; the next revision is "+++"
        assert second["__interrupt__"][0].value["draft"] == "+++"
        final = graph.invoke(Command(resume="+++ (edited by a human)"), config)
        assert server.counts["requests"] == 2  # resuming never re-ran a finished revision
    assert final["status"] == "passed" and final["answer"] == "+++ (edited by a human)"
    rejected_graph = create_refine_graph(model=fake("++"), reward=runner(), approve=True, checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "t2"}}
    rejected_graph.invoke({"prompt": "p", "draft": "+"}, config)
    rejected = rejected_graph.invoke(Command(resume=False), config)
    assert rejected["status"] == "rejected" and rejected["answer"] == "+" and len(rejected["history"]) == 1


class UserState(TypedDict, total=False):
    question: str
    gold: str
    draft_answer: str
    final_answer: str
    trail: list[dict[str, Any]]
    checked: bool


def test_the_refine_graph_runs_as_a_subgraph_of_a_user_graph_with_its_own_keys() -> None:
    refine = create_refine_graph(model=fake("The answer is 391."), reward="math.accuracy", threshold=1.0)
    builder = StateGraph(UserState)
    builder.add_node("write", lambda s: {"draft_answer": "I think 390."})
    builder.add_node(
        "refine",
        embed(
            refine,
            inputs={"question": "prompt", "gold": "reference", "draft_answer": "draft"},
            outputs={"answer": "final_answer", "history": "trail"},
        ),
    )
    builder.add_node("check", lambda s: {"checked": s["final_answer"].endswith("391.")})
    builder.add_edge(START, "write")
    builder.add_edge("write", "refine")
    builder.add_edge("refine", "check")
    builder.add_edge("check", END)
    app = builder.compile(checkpointer=InMemorySaver())
    out = app.invoke({"question": "What is 17 * 23?", "gold": "391"}, {"configurable": {"thread_id": "u"}})
    assert out["checked"] is True and [h["score"] for h in out["trail"]] == [0.0, 1.0]
    # And as a plain subgraph node sharing the refine state's keys.
    from rmg.agents import RefineState

    parent = StateGraph(RefineState)
    parent.add_node(
        "refine", create_refine_graph(model=fake("The answer is 391."), reward="math.accuracy", threshold=1.0)
    )
    parent.add_edge(START, "refine")
    parent.add_edge("refine", END)
    shared = parent.compile().invoke({"prompt": "What is 17 * 23?", "draft": "390", "reference": "391"})
    assert shared["answer"] == "The answer is 391." and shared["status"] == "passed"


@rmg.reward("test.sleepy")
def sleepy(response: str) -> float:
    """Hangs on drafts that say "slow" (a stuck checker)."""
    if "slow" in response:
        import time

        time.sleep(60)
    return 0.5


def test_reward_timeouts_and_statuses_come_from_the_runner() -> None:
    """A rule reward that hangs on a draft is cut off by the runner's budget (its worker killed):
    that draft gets a timeout status and cannot win; the run goes on."""
    spec_runner = rmg.Runner(sleepy(), workers=1, timeout=1.0)
    try:
        graph = create_refine_graph(model=fake("slow draft", "fine draft"), reward=spec_runner, max_rounds=2)
        final = graph.invoke({"prompt": "p", "draft": "first draft"})
    finally:
        spec_runner.close()
    assert [h["status"] for h in final["history"]] == ["ok", "timeout", "ok"]
    assert "budget" in final["history"][1]["reason"]
    assert final["answer"] == "first draft" and final["best_round"] == 0


def test_a_judge_reward_scores_the_drafts_and_its_critique_drives_the_revision() -> None:
    """Refine against an LLM judge spec: the judge's critique is what the model is told to fix."""

    def respond(request: dict[str, Any]) -> str:
        text = request["messages"][-1]["content"]
        if "[Response]" in text:  # the pointwise judge
            draft = text.split("[Response]\n")[1].split("\n[End of response]")[0]
            if "km" in draft:
                return json.dumps({"critique": "Correct, with its unit.", "score": 10})
            return json.dumps({"critique": "The distance has no unit.", "score": 4})
        return "About 384,400 km." if "The distance has no unit." in text else "About 384,400."

    with ScriptedLLMServer(respond) as server:
        spec = {
            "reward": "judge",
            "params": {
                "principles": ["Give distances with their unit."],
                "model": "scripted",
                "base_url": server.base_url,
            },
        }
        model = create_chat_model("scripted", base_url=server.base_url)
        graph = create_refine_graph(model=model, reward=spec, threshold=1.0)
        final = graph.invoke({"prompt": "How far is the Moon?", "draft": "About 384,400."})
    assert final["history"][0]["critique"] == "The distance has no unit."
    assert final["status"] == "passed" and final["answer"] == "About 384,400 km." and final["best_round"] == 1
    assert [h["score"] for h in final["history"]] == [pytest.approx(3 / 9), 1.0]
