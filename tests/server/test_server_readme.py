"""Every code block of the README's server section, run as written (only the port is changed)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import httpx
from serverkit import free_port

ROOT = Path(__file__).resolve().parents[2]


def section_blocks() -> list[list[str]]:
    text = (ROOT / "README.md").read_text()
    section = text.split("<!-- section: server (issue 15) -->", 1)[1].split("<!-- end section: server -->", 1)[0]
    return [block.strip().splitlines() for block in re.findall(r"```bash\n(.*?)```", section, re.DOTALL)]


def start(command: str, port: int, cwd: Path) -> subprocess.Popen:
    argv = shlex.split(command)
    assert argv[:2] == ["rmg", "serve"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "rmg", *argv[1:], "--port", str(port), "--log-level", "warning"],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, f"{command} exited with {proc.returncode}"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"{command} never became ready"
        time.sleep(0.1)


def shell(line: str, port: int, cwd: Path) -> str:
    line = line.replace("localhost:8000", f"127.0.0.1:{port}")
    proc = subprocess.run(
        ["bash", "-o", "pipefail", "-c", line], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, f"{line}\n{proc.stdout}\n{proc.stderr}"
    assert proc.stdout.strip(), f"{line}: no output"
    return proc.stdout


def test_readme_server_blocks_run_as_written(tmp_path: Path) -> None:
    blocks = section_blocks()
    assert len(blocks) == 3
    (serve_line,), curls, keyed = blocks
    port = free_port()
    proc = start(serve_line, port, tmp_path)
    try:
        out = [shell(line, port, tmp_path) for line in curls]
    finally:
        proc.terminate()
        proc.wait(30)
    assert json.loads(out[0])["status"] == "ok" and json.loads(out[1])["ready"] is True
    assert {r["name"] for r in json.loads(out[2])["rewards"]} == {"em", "math"}
    scored = json.loads(out[3])["results"]
    assert scored[0]["results"][0]["score"] == 1.0 and scored[1]["ranking"] == [1, 0]
    assert json.loads(out[4])["rewards"] == [1.0]
    # 1 pointwise + 2 of the pair + 1 through /get_reward
    assert 'rmg_scores_total{reward="em",status="ok"} 4.0' in out[5]
    assert "'/get_reward'" in out[6] and "'/v1/score'" in out[6]

    # The API-key block: the key file, a server on 0.0.0.0, a keyed request (and an unkeyed one refused).
    make_key, serve_keyed, keyed_curl = keyed
    shell(make_key + " && cat key.txt", port, tmp_path)
    port = free_port()
    proc = start(serve_keyed, port, tmp_path)
    try:
        assert json.loads(shell(keyed_curl, port, tmp_path))["rewards"][0]["name"] == "em"
        assert httpx.get(f"http://127.0.0.1:{port}/v1/rewards").status_code == 401
    finally:
        proc.terminate()
        proc.wait(30)
    assert os.path.getsize(tmp_path / "key.txt") > 16
