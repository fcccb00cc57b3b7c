"""Shared helpers: the real data folder (beside the repository) and a sandbox-process census."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest

from rmg.testing.data import data_dir

__all__ = ["data_dir", "sandbox_processes"]


def sandbox_processes() -> list[int]:
    """Pids of live processes running as a sandbox uid (1000000 + pid)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                for line in f:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) >= 1_000_000:
                            pids.append(int(entry))
                        break
        except OSError:
            continue
    return pids


@pytest.fixture(scope="session")
def humaneval(data_dir: Path) -> list[dict[str, Any]]:
    path = data_dir / "code" / "HumanEval.jsonl.gz"
    if not path.exists():
        pytest.fail(f"missing shared data: {path}")
    with gzip.open(path, "rt") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="session")
def mbpp(data_dir: Path) -> list[dict[str, Any]]:
    path = data_dir / "code" / "sanitized-mbpp.json"
    if not path.exists():
        pytest.fail(f"missing shared data: {path}")
    return json.loads(path.read_text())
