"""The plugin host: finds plugins through entry points (group `rmg`) and collects what they register.

Loading is lazy (on first use) and happens once per process. A plugin that fails to import, or
whose hook raises, is recorded with its error and skipped: the host keeps working without it.
`RMG_LOAD_PLUGINS` (comma-separated distribution names; empty = none) restricts what is loaded.

Default plugins (rmg's own judges) are given to the host as module names, `PluginHost(builtins=
{"rmg.judges": "rmg.judges.plugin"})`, and loaded and reported like installed ones; the process-wide
host takes the defaults declared with `set_default_plugins` (the `rmg` package declares its own), so
nothing here names a module above core.
"""

from __future__ import annotations

import importlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pluggy

from . import hookspecs
from .errors import exception_summary

__all__ = ["PluginHost", "PluginInfo", "Registration", "get_host", "reset_host", "set_default_plugins"]

ENTRY_POINT_GROUP = "rmg"
COLLECTIONS = ("rewards", "judges", "models", "benchmarks")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class PluginInfo:
    """What `rmg plugins` shows for one plugin."""

    name: str
    version: str = ""
    module: str = ""
    hooks: list[str] = field(default_factory=list)
    registered: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    builtin: bool = False  # a default plugin that comes with rmg

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Registration:
    """One registered object (a reward class, a judge, a model factory) and who registered it."""

    name: str
    obj: Any
    plugin: str
    also: list[str] = field(default_factory=list)  # other plugins that claimed the same name


