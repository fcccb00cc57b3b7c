"""What kind of answer is this, and the structural readings of intervals and relations.

`kind_of` names the kind of a (cleaned) answer for the reason a user reads: integer, decimal,
fraction, scientific, percentage, expression (radicals, pi, variables), interval, set, tuple,
matrix, relation (an inequality), equation, choice (a letter A-E), text.

`intervals` reads an interval, a union of intervals, `\\mathbb{R}`, `x \\in [a, b]` or a
one-variable inequality (`x \\geq 5`, `5 \\leq x`, `-2 < x \\le 7`, `x \\neq 3`, `x < 1 or x > 2`)
as a list of `Interval`s, so all of them compare structurally, without sympy: this is the path
that made interval answers ~100x cheaper than the symbolic one.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .expr import value_of
from .normalize import split_items, to_number

__all__ = ["RELATION", "Interval", "intervals", "kind_of", "relation_parts"]

INF = float("inf")
_INFINITY = re.compile(r"^([+-]?)\s*(?:\\infty|\\infin|inf|oo|infinity)$")
_REALS = re.compile(
    r"(?:the\s+set\s+of\s+)?all\s+real\s+numbers|\\mathbb\s*\{?\s*R\s*\}?|ℝ|\\R\b|\\Reals\b|\(\s*-\s*\\infty\s*,\s*\+?\s*\\infty\s*\)"
)
_IN = re.compile(r"^[A-Za-z](?:_\{?\w+\}?)?\s*(?:\\in|∈)\s*")
_BUILDER = re.compile(r"\\\{\s*[A-Za-z]\s*(?:\\mid|\||:)\s*(.+)\\\}")
_ABS = re.compile(r"\|\s*([A-Za-z])\s*\||\\[lr]?vert\s*([A-Za-z])\s*\\[lr]?vert")
_UNION = re.compile(r"\\cup|∪|\s+U\s+")
_OR = re.compile(r"\s+(?:or|\\text\{\s*or\s*\}|\\lor|\\vee)\s+|\s*\\text\{\s*or\s*\}\s*|\s*\\lor\s*|\s*\\vee\s*")
# A relation operator, canonical spellings first (clean has already turned \geq etc. into these).
RELATION = re.compile(r"<=|>=|!=|<|>|=")
_VAR = re.compile(r"^[A-Za-z](?:_\{?\w+\}?)?(?:\([a-z]\))?$")


@dataclass(frozen=True)
class Interval:
    lo: float
    hi: float
    lo_closed: bool
    hi_closed: bool
    lo_text: str
    hi_text: str


def _endpoint(text: str) -> tuple[float, str] | None:
    t = text.strip()
    m = _INFINITY.match(t)
    if m:
        return (-INF if m.group(1) == "-" else INF), ("-inf" if m.group(1) == "-" else "inf")
    value = value_of(t)
    if value is None:
        return None
    return value, t


def _bracket_interval(text: str) -> Interval | None:
    t = text.strip()
    if len(t) < 5 or t[0] not in "([" or t[-1] not in ")]":
        return None
    depth = 0
    for ch in t[1:-1]:
        depth += 1 if ch in "([{" else -1 if ch in ")]}" else 0
        if depth < 0:
            return None
    items = split_items(t[1:-1])
    if len(items) != 2 or any(";" in i for i in items):
        return None
    lo, hi = _endpoint(items[0]), _endpoint(items[1])
    if lo is None or hi is None or lo[0] > hi[0]:
        return None
    return Interval(lo[0], hi[0], t[0] == "[" and lo[0] != -INF, t[-1] == "]" and hi[0] != INF, lo[1], hi[1])


def relation_parts(text: str) -> tuple[list[str], list[str]] | None:
    """`a < x <= b` -> (["a", "x", "b"], ["<", "<="]), split at top-level relation operators."""
    sides, ops, depth, start, i = [], [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0:
            m = RELATION.match(text, i)
            if m:
                sides.append(text[start:i].strip())
                ops.append(m.group(0))
                i = start = m.end()
                continue
        i += 1
    sides.append(text[start:].strip())
    if not ops or not all(sides) or len(split_items(text)) > 1:
        return None
    return sides, ops


_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "=", "!=": "!="}


def _from_relation(text: str) -> tuple[str, list[Interval]] | None:
    parts = relation_parts(text)
    if parts is None:
        return None
    sides, ops = parts
    if len(sides) == 2:
        if _VAR.match(sides[1]) and not _VAR.match(sides[0]):
            sides, ops = sides[::-1], [_FLIP[ops[0]]]
        var, op = sides[0], ops[0]
        if not _VAR.match(var):
            return None
        c = _endpoint(sides[1])
        if c is None or abs(c[0]) == INF:
            return None
        v, t = c
        table = {
            "<": [Interval(-INF, v, False, False, "-inf", t)],
            "<=": [Interval(-INF, v, False, True, "-inf", t)],
            ">": [Interval(v, INF, False, False, t, "inf")],
            ">=": [Interval(v, INF, True, False, t, "inf")],
            "!=": [Interval(-INF, v, False, False, "-inf", t), Interval(v, INF, False, False, t, "inf")],
        }
        return (var, table[op]) if op in table else None
    if len(sides) == 3 and _VAR.match(sides[1]) and not _VAR.match(sides[0]):
        if all(o in ("<", "<=") for o in ops):
            lo_s, hi_s, lo_op, hi_op = sides[0], sides[2], ops[0], ops[1]
        elif all(o in (">", ">=") for o in ops):
            lo_s, hi_s, lo_op, hi_op = sides[2], sides[0], ops[1], ops[0]
        else:
            return None
        lo, hi = _endpoint(lo_s), _endpoint(hi_s)
        if lo is None or hi is None or lo[0] > hi[0]:
            return None
        return sides[1], [Interval(lo[0], hi[0], lo_op == "<=", hi_op == "<=", lo[1], hi[1])]
    return None


def _cut(i: Interval, point: float) -> list[Interval]:
    """`i` without `point`: two pieces open at the point when it lies inside."""
    if not (i.lo < point < i.hi or (point == i.lo and i.lo_closed) or (point == i.hi and i.hi_closed)):
        return [i]
    text = f"{point:g}"
    left = Interval(i.lo, point, i.lo_closed, False, i.lo_text, text)
    right = Interval(point, i.hi, False, i.hi_closed, text, i.hi_text)
    return [p for p in (left, right) if p.lo < p.hi]


def _mirror(i: Interval) -> list[Interval]:
    """{x : |x| in i}: `|x| > 3` -> (-inf,-3) U (3,inf), `1 <= |z| <= 3/2` -> [-3/2,-1] U [1,3/2]."""
    if i.hi < 0 or (i.hi == 0 and not i.hi_closed):
        return []
    neg_hi = "inf" if i.hi == INF else f"-({i.hi_text})"
    if i.lo < 0 or (i.lo == 0 and i.lo_closed):
        return [Interval(-i.hi, i.hi, i.hi_closed, i.hi_closed, neg_hi, i.hi_text)]
    neg_lo = f"-({i.lo_text})"
    return [Interval(-i.hi, -i.lo, i.hi_closed, i.lo_closed, neg_hi, neg_lo), i]


def intervals(text: str) -> tuple[str | None, list[Interval]] | None:
    """The intervals `text` states (and the variable, when written as a relation), or None."""
    builder = _BUILDER.fullmatch(text.strip())  # `\{x \mid x > 2\}`
    text = builder.group(1) if builder else text
    s, member = text.strip(), _IN.match(text.strip())
    if member:
        s = s[member.end() :]
    s = _REALS.sub(lambda _: "(-\\infty,\\infty)", s)
    if "=" in s or "<" in s or ">" in s:
        pieces = _OR.split(s)
        var = None
        out: list[Interval] = []
        for piece in pieces:
            piece = piece.strip()
            absolute = _ABS.search(piece)
            if absolute:  # |x| in place of x: read for y = |x|, then mirrored
                piece = piece[: absolute.start()] + absolute.group(1) + piece[absolute.end() :]
            read = _from_relation(piece)
            if read is None or (var is not None and read[0] != var):
                return None
            var = read[0]
            out.extend(part for i in read[1] for part in (_mirror(i) if absolute else [i]))
        return var, sorted(out, key=lambda i: (i.lo, i.hi))
    removed: list[float] = []
    if "\\setminus" in s:  # `\\mathbb{R} \\setminus \\{2\\}`: the points are cut out
        s, _, points = s.partition("\\setminus")
        points = points.strip()
        if not (points.startswith("\\{") and points.endswith("\\}")):
            return None
        for item in split_items(points[2:-2]):
            value = _endpoint(item)
            if value is None or abs(value[0]) == INF:
                return None
            removed.append(value[0])
    out = []
    for piece in _UNION.split(s):
        one = _bracket_interval(piece)
        if one is None:
            return None
        out.append(one)
    for point in removed:
        out = [part for i in out for part in _cut(i, point)]
    name = member.group(0).split("\\")[0].replace("∈", "").strip() if member else None
    return name, sorted(out, key=lambda i: (i.lo, i.hi))


@functools.lru_cache(maxsize=4096)
def kind_of(answer: str) -> str:
    """The kind of a raw answer string, for the reason text."""
    from .normalize import clean  # local: clean is cheap, the import keeps module order simple

    s = clean(answer)
    if not s:
        return "text"
    if re.search(r"\\begin\{[pbvBV]?matrix\}|\\begin\{array\}", s):
        return "matrix"
    if re.fullmatch(r"[A-E]", s):
        return "choice"
    number = to_number(s)
    if number is not None:
        if number.percent:
            return "percentage"
        if re.search(r"\\times\s*10|\*\s*10\s*\^|\d[eE][+-]?\d", s):
            return "scientific"
        if re.search(r"\\frac|/", s):
            return "fraction"
        return "integer" if number.value.denominator == 1 and "." not in s else "decimal"
    if s.startswith("\\{") or s in ("\\emptyset",):
        return "set"
    if re.search(r"\\cup|\\infty|\\mathbb|\\in\b", s):
        return "interval"
    parts = relation_parts(s)
    if parts is not None:
        return "equation" if set(parts[1]) == {"="} else "relation"
    if s[:1] in "([" and s[-1:] in ")]" and len(split_items(s[1:-1])) > 1:
        return "interval" if (s[0] + s[-1]) in ("[)", "(]", "[]") else "tuple"
    if len(split_items(s)) > 1:
        return "set"
    if re.fullmatch(r"[A-Za-z][A-Za-z .'-]*", s) and len(s) > 1:
        return "text"
    return "expression"
