"""A frontier's address (redis://HOST:PORT/DB), its crawl name and the Redis keys it owns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# Letters, digits and ._- only: the name becomes part of Redis keys and of scrapy-redis's key
# templates, where a "%" would be read as a placeholder.
NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# How long a call waits for Redis before giving up: retried with exponential back-off (0.25 s
# doubling, at most 4 s between tries), about 45 s in all, enough for a restart.
RETRIES = 14


class FrontierError(Exception):
    """The frontier cannot be used: a bad address, or Redis unreachable after retries."""


@dataclass(frozen=True)
class FrontierAddress:
    url: str
    name: str = "newsbot"

    @property
    def prefix(self) -> str:
        """Every key of this crawl starts with it, so two clusters can share one Redis."""
        return f"newsbot:{self.name}"

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def connect(self, retries: int = RETRIES):
        """A redis.Redis that reconnects on its own, with back-off, when Redis goes away."""
        import redis
        from redis.backoff import ExponentialBackoff
        from redis.retry import Retry
        return redis.Redis.from_url(
            self.url, socket_timeout=10, socket_connect_timeout=5,
            retry=Retry(ExponentialBackoff(cap=4, base=0.25), retries),
            retry_on_error=[redis.ConnectionError, redis.TimeoutError])


def parse_frontier(url: str, name: str = "newsbot") -> FrontierAddress:
    """Check the address and the crawl name; raise FrontierError with the reason."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError as e:
        raise FrontierError(f"not a Redis address: {url} ({e})") from None
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise FrontierError(f"not a Redis address: {url} (use redis://HOST:PORT/DB)")
    if parts.scheme != "unix" and not parts.hostname:
        raise FrontierError(f"not a Redis address: {url} (no host)")
    if not NAME.match(name):
        raise FrontierError(f"a crawl name takes letters, digits, '.', '_' and '-' only, "
                            f"not {name!r}")
    return FrontierAddress(url, name)
