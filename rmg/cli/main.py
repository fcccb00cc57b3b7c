"""The `rmg` command group. Commands load lazily; plugins add theirs through `register_commands`."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

# command name -> "module:attribute"; nothing here is imported until the command runs.
BUILTIN_COMMANDS: dict[str, str] = {
    "list": "rmg.cli.list_cmd:list_command",
    "show": "rmg.cli.show_cmd:show_command",
    "score": "rmg.cli.score_cmd:score_command",
    "best-of-n": "rmg.cli.best_of_n_cmd:best_of_n_command",
    "plugins": "rmg.cli.plugins_cmd:plugins_command",
    "bench": "rmg.cli.bench_cmd:bench_command",
    "install": "rmg.cli.install_cmd:install_command",
    "uninstall": "rmg.cli.install_cmd:uninstall_command",
    "refine": "rmg.cli.refine_cmd:refine_command",
    "induce": "rmg.cli.induce_cmd:induce_command",
    "models": "rmg.cli.models_cmd:models_group",
    "serve": "rmg.cli.serve_cmd:serve_command",
    "genrm": "rmg.cli.genrm_cmd:genrm_command",
}


class LazyGroup(click.Group):
    """A group whose built-in commands are imported on use and whose plugins add more."""

    _plugins_added = False

    def _add_plugin_commands(self) -> None:
        if not self._plugins_added:
            self._plugins_added = True
            from rmg.core.plugins import get_host

            for error in get_host().add_commands(self):
                click.echo(f"warning: plugin command skipped: {error}", err=True)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_plugin_commands()
        return sorted(set(BUILTIN_COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in BUILTIN_COMMANDS:
            module, attr = BUILTIN_COMMANDS[name].split(":")
            return getattr(importlib.import_module(module), attr)
        if name not in self.commands:
            self._add_plugin_commands()
        return self.commands.get(name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rmg", prog_name="rmg")
def cli() -> None:
    """rmg: build, apply and train with reward models.

    \b
    Start here:
      rmg list                          the rewards installed
      rmg show math.accuracy            a reward's parameters and an example
      rmg score SPEC data.jsonl -o out.jsonl
    """


def main(argv: list[str] | None = None) -> Any:
    return cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="rmg")


if __name__ == "__main__":  # pragma: no cover
    main()
