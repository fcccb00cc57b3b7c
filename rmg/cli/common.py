"""Options shared by the commands that score: runner limits, parameters, judge flags."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import click

from rmg.core.spec import parse_value


# Every number a flag takes is checked here, by name: `--timeout 0` or `nan` would remove the hard
# time budget, `--workers -1` the pool.
def positive_seconds(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and (not math.isfinite(value) or value <= 0):
        raise click.BadParameter(f"must be a positive number of seconds, got {value!r}")
    return value


def positive_int(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    if value is not None and value < 1:
        raise click.BadParameter(f"must be a positive integer, got {value}")
    return value


def workers_count(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    if value is not None and value < 0:
        raise click.BadParameter(f"must be 0 (rule rewards in this process) or a positive integer, got {value}")
    return value


def runner_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--timeout",
            type=float,
            default=None,
            callback=positive_seconds,
            help="Wall-clock budget per reward per sample, in seconds "
            "(default: 30 for rule rewards, 300 for model rewards).",
        ),
        click.option(
            "--workers",
            type=int,
            default=None,
            callback=workers_count,
            help="Processes for rule rewards (default: CPU count).",
        ),
        click.option(
            "--concurrency",
            type=int,
            default=64,
            show_default=True,
            callback=positive_int,
            help="Model calls in flight at once.",
        ),
        click.option(
            "--model-processes",
            type=int,
            default=1,
            show_default=True,
            callback=positive_int,
            help="Processes that make model calls; more than 1 only helps when this process's CPU "
            "is the bound (hundreds of calls/s to a fast endpoint).",
        ),
        click.option(
            "--param",
            "params",
            multiple=True,
            metavar="KEY=VALUE",
            help="Set a reward parameter (KEY, or REWARD.KEY for one reward of a composition).",
        ),
        click.option("--principle", "principles", multiple=True, help="Judge principle (repeatable)."),
        click.option(
            "--mode", type=click.Choice(["pointwise", "pairwise", "listwise"]), default=None, help="Judge mode."
        ),
        click.option("--scenario", default=None, help="Judge scenario."),
        click.option("--model", default=None, help="Judge model name."),
        click.option("--base-url", default=None, help="OpenAI-compatible endpoint for judges."),
        click.option("--no-cache", is_flag=True, help="Do not use the on-disk LLM response cache."),
        click.option(
            "--pairing",
            type=click.Choice(["tournament", "all_pairs", "vote"]),
            default=None,
            help="How a pairwise reward scores more than 2 responses: tournament (n-1 comparisons), "
            "all_pairs (n(n-1)/2; each scores its share of wins) or vote (all pairs; 1 for the most wins).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def build_overrides(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(strict overrides from --param, soft overrides from judge flags that only some rewards take)."""
    strict: dict[str, Any] = {}
    for item in options.get("params") or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="--param")
        strict[key.strip()] = parse_value(value)
    soft: dict[str, Any] = {"cache": not options.get("no_cache")}
    if options.get("principles"):
        strict["principles"] = list(options["principles"])
    for key in ("mode", "scenario", "model", "base_url"):
        if options.get(key) is not None:
            strict[key] = options[key]
    return strict, soft


def make_runner(spec: str, options: dict[str, Any]) -> Any:
    from rmg.core.registry import RegistryError
    from rmg.core.runner import Runner

    strict, soft = build_overrides(options)
    try:
        return Runner(
            spec,
            params=strict,
            soft_params=soft,
            workers=options.get("workers"),
            concurrency=options.get("concurrency") or 64,
            timeout=options.get("timeout"),
            model_processes=options.get("model_processes") or 1,
            pairing=options.get("pairing"),
        )
    except (RegistryError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
