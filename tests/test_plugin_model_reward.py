"""A plugin with a rule reward and an `async` model reward, as a new user writes one from the README.

Built and pip-installed for real; its README-style `RewardPluginTests` class runs in a pytest
subprocess, and its model reward scores through the real `openai` client against the scripted
server started from the shell (`python -m rmg.testing.server`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PLUGIN = '''
import functools

import rmg


@rmg.reward("mine.contains", example={"response": "Red.", "reference": "red"})
def contains(response: str, reference: str, *, ignore_case: bool = True) -> float:
    """1.0 if the response contains the reference."""
    if ignore_case:
        response, reference = response.lower(), reference.lower()
    return float(reference in response)


@functools.cache
def _model() -> rmg.ChatModel:
    # One client per process, built on first use (rewards travel to worker processes by pickle).
    return rmg.create_chat_model()  # RMG_MODEL / RMG_BASE_URL, or model=... and base_url=...


@rmg.reward("mine.polite", example={"prompt": "Say hi.", "response": "Hello there!"})
async def polite(prompt: str, response: str) -> float:
    """1.0 if the model answers that the response is polite."""
    question = f"Is this reply to {prompt!r} polite? Answer yes or no.\\n\\n{response}"
    reply = await _model().chat([{"role": "user", "content": question}], max_tokens=5)
    return float(reply.content.strip().lower().startswith("yes"))


@rmg.hookimpl
def register_rewards(register):
    register(contains)
    register(polite)
'''

PYPROJECT = """
[build-system]
requires = ["setuptools>=70"]
build-backend = "setuptools.build_meta"

[project]
name = "rmg-plugin-mine"
version = "0.1.0"
dependencies = ["rmg"]

[project.entry-points.rmg]
mine = "rmg_plugin_mine"
"""

README_TEST_CLASS = """
from rmg.testing import RewardPluginTests

class TestMine(RewardPluginTests):
    distribution = "rmg-plugin-mine"
    rewards = ["mine.contains"]
    cases = {"mine.contains": [({"response": "RED", "reference": "red"}, 1.0)]}
"""


@pytest.fixture(scope="module")
def mine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    (src / "rmg_plugin_mine").mkdir()
    (src / "rmg_plugin_mine" / "__init__.py").write_text(textwrap.dedent(PLUGIN))
    (src / "pyproject.toml").write_text(PYPROJECT)
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(src),
        ],
        check=True,
    )
    return target


def _env(mine: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("RMG_BASE_URL", "RMG_MODEL", "OPENAI_BASE_URL")}
    return {**env, "PYTHONPATH": str(mine), **extra}


def test_a_model_reward_not_in_rewards_does_not_break_the_readme_test_class(mine: Path, tmp_path: Path) -> None:
    """No endpoint is configured, so checking `mine.polite` would fail: only `rewards` are checked."""
    (tmp_path / "test_mine.py").write_text(README_TEST_CLASS)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_mine.py"],
        cwd=tmp_path,
        env=_env(mine),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout


def test_an_async_model_reward_scores_against_the_server_started_from_the_shell(mine: Path, tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "rmg.testing.server", "--reply", "Yes, it is polite."],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base_url = server.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        (tmp_path / "in.jsonl").write_text(json.dumps({"prompt": "Say hi.", "response": "Hello!"}) + "\n")
        proc = subprocess.run(
            [sys.executable, "-m", "rmg", "score", "mine.polite", "in.jsonl", "-o", "out.jsonl", "--no-progress"],
            cwd=tmp_path,
            env=_env(mine, RMG_BASE_URL=base_url, RMG_MODEL="scripted", RMG_CACHE_DIR=str(tmp_path / "cache")),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        row = json.loads((tmp_path / "out.jsonl").read_text())
        assert row["reward"]["status"] == "ok" and row["reward"]["score"] == 1.0
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert server.returncode == 0, "the server stops cleanly on SIGTERM"
    assert "export RMG_BASE_URL=" in server.stderr.read()
