"""Shared paths for the math plugin's tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
# The repo root is plugins/rmg-plugin-math/tests/../../..; shared data sits beside the repo.
DATA = HERE.parents[2].parent / "shared" / "data" / "math"
sys.path.insert(0, str(HERE))  # for answer_forms


@pytest.fixture(scope="session")
def math_data() -> Path:
    if not DATA.is_dir():
        pytest.fail(f"shared data not found at {DATA} (clone the repo with shared/ beside it)")
    return DATA
