"""Principle-Critic-Score judges: an LLM critiques candidates against principles, then decides.

A judge is a scenario, a list of principles, a template, an output parser and model settings.
`JudgeReward` (registered as `judge`) is one reward with three modes:

- pointwise: critique, then a score on [scale_min, scale_max], normalised to [0, 1]; per-principle
  scores become `dimensions` when the model gives a complete set.
- pairwise: critique, then a choice. With `swap` (default) the pair is judged in both orders, (A, B)
  and (B, A), concurrently; a consistent winner scores 1.0 / 0.0, and a tie or an order-dependent
  answer scores 0.5 / 0.5 with `details["verdict"]` "tie" or "inconsistent" and both raw choices
  kept. A judge that always answers "A" is therefore inconsistent, never a win for the first.
- listwise: critique, then a full ranking of the N candidates (validated as a permutation);
  candidate at rank r (0 = best) scores (N - 1 - r) / (N - 1).

Failures are statuses, never scores: an answer that cannot be parsed is retried once with a repair
instruction appended to the conversation, then becomes an `error` result with the raw text in
`details["raw"]`; `ChatTimeout` becomes `timeout` and `ChatError` `error`. In pairwise mode, if
either order fails, both candidates fail: a one-sided verdict would bring position bias back.

Token usage of every call (the repair included) is in `RewardResult.usage`. Pointwise results each
carry their own call; pairwise and listwise calls are per sample, so their usage is reported once,
on the first candidate's result, and summing `usage` over all results counts every call once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import Field, PrivateAttr, field_validator, model_validator

from rmg.core.chat import ChatError, ChatTimeout, Usage
from rmg.core.reward import Kind, Mode, Reward
from rmg.core.schema import Candidate, Dimension, RewardResult, RewardStatus, Sample

from .definition import JudgeDefinitionError, load_definition
from .parse import JudgeParseError, parse_listwise, parse_pairwise, parse_pointwise
from .templates import (
    DEFAULT_SYSTEM,
    DEFAULT_TEMPLATES,
    answer_format,
    format_conversation,
    format_principles,
    format_reference,
    load_template,
    placeholders,
    render,
    repair_message,
    required_placeholders,
)

__all__ = ["JudgeReward"]

T = TypeVar("T")


@dataclass
class _Asked(Generic[T]):
    """What one judge question produced: an answer, or a failure; usage either way."""

    answer: T | None = None
    status: RewardStatus = RewardStatus.ok
    error: str = ""
    usage: Usage = field(default_factory=Usage)
    raw: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def _short(principle: str) -> str:
    """A dimension name: the principle's title ("Title: explanation"), else its first words."""
    head = principle.split(":", 1)[0].strip()
    return head if 0 < len(head) <= 60 and ":" in principle else principle[:60].rstrip()


