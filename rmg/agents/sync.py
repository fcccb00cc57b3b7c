"""Nodes written once as coroutines that also run under a graph's sync `invoke`/`stream`."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["dual_node", "run_sync"]


def run_sync(make: Callable[[], Awaitable[Any]]) -> Any:
    """Run a coroutine to completion from sync code, also when this thread already runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_wrap(make))
    box: dict[str, Any] = {}
    context = contextvars.copy_context()  # LangGraph's config (interrupts, stream writer) goes along

    def main() -> None:
        try:
            box["value"] = context.run(asyncio.run, _wrap(make))
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=main, name="rmg-agent-node")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


async def _wrap(make: Callable[[], Awaitable[Any]]) -> Any:
    return await make()


def dual_node(afunc: Callable[[Any], Awaitable[Any]], name: str) -> Any:
    """A LangChain runnable whose `ainvoke` awaits `afunc` and whose `invoke` runs it to completion."""
    from langchain_core.runnables import RunnableLambda

    def func(state: Any) -> Any:
        return run_sync(lambda: afunc(state))

    return RunnableLambda(func, afunc=afunc, name=name)
