"""The HTTP reward service (`rmg serve`): FastAPI app, the service behind it, Ray Serve deployment.

Needs the `server` extra (`pip install 'rmg[server]'`); nothing here is imported by `import rmg`.
"""

from __future__ import annotations

from .config import ConfigError, ServerConfig

__all__ = ["ConfigError", "ServerConfig", "create_app"]


def __getattr__(name: str) -> object:
    if name == "create_app":  # imports FastAPI: only on use
        from .app import create_app

        return create_app
    raise AttributeError(f"module 'rmg.server' has no attribute {name!r}")
