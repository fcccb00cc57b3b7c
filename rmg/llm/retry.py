"""When and how long to wait before retrying a model call.

Exponential backoff with "equal jitter" (half the delay fixed, half random): callers that failed
together do not retry together, and no retry comes back immediately. A server's `Retry-After`
(seconds, or an HTTP date; also `retry-after-ms`) wins over the computed delay, capped so a
hostile or confused header cannot park a run for an hour.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

__all__ = ["RETRYABLE_STATUS", "RetryPolicy", "parse_retry_after"]

# 408 timeout, 409 conflict (lock contention), 429 rate limit, 5xx server trouble; as the SDK does.
RETRYABLE_STATUS = frozenset({408, 409, 429})


def is_retryable_status(status: int | None) -> bool:
    return status is not None and (status in RETRYABLE_STATUS or status >= 500)


def parse_retry_after(headers: Mapping[str, str] | Any) -> float | None:
    """Seconds to wait according to `retry-after-ms` / `Retry-After`, or None."""
    if headers is None:
        return None
    try:
        ms = headers.get("retry-after-ms")
        if ms is not None:
            return max(0.0, float(ms) / 1000.0)
        value = headers.get("retry-after")
    except Exception:
        return None
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


@dataclass(frozen=True)
class RetryPolicy:
    """`max_retries` retries after the first attempt; delays `backoff * 2**attempt` up to `max_backoff`."""

    max_retries: int = 4
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, retry_after: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to sleep before retry number `attempt + 1` (attempt counts from 0)."""
        if retry_after is not None and retry_after > 0:
            return min(retry_after, self.max_retry_after)
        ceiling = min(self.max_backoff, self.backoff * (2**attempt))
        return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)
