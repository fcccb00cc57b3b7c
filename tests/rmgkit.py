"""Names the host's tests share. Tests import them from here, never from `conftest`: with several
conftest.py files in tests/ (tests/server has one), `import conftest` finds whichever loaded last."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_PLUGINS = Path(__file__).parent / "fixtures" / "plugins"
RMG = [sys.executable, "-m", "rmg"]
RunRmg = Callable[..., subprocess.CompletedProcess]  # the `run_rmg` fixture: run `rmg ARGS...`
