"""`rmg induce PAIRS -o judge.yaml`: principles for a pairwise judge, induced from labelled pairs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from rmg.cli.scoring import dataset_options, fields_from


@click.command("induce")
@click.argument("pairs_path", metavar="PAIRS")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), required=True, help="The judge definition to write (YAML)."
)
@click.option(
    "--model",
    default=None,
    help="Model that proposes principles (default: RMG_MODEL at the configured endpoint, else the offline local model).",
)
@click.option("--judge-model", default=None, help="Model of the pairwise judge that measures them (default: --model).")
@click.option("--base-url", default=None, help="OpenAI-compatible endpoint of the models.")
@click.option("--max-principles", type=int, default=5, show_default=True, help="Most principles in the judge.")
@click.option("--iterations", type=int, default=2, show_default=True, help="Propose-and-measure rounds.")
@click.option("--batch-size", type=int, default=8, show_default=True, help="Fit pairs explained per iteration.")
@click.option("--held-out", type=float, default=0.5, show_default=True, help="Share of pairs kept to measure accuracy.")
@click.option("--scenario", default="", help="The judge's scenario (what the responses are for).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the fit / held-out split.")
@click.option("--concurrency", type=int, default=16, show_default=True, help="Model calls in flight at once.")
@dataset_options
def induce_command(pairs_path: str, output: str, **options: Any) -> None:
    """Propose principles that explain the preferences in PAIRS, keep the set that best predicts
    the held-out pairs with rmg's pairwise judge, and write it as a judge definition.

    \b
    PAIRS: LLMBar, RM-Bench, HH-RLHF or JudgeBench files, or rows with chosen / rejected:
      rmg induce pairs.jsonl -o judge.yaml --max-principles 5 --iterations 2
      rmg score judge --param definition=judge.yaml --mode pairwise pairs.jsonl
    The report compares held-out accuracy without principles (baseline) and with each
    iteration's set, with the number of pairs and a 95% interval; it is also written to
    <output>.report.json.
    """
    from rmg.agents.common import resolve_model
    from rmg.agents.pairs import PairError, read_pairs
    from rmg.agents.principles import create_principle_graph
    from rmg.core.dataset import DataError

    out = Path(output)
    if out.exists() and not options["overwrite"]:
        raise click.ClickException(f"{out} exists; use --overwrite to replace it")
    try:
        pairs = read_pairs(
            pairs_path,
            fields_from(options),
            limit=options["limit"],
            strict=options["strict"],
            warn=lambda m: click.echo(f"skipped: {m}", err=True),
        )
    except (PairError, DataError) as exc:
        raise click.ClickException(str(exc)) from None
    try:
        model = resolve_model(options["model"], base_url=options["base_url"])
        judge = resolve_model(options["judge_model"], base_url=options["base_url"]) if options["judge_model"] else None
        graph = create_principle_graph(
            model=model,
            judge=judge,
            max_principles=options["max_principles"],
            iterations=options["iterations"],
            batch_size=options["batch_size"],
            held_out=options["held_out"],
            scenario=options["scenario"],
            seed=options["seed"],
            concurrency=options["concurrency"],
            name=out.stem,
        )
    except Exception as exc:
        raise click.ClickException(f"{type(exc).__name__}: {exc}") from None
    click.echo(f"{len(pairs)} pairs from {pairs_path}", err=True)
    final: dict[str, Any] = {}
    for mode, chunk in graph.stream({"pairs": pairs}, stream_mode=["custom", "values"]):
        if mode == "values":
            final = chunk
        elif not options["no_progress"]:
            click.echo(_progress_line(chunk), err=True)
    if not final.get("definition", {}).get("principles"):
        raise click.ClickException(
            f"no principle could be measured (baseline: {_acc(final['report']['baseline'])}); "
            "check the model with a small --limit, nothing was written"
        )
    _write(out, final["definition"], final["report"])
    _print_report(final["report"], out)


def _progress_line(event: dict[str, Any]) -> str:
    if event.get("event") == "baseline":
        return f"baseline (no principles): {_acc(event)}"
    if event.get("event") == "proposed":
        failed = f" ({event['failed']} requests failed)" if event.get("failed") else ""
        return (
            f"iteration {event['iteration']}: {len(event['principles'])} principles proposed{failed}, "
            f"{event['pool']} after merging"
        )
    if event.get("event") == "iteration":
        return f"iteration {event['iteration']}: best set {_acc(event['best_accuracy'] or {})}"
    return str(event)


def _acc(result: dict[str, Any]) -> str:
    if result.get("accuracy") is None:
        return f"no pair judged ({result.get('errors', 0)} errors)"
    low, high = result["ci95"]
    errors = f", {result['errors']} errors" if result.get("errors") else ""
    return f"{result['accuracy']:.3f} on n={result['n']} (95% CI {low:.3f}-{high:.3f}{errors})"


def _write(out: Path, definition: dict[str, Any], report: dict[str, Any]) -> None:
    import yaml

    base, final = report["baseline"], report["final"] or {}
    header = [
        "# Judge induced by rmg induce. Use it as: rmg score judge --param definition=" + out.name,
        f"# held-out accuracy without principles: {_acc(base)}",
        f"# held-out accuracy with these principles: {_acc(final)}",
    ]
    body = {k: v for k, v in definition.items() if v not in ("", None)}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        "\n".join(header) + "\n" + yaml.safe_dump(body, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    out.with_name(out.name + ".report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


def _print_report(report: dict[str, Any], out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"rmg induce: held-out accuracy ({report['held_out_pairs']} pairs held out, {report['fit_pairs']} to fit)",
        title_justify="left",
    )
    table.add_column("principles")
    table.add_column("accuracy", justify="right")
    table.add_column("n", justify="right")
    table.add_column("95% CI")
    rows = [("none (baseline)", report["baseline"])]
    rows += [(f"iteration {r['iteration']}: {len(r['principles'])}", r) for r in report["iterations"]]
    for label, r in rows:
        acc = "-" if r.get("accuracy") is None else f"{r['accuracy']:.3f}"
        table.add_row(
            label, acc, str(r.get("n", 0)), f"{r['ci95'][0]:.3f}-{r['ci95'][1]:.3f}" if r.get("ci95") else "-"
        )
    console = Console(stderr=True, width=120)
    console.print(table)
    verdict = "the principles helped" if report["improved"] else "the principles did NOT beat the baseline"
    console.print(f"{verdict}; judge written to {out}")
