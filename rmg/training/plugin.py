"""The training package's rewards as a default plugin (declared in `rmg/__init__.py`): the GenRM graders."""

from __future__ import annotations

from collections.abc import Callable

from rmg.core.hookspecs import hookimpl

__all__ = ["register_rewards"]


@hookimpl
def register_rewards(register: Callable[..., None]) -> None:
    from .genrm import PairwiseVerdict, PointwiseVerdict

    register(PairwiseVerdict)
    register(PointwiseVerdict)
