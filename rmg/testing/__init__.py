"""Test helpers for rmg and its plugins.

- `RewardPluginTests`: subclass it in a plugin's tests to check the plugin for real.
- `ScriptedLLMServer`, `Reply`, `Faults`: an OpenAI-compatible chat server on 127.0.0.1 with
  scripted replies and injectable faults, for testing model rewards with the real `openai` client.
- `python -m rmg.testing.server`: that server from the shell (`--judge` answers judge questions),
  for trying judges offline; `judge_responder` is its scripted judge.
- `perturb_words`: a noisy copy of a text, for testing and benchmarking similarity rewards.
- `data_dir` (a pytest fixture) and `shared_data_dir()`: the shared real data beside a checkout.
- `preserved_state()`: puts back `sys.path` and `@rmg.reward` definitions after a test.
"""

from __future__ import annotations

from rmg.core.lazy import lazy_exports

__all__ = [
    "Faults",
    "Reply",
    "RewardPluginTests",
    "ScriptedLLMServer",
    "data_dir",
    "judge_responder",
    "perturb_words",
    "preserved_state",
    "shared_data_dir",
]

_EXPORTS = {
    "RewardPluginTests": ".plugin_tests",
    "ScriptedLLMServer": ".llm_server",
    "Reply": ".llm_server",
    "Faults": ".llm_server",
    "perturb_words": ".text",
    "data_dir": ".data",
    "shared_data_dir": ".data",
    "preserved_state": ".state",
    "judge_responder": ".server",
}


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
