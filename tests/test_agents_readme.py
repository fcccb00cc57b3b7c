"""Every code block of the README's agents section runs as written, against the scripted
OpenAI-compatible server given as the configured endpoint (RMG_BASE_URL / RMG_MODEL)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("langgraph", reason="needs the agents extra: pip install 'rmg[agents]' (make test installs it)")

from rmg.testing import ScriptedLLMServer

ROOT = Path(__file__).resolve().parents[1]


def section_blocks() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text()
    section = text.split("<!-- agents:begin")[1].split("<!-- agents:end -->")[0]
    return re.findall(r"```(bash|python)\n(.*?)```", section, re.DOTALL)


def responder(request: dict[str, Any]) -> str:
    """Refine: right once told the reference (or told to try again on "What is A * B?"). Induce: the preferred answers name a source; the
    judge follows that rule only when its principles state it (a coin flip otherwise)."""
    text = request["messages"][-1]["content"]
    coin = int(hashlib.sha256(text.encode()).hexdigest(), 16)
    if "State ONE general principle" in text:
        return ["The better response names the source of its facts.", "Prefer answers citing a source.", "Be polite."][
            coin % 3
        ]
    if "[Response A]" in text:
        shown_a = re.search(r"\[Response A\]\n(.*?)\n\[End of response A\]", text, re.DOTALL).group(1)
        if "source" in text.split("[Conversation]")[0].lower():
            choice = "A" if "(source:" in shown_a else "B"
        else:
            choice = "AB"[coin % 2]
        return json.dumps({"critique": "compared", "choice": choice})
    told = re.findall(r"does not match the reference '([^']+)'", json.dumps(request["messages"]))
    if told:
        return f"The answer is {told[-1]}."
    question = re.search(r"What is (\d+) \* (\d+)\?", request["messages"][0]["content"])
    if "Feedback on your last answer" in text and question:  # told only that it failed: works it out
        return f"The answer is {int(question.group(1)) * int(question.group(2))}."
    return "I am not sure."


@pytest.fixture
def endpoint(tmp_path: Path) -> Any:
    with ScriptedLLMServer(responder) as server:
        env = {
            **os.environ,
            "RMG_BASE_URL": server.base_url,
            "RMG_MODEL": "scripted",
            "RMG_CACHE_DIR": str(tmp_path / "cache"),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "COLUMNS": "200",
        }
        (tmp_path / "examples").symlink_to(ROOT / "examples")
        yield server, env


def test_the_readme_agents_section_has_the_blocks_this_test_runs() -> None:
    kinds = [kind for kind, _ in section_blocks()]
    assert kinds == ["bash", "bash", "python", "python", "python"]


def test_readme_refine_commands_run_as_written(endpoint: Any, tmp_path: Path) -> None:
    server, env = endpoint
    block = section_blocks()[0][1]
    for line in [x.split("#")[0].strip() for x in block.splitlines()]:
        if line:
            proc = subprocess.run(
                line, check=False, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
            )
            assert proc.returncode == 0, f"{line}\n{proc.stdout}\n{proc.stderr}"
    out = [json.loads(x) for x in (tmp_path / "refined.jsonl").read_text().splitlines()]
    assert all(r["refine"]["status"] == "passed" for r in out) and server.counts["requests"] == 3


def test_readme_induce_commands_run_as_written(endpoint: Any, tmp_path: Path) -> None:
    _, env = endpoint
    for line in section_blocks()[1][1].strip().splitlines():
        proc = subprocess.run(
            line, check=False, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
        )
        assert proc.returncode == 0, f"{line}\n{proc.stdout}\n{proc.stderr}"
    report = json.loads((tmp_path / "judge.yaml.report.json").read_text())
    assert report["improved"] and report["final"]["accuracy"] > report["baseline"]["accuracy"]
    judged = [json.loads(x) for x in (tmp_path / "judged.jsonl").read_text().splitlines()]
    assert len(judged) == 24 and sum(r["reward"][0]["score"] for r in judged) / 24 >= 0.9


@pytest.mark.parametrize("index", [2, 3, 4])
def test_readme_python_examples_run_as_written(endpoint: Any, tmp_path: Path, index: int) -> None:
    _, env = endpoint
    code = section_blocks()[index][1]
    proc = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    expected = {
        2: ["round 0: score 0.0", "round 1: score 1.0", "The answer is 391. 1.0 passed"],
        3: ["The answer is 42. 1.0"],
        4: ['"score": 1.0'],
    }[index]
    for piece in expected:
        assert piece in proc.stdout, proc.stdout
