"""LangGraph agents over rmg rewards (extra `rmg[agents]`).

- `create_refine_graph(...)`: draft -> score -> critique -> revise until a threshold or a round limit.
- `create_principle_graph(...)`: induce judge principles from labelled preference pairs.
- `reward_node(spec)`: a node that scores the latest answer of any graph's state.
- `reward_tool(spec)` / `reward_tools(...)`: rewards as LangChain tools for tool-calling agents.
- `embed(graph, inputs=..., outputs=...)`: a compiled graph as a node of a parent with other state keys.

langgraph is imported on first use of these names, so `import rmg.agents` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "RefineState",
    "create_principle_graph",
    "create_refine_graph",
    "embed",
    "reward_node",
    "reward_tool",
    "reward_tools",
]

_LAZY = {
    "RefineState": ".refine",
    "create_refine_graph": ".refine",
    "embed": ".nodes",
    "create_principle_graph": ".principles",
    "reward_node": ".nodes",
    "reward_tool": ".tools",
    "reward_tools": ".tools",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value
