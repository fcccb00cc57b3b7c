"""What one `rmg serve` process is configured with (no FastAPI here: Ray Serve reuses it)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ConfigError", "ServerConfig", "is_loopback", "read_api_key"]

DEFAULT_MAX_BODY = 16 * 1024 * 1024  # 16 MiB: a few thousand rows with long responses
DEFAULT_MAX_BATCH = 1024  # rows per request
DEFAULT_MAX_QUEUE = 4096  # rows admitted and not yet scored, across all requests


class ConfigError(ValueError):
    """The server cannot start with these options; the message says which one and why."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and `localhost`; any other address is reachable from elsewhere."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything, so treat it as public
        return False


def read_api_key(path: str | Path) -> str:
    p = Path(path)
    try:
        key = p.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"--api-key-file {p}: cannot read it ({exc.strerror or exc})") from None
    if not key:
        raise ConfigError(f"--api-key-file {p}: the file is empty")
    if len(key) < 16:
        raise ConfigError(f"--api-key-file {p}: the key is {len(key)} characters; use at least 16")
    return key


@dataclass
class ServerConfig:
    """Served rewards (name -> spec) and the limits that keep the service up under load."""

    rewards: dict[str, str] = field(default_factory=dict)
    host: str = "127.0.0.1"
    port: int = 8000
    allow_any_spec: bool = False
    api_key: str | None = None
    workers: int | None = None
    timeout: float | None = None
    concurrency: int = 64
    max_body_bytes: int = DEFAULT_MAX_BODY
    max_batch: int = DEFAULT_MAX_BATCH
    max_queue: int = DEFAULT_MAX_QUEUE
    max_any_spec_runners: int = 4  # ad-hoc specs (with --allow-any-spec) kept warm at once
    retry_after: int = 1  # seconds a rejected client is told to wait
    default_reward: str | None = None  # what /get_reward scores; the first served reward if unset

    def check(self) -> None:
        """Refuse unsafe or impossible settings before anything starts."""
        if not self.rewards and not self.allow_any_spec:
            raise ConfigError("nothing to serve: give --reward NAME=SPEC (repeatable) or --allow-any-spec")
        if not is_loopback(self.host) and not self.api_key:
            raise ConfigError(
                f"--host {self.host} is reachable from other machines: an API key is required "
                "(--api-key-file FILE, or RMG_API_KEY); refusing to start without one"
            )
        if self.max_batch < 1 or self.max_queue < 1 or self.max_body_bytes < 1024:
            raise ConfigError("--max-batch and --max-queue must be >= 1 and --max-body >= 1024 bytes")
        if self.max_batch > self.max_queue:
            raise ConfigError(f"--max-batch ({self.max_batch}) exceeds --max-queue ({self.max_queue})")
        if self.default_reward is not None and self.default_reward not in self.rewards:
            raise ConfigError(f"--openrlhf-reward {self.default_reward!r} is not a served reward")

    @property
    def openrlhf_reward(self) -> str | None:
        return self.default_reward or next(iter(self.rewards), None)
