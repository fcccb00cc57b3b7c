"""What every agent graph shares: the model it talks to, and scoring a text through rmg's runner."""

from __future__ import annotations

import weakref
from typing import Any

from rmg.core.chat import ChatModel
from rmg.core.runner import Runner
from rmg.core.schema import RewardResult, RewardStatus, Sample

__all__ = ["as_runner", "require_langgraph", "resolve_model", "score_text"]


def require_langgraph() -> None:
    """A clear message instead of an ImportError deep in a graph builder."""
    try:
        import langgraph  # noqa: F401
    except ImportError:
        raise ImportError("rmg's agents need LangGraph: pip install 'rmg[agents]'") from None


def resolve_model(
    model: Any = None, *, base_url: str | None = None, api_key: str | None = None, announce: bool = True, **options: Any
) -> ChatModel:
    """A ChatModel from a name, a ChatModel or a LangChain model; the offline local model when no
    model and no endpoint is configured at all (said on stderr, since it is weak)."""
    from rmg.llm import create_chat_model
    from rmg.llm.local import endpoint_configured

    if model is None and not base_url and not endpoint_configured():
        import os

        if not os.environ.get("RMG_MODEL"):
            from rmg.llm.local import LocalChatModel

            return LocalChatModel(announce=announce)
    return create_chat_model(model, base_url=base_url, api_key=api_key, **options)


def as_runner(reward: Any, *, timeout: float | None = None, workers: int | None = None) -> Runner:
    """A `Runner` for a spec (name, composition, dict, Reward); a Runner is used as given.

    A runner built here closes its process pool at interpreter exit (or via `runner.close()`)."""
    if isinstance(reward, Runner):
        return reward
    runner = Runner(reward, timeout=timeout, workers=workers)
    weakref.finalize(runner, Runner.close, runner)
    return runner


def sample_for(prompt: Any, text: str, reference: Any = None, task: str | None = None) -> Sample:
    return Sample.model_validate({"prompt": prompt or [], "candidates": [text], "reference": reference, "task": task})


async def score_text(
    runner: Runner, prompt: Any, text: str, reference: Any = None, task: str | None = None
) -> RewardResult:
    """One draft's result through the runner (timeouts and statuses apply); never raises."""
    try:
        scored = await runner.ascore(sample_for(prompt, text, reference, task))
    except Exception as exc:
        return RewardResult.failure(RewardStatus.invalid_input, f"{type(exc).__name__}: {exc}")
    return scored.results[0] if scored.results else RewardResult.failure(RewardStatus.error, "no result")
