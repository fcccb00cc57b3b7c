"""`rmg list`: the installed rewards, one table per plugin, one line per reward at any width."""

from __future__ import annotations

import json
import os

import click


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--plugin", default=None, help="Only rewards of this plugin (distribution name).")
def list_command(as_json: bool, plugin: str | None) -> None:
    """List the rewards: name, mode, kind and what each scores, grouped by plugin.

    Each reward is one line: names never wrap, descriptions are shortened to fit the terminal
    (`rmg show NAME` prints the whole text; `--json` gives everything).
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from rmg.core.registry import list_rewards

    rewards = [r for r in list_rewards() if plugin is None or r.plugin == plugin]
    if as_json:
        rows = [
            {"name": r.name, "mode": r.mode, "kind": r.kind, "plugin": r.plugin, "description": r.description}
            for r in rewards
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    probe = Console()
    # A terminal (or COLUMNS) sets the width; a pipe gets long lines, so grep sees whole descriptions.
    console = probe if probe.is_terminal or os.environ.get("COLUMNS") else Console(width=200)
    name_width = max((len(r.name) for r in rewards), default=4)
    # What is left of the line once name, mode and kind (and the gaps between columns) are shown.
    room = max(console.width - name_width - 9 - 5 - 11, 12)
    plugins = sorted({r.plugin for r in rewards})
    console.print(Text(f"{len(rewards)} rewards in {len(plugins)} plugins", style="bold"))
    for dist in plugins:
        mine = [r for r in rewards if r.plugin == dist]
        # Text cells, never markup: descriptions contain brackets ("[min_length, max_length]").
        table = Table(title=Text(f"{dist} ({len(mine)})"), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("name", no_wrap=True, min_width=name_width)
        table.add_column("mode", no_wrap=True, min_width=9)
        table.add_column("kind", no_wrap=True, min_width=5)
        table.add_column("description", no_wrap=True, overflow="ellipsis", max_width=room)
        for r in mine:
            description = Text(" ".join(r.description.split()))
            description.truncate(room, overflow="ellipsis")
            table.add_row(Text(r.name), Text(r.mode), Text(r.kind), description)
        console.print(table)
    if not rewards:
        console.print(Text("No rewards: install a plugin, e.g. `rmg install rmg-plugin-math`."))
