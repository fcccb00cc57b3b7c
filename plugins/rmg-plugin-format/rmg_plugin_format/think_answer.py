"""`format.think_answer`: exactly one reasoning block, then exactly one answer block.

The usual regex check (`^<think>.*?</think><answer>.*?</answer>$`, open-r1's format reward) is
fooled by repeated or nested tags because `.*?` happily spans `</think><think>`; here each tag is
counted, so every extra, missing or misplaced tag is named in the reason.

Chat templates such as DeepSeek-R1's and Qwen3's end the prompt with `<think>\\n`, so the response
begins inside the think block and only has `</think>`. `prefilled_think="auto"` accepts both
shapes; `"yes"` says the template always opens the block (an extra `<think>` is then a nested
one and fails); `"no"` requires the response to open it itself.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

import rmg

__all__ = ["ThinkAnswer"]

_TAG = re.compile(r"[A-Za-z][\w:.-]*")


def _snippet(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[:width] + "…")


class ThinkAnswer(rmg.Reward):
    """1.0 when the response is one think block followed by one answer block, else 0.0."""

    name: ClassVar[str] = "format.think_answer"
    mode: ClassVar[rmg.Mode] = rmg.Mode.pointwise
    kind: ClassVar[rmg.Kind] = rmg.Kind.rule
    description: ClassVar[str] = (
        "1.0 if the response is exactly one <think>…</think> block then one <answer>…</answer> block "
        "(tags configurable; a template-prefilled <think> is accepted), with nothing but whitespace "
        "outside them; else 0.0 with the reason."
    )
    example: ClassVar[dict[str, Any]] = {
        "prompt": "What is 2 + 3?",
        "response": "<think>\n2 plus 3 is 5.\n</think>\n<answer>\n5\n</answer>",
    }

    think_tag: str = Field("think", description="name of the reasoning tag (<think>)")
    answer_tag: str = Field(
        "answer", description="name of the answer tag; empty: the text after the reasoning block is the answer"
    )
    prefilled_think: Literal["auto", "yes", "no"] = Field(
        "auto",
        description="does the chat template open the think block? auto: accept both; yes: it always does "
        "(a <think> in the response is nested); no: the response must open it",
    )
    allow_text_outside: bool = Field(False, description="allow text before, between or after the blocks")
    require_content: bool = Field(True, description="the think and answer blocks must not be empty")

    @field_validator("think_tag")
    @classmethod
    def _check_think(cls, value: str) -> str:
        if not _TAG.fullmatch(value):
            raise ValueError(f"think_tag must be a tag name like 'think', got {value!r}")
        return value

    @field_validator("answer_tag")
    @classmethod
    def _check_answer(cls, value: str) -> str:
        if value and not _TAG.fullmatch(value):
            raise ValueError(f"answer_tag must be a tag name like 'answer' or empty, got {value!r}")
        return value

    def score(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult:
        text = candidate.content
        t_open, t_close = f"<{self.think_tag}>", f"</{self.think_tag}>"
        problems: list[str] = []
        n_open, n_close = text.count(t_open), text.count(t_close)

        if self.prefilled_think == "yes":
            prefilled = True
        elif self.prefilled_think == "no":
            prefilled = False
        else:  # auto: no opening tag at all but a closing one means the template opened it
            prefilled = n_open == 0 and n_close > 0
        want_open = 0 if prefilled else 1
        if n_open != want_open:
            if prefilled:
                problems.append(f"{t_open} appears {n_open} time(s) but the template already opened it (nested)")
            else:
                problems.append(f"{t_open} appears {n_open} time(s), expected exactly 1")
        if n_close != 1:
            problems.append(f"{t_close} appears {n_close} time(s), expected exactly 1")

        a_open, a_close = f"<{self.answer_tag}>", f"</{self.answer_tag}>"
        if self.answer_tag:
            for tag in (a_open, a_close):
                n = text.count(tag)
                if n != 1:
                    problems.append(f"{tag} appears {n} time(s), expected exactly 1")

        think = answer = ""
        if not problems:  # counts are right: check order, surroundings and content
            start = 0 if prefilled else text.index(t_open) + len(t_open)
            end = text.index(t_close)
            think = text[start:end]
            outside: list[tuple[str, str]] = []
            if not prefilled:
                outside.append((f"before {t_open}", text[: text.index(t_open)]))
            if start > end:
                problems.append(f"{t_close} comes before {t_open}")
            if self.answer_tag:
                a_start, a_end = text.index(a_open), text.index(a_close)
                if a_start < end + len(t_close):
                    problems.append(f"{a_open} must come after {t_close}")
                elif a_end < a_start:
                    problems.append(f"{a_close} comes before {a_open}")
                else:
                    answer = text[a_start + len(a_open) : a_end]
                    outside.append((f"between {t_close} and {a_open}", text[end + len(t_close) : a_start]))
                    outside.append((f"after {a_close}", text[a_end + len(a_close) :]))
            else:
                answer = text[end + len(t_close) :]
            if not problems and not self.allow_text_outside:
                problems += [f"text {where}: {_snippet(s)}" for where, s in outside if s.strip()]
            if not problems and self.require_content:
                if not think.strip():
                    problems.append("the reasoning block is empty")
                if not answer.strip():
                    problems.append("the answer is empty")

        details = {"prefilled_think": prefilled, "problems": problems, "answer": answer.strip()[:200]}
        if problems:
            return rmg.RewardResult(score=0.0, reason="; ".join(problems), details=details)
        shape = f"{t_close} (think block opened by the template)" if prefilled else f"{t_open}…{t_close}"
        then = f"{a_open}…{a_close}" if self.answer_tag else "an answer"
        return rmg.RewardResult(score=1.0, reason=f"well formed: {shape} then {then}", details=details)
