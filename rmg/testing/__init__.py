"""Test helpers for rmg and its plugins.

- `RewardPluginTests`: subclass it in a plugin's tests to check the plugin for real.
- `ScriptedLLMServer`, `Reply`, `Faults`: an OpenAI-compatible chat server on 127.0.0.1 with
  scripted replies and injectable faults, for testing model rewards with the real `openai` client.
- `python -m rmg.testing.server`: that server from the shell (`--judge` answers judge questions),
  for trying judges offline; `judge_responder` is its scripted judge.
- `perturb_words`: a noisy copy of a text, for testing and benchmarking similarity rewards.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Faults", "Reply", "RewardPluginTests", "ScriptedLLMServer", "judge_responder", "perturb_words"]

_EXPORTS = {
    "RewardPluginTests": "plugin_tests",
    "ScriptedLLMServer": "llm_server",
    "Reply": "llm_server",
    "Faults": "llm_server",
    "perturb_words": "text",
    "judge_responder": "server",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rmg.testing' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
