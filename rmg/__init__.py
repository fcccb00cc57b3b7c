"""rmg: reward models for LLM post-training and inference-time selection.

The public API is below; submodules load on first use so `import rmg` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from rmg.core.hookspecs import hookimpl

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # data model
    "Sample": "rmg.core.schema",
    "Message": "rmg.core.schema",
    "Candidate": "rmg.core.schema",
    "Step": "rmg.core.schema",
    "RewardResult": "rmg.core.schema",
    "RewardStatus": "rmg.core.schema",
    "Dimension": "rmg.core.schema",
    "ScoredSample": "rmg.core.schema",
    # rewards
    "Reward": "rmg.core.reward",
    "Mode": "rmg.core.reward",
    "Kind": "rmg.core.reward",
    "InvalidInput": "rmg.core.reward",
    "reward": "rmg.core.reward",
    # registry and specs
    "create_reward": "rmg.core.registry",
    "list_rewards": "rmg.core.registry",
    "RegistryError": "rmg.core.registry",
    "UnknownReward": "rmg.core.registry",
    "parse_spec": "rmg.core.spec",
    "SpecError": "rmg.core.spec",
    # running
    "Runner": "rmg.core.runner",
    "evaluate": "rmg.core.runner",
    "aevaluate": "rmg.core.runner",
    "best_of_n": "rmg.core.runner",
    "rank": "rmg.core.runner",
    # LLM judges and model access
    "JudgeReward": "rmg.core.judge",
    "JudgeDefinition": "rmg.core.judge",
    "judge_class": "rmg.core.judge",
    "create_chat_model": "rmg.core.llm",
    "ChatModel": "rmg.core.llm",
    "ChatResponse": "rmg.core.llm",
    # plugins
    "PluginHost": "rmg.core.plugins",
    "get_host": "rmg.core.plugins",
}

__all__ = ["__version__", "hookimpl", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rmg' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from rmg.core.judge import JudgeDefinition, JudgeReward, judge_class
    from rmg.core.llm import ChatModel, ChatResponse, create_chat_model
    from rmg.core.plugins import PluginHost, get_host
    from rmg.core.registry import RegistryError, UnknownReward, create_reward, list_rewards
    from rmg.core.reward import InvalidInput, Kind, Mode, Reward, reward
    from rmg.core.runner import Runner, aevaluate, best_of_n, evaluate, rank
    from rmg.core.schema import (
        Candidate,
        Dimension,
        Message,
        RewardResult,
        RewardStatus,
        Sample,
        ScoredSample,
        Step,
    )
    from rmg.core.spec import SpecError, parse_spec
