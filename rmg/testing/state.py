"""Process-wide state that tests change, and a way to put it back (tests then pass in any order)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rmg.core.plugins import reset_host
from rmg.core.reward import decorated_rewards, restore_decorated

__all__ = ["preserved_state"]


@contextmanager
def preserved_state() -> Iterator[None]:
    """Restore `sys.path` and the `@rmg.reward` definitions after the block; when either changed,
    the process-wide plugin host is dropped too, so the next lookup sees the restored state."""
    path, rewards = list(sys.path), decorated_rewards()
    try:
        yield
    finally:
        changed = sys.path != path or decorated_rewards() != rewards
        sys.path[:] = path
        restore_decorated(rewards)
        if changed:
            reset_host(None)
