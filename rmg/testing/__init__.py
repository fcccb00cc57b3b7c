"""Test helpers for rmg and its plugins.

- `RewardPluginTests`: subclass it in a plugin's tests to check the plugin for real.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RewardPluginTests"]


def __getattr__(name: str) -> Any:
    if name == "RewardPluginTests":
        from .plugin_tests import RewardPluginTests

        return RewardPluginTests
    raise AttributeError(f"module 'rmg.testing' has no attribute {name!r}")
