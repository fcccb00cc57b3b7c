"""Parsing a judge model's answer: a score, a choice or a ranking, strictly machine-checked.

The model is asked for a JSON object (`{"critique": ..., "score": 7}`), but the parser also takes
tagged fields (`<score>7</score>`) and MT-Bench style verdicts (`[[A]]`, `Rating: [[7]]`), so
custom templates written for other judges keep working. It is robust to what models wrap around
an answer: reasoning text, `<think>` blocks, code fences, prose before and after. When the text
holds several answers (a draft, then a final one), the last one wins. The winner is then
validated (range, allowed choice, permutation); an invalid or missing answer raises
`JudgeParseError` with a reason the repair prompt can quote back to the model. Nothing here ever
guesses a score: no answer is never a pass.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Choice",
    "JudgeParseError",
    "ListwiseAnswer",
    "PairwiseAnswer",
    "PointwiseAnswer",
    "parse_listwise",
    "parse_pairwise",
    "parse_pointwise",
    "strip_thinking",
]

Choice = str  # "A", "B" or "tie"

_CRITIQUE_KEYS = ("critique", "reason", "reasoning", "explanation", "rationale", "analysis")
_THINK_BLOCK = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.IGNORECASE | re.DOTALL)
_THINK_CLOSE = re.compile(r"</(?:think|thinking|reasoning)>", re.IGNORECASE)
_THINK_OPEN = re.compile(r"<(?:think|thinking|reasoning)>", re.IGNORECASE)
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_MAX_TEXT = 50_000  # the verdict comes last: only the tail of a very long answer is scanned
_MAX_ATTEMPTS = 2_000  # failed JSON decodes before giving up (hostile text full of braces)


class JudgeParseError(ValueError):
    """The answer holds no valid verdict; `str(self)` says why, for the repair prompt."""


@dataclass
class PointwiseAnswer:
    score: float  # on the declared scale, not yet normalised
    critique: str = ""
    principle_scores: list[float] | None = None


@dataclass
class PairwiseAnswer:
    choice: Choice
    critique: str = ""


@dataclass
class ListwiseAnswer:
    ranking: list[int]  # 0-based candidate indices, best first
    critique: str = ""


@dataclass
class _Found:
    """One answer-shaped thing in the text: where it ends, its value, any critique beside it."""

    end: int
    start: int
    value: Any
    extra: dict[str, Any] = field(default_factory=dict)


def strip_thinking(text: str) -> str:
    """Drop `<think>` blocks; an unterminated one hides everything after it."""
    text = _THINK_BLOCK.sub(" ", text)
    close = None
    for close in _THINK_CLOSE.finditer(text):
        pass
    if close is not None:  # some servers drop the opening tag and keep the closing one
        text = text[close.end() :]
    opened = _THINK_OPEN.search(text)
    if opened is not None:
        text = text[: opened.start()]
    return text


# -- finding answers --------------------------------------------------------------------------------


def _json_objects(text: str) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """Every well-formed top-level JSON object in the text (code fences need no special case)."""
    decoder = json.JSONDecoder()
    i = text.find("{")
    failures = 0
    while i != -1 and failures < _MAX_ATTEMPTS:
        try:
            value, end = decoder.raw_decode(text, i)
        except (ValueError, RecursionError):  # deeply nested braces overflow the decoder
            failures += 1
            i = text.find("{", i + 1)
            continue
        if isinstance(value, dict):
            yield i, end, value
        i = text.find("{", end)


def _nested_dicts(value: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The object itself and dicts one level down ({"verdict": {"score": 7}})."""
    yield value
    for inner in value.values():
        if isinstance(inner, dict):
            yield inner


def _tags(text: str, key: str) -> list[tuple[int, int, str]]:
    """`<key>...</key>` spans (start, end, stripped inner text); linear, unlike a lazy regex."""
    lowered, opening, closing = text.lower(), f"<{key}>", f"</{key}>"
    spans, floor = [], 0
    close = lowered.find(closing)
    while close != -1:
        start = lowered.rfind(opening, floor, close)
        if start != -1:
            spans.append((start, close + len(closing), text[start + len(opening) : close].strip()))
        floor = close + len(closing)
        close = lowered.find(closing, floor)
    return spans


def _find(text: str, keys: tuple[str, ...], brackets: bool) -> list[_Found]:
    found: list[_Found] = []
    for start, end, obj in _json_objects(text):
        for candidate in _nested_dicts(obj):
            key = next((k for k in keys if k in candidate and not isinstance(candidate[k], dict)), None)
            if key is not None:
                found.append(_Found(end, start, candidate[key], {"json": candidate}))
                break
    for key in keys:
        for start, end, inner in _tags(text, key):
            found.append(_Found(end, start, inner))
    if brackets:
        for match in re.finditer(r"\[\[\s*([^\[\]\n]{1,40}?)\s*\]\]", text):
            found.append(_Found(match.end(), match.start(), match.group(1)))
    found.sort(key=lambda f: f.end)
    return found


def _critique(text: str, found: _Found) -> str:
    """The critique: a JSON field, a <critique> tag, or else the prose before the answer."""
    obj = found.extra.get("json")
    if obj is not None:
        for key in _CRITIQUE_KEYS:
            if isinstance(obj.get(key), str) and obj[key].strip():
                return obj[key].strip()
    for key in _CRITIQUE_KEYS:
        tags = _tags(text, key)
        if tags:
            return tags[-1][2]
    prose = re.sub(r"```[a-zA-Z]*", "", text[: found.start]).strip()
    return prose[-4000:]


