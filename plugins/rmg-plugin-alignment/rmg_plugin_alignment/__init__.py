"""rmg-plugin-alignment: LLM judges for helpfulness, harmlessness, honesty and 17 task scenarios.

Every judge is a `JudgeDefinition` (scenario + principles, see `definitions.py`) registered with
`register_judges`, and a reward of the same name (`alignment.<scenario>`) built from it with
`judge_class`, registered with `register_rewards`. Each reward is the host's `judge` with these
defaults, so it has the same parameters: `mode` (pointwise by default; pairwise or listwise),
`model`, `base_url`, `scale_min` / `scale_max`, `swap`, `template`, ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rmg
from rmg import JudgeDefinition, judge_class

from .definitions import JUDGES

__all__ = ["DEFINITIONS", "REWARDS"]

DEFINITIONS: list[JudgeDefinition] = [
    JudgeDefinition(
        name=f"alignment.{key}",
        description=spec["scenario"],
        scenario=spec["scenario"],
        principles=spec["principles"],
        example=spec["example"],
    )
    for key, spec in JUDGES.items()
]

REWARDS: list[type[rmg.Reward]] = []
for _definition in DEFINITIONS:
    _cls = judge_class(_definition, module=__name__)
    globals()[_cls.__name__] = _cls  # module-level, so the class pickles by name
    REWARDS.append(_cls)
__all__ += [cls.__name__ for cls in REWARDS]


@rmg.hookimpl
def register_judges(register: Callable[..., Any]) -> None:
    for definition in DEFINITIONS:
        register(definition)


@rmg.hookimpl
def register_rewards(register: Callable[..., Any]) -> None:
    for cls in REWARDS:
        register(cls)
