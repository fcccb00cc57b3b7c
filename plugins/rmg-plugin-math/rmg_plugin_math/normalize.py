"""The fast path: textual normalisation of an answer and exact numeric parsing.

Most answers (GSM8K integers, MATH fractions and decimals) are decided here with regexes and
`fractions.Fraction`, so the common case never imports sympy. `clean` turns the many ways of
writing one answer (`$\\dfrac{1}{2}$`, `\\text{18 dollars}`, `x = 3`, `45^\\circ`) into one
canonical string; `to_number` reads that string as an exact rational when it is a plain number
(integers, separators, decimals, scientific notation, `a/b`, `\\frac`, mixed numbers, percents).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["Number", "clean", "compact", "split_items", "strip_outer", "to_number"]

# Wrappers whose content is the answer itself.
_WRAPPERS = re.compile(r"\\(?:text|textbf|textit|mathrm|mathbf|mbox|operatorname|boxed|fbox|displaystyle)\s*\{")
_SPACING = re.compile(r"(?<!\\)\\[,;: ]|\\quad|\\qquad|~|\\left|\\right|\\big|\\Big|\\bigg|\\Bigg|\\displaystyle")
_DEGREES = re.compile(r"\^\s*\{?\s*\\circ\s*\}?|°|\\degree")
_UNIT_WORDS = (
    "dollars?|cents?|euros?|pounds?|yuan|units?|square|sq|cubic|meters?|metres?|centimeters?|cm|mm|km|"
    "m|inches|inch|in|feet|foot|ft|yards?|yd|miles?|mi|mph|kg|g|grams?|kilograms?|lbs?|ounces?|oz|"
    "liters?|litres?|l|ml|gallons?|hours?|hrs?|h|minutes?|mins?|seconds?|secs?|s|days?|weeks?|months?|"
    "years?|degrees?|deg|percent|points?|people|persons?|students?|children|kids|boys|girls|apples?|"
    "times|pages|books|cookies|eggs|marbles|items|pieces|cups|bottles|boxes|bags|cars|trees|animals|"
    "sheep|cows|dogs|cats|birds|chickens|tickets|hours|each|per|total|approximately|about|only"
)
# Trailing unit words after a number: "18 dollars", "5\text{ cm}^2" (already unwrapped).
_TRAILING_UNITS = re.compile(
    rf"(?<=[\d}}])\s*(?:(?:{_UNIT_WORDS}|[a-zA-Z]{{1,4}}/[a-zA-Z]{{1,4}})\b\.?\s*(?:\^\s*\{{?\d\}}?|²|³)?\s*)+$", re.I
)
# Any other words after a number ("5 bananas"), but not scale words ("1.8 billion").
_TRAILING_WORDS = re.compile(r"(?<=\d)\s+(?!(?:thousand|million|billion|trillion)\b)[A-Za-z]{2,}(?:\s+[A-Za-z]{2,})*$")
_SCALE = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}
_LEADING_WORDS = re.compile(rf"^(?:(?:{_UNIT_WORDS}|is|of|=|:)\s+)+", re.I)
_VAR_ASSIGN = re.compile(r"^[a-zA-Z](?:_\{?\w+\}?)?\s*=\s*(?=[^=])")
_CURRENCY = re.compile(r"\\?\$|€|£|¥|\\euro|\\pounds|USD|Rs\.?")
_FRAC = re.compile(r"\\[dtc]?frac")
_RELATIONS = [
    (re.compile(r"\\{1,2}(?:geq|ge|geqslant)(?![a-z])|≥|=>"), ">="),
    (re.compile(r"\\{1,2}(?:leq|le|leqslant)(?![a-z])|≤|=<"), "<="),
    (re.compile(r"\\{1,2}(?:neq|ne)(?![a-z])|≠"), "!="),
    (re.compile(r"\\gt(?![a-z])"), ">"),
    (re.compile(r"\\lt(?![a-z])"), "<"),
]
_EMPTY = re.compile(r"\\varnothing|∅|\\\{\s*\\\}|\\o\b")
_UNICODE = {
    "\u2212": "-",
    "√": "\\sqrt",
    "π": "\\pi ",
    "×": "\\times ",
    "÷": "/",
    "½": "1/2",
    "¼": "1/4",
    "¾": "3/4",
    "≈": "\\approx ",
    "∈": "\\in ",
    "⟨": "(",
    "⟩": ")",
    "\\langle": "(",
    "\\rangle": ")",
    "–": "-",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}
_SUPER_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
_UNICODE_RE = re.compile("|".join(re.escape(k) for k in _UNICODE))
_TOP_EQ = re.compile(r"(?<![<>!=])=(?!=)")


def _unwrap(text: str) -> str:
    """Replace `\\text{abc}` (and friends) by `abc`, keeping nested braces balanced."""
    for _ in range(20):  # bounded: each pass removes one wrapper
        m = _WRAPPERS.search(text)
        if not m:
            return text
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        inner = text[m.end() : i - 1] if depth == 0 else text[m.end() :]
        text = text[: m.start()] + inner + text[i:]
    return text


def strip_outer(text: str) -> str:
    """Remove math delimiters and sentence punctuation around an answer."""
    s = text.strip()
    for _ in range(4):
        before = s
        s = s.strip().rstrip(".。;,!").strip()
        for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"), ("**", "**")):
            if s.startswith(left) and s.endswith(right) and len(s) >= len(left) + len(right):
                s = s[len(left) : len(s) - len(right)]
        if s == before:
            break
    return s.strip()


def _approx(s: str) -> str:
    """`\\frac13 \\approx 0.33` -> `\\frac13`; `x \\approx 11` -> `11`: an approximation is not the answer."""
    if "\\approx" not in s:
        return s
    left, right = (part.strip() for part in s.split("\\approx", 1))
    if re.fullmatch(r"(?:[A-Za-z](?:_\{?\w+\}?)?\s*=?\s*)?", left):
        return f"{left} {right}".strip() if left.endswith("=") else right
    return left


def _unchain(s: str) -> str:
    """`z = 3+3 = 2` -> `z = 2`: a chain of equalities states its first and last sides."""
    if s.count("=") < 2 or "<" in s or ">" in s or len(split_items(s)) > 1:
        return s
    depth, cuts = 0, []
    for i, ch in enumerate(s):
        depth += 1 if ch in "([{" else -1 if ch in ")]}" else 0
        if depth == 0 and ch == "=" and _TOP_EQ.match(s, i) and (i == 0 or s[i - 1] not in "<>!"):
            cuts.append(i)
    if len(cuts) < 2:
        return s
    if not re.search(r"[A-Za-z]", s[: cuts[0]]):
        return s[cuts[-1] + 1 :].strip()  # `1 = y = x = 0`: the last side
    return f"{s[: cuts[0]].strip()} = {s[cuts[-1] + 1 :].strip()}"


@functools.lru_cache(maxsize=8192)  # pure, and called on the same strings by every stage of a comparison
def clean(text: str, keep_lhs: bool = False) -> str:
    """A canonical string for an answer: wrappers, spacing, units, currency and `x=` removed.

    `keep_lhs`: keep a leading `x =` (the relation readers need it).
    """
    s = _SUPERSCRIPT.sub(lambda m: "^{" + m.group(0).translate(_SUPER_DIGITS) + "}", text)
    s = strip_outer(_UNICODE_RE.sub(lambda m: _UNICODE[m.group(0)], s))
    s = _unwrap(s)
    s = re.sub(r"(?<=\d),\\!\s*(?=\d{3})", ",", s)  # `11,\! 111,\! 100`: a separated number
    s = s.replace("\\!", "")
    s = _SPACING.sub(" ", s)
    s = _DEGREES.sub("", s)
    s = _FRAC.sub(r"\\frac", s)
    s = s.replace("\\%", "%").replace("\\cdot", "*").replace("\\times", "*").replace("−", "-")
    s = _EMPTY.sub(r"\\emptyset", s).replace("∞", "\\infty").replace("\\infin ", "\\infty ")
    s = s.replace("\\dots", "...").replace("\\ldots", "...").replace("\\cdots", "...")
    for pattern, op in _RELATIONS:
        s = pattern.sub(op, s)
    s = re.sub(r"\+\s*\\infty", r"\\infty", s)
    s = _CURRENCY.sub("", s)
    s = strip_outer(s)
    if s.startswith("{") and s.endswith("}") and _balanced(s[1:-1]):
        s = s[1:-1].strip()  # `{1,3}`: a TeX group, not a set (a set is written `\{1,3\}`)
    s = re.sub(r"\)\s*or\s*\(", "), (", s)
    s = _approx(s)
    s = _unchain(s)
    if not keep_lhs:
        s = _VAR_ASSIGN.sub("", s)
    s = _LEADING_WORDS.sub("", s)
    s = _TRAILING_UNITS.sub("", s).strip()
    s = _TRAILING_WORDS.sub("", s).strip()
    s = s.rstrip(".").strip()
    # "(A)" / "A)" for multiple choice
    m = re.fullmatch(r"\(?([A-Ea-e])\)", s)
    if m:
        s = m.group(1)
    if len(s) == 1 and s.isalpha() and s.upper() in "ABCDE":
        s = s.upper()
    return s


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if depth < 0:
            return False
    return depth == 0


def compact(text: str) -> str:
    """`clean` text with all whitespace and `{,}` separators removed, for exact comparison."""
    return re.sub(r"\s+", "", text).replace("{,}", ",")


# -- numbers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    value: Fraction
    percent: bool = False


_INT = r"\d+"
_SEP_INT = r"\d{1,3}(?:(?:,|\{,\}|\\,| |')\d{3})+"
_DEC = rf"(?:{_SEP_INT}|{_INT})?(?:\.\d+)?"
_PLAIN = re.compile(rf"([+-]?)\s*((?:{_SEP_INT}|{_INT})(?:\.\d*)?|\.\d+)(?:\s*[eE]\s*([+-]?\d{{1,4}}))?")
_SCI = re.compile(r"(?:([+-]?\d+(?:\.\d+)?)\s*(?:\*|x|×|\\times|\\cdot)\s*)?10\s*\^\s*\{?\s*([+-]?\d{1,4})\s*\}?")
_BRACED = r"\{\s*([+-]?\s*\d+(?:\.\d+)?)\s*\}|(\d)"
_LATEX_FRAC = re.compile(rf"([+-]?)\s*(\d+)?\s*\\frac\s*(?:{_BRACED})\s*(?:{_BRACED})")
_DECIMAL_COMMA = re.compile(r"([+-]?)(\d+),(\d+)")
_SLASH = re.compile(r"([+-]?)\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)")


def _plain(text: str) -> Fraction | None:
    m = _PLAIN.fullmatch(text)
    if not m:
        return None
    if re.match(r"0(?:,|\{,\}|\\,| )", m.group(2)):
        return None  # `0,111` is a decimal comma, not a thousands separator
    digits = re.sub(r",|\{,\}|\\,| |'", "", m.group(2))
    if digits.endswith("."):
        digits = digits[:-1]
    value = Fraction(digits)
    if m.group(3):
        value *= Fraction(10) ** int(m.group(3))
    return -value if m.group(1) == "-" else value


@functools.lru_cache(maxsize=8192)
def to_number(text: str) -> Number | None:
    """Read a cleaned answer as an exact number, or None when it is not a plain number."""
    s = text.strip()
    if not s or len(s) > 80:
        return None
    scale = 0
    m = re.fullmatch(r"(.*\d)\s*(thousand|million|billion|trillion)", s, re.I)
    if m:
        s, scale = m.group(1), _SCALE[m.group(2).lower()]
    percent = s.endswith("%")
    if percent:
        s = s[:-1].strip()
    bracketed = s.startswith("(") and s.endswith(")") and s.count("(") == 1
    s = s.strip("()") if bracketed else s
    value = _plain(s)
    if value is None and not bracketed:
        m = _DECIMAL_COMMA.fullmatch(s)  # `2,74`, `0,111`, `1000,99`: not a thousands separator
        if m and not (len(m.group(3)) == 3 and m.group(2) != "0" and len(m.group(2)) <= 3):
            value = Fraction(f"{m.group(2)}.{m.group(3)}") * (-1 if m.group(1) == "-" else 1)
    if value is None:
        m = _SCI.fullmatch(s)
        if m:
            value = Fraction(m.group(1) or 1) * Fraction(10) ** int(m.group(2))
    if value is None:
        m = _LATEX_FRAC.fullmatch(s)
        if m:
            sign, whole, n1, n2, d1, d2 = m.groups()
            num, den = Fraction(re.sub(r"\s", "", n1 or n2)), Fraction(re.sub(r"\s", "", d1 or d2))
            if den == 0:
                return None
            value = num / den
            if whole is not None:  # a mixed number: 1\frac{1}{4} = 5/4
                value = int(whole) + value
            value = -value if sign == "-" else value
    if value is None:
        m = _SLASH.fullmatch(s)
        if m and Fraction(m.group(3)) != 0:
            value = Fraction(m.group(2)) / Fraction(m.group(3))
            value = -value if m.group(1) == "-" else value
    if value is None:
        return None
    return Number(value * 10**scale, percent)


# -- lists -----------------------------------------------------------------------------------------

_OPEN, _CLOSE = "([{", ")]}"


def split_items(text: str) -> list[str]:
    """Split at top-level commas / semicolons / ' and ' / ' or ' (not inside brackets or braces).

    A comma between digit groups (`1,000`) is a thousands separator, not a list separator.
    """
    items: list[str] = []
    depth, start, i, n = 0, 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0 and ch in ",;":
            if (
                ch == ","
                and re.match(r"\d{3}(?!\d)", text[i + 1 : i + 5])
                and re.search(r"(?:^|[^\d.])\d{1,3}$", text[start:i])
                and _separator_run(text, start, i)
            ):
                i += 1
                continue
            items.append(text[start:i])
            start = i + 1
        elif depth == 0 and text.startswith((" and ", " or "), i):
            items.append(text[start:i])
            i += 4 if text.startswith(" and ", i) else 3
            start = i
            continue
        i += 1
    items.append(text[start:])
    return [item.strip() for item in items if item.strip()]


def _separator_run(text: str, start: int, i: int) -> bool:
    """Is the comma at i part of a `d,ddd,ddd` number that spans its whole list item?"""
    end = text.find(",", i + 1)
    while (
        end != -1 and re.fullmatch(r"\d{3}", text[end - 3 : end]) and re.match(r"\d{3}(?!\d)", text[end + 1 : end + 5])
    ):
        end = text.find(",", end + 1)
    item = text[start : end if end != -1 else len(text)].strip()
    return re.fullmatch(rf"[+-]?\$?{_SEP_INT}(?:\.\d+)?\s*%?", item) is not None
