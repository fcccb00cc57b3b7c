"""`rmg serve --ray --replicas N`: the CLI starts a local Ray, serves the deployment, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from serverkit import free_port

pytest.importorskip("ray.serve", reason="Ray Serve is installed only for this group (make test installs it)")


def test_rmg_serve_ray_cli_serves_and_stops(plugin_dirs: dict[str, Path], tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "PYTHONPATH": str(plugin_dirs["testkit"]), "RAY_ADDRESS": ""}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rmg", "serve", "--ray", "--replicas", "1", "--port", str(port),
             "--reward", "em=general.exact_match", "--workers", "1"],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.5)
        payload = {"reward": "em", "rows": [{"response": "a", "reference": "a"}]}
        r = httpx.post(f"http://127.0.0.1:{port}/v1/score", json=payload, timeout=60)
        assert r.json()["results"][0]["results"][0] == {
            "score": 1.0,
            "status": "ok",
            "reason": r.json()["results"][0]["results"][0]["reason"],
        }
        proc.send_signal(signal.SIGINT)  # SIGTERM is taken by Ray's own handler (exit status 15)
        assert proc.wait(120) == 0, log.read_text(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
