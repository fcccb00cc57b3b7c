"""rmg: reward models for LLM post-training and inference-time selection.

The public API is below; submodules load on first use so `import rmg` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rmg.core.hookspecs import hookimpl
from rmg.core.lazy import lazy_exports
from rmg.core.plugins import set_default_plugins

__version__ = "0.1.0"

# rmg's own judges, benchmarks and GenRM graders are default plugins, loaded and reported like installed ones.
set_default_plugins(
    {
        "rmg.judges": "rmg.judges.plugin",
        "rmg.evaluation": "rmg.evaluation.plugin",
        "rmg.training": "rmg.training.plugin",  # the GenRM grading rewards
    }
)

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
    "BestOfN": "rmg.core.schema",
    # rewards
    "Reward": "rmg.core.reward",
    "Mode": "rmg.core.reward",
    "Kind": "rmg.core.reward",
    "InvalidInput": "rmg.core.reward",
    "reward": "rmg.core.reward",
    # registry and specs
    "create_reward": "rmg.core.registry",
    "get_reward_class": "rmg.core.registry",
    "list_rewards": "rmg.core.registry",
    "RegistryError": "rmg.core.registry",
    "UnknownReward": "rmg.core.registry",
    "parse_spec": "rmg.core.spec",
    "SpecError": "rmg.core.spec",
    # running
    "Runner": "rmg.core.runner",
    "evaluate": "rmg.core.runner",
    "aevaluate": "rmg.core.runner",
    "best_of_n": "rmg.core.selection",
    "rank": "rmg.core.selection",
    "score_group": "rmg.core.selection",
    "FieldMap": "rmg.core.rows",
    "row_to_sample": "rmg.core.rows",
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


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from rmg.core.chat import ChatError, ChatModel, ChatResponse, ChatTimeout, Usage
    from rmg.core.plugins import PluginHost, get_host
    from rmg.core.registry import RegistryError, UnknownReward, create_reward, get_reward_class, list_rewards
    from rmg.core.reward import InvalidInput, Kind, Mode, Reward, reward
    from rmg.core.rows import FieldMap, row_to_sample
    from rmg.core.runner import Runner, aevaluate, evaluate
    from rmg.core.schema import (
        BestOfN,
        Candidate,
        Dimension,
        Message,
        RewardResult,
        RewardStatus,
        Sample,
        ScoredSample,
        Step,
    )
    from rmg.core.selection import best_of_n, rank, score_group
    from rmg.core.spec import SpecError, parse_spec
    from rmg.judges import JudgeDefinition, JudgeDefinitionError, JudgeReward, judge_class
    from rmg.llm import create_chat_model
