"""Is a predicted answer equivalent to the gold one? Fast paths first, sympy last.

Order: exact string after `clean` -> exact rationals (`to_number`) -> structure (sets are
unordered; tuples, points and intervals are ordered and their brackets must agree; plain comma
lists are unordered; matrices cell by cell; each item compared by this same function) -> words
(case-insensitive) and clock times -> closed forms and polynomials evaluated numerically
(`expr.py`) -> Math-Verify (`symbolic.equal`), only for inputs that `symbolic.refusal`
lets through. A prediction that lists several values against a single gold value matches only if
every value it lists does ("hedged" otherwise): listing candidates never wins by containing the
answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from . import symbolic
from .expr import equal_by_value
from .normalize import Number, clean, compact, split_items, to_number

__all__ = ["Verdict", "compare"]

_ABS_TOL = Fraction(5, 10**7)  # as rounding both sides to 6 decimals would
_REL_TOL = Fraction(1, 10**9)  # for large values written in scientific notation
_WORDS = re.compile(r"[A-Za-z][A-Za-z .'-]*")
_MATRIX = re.compile(r"\\begin\{([pbvBV]?matrix|array)\}(?:\{[^{}]*\})?(.*?)\\end\{\1\}", re.S)
_MAX_ITEMS = 64
_TIME = re.compile(r"\d:\d\d")


@dataclass(frozen=True)
class Verdict:
    match: bool
    method: str  # exact | numeric | numeric_expr | ordered | unordered | matrix | text | symbolic | hedged | mismatch | unparsed | refused
    note: str = ""


def _numbers_equal(a: Number, b: Number) -> bool:
    def close(x: Fraction, y: Fraction) -> bool:
        diff = abs(x - y)
        return diff <= _ABS_TOL or diff <= _REL_TOL * abs(y)

    options_a = [a.value, a.value / 100] if a.percent else [a.value]
    options_b = [b.value, b.value / 100] if b.percent else [b.value]
    return any(close(x, y) for x in options_a for y in options_b)


def _bracketed(text: str) -> tuple[str, list[str], str] | None:
    """`(a, b]` -> ("(", [a, b], "]") when one bracket pair spans the whole text."""
    if text.startswith("\\{") and text.endswith("\\}"):
        opener, inner, closer = "{", text[2:-2], "}"
    elif text[:1] in "([" and text[-1:] in ")]":
        opener, inner, closer = text[0], text[1:-1], text[-1]
    else:
        return None
    depth = 0
    for ch in inner:  # the outer pair must enclose everything: not "(1,2) \cup (3,4)"
        depth += 1 if ch in "([{" else -1 if ch in ")]}" else 0
        if depth < 0:
            return None
    return opener, split_items(inner), closer


def _matrix(text: str) -> list[list[str]] | None:
    m = _MATRIX.fullmatch(text.strip())
    if not m:
        return None
    rows = [r for r in re.split(r"\\\\", m.group(2)) if r.strip()]
    return [[c.strip() for c in row.split("&")] for row in rows]


def _all_pairs(preds: list[str], golds: list[str], ordered: bool, depth: int) -> bool:
    if len(preds) != len(golds) or len(preds) > _MAX_ITEMS:
        return False
    if ordered:
        return all(compare(p, g, _depth=depth + 1).match for p, g in zip(preds, golds))
    left = list(preds)
    for g in golds:  # greedy multiset matching; items are compared pairwise at most n^2 times
        hit = next((i for i, p in enumerate(left) if compare(p, g, _depth=depth + 1).match), None)
        if hit is None:
            return False
        left.pop(hit)
    return True


def compare(pred: str, gold: str, *, use_symbolic: bool = True, _depth: int = 0) -> Verdict:
    """Decide whether `pred` states the same answer as `gold` (both raw answer strings)."""
    p, g = clean(pred), clean(gold)
    if not p:
        return Verdict(False, "mismatch", "empty answer")
    if compact(p) == compact(g):
        return Verdict(True, "exact")
    np_, ng = to_number(p), to_number(g)
    if np_ is not None and ng is not None:
        return Verdict(_numbers_equal(np_, ng), "numeric")
    if _depth > 3:
        return Verdict(False, "mismatch", "nested too deep")

    mp, mg = _matrix(p), _matrix(g)
    if mp is not None and mg is not None:
        same_shape = len(mp) == len(mg) and all(len(a) == len(b) for a, b in zip(mp, mg))
        cells = same_shape and _all_pairs([c for r in mp for c in r], [c for r in mg for c in r], True, _depth)
        return Verdict(bool(cells), "matrix")

    bp, bg = _bracketed(p), _bracketed(g)
    if bp is not None and bg is not None and (len(bp[1]) > 1 or len(bg[1]) > 1):
        if bp[0] == bg[0] == "{":
            return Verdict(_all_pairs(bp[1], bg[1], False, _depth), "unordered")
        if (bp[0], bp[2]) == (bg[0], bg[2]):
            return Verdict(_all_pairs(bp[1], bg[1], True, _depth), "ordered")
        if bp[0] != "{" and bg[0] != "{" and len(bp[1]) == len(bg[1]) == 2:
            return Verdict(False, "ordered", "interval ends differ")
    items_p = bp[1] if bp is not None and bp[0] == "{" else split_items(p)
    items_g = bg[1] if bg is not None and bg[0] == "{" else split_items(g)
    if len(items_p) > 1 and len(items_g) == 1:
        if len(items_p) <= _MAX_ITEMS and all(compare(x, g, _depth=_depth + 1).match for x in items_p):
            return Verdict(True, "unordered")
        return Verdict(False, "hedged", f"lists {len(items_p)} values; the reference is one value")
    if len(items_p) > 1 and len(items_g) > 1:
        return Verdict(_all_pairs(items_p, items_g, False, _depth), "unordered")

    if _WORDS.fullmatch(p) and _WORDS.fullmatch(g):
        same = " ".join(p.lower().split()) == " ".join(g.lower().split())
        return Verdict(same, "text")
    if _TIME.search(p) or _TIME.search(g):  # clock times compare as written (spaces and dots aside)
        return Verdict(re.sub(r"[\s.]", "", p).lower() == re.sub(r"[\s.]", "", g).lower(), "text")
    by_value = equal_by_value(p, g)
    if by_value is not None:
        return Verdict(by_value, "numeric_expr")
    if not use_symbolic:
        return Verdict(False, "mismatch", "no fast path decided and symbolic comparison is off")
    for side in (p, g):
        why = symbolic.refusal(side)
        if why:
            return Verdict(False, "refused", why)
    result = symbolic.equal(g, p)
    if result is None:
        return Verdict(False, "unparsed", "the answer could not be parsed as math")
    return Verdict(result, "symbolic")
