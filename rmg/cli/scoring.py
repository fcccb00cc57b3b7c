"""The scoring loop behind `rmg score` and `rmg best-of-n`: read, score, write, resume, summarise."""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from rmg.cli.common import positive_int
from rmg.cli.outcome import FailFast, check_outcome, failure_key, print_notes, resume_message
from rmg.core.dataset import (
    BadRow,
    DataError,
    FieldMap,
    ResumableWriter,
    detect_format,
    read_rows,
    result_to_json,
    row_to_sample,
)
from rmg.core.preference import PreferenceTally
from rmg.core.readers import check_input
from rmg.core.resume import same_file
from rmg.core.rows import FIELD_HELP, FIELD_NAMES
from rmg.core.schema import ScoredSample

RowHook = Callable[[dict[str, Any], ScoredSample], dict[str, Any]]


@dataclass
class Summary:
    rows: int = 0
    resumed: int = 0
    bad_lines: list[str] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    score_sum: float = 0.0
    scored: int = 0
    usage: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    preference: PreferenceTally = field(default_factory=PreferenceTally)
    failures: Counter[str] = field(default_factory=Counter)  # "status: reason" of failed results
    stopped: str = ""  # why the run stopped early, if it did

    def add(self, scored: ScoredSample) -> None:
        self.rows += 1
        for result in scored.results:
            self.statuses[result.status.value] += 1
            if result.ok and result.score is not None:
                self.score_sum += result.score
                self.scored += 1
            else:
                self.failures[failure_key(result)] += 1
            for key, value in (result.usage or {}).items():
                self.usage[key] += value
        self.preference.add(scored)


def default_output(input_path: str) -> Path:
    """`data.jsonl` -> `./data.scored.jsonl` (cwd, since the input's folder may be read-only)."""
    name = Path(input_path).name
    for suffix in (".gz", ".jsonl", ".ndjson", ".json", ".parquet", ".pq"):
        name = name.removesuffix(suffix)
    return Path(f"{name}.scored.jsonl")


def count_rows(path: str) -> int | None:
    """Rows in the input, for the progress bar; None when counting would cost too much."""
    p = Path(path)
    try:
        fmt = detect_format(p)
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(p).metadata.num_rows)
        if fmt == "json" or p.suffix == ".gz" or p.stat().st_size > 2_000_000_000:
            return None
        with open(p, "rb") as f:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    except Exception:
        return None


def run_scoring(
    runner: Any,
    input_path: str,
    output: Path,
    fields: FieldMap,
    *,
    strict: bool,
    overwrite: bool,
    limit: int | None,
    progress: bool,
    row_hook: RowHook | None = None,
    retry_failed: bool = True,
    fail_fast: bool = True,
) -> Summary:
    summary = Summary()
    check_input(input_path)  # before the output is touched: a typo must not cost the old output
    if same_file(input_path, output):
        raise click.ClickException(f"the output {output} is the input file; give another -o")
    try:
        writer = ResumableWriter(output, overwrite=overwrite, retry_failed=retry_failed)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc}") from None
    print_notes(writer.notes)
    summary.resumed = writer.done
    if writer.old_lines:
        click.echo(resume_message(output, writer, retry_failed), err=True)
    # Per valid input row, in order: ("keep", line) for a row the previous run wrote and that is
    # kept, or ("score", row) for a row given to the runner. Appending in place needs no "keep".
    order: deque[tuple[str, Any]] = deque()
    appending = not writer.rebuilding

    total = count_rows(input_path)
    if total is not None:
        total = max(total - writer.done, 0)
        if limit is not None:
            total = min(total, limit)
    bar = _Progress(progress, total)
    fail = FailFast(enabled=fail_fast)

    def samples() -> Iterator[Any]:
        valid = scored = 0
        for line, row in read_rows(input_path):
            if isinstance(row, BadRow):
                bar.advance()
                summary.bad_lines.append(row.message)
                click.echo(f"skipped: {row.message}", err=True)
                if strict:
                    raise click.ClickException(f"{row.message} (--strict stops at the first bad line)")
                continue
            valid += 1
            if valid == writer.last_line and writer.last_id is not None and row.get("id") not in (None, writer.last_id):
                raise click.ClickException(
                    f"{output} does not continue {input_path}: its row {valid} has id {writer.last_id!r} but "
                    f"row {valid} of the input has id {row.get('id')!r}; use --overwrite or another -o"
                )
            if writer.keeps(valid):
                if not appending:
                    order.append(("keep", valid))
                continue
            scored += 1
            if limit is not None and scored > limit:
                return
            order.append(("score", row))
            try:
                yield row_to_sample(row, fields)
            except ValueError as exc:
                yield ValueError(f"{input_path}:{line}: {exc}")

    def put(write: Callable[[Any], None], item: Any) -> None:
        try:
            write(item)
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None

    def flush_kept() -> None:
        while order and order[0][0] == "keep":
            line = order.popleft()[1]
            put(writer.write_kept, line)

    started = time.perf_counter()
    with writer, bar:
        for scored in runner.stream(samples()):
            flush_kept()
            row = order.popleft()[1] if order else {}
            results = [result_to_json(r) for r in scored.results]
            out = {**row, "reward": results[0] if len(results) == 1 else results}
            if row_hook is not None:
                out = row_hook(out, scored)
            put(writer.write, out)
            summary.add(scored)
            bar.advance()
            summary.stopped = fail.check(scored)
            if summary.stopped:
                break
        if not summary.stopped:
            flush_kept()
    summary.seconds = time.perf_counter() - started
    return summary


