"""Rewards: the one contract every scorer implements, and the `@reward` decorator.

A reward is a pydantic model: its fields are its parameters (typed, with defaults, shown by
`rmg show`, settable from a spec). Class attributes say what it is: `name`, `mode`, `kind`,
`description`. Rule rewards implement sync `score` (pointwise/stepwise, one candidate) or
`compute` (all candidates); model rewards implement the async twins `ascore` / `acompute`.
`evaluate` / `aevaluate` wrap them so that nothing ever raises: a failure becomes a result.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from enum import Enum
from typing import Any, ClassVar, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from .errors import exception_summary
from .schema import Candidate, RewardResult, RewardStatus, Sample

__all__ = [
    "InvalidInput",
    "Kind",
    "Mode",
    "Reward",
    "class_name",
    "decorated_rewards",
    "forget_decorated",
    "restore_decorated",
    "reward",
]


class Mode(str, Enum):
    pointwise = "pointwise"
    pairwise = "pairwise"
    listwise = "listwise"
    stepwise = "stepwise"


class Kind(str, Enum):
    rule = "rule"  # sync, CPU-bound: runs in the process pool
    model = "model"  # async, I/O-bound: runs on the event loop


class InvalidInput(ValueError):
    """Raise from a reward when the sample itself is wrong (missing reference, bad tests)."""


class Reward(BaseModel):
    """Base class of every reward. Subclass it, set the class attributes, implement one method."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, protected_namespaces=())

    name: ClassVar[str] = ""
    mode: ClassVar[Mode] = Mode.pointwise
    kind: ClassVar[Kind] = Kind.rule
    description: ClassVar[str] = ""
    # A sample (as a dataset row: response/responses, reference, prompt) that `rmg show` prints
    # and the shared plugin tests score.
    example: ClassVar[dict[str, Any] | None] = None

    # -- what subclasses implement -------------------------------------------------------------
    def score(self, sample: Sample, candidate: Candidate) -> Any:
        """Score one candidate (pointwise / stepwise rule rewards)."""
        raise NotImplementedError

    async def ascore(self, sample: Sample, candidate: Candidate) -> Any:
        """Score one candidate (pointwise / stepwise model rewards)."""
        raise NotImplementedError

    def compute(self, sample: Sample) -> list[Any]:
        """Score all candidates at once (pairwise / listwise); default: `score` each."""
        return [self.score(sample, c) for c in sample.candidates]

    async def acompute(self, sample: Sample) -> list[Any]:
        if type(self).ascore is Reward.ascore:
            return self.compute(sample)
        return list(await asyncio.gather(*(self.ascore(sample, c) for c in sample.candidates)))

    @property
    def active_mode(self) -> Mode:
        """The mode this instance scores in: the class's `mode` (a judge makes it a parameter)."""
        return type(self).mode

    # -- what the runner calls -----------------------------------------------------------------
    def check(self, sample: Sample) -> str | None:
        """Why this sample cannot be scored by this reward, or None."""
        n = len(sample.candidates)
        if n == 0:
            return "the sample has no response to score"
        if self.active_mode is Mode.pairwise and n != 2:
            return (
                f"a pairwise reward needs exactly 2 responses, got {n}; to compare more, set pairing "
                f"(--pairing): 'tournament' ({n - 1} comparisons) or 'all_pairs' ({n * (n - 1) // 2})"
            )
        if self.active_mode is Mode.listwise and n < 2:
            return f"a listwise reward needs at least 2 responses, got {n}"
        return None

    def evaluate(self, sample: Sample) -> list[RewardResult]:
        """Score a sample; one result per candidate. Never raises."""
        if self.kind is Kind.model:
            return _run_coroutine(self.aevaluate(sample))
        problem = self.check(sample)
        if problem:
            return self._failed(sample, RewardStatus.invalid_input, problem)
        try:
            return self._coerce_all(sample, self.compute(sample))
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            return self._failed(sample, *_describe(exc))

    async def aevaluate(self, sample: Sample) -> list[RewardResult]:
        """Async twin of `evaluate`; rule rewards run inline. Never raises."""
        if self.kind is Kind.rule:
            return self.evaluate(sample)
        problem = self.check(sample)
        if problem:
            return self._failed(sample, RewardStatus.invalid_input, problem)
        try:
            return self._coerce_all(sample, await self.acompute(sample))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            return self._failed(sample, *_describe(exc))

    def __call__(self, sample: Sample | dict[str, Any]) -> list[RewardResult]:
        return self.evaluate(sample if isinstance(sample, Sample) else Sample.model_validate(sample))

    # -- helpers ------------------------------------------------------------------------------
    def _coerce_all(self, sample: Sample, values: Any) -> list[RewardResult]:
        values = list(values)
        if len(values) != len(sample.candidates):
            raise RuntimeError(f"{self.name} returned {len(values)} results for {len(sample.candidates)} responses")
        return [self._coerce(v) for v in values]

    def _coerce(self, value: Any) -> RewardResult:
        if self.active_mode is Mode.stepwise and isinstance(value, (list, tuple)):
            steps = [float(v) for v in value]
            # A solution is only as sound as its weakest step (the usual PRM aggregation).
            return RewardResult(score=min(steps) if steps else 0.0, step_scores=steps)
        return RewardResult.coerce(value)

    @staticmethod
    def _failed(sample: Sample, status: RewardStatus, message: str) -> list[RewardResult]:
        return RewardResult.failures(max(1, len(sample.candidates)), status, message)

    @classmethod
    def parameter_names(cls) -> list[str]:
        """The names a spec or `--param` sets (a field's alias where it has one)."""
        return [field.alias or name for name, field in cls.model_fields.items()]

    @classmethod
    def parameters(cls) -> list[dict[str, Any]]:
        """The typed parameters, for `rmg show` and for validation messages."""
        out = []
        for field_name, field in cls.model_fields.items():
            annotation = field.annotation
            # Generic forms (Literal['a', 'b'], list[str], X | None) print in full; plain classes by name.
            plain = get_origin(annotation) is None and isinstance(annotation, type)
            type_name = getattr(annotation, "__name__", "") if plain else str(annotation).replace("typing.", "")
            out.append(
                {
                    "name": field.alias or field_name,
                    "type": type_name,
                    "default": None if field.is_required() else field.get_default(call_default_factory=True),
                    "required": field.is_required(),
                    "description": field.description or "",
                }
            )
        return out

    @classmethod
    def notes(cls) -> list[str]:
        """Extra facts `rmg show` prints (active sandbox protections, library warnings...)."""
        return []

    @classmethod
    def summary(cls) -> str:
        lines = (cls.description or cls.__doc__ or "").strip().splitlines()
        return lines[0] if lines else ""


