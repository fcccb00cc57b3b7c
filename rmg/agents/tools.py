"""rmg rewards as LangChain tools, so a tool-calling agent can check its own answer.

    tools = reward_tools("math.accuracy", "code.execution")
    agent = create_react_agent(chat_model, tools)      # or model.bind_tools(tools)

Each tool takes `response` (and optional `reference`, `prompt`) and returns the score, status and
reason as a dict; scoring goes through rmg's runner, so rule rewards keep their time budget.
"""

from __future__ import annotations

import re
from typing import Any

from .common import as_runner, score_text
from .sync import run_sync

__all__ = ["reward_tool", "reward_tools"]


def _tool_name(spec: Any) -> str:
    text = spec if isinstance(spec, str) else getattr(spec, "name", "reward")
    return re.sub(r"[^A-Za-z0-9_-]+", "_", str(text)).strip("_")[:64] or "reward"


def reward_tool(
    spec: Any, *, name: str | None = None, description: str | None = None, timeout: float | None = None
) -> Any:
    """A LangChain `StructuredTool` that scores a response with an rmg spec."""
    from langchain_core.tools import StructuredTool
    from pydantic import BaseModel, Field

    runner = as_runner(spec, timeout=timeout)

    class Args(BaseModel):
        response: str = Field(description="the answer to check")
        reference: str | None = Field(None, description="the expected answer or test cases, when known")
        prompt: str | None = Field(None, description="the question the answer responds to")

    async def acheck(response: str, reference: str | None = None, prompt: str | None = None) -> dict[str, Any]:
        result = await score_text(runner, prompt, response, reference)
        return {"score": result.score if result.ok else None, "status": result.status.value, "reason": result.reason}

    def check(response: str, reference: str | None = None, prompt: str | None = None) -> dict[str, Any]:
        return run_sync(lambda: acheck(response, reference, prompt))

    label = spec if isinstance(spec, str) else _tool_name(spec)
    return StructuredTool.from_function(
        func=check,
        coroutine=acheck,
        name=name or _tool_name(spec),
        description=description
        or f"Score a response with the rmg reward {label}: returns score (higher is better), status and reason.",
        args_schema=Args,
    )


def reward_tools(*specs: Any, timeout: float | None = None) -> list[Any]:
    """One tool per spec."""
    return [reward_tool(spec, timeout=timeout) for spec in specs]
