"""Reward names -> reward classes, across plugins and rewards decorated in this process."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .plugins import PluginHost, get_host
from .reward import Reward, decorated_rewards

__all__ = ["RegistryError", "RewardInfo", "UnknownReward", "create_reward", "get_reward_class", "list_rewards"]

LOCAL = "(local)"


class RegistryError(ValueError):
    """A reward name or its parameters cannot be resolved."""


class UnknownReward(RegistryError, KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


@dataclass(frozen=True)
class RewardInfo:
    name: str
    mode: str
    kind: str
    plugin: str
    description: str
    cls: type[Reward]


@dataclass(frozen=True)
class _Entry:
    cls: type[Reward]
    plugin: str
    also: tuple[str, ...]  # others that claim the same name


def _entries(host: PluginHost) -> dict[str, _Entry]:
    """Every reward by name; built afresh on each call, so a lookup never changes a registration."""
    found = {
        name: _Entry(reg.obj, reg.plugin, tuple(reg.also)) for name, reg in host.load().collections["rewards"].items()
    }
    for cls in decorated_rewards():
        entry = found.get(cls.name)
        if entry is None:
            found[cls.name] = _Entry(cls, LOCAL, ())
        elif entry.cls is not cls:
            found[cls.name] = _Entry(
                entry.cls, entry.plugin, (*entry.also, f"{LOCAL} {cls.__module__}.{cls.__qualname__}")
            )
    return found


def list_rewards(host: PluginHost | None = None) -> list[RewardInfo]:
    entries = _entries(host or get_host())
    return [
        RewardInfo(name, e.cls.mode.value, e.cls.kind.value, e.plugin, e.cls.summary(), e.cls)
        for name, e in sorted(entries.items())
    ]


def get_reward_class(name: str, host: PluginHost | None = None) -> type[Reward]:
    entries = _entries(host or get_host())
    if name not in entries:
        close = difflib.get_close_matches(name, list(entries), n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        known = "" if close else f" (known: {', '.join(sorted(entries)) or 'none — no plugin is installed'})"
        raise UnknownReward(f"unknown reward {name!r}{hint}{known}")
    entry = entries[name]
    if entry.also:
        raise RegistryError(
            f"reward {name!r} is registered by both plugin {entry.plugin!r} and {' and '.join(map(repr, entry.also))}; "
            "uninstall one, or restrict loading with RMG_LOAD_PLUGINS"
        )
    return entry.cls


def create_reward(name: str, params: dict[str, Any] | None = None, host: PluginHost | None = None) -> Reward:
    """Instantiate a reward by name, validating its parameters with a message that names them."""
    cls = get_reward_class(name, host)
    try:
        return cls(**(params or {}))
    except ValidationError as exc:
        known = ", ".join(cls.parameter_names()) or "none"
        problems = "; ".join(f"{'.'.join(str(x) for x in e['loc']) or '?'}: {e['msg']}" for e in exc.errors())
        raise RegistryError(f"reward {name!r}: bad parameters ({problems}); its parameters are: {known}") from None
