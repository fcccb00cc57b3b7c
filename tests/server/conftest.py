"""A real `rmg serve` in a subprocess on a free loopback port, with the testkit plugin installed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from serverkit import Server, StartServer, free_port


@pytest.fixture(scope="module")
def start_server(plugin_dirs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[StartServer]:
    started: list[Server] = []

    def start(*args: str, wait: bool = True, env: dict[str, str] | None = None) -> Server:
        port = free_port()
        log = tmp_path_factory.mktemp("server") / "server.log"
        full_env = {**os.environ, "PYTHONPATH": str(plugin_dirs["testkit"]), **(env or {})}
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "rmg", "serve", "--port", str(port), "--log-level", "warning", *args],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=full_env,
            )
        server = Server(proc, f"http://127.0.0.1:{port}", log)
        started.append(server)
        if wait:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    raise RuntimeError(f"rmg serve exited with {proc.returncode}:\n{server.output()}")
                try:
                    if httpx.get(f"{server.url}/ready", timeout=1).status_code == 200:
                        return server
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            raise RuntimeError(f"rmg serve never became ready:\n{server.output()}")
        return server

    yield start
    for server in started:
        server.stop()
