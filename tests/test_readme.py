"""Every code block of README.md is run: the sections about one package by that package's README
test (named below), every other block here, as written, in README order (see readme_blocks.py).

Only what a reader would have to change is changed: judges talk to the scripted server the block
itself starts, and the install block runs its `pip` in a fresh venv."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from readme_blocks import Block, commands, output_labels, parse_blocks, read_blocks

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BIN = Path(sys.executable).parent

# A delimited section -> (its end marker, the test that runs its blocks).
SECTIONS = {
    "<!-- section: training (issue 12) -->": ("<!-- /section: training -->", "tests/training/test_training_readme.py"),
    "<!-- agents:begin": ("<!-- agents:end -->", "tests/test_agents_readme.py"),
    "<!-- rmg bench: start -->": ("<!-- rmg bench: end -->", "tests/evaluation/test_bench_readme.py"),
    "<!-- section: server (issue 15) -->": ("<!-- end section: server -->", "tests/server/test_server_readme.py"),
}


def _outside_sections() -> list[Block]:
    """The README's blocks that no section test runs (sections blanked out, line numbers kept)."""
    text = README.read_text(encoding="utf-8")
    for begin, (end, _) in SECTIONS.items():
        start = text.index(begin)
        stop = text.index(end, start) + len(end)
        blanked = "\n" * text[start:stop].count("\n")
        text = text[:start] + blanked + text[stop:]
    return parse_blocks(text)


def test_each_readme_section_is_run_by_the_test_it_names() -> None:
    text = README.read_text(encoding="utf-8")
    for begin, (end, test) in SECTIONS.items():
        assert begin in text and end in text, f"README section {begin} is gone: update SECTIONS"
        source = (ROOT / test).read_text(encoding="utf-8")
        assert begin in source, f"{test} does not read its section {begin}"


def _env(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RMG_", "OPENAI_"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        RMG_CACHE_DIR=str(workdir / ".cache"),
        COLUMNS="200",
        PYTHONPATH=str(workdir),
    )
    return env


def _run(script: str, workdir: Path, env: dict[str, str], where: str, timeout: float = 900) -> str:
    proc = subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + script],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, (
        f"{where} failed:\n{script}\n--- stdout\n{proc.stdout[-3000:]}\n--- stderr\n{proc.stderr[-3000:]}"
    )
    return proc.stdout + proc.stderr


def _bash(block: Block, workdir: Path, env: dict[str, str], tmp: Path) -> str:
    """A bash block as written, with two stand-ins: `make` targets run in the checkout (and `make
    test` is this very suite, so it is only checked to be the target CI runs), and `pip` installs
    into a fresh venv, as a new machine would."""
    lines = []
    for command in commands(block):
        if command == "make test":
            assert "make test" in (ROOT / ".ci" / "run").read_text()
            continue
        if command.startswith("make "):
            command = f"make -C {ROOT} {command.removeprefix('make ')} BIN={BIN}"
        elif command.startswith("pip install"):
            venv = tmp / "fresh-venv"
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
            command = f"(cd {ROOT} && {venv}/bin/{command}) && {venv}/bin/rmg list --json > {workdir}/fresh-list.json"
        lines.append(command)
    return _run("\n".join(lines), workdir, env, block.where)


def _python(block: Block, workdir: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", block.text], cwd=workdir, env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, f"{block.where} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def test_every_readme_block_outside_the_sections_runs_as_written(tmp_path: Path) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "examples").symlink_to(ROOT / "examples")
    env = _env(workdir)
    blocks = _outside_sections()
    # Files first: a command may use a file the README shows after it (reward.yaml).
    for block in blocks:
        if block.file:
            target = workdir / block.file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text, encoding="utf-8")
    last_output = ""
    ran: list[str] = []
    for block in blocks:
        if block.file and block.lang == "python" and "/" not in block.file and not block.file.startswith("test"):
            _python(Block("python", f"import {Path(block.file).stem}", block.line), workdir, env)
        elif block.file:
            pass  # written above, for the blocks around it; the plugin files are built by the next test
        elif block.lang == "bash":
            last_output = _bash(block, workdir, env, tmp_path)
        elif block.lang == "python":
            last_output = _python(block, workdir, env)
        elif block.lang == "json":
            (workdir / "row.jsonl").write_text(json.dumps(json.loads(block.text)) + "\n")
            _run("rmg score math.accuracy row.jsonl -o row.scored.jsonl --no-progress", workdir, env, block.where)
            assert json.loads((workdir / "row.scored.jsonl").read_text())["reward"]["status"] == "ok"
        elif block.lang == "text":
            missing = [label for label in output_labels(block) if label not in last_output]
            assert not missing, f"{block.where}: the output shown has labels the command does not print: {missing}"
        else:
            raise AssertionError(f"{block.where}: no way to run a {block.lang!r} block; add one to this test")
        ran.append(block.where)
    assert len(ran) == len(blocks)
    # What the blocks claimed: the install put every named plugin's rewards in a fresh venv, and
    # the example spec file parses.
    listed = {row["plugin"] for row in json.loads((workdir / "fresh-list.json").read_text())}
    assert {"rmg.judges", "rmg-plugin-math", "rmg-plugin-format"} <= listed
    _run("python -c \"import rmg; rmg.parse_spec('reward.yaml')\"", workdir, env, "reward.yaml")


def test_the_readme_plugin_files_build_install_and_pass_the_shared_suite(tmp_path: Path) -> None:
    """The plugin module, its complete pyproject.toml and its test, exactly as the README shows them."""
    project = tmp_path / "rmg-plugin-mine"
    for block in read_blocks(README):
        if block.file in ("rmg_plugin_mine/__init__.py", "pyproject.toml", "tests/test_mine.py"):
            target = project / block.file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text, encoding="utf-8")
    assert (project / "pyproject.toml").is_file() and (project / "tests" / "test_mine.py").is_file()
    site = tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target", str(site), "."],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    env = {**_env(tmp_path), "PYTHONPATH": str(site)}
    listed = _run("rmg list --json", tmp_path, env, "rmg list")
    assert "mine.contains" in listed
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_mine.py"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]


def test_the_readme_model_reward_asks_its_model_and_scores_the_answer(tmp_path: Path) -> None:
    """mine_polite.py from the README, against a scripted endpoint that answers yes then no."""
    from rmg.testing import ScriptedLLMServer

    [block] = [b for b in read_blocks(README) if b.file == "mine_polite.py"]
    (tmp_path / "mine_polite.py").write_text(block.text)
    script = (
        "import mine_polite, rmg\n"
        "rows = [{'prompt': 'Say hi.', 'response': 'Hello there!'}, {'prompt': 'Say hi.', 'response': 'Go away.'}]\n"
        "print([s.result.score for s in rmg.evaluate('mine.polite', rows)])\n"
    )
    with ScriptedLLMServer(["Yes.", "No."]) as server:
        env = {**_env(tmp_path), "RMG_BASE_URL": server.base_url, "RMG_MODEL": "scripted"}
        out = subprocess.run(
            [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr
        assert sorted(json.loads(out.stdout.strip().splitlines()[-1])) == [0.0, 1.0]
        assert server.counts["requests"] == 2
