"""A middle path: decide closed forms and polynomial answers by evaluating them, without sympy.

`\\sqrt{12}` vs `2\\sqrt{3}`, `\\frac{\\sqrt2}{2}` vs `\\frac{1}{\\sqrt2}`, `7\\pi` vs `\\pi\\cdot 7`,
`4a-2` vs `-2+4a`, `x^2+2x+1` vs `(x+1)^2`: the LaTeX is rewritten into Python syntax (implicit
products made explicit), parsed with `ast`, and evaluated by a whitelisting evaluator: exactly with
`Fraction` when only rational arithmetic appears, else in floating point (`cmath`), with every
variable set to the same fixed "random" values on both sides (polynomial identity testing: two
different rational functions agree at three generic points with probability ~0).

Anything outside that small grammar (relations, sets, intervals, `\\infty`, functions other than
`\\sqrt`, `e`/`i`, huge magnitudes where floats lose integers) returns None, and the caller goes
on to Math-Verify. Equality is |a-b| <= 1e-9 * max(1, |a|) in floating point.
"""

from __future__ import annotations

import ast
import cmath
import math
import re
from fractions import Fraction

from .arith import BINARY_OPS

__all__ = ["equal_by_value", "relation_by_value", "value_of"]

_REFUSE = re.compile(r"[=<>;|!&_']|\\(?!frac|sqrt|binom|pi\b)|\\infty|\\cup|\\in\b")
_TOKEN = re.compile(r"\s*(\d+\.?\d*|\.\d+|sqrt|binom|pi|[a-zA-Z]|\*\*|[-+*/(),])")
_POINTS = (
    {"default": 1.2345678},
    {"default": -0.7182818},
    {"default": 2.2360679},
)
_MAX_FLOAT = 1e15  # beyond this floats stop representing integers exactly
_MAX_LEN = 200


def _braced(text: str, i: int) -> tuple[str, int] | None:
    """The group starting at text[i] (`{...}` or one character) and the index after it."""
    while i < len(text) and text[i] == " ":
        i += 1
    if i >= len(text):
        return None
    if text[i] != "{":
        return text[i], i + 1
    depth = 0
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[i + 1 : j], j + 1
    return None


def _to_python(latex: str) -> str | None:
    """LaTeX -> a Python expression, or None outside the supported grammar."""
    s = latex.replace("\\cdot", "*").replace("\\times", "*")
    s = re.sub(r"\\[dtc]frac", r"\\frac", s)
    if len(s) > _MAX_LEN or _REFUSE.search(s):
        return None
    for _ in range(20):  # innermost-first is not needed: each pass rewrites the first command
        m = re.search(r"\\(frac|sqrt|binom)", s)
        if not m:
            break
        first = _braced(s, m.end())
        if first is None or first[0].startswith("["):
            return None
        if m.group(1) == "sqrt":
            s = s[: m.start()] + f" sqrt({first[0]}) " + s[first[1] :]
            continue
        second = _braced(s, first[1])
        if second is None:
            return None
        if m.group(1) == "binom":
            s = s[: m.start()] + f" binom(({first[0]}),({second[0]})) " + s[second[1] :]
            continue
        s = s[: m.start()] + f" (({first[0]})/({second[0]})) " + s[second[1] :]
    s = s.replace("\\pi", " pi ").replace("{", "(").replace("}", ")").replace("^", "**")
    if "\\" in s:
        return None
    tokens: list[str] = []
    pos = 0
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if not m:
            return None if s[pos:].strip() else " ".join(tokens)
        token = m.group(1)
        operand_end = tokens and (tokens[-1][0].isalnum() or tokens[-1][0] == "." or tokens[-1] == ")")
        operand_start = token[0].isalnum() or token[0] == "." or token == "("
        if operand_end and operand_start:
            if tokens[-1][0].isdigit() and token[0].isdigit():
                return None  # "2 3": not a product anyone writes
            if tokens[-1] not in ("sqrt", "binom"):
                tokens.append("*")
        tokens.append(token)
        pos = m.end()
    return " ".join(tokens)


class _Refuse(Exception):
    pass


def _eval(node: ast.AST, env: dict[str, complex] | None) -> Fraction | complex:
    """Fraction arithmetic when env is None (no variables, no sqrt / pi), else complex floats."""
    if isinstance(node, ast.Expression):
        return _eval(node.body, env)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return Fraction(str(node.value)) if env is None else complex(node.value)
    if isinstance(node, ast.Name):
        if env is None or node.id not in env:
            raise _Refuse(node.id)
        return env[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _eval(node.operand, env)
        return -value if isinstance(node.op, ast.USub) else value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "sqrt"
        and len(node.args) == 1
    ):
        if env is None:
            raise _Refuse("sqrt")
        return cmath.sqrt(_eval(node.args[0], env))
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "binom"
        and len(node.args) == 2
    ):
        n, k = (_eval(a, env) for a in node.args)
        n, k = (x.real if isinstance(x, complex) and x.imag == 0 else x for x in (n, k))
        if not all(float(x).is_integer() and 0 <= x <= 1000 for x in (n, k)):
            raise _Refuse("binom")
        out = Fraction(math.comb(int(n), int(k)))
        return out if env is None else complex(out)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
        left, right = _eval(node.left, env), _eval(node.right, env)
        if type(node.op) in BINARY_OPS:
            out = BINARY_OPS[type(node.op)](left, right)
        else:
            if abs(right) > 64 or abs(left) > 1e6:
                raise _Refuse("power")
            if isinstance(right, Fraction) and right.denominator != 1:
                raise _Refuse("fractional power")
            out = left ** (int(right) if isinstance(right, Fraction) else right)
        if abs(out) > (Fraction(10) ** 40 if env is None else _MAX_FLOAT):
            raise _Refuse("magnitude")
        return out
    raise _Refuse(type(node).__name__)


