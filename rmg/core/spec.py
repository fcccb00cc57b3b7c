"""The one spec parser used by the CLI, the Python API, the server and the training adapters.

A spec is any of:
- a reward name, with optional parameters: `math.accuracy`, `math.accuracy(fallback=false)`
- a weighted sum as a short string: `0.2*format.think_answer + 0.8*math.accuracy`
- a dict (or YAML / JSON text, or a path to a .yaml/.yml/.json file) of these forms:
    {reward: math.accuracy, params: {fallback: false}}
    {sum: [{weight: 0.2, reward: format.think_answer}, {weight: 0.8, reward: math.accuracy}]}
    {gate: format.think_answer, threshold: 1.0, then: math.accuracy, else: 0.0}
    {route: {gsm8k: math.accuracy, humaneval: code.execution}, default: general.exact_match}
  where every nested reward is itself a spec.
- a `Reward` instance or class, or an already-built composition node.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from .compose import Gate, Leaf, Node, Route, Weighted
from .plugins import PluginHost
from .registry import RegistryError, create_reward, get_reward_class
from .reward import Reward

__all__ = ["SpecError", "parse_spec", "parse_value"]

Spec = Any


class SpecError(RegistryError):
    """The spec is malformed; the message says where."""


_NAME = r"[A-Za-z_][\w\-]*(?:[.:][\w\-]+)*"
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_TERM = re.compile(
    rf"^\s*(?:(?P<w1>{_NUMBER})\s*\*\s*)?(?P<name>{_NAME})\s*(?:\((?P<args>[^()]*)\))?"
    rf"\s*(?:\*\s*(?P<w2>{_NUMBER}))?\s*$"
)


def parse_value(text: str) -> Any:
    """A parameter value from text: JSON / YAML scalars and lists, else the string itself."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    try:
        return json.loads(text)
    except ValueError:
        pass
    lowered = text.lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    if lowered in ("null", "none", "~"):
        return None
    return text


def parse_spec(
    spec: Spec,
    overrides: dict[str, Any] | None = None,
    *,
    soft: dict[str, Any] | None = None,
    host: PluginHost | None = None,
) -> Node:
    """Parse a spec into a composition tree, applying `overrides` to matching leaves.

    An override key `fallback` sets that parameter on every leaf that has it;
    `math.accuracy.fallback` sets it on that reward only. An override that matches no leaf is an
    error, so a typo never goes unnoticed. `soft` overrides apply the same way but may match
    nothing (e.g. `cache=False` from `--no-cache`, for whichever rewards have a cache).
    """
    parser = _Parser({**(soft or {}), **(overrides or {})}, host)
    try:
        node = parser.node(_load(spec, host), "spec")
    except RecursionError:
        raise SpecError("the spec nests too deeply (more than a few hundred levels)") from None
    unused = set(overrides or {}) - parser.used
    if unused:
        raise SpecError(f"parameter(s) {', '.join(sorted(unused))} match no reward in the spec")
    return node


def _load(spec: Spec, host: PluginHost | None) -> Any:
    if not isinstance(spec, str):
        return spec
    text = spec.strip()
    if not text:
        raise SpecError("the spec is empty")
    if text.endswith((".yaml", ".yml", ".json")) and "\n" not in text:
        path = Path(text)
        if path.is_file():
            return _parse_text(path.read_text(encoding="utf-8"), str(path))
        try:  # a reward may be named like a file (format.json)
            get_reward_class(text, host)
        except RegistryError:
            raise SpecError(f"spec file {text} does not exist (and no reward has that name)") from None
        return text
    if text[0] in "{[" or "\n" in text:
        return _parse_text(text, "the spec")
    return text