def _describe(exc: BaseException) -> tuple[RewardStatus, str]:
    if isinstance(exc, InvalidInput):
        return RewardStatus.invalid_input, str(exc)
    if isinstance(exc, ValidationError):
        return RewardStatus.invalid_input, str(exc)
    return RewardStatus.error, exception_summary(exc)


def _run_coroutine(coro: Any) -> Any:
    """Run a coroutine to completion from sync code, even when a loop runs in this thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


# -- the decorator --------------------------------------------------------------------------------


def class_name(reward_name: str, fallback: str) -> str:
    """A class name for a reward name: `math.accuracy` -> `MathAccuracy` (what pickle and reprs show)."""
    return "".join(part.title() for part in reward_name.replace("-", "_").replace(".", "_").split("_")) or fallback


# Argument names a decorated function may take, and what each receives.
_INPUTS: dict[str, Callable[[Sample, Candidate | None], Any]] = {
    "response": lambda s, c: c.content if c else s.response,
    "responses": lambda s, c: [x.content for x in s.candidates],
    "reference": lambda s, c: s.reference,
    "prompt": lambda s, c: s.query,
    "messages": lambda s, c: s.prompt,
    "steps": lambda s, c: [st.content for st in (c.steps or [])] if c else [],
    "candidate": lambda s, c: c,
    "sample": lambda s, c: s,
    "task": lambda s, c: s.task,
    "metadata": lambda s, c: s.metadata,
    "reasoning": lambda s, c: c.reasoning if c else None,
}

# Keyed by where the function is defined, so re-running a notebook cell replaces its reward.
_decorated: dict[tuple[str, str], type[Reward]] = {}


def decorated_rewards() -> list[type[Reward]]:
    """Rewards made with `@reward` in this process (the registry adds them as local rewards)."""
    return list(_decorated.values())


def forget_decorated(module: str) -> list[str]:
    """Drop the rewards decorated in `module` or its submodules (an import of it failed half-way,
    so what it defined is not a working plugin); returns their names."""
    gone = [key for key in _decorated if key[0] == module or key[0].startswith(module + ".")]
    return [_decorated.pop(key).name for key in gone]


def restore_decorated(rewards: list[type[Reward]]) -> None:
    """Put back a snapshot taken with `decorated_rewards()` (test isolation)."""
    _decorated.clear()
    _decorated.update({(cls.__module__, cls.__qualname__): cls for cls in rewards})


class FunctionReward(Reward):
    """A reward made from a plain function by `@reward`."""

    func: ClassVar[Callable[..., Any]]
    inputs: ClassVar[tuple[str, ...]] = ()

    def _call(self, sample: Sample, candidate: Candidate | None) -> Any:
        kwargs = {name: _INPUTS[name](sample, candidate) for name in self.inputs}
        kwargs.update({k: getattr(self, k) for k in type(self).model_fields})
        return type(self).func(**kwargs)

    def score(self, sample: Sample, candidate: Candidate) -> Any:
        return self._call(sample, candidate)

    async def ascore(self, sample: Sample, candidate: Candidate) -> Any:
        return await self._call(sample, candidate)

    def compute(self, sample: Sample) -> list[Any]:
        if self.active_mode in (Mode.pairwise, Mode.listwise):
            return list(self._call(sample, None))
        return super().compute(sample)

    async def acompute(self, sample: Sample) -> list[Any]:
        if self.active_mode in (Mode.pairwise, Mode.listwise):
            return list(await self._call(sample, None))
        return list(await asyncio.gather(*(self.ascore(sample, c) for c in sample.candidates)))


def reward(
    name: str,
    *,
    mode: Mode | str = Mode.pointwise,
    kind: Kind | str | None = None,
    description: str | None = None,
    example: dict[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], type[Reward]]:
    """Turn a function into a reward class.

    Arguments named like the inputs (`response`, `responses`, `reference`, `prompt`, `messages`,
    `steps`, `candidate`, `sample`, `task`, `metadata`, `reasoning`) receive them; every other
    argument must have a default and becomes a typed parameter. An `async def` is a model reward.

        @rmg.reward("demo.exact", description="1 if the response equals the reference")
        def exact(response: str, reference: str, *, ignore_case: bool = True) -> float: ...
    """

    def wrap(func: Callable[..., Any]) -> type[Reward]:
        is_async = inspect.iscoroutinefunction(func)
        inputs: list[str] = []
        fields: dict[str, Any] = {}
        for p in inspect.signature(func).parameters.values():
            if p.name in _INPUTS and p.kind is not inspect.Parameter.KEYWORD_ONLY:
                inputs.append(p.name)
                continue
            if p.default is inspect.Parameter.empty:
                raise TypeError(
                    f"@reward {name!r}: argument {p.name!r} is not an input "
                    f"({', '.join(_INPUTS)}) so it must have a default to be a parameter"
                )
            annotation = Any if p.annotation is inspect.Parameter.empty else p.annotation
            fields[p.name] = (annotation, p.default)
        doc = description or inspect.getdoc(func) or ""
        cls = create_model(
            class_name(name, "Reward"),
            __base__=FunctionReward,
            __module__=func.__module__,
            **fields,
        )
        cls.name = name
        cls.mode = Mode(mode)
        cls.kind = Kind(kind) if kind else (Kind.model if is_async else Kind.rule)
        cls.description = doc
        cls.example = example
        cls.func = staticmethod(func)
        cls.inputs = tuple(inputs)
        cls.__doc__ = doc
        # The class takes the function's place in its module, so pickle finds it by name.
        cls.__qualname__ = func.__qualname__
        _decorated[(cls.__module__, cls.__qualname__)] = cls
        return cls

    return wrap
