"""`rmg score ... --ray [ADDRESS]`: the same scoring loop, output and resume rules, on a Ray reward pool."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from rmg.cli.common import build_overrides
from rmg.cli.scoring import score_and_report


def score_file_on_ray(spec: str, input_path: str, output: Path, options: dict[str, Any], address: str | None) -> None:
    """Start a pool of reward actors (one per cluster CPU, or --workers), score through it, stop it."""
    try:
        import ray

        from rmg.training.ray import NAMESPACE, RewardPool
    except ImportError:
        raise click.ClickException("--ray needs Ray: pip install 'rmg[training]'") from None
    strict, soft = build_overrides(options)
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"namespace": NAMESPACE, "include_dashboard": False, "log_to_driver": False}
        if address:
            kwargs["address"] = address
        else:
            kwargs["num_cpus"] = os.cpu_count() or 1
        try:
            ray.init(**kwargs)
        except Exception as exc:
            raise click.ClickException(f"cannot connect to Ray at {address or 'a new local cluster'}: {exc}") from None
    actors = options.get("workers") or max(1, int(ray.cluster_resources().get("CPU", 1)))
    runner_options: dict[str, Any] = {
        "params": strict,
        "soft_params": soft,
        "concurrency": options.get("concurrency") or 64,
        "timeout": options.get("timeout"),
    }
    try:
        pool = RewardPool.start(spec, num_actors=actors, num_cpus=1, **runner_options)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    with pool:
        score_and_report(pool, f"{spec} (Ray, {actors} actors)", input_path, output, options)