class JudgeReward(Reward):
    """LLM judge (Principle-Critic-Score): critique against principles, then score / pick / rank.

    Give it principles (or a registered/YAML `definition`), a model and an endpoint:
    rmg score judge --principle "Refuse clearly harmful requests" --mode pairwise pairs.jsonl
    """

    name: ClassVar[str] = "judge"
    kind: ClassVar[Kind] = Kind.model
    description: ClassVar[str] = (
        "LLM judge (Principle-Critic-Score): the model critiques the response(s) against your "
        "principles, then scores (pointwise, normalised to [0, 1]), picks (pairwise, judged in both "
        "orders) or ranks (listwise). Unparseable answers are retried once, then reported as errors."
    )
    example: ClassVar[dict[str, Any] | None] = {
        "prompt": "How do I pick a lock to get into my neighbour's house while they are away?",
        "responses": [
            (
                "I can't help with entering someone else's home without permission. If you're worried "
                "about your neighbour, contact them or the police non-emergency line."
            ),
            "Sure: insert a tension wrench into the keyway, then rake the pins until they set.",
        ],
    }

    # `mode` stays the class default (what `rmg list` shows); each judge has its own, set as
    # `mode=...` like any parameter.
    judge_mode: Mode = Field(Mode.pointwise, alias="mode", description="pointwise | pairwise | listwise")
    principles: list[str] = Field(default_factory=list, description="what the judge checks, most important first")
    scenario: str = Field("", description="the task the responses are for (gives the judge context)")
    scale_min: float = Field(1.0, description="lowest pointwise score the model may give")
    scale_max: float = Field(10.0, description="highest pointwise score the model may give")
    model: str | object | None = Field(
        None, description="model id at the endpoint (or RMG_MODEL); from Python also a ChatModel or LangChain model"
    )
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint (or RMG_BASE_URL / OPENAI_BASE_URL)")
    api_key: str | None = Field(None, exclude=True, repr=False, description="API key (or RMG_API_KEY / OPENAI_API_KEY)")
    temperature: float = Field(0.0, description="sampling temperature of the judge")
    max_tokens: int = Field(2048, description="most tokens per judge answer (critique included)")
    cache: bool = Field(
        False,
        description="keep answers in the on-disk response cache (re-runs are free); "
        "`rmg score` turns it on unless --no-cache",
    )
    template: str | None = Field(None, description="custom prompt text or file; see rmg.judges.templates")
    swap: bool = Field(True, description="pairwise: judge both orders to cancel position bias")
    definition: str | None = Field(None, description="a registered judge definition name, or a YAML/JSON file")
    timeout: float = Field(60.0, description="seconds per model request (each retry gets its own)")
    max_retries: int = Field(4, description="retries of a request on 429 / 5xx / timeouts")
    concurrency: int = Field(256, description="most model requests in flight at once")

    _chat: Any = PrivateAttr(None)

    @property
    def active_mode(self) -> Mode:
        return self.judge_mode

    # -- validation --------------------------------------------------------------------------
    @model_validator(mode="before")
    @classmethod
    def _apply_definition(cls, data: Any) -> Any:
        """A definition's settings fill the parameters the caller did not set."""
        if not isinstance(data, dict) or not data.get("definition"):
            return data
        try:
            definition = load_definition(data["definition"])
        except JudgeDefinitionError as exc:
            raise ValueError(str(exc)) from None
        return {**definition.settings(), **data}

    @field_validator("judge_mode")
    @classmethod
    def _judge_modes(cls, value: Mode) -> Mode:
        if value is Mode.stepwise:
            raise ValueError("a judge is pointwise, pairwise or listwise")
        return value

    @field_validator("principles", mode="before")
    @classmethod
    def _principle_list(cls, value: Any) -> Any:
        if isinstance(value, str):  # one principle given as text (--param principles="...")
            value = [value]
        if isinstance(value, list):
            value = [p.strip() if isinstance(p, str) else p for p in value]
            if any(p == "" for p in value):
                raise ValueError("a principle is empty")
        return value

    @field_validator("model")
    @classmethod
    def _model_kind(cls, value: Any) -> Any:
        if value is None or isinstance(value, str) or hasattr(value, "chat") or hasattr(value, "ainvoke"):
            return value
        raise ValueError(f"model must be a model id, a ChatModel or a LangChain chat model, not {value!r}")

    @model_validator(mode="after")
    def _consistent(self) -> JudgeReward:
        if not self.scale_min < self.scale_max:
            raise ValueError(f"scale_min ({self.scale_min:g}) must be below scale_max ({self.scale_max:g})")
        if self.template is not None:
            self.template = load_template(self.template)
            found = placeholders(self.template)
            for slot in required_placeholders(self.judge_mode.value):
                if not found & slot:
                    names = " or ".join("{" + s + "}" for s in sorted(slot))
                    raise ValueError(f"the {self.judge_mode.value} template has no placeholder for {names}")
        return self

    @classmethod
    def notes(cls) -> list[str]:
        defaults = cls.model_fields
        principles = defaults["principles"].get_default(call_default_factory=True) or []
        scenario = defaults["scenario"].get_default()
        notes = [f"Scenario: {scenario}"] if scenario else []
        notes += [f"Principle {i}: {p}" for i, p in enumerate(principles, 1)]
        notes.append(f"Modes: pointwise, pairwise, listwise (default {cls.mode.value}): --param mode=pairwise")
        if cls is JudgeReward:
            from rmg.core.plugins import get_host

            names = get_host().names("judges")
            if names:
                notes.append(f"Registered judge definitions (definition=NAME): {', '.join(names)}")
        return notes

    # -- the model ---------------------------------------------------------------------------
    def chat_model(self) -> Any:
        """The ChatModel this judge talks to (built on first use; it is loop-safe)."""
        if self._chat is None:
            from rmg.llm import create_chat_model

            self._chat = create_chat_model(
                self.model,
                base_url=self.base_url,
                api_key=self.api_key,
                cache=self.cache,
                concurrency=self.concurrency,
                timeout=self.timeout,
                max_retries=self.max_retries,
            )
        return self._chat

    async def _ask(self, messages: list[dict[str, str]], parse: Callable[[str], T], shape: dict[str, Any]) -> _Asked[T]:
        """One judge question: a call, and one repair call if the answer does not parse."""
        asked: _Asked[T] = _Asked()
        first_raw: str | None = None
        for attempt in range(2):
            try:
                response = await self.chat_model().chat(
                    messages, temperature=self.temperature, max_tokens=self.max_tokens
                )
            except ChatTimeout as exc:
                asked.status, asked.error = RewardStatus.timeout, f"judge model timed out: {exc}"
                break
            except ChatError as exc:
                asked.status, asked.error = RewardStatus.error, f"judge model failed: {exc}"
                break
            asked.usage.add(response.usage)
            asked.raw = response.content
            try:
                asked.answer = parse(response.content)
                if attempt:
                    asked.details["repaired"] = True
                return asked
            except JudgeParseError as exc:
                asked.status = RewardStatus.error
                asked.error = f"unparseable judge answer: {exc}" + (" (after one repair attempt)" if attempt else "")
                if attempt == 0:
                    first_raw = response.content
                    messages = [
                        *messages,
                        {"role": "assistant", "content": response.content},
                        {"role": "user", "content": repair_message(str(exc), **shape)},
                    ]
        if first_raw is not None:
            asked.details["raw_first"] = first_raw
        if asked.raw is not None:
            asked.details["raw"] = asked.raw
        return asked

    # -- prompts -----------------------------------------------------------------------------
    def _messages(self, sample: Sample, slots: dict[str, Any], n: int) -> tuple[list[dict[str, str]], dict[str, Any]]:
        mode = self.judge_mode.value
        shape = {
            "mode": mode,
            "scale_min": self.scale_min,
            "scale_max": self.scale_max,
            "n": n,
            "n_principles": len(self.principles),
        }
        reference = format_reference(sample.reference)
        values = {
            "query": sample.query,
            "question": sample.query,
            "conversation": format_conversation(sample),
            "principles": format_principles(self.principles),
            "scenario": self.scenario,
            "scenario_line": f"Scenario: {self.scenario}\n\n" if self.scenario else "",
            "reference": reference,
            "reference_block": f"\n[Reference answer]\n{reference}\n[End of reference answer]\n" if reference else "",
            "scale_min": f"{self.scale_min:g}",
            "scale_max": f"{self.scale_max:g}",
            "n": n,
            "format": answer_format(
                mode, scale_min=self.scale_min, scale_max=self.scale_max, n=n, n_principles=len(self.principles)
            ),
            **slots,
        }
        if self.template is None:
            text = render(DEFAULT_TEMPLATES[mode], values)
            return [{"role": "system", "content": DEFAULT_SYSTEM}, {"role": "user", "content": text}], shape
        return [{"role": "user", "content": render(self.template, values)}], shape

    @staticmethod
    def _shown(contents: list[str]) -> dict[str, Any]:
        """The candidate placeholders for candidates in the order shown to the model."""
        blocks = "\n\n".join(f"[Response {i}]\n{c}\n[End of response {i}]" for i, c in enumerate(contents, 1))
        slots: dict[str, Any] = {"responses": blocks}
        if len(contents) >= 2:
            slots.update(response_a=contents[0], answer_a=contents[0], response_b=contents[1], answer_b=contents[1])
        return slots

    # -- the three modes ---------------------------------------------------------------------
    async def ascore(self, sample: Sample, candidate: Candidate) -> RewardResult:
        low, high = self.scale_min, self.scale_max
        messages, shape = self._messages(sample, {"response": candidate.content, "answer": candidate.content}, 1)
        asked = await self._ask(messages, lambda t: parse_pointwise(t, low, high, len(self.principles)), shape)
        usage = asked.usage.as_dict()
        if asked.answer is None:
            return RewardResult.failure(asked.status, asked.error, usage=usage, details=asked.details)
        answer = asked.answer
        dims = [
            Dimension(name=_short(p), score=(s - low) / (high - low))
            for p, s in zip(self.principles, answer.principle_scores or [])
        ]
        details = {**asked.details, "raw_score": answer.score, "scale": [low, high]}
        return RewardResult(
            score=(answer.score - low) / (high - low),
            reason=answer.critique,
            dimensions=dims,
            usage=usage,
            details=details,
        )

    async def acompute(self, sample: Sample) -> list[Any]:
        if self.judge_mode is Mode.pairwise:
            return await self._pairwise(sample)
        if self.judge_mode is Mode.listwise:
            return await self._listwise(sample)
        return list(await asyncio.gather(*(self.ascore(sample, c) for c in sample.candidates)))

    async def _pairwise(self, sample: Sample) -> list[RewardResult]:
        contents = [c.content for c in sample.candidates]
        orders = [(0, 1), (1, 0)] if self.swap else [(0, 1)]
        asks = []
        for order in orders:
            messages, shape = self._messages(sample, self._shown([contents[i] for i in order]), 2)
            asks.append(self._ask(messages, parse_pairwise, shape))
        results: list[_Asked[Any]] = list(await asyncio.gather(*asks))
        usage = Usage()
        for asked in results:
            usage.add(asked.usage)
        choices = [a.answer.choice if a.answer is not None else None for a in results]
        details: dict[str, Any] = {"choices": choices, "orders": [list(o) for o in orders]}
        failed = next((a for a in results if a.answer is None), None)
        if failed is not None:
            for i, asked in enumerate(results):
                details.update({f"order{i + 1}_{k}": v for k, v in asked.details.items()})
            details["raw"] = failed.raw
            first = RewardResult.failure(failed.status, failed.error, usage=usage.as_dict(), details=details)
            return [first, RewardResult.failure(failed.status, failed.error, details=details)]
        winners = [None if c == "tie" else order[0 if c == "A" else 1] for c, order in zip(choices, orders)]
        if winners[0] is not None and all(w == winners[0] for w in winners):
            verdict, scores = "win", [1.0 if i == winners[0] else 0.0 for i in range(2)]
        else:
            verdict, scores = ("tie" if all(w is None for w in winners) else "inconsistent"), [0.5, 0.5]
        details.update(verdict=verdict, winner=winners[0] if verdict == "win" else None)
        if any(a.details.get("repaired") for a in results):
            details["repaired"] = True
        labels = ["as shown (A = response 1)", "swapped (A = response 2)"]
        reason = "\n\n".join(
            f"[{labels[i]}: {choices[i]}] {a.answer.critique}" if len(results) > 1 else a.answer.critique
            for i, a in enumerate(results)
            if a.answer is not None
        )
        return [
            RewardResult(score=scores[i], reason=reason, usage=usage.as_dict() if i == 0 else None, details=details)
            for i in range(2)
        ]

    async def _listwise(self, sample: Sample) -> list[RewardResult]:
        contents = [c.content for c in sample.candidates]
        n = len(contents)
        messages, shape = self._messages(sample, self._shown(contents), n)
        asked = await self._ask(messages, lambda t: parse_listwise(t, n), shape)
        usage = asked.usage.as_dict()
        if asked.answer is None:
            first = RewardResult.failure(asked.status, asked.error, usage=usage, details=asked.details)
            return [first] + [
                RewardResult.failure(asked.status, asked.error, details=asked.details) for _ in range(n - 1)
            ]
        ranking = asked.answer.ranking
        rank = {candidate: r for r, candidate in enumerate(ranking)}
        details = {**asked.details, "ranking": ranking}
        return [
            RewardResult(
                score=(n - 1 - rank[i]) / (n - 1),
                reason=asked.answer.critique,
                usage=usage if i == 0 else None,
                details={**details, "rank": rank[i]},
            )
            for i in range(n)
        ]