class _Progress:
    """A rich progress bar on stderr (or nothing), counting input rows as they are done."""

    def __init__(self, enabled: bool, total: int | None) -> None:
        self.enabled, self.total = enabled, total
        self._bar: Any = None
        self._task: Any = None
        self._done = 0
        self._started = time.perf_counter()

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn("scoring"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._bar.start()
            self._task = self._bar.add_task("scoring", total=self.total, rate="")
            self._started = time.perf_counter()
        return self

    def advance(self) -> None:
        self._done += 1
        if self._bar is not None:
            rate = self._done / max(time.perf_counter() - self._started, 1e-9)
            self._bar.update(self._task, advance=1, rate=f"{rate:,.1f} rows/s")

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.stop()


def score_file(
    spec: str, input_path: str, output: Path, options: dict[str, Any], row_hook: RowHook | None = None
) -> None:
    """The whole command: build the runner from the flags, score, print the summary."""
    from rmg.cli.common import make_runner

    runner = make_runner(spec, options)
    with runner:
        score_and_report(runner, spec, input_path, output, options, row_hook=row_hook)


def score_and_report(
    scorer: Any,
    spec_text: str,
    input_path: str,
    output: Path,
    options: dict[str, Any],
    *,
    row_hook: RowHook | None = None,
) -> None:
    """Score with any scorer (a Runner, a Ray pool) under the flags' resume and failure rules,
    then print the summary and exit non-zero when nothing was scored."""
    try:
        summary = run_scoring(
            scorer,
            input_path,
            output,
            fields_from(options),
            strict=options["strict"],
            overwrite=options["overwrite"],
            limit=options["limit"],
            progress=not options["no_progress"],
            row_hook=row_hook,
            retry_failed=options.get("retry_failed", True),
            fail_fast=not options.get("keep_going", False),
        )
    except DataError as exc:
        raise click.ClickException(str(exc)) from None
    print_summary(summary, output, spec_text)
    check_outcome(summary, input_path)


def print_summary(summary: Summary, output: Path, spec_text: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(stderr=True, width=120)
    table = Table(title=f"rmg score: {spec_text}", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("value", overflow="fold")
    table.add_row("rows scored", f"{summary.rows:,}")
    if summary.resumed:
        table.add_row("already done (resumed)", f"{summary.resumed:,}")
    table.add_row("bad lines skipped", f"{len(summary.bad_lines):,}")
    if summary.preference.rows:
        # Labelled preference data: the mean over a pair's two scores says nothing (0.5 for a
        # judge that picks one of two); how often the preferred response won is the number.
        table.add_row("preferred response won", summary.preference.describe())
    elif summary.scored:
        table.add_row("mean score (ok results)", f"{summary.score_sum / summary.scored:.4f}")
    else:
        table.add_row("mean score (ok results)", "no ok results" if summary.rows else "-")
    table.add_row("status", ", ".join(f"{k}: {v:,}" for k, v in sorted(summary.statuses.items())) or "-")
    for reason, count in summary.failures.most_common(5):
        table.add_row("failure" if len(summary.failures) == 1 else "common failure", f"{count:,} x {escape(reason)}")
    if summary.rows:
        rate = summary.rows / summary.seconds if summary.seconds else 0.0
        table.add_row("throughput", f"{rate:,.1f} rows/s ({summary.seconds:.1f} s)")
    else:
        table.add_row("throughput", "nothing left to score" if summary.resumed else "no rows scored")
    if summary.usage:
        tokens = summary.usage.get("prompt_tokens", 0) + summary.usage.get("completion_tokens", 0)
        table.add_row(
            "token usage",
            f"{tokens:,} tokens (prompt {summary.usage.get('prompt_tokens', 0):,}, completion "
            f"{summary.usage.get('completion_tokens', 0):,}); {summary.usage.get('calls', 0):,} calls, "
            f"{summary.usage.get('cached_calls', 0):,} from cache",
        )
    table.add_row("output", str(output))
    console.print(table)


def dataset_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The flags shared by every command that scores a dataset: field mapping and run control."""
    for option in reversed(
        [
            click.option("--strict", is_flag=True, help="Stop at the first malformed line instead of skipping it."),
            click.option(
                "--overwrite",
                is_flag=True,
                help="Start the output afresh instead of resuming (the old one is replaced once scoring starts).",
            ),
            click.option(
                "--retry-failed/--keep-failed",
                default=True,
                show_default=True,
                help="On resume, score again the rows that ended error or timeout.",
            ),
            click.option(
                "--keep-going",
                is_flag=True,
                help="Score every row even when the first rows all fail with the same error.",
            ),
            click.option(
                "--limit", type=int, default=None, callback=positive_int, help="Process at most this many rows."
            ),
            click.option("--no-progress", is_flag=True, help="No progress bar."),
        ]
    ):
        func = option(func)
    for name in reversed(FIELD_NAMES):
        func = click.option(
            f"--{name}-field",
            f"{name}_field",
            default=None,
            metavar="PATH",
            help=FIELD_HELP.get(name, f"Row field holding the {name} (dotted path, e.g. reward_model.ground_truth)."),
        )(func)
    return func


def fields_from(options: dict[str, Any]) -> FieldMap:
    return FieldMap(**{k.removesuffix("_field"): v for k, v in options.items() if k.endswith("_field")})


__all__ = [
    "DataError",
    "Summary",
    "dataset_options",
    "default_output",
    "fields_from",
    "print_summary",
    "run_scoring",
    "score_file",
]
