"""Find the program in a model response.

Rules, in order:
1. Reasoning is dropped: everything up to the last `</think>` (chat templates often pre-insert the
   opening tag, so only the closing one is trusted).
2. Fenced blocks (``` or ~~~). Blocks tagged python/py/python3 win; untagged blocks are used when
   no block is tagged python; blocks in other languages are ignored. An unterminated last fence
   (a truncated generation) counts up to the end of the text.
3. `block` chooses among several: "last" (default; models put the final version last),
   "longest", or "all" (joined, for answers split over several blocks).
4. No fence at all: the whole response is taken as bare code.
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["extract_code", "extract_diff"]

_FENCE = re.compile(r"^[ \t]*(```+|~~~+)[ \t]*([\w+.#-]*)[^\n]*\n", re.MULTILINE)
_PYTHON = {"python", "py", "python3", "py3", "python2"}

Choice = Literal["last", "longest", "all"]


def _blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced block, in order."""
    blocks = []
    position = 0
    while True:
        opening = _FENCE.search(text, position)
        if opening is None:
            return blocks
        fence, language = opening.group(1), opening.group(2).lower()
        body_start = opening.end()
        closing = re.compile(r"^[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$", re.MULTILINE)
        end = closing.search(text, body_start)
        if end is None:
            blocks.append((language, text[body_start:]))
            return blocks
        blocks.append((language, text[body_start : end.start()]))
        position = end.end()


def _strip_reasoning(text: str) -> str:
    cut = text.rfind("</think>")
    return text[cut + len("</think>") :] if cut >= 0 else text


def _choose(bodies: list[str], block: Choice) -> str:
    bodies = [b.strip("\n") for b in bodies]
    if block == "longest":
        return max(bodies, key=len)
    if block == "all":
        return "\n\n".join(bodies)
    return bodies[-1]


def extract_code(text: str, *, block: Choice = "last") -> str:
    """The Python program in `text` ("" if there is none)."""
    text = _strip_reasoning(text or "")
    if "```" not in text and "~~~" not in text:
        return text.strip("\n")
    blocks = _blocks(text)
    python = [body for language, body in blocks if language in _PYTHON]
    if not python:
        python = [body for language, body in blocks if not language]
    if not python:
        return "" if blocks else text.strip("\n")
    return _choose(python, block).strip("\n")


def extract_diff(text: str) -> str:
    """A unified diff in `text`: the last ```diff / ```patch block, else the text itself."""
    text = _strip_reasoning(text or "")
    blocks = _blocks(text) if ("```" in text or "~~~" in text) else []
    diffs = [body for language, body in blocks if language in ("diff", "patch", "udiff")]
    if not diffs:
        diffs = [body for language, body in blocks if not language and ("\n+" in body or "\n-" in body)]
    return diffs[-1] if diffs else text
