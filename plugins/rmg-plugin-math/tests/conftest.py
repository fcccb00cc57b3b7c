"""Shared paths for the math plugin's tests: the shared real data comes from rmg.testing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from rmg.testing.data import data_dir

__all__ = ["data_dir", "math_data"]

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # for answer_forms


@pytest.fixture(scope="session")
def math_data(data_dir: Path) -> Path:
    return data_dir / "math"
