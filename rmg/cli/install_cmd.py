"""`rmg install` / `rmg uninstall`: pip, run by rmg's own interpreter (so plugins land beside rmg)."""

from __future__ import annotations

import subprocess
import sys

import click


@click.command("install", context_settings={"ignore_unknown_options": True})
@click.argument("packages", nargs=-1)
@click.option("-e", "--editable", multiple=True, help="Install a local plugin folder in editable mode.")
@click.option("-U", "--upgrade", is_flag=True, help="Upgrade the packages.")
def install_command(packages: tuple[str, ...], editable: tuple[str, ...], upgrade: bool) -> None:
    """Install plugins (or any package) into rmg's environment."""
    if not packages and not editable:
        raise click.UsageError("name a package to install, e.g. `rmg install rmg-plugin-math`")
    args = [sys.executable, "-m", "pip", "install"]
    if upgrade:
        args.append("--upgrade")
    for path in editable:
        args += ["-e", path]
    raise SystemExit(subprocess.call([*args, *packages]))


@click.command("uninstall")
@click.argument("packages", nargs=-1, required=True)
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def uninstall_command(packages: tuple[str, ...], yes: bool) -> None:
    """Uninstall plugins from rmg's environment."""
    if not yes and not sys.stdin.isatty():
        # pip would ask "Proceed (Y/n)?" and die with an EOFError traceback on a closed stdin.
        names = " ".join(packages)
        raise click.UsageError(f"no terminal to confirm on: run `rmg uninstall -y {names}` to uninstall without asking")
    args = [sys.executable, "-m", "pip", "uninstall", *(["-y"] if yes else []), *packages]
    raise SystemExit(subprocess.call(args))
