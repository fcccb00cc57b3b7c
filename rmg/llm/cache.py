"""An on-disk response cache: a re-run costs nothing and reproduces the same answers.

sqlite3 (stdlib) rather than diskcache: no dependency, one file, and WAL mode lets many threads
and processes read while one writes. Each (process, thread) gets its own connection, so
connections never cross a fork or a thread. The cache never fails a call: a sqlite error is
warned about once and the call goes to the model as if the cache were off.

The key is a SHA-256 of the full request (model, base URL, messages and every sampling option),
so any change in the request is a miss. Sampling at temperature > 0 (or with n > 1) is cached
too: this is a reproducibility cache, and a re-run returns the first run's answer, not a fresh
sample. Use a different `seed` option (it is part of the key) or `cache=False` for new samples.

Location: `path` if given, else `$RMG_CACHE_DIR/llm.sqlite`, else `~/.cache/rmg/llm.sqlite`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
import warnings
from pathlib import Path
from typing import Any

from rmg.core.chat import ChatResponse, Usage

__all__ = ["ResponseCache", "default_cache_path", "open_cache"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    content TEXT NOT NULL,
    reasoning TEXT,
    usage TEXT NOT NULL,
    model TEXT NOT NULL,
    finish_reason TEXT,
    created REAL NOT NULL
)
"""


def default_cache_path() -> Path:
    root = os.environ.get("RMG_CACHE_DIR")
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "rmg"
    return base / "llm.sqlite"


def request_key(request: dict[str, Any]) -> str:
    """A stable hash of a request: key order and float formatting do not matter."""
    text = json.dumps(request, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ResponseCache:
    """Responses by request hash, in one sqlite file shared by threads and processes."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_cache_path()
        self._local = threading.local()
        self._warned = False

    def __repr__(self) -> str:
        return f"ResponseCache({str(self.path)!r})"

    def __reduce__(self) -> tuple[Any, ...]:  # connections stay behind; the path travels
        return (ResponseCache, (str(self.path),))

    # -- connections -----------------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            return conn
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # autocommit; a writer waits up to 30 s for another process's write lock
        conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable enough for a cache, fast
        conn.execute(_SCHEMA)
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _failed(self, exc: Exception) -> None:
        if not self._warned:
            self._warned = True
            warnings.warn(
                f"rmg LLM cache {self.path} is not usable ({exc}); calls go uncached", RuntimeWarning, stacklevel=3
            )

    # -- API -------------------------------------------------------------------------------------
    key = staticmethod(request_key)

    def get(self, key: str) -> ChatResponse | None:
        """The stored response (marked cached, costing no tokens), or None."""
        try:
            row = (
                self._conn()
                .execute("SELECT content, reasoning, usage, model, finish_reason FROM responses WHERE key = ?", (key,))
                .fetchone()
            )
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            return None
        if row is None:
            return None
        content, reasoning, usage, model, finish_reason = row
        try:
            original = json.loads(usage)
        except ValueError:
            original = {}
        return ChatResponse(
            content=content,
            reasoning=reasoning,
            usage=Usage(cached_calls=1),
            model=model,
            finish_reason=finish_reason,
            cached=True,
            raw={"cached": True, "usage": original},
        )

    def put(self, key: str, response: ChatResponse) -> None:
        try:
            self._conn().execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    response.content,
                    response.reasoning,
                    json.dumps(response.usage.as_dict()),
                    response.model,
                    response.finish_reason,
                    time.time(),
                ),
            )
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)

    def __len__(self) -> int:
        try:
            return int(self._conn().execute("SELECT COUNT(*) FROM responses").fetchone()[0])
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            return 0

    def clear(self) -> None:
        self._conn().execute("DELETE FROM responses")

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


_open: dict[str, ResponseCache] = {}
_open_lock = threading.Lock()


def open_cache(cache: bool | str | os.PathLike[str] | ResponseCache | None) -> ResponseCache | None:
    """`cache=True` → the default file, a path → that file, False/None → no cache.

    Models sharing a file share one `ResponseCache` (and so its per-thread connections).
    """
    if cache is None or cache is False:
        return None
    if isinstance(cache, ResponseCache):
        return cache
    path = default_cache_path() if cache is True else Path(cache).expanduser()
    if path.is_dir() or str(cache).endswith(os.sep):
        path = path / "llm.sqlite"
    with _open_lock:
        found = _open.get(str(path))
        if found is None:
            found = _open[str(path)] = ResponseCache(path)
        return found
