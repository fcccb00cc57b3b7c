"""One-line exception summaries for reports (reward errors, plugin load errors); stdlib only, so
the plugin host can use it without importing pydantic."""

from __future__ import annotations

import traceback

__all__ = ["exception_summary"]


def exception_summary(exc: BaseException) -> str:
    """`Type: message (at file:line)`, the line being where it was raised: one line for a report."""
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    at = f" (at {where[0].filename}:{where[0].lineno})" if where else ""
    return f"{type(exc).__name__}: {exc}{at}"
