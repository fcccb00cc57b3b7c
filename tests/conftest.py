"""Shared fixtures: fixture plugins really installed (pip --target) and a way to run `rmg`."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rmgkit import FIXTURE_PLUGINS, RMG, RunRmg

from rmg.core.plugins import reset_host
from rmg.testing.state import preserved_state


def pip_install_target(target: Path, *names: str) -> None:
    """Install fixture plugins as real distributions (dist-info + entry points) into `target`."""
    paths = [str(FIXTURE_PLUGINS / name) for name in names]
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
            *paths,
        ],
        check=True,
    )


@pytest.fixture(autouse=True)
def _restore_global_state() -> Iterator[None]:
    """Every test starts from the same sys.path and @rmg.reward definitions, whatever ran before."""
    with preserved_state():
        yield


@pytest.fixture(scope="session")
def plugin_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each fixture plugin installed into its own directory, to combine on PYTHONPATH."""
    base = tmp_path_factory.mktemp("plugins")
    dirs = {}
    for name in ("testkit", "broken", "badhook", "dupe"):
        dirs[name] = base / name
        pip_install_target(dirs[name], f"rmg-plugin-{name}")
    return dirs


@pytest.fixture(scope="session")
def testkit_path(plugin_dirs: dict[str, Path]) -> Path:
    """The testkit plugin, also importable in this process (for rewards in the pool)."""
    path = plugin_dirs["testkit"]
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
        importlib.invalidate_caches()
        reset_host(None)  # a host loaded by an earlier test did not see testkit: discover again
    return path


@pytest.fixture
def run_rmg(tmp_path: Path) -> RunRmg:
    """Run the real `rmg` CLI in a subprocess with the given plugin dirs on PYTHONPATH."""

    def run(
        *args: str,
        plugins: list[Path] = (),
        env: dict[str, str] | None = None,
        timeout: float = 120,
        check: bool = False,
    ) -> subprocess.CompletedProcess:
        full_env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, plugins)), "COLUMNS": "200", **(env or {})}
        proc = subprocess.run(
            [*RMG, *args], capture_output=True, text=True, env=full_env, cwd=tmp_path, timeout=timeout
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"rmg {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc

    return run
