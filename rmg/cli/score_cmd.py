"""`rmg score SPEC INPUT -o OUTPUT`: score a dataset, resumably, with a progress bar and a summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from rmg.cli.common import make_runner, runner_options
from rmg.cli.scoring import DataError, default_output, field_options, fields_from, print_summary, run_scoring


@click.command("score")
@click.argument("spec")
@click.argument("input_path", metavar="INPUT")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Output JSONL (default: ./<input>.scored.jsonl). Re-running resumes it.")
@runner_options
@field_options
@click.option("--strict", is_flag=True, help="Stop at the first malformed line instead of skipping it.")
@click.option("--overwrite", is_flag=True, help="Start the output afresh instead of resuming.")
@click.option("--limit", type=int, default=None, help="Score at most this many rows.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
def score_command(spec: str, input_path: str, output: str | None, **options: Any) -> None:
    """Score every row of INPUT (JSONL, JSON or Parquet) with SPEC.

    \b
    SPEC is a reward name, a composition or a YAML/JSON file:
      rmg score math.accuracy data.jsonl
      rmg score "0.2*format.think_answer + 0.8*math.accuracy" data.jsonl -o out.jsonl
      rmg score judge --principle "Refuse clearly harmful requests" --mode pairwise pairs.jsonl
    Each output row is the input row plus "reward" (a list for several responses).
    """
    out = Path(output) if output else default_output(input_path)
    runner = make_runner(spec, options)
    try:
        with runner:
            summary = run_scoring(
                runner, input_path, out, fields_from(options), strict=options["strict"],
                overwrite=options["overwrite"], limit=options["limit"], progress=not options["no_progress"],
            )
    except DataError as exc:
        raise click.ClickException(str(exc)) from None
    print_summary(summary, out, spec)
