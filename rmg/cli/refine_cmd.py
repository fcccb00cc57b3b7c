"""`rmg refine INPUT -o OUTPUT --reward SPEC`: critique-and-refine every row of a dataset (data correction)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from rmg.cli.scoring import DataError, Summary, dataset_options, fields_from, run_scoring


@click.command("refine")
@click.argument("input_path", metavar="INPUT")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Output JSONL (default: ./<input>.refined.jsonl). Re-running resumes it.",
)
@click.option(
    "--reward", "spec", required=True, help="The reward spec that scores each draft (name, composition or YAML file)."
)
@click.option(
    "--model",
    default=None,
    help="Model that revises (default: RMG_MODEL at the configured endpoint, else the offline local model).",
)
@click.option("--base-url", default=None, help="OpenAI-compatible endpoint of --model.")
@click.option("--critic", default=None, help="Model that writes the critiques (default: the reward's own reason).")
@click.option("--rounds", type=int, default=3, show_default=True, help="Most revisions per row.")
@click.option(
    "--threshold", type=float, default=1.0, show_default=True, help="Stop a row once a draft scores at least this."
)
@click.option("--max-tokens", type=int, default=1024, show_default=True, help="Most tokens per draft or critique.")
@click.option("--timeout", type=float, default=None, help="The reward's budget per draft, in seconds.")
@click.option("--concurrency", type=int, default=8, show_default=True, help="Rows refined at once.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="Set a reward parameter.")
@dataset_options
def refine_command(input_path: str, output: str | None, spec: str, **options: Any) -> None:
    """Improve each row's response round by round until the --reward spec scores it at least --threshold.

    \b
    Each row needs a prompt and a response (an empty response: the model writes the first draft):
      rmg refine examples/refine_math.jsonl -o refined.jsonl --reward math.accuracy
    Output rows keep the input and add "refine" (original, final, scores per round, critiques)
    and "reward" (the final answer's result). The best draft wins, never simply the last.
    """
    from rmg.agents.batch import RefineBatch
    from rmg.agents.common import resolve_model
    from rmg.agents.refine import create_refine_graph
    from rmg.cli.common import build_overrides
    from rmg.core.registry import RegistryError
    from rmg.core.runner import Runner

    out = Path(output) if output else _default_output(input_path)
    strict, _ = build_overrides({"params": options["params"]})
    try:
        model = resolve_model(options["model"], base_url=options["base_url"])
        critic = resolve_model(options["critic"], base_url=options["base_url"]) if options["critic"] else None
        runner = Runner(spec, params=strict, timeout=options["timeout"])
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:
        raise click.ClickException(f"{type(exc).__name__}: {exc}") from None
    graph = create_refine_graph(
        model=model,
        reward=runner,
        critic=critic,
        threshold=options["threshold"],
        max_rounds=options["rounds"],
        max_tokens=options["max_tokens"],
    )
    stats = _Trajectories()
    try:
        with runner:
            summary = run_scoring(
                RefineBatch(graph, concurrency=options["concurrency"]),
                input_path,
                out,
                fields_from(options),
                strict=options["strict"],
                overwrite=options["overwrite"],
                limit=options["limit"],
                progress=not options["no_progress"],
                row_hook=stats.row,
            )
    except DataError as exc:
        raise click.ClickException(str(exc)) from None
    _print_summary(summary, stats, out, spec)


def _default_output(input_path: str) -> Path:
    name = Path(input_path).name
    for suffix in (".gz", ".jsonl", ".ndjson", ".json", ".parquet", ".pq"):
        name = name.removesuffix(suffix)
    return Path(f"{name}.refined.jsonl")


class _Trajectories:
    """First vs final scores of the rows refined in this run (the row hook sees each)."""

    def __init__(self) -> None:
        self.compared = self.improved = self.passed = self.errors = 0
        self.first_sum = self.final_sum = 0.0

    def row(self, out: dict[str, Any], scored: Any) -> dict[str, Any]:
        record = scored.sample.metadata.get("refine")
        if record is None:
            return out
        out = {**out, "refine": record}
        if record["status"] == "error":
            self.errors += 1
        if record["status"] == "passed":
            self.passed += 1
        first, final = record["first_score"], record["final_score"]
        if first is not None and final is not None:
            self.compared += 1
            self.first_sum += first
            self.final_sum += final
            self.improved += final > first
        return out


def _print_summary(summary: Summary, stats: _Trajectories, output: Path, spec: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"rmg refine: {spec}", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("value", overflow="fold")
    table.add_row("rows refined", f"{summary.rows:,}")
    if summary.resumed:
        table.add_row("already done (resumed)", f"{summary.resumed:,}")
    table.add_row("bad lines skipped", f"{len(summary.bad_lines):,}")
    table.add_row("rows improved", f"{stats.improved:,} of {stats.compared:,} with a first score")
    table.add_row("reached the threshold", f"{stats.passed:,}")
    if stats.compared:
        table.add_row(
            "mean score, first -> final",
            f"{stats.first_sum / stats.compared:.4f} -> {stats.final_sum / stats.compared:.4f}",
        )
    table.add_row("rows ended by an error", f"{stats.errors:,}")
    table.add_row("status", ", ".join(f"{k}: {v:,}" for k, v in sorted(summary.statuses.items())) or "-")
    table.add_row("time", f"{summary.seconds:.1f} s")
    table.add_row("output", str(output))
    Console(stderr=True, width=120).print(table)
