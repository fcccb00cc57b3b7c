"""The critique-and-refine loop as a LangGraph graph: draft -> score -> critique -> revise -> score ...

    graph = create_refine_graph(model=chat_model, reward="math.accuracy", threshold=1.0, max_rounds=3)
    final = await graph.ainvoke({"prompt": "What is 17 * 23?", "reference": "391"})
    final["answer"], final["score"], final["history"]

Rounds: round 0 scores the given `draft` (or one the model writes); each later round is one revision,
so at most `max_rounds` revisions and `max_rounds + 1` scored drafts. The loop stops as soon as a
draft scores ok at or above `threshold` (None: every round is used).

Scoring goes through rmg's `Runner` (`runner.ascore`), so the spec's timeouts, process pool and
statuses apply. The critique is the critic model's (when `critic` is given), else the reward's
reason (a judge's critique, a rule's explanation), else a plain note of the score. Revisions are
one multi-turn conversation: the model sees its earlier drafts and every critique.

The answer is the best draft so far, never simply the last: the highest score among drafts whose
scoring was ok (ties keep the earlier draft); a draft whose scoring failed never wins. A model
failure (error or timeout) ends the run with `status="error"`, keeping what was done.

Each node is one LangGraph step, so a checkpointer (in-memory or SQLite) resumes a killed run
after the last finished step without redoing earlier rounds. The `score` node writes one event per
round to the "custom" stream (`graph.astream(..., stream_mode="custom")`). With `approve=True` the
graph calls `interrupt` after each revision; resume with `Command(resume=True)` to accept it,
`False` to reject it (the run ends with the best draft so far) or a string to use as the revision.
"""

from __future__ import annotations

from typing import Any, TypedDict

from rmg.core.chat import ChatError, ChatTimeout

from .common import as_runner, require_langgraph, resolve_model, score_text
from .sync import dual_node

__all__ = ["RefineState", "create_refine_graph"]

CRITIC_SYSTEM = (
    "You are a strict reviewer. Point out concretely what is wrong or missing in the answer, in a few "
    "short sentences. Do not rewrite the answer."
)
REVISE = (
    "Feedback on your last answer (score {score}):\n{critique}\n\n"
    "Write an improved answer to the original request that fixes these problems. "
    "Reply with the complete new answer only."
)


class RefineState(TypedDict, total=False):
    """The refine graph's state. Inputs: `prompt` (text or chat messages), optional `draft`,
    `reference`, `task`. Outputs: `answer` (best draft), `score`, `best_round`, `status`
    ("passed", "exhausted", "error", "rejected", "unscored"), `error`, and `history`: one entry per
    scored draft with its round, draft, score, status, reason and critique."""

    prompt: Any
    draft: str | None
    reference: Any
    task: str | None
    round: int
    history: list[dict[str, Any]]
    conversation: list[dict[str, str]]
    answer: str | None
    score: float | None
    best_round: int | None
    status: str
    error: str | None


def _messages(prompt: Any) -> list[dict[str, str]]:
    if prompt is None:
        return []
    if isinstance(prompt, str):
        return [{"role": "user", "content": prompt}]
    out = []
    for m in prompt:
        out.append(
            {"role": m["role"], "content": m["content"]}
            if isinstance(m, dict)
            else {"role": m.role, "content": m.content}
        )
    return out


