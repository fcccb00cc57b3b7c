"""Find the final answer in a full model response.

Priority, first that applies wins:

1. `\\boxed{...}` / `\\fbox{...}` / `\\boxed 5`: the last one (nested braces handled). All boxed
   answers are returned too, so the reward can apply its several-different-boxes rule.
2. GSM8K's `#### 42`: the last one.
3. An answer marker: "the (final) answer is ...", "Answer: ...", or a final line `A: 42`.
4. The last number of the last line (only when `last_number=True`); a last line that is an
   enumeration (`1, 2, 3, ..., 42`) is returned whole, so it cannot win as "the last number".

Everything is plain `re` and bounded scanning: only the last `_MAX_BOXES` boxes are read, a box
is given up after `_MAX_BOX_CHARS`, markers and numbers are searched in the response's last
`_TAIL` characters, so a 200k-character response costs a few milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Extraction", "extract_answer", "boxed_contents"]

_MAX_BOXES = 16
_MAX_BOX_CHARS = 2000
_TAIL = 4000
_LAST_LINE = 400

_BOX = re.compile(r"\\(?:boxed|fbox)\b")
_PHANTOM = re.compile(r"\\(?:phantom|hphantom|vphantom)\s*\{[^{}]*\}")
_HASHES = re.compile(r"####\s*([^\n]*)")
_MARKER = re.compile(
    r"(?:\b(?:final\s+answer|answer)\s*(?:(?:is|was|would\s+be|will\s+be|should\s+be)\s*[:：=]?|[:：=])"
    r"|^[ \t]*(?:\*\*)?A(?:\*\*)?\s*[:：])[ \t]*(?:\*\*)?[ \t]*",
    re.I | re.M,
)
_NUMBER = re.compile(r"-?\$?\d[\d,]*(?:\.\d+)?%?|-?\.\d+|\\[dt]?frac\{-?\d+\}\{\d+\}")
_ENUMERATION = re.compile(r"(?:(?:-?\d+(?:\.\d+)?|\.\.\.|\\[lc]?dots|…)\s*,\s*){2,}-?\d+(?:\.\d+)?")
_SENTENCE_END = re.compile(r"\n|\.(?=\s|$)|;(?=\s)|\s(?:because|since|which|as)\s")


@dataclass(frozen=True)
class Extraction:
    """What was taken as the final answer, how, and where (`span` indexes the response)."""

    answer: str | None
    method: str  # boxed | gsm8k | marker | last_number | none
    span: tuple[int, int] = (0, 0)
    boxed: tuple[str, ...] = field(default_factory=tuple)


def _box_at(text: str, start: int) -> tuple[str, int] | None:
    """The content of the box whose command ends at `start`, and the index after it."""
    i = start
    while i < len(text) and text[i] in " \t":
        i += 1
    if i >= len(text):
        return None
    if text[i] != "{":  # `\boxed 5`: one token
        m = re.match(r"[^\s$.,;]+", text[i:])
        return (m.group(0), i + m.end()) if m else None
    depth, j, stop = 0, i, min(len(text), i + _MAX_BOX_CHARS)
    while j < stop:
        ch = text[j]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1 : j], j + 1
        elif ch == "\\" and j + 1 < stop:
            j += 1  # skip an escaped brace \{ \}
        j += 1
    return None  # unterminated or too long: not an answer


def boxed_contents(text: str) -> list[tuple[str, int, int]]:
    """The last few non-empty boxed answers, in order: (content, start, end)."""
    starts = [m for m in _BOX.finditer(text)][-_MAX_BOXES:]
    found = []
    for m in starts:
        box = _box_at(text, m.end())
        if box is None:
            continue
        content = _PHANTOM.sub("", box[0]).strip()
        if content:
            found.append((content, m.start(), box[1]))
    return found


def _sentence(text: str, start: int) -> tuple[str, int]:
    """The answer text after a marker: up to the end of its sentence or line."""
    rest = text[start : start + 600]
    # an inline math answer is taken whole, even if it holds periods
    m = re.match(r"\s*(\$\$?|\\\(|\\\[)", rest)
    if m:
        close = {"$": "$", "$$": "$$", "\\(": "\\)", "\\[": "\\]"}[m.group(1)]
        end = rest.find(close, m.end())
        if end != -1:
            return rest[: end + len(close)], start + end + len(close)
    m = _SENTENCE_END.search(rest)
    end = m.start() if m else len(rest)
    return rest[:end], start + end


def extract_answer(text: str, *, last_number: bool = True) -> Extraction:
    """Find the final answer of `text` (see the module docstring for the rules)."""
    boxes = boxed_contents(text)
    if boxes:
        content, start, end = boxes[-1]
        return Extraction(content, "boxed", (start, end), tuple(b[0] for b in boxes))
    offset = max(0, len(text) - _TAIL)
    tail = text[offset:]
    hashes = list(_HASHES.finditer(tail))
    if hashes and hashes[-1].group(1).strip():
        m = hashes[-1]
        return Extraction(m.group(1).strip(), "gsm8k", (offset + m.start(), offset + m.end()))
    for m in reversed(list(_MARKER.finditer(tail))):
        answer, end = _sentence(tail, m.end())
        if answer.strip(" *:$"):
            return Extraction(answer.strip().strip("*").strip(), "marker", (offset + m.start(), offset + end))
    if not last_number:
        return Extraction(None, "none")
    lines = [ln for ln in tail.splitlines() if ln.strip()]
    if not lines:
        return Extraction(None, "none")
    last = lines[-1][-_LAST_LINE:]  # the enumeration pattern backtracks: keep its input short
    line_start = offset + tail.rfind(last)
    enumerations = list(_ENUMERATION.finditer(last))
    numbers = list(_NUMBER.finditer(last))
    if not numbers:
        return Extraction(None, "none")
    m = numbers[-1]
    if enumerations and enumerations[-1].end() >= m.end():
        m = enumerations[-1]  # "1, 2, 3, ..., 42": the whole list is the answer
    return Extraction(m.group(0), "last_number", (line_start + m.start(), line_start + m.end()))
