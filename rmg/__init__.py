"""rmg: reward models for LLM post-training and inference-time selection.

The public API is below; submodules load on first use so `import rmg` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from rmg.core.hookspecs import hookimpl
from rmg.core.plugins import set_default_plugins

__version__ = "0.1.0"

# rmg's own judges and benchmarks are default plugins, loaded and reported like an installed one.
set_default_plugins({"rmg.judges": "rmg.judges.plugin", "rmg.evaluation": "rmg.evaluation.plugin"})

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
    "JudgeReward": "rmg.judges",
    "JudgeDefinition": "rmg.judges",
    "JudgeDefinitionError": "rmg.judges",
    "judge_class": "rmg.judges",
    "create_chat_model": "rmg.llm",
    "ChatModel": "rmg.core.chat",
    "ChatResponse": "rmg.core.chat",
    "ChatError": "rmg.core.chat",
    "ChatTimeout": "rmg.core.chat",
    "Usage": "rmg.core.chat",
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
    from rmg.core.chat import ChatError, ChatModel, ChatResponse, ChatTimeout, Usage
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
    from rmg.judges import JudgeDefinition, JudgeDefinitionError, JudgeReward, judge_class
    from rmg.llm import create_chat_model
