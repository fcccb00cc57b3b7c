"""Shared text helpers: reading the reference, SQuAD-style normalisation, word tokenisation.

Normalisation follows the official SQuAD v1.1 evaluation script (lower-case, drop punctuation,
drop the articles a/an/the, collapse whitespace) so `general.exact_match` and `general.f1` give
the numbers papers report; each step can be switched off. Tokenisation for ROUGE follows Google's
`rouge-score` on ASCII text (lower-case, runs of letters and digits) but keeps non-ASCII letters
and splits CJK text into single characters, where `rouge-score` would silently drop them.
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Any

import rmg

__all__ = ["extract_answer", "normalize_answer", "references", "word_tokens"]

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE | re.IGNORECASE)
_ASCII_PUNCT = frozenset(string.punctuation)
# A CJK ideograph, kana or hangul syllable is a word on its own; otherwise a run of letters/digits.
_WORD = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]|[^\W_]+",
    re.UNICODE,
)


def references(value: Any, reward: str) -> list[str]:
    """The acceptable answers in a sample's reference: a string, a number, or a list of them.

    Raises `rmg.InvalidInput` naming the reward and the problem, so a bad row is reported as
    invalid input rather than scored 0.
    """
    if value is None:
        raise rmg.InvalidInput(f"{reward} needs a reference (the gold text); the sample has none")
    items = value if isinstance(value, (list, tuple)) else [value]
    if not items:
        raise rmg.InvalidInput(f"{reward}: the reference is an empty list")
    out: list[str] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise rmg.InvalidInput(
                f"{reward}: a reference must be a string or a list of strings, got {type(item).__name__}"
            )
        text = str(item)
        if not text.strip():
            raise rmg.InvalidInput(f"{reward}: the reference is an empty string")
        out.append(text)
    return out


def normalize_answer(
    text: str,
    *,
    lowercase: bool = True,
    remove_punctuation: bool = True,
    remove_articles: bool = True,
    collapse_whitespace: bool = True,
) -> str:
    """SQuAD's `normalize_answer`, with each step optional (same order as the official script)."""
    if lowercase:
        text = text.lower()
    if remove_punctuation:
        # SQuAD drops ASCII punctuation; Unicode punctuation (curly quotes, CJK marks) goes too.
        text = "".join(ch for ch in text if ch not in _ASCII_PUNCT and not unicodedata.category(ch).startswith("P"))
    if remove_articles:
        text = _ARTICLES.sub(" ", text)
    if collapse_whitespace:
        text = " ".join(text.split())
    return text


def extract_answer(response: str, pattern: str | None, reward: str) -> str:
    """The part of the response to compare: the last match of `pattern` (its group 1 if any)."""
    if not pattern:
        return response
    try:
        regex = re.compile(pattern, re.DOTALL)
    except re.error as exc:
        raise rmg.InvalidInput(f"{reward}: answer_pattern {pattern!r} is not a valid regex: {exc}") from None
    last = None
    for last in regex.finditer(response):
        pass
    if last is None:
        return ""
    return last.group(1) if regex.groups else last.group(0)


def word_tokens(text: str, *, lowercase: bool = True) -> list[str]:
    """Words for ROUGE: runs of letters/digits (CJK characters one each), lower-cased."""
    return _WORD.findall(text.lower() if lowercase else text)
