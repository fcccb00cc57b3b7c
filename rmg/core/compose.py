"""Compositions of rewards: weighted sums, gates and routers, and how they combine results.

A composition is a tree whose leaves are reward instances. The runner evaluates leaves (in the
process pool or on the event loop) and this module combines their per-candidate results. Specs
(strings, YAML, JSON) are parsed into these trees by `rmg.core.spec`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

from .reward import Reward
from .schema import Dimension, RewardResult, RewardStatus, Sample

__all__ = ["Gate", "Leaf", "Node", "Route", "Weighted", "describe", "evaluate_node", "iter_leaves"]


@dataclass
class Leaf:
    reward: Reward

    @property
    def label(self) -> str:
        return self.reward.name or type(self.reward).__name__


@dataclass
class Weighted:
    """sum(weight * score) over the terms; a failed term fails the sum (never a silent 0)."""

    terms: list[tuple[float, Node]]


@dataclass
class Gate:
    """Score `then` only for candidates whose `condition` score reaches `threshold`."""

    condition: Node
    then: Node
    threshold: float = 1.0
    otherwise: float = 0.0


@dataclass
class Route:
    """Pick a reward by the sample's task label (verl's `data_source`)."""

    routes: dict[str, Node]
    default: Node | None = None


Node = Leaf | Weighted | Gate | Route
LeafEvaluator = Callable[[Leaf, Sample], Awaitable[list[RewardResult]]]


def iter_leaves(node: Node) -> Iterator[Leaf]:
    if isinstance(node, Leaf):
        yield node
    elif isinstance(node, Weighted):
        for _, child in node.terms:
            yield from iter_leaves(child)
    elif isinstance(node, Gate):
        yield from iter_leaves(node.condition)
        yield from iter_leaves(node.then)
    elif isinstance(node, Route):
        for child in node.routes.values():
            yield from iter_leaves(child)
        if node.default is not None:
            yield from iter_leaves(node.default)


def describe(node: Node) -> str:
    """A one-line, human-readable form of the tree (used in summaries and errors)."""
    if isinstance(node, Leaf):
        return node.label
    if isinstance(node, Weighted):
        return " + ".join(f"{w:g}*{describe(c)}" for w, c in node.terms)
    if isinstance(node, Gate):
        return f"gate({describe(node.condition)} >= {node.threshold:g} -> {describe(node.then)})"
    routes = ", ".join(f"{k}: {describe(v)}" for k, v in node.routes.items())
    default = f", default: {describe(node.default)}" if node.default is not None else ""
    return f"route({routes}{default})"


async def evaluate_node(node: Node, sample: Sample, leaf_eval: LeafEvaluator) -> list[RewardResult]:
    """Evaluate a tree for one sample; one result per candidate."""
    if isinstance(node, Leaf):
        return await leaf_eval(node, sample)
    if isinstance(node, Weighted):
        parts = [await evaluate_node(child, sample, leaf_eval) for _, child in node.terms]
        labels = [describe(child) for _, child in node.terms]
        weights = [w for w, _ in node.terms]
        return [_combine(labels, weights, [p[i] for p in parts]) for i in range(len(sample.candidates) or 1)]
    if isinstance(node, Gate):
        return await _gate(node, sample, leaf_eval)
    chosen = node.routes.get(sample.task or "", node.default)
    if chosen is None:
        message = f"no route for task {sample.task!r} (routes: {', '.join(node.routes) or 'none'}) and no default"
        return RewardResult.failures(max(1, len(sample.candidates)), RewardStatus.invalid_input, message)
    results = await evaluate_node(chosen, sample, leaf_eval)
    for r in results:
        r.details.setdefault("route", sample.task if sample.task in node.routes else "default")
    return results


def _combine(labels: list[str], weights: list[float], results: list[RewardResult]) -> RewardResult:
    failed = [(label, r) for label, r in zip(labels, results) if not r.ok]
    dimensions = [Dimension(name=label, score=r.score, reason=r.reason) for label, r in zip(labels, results)]
    usage = _sum_usage(results)
    if failed:
        first = failed[0][1]
        message = "; ".join(f"{lab}: {r.status.value}: {r.error or r.reason}" for lab, r in failed)
        return RewardResult(status=first.status, error=message, reason=message, dimensions=dimensions, usage=usage)
    score = sum(w * (r.score or 0.0) for w, r in zip(weights, results))  # every part is ok, so scored
    reason = "; ".join(f"{lab}={r.score:g}" + (f" ({r.reason})" if r.reason else "") for lab, r in zip(labels, results))
    return RewardResult(score=score, reason=reason, dimensions=dimensions, usage=usage)


async def _gate(node: Gate, sample: Sample, leaf_eval: LeafEvaluator) -> list[RewardResult]:
    gate_label = describe(node.condition)
    gates = await evaluate_node(node.condition, sample, leaf_eval)
    passed = [g.score is not None and g.score >= node.threshold for g in gates]  # only ok results have a score
    then = await evaluate_node(node.then, sample, leaf_eval) if any(passed) else []
    out = []
    for i, g in enumerate(gates):
        gate_dim = Dimension(name=gate_label, score=g.score, reason=g.reason)
        if not g.ok:
            out.append(
                RewardResult(
                    status=g.status,
                    error=f"gate {gate_label}: {g.error}",
                    reason=g.reason,
                    dimensions=[gate_dim],
                    usage=g.usage,
                )
            )
        elif not passed[i]:
            reason = f"gate {gate_label} scored {g.score:g} < {node.threshold:g}"
            out.append(RewardResult(score=node.otherwise, reason=reason, dimensions=[gate_dim], usage=g.usage))
        else:
            r = then[i].model_copy(deep=True)
            r.dimensions = (
                [gate_dim, *r.dimensions]
                if r.dimensions
                else [gate_dim, Dimension(name=describe(node.then), score=r.score, reason=r.reason)]
            )
            r.usage = _sum_usage([g, then[i]])
            out.append(r)
    return out


def _sum_usage(results: list[RewardResult]) -> dict[str, int] | None:
    total: dict[str, int] = {}
    for r in results:
        for k, v in (r.usage or {}).items():
            total[k] = total.get(k, 0) + v
    return total or None
