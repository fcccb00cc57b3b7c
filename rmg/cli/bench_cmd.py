"""`rmg bench BENCHMARK DATA --reward SPEC`: a reward on a benchmark, by the benchmark's official rule.

`rmg bench compare A/report.json B/report.json` puts two runs side by side; `rmg bench list`
shows the benchmarks installed (rmg's own and plugins').
"""

from __future__ import annotations

from typing import Any

import click

from rmg.cli.common import runner_options
from rmg.cli.scoring import dataset_options, fields_from


class _BenchGroup(click.Group):
    """`rmg bench NAME DATA ...` runs; `compare` and `list` are subcommands."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().resolve_command(ctx, args)


@click.group("bench", cls=_BenchGroup)
def bench_command() -> None:
    """Evaluate a reward on a reward-model benchmark with the benchmark's own scoring rule.

    \b
      rmg bench rm-bench '../data/rmbench_*.json' --reward SPEC -o report/
      rmg bench judgebench pairs.jsonl --reward judge --mode pairwise --model M --base-url URL -o rep/
      rmg bench judgebench judgebench_output.jsonl          (replays its recorded judgments)
      rmg bench rewardbench2 rb2.parquet --scores my_scores.jsonl -o rep/
      rmg bench compare A/report.json B/report.json
      rmg bench list
    """


@bench_command.command("run", hidden=True)
@click.argument("benchmark")
@click.argument("data")
@click.option(
    "--reward", "spec", default=None, metavar="SPEC", help="The reward to evaluate (a spec, as for rmg score)."
)
@click.option("--scores", default=None, metavar="FILE", help="Recorded scores to evaluate instead (no calls).")
@click.option(
    "-o",
    "--output",
    "out",
    default=None,
    type=click.Path(file_okay=False),
    help="Report directory (default for a run: ./bench-BENCHMARK); a re-run resumes its scores.jsonl.",
)
@click.option("--bootstrap", "rounds", type=int, default=1000, show_default=True, help="Bootstrap resamples.")
@runner_options
@dataset_options
def run_command(
    benchmark: str, data: str, spec: str | None, scores: str | None, out: str | None, rounds: int, **options: Any
) -> None:
    """Run BENCHMARK on DATA (a file, a folder or a glob)."""
    from rmg.evaluation import BenchmarkError, run_benchmark
    from rmg.evaluation.registry import get_benchmark

    if spec is not None and scores is not None:
        raise click.UsageError("give --reward or --scores, not both")
    if spec is not None and out is None:
        out = f"bench-{benchmark}"
    options["no_cache"] = options.get("no_cache", False)
    bar = _Bar(enabled=spec is not None and not options["no_progress"])

    def runner_factory() -> Any:
        # Pairwise judges: the bench judges both orders itself, so the judge's own swap is off.
        from rmg.cli.common import build_overrides
        from rmg.core.registry import RegistryError
        from rmg.core.runner import Runner
        from rmg.core.spec import SpecError

        strict, soft = build_overrides(options)
        try:
            return Runner(
                spec,
                params=strict,
                soft_params={**soft, "swap": False},
                workers=options.get("workers"),
                concurrency=options.get("concurrency") or 64,
                timeout=options.get("timeout"),
                model_processes=options.get("model_processes") or 1,
            )
        except (RegistryError, SpecError) as exc:
            raise click.ClickException(str(exc)) from None

    try:
        bench = get_benchmark(benchmark)
        with bar:
            report = run_benchmark(
                bench,
                data,
                spec=spec,
                scores=scores,
                out=out,
                limit=options["limit"],
                runner_factory=runner_factory if spec else None,
                overwrite=options["overwrite"],
                progress=bar.update,
                load_options={"fields": fields_from(options)},
                rounds=rounds,
            )
    except BenchmarkError as exc:
        raise click.ClickException(str(exc)) from None
    print_report(report, out)


class _Bar:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> _Bar:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("scoring"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
            )
            self._progress.start()
        return self

    def update(self, done: int, total: int) -> None:
        if self._progress is None:
            return
        if self._task is None:
            self._task = self._progress.add_task("scoring", total=total)
        self._progress.update(self._task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def print_report(report: dict[str, Any], out: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    from rmg.evaluation.report import ci_text, extra_text, pct

    console = Console(width=120)
    table = Table(
        title=f"rmg bench {report['benchmark']}",
        title_justify="left",
        caption=report["description"],
        caption_justify="left",
    )
    for name, justify in (
        ("category", "left"),
        ("items", "right"),
        ("score %", "right"),
        ("95% CI", "right"),
        ("unscored", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for c in report["categories"]:
        table.add_row(c["name"], str(c["items"]), pct(c["score"]), ci_text(c["ci"]), str(c["unscored"]))
    table.add_row(
        "overall",
        str(report["items"]),
        pct(report["overall"]),
        ci_text(report["overall_ci"]),
        str(report["unscored"]["items"]),
        style="bold",
    )
    console.print(table)
    for key, value in report.get("extra", {}).items():
        if value is not None:
            console.print(f"{key}: {extra_text(key, value)}")
    u = report["unscored"]
    console.print(
        f"unscored: {u['items']} ({pct(u['share'])}%), {u['counted_as']}; on scored items only: {pct(u['overall_on_scored_items'])}%"
    )
    if report.get("position"):
        p = report["position"]
        console.print(
            f"position: order consistency {pct(p['order_consistency'])}%, position bias {pct(p['position_bias'])}%, "
            f"first slot picked {pct(p['first_slot_rate'])}%"
        )
    if report.get("intransitive"):
        t = report["intransitive"]
        console.print(f"intransitive triples: {t['intransitive']:g} of {t['triples']:g}")
    if report.get("statuses"):
        console.print("statuses: " + ", ".join(f"{k}: {v:,}" for k, v in sorted(report["statuses"].items())))
    if out:
        console.print(f"report: {out}/report.json, report.md, report.html")


@bench_command.command("compare")
@click.argument("a")
@click.argument("b")
def compare_command(a: str, b: str) -> None:
    """Compare two reports (B - A) and say whether each difference exceeds the bootstrap noise."""
    from rich.console import Console
    from rich.table import Table

    from rmg.evaluation import BenchmarkError, compare_reports, load_report
    from rmg.evaluation.report import pct

    try:
        result = compare_reports(load_report(a), load_report(b))
    except BenchmarkError as exc:
        raise click.ClickException(str(exc)) from None
    table = Table(title=f"A: {result['a']}   B: {result['b']}", title_justify="left")
    for name in ("category", "A %", "B %", "B - A", "95% CI of B - A / z", "exceeds noise"):
        table.add_column(name, justify="left" if name == "category" else "right")
    for row in result["rows"]:
        diff = "-" if row["difference"] is None else f"{100 * row['difference']:+.1f}"
        if row["difference_ci"] is not None:
            spread = f"[{100 * row['difference_ci'][0]:+.1f}, {100 * row['difference_ci'][1]:+.1f}]"
        else:
            spread = "-" if row["z"] is None else f"z {row['z']:+.2f}"
        noise = "-" if row["exceeds_noise"] is None else ("yes" if row["exceeds_noise"] else "no")
        table.add_row(row["name"], pct(row["a"]), pct(row["b"]), diff, spread, noise)
    console = Console(width=120)
    console.print(table)
    method = "paired bootstrap over the same items" if result["paired"] else "independent bootstrap intervals"
    console.print(f"noise test: {method}")
    for note in result["notes"]:
        console.print(f"note: {note}")


@bench_command.command("list")
def list_command() -> None:
    """The benchmarks installed, what each number means and its rule."""
    from rmg.evaluation.registry import get_benchmark, list_benchmarks

    for name in list_benchmarks():
        bench = get_benchmark(name)
        click.echo(f"{name}: {bench.description}\n    rule: {bench.rule}")
