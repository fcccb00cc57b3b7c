"""Is a predicted answer equivalent to the gold one? Fast paths first, sympy last.

Order: exact string after `clean` (also with a leading `x =` / `(p,q) =` dropped when the other
side is a value) -> exact rationals (`to_number`: separators, decimal commas, scientific notation,
percents) -> a word glued to a digit is not a number -> choice letters -> `\\pm` expanded ->
intervals, unions, `x \\in [a,b]`, one-variable inequalities and set-builder sets compared as
intervals (`kinds.intervals`), relations by value (`expr.relation_by_value`) -> structure (sets
unordered with set semantics; tuples, points and intervals ordered and their brackets must agree;
plain comma lists unordered; a bare list against a tuple ordered; matrices cell by cell, a vector
against a tuple; each item compared by this same function) -> words (case-insensitive) and clock
times -> closed forms and polynomials evaluated numerically (`expr.py`) -> Math-Verify
(`symbolic.equal`), only for inputs that `symbolic.refusal` lets through. A prediction that lists
several values against a single gold value matches only if every value it lists does ("hedged"
otherwise): listing candidates never wins by containing the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from . import symbolic
from .expr import equal_by_value, relation_by_value
from .kinds import INF, Interval, intervals, relation_parts
from .normalize import Number, clean, compact, split_items, to_number

__all__ = ["Verdict", "compare"]

_ABS_TOL = Fraction(5, 10**7)  # as rounding both sides to 6 decimals would
_REL_TOL = Fraction(1, 10**9)  # for large values written in scientific notation
_TINY = Fraction(1, 10**3)
_TINY_REL = Fraction(1, 10**6)
_WORDS = re.compile(r"[A-Za-z][A-Za-z .'-]*")
_MATRIX = re.compile(r"\\begin\{([pbvBV]?matrix|array)\}(?:\{[^{}]*\})?(.*?)\\end\{\1\}", re.S)
_MAX_ITEMS = 64
_TIME = re.compile(r"\d:\d\d")


@dataclass(frozen=True)
class Verdict:
    match: bool
    # exact | numeric | numeric_expr | interval | relation | choice | ordered | unordered | matrix | text | symbolic
    # | hedged | mismatch | unparsed | refused
    method: str
    note: str = ""


def _numbers_equal(a: Number, b: Number) -> bool:
    def close(x: Fraction, y: Fraction) -> bool:
        diff = abs(x - y)
        if max(abs(x), abs(y)) < _TINY:  # 9.1e-31 is not 9.1e-30: tiny values compare relatively
            return diff <= _TINY_REL * max(abs(x), abs(y))
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
    t = text.strip()
    if t[:1] in "([" and t[-1:] in ")]" and t[1:].lstrip().startswith("\\begin"):
        t = t[1:-1].strip()  # `\left[\begin{array}..\end{array}\right]`
    if t.startswith("[[") and t.endswith("]]"):  # `[[1, 2], [3, 4]]`, as code writes a matrix
        rows = split_items(t[1:-1])
        if all(r.startswith("[") and r.endswith("]") for r in rows):
            return [split_items(r[1:-1]) for r in rows]
        return None
    m = _MATRIX.fullmatch(t)
    if not m:
        return None
    rows = [r for r in re.split(r"\\\\", m.group(2)) if r.strip()]
    return [[c.strip() for c in row.split("&")] for row in rows]


def _all_pairs(preds: list[str], golds: list[str], ordered: bool, depth: int) -> bool:
    if ordered:
        if len(preds) != len(golds) or len(preds) > _MAX_ITEMS:
            return False
        return all(compare(p, g, _depth=depth + 1).match for p, g in zip(preds, golds))
    # set semantics: duplicates do not count, every item of each side is on the other side
    preds, golds = list(dict.fromkeys(map(compact, preds))), list(dict.fromkeys(map(compact, golds)))
    if len(preds) > _MAX_ITEMS or len(golds) > _MAX_ITEMS:
        return False
    found: set[int] = set()
    for p in preds:
        hits = [i for i, g in enumerate(golds) if compare(p, g, _depth=depth + 1).match]
        if not hits:
            return False
        found.update(hits)
    return len(found) == len(golds)


def _same_intervals(a: list[Interval], b: list[Interval]) -> bool:
    def same(x: float, y: float) -> bool:
        return x == y if INF in (abs(x), abs(y)) else abs(x - y) <= 1e-9 * max(1.0, abs(x))

    return len(a) == len(b) and all(
        same(x.lo, y.lo) and same(x.hi, y.hi) and x.lo_closed == y.lo_closed and x.hi_closed == y.hi_closed
        for x, y in zip(a, b)
    )


_INTERVAL_HINT = re.compile(r"real\s+numbers|\\infty|\\cup|∪|<|>|!=|\\in\b|\\mathbb|ℝ|^[(\[].*[)\]]$")
_MEMBER = re.compile(r"[A-Za-z](?:_\{?\w+\}?)?\s*\\in\s+")
_SIMPLE_LHS = re.compile(r"[^=<>+]{1,24}")


def _strip_lhs(side: str, other: str, pred: bool = False) -> str:
    """`x = 5`, `(p,q) = (3,2)`, `\\frac{NO}{BO} = v` -> the value, when the other side is a value."""
    member = _MEMBER.match(side)
    if member and not _MEMBER.match(other):
        return side[member.end() :].strip()  # `x \\in \\emptyset` against `\\emptyset`
    parts = relation_parts(side)
    if parts is None or parts[1] != ["="] or relation_parts(other) is not None:
        return side
    lhs = parts[0][0]
    if pred and to_number(parts[0][1]) is not None and to_number(other) is not None:
        return parts[0][1]  # a prediction `a + b = 7` / `3 + 4 = 7` against `7` states the value 7
    if _SIMPLE_LHS.fullmatch(lhs) and re.search(r"[A-Za-z]", lhs) and not re.search(r"(?<=[\w)}])\s*-", lhs):
        return parts[0][1]
    return side


def _expand_pm(s: str) -> str:
    """`\\pm 2` -> `\\{+2, -2\\}`; `\\frac{-1 \\pm \\sqrt5}{2}` -> both roots as a set."""
    if s.count("\\pm") + s.count("\\mp") != 1 or "\\{" in s or len(split_items(s)) > 1:
        return s
    sign = "\\pm" if "\\pm" in s else "\\mp"
    a, b = s.replace(sign, "+", 1), s.replace(sign, "-", 1)
    return f"\\{{{a}, {b}\\}}"


def _structure(p: str, g: str, depth: int) -> Verdict | None:
    """Intervals, unions and one-variable inequalities as intervals; relations by value."""
    if _INTERVAL_HINT.search(p) and _INTERVAL_HINT.search(g) and (len(p) < 300 and len(g) < 300):
        ip, ig = intervals(p), intervals(g)
        if ip is not None and ig is not None:
            if ip[0] and ig[0] and ip[0] != ig[0]:
                return Verdict(False, "interval", f"variable {ip[0]} is not {ig[0]}")
            if (
                ip[0] is None
                and ig[0] is None
                and len(ip[1]) == len(ig[1]) == 1
                and INF not in (abs(ip[1][0].lo), abs(ip[1][0].hi), abs(ig[1][0].lo), abs(ig[1][0].hi))
            ):
                return None  # `(1, 2)` vs `(1, 2)`: a point as much as an interval: the tuple path decides
            return Verdict(_same_intervals(ip[1], ig[1]), "interval")
    rp, rg = relation_parts(p), relation_parts(g)
    if rp is not None and rg is not None:
        by_value = relation_by_value(rp[0], rp[1], rg[0], rg[1])
        if by_value is not None:
            return Verdict(by_value, "relation")
        if (
            rp[1] == rg[1]
            and len(rp[0]) == len(rg[0])
            and all(compare(a, b, _depth=depth + 1).match for a, b in zip(rp[0], rg[0]))
        ):
            return Verdict(True, "relation")
        return None
    if (rp is None) != (rg is None):
        ops = (rp or rg)[1]  # type: ignore[index]
        if any(o != "=" for o in ops) and to_number(g if rp is not None else p) is not None:
            return Verdict(False, "relation", "an inequality against a value")
    return None


def compare(pred: str, gold: str, *, use_symbolic: bool = True, _depth: int = 0) -> Verdict:
    """Decide whether `pred` states the same answer as `gold` (both raw answer strings)."""
    pl, gl = clean(pred, keep_lhs=True), clean(gold, keep_lhs=True)
    if not pl:
        return Verdict(False, "mismatch", "empty answer")
    if compact(pl) == compact(gl):
        return Verdict(True, "exact")
    p, g = _strip_lhs(pl, gl, pred=True), _strip_lhs(gl, pl)
    if (p, g) != (pl, gl) and compact(p) == compact(g):
        return Verdict(True, "exact")
    np_, ng = to_number(p), to_number(g)
    if np_ is not None and ng is not None:
        return Verdict(_numbers_equal(np_, ng), "numeric")
    if _depth > 3:
        return Verdict(False, "mismatch", "nested too deep")
    if (p == "\\emptyset") != (g == "\\emptyset") and (np_ is not None or ng is not None):
        return Verdict(False, "unordered", "the empty set is not a number")
    if ng is not None and re.fullmatch(r"[A-Za-z0-9]*[A-Za-z]{2}[A-Za-z0-9]*", p) and re.search(r"\d", p):
        return Verdict(False, "mismatch", "a word, not a number")  # `AZYUK2A`
    choice = (
        re.fullmatch(r"[A-E]", g)
        and len(re.findall(r"\b[A-E]\b", p)) == 1
        and re.match(r"(?i:(?:option|choice|answer)\s*:?\s*)?\(?([A-E])(?:[).:]|\s|$)", p)
    )
    if choice:
        return Verdict(choice.group(1) == g, "choice")
    p, g = _expand_pm(p), _expand_pm(g)
    structural = _structure(p, g, _depth)
    if structural is not None:
        return structural

    if p.count("\\begin") > 1 or g.count("\\begin") > 1:  # matrix arithmetic: sympy's job
        return _symbolic(p, g, use_symbolic)
    mp, mg = _matrix(p), _matrix(g)
    if (mp is None) != (mg is None):  # a row / column vector written as a tuple
        vector = [c for r in (mp or mg or []) for c in r]
        other = _bracketed(g if mp is not None else p)
        if other is not None and other[0] == "(" and (len(mp or mg or []) == 1 or len(vector) == len(mp or mg or [])):
            return Verdict(_all_pairs(vector, other[1], True, _depth), "matrix")
    if mp is not None and mg is not None:
        same_shape = len(mp) == len(mg) and all(len(a) == len(b) for a, b in zip(mp, mg))
        cells = same_shape and _all_pairs([c for r in mp for c in r], [c for r in mg for c in r], True, _depth)
        return Verdict(bool(cells), "matrix")

    bp, bg = _bracketed(p), _bracketed(g)
    if bp is not None and bg is not None and (len(bp[1]) > 1 or len(bg[1]) > 1):
        if (bp[0] == "{") != (bg[0] == "{"):
            return Verdict(False, "unordered", "a set is not a tuple or an interval")
        if bp[0] == bg[0] == "{":
            return Verdict(_all_pairs(bp[1], bg[1], False, _depth), "unordered")
        if (bp[0], bp[2]) == (bg[0], bg[2]):
            return Verdict(_all_pairs(bp[1], bg[1], True, _depth), "ordered")
        if bp[0] != "{" and bg[0] != "{" and len(bp[1]) == len(bg[1]) == 2:
            return Verdict(False, "ordered", "interval ends differ")
    items_p = bp[1] if bp is not None and bp[0] == "{" else split_items(p)
    items_g = bg[1] if bg is not None and bg[0] == "{" else split_items(g)
    for tup, bare in ((bp, items_g), (bg, items_p)):  # `(1, 3)` written without its brackets
        if (
            tup is not None
            and tup[0] == "("
            and tup[2] == ")"
            and len(tup[1]) > 1
            and len(bare) == len(tup[1])
            and (bp is None or bg is None)
        ):
            return Verdict(
                _all_pairs(items_p if tup is bg else tup[1], tup[1] if tup is bg else items_g, True, _depth), "ordered"
            )
    if (p == "\\emptyset") != (g == "\\emptyset") and (bp or bg or len(items_p) > 1 or len(items_g) > 1):
        return Verdict(False, "unordered", "the empty set against a non-empty one")
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
    return _symbolic(p, g, use_symbolic)


def _symbolic(p: str, g: str, use_symbolic: bool) -> Verdict:
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
