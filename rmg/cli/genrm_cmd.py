"""`rmg genrm prepare`: preference data -> verl RL Parquet for training a generative judge."""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Any

import click


@click.group("genrm")
def genrm_command() -> None:
    """Generative reward-model (judge) training with verl: data preparation.

    \b
    rmg genrm prepare llmbar/Natural.json rmbench_chat_filtered.json -o genrm_train.parquet
    rmg genrm prepare helpsteer2.jsonl --pointwise --attribute helpfulness -o pointwise.parquet
    Then see rmg/training/README.md (GRPO config and launch script).
    """


def _rows(paths: tuple[str, ...], limit: int | None) -> Any:
    from rmg.core.dataset import BadRow, read_rows

    def gen() -> Any:
        for path in paths:
            for line, row in read_rows(path):
                if isinstance(row, BadRow):
                    raise click.ClickException(row.message)
                yield path, line, row

    return islice(gen(), limit) if limit else gen()


@genrm_command.command("prepare")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Output Parquet file.")
@click.option("--pointwise", is_flag=True, help="Pointwise rows (scores per attribute) instead of pairs.")
@click.option("--attribute", default="helpfulness", show_default=True, help="Pointwise: the score column.")
@click.option("--scale", nargs=2, type=float, default=(0.0, 4.0), show_default=True, help="Pointwise: label scale.")
@click.option("--principle", "principles", multiple=True, help="Judge principle (repeatable).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the A/B order of pairs.")
@click.option("--limit", type=int, default=None, help="Use at most this many input rows.")
@click.option("--split", default="train", show_default=True, help="extra_info.split of every row.")
def prepare_command(
    inputs: tuple[str, ...],
    output: str,
    pointwise: bool,
    attribute: str,
    scale: tuple[float, float],
    principles: tuple[str, ...],
    seed: int,
    limit: int | None,
    split: str,
) -> None:
    """Convert pairwise (LLMBar, RM-Bench, HH-RLHF, {prompt, chosen, rejected}) or pointwise
    (HelpSteer2-style) rows into verl RL Parquet with rmg's judge templates as prompts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from rmg.core.dataset import DataError
    from rmg.core.reward import InvalidInput
    from rmg.training.genrm import pairwise_rows, pointwise_rows

    where = {"at": "?"}

    def source() -> Any:
        for path, line, row in _rows(inputs, limit):
            where["at"] = f"{path}:{line}"
            yield row

    try:
        if pointwise:
            rows = list(
                pointwise_rows(source(), attribute=attribute, scale=scale, principles=list(principles), split=split)
            )
        else:
            rows = list(pairwise_rows(source(), principles=list(principles), seed=seed, split=split))
    except (InvalidInput, DataError, ValueError, KeyError) as exc:
        raise click.ClickException(f"{where['at']}: {exc}") from None
    if not rows:
        raise click.ClickException("no rows to write")
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), output)
    labels: dict[str, int] = {}
    for r in rows:
        key = r["reward_model"]["ground_truth"] if not pointwise else "pointwise"
        labels[key] = labels.get(key, 0) + 1
    shown = ", ".join(f"{k}: {v}" for k, v in sorted(labels.items()))
    click.echo(
        f"wrote {len(rows)} rows to {output} ({shown}); reward spec: genrm.{'pointwise' if pointwise else 'pairwise'}"
    )