def _best(history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The best ok-scored entry; ties keep the earliest. Failed scoring never wins."""
    best = None
    for entry in history:
        if entry["status"] == "ok" and (best is None or entry["score"] > best["score"]):
            best = entry
    return best


def create_refine_graph(
    *,
    model: Any,
    reward: Any,
    critic: Any = None,
    threshold: float | None = None,
    max_rounds: int = 3,
    checkpointer: Any = None,
    store: Any = None,
    name: str | None = None,
    approve: bool = False,
    temperature: float | None = None,
    max_tokens: int | None = 1024,
    timeout: float | None = None,
) -> Any:
    """A compiled refine graph (see the module docstring). `model`/`critic`: a ChatModel, a
    LangChain chat model or a model name (`None`: the configured endpoint, else the local model);
    `reward`: any rmg spec or a `Runner`; `timeout`: the reward's budget per draft."""
    require_langgraph()
    from langgraph.config import get_stream_writer
    from langgraph.graph import END, START, StateGraph
    from langgraph.types import interrupt

    if max_rounds < 0:
        raise ValueError(f"max_rounds must be >= 0, got {max_rounds}")
    chat = resolve_model(model)
    critic_chat = resolve_model(critic) if critic is not None else None
    runner = as_runner(reward, timeout=timeout)
    sampling = {"temperature": temperature, "max_tokens": max_tokens}

    async def ask(which: Any, messages: list[dict[str, str]]) -> tuple[str | None, str | None]:
        try:
            response = await which.chat(messages, **sampling)
        except ChatTimeout as exc:
            return None, f"model timed out: {exc}"
        except ChatError as exc:
            return None, f"model failed: {exc}"
        return response.content.strip(), None

    async def draft(state: RefineState) -> dict[str, Any]:
        prompt = _messages(state.get("prompt"))
        text = state.get("draft")
        if not text:
            if not prompt:
                return {"status": "error", "error": "no prompt and no draft to refine", "history": [], "round": 0}
            text, error = await ask(chat, prompt)
            if error is not None:
                return {"status": "error", "error": f"first draft: {error}", "history": [], "round": 0}
        return {
            "draft": text,
            "round": 0,
            "history": [],
            "conversation": [*prompt, {"role": "assistant", "content": text}],
            "status": "running",
            "error": None,
        }

    async def score(state: RefineState) -> dict[str, Any]:
        text = state["draft"] or ""
        result = await score_text(runner, state.get("prompt"), text, state.get("reference"), state.get("task"))
        entry = {
            "round": state.get("round", 0),
            "draft": text,
            "score": result.score if result.ok else None,
            "status": result.status.value,
            "reason": result.reason or result.error or "",
            "critique": None,
        }
        history = [*state.get("history", []), entry]
        best = _best(history)
        get_stream_writer()({"event": "round", **entry, "best_score": best["score"] if best else None})
        return {
            "history": history,
            "answer": best["draft"] if best else None,
            "score": best["score"] if best else None,
            "best_round": best["round"] if best else None,
        }

    def after_score(state: RefineState) -> str:
        last = state["history"][-1]
        if threshold is not None and last["status"] == "ok" and last["score"] >= threshold:
            return "passed"
        if state.get("round", 0) >= max_rounds:
            return "exhausted"
        return "critique"

    async def critique(state: RefineState) -> dict[str, Any]:
        history = [dict(e) for e in state["history"]]
        last = history[-1]
        if last["status"] != "ok":
            note = f"The answer could not be scored ({last['status']}: {last['reason']}). Make it well-formed."
        elif critic_chat is not None:
            review = [
                {"role": "system", "content": CRITIC_SYSTEM},
                {
                    "role": "user",
                    "content": f"[Request]\n{_request_text(state)}\n\n[Answer]\n{last['draft']}\n\n"
                    f"[Automatic score]\n{last['score']:.3g} ({last['reason'] or 'no reason given'})",
                },
            ]
            critique, error = await ask(critic_chat, review)
            if error is not None or critique is None:
                return {"status": "error", "error": f"critic, round {last['round']}: {error}"}
            note = critique
        else:
            note = last["reason"] or f"The answer scored {last['score']:.3g}; it is not good enough yet."
        last["critique"] = note
        return {"history": history}

    async def revise(state: RefineState) -> dict[str, Any]:
        last = state["history"][-1]
        shown = "failed" if last["score"] is None else f"{last['score']:.3g}"
        conversation = [
            *state["conversation"],
            {"role": "user", "content": REVISE.format(score=shown, critique=last["critique"])},
        ]
        text, error = await ask(chat, conversation)
        next_round = state.get("round", 0) + 1
        if error is not None:
            return {"status": "error", "error": f"revision {next_round}: {error}"}
        return {
            "draft": text,
            "round": next_round,
            "conversation": [*conversation, {"role": "assistant", "content": text}],
        }

    def human_approval(state: RefineState) -> dict[str, Any]:
        decision = interrupt(
            {
                "round": state["round"],
                "draft": state["draft"],
                "critique": state["history"][-1]["critique"],
                "best_score": state.get("score"),
            }
        )
        if decision is False or (isinstance(decision, dict) and decision.get("approve") is False):
            return {"status": "rejected"}
        if isinstance(decision, str) and decision.strip():
            conversation = [*state["conversation"][:-1], {"role": "assistant", "content": decision}]
            return {"draft": decision, "conversation": conversation}
        return {}

    def finish(state: RefineState) -> dict[str, Any]:
        status = state.get("status", "running")
        if status == "running":
            last = state["history"][-1]
            passed = threshold is not None and last["status"] == "ok" and last["score"] >= threshold
            status = "passed" if passed else "exhausted"
            if state.get("answer") is None:
                status = "unscored"
        return {"status": status}

    def ok_or_end(target: str):
        def route(state: RefineState) -> str:
            return "finish" if state.get("status") in ("error", "rejected") else target

        return route

    builder = StateGraph(RefineState)
    builder.add_node("draft", dual_node(draft, "draft"))
    builder.add_node("score", dual_node(score, "score"))
    builder.add_node("critique", dual_node(critique, "critique"))
    builder.add_node("revise", dual_node(revise, "revise"))
    builder.add_node("finish", finish)
    builder.add_edge(START, "draft")
    builder.add_conditional_edges("draft", ok_or_end("score"), ["score", "finish"])
    builder.add_conditional_edges(
        "score", after_score, {"passed": "finish", "exhausted": "finish", "critique": "critique"}
    )
    builder.add_conditional_edges("critique", ok_or_end("revise"), ["revise", "finish"])
    if approve:
        builder.add_node("approve", human_approval)
        builder.add_conditional_edges("revise", ok_or_end("approve"), ["approve", "finish"])
        builder.add_conditional_edges("approve", ok_or_end("score"), ["score", "finish"])
    else:
        builder.add_conditional_edges("revise", ok_or_end("score"), ["score", "finish"])
    builder.add_edge("finish", END)
    graph = builder.compile(checkpointer=checkpointer, store=store, name=name or "rmg_refine")
    # LangGraph's own bound on top of ours: each round is at most 4 steps.
    return graph.with_config(recursion_limit=5 * (max_rounds + 2) + 10)


def _request_text(state: RefineState) -> str:
    messages = _messages(state.get("prompt"))
    return "\n\n".join(m["content"] for m in messages if m["role"] != "system") or "(no request given)"