class PluginHost:
    """Owns the pluggy manager and the collections plugins register into."""

    def __init__(
        self,
        *,
        entry_points: bool = True,
        allow: Iterable[str] | None = None,
        builtins: Mapping[str, str] | None = None,
    ) -> None:
        """`builtins`: default plugins, plugin name -> module name (None: those of `set_default_plugins`)."""
        self._use_entry_points = entry_points
        self._builtins = dict(_default_plugins if builtins is None else builtins)
        self._allow = None if allow is None else {_normalise(a) for a in allow}
        self._lock = threading.RLock()
        self._loaded = False
        self.pm = pluggy.PluginManager("rmg")
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = {}
        self.collections: dict[str, dict[str, Registration]] = {c: {} for c in COLLECTIONS}

    # -- loading ---------------------------------------------------------------------------------
    def load(self) -> PluginHost:
        with self._lock:
            if not self._loaded:
                self._loaded = True
                self._load_builtins()
                if self._use_entry_points:
                    self._load_entry_points()
        return self

    def _allowed(self, dist_name: str) -> bool:
        allow = self._allow
        if allow is None:
            env = os.environ.get("RMG_LOAD_PLUGINS")
            if env is None:
                return True
            allow = {_normalise(a) for a in env.split(",") if a.strip()}
        return _normalise(dist_name) in allow

    def _load_builtins(self) -> None:
        """Default plugins, loaded first and reported like installed ones (version: rmg's)."""
        for name, module_name in self._builtins.items():
            info = self.plugins.setdefault(name, PluginInfo(name, _version("rmg"), module_name, builtin=True))
            try:
                module = importlib.import_module(module_name)
            except Exception as exc:
                info.errors.append(f"import of {module_name} failed: {exception_summary(exc)}")
                continue
            self.add_plugin(module, name, info=info)

    def _load_entry_points(self) -> None:
        import importlib.metadata  # on first load, not at `import rmg`

        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            dist = getattr(ep, "dist", None)
            dist_name = dist.name if dist is not None else ep.name
            if not self._allowed(dist_name):
                continue
            info = self.plugins.setdefault(
                dist_name, PluginInfo(dist_name, dist.version if dist is not None else "", ep.value)
            )
            try:
                module = ep.load()
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt):
                    raise
                info.errors.append(f"import of {ep.value} failed: {exception_summary(exc)}")
                self._forget_half_imported(ep.value.split(":")[0].strip(), info)
                continue
            self.add_plugin(module, dist_name, info=info)

    @staticmethod
    def _forget_half_imported(module: str, info: PluginInfo) -> None:
        """A module whose import failed registers nothing, even rewards it decorated before failing."""
        from .reward import forget_decorated  # pydantic: only when a plugin is broken

        dropped = forget_decorated(module)
        if dropped:
            info.errors.append(f"not registered, as the import failed: {', '.join(sorted(dropped))}")

    def add_plugin(self, plugin: Any, name: str, *, info: PluginInfo | None = None) -> PluginInfo:
        """Register a plugin object (a module or any object with hook implementations).

        This is how entry points are loaded, and the public seam for tests and embedding apps.
        """
        with self._lock:
            info = info or self.plugins.setdefault(name, PluginInfo(name, module=getattr(plugin, "__name__", "")))
            try:
                self.pm.register(plugin, name=name)
            except Exception as exc:
                info.errors.append(f"invalid plugin: {exception_summary(exc)}")
                return info
            for impl_hook in ("register_rewards", "register_judges", "register_models", "register_benchmarks"):
                hook = getattr(self.pm.hook, impl_hook)
                for impl in hook.get_hookimpls():
                    if impl.plugin_name != name:
                        continue
                    info.hooks.append(impl_hook)
                    collection = impl_hook.removeprefix("register_")
                    try:
                        impl.function(register=self._registrar(collection, info))
                    except Exception as exc:
                        info.errors.append(f"{impl_hook} raised {exception_summary(exc)}")
            if self._has_impl("register_commands", name):
                info.hooks.append("register_commands")
            return info

    def _has_impl(self, hook_name: str, plugin_name: str) -> bool:
        return any(i.plugin_name == plugin_name for i in getattr(self.pm.hook, hook_name).get_hookimpls())

    def _registrar(self, collection: str, info: PluginInfo) -> Callable[..., None]:
        def register(*args: Any) -> None:
            if len(args) == 1:
                obj = args[0]
                name = getattr(obj, "name", None)
            elif len(args) == 2:
                name, obj = args
            else:
                raise TypeError("register(obj) or register(name, obj)")
            if not name or not isinstance(name, str):
                raise TypeError(f"cannot register {obj!r} in {collection}: it has no name")
            self._add(collection, name, obj, info)

        return register

    def _add(self, collection: str, name: str, obj: Any, info: PluginInfo) -> None:
        registry = self.collections[collection]
        existing = registry.get(name)
        if existing is not None and existing.obj is not obj:
            existing.also.append(info.name)
            message = f"{collection[:-1]} {name!r} is also registered by plugin {existing.plugin!r}"
            info.errors.append(message)
            return
        registry[name] = Registration(name, obj, info.name)
        info.registered.setdefault(collection, []).append(name)

    def add_commands(self, cli: Any) -> list[str]:
        """Let plugins add CLI commands; returns the errors of those that failed."""
        self.load()
        errors = []
        for impl in self.pm.hook.register_commands.get_hookimpls():
            try:
                impl.function(cli=cli)
            except Exception as exc:
                message = f"register_commands raised {exception_summary(exc)}"
                errors.append(f"{impl.plugin_name}: {message}")
                self.plugins.setdefault(impl.plugin_name, PluginInfo(impl.plugin_name)).errors.append(message)
        return errors

    # -- lookups ---------------------------------------------------------------------------------
    def get(self, collection: str, name: str) -> Registration | None:
        return self.load().collections[collection].get(name)

    def names(self, collection: str) -> list[str]:
        return sorted(self.load().collections[collection])


def _version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return ""


_host: PluginHost | None = None
_host_lock = threading.Lock()
_default_plugins: dict[str, str] = {}


def set_default_plugins(plugins: Mapping[str, str]) -> None:
    """Declare the default plugins (name -> module) that hosts made without `builtins=` load."""
    _default_plugins.clear()
    _default_plugins.update(plugins)


def get_host() -> PluginHost:
    """The process-wide host, loaded on first use."""
    global _host
    with _host_lock:
        if _host is None:
            _host = PluginHost()
    return _host.load()


def reset_host(host: PluginHost | None = None) -> None:
    """Replace the process-wide host (tests, or apps that manage plugins themselves)."""
    global _host
    with _host_lock:
        _host = host
