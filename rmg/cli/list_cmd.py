"""`rmg list`: the installed rewards."""

from __future__ import annotations

import json

import click


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--plugin", default=None, help="Only rewards of this plugin (distribution name).")
def list_command(as_json: bool, plugin: str | None) -> None:
    """List the rewards: name, mode, kind, plugin and what each scores."""
    from rich.console import Console
    from rich.table import Table

    from rmg.core.registry import list_rewards

    rewards = [r for r in list_rewards() if plugin is None or r.plugin == plugin]
    if as_json:
        rows = [
            {"name": r.name, "mode": r.mode, "kind": r.kind, "plugin": r.plugin, "description": r.description}
            for r in rewards
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"{len(rewards)} rewards", title_justify="left")
    for column in ("name", "mode", "kind", "plugin", "description"):
        table.add_column(column, overflow="fold")
    for r in rewards:
        table.add_row(r.name, r.mode, r.kind, r.plugin, r.description)
    console = Console(width=200 if not Console().is_terminal else None)
    console.print(table)
    if not rewards:
        console.print("No rewards: install a plugin, e.g. `rmg install rmg-plugin-math`.")
