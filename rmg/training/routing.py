"""The default reward of a verl `data_source`, when no spec is given.

verl names its datasets by `data_source` (`openai/gsm8k`, `lighteval/MATH`, `codecontests`...).
Without a spec, rmg routes each data source to the installed reward that fits it. The table is
printed by `python -m rmg.training.verl --routes` and documented in rmg/training/README.md; an
unknown data source is an `error` result that names it (the table is listed in the message).
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["DEFAULT_ROUTES", "ROUTE_REWARDS", "prepare_reference", "route_of", "route_table"]

# route key -> the reward it uses
ROUTE_REWARDS: dict[str, str] = {"math": "math.accuracy", "code": "code.execution"}

# (pattern on the lower-cased data source, route key); the first match wins.
DEFAULT_ROUTES: list[tuple[str, str]] = [
    (r"gsm8k", "math"),
    (r"(^|[/_\-])math([/_\-]|$)|math[_\-]?500|math[_\-]?lighteval|math_dapo", "math"),
    (r"^aime|[/_\-]aime|^amc|numina|deepscaler|dapo|olympiad|omni[_\-]?math|minerva", "math"),
    (r"humaneval|mbpp|apps|codecontests|code_contests|codeforces|taco|livecodebench|primeintellect|leetcode", "code"),
    (r"(^|[/_\-])code([/_\-]|$)", "code"),
]
_COMPILED = [(re.compile(p), key) for p, key in DEFAULT_ROUTES]


def route_of(data_source: Any) -> str | None:
    """The route key ("math", "code") of a data source, or None when none fits."""
    text = str(data_source or "").strip().lower()
    if not text:
        return None
    for pattern, key in _COMPILED:
        if pattern.search(text):
            return key
    return None


def route_table(installed: set[str] | None = None) -> list[tuple[str, str, str]]:
    """(data-source pattern, reward, state) rows for printing; state says if the reward is installed."""
    rows = []
    for pattern, key in DEFAULT_ROUTES:
        reward = ROUTE_REWARDS[key]
        state = "" if installed is None else ("installed" if reward in installed else "not installed")
        rows.append((pattern, reward, state))
    return rows


def prepare_reference(route: str | None, ground_truth: Any) -> Any:
    """verl stores code tests as a JSON string; the code reward wants the object."""
    if route == "code" and isinstance(ground_truth, (str, bytes)):
        text = ground_truth.decode() if isinstance(ground_truth, bytes) else ground_truth
        if text.lstrip()[:1] in ("{", "["):
            try:
                return json.loads(text)
            except ValueError:
                return ground_truth
    if hasattr(ground_truth, "tolist"):  # numpy arrays from parquet columns
        return ground_truth.tolist()
    return ground_truth
