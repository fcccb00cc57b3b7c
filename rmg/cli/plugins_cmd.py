"""`rmg plugins`: what is installed, what each plugin registered, and what failed to load."""

from __future__ import annotations

import dataclasses
import json

import click


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def plugins_command(as_json: bool) -> None:
    """List plugins: distribution, version, hooks, what they registered, load errors."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from rmg.core.plugins import get_host

    plugins = list(get_host().plugins.values())
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(p) for p in plugins], indent=2))
        return
    table = Table(title=f"{len(plugins)} plugins", title_justify="left")
    for column in ("distribution", "version", "hooks", "registered", "errors"):
        table.add_column(column, overflow="fold")
    for p in plugins:
        registered = "; ".join(f"{k}: {', '.join(v)}" for k, v in p.registered.items())
        errors = "\n".join(p.errors) if p.errors else "-"
        name = f"{p.name} (built-in)" if p.builtin else p.name
        shown = f"[red]{escape(errors)}[/red]" if p.errors else errors
        table.add_row(escape(name), p.version, ", ".join(p.hooks), escape(registered), shown)
    console = Console(width=200 if not Console().is_terminal else None)
    console.print(table)
