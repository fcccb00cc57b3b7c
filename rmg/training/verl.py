"""rmg rewards in verl: `compute_score` / `compute_score_async` for `reward.custom_reward_function`.

One line in a verl (0.7.1+) config:

    reward.custom_reward_function.path=pkg://rmg.training.verl
    reward.custom_reward_function.name=compute_score_async
    +reward.custom_reward_function.reward_kwargs.spec='0.1*format.think_answer + 0.9*math.accuracy'

The spec comes from `reward_kwargs.spec`, else `RMG_SPEC`, else a router on `data_source` over
the installed plugins (see `rmg.training.routing`). Every call returns a dict with the same keys
(verl builds its logging arrays from the first sample's keys): `score`, `acc`, one 0/1 flag per
failure kind (`timeout`, `error`, `invalid_input`) and `dim/<name>` for the spec's parts. A failed
sample scores `failure_score` (default 0.0) with its flag set; nothing ever raises.

All calls of a process share one long-lived Runner per spec (`rmg.training.shared`): rule rewards
run in its process pool with hard timeouts, model rewards (judges) are awaited on its loop.
`python -m rmg.training.verl --path` prints a file path for verls that cannot load `pkg://`.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Any

from rmg.core.compose import Gate, Leaf, Node, Route, Weighted, describe
from rmg.core.schema import RewardResult, RewardStatus, Sample, ScoredSample

from .routing import ROUTE_REWARDS, prepare_reference, route_of
from .shared import SharedRunner, get_runner

__all__ = ["FLAGS", "compute_score", "compute_score_async", "result_keys", "to_verl"]

log = logging.getLogger("rmg.training.verl")

FLAGS = ("timeout", "error", "invalid_input")  # one 0/1 key per failure kind
_OPTIONS = ("spec", "failure_score", "timeout", "workers", "concurrency", "params", "base_url", "model")
_VERL_KWARGS = ("reward_router_address", "reward_model_tokenizer")
DEFAULT_SPEC = "default"  # the data_source router


class _PoolClient:
    """`RMG_RAY_POOL=name`: score on a named `rmg.training.ray.RewardPool` instead of in this process."""

    def __init__(self, name: str) -> None:
        from rmg.core.spec import parse_spec

        from .ray import RewardPool

        self.pool = RewardPool.connect(name)
        info = _ray_get(self.pool.actors[0].info.remote())
        self.spec = info["spec"]
        self.node = parse_spec(self.spec)  # only for the result keys: scoring happens on the pool

    def score(self, sample: Sample) -> ScoredSample:
        return self.pool.score_one(sample)

    async def ascore(self, sample: Sample) -> ScoredSample:
        return await self.pool.ascore_one(sample)


def _ray_get(ref: Any) -> Any:
    import ray

    return ray.get(ref)


@dataclass
class _Scorer:
    """The runner and the fixed result keys of one spec in this process."""

    shared: SharedRunner | _PoolClient | None  # None: nothing to score with (reported per sample)
    dims: list[str]
    failure_score: float
    routed: bool  # the default router: the sample's route is chosen here, not by the spec
    installed: set[str] = field(default_factory=set)


_scorers: dict[tuple[Any, ...], _Scorer] = {}
_lock = threading.Lock()
_warned: set[str] = set()


def _static_dims(node: Node) -> list[str]:
    """The dimension names a spec's results carry, known before any sample is scored."""
    if isinstance(node, Leaf):
        return []
    if isinstance(node, Weighted):
        return [describe(child) for _, child in node.terms]
    if isinstance(node, Gate):
        return [describe(node.condition), *(_static_dims(node.then) or [describe(node.then)])]
    if isinstance(node, Route):
        out: list[str] = []
        for child in [*node.routes.values(), *([node.default] if node.default is not None else [])]:
            out += [d for d in _static_dims(child) if d not in out]
        return out
    return []


