"""`rmg show NAME`: what a reward does, its parameters and an example."""

from __future__ import annotations

import json

import click


@click.command("show")
@click.argument("name")
def show_command(name: str) -> None:
    """Show a reward's description, parameters (type, default), an example row and notes."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from rmg.core.registry import RegistryError, get_reward_class, list_rewards

    try:
        cls = get_reward_class(name)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from None
    plugin = next((r.plugin for r in list_rewards() if r.name == name), "?")
    console = Console(width=200 if not Console().is_terminal else None)
    console.print(f"[bold]{name}[/bold]  ({cls.mode.value}, {cls.kind.value}, plugin {plugin})")
    console.print()
    console.print((cls.description or cls.__doc__ or "").strip(), markup=False, highlight=False)
    params = cls.parameters()
    console.print()
    if params:
        table = Table(title="Parameters", title_justify="left")
        for column in ("name", "type", "default", "description"):
            table.add_column(column, overflow="fold")
        for p in params:
            default = "(required)" if p["required"] else json.dumps(p["default"], default=str)
            # Text cells, never markup: a type or description may hold brackets (Literal['a'], [0, 1]).
            table.add_row(*(Text(str(v)) for v in (p["name"], p["type"], default, p["description"])))
        console.print(table)
    else:
        console.print("Parameters: none")
    if cls.example:
        console.print()
        console.print("Example row:")
        console.print(json.dumps(cls.example, ensure_ascii=False, indent=2), markup=False, highlight=False)
        console.print(f"\n  rmg score {name} data.jsonl -o scored.jsonl", markup=False, highlight=False)
    notes = cls.notes()
    if notes:
        console.print()
        console.print("Notes:")
        for note in notes:
            console.print(f"  - {note}", markup=False, highlight=False)
