"""The shared real data (`../shared/data` beside a checkout), for plugin and host tests.

`shared_data_dir()` finds it from `RMG_SHARED_DATA`, else by walking up from the current
directory; the `data_dir` pytest fixture skips the test, with where it looked, when it is absent
(a plugin tested outside this repository has no such folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

__all__ = ["data_dir", "shared_data_dir"]


def shared_data_dir(start: Path | None = None) -> Path | None:
    """The `shared/data` folder beside an ancestor of `start` (default: the working directory)."""
    env = os.environ.get("RMG_SHARED_DATA")
    if env:
        return Path(env) if Path(env).is_dir() else None
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return None


@pytest.fixture(scope="session")
def data_dir(request: pytest.FixtureRequest) -> Path:
    """The shared data folder; the test is skipped when there is none."""
    found = shared_data_dir(Path(str(request.config.rootpath)))
    if found is None:
        pytest.skip("no shared data: set RMG_SHARED_DATA or keep ../shared/data beside the checkout")
    return found