def _default_workers() -> int | None:
    """Inside verl's reward-loop actors, share the node's CPUs among its `reward.num_workers` actors."""
    ray = __import__("sys").modules.get("ray")
    if ray is None or not ray.is_initialized():  # get_runtime_context() would start a Ray session
        return None
    try:
        name = ray.get_runtime_context().get_actor_name() or ""
    except Exception:
        return None
    if not name.startswith("reward_loop_worker"):
        return None
    per_node = int(os.environ.get("RMG_VERL_WORKERS_PER_NODE", "8"))
    return max(1, (os.cpu_count() or 1) // per_node)


def _configure_judges(shared: SharedRunner, address: str | None, tokenizer: Any) -> None:
    """GenRM: a judge with no endpoint configured talks to verl's reward-model router."""
    if not address or os.environ.get("RMG_BASE_URL") or os.environ.get("OPENAI_BASE_URL"):
        return
    url = address if address.startswith("http") else f"http://{address}"
    for leaf in shared.runner.leaves:
        reward = leaf.reward
        if hasattr(reward, "base_url") and getattr(reward, "base_url", "x") is None:
            reward.base_url = url.rstrip("/") + "/v1"
            model_name = getattr(tokenizer, "name_or_path", None)
            if hasattr(reward, "model") and reward.model is None and model_name and not os.environ.get("RMG_MODEL"):
                reward.model = model_name


def _plain(value: Any) -> Any:
    """Hydra hands `reward_kwargs` mappings over as OmegaConf containers: make them plain."""
    if type(value).__name__ in ("DictConfig", "ListConfig"):
        from omegaconf import OmegaConf

        return OmegaConf.to_container(value, resolve=True)
    return value


def _scorer(options: dict[str, Any], address: str | None, tokenizer: Any) -> _Scorer:
    spec = _plain(options.get("spec")) or os.environ.get("RMG_SPEC") or DEFAULT_SPEC
    params = dict(_plain(options.get("params")) or {})
    for key in ("base_url", "model"):
        if options.get(key) is not None:
            params[key] = options[key]
    cache_key = (
        os.environ.get("RMG_RAY_POOL"),
        str(spec),
        repr(sorted(params.items())),
        options.get("timeout"),
        options.get("workers"),
        options.get("concurrency"),
        options.get("failure_score"),
        address,
        os.getpid(),
    )
    with _lock:
        scorer = _scorers.get(cache_key)
        if scorer is not None:
            return scorer
        from rmg.core.registry import list_rewards

        pool_name = os.environ.get("RMG_RAY_POOL")
        if pool_name:
            client = _PoolClient(pool_name)
            failure = float(options.get("failure_score", 0.0))
            scorer = _Scorer(client, _static_dims(client.node), failure, False)
            _scorers[cache_key] = scorer
            return scorer
        installed = {getattr(r, "name", str(r)) for r in list_rewards()}
        routed = spec == DEFAULT_SPEC
        failure = float(options.get("failure_score", 0.0))
        spec_value: Any = spec
        if routed:
            spec_value = {"route": {k: v for k, v in ROUTE_REWARDS.items() if v in installed}}
            if not spec_value["route"]:  # no routed reward installed: every sample is an error naming it
                scorer = _Scorer(None, [], failure, True, installed)
                _scorers[cache_key] = scorer
                return scorer
        workers = options.get("workers")
        shared = get_runner(
            spec_value,
            params=params or None,
            timeout=options.get("timeout"),
            workers=_default_workers() if workers is None else int(workers),
            concurrency=int(options.get("concurrency") or 64),
            _key_extra=address,
        )
        _configure_judges(shared, address, tokenizer)
        scorer = _Scorer(shared, _static_dims(shared.runner.node), failure, routed, installed)
        _scorers[cache_key] = scorer
        return scorer


def result_keys(dims: list[str]) -> list[str]:
    """The keys of every result dict for a spec whose parts are `dims`."""
    return ["score", "acc", *FLAGS, *(f"dim/{d}" for d in dims)]


def to_verl(result: RewardResult, dims: list[str], failure_score: float = 0.0) -> dict[str, float]:
    """The fixed-key dict verl logs: same keys whatever happened to the sample."""
    score = result.score if result.ok and result.score is not None else failure_score
    out: dict[str, float] = {"score": float(score), "acc": float(score)}
    for flag in FLAGS:
        out[flag] = 1.0 if result.status.value == flag else 0.0
    by_name = {d.name: d.score for d in result.dimensions}
    for d in dims:
        part = by_name.get(d)  # None: the part failed (or was not reached), so it is unscored
        out[f"dim/{d}"] = float(part) if part is not None else failure_score
    return out


def _failure(status: RewardStatus, message: str) -> ScoredSample:
    return ScoredSample(index=0, sample=Sample(), results=[RewardResult.failure(status, message)])


def _prompt(extra_info: Any) -> Any:
    if not isinstance(extra_info, dict):
        return []
    for key in ("prompt", "question", "problem", "query"):
        value = extra_info.get(key)
        if isinstance(value, str) or (isinstance(value, list) and value and isinstance(value[0], dict)):
            return value
        if value is not None and hasattr(value, "tolist"):  # numpy arrays of messages from parquet
            return list(value)
    return []


def _prepare(
    data_source: Any, solution_str: Any, ground_truth: Any, extra_info: Any, kwargs: dict[str, Any]
) -> tuple[_Scorer | None, Sample | ScoredSample]:
    """The scorer and the sample, or a failure to report (never an exception)."""
    options = {k: kwargs[k] for k in _OPTIONS if k in kwargs}
    unknown = set(kwargs) - set(_OPTIONS) - set(_VERL_KWARGS)
    for name in unknown - _warned:
        _warned.add(name)
        log.warning("rmg.training.verl: ignoring unknown keyword %r", name)
    try:
        scorer = _scorer(options, kwargs.get("reward_router_address"), kwargs.get("reward_model_tokenizer"))
    except Exception as exc:
        message = f"rmg spec {options.get('spec') or os.environ.get('RMG_SPEC') or DEFAULT_SPEC!r}: {exc}"
        if message not in _warned:
            _warned.add(message)
            log.error(message)
        return None, _failure(RewardStatus.error, message)
    task = str(data_source) if data_source is not None else None
    route = None
    if scorer.routed:
        route = route_of(data_source)
        reward = ROUTE_REWARDS.get(route or "")
        if route is None or reward not in scorer.installed:
            why = (
                f"no rmg reward for data_source {data_source!r}"
                if route is None
                else f"data_source {data_source!r} needs {reward}, which is not installed (pip install rmg-plugin-{route})"
            )
            hint = "; set reward_kwargs.spec or RMG_SPEC (routes: python -m rmg.training.verl --routes)"
            return scorer, _failure(RewardStatus.error, why + hint)
        task = route
    try:
        sample = Sample(
            prompt=_prompt(extra_info),
            candidates=["" if solution_str is None else str(solution_str)],
            reference=prepare_reference(route, ground_truth),
            task=task,
            metadata={"data_source": str(data_source)},
        )
    except Exception as exc:
        return scorer, _failure(RewardStatus.invalid_input, f"cannot build a sample: {exc}")
    return scorer, sample


def _finish(scorer: _Scorer | None, scored: ScoredSample) -> dict[str, float]:
    dims = scorer.dims if scorer else []
    failure = scorer.failure_score if scorer else 0.0
    result = scored.results[0] if scored.results else RewardResult.failure(RewardStatus.error, "no result")
    if not result.ok and log.isEnabledFor(logging.DEBUG):
        log.debug("rmg reward %s: %s", result.status.value, result.error)
    return to_verl(result, dims, failure)


def compute_score(
    data_source: Any = None,
    solution_str: Any = None,
    ground_truth: Any = None,
    extra_info: Any = None,
    **kwargs: Any,
) -> dict[str, float]:
    """verl's reward function (sync: verl runs it in a thread pool). Never raises."""
    scorer: _Scorer | None = None  # known once prepared: a later failure keeps its keys
    try:
        scorer, sample = _prepare(data_source, solution_str, ground_truth, extra_info, kwargs)
        if scorer is None or isinstance(sample, ScoredSample):
            return _finish(scorer, sample)  # type: ignore[arg-type]
        assert scorer.shared is not None  # a scorer without one reports every sample in _prepare
        return _finish(scorer, scorer.shared.score(sample))
    except Exception as exc:
        return _finish(scorer, _failure(RewardStatus.error, f"{type(exc).__name__}: {exc}"))


async def compute_score_async(
    data_source: Any = None,
    solution_str: Any = None,
    ground_truth: Any = None,
    extra_info: Any = None,
    **kwargs: Any,
) -> dict[str, float]:
    """verl's reward function (async: awaited on the reward loop, never blocks it). Never raises."""
    scorer: _Scorer | None = None  # known once prepared: a later failure keeps its keys
    try:
        scorer, sample = _prepare(data_source, solution_str, ground_truth, extra_info, kwargs)
        if scorer is None or isinstance(sample, ScoredSample):
            return _finish(scorer, sample)  # type: ignore[arg-type]
        assert scorer.shared is not None
        return _finish(scorer, await scorer.shared.ascore(sample))
    except Exception as exc:
        return _finish(scorer, _failure(RewardStatus.error, f"{type(exc).__name__}: {exc}"))


def _main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m rmg.training.verl", description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", action="store_true", help="print the file to give custom_reward_function.path")
    parser.add_argument("--routes", action="store_true", help="print which reward each data_source gets")
    args = parser.parse_args(argv)
    if args.routes:
        from rmg.core.registry import list_rewards

        from .routing import route_table

        installed = {getattr(r, "name", str(r)) for r in list_rewards()}
        for pattern, reward, state in route_table(installed):
            print(f"{pattern:<70} {reward:<16} {state}")
        return 0
    from pathlib import Path

    print(Path(__file__).with_name("verl_reward.py").resolve())
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
