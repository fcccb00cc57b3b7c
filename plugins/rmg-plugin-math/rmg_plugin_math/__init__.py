"""rmg-plugin-math: `math.accuracy` (final-answer equivalence) and `math.verify_steps` (per step).

Modules: `extract` finds the final answer, `normalize` is the fast path (strings and exact
rationals), `symbolic` is the bounded Math-Verify back end, `equivalence` chains them,
`accuracy` and `steps` are the rewards, `arith` safely evaluates the arithmetic of a step.
"""

from __future__ import annotations

from typing import Any

import rmg

from .accuracy import MathAccuracy
from .steps import MathVerifySteps

__all__ = ["MathAccuracy", "MathVerifySteps", "register_rewards"]


@rmg.hookimpl
def register_rewards(register: Any) -> None:
    register(MathAccuracy)
    register(MathVerifySteps)