def _prepare(text: str | None) -> str:
    if not text or not text.strip():
        raise JudgeParseError("the answer is empty")
    cleaned = strip_thinking(text)[-_MAX_TEXT:]
    if not cleaned.strip():
        raise JudgeParseError("the answer holds only reasoning (a <think> block) and no verdict")
    return cleaned


def _last(text: str, keys: tuple[str, ...], brackets: bool, expected: str) -> _Found:
    found = _find(text, keys, brackets)
    if not found:
        raise JudgeParseError(f"it contains no {expected}")
    return found[-1]


# -- numbers, choices, rankings ----------------------------------------------------------------------


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool):
        raise JudgeParseError(f"{what} {value!r} is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        # "7", "7.5", "7/10" and "**7**" are fine; "7 or 8" is not.
        match = re.fullmatch(rf"\W*({_NUMBER})(?:\s*/\s*{_NUMBER})?\W*", value.strip())
        if not match:
            raise JudgeParseError(f"{what} {value!r} is not a number")
        number = float(match.group(1))
    else:
        raise JudgeParseError(f"{what} {value!r} is not a number")
    if not math.isfinite(number):
        raise JudgeParseError(f"{what} {value!r} is not a finite number")
    return number


def _in_range(number: float, low: float, high: float, what: str) -> float:
    if not low <= number <= high:
        raise JudgeParseError(f"{what} {number:g} is outside the scale {low:g} to {high:g}")
    return number


_TIES = {"TIE", "C", "EQUAL", "DRAW", "SAME", "BOTH", "NEITHER"}


def _choice(value: Any) -> Choice:
    bad = JudgeParseError(f'the choice {value!r} is not one of "A", "B", "tie"')
    if not isinstance(value, str):
        raise bad
    words = re.sub(r"[^A-Za-z]", " ", value).upper().split()
    if not words or len(words) > 6:  # a verdict is a word or a short phrase, not a paragraph
        raise bad
    if len(words) >= 2 and words[0] == "A" and words[1] in _TIES:  # "a tie": the article
        words = words[1:]
    if any(len(w) == 1 and w not in "ABC" for w in words) or ("C" in words and len(words) > 1):
        raise bad  # another option letter ("C or D"); "C" means a tie only on its own (MT-Bench's [[C]])
    # "Response A", "Assistant B is better", "[[A]]", "tie" each hold one significant word.
    significant = {"tie" if w in _TIES else w for w in words if w in ("A", "B") or w in _TIES}
    if len(significant) != 1:
        raise bad
    return significant.pop()


def _ranking(value: Any, n: int) -> list[int]:
    if isinstance(value, str):
        text = value.strip()
        try:
            value = json.loads(text)
        except ValueError:
            value = re.findall(r"[A-Za-z]*\s*(\d+)", text) if re.search(r"\d", text) else text
    if not isinstance(value, list) or not value:
        raise JudgeParseError(f"the ranking {value!r} is not a list of response numbers")
    numbers: list[int] = []
    for item in value:
        if isinstance(item, str) and re.fullmatch(r"\D*\d+\D*", item.strip()):
            item = int(re.sub(r"\D", "", item))
        if isinstance(item, bool) or not isinstance(item, (int, float)) or float(item) != int(item):
            raise JudgeParseError(f"the ranking {value!r} holds {item!r}, not a response number")
        numbers.append(int(item))
    if sorted(numbers) != list(range(1, n + 1)):
        raise JudgeParseError(
            f"the ranking {numbers} is not a permutation of 1..{n} (each response number exactly once)"
        )
    return [k - 1 for k in numbers]


def _principle_scores(obj: dict[str, Any] | None, n: int, low: float, high: float) -> list[float] | None:
    """Per-principle scores if the model gave a complete, valid set; otherwise None (optional)."""
    if not obj or n == 0:
        return None
    raw = obj.get("principle_scores", obj.get("principles"))
    if isinstance(raw, dict):
        raw = [raw.get(str(i + 1), raw.get(i + 1)) for i in range(n)]
    if isinstance(raw, list) and raw and all(isinstance(x, dict) for x in raw):
        raw = [x.get("score") for x in raw]
    if not isinstance(raw, list) or len(raw) != n:
        return None
    try:
        return [_in_range(_number(x, "a principle score"), low, high, "a principle score") for x in raw]
    except JudgeParseError:
        return None


# -- the three answer kinds --------------------------------------------------------------------------


def parse_pointwise(text: str | None, low: float, high: float, n_principles: int = 0) -> PointwiseAnswer:
    cleaned = _prepare(text)
    found = _last(cleaned, ("score", "rating"), True, 'score (a JSON object with "score")')
    score = _in_range(_number(found.value, "the score"), low, high, "the score")
    dims = _principle_scores(found.extra.get("json"), n_principles, low, high)
    return PointwiseAnswer(score, _critique(cleaned, found), dims)


def parse_pairwise(text: str | None) -> PairwiseAnswer:
    cleaned = _prepare(text)
    found = _last(cleaned, ("choice", "verdict", "winner", "better"), True, 'choice (a JSON object with "choice")')
    return PairwiseAnswer(_choice(found.value), _critique(cleaned, found))


def parse_listwise(text: str | None, n: int) -> ListwiseAnswer:
    cleaned = _prepare(text)
    found = _last(cleaned, ("ranking", "rank", "order"), False, 'ranking (a JSON object with "ranking")')
    return ListwiseAnswer(_ranking(found.value, n), _critique(cleaned, found))
