"""Find the final answer in a full model response.

Priority, first that applies wins:

1. `\\boxed{...}` / `\\fbox{...}` / `\\boxed 5`: the last one (nested braces handled). All boxed
   answers are returned too, so the reward can apply its several-different-boxes rule. A
   "final answer is $X$" sentence *after* the last box wins over it (the boxes were working).
2. GSM8K's `#### 42`: the last one.
3. An answer marker: "the (final) answer is ...", "Answer: ...", or a final line `A: 42`; the text
   after it is narrowed (`refine`): a math span, "The volume of $V$ is 120" -> `120`.
4. The last LaTeX math span (`$..$`, `$$..$$`, `\\(..\\)`, `\\[..\\]`) of the response, with the
   spans right before it joined by "and" / "or" / commas (`$x=2$ or $x=-2$`), unless (numeric
   reference) a later sentence holds a number. `x = 1/3 \\approx 0.33` -> `x = 1/3`.
5. The math after the last prose word of the last sentence ("So x >= 5.", "We get \\frac13."), for
   a non-numeric reference or when it holds LaTeX; then the whole response, when it is short and
   is itself math (`[1,2)`, `5/2`, `x >= 5`).
6. With `last_number=True`: a numeric reference takes the last standalone number of the last line
   (never one glued to a word: `AZYUK2A` has none); a last line that is an enumeration
   (`1, 2, 3, ..., 42`) is returned whole, so it cannot win as "the last number". Otherwise: a
   choice letter in prose ("option (C)"), the value after the last "is" of the last sentence,
   or a short text response as a whole.

Everything is plain `re` and bounded scanning: only the last `_MAX_BOXES` boxes are read, a box
is given up after `_MAX_BOX_CHARS`, markers and numbers are searched in the response's last
`_TAIL` characters, so a 200k-character response costs a few milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Extraction", "boxed_contents", "extract_answer"]

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
_STANDALONE = re.compile(
    r"(?<![A-Za-z_\d.,^])(?:-\s?)?\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:[.,]\d+)?(?:\s*/\s*\d+(?!\.\d))?%?(?!\d)"
    r"|(?<![\w.])-?\.\d+|-?\\[dtc]?frac\{-?\d+\}\{\d+\}"
)
_SPAN = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\\(([^\n]+?)\\\)|\$((?:[^$\n\\]|\\.)+?)\$", re.S)
_TEXT_CMD = re.compile(r"\\(?:text|mathrm|textbf|mbox|operatorname)\s*\{[^{}]*\}")
_PROSE_WORD = re.compile(r"[A-Za-z]{3,}")
_IS = re.compile(r"\s(?:is|are|was|equals|be)\s|\s=\s(?=[^=]*$)")
_WHOLE_MAX = 300
_WORDS_ONLY = re.compile(r"[A-Za-z][A-Za-z ,']*")
_PROSE_TOKEN = re.compile(r"\*{0,2}(?!(?:or|and)\b)[A-Za-z]{2,}[,:;]?\*{0,2}")
_CONNECTOR = re.compile(r"\s*(?:,|;|,?\s*and|,?\s*or)\s*")
_CHOICE = re.compile(r"(?:\b(?:option|choice|answer)\s*(?:is\s*)?:?\s*\(?|\()([A-E])\b\)?")
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
            end += len(close)
            while True:  # `$1$ or $2$ or $3$`: the spans joined by connectors are one answer
                more = _CONNECTOR.match(rest, end)
                nxt = _SPAN.match(rest, more.end()) if more else None
                if nxt is None:
                    break
                end = nxt.end()
            return rest[:end], start + end
    m = _SENTENCE_END.search(rest)
    end = m.start() if m else len(rest)
    return rest[:end], start + end


def math_spans(text: str) -> list[re.Match[str]]:
    """The LaTeX math spans of `text` in order: `$$..$$`, `\\[..\\]`, `\\(..\\)`, `$..$` (one line)."""
    return [m for m in _SPAN.finditer(text) if (m.group(1) or m.group(2) or m.group(3) or m.group(4) or "").strip()]


def span_inner(m: re.Match[str]) -> str:
    return next(g for g in m.groups() if g is not None).strip()


# "so 72", "ok 3": a short word before the number is prose, not a product of variables.
_LEAD_WORD = re.compile(r"[A-Za-z]{2,}\s+[-+−]?\d")


def _prose(text: str) -> list[str]:
    """The words of 3+ letters outside LaTeX commands and `\\text{}`."""
    return _PROSE_WORD.findall(re.sub(r"\\[A-Za-z]+", " ", _TEXT_CMD.sub(" ", text)))


def is_math(text: str) -> bool:
    """Is `text` itself a math answer (no prose): at most one word of 3+ letters outside LaTeX commands?"""
    return len(_prose(text)) <= 1 and bool(re.search(r"[\w\\]", text)) and len(text) <= _WHOLE_MAX


def last_number(text: str) -> re.Match[str] | None:
    """The last standalone number of `text` (never one glued after a letter, as in `AZYUK2A`)."""
    found = list(_STANDALONE.finditer(text[-_TAIL:]))
    return found[-1] if found else None


def joined_spans(text: str) -> str | None:
    """`$1$, $2$ and $3$` -> `1, 2, 3`: several math spans joined only by `and` / `or` / commas."""
    spans = math_spans(text)
    if len(spans) < 2:
        return None
    between = [text[a.end() : b.start()] for a, b in zip(spans, spans[1:])]
    outside = text[: spans[0].start()] + text[spans[-1].end() :]
    if not all(_CONNECTOR.fullmatch(x) for x in between) or outside.strip(" .") != "":
        return None
    out = span_inner(spans[0])
    for joint, span in zip(between, spans[1:]):
        out += (" or " if re.search(r"\bor\b", joint) else ", ") + span_inner(span)
    return out


def refine(answer: str, numeric: bool) -> tuple[str, str]:
    """Narrow a marked answer ("The volume of $V$ is 120", "$x = 5 \\approx 5.0$") to its value.

    Returns the narrowed text and what was taken (`whole`, `after_is`, `math_span`, `last_number`).
    """
    s = answer.strip().strip("*").strip()
    joined = joined_spans(s)
    if joined is not None:
        return joined, "math_spans"
    spans = math_spans(s)
    if len(spans) == 1 and spans[0].start() == 0 and spans[0].end() >= len(s.rstrip(".!;,")):
        return span_inner(spans[0]), "math_span"
    said = list(_IS.finditer(s))
    if said and not spans and _WORDS_ONLY.fullmatch(s[: said[-1].start()]) and s[said[-1].end() :].strip():
        inner, how = refine(s[said[-1].end() :], numeric)  # "It is Tuesday." -> "Tuesday."
        return inner, how if how != "whole" else "after_is"
    if is_math(s):
        return s, "whole"
    m = list(_IS.finditer(s))
    if m:
        rest = s[m[-1].end() :].strip()
        if rest:
            inner, how = refine(rest, numeric)
            return inner, how if how != "whole" else "after_is"
    if spans:
        return span_inner(spans[-1]), "math_span"
    if numeric:
        n = last_number(s)
        if n:
            return n.group(0), "last_number"
    return s, "whole"


def _marker(tail: str, offset: int, numeric: bool, after: int = 0) -> Extraction | None:
    for m in reversed(list(_MARKER.finditer(tail))):
        if offset + m.start() < after:
            return None
        answer, end = _sentence(tail, m.end())
        if answer.strip(" *:$"):
            value, how = refine(answer, numeric)
            if value.strip(" *:$."):
                return Extraction(value, f"marker/{how}", (offset + m.start(), offset + end))
    return None


def extract_answer(text: str, *, last_number: bool = True, numeric: bool = True, choice: bool = False) -> Extraction:
    """Find the final answer of `text` (see the module docstring for the rules).

    `numeric`: the reference is a number, so the last-number fallback may apply; `choice`: the
    reference is a choice letter, so "option (C)" in the last sentence is an answer.
    """
    text = text.replace("\u2212", "-")
    offset = max(0, len(text) - _TAIL)
    tail = text[offset:]
    boxes = boxed_contents(text)
    if boxes:
        content, start, end = boxes[-1]
        late = _marker(tail, offset, numeric, after=end)  # "The final answer is $X$" after the last box wins
        if late is not None and re.search(r"final\s+answer", tail[late.span[0] - offset : late.span[1] - offset], re.I):
            return late
        return Extraction(content, "boxed", (start, end), tuple(b[0] for b in boxes))
    hashes = list(_HASHES.finditer(tail))
    if hashes and hashes[-1].group(1).strip():
        m = hashes[-1]
        return Extraction(m.group(1).strip(), "gsm8k", (offset + m.start(), offset + m.end()))
    marked = _marker(tail, offset, numeric)
    if marked is not None:
        return marked
    stripped = text.strip()
    spans = math_spans(tail)
    if spans:
        m = spans[-1]
        whole = m.start() + offset <= len(text) - len(text.lstrip()) and m.end() + offset >= len(text.rstrip())
        if not (numeric and last_number and _number_after(tail, m.end())):
            first = _joined(tail, spans)
            joints = [tail[a.end() : b.start()] for a, b in zip(spans[first:], spans[first + 1 :])]
            answer = _unchain(span_inner(spans[first]))
            for joint, span in zip(joints, spans[first + 1 :]):  # `$x>1$ or $x<-1$` stays a union
                answer += (" or " if re.search(r"\bor\b", joint) else ", ") + _unchain(span_inner(span))
            return Extraction(
                answer,
                "whole_math" if whole else "math_span" if first == len(spans) - 1 else "math_spans",
                (offset + spans[first].start(), offset + m.end()),
            )
    tail_math = _math_tail(lines_of(tail))
    if tail_math and (not numeric or "\\" in tail_math):  # "So x >= 5.", "We get \\frac13."
        return Extraction(tail_math, "sentence_tail", (len(text) - len(tail_math), len(text)))
    if (
        stripped
        and "\n" not in stripped
        and is_math(stripped)
        and not (numeric and (_prose(stripped) or _LEAD_WORD.match(stripped)))
    ):
        value = refine(stripped, numeric)[0] or stripped  # "It is Tuesday." -> "Tuesday."
        return Extraction(value, "whole", (len(text) - len(text.lstrip()), len(text.rstrip())))
    if not last_number:
        return Extraction(None, "none")
    lines = [ln for ln in tail.splitlines() if ln.strip()]
    if not lines:
        return Extraction(None, "none")
    if not numeric:
        if choice:
            letters = list(_CHOICE.finditer(tail[-_LAST_LINE:]))
            if letters:
                return Extraction(letters[-1].group(1), "choice", (len(text) - _LAST_LINE, len(text)))
        sentence = re.split(r"(?<=[.!?])\s+|\n", lines[-1].strip())
        last_sentence = [x for x in sentence if x.strip()][-1][-_LAST_LINE:]
        if _IS.search(last_sentence):  # "Thus the interval is [1, 2)."
            value, _ = refine(last_sentence, numeric)
            if value and (is_math(value) or re.search(r"real\s+numbers", value)):
                return Extraction(value, "last_sentence", (len(text) - len(last_sentence), len(text)))
        if len(stripped) <= 60 and "\n" not in stripped:  # a short text answer ("Tuesday", "odd")
            return Extraction(stripped, "whole", (0, len(text)))
        return Extraction(None, "none")
    last = lines[-1][-_LAST_LINE:]  # the enumeration pattern backtracks: keep its input short
    line_start = offset + tail.rfind(last)
    enumerations = list(_ENUMERATION.finditer(last))
    numbers = list(_STANDALONE.finditer(last))
    if not numbers:
        return Extraction(None, "none")
    m = numbers[-1]
    if enumerations and enumerations[-1].end() >= m.end():
        m = enumerations[-1]  # "1, 2, 3, ..., 42": the whole list is the answer
    return Extraction(m.group(0).strip(), "last_number", (line_start + m.start(), line_start + m.end()))


def lines_of(tail: str) -> str:
    """The last non-empty line of `tail`."""
    lines = [ln for ln in tail[-_LAST_LINE * 2 :].splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def _math_tail(line: str) -> str | None:
    """The math after the last prose word of the last sentence: "Hence the result is \\sqrt3." -> `\\sqrt3.`"""
    sentences = [x for x in re.split(r"(?<=[.!?])\s+", line.strip()) if x.strip()]
    if not sentences:
        return None
    tokens = sentences[-1][-_LAST_LINE:].split()
    start = len(tokens)
    while start > 0 and not _PROSE_TOKEN.fullmatch(tokens[start - 1]):
        start -= 1
    if start == 0 or start == len(tokens):
        return None  # no prose before it (the whole-response rule decides) or nothing after the prose
    found = " ".join(tokens[start:]).rstrip(".!;,")
    return found if re.search(r"[\d\\=<>∞∈∪{}()\[\]]|^[A-Ea-e]$", found) else None


def _joined(tail: str, spans: list[re.Match[str]]) -> int:
    """Index of the first span in a run `$x=2$ or $x=-2$` / `$1$, $2$ and $3$` that ends the response."""
    first = len(spans) - 1
    while first > 0 and _CONNECTOR.fullmatch(tail[spans[first - 1].end() : spans[first].start()]):
        first -= 1
    return first


def _number_after(tail: str, end: int) -> bool:
    """A standalone number in a later sentence than the last math span: the span is not the answer."""
    rest = tail[end:]
    if re.match(r"\s*[.!?](?:\s|$)|\s*\n|\s+[A-Z]", rest) or re.search(r"\.\s*(?:\$\$|\\\])$", tail[:end]):
        return bool(_STANDALONE.search(rest))  # the span ends its sentence: a later number is the answer
    cut = re.search(r"[.!?](?:\s|$)|\n", rest)
    return bool(cut and _STANDALONE.search(rest[cut.end() :]))


def _unchain(span: str) -> str:
    """`x = 5+5+1 = 1/3 \\approx 0.33` -> `x = 1/3`: an approximation is not the answer."""
    parts = re.split(r"\\approx|≈", span, maxsplit=1)
    if len(parts) == 2 and re.fullmatch(r"[A-Za-z](?:_\{?\w+\}?)?\s*", parts[0]):
        return parts[1].strip()  # `x \approx 11`: the variable is not the answer
    return parts[0].strip() or span