def _values(expr: str, variables: set[str]) -> list[Fraction | complex] | None:
    try:
        tree = ast.parse(expr, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    try:
        if not variables and "sqrt" not in expr and "pi" not in expr:
            return [_eval(tree, None)]
        out = []
        for point in _POINTS:
            env = {v: complex(point["default"] * (1 + 0.37 * k)) for k, v in enumerate(sorted(variables))}
            env["pi"] = complex(math.pi)
            out.append(_eval(tree, env))
        return out
    except (_Refuse, ZeroDivisionError, OverflowError, ValueError, TypeError, RecursionError):
        return None


def equal_by_value(a: str, b: str) -> bool | None:
    """True / False when both cleaned answers evaluate in the small grammar; None otherwise."""
    pa, pb = _to_python(a), _to_python(b)
    if not pa or not pb:
        return None
    names_a = set(re.findall(r"\b[a-zA-Z]\b", pa))
    names_b = set(re.findall(r"\b[a-zA-Z]\b", pb))
    if (names_a | names_b) & {"e", "i"}:
        return None  # e / i may be constants: Math-Verify decides
    if names_a != names_b:
        if names_a and names_b:
            return None  # different variables: Math-Verify decides
        varying = _values(pa or "", names_a) if names_a else _values(pb or "", names_b)
        if varying is None or len({round(complex(v).real, 9) for v in varying}) == 1:
            return None
        return False  # `2x` against `2`: a function of x is not a constant
    va, vb = _values(pa, names_a), _values(pb, names_b)
    if va is None or vb is None:
        return None
    if len(va) != len(vb):  # one side exact, the other floating: compare in floating point
        va, vb = [complex(va[0])] * 3 if len(va) == 1 else va, [complex(vb[0])] * 3 if len(vb) == 1 else vb
    return all(
        abs(x - y) <= (0 if isinstance(x, Fraction) and isinstance(y, Fraction) else 1e-9 * max(1.0, abs(x)))
        for x, y in zip(va, vb)
    )


def value_of(text: str) -> float | None:
    """The real value of a constant closed form (`\\frac{\\sqrt3}{2}`, `2\\pi`), or None."""
    py = _to_python(text)
    if not py or re.search(r"\b[a-zA-Z]\b", py):
        return None
    values = _values(py, set())
    if values is None:
        return None
    v = complex(values[0])
    return v.real if abs(v.imag) <= 1e-12 else None


_ORDER = {"<": 1, "<=": 1, ">": -1, ">=": -1, "=": 0, "!=": 0}


def relation_by_value(p_sides: list[str], p_ops: list[str], g_sides: list[str], g_ops: list[str]) -> bool | None:
    """Two relations `L op R` as one: `2x+4y-3=0` vs `y = -x/2 + 3/4`, `-x > -1` vs `x < 1`.

    Each is read as `L - R` (sides swapped so `>` becomes `<`); they agree when the operators agree
    and the two `L - R` are proportional at the fixed generic points (positively for inequalities).
    None when either side is outside the small grammar or the relation is a chain.
    """
    if len(p_ops) != 1 or len(g_ops) != 1:
        return None
    norm = {">": "<", ">=": "<="}
    ops = []
    values = []
    for sides, op in ((p_sides, p_ops[0]), (g_sides, g_ops[0])):
        left, right = (sides[1], sides[0]) if _ORDER[op] < 0 else (sides[0], sides[1])
        py = _to_python(f"({left})-({right})") if len(left) + len(right) < _MAX_LEN - 8 else None
        if not py:
            return None
        names = set(re.findall(r"\b[a-zA-Z]\b", py))
        if names & {"e", "i"}:
            return None
        ops.append(norm.get(op, op))
        values.append((names, py))
    if ops[0] != ops[1] or values[0][0] != values[1][0] or not values[0][0]:
        return None if ops[0] == ops[1] else False
    va, vb = _values(values[0][1], values[0][0]), _values(values[1][1], values[1][0])
    if va is None or vb is None or len(va) != len(vb):
        return None
    ratios = []
    for x, y in zip(va, vb):
        x, y = complex(x), complex(y)
        if abs(y) < 1e-12 or abs(x) < 1e-12:
            if abs(x) > 1e-9 or abs(y) > 1e-9:
                return False
            continue
        ratios.append(x / y)
    if not ratios:
        return None
    first = ratios[0]
    same = all(abs(r - first) <= 1e-9 * max(1.0, abs(first)) for r in ratios)
    if ops[0] in ("<", "<="):
        return same and first.real > 0 and abs(first.imag) < 1e-9
    return same
