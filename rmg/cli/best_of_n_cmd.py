"""`rmg best-of-n SPEC INPUT`: score each row's responses and keep the best."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from rmg.cli.common import runner_options
from rmg.cli.scoring import dataset_options, default_output, score_file
from rmg.core.schema import ScoredSample


@click.command("best-of-n")
@click.argument("spec")
@click.argument("input_path", metavar="INPUT")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Output JSONL.")
@click.option("-n", "keep", type=int, default=1, show_default=True, help="How many best responses to keep.")
@runner_options
@dataset_options
def best_of_n_command(spec: str, input_path: str, output: str | None, keep: int, **options: Any) -> None:
    """For each row with several "responses", score them all and record the best in "best".

    "best" is always a list, best first, of at most N {"index", "response", "score", "status"}
    ("index" is the response's position in the row); only responses that scored ok are kept, so it
    is empty when every response failed. With a pairwise reward and more than two responses, set
    --pairing (tournament: n-1 comparisons; all_pairs: n(n-1)/2).
    """
    out = Path(output) if output else default_output(input_path).with_suffix(".best.jsonl")

    def pick(row: dict[str, Any], scored: ScoredSample) -> dict[str, Any]:
        kept = [i for i in scored.ranking if scored.results[i].ok and i < len(scored.sample.candidates)]
        best = [
            {
                "index": i,
                "response": scored.sample.candidates[i].content,
                "score": scored.results[i].score,
                "status": scored.results[i].status.value,
            }
            for i in kept[: max(keep, 1)]
        ]
        return {**row, "best": best}

    score_file(spec, input_path, out, options, row_hook=pick)
