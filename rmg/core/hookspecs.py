"""The plugin hooks. Every hook receives a `register` callable; the host owns the collection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("rmg")
hookimpl = pluggy.HookimplMarker("rmg")


@hookspec
def register_rewards(register: Callable[..., None]) -> None:
    """Register reward classes: `register(MyReward)` (a `Reward` subclass or an `@rmg.reward`)."""


@hookspec
def register_judges(register: Callable[..., None]) -> None:
    """Register judge definitions (scenario, principles, templates): `register(definition)`."""


@hookspec
def register_models(register: Callable[..., None]) -> None:
    """Register chat-model backends: `register("name", factory)`."""


@hookspec
def register_benchmarks(register: Callable[..., None]) -> None:
    """Register benchmark dataset loaders: `register("name", loader)`."""


@hookspec
def register_commands(cli: Any) -> None:
    """Add click commands to the `rmg` command group: `cli.add_command(cmd)`."""
