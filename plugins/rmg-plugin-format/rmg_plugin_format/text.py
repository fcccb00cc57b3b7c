"""Text helpers shared by the format rewards: length units, fenced blocks, JSON parsing."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

__all__ = ["Unit", "count", "fenced_blocks", "json_path", "loads_strict", "tagged_blocks", "words"]

Unit = Literal["words", "chars", "tokens"]

# Han, kana, Hangul and other scripts written without spaces: one character is one word, so a
# Chinese answer is not counted as a single "word".
_CJK = (
    "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0002fa1f\u0e00-\u0e7f"
)
_WORD = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+(?:['’-][^\W{_CJK}]+)*")
# The info string is bounded so that a line of many ``` does not make the scan quadratic.
_FENCE = re.compile(r"```[ \t]*([\w+#.-]{0,40})[^\n`]{0,200}\n(.*?)(?:```|\Z)", re.DOTALL)


def words(text: str) -> list[str]:
    """Words: runs of letters/digits (with inner ' and -); each CJK character is its own word."""
    return _WORD.findall(text)


def count(text: str, unit: Unit) -> int:
    """Length of `text` in `unit`: words (see `words`), characters, or whitespace-split tokens."""
    if unit == "chars":
        return len(text)
    if unit == "tokens":
        return len(text.split())
    return len(words(text))


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) of every ``` fenced block, in order; an unclosed last fence runs to the end."""
    return [(m.group(1).lower(), m.group(2)) for m in _FENCE.finditer(text)]


def tagged_blocks(text: str, tag: str) -> tuple[list[str], bool]:
    """Bodies of `<tag>…</tag>` blocks in order, and whether every opening tag was closed.

    A linear scan with str.find: a regex with `.*?` goes quadratic on many unclosed tags.
    """
    start_tag, end_tag = f"<{tag}>", f"</{tag}>"
    bodies: list[str] = []
    pos = 0
    while (start := text.find(start_tag, pos)) != -1:
        end = text.find(end_tag, start + len(start_tag))
        if end == -1:
            return bodies, False
        bodies.append(text[start + len(start_tag) : end])
        pos = end + len(end_tag)
    return bodies, True


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads_strict(text: str) -> Any:
    """`json.loads` without Python's extensions (NaN, Infinity), and with a readable error.

    Raises ValueError with the line and column of the problem.
    """
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise ValueError("invalid JSON: nested too deeply") from None


def json_path(parts: Any) -> str:
    """A JSON path like `$.items[2].price` from a sequence of keys and indexes."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(part)):
            out += f".{part}"
        else:
            out += f"[{json.dumps(str(part), ensure_ascii=False)}]"
    return out
