"""Building blocks for users' own graphs: `reward_node` scores the latest answer in a state, and
`embed` runs a compiled graph (e.g. the refine graph) as a node of a parent whose keys differ."""

from __future__ import annotations

from typing import Any

from .common import as_runner, require_langgraph, score_text
from .sync import run_sync

__all__ = ["embed", "reward_node"]


def _latest(state: dict[str, Any], messages_key: str) -> tuple[Any, str | None]:
    """(prompt messages, last AI answer) from a LangChain-style message list."""
    messages = state.get(messages_key) or []
    prompt: list[dict[str, str]] = []
    answer = None
    for m in messages:
        role = m.get("role") if isinstance(m, dict) else getattr(m, "type", "")
        content = m.get("content") if isinstance(m, dict) else getattr(m, "content", "")
        if not isinstance(content, str):
            content = str(content)
        role = {"human": "user", "ai": "assistant"}.get(str(role), role)
        if role == "assistant":
            answer = content
        elif role in ("user", "system"):
            prompt.append({"role": role, "content": content})
            answer = None  # an answer must come after the last user turn
    return prompt, answer


def reward_node(
    spec: Any,
    *,
    answer_key: str = "answer",
    prompt_key: str = "prompt",
    reference_key: str = "reference",
    task_key: str = "task",
    messages_key: str = "messages",
    output_key: str = "reward",
    timeout: float | None = None,
) -> Any:
    """A LangGraph node that scores the latest answer in the state with an rmg spec.

    The answer is `state[answer_key]` or, when that is missing, the last AI message of
    `state[messages_key]` (then the user messages before it are the prompt). It writes
    `{output_key: {"score", "status", "reason", "error"}}`; a failed score is a status, never an
    exception. Runs under `invoke` and `ainvoke`."""
    require_langgraph()
    from langchain_core.runnables import RunnableLambda

    runner = as_runner(spec, timeout=timeout)

    async def ascore(state: dict[str, Any]) -> dict[str, Any]:
        answer = state.get(answer_key)
        prompt = state.get(prompt_key)
        if answer is None and state.get(messages_key):
            prompt, answer = _latest(state, messages_key)
        if answer is None:
            result = {
                "score": None,
                "status": "invalid_input",
                "reason": "",
                "error": f"no {answer_key!r} in the state",
            }
            return {output_key: result}
        scored = await score_text(runner, prompt, str(answer), state.get(reference_key), state.get(task_key))
        return {
            output_key: {
                "score": scored.score if scored.ok else None,
                "status": scored.status.value,
                "reason": scored.reason,
                "error": scored.error,
            }
        }

    return RunnableLambda(lambda state: run_sync(lambda: ascore(state)), afunc=ascore, name=f"reward_{output_key}")


def embed(graph: Any, *, inputs: dict[str, str], outputs: dict[str, str], name: str | None = None) -> Any:
    """A node running `graph` on the parent's state: `inputs` maps parent key -> graph key,
    `outputs` graph key -> parent key. The run shares the parent's config, so the parent's
    checkpointer, thread and stream reach the subgraph."""
    require_langgraph()
    from langchain_core.runnables import RunnableConfig, RunnableLambda

    def into(state: dict[str, Any]) -> dict[str, Any]:
        return {inner: state[outer] for outer, inner in inputs.items() if outer in state}

    def back(result: dict[str, Any]) -> dict[str, Any]:
        return {outer: result.get(inner) for inner, outer in outputs.items()}

    def func(state: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        return back(graph.invoke(into(state), config))

    async def afunc(state: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        return back(await graph.ainvoke(into(state), config))

    return RunnableLambda(func, afunc=afunc, name=name or getattr(graph, "name", None) or "embedded_graph")
