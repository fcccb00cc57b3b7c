"""Find the arithmetic claims in a step of working and check them, safely.

A claim is a GSM8K calculator annotation `<<16-3-4=9>>` or an inline equality whose left side is
arithmetic on numbers (`16 - 3 - 4 = 9`, `\\frac{3}{4} \\times 8 = 6`, `$2 * 13 = $26`). A left
side that is a single number or holds a variable (`x + 3 = 7`) is not a claim we can check.

Evaluation never uses `eval`: the expression is parsed with `ast` and only numbers, + - * / %,
unary signs and small integer powers are allowed, computed exactly with `Fraction`, so a hostile
step (`9**9**9**9`, 10,000 nested parentheses) is refused instead of hanging the worker.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

__all__ = ["Claim", "check_claims", "find_claims", "safe_eval"]

_MAX_EXPR = 200
_MAX_CLAIMS = 50
_MAX_POWER = 64
_MAX_MAGNITUDE = Fraction(10) ** 60

_ANNOTATION = re.compile(r"<<([^<>=]{1,200})=([^<>]{1,40})>>")
_LATEX_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]{1,60})\}\s*\{([^{}]{1,60})\}")
_RIGHT_NUMBER = re.compile(r"[ \t$\\]*(-?\s*\d(?:\d{0,2}(?:,\d{3})+|\d*)(?:\.\d+)?)(?!\d)\s*(%)?")
_VULGAR = str.maketrans({"½": "(1/2)", "⅓": "(1/3)", "⅔": "(2/3)", "¼": "(1/4)", "¾": "(3/4)", "⅕": "(1/5)"})
_LEFT_CHARS = set("0123456789.+-*/()% \t$")


@dataclass(frozen=True)
class Claim:
    expression: str  # as evaluated (plain arithmetic)
    claimed: str  # the stated result
    value: Fraction | None  # the true value (None: could not evaluate)
    correct: bool | None  # None: not checkable


def _plain(text: str) -> str:
    """LaTeX and typography to plain arithmetic (spans that are not arithmetic stay as they are)."""
    s = text.translate(_VULGAR)
    for _ in range(3):  # nested fractions, bounded
        s = _LATEX_FRAC.sub(r"((\1)/(\2))", s)
    s = re.sub(r"\\(?:times|cdot|ast)|×|·|∗", "*", s)
    s = re.sub(r"\\div|÷", "/", s)
    s = re.sub(r"\\left|\\right|\\[()\[\]]|\\[,;!]", " ", s)
    s = re.sub(r"(?<![\d.])(\d+)\s+(\d+)/(\d+)\b", r"(\1+\2/\3)", s)  # a mixed number: 3 1/2
    s = s.replace("−", "-").replace("–", "-").replace("\\%", "%").replace("{", "(").replace("}", ")").replace("^", "**")
    return re.sub(r"(?<=\d) ?[xX] ?(?=[\d($])", " * ", s)


# The four operations both evaluators (this one and expr's) apply as they are; powers get bounds.
BINARY_OPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def _evaluate(node: ast.AST) -> Fraction:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return Fraction(str(node.value))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _evaluate(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left), _evaluate(node.right)
        if type(node.op) in BINARY_OPS:
            out = BINARY_OPS[type(node.op)](left, right)  # ZeroDivisionError: not checkable
        elif isinstance(node.op, ast.Pow):
            if right.denominator != 1 or abs(right) > _MAX_POWER or abs(left) > 10**6:
                raise ValueError("power too large to check")
            out = left ** int(right)
        else:
            raise ValueError(f"operator {type(node.op).__name__} is not arithmetic we check")
        if abs(out) > _MAX_MAGNITUDE:
            raise ValueError("value too large to check")
        return out
    raise ValueError(f"{type(node).__name__} is not arithmetic")


def safe_eval(expression: str) -> Fraction:
    """The exact value of plain arithmetic; raises ValueError / ZeroDivisionError otherwise."""
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", expression)
    text = re.sub(r"(\d+(?:\.\d+)?)\s*%", r"(\1/100)", text).replace("$", "")
    if len(text) > _MAX_EXPR or text.count("(") > 30:
        raise ValueError("expression too long to check")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ValueError(f"not arithmetic: {exc}") from None
    return _evaluate(tree)


def _balance(expr: str) -> str:
    """Drop the unmatched parentheses that belong to the surrounding prose."""
    while expr.count(")") > expr.count("(") and ")" in expr:
        expr = expr[1:] if expr.startswith(")") else expr[: expr.rindex(")")] + expr[expr.rindex(")") + 1 :]
    while expr.count("(") > expr.count(")") and "(" in expr:
        expr = expr[: expr.index("(")] + expr[expr.index("(") + 1 :]
    return expr.strip()


def _run(text: str, start: int, step: int) -> int:
    """Index where the arithmetic run starting at `start` ends (step -1: walking left)."""
    i, n = start, len(text)
    for _ in range(_MAX_EXPR):
        j = i - 1 if step < 0 else i
        if j < 0 or j >= n:
            break
        ch = text[j]
        if ch in _LEFT_CHARS or (
            ch == "," and 0 < j < n - 1 and text[j - 1].isdigit() and re.match(r"\d{3}(?!\d)", text[j + 1 : j + 5])
        ):
            i += step
        else:
            break
    return i


def _has_operator(expr: str) -> bool:
    return re.search(r"[\d)%]\s*(?:[-+*/]|\*\*)\s*[-(\d$.]", expr) is not None


def find_claims(text: str) -> list[tuple[str, str]]:
    """(expression, stated result) pairs of a step: annotations, then inline equalities.

    An inline equality is skipped when its left side starts with an operator or follows a word
    glued to a number ("9 hours * 2/3 = 6": the left operand is not all arithmetic), and when its
    right side is an annotation (the annotation is checked instead).
    """
    claims = [(m.group(1), m.group(2).strip()) for m in _ANNOTATION.finditer(text)]
    plain = _plain(_ANNOTATION.sub(" § ", text))
    start = 0
    while len(claims) < _MAX_CLAIMS:
        eq = plain.find("=", start)
        if eq == -1:
            break
        start = eq + 1
        if plain[eq + 1 : eq + 2] == "=" or plain[eq - 1 : eq] in "<>!=":
            continue
        left_start = _run(plain, eq, -1)
        raw_left = plain[left_start:eq].strip(" \t$")
        if (
            not raw_left
            or raw_left[0] in "*/+%"
            or re.search(r"\d\s*[A-Za-z_]$", plain[max(0, left_start - 12) : left_start])
        ):
            continue
        right_end = _run(plain, eq + 1, 1)
        raw_right = plain[eq + 1 : right_end].strip(" \t$").rstrip(".").strip()
        if raw_right[-1:] in "*/+-(" or (
            raw_right.count("(") != raw_right.count(")") and re.match(r"[A-Za-z]", plain[right_end : right_end + 1])
        ):
            continue  # "= (6 * x)": the right side goes on beyond the arithmetic
        left, right = _balance(raw_left), _balance(raw_right)
        if left and right and _has_operator(left) and re.match(r"-?\s*[\d(.]", right):
            claims.append((left, right))
    return claims[:_MAX_CLAIMS]


def _agrees(value: Fraction, claimed: str) -> bool:
    percent = claimed.endswith("%")
    body = claimed[:-1] if percent else claimed
    stated = safe_eval(body)
    options = [stated, stated / 100] if percent else [stated]  # "18/450*100 = 4%"
    single = re.fullmatch(r"-?\d[\d,]*\.(\d+)", body.strip())
    for option in options:
        if single and option == stated:  # "10/3 = 3.33": rounded to its last stated digit is right
            if abs(value - option) < Fraction(1, 2 * 10 ** len(single.group(1))) + Fraction(1, 10**9):
                return True
        elif abs(value - option) <= Fraction(1, 10**9) * max(1, abs(value)):
            return True
    return False


def check_claims(text: str) -> list[Claim]:
    """Every claim of a step, evaluated."""
    out = []
    for expr, claimed in find_claims(text):
        try:
            value = safe_eval(expr)
            out.append(Claim(expr, claimed, value, _agrees(value, claimed)))
        except (ValueError, ZeroDivisionError, OverflowError):
            out.append(Claim(expr, claimed, None, None))
    return out
