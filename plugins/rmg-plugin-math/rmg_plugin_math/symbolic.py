"""The slow path: symbolic equivalence with Math-Verify, bounded before it starts.

Library choice: Math-Verify 0.9.0 (Hugging Face; it drives latex2sympy2_extended and sympy).
Writing our own LaTeX-to-sympy layer would re-solve what it already solves well: sets,
intervals, matrices, relations (`x=3` vs `3`), `\\sqrt`/`\\pi` forms, complex numbers, and the
asymmetric gold/prediction rules. We use it only after the fast paths (`normalize.py`) could
not decide, and import it lazily so a process that only sees plain numbers never loads sympy.

Two things about it are handled here:

- Its timeouts use SIGALRM, which raises off the main thread (0.9.0). We always call it with
  `parsing_timeout=None` / `timeout_seconds=None`; the hard budget is the rmg runner's process
  pool. To keep that budget rarely needed, `refusal` rejects inputs that make sympy explode
  (exponent towers, huge exponents or factorials, deep nesting, long text) before any parse.
- An antlr4 runtime of 4.9.x (pulled in by hydra/omegaconf, e.g. with verl) changes its LaTeX
  parses (`$50\\%$` vs `0.5`). `antlr_notes` reports it; `warn_once` warns on first use.
"""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import re
import threading
import warnings
from typing import Any

__all__ = ["MAX_SYMBOLIC_CHARS", "antlr_notes", "antlr_version", "equal", "notes_for", "refusal", "warn_once"]

MAX_SYMBOLIC_CHARS = 400
_MAX_DEPTH = 10
_MAX_EXPONENT_DIGITS = 4  # 10^{9999} is fine for sympy; 9^{99999999} is not
_NESTED_POWER = re.compile(r"\^\s*\{[^{}]*\^|\^\s*\(?[^{}\s]*\^")
_POWER = re.compile(r"(?:\^|\*\*)\s*\{?\s*\(?\s*[+-]?\s*(\d+)")
_FACTORIAL = re.compile(r"(\d+)\s*\}?\s*!")
_BIG_NUMBER = re.compile(r"\d{200,}")


def refusal(text: str) -> str | None:
    """Why `text` must not be handed to sympy, or None when it is safe to parse."""
    if len(text) > MAX_SYMBOLIC_CHARS:
        return f"the answer is {len(text)} characters long (symbolic limit {MAX_SYMBOLIC_CHARS})"
    depth = deepest = 0
    for ch in text:
        if ch in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "})]":
            depth -= 1
    if deepest > _MAX_DEPTH:
        return f"brackets nest {deepest} deep (limit {_MAX_DEPTH})"
    if depth > 0:
        return "unbalanced brackets"
    if _NESTED_POWER.search(text):
        return "nested exponents (a power tower)"
    for m in _POWER.finditer(text):
        if len(m.group(1)) > _MAX_EXPONENT_DIGITS:
            return f"exponent {m.group(1)[:12]} is too large"
    for m in _FACTORIAL.finditer(text):
        if int(m.group(1)) > 1000:
            return f"factorial of {m.group(1)[:12]} is too large"
    if _BIG_NUMBER.search(text):
        return "a number with 200+ digits"
    return None


class _DropTimeoutWarning(logging.Filter):
    """Math-Verify logs a warning when its timeouts are off; ours is the process pool's."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Timeout is disabled" not in record.getMessage()


_lock = threading.Lock()
_backend: tuple[Any, Any, Any] | None = None


def _math_verify() -> tuple[Any, Any, Any]:
    """Math-Verify's parse, verify and extraction configs, imported on first need (once)."""
    global _backend
    with _lock:
        if _backend is None:
            for name in ("math_verify.parser", "math_verify.grader"):
                logging.getLogger(name).addFilter(_DropTimeoutWarning())
            from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse, verify

            _backend = (parse, verify, (LatexExtractionConfig(), ExprExtractionConfig()))
        return _backend


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> Any:
    parse, _, configs = _math_verify()
    return parse(f"${text}$", extraction_config=configs, parsing_timeout=None)


def equal(gold: str, pred: str) -> bool | None:
    """True/False from Math-Verify, or None when either side does not parse."""
    warn_once()
    _, verify, _ = _math_verify()
    gold_parsed, pred_parsed = _parsed(gold), _parsed(pred)
    if not gold_parsed or not pred_parsed:
        return None
    return bool(verify(gold_parsed, pred_parsed, timeout_seconds=None))


# -- antlr4 runtime check ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def antlr_version() -> str | None:
    try:
        return importlib.metadata.version("antlr4-python3-runtime")
    except importlib.metadata.PackageNotFoundError:
        return None


def notes_for(version: str | None) -> list[str]:
    """What `rmg show` should say about the antlr4 runtime `version` (None: not installed)."""
    if version is None:
        return ["antlr4-python3-runtime is not installed: LaTeX answers that need a symbolic parse score 0"]
    if version.startswith("4.9"):
        return [
            f"antlr4-python3-runtime {version} is installed (hydra/omegaconf pin 4.9.x, e.g. with verl): "
            "Math-Verify's LaTeX parses differ under it (e.g. `$50\\%$` vs `0.5`); rmg's fast paths are "
            "unaffected, but symbolic comparisons may be. Use 4.13.2 where you can."
        ]
    return [f"symbolic back end: Math-Verify with antlr4-python3-runtime {version}"]


def antlr_notes() -> list[str]:
    return notes_for(antlr_version())


_warned = False


def warn_once(version: str | None = None) -> None:
    """Warn (once per process) when the antlr4 runtime is 4.9.x; `version` defaults to the installed one."""
    global _warned
    if _warned:
        return
    _warned = True
    version = version or antlr_version()
    if version is not None and version.startswith("4.9"):
        warnings.warn(notes_for(version)[0], RuntimeWarning, stacklevel=3)
