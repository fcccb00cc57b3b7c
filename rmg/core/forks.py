"""Which fork of a process this is: a count bumped in every forked child.

Pools (their threads, pipes and workers) belong to the process that started them, so a forked
child must start its own. Comparing this count is an integer read; `os.getpid()` on every sample
would be a system call.
"""

from __future__ import annotations

import os

__all__ = ["fork_generation"]

_generation = [0]


def _bump() -> None:
    _generation[0] += 1


os.register_at_fork(after_in_child=_bump)


def fork_generation() -> int:
    """0 in the process that imported rmg, one more in each fork below it."""
    return _generation[0]
