"""`rmg score SPEC INPUT -o OUTPUT`: score a dataset, resumably, with a progress bar and a summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from rmg.cli.common import runner_options
from rmg.cli.scoring import dataset_options, default_output, score_file


@click.command("score")
@click.argument("spec")
@click.argument("input_path", metavar="INPUT")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Output JSONL (default: ./<input>.scored.jsonl). Re-running resumes it.",
)
@click.option(
    "--ray",
    "ray_address",
    is_flag=False,
    flag_value="local",
    default=None,
    metavar="[ADDRESS]",
    help="Score on a Ray cluster (rmg[training]): ADDRESS, or a local cluster when none is given.",
)
@runner_options
@dataset_options
def score_command(spec: str, input_path: str, output: str | None, ray_address: str | None, **options: Any) -> None:
    """Score every row of INPUT (JSONL, JSON or Parquet) with SPEC.

    \b
    SPEC is a reward name, a composition or a YAML/JSON file:
      rmg score math.accuracy data.jsonl
      rmg score "0.2*format.think_answer + 0.8*math.accuracy" data.jsonl -o out.jsonl
      rmg score judge --principle "Refuse clearly harmful requests" --mode pairwise pairs.jsonl
      rmg score math.accuracy data.jsonl --ray              (a local Ray cluster; or --ray ADDRESS)
    Each output row is the input row plus "reward" (a list for several responses).
    """
    out = Path(output) if output else default_output(input_path)
    if ray_address:
        from rmg.cli.ray_scoring import score_file_on_ray

        score_file_on_ray(spec, input_path, out, options, None if ray_address == "local" else ray_address)
        return
    score_file(spec, input_path, out, options)
