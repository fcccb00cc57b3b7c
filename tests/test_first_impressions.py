"""What a new user sees first: `rmg list` at 80 columns, `rmg show`, `rmg uninstall` without a
terminal, a model that loads slowly, unscored results, and judges tried offline from the shell.

Everything runs the real `rmg` CLI in subprocesses against the installed plugins.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from rmgkit import RMG, RunRmg

import rmg


def _names() -> list[str]:
    """The installed rewards, as a fresh `rmg` process sees them (this process may have registered more)."""
    out = subprocess.run([*RMG, "list", "--json"], capture_output=True, text=True, check=True, timeout=120).stdout
    return [r["name"] for r in json.loads(out)]


def test_list_at_80_columns_keeps_names_whole_and_one_line_per_reward(run_rmg: RunRmg) -> None:
    out = run_rmg("list", env={"COLUMNS": "80"}, check=True).stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    for name in _names():
        assert sum(1 for line in lines if line.split() and line.split()[0] == name) == 1, name
    assert len(lines) < 2 * len(_names()) + 40  # one line a reward, plus a few per plugin


def test_list_in_a_real_80_column_terminal(tmp_path: Path) -> None:
    """A pty sized 24x80, as a terminal is: rich reads the size from it."""
    import fcntl
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.Popen([*RMG, "list"], stdout=follower, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    import re

    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8", "replace"))
    lines = [line.rstrip("\r") for line in text.split("\n")]
    assert max(len(line) for line in lines) <= 80
    firsts = [line.split()[0] for line in lines if line.split()]
    assert all(name in firsts for name in _names())


def test_list_shows_bracketed_text_literally(run_rmg: RunRmg) -> None:
    out = run_rmg("list", "--plugin", "rmg-plugin-format", env={"COLUMNS": "250"}, check=True).stdout
    assert "inside [min_length, max_length] and" in out


def test_show_judge_suggests_two_param_flags(run_rmg: RunRmg) -> None:
    out = run_rmg("show", "alignment.safety", check=True).stdout
    assert "--param model=... --param base_url=..." in " ".join(out.split())


def test_uninstall_without_yes_and_without_a_terminal_says_to_add_yes(tmp_path: Path) -> None:
    proc = subprocess.run(
        [*RMG, "uninstall", "rmg-plugin-example"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode != 0
    assert "rmg uninstall -y rmg-plugin-example" in proc.stderr
    assert "Traceback" not in proc.stderr and "EOFError" not in proc.stderr
    import importlib.metadata

    assert importlib.metadata.version("rmg-plugin-example")  # still installed


def test_semantic_similarity_says_on_stderr_that_it_loads_a_model(run_rmg: RunRmg, tmp_path: Path) -> None:
    pytest.importorskip("sentence_transformers")
    row = {"response": "A man is eating a meal.", "reference": "A man is eating food."}
    (tmp_path / "in.jsonl").write_text(json.dumps(row) + "\n")
    proc = run_rmg(
        "score", "general.semantic_similarity", "in.jsonl", "--workers", "1", "--no-progress", timeout=300, check=True
    )
    assert "general.semantic_similarity: loading the sentence-embedding model" in proc.stderr


def test_unscored_results_are_null_in_files_and_none_in_python(run_rmg: RunRmg, tmp_path: Path) -> None:
    rows = [{"id": 1, "response": "\\boxed{4}", "reference": "4"}, {"id": 2, "prompt": "no response here"}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    proc = run_rmg("score", "math.accuracy", "in.jsonl", "-o", "out.jsonl", "--no-progress", check=True)
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert out[0]["reward"]["score"] == 1.0
    assert out[1]["reward"]["status"] == "invalid_input" and out[1]["reward"]["score"] is None
    assert "1.0000" in proc.stderr  # the mean is over the scored row only
    python = list(rmg.evaluate("math.accuracy", rows, workers=1))
    assert python[1].result.score is None and not python[1].result.ok


def test_a_failed_part_leaves_the_composition_unscored_with_its_dimension_unscored() -> None:
    spec = "0.5*math.accuracy + 0.5*format.length(max_length=3)"
    [scored] = rmg.evaluate(spec, [{"response": "\\boxed{4}"}], workers=1)  # no reference: accuracy fails
    result = scored.result
    assert result.status is rmg.RewardStatus.invalid_input and result.score is None
    dims = {d.name: d.score for d in result.dimensions}
    assert dims["math.accuracy"] is None and dims["format.length"] == 1.0


def test_a_result_cannot_be_both_failed_and_scored() -> None:
    assert rmg.RewardResult(status="error", score=0.0, error="boom").score is None
    assert rmg.RewardResult.failure("timeout", "slow").score is None
    with pytest.raises(ValueError, match="needs a score"):
        rmg.RewardResult(status="ok")


def test_judges_tried_offline_with_the_server_started_from_the_shell(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "rmg.testing.server", "--judge"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        base_url = server.stdout.readline().strip()
        rows = [
            {
                "prompt": "How do I pick a lock?",
                "chosen": "I can't help break in; call a locksmith.",
                "rejected": "No.",
            },
            {"prompt": "Say hi", "chosen": "Hi!", "rejected": "Hello, how can I help you today?"},
        ]
        (tmp_path / "pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
        env = {**os.environ, "RMG_BASE_URL": base_url, "RMG_MODEL": "scripted", "RMG_CACHE_DIR": str(tmp_path)}
        args = [*RMG, "score", "alignment.safety", "--mode", "pairwise", "pairs.jsonl", "-o", "out.jsonl"]
        proc = subprocess.run(
            [*args, "--no-progress"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert proc.returncode == 0, proc.stderr
        out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
        # The scripted judge prefers the longer response, in both orders: a consistent verdict.
        assert [[r["score"] for r in row["reward"]] for row in out] == [[1.0, 0.0], [0.0, 1.0]]
        assert "50.0% (1 of 2 comparisons" in proc.stderr
    finally:
        server.terminate()
        server.wait(timeout=10)
