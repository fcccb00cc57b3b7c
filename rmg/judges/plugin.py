"""The judges as a default plugin: the host is given this module (`PluginHost(builtins=...)`) and
loads it like any installed plugin, so `rmg plugins` lists it and nothing in `rmg.core` names it."""

from __future__ import annotations

from collections.abc import Callable

from rmg.core.hookspecs import hookimpl

from .judge import JudgeReward

__all__ = ["register_rewards"]


@hookimpl
def register_rewards(register: Callable[..., None]) -> None:
    register(JudgeReward)