def _parse_text(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    import yaml  # only specs written as YAML pay for it

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecError(f"{where} is neither valid JSON nor YAML: {exc}") from None


class _Parser:
    def __init__(self, overrides: dict[str, Any], host: PluginHost | None) -> None:
        self.overrides = overrides
        self.used: set[str] = set()
        self.host = host
        self.open: set[int] = set()  # ids of the mappings being parsed, to catch self-reference

    def node(self, spec: Any, where: str) -> Node:
        if isinstance(spec, (dict, list)):
            # A YAML anchor can make a mapping contain itself (`&x {reward: *x}`).
            if id(spec) in self.open:
                raise SpecError(f"{where}: the spec refers to itself (a recursive YAML anchor?)")
            self.open.add(id(spec))
            try:
                return self._node(spec, where)
            finally:
                self.open.discard(id(spec))
        return self._node(spec, where)

    def _node(self, spec: Any, where: str) -> Node:
        if isinstance(spec, (Leaf, Weighted, Gate, Route)):
            return spec
        if isinstance(spec, Reward):
            return Leaf(spec)
        if isinstance(spec, type) and issubclass(spec, Reward):
            return Leaf(spec())
        if isinstance(spec, str):
            return self.expression(spec, where)
        if isinstance(spec, dict):
            return self.mapping(spec, where)
        if isinstance(spec, list):
            return self.mapping({"sum": spec}, where)
        raise SpecError(f"{where}: expected a reward name or a mapping, got {type(spec).__name__}")

    def expression(self, text: str, where: str) -> Node:
        terms: list[tuple[float, Node]] = []
        for raw in _split_terms(text):
            match = _TERM.match(raw)
            if not match:
                raise SpecError(f"{where}: cannot parse {raw.strip()!r} in {text!r} (expected e.g. 0.5*math.accuracy)")
            if match["w1"] and match["w2"]:
                raise SpecError(f"{where}: {raw.strip()!r} has two weights; write one, e.g. 0.5*math.accuracy")
            params = _parse_args(match["args"], where) if match["args"] is not None else {}
            weight = _number(float(match["w1"] or match["w2"] or 1.0), f"{where}: the weight of {match['name']}")
            terms.append((weight, self.leaf(match["name"], params, where)))
        if len(terms) == 1 and terms[0][0] == 1.0 and "*" not in text:
            return terms[0][1]
        return Weighted(terms)

    def mapping(self, spec: dict[str, Any], where: str) -> Node:
        keys = set(spec)
        if "reward" in keys or "name" in keys:
            name = spec.get("reward", spec.get("name"))
            extra = keys - {"reward", "name", "params", "weight"}
            if extra:
                raise SpecError(f"{where}: unknown key(s) {', '.join(sorted(extra))} beside 'reward'")
            if not isinstance(name, str):
                return self.node(name, f"{where}.reward")
            params = spec.get("params") or {}
            if not isinstance(params, dict):
                raise SpecError(f"{where}.params: expected a mapping")
            return self.leaf(name, params, where)
        if "sum" in keys or "weighted" in keys:
            items = spec.get("sum", spec.get("weighted"))
            if not isinstance(items, list) or not items:
                raise SpecError(f"{where}.sum: expected a non-empty list")
            terms = []
            for i, item in enumerate(items):
                weight = item.get("weight", 1.0) if isinstance(item, dict) else 1.0
                weight = _number(weight, f"{where}.sum[{i}].weight")
                terms.append((weight, self.node(item, f"{where}.sum[{i}]")))
            return Weighted(terms)
        if "gate" in keys:
            if "then" not in keys:
                raise SpecError(f"{where}: a gate needs 'then' (the reward scored when the gate passes)")
            return Gate(
                condition=self.node(spec["gate"], f"{where}.gate"),
                then=self.node(spec["then"], f"{where}.then"),
                threshold=_number(spec.get("threshold", 1.0), f"{where}.threshold"),
                otherwise=_number(spec.get("else", 0.0), f"{where}.else"),
            )
        if "route" in keys:
            routes = spec["route"]
            if not isinstance(routes, dict) or not routes:
                raise SpecError(f"{where}.route: expected a mapping of task -> reward")
            default = spec.get("default")
            return Route(
                {str(task): self.node(sub, f"{where}.route.{task}") for task, sub in routes.items()},
                self.node(default, f"{where}.default") if default is not None else None,
            )
        raise SpecError(f"{where}: expected one of the keys reward, sum, gate, route; got {', '.join(sorted(keys))}")

    def leaf(self, name: str, params: dict[str, Any], where: str) -> Leaf:
        cls = get_reward_class(name, self.host)
        merged = dict(params)
        for key, value in self.overrides.items():
            target, _, field = key.rpartition(".")
            if (target in ("", name)) and field in cls.parameter_names():
                merged[field] = value
                self.used.add(key)
        try:
            return Leaf(create_reward(name, merged, self.host))
        except RegistryError as exc:
            raise SpecError(f"{where}: {exc}") from None


def _split_terms(text: str) -> list[str]:
    """Split on top-level '+' (not inside parentheses, not an exponent sign)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "+" and depth == 0 and not re.search(r"(?:^|[^\w.])[\d.]+[eE]$|\*\s*$", text[:i]):
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _parse_args(text: str, where: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in filter(str.strip, text.split(",")):
        key, sep, value = item.partition("=")
        if not sep or not key.strip().isidentifier():
            raise SpecError(f"{where}: expected key=value in ({text}), got {item.strip()!r}")
        params[key.strip()] = parse_value(value)
    return params


def _number(value: Any, where: str) -> float:
    """A finite number: NaN or infinity would turn every score it touches into NaN or infinity."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SpecError(f"{where}: expected a number, got {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        number = math.inf
    if not math.isfinite(number):
        raise SpecError(f"{where}: expected a finite number, got {value!r}")
    return number
