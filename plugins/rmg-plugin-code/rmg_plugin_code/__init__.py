"""rmg-plugin-code: rewards for code — run it against tests in a sandbox, check its syntax and
style, and compare patches.

| reward                  | what it scores                                                   |
|-------------------------|------------------------------------------------------------------|
| code.execution          | fraction of tests passed (asserts, stdin/stdout, function calls)  |
| code.syntax             | 1 if the code parses                                             |
| code.style              | ruff lint issues -> 1 - issues / max_issues                      |
| code.patch_similarity   | changed-line LCS similarity of a unified diff to the reference   |
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rmg

from .execution import CodeExecution
from .patch import PatchSimilarity
from .static import CodeStyle, CodeSyntax

__all__ = ["CodeExecution", "CodeStyle", "CodeSyntax", "PatchSimilarity"]


@rmg.hookimpl
def register_rewards(register: Callable[..., Any]) -> None:
    for reward in (CodeExecution, CodeSyntax, CodeStyle, PatchSimilarity):
        register(reward)
