"""PageRefused: a download newsbot turns down on purpose; the spider records it as a failed page."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


class PageRefused(IgnoreRequest):
    """A response or request broke a rule (size, encoding, redirect target, Retry-After).

    Unlike a plain IgnoreRequest (robots.txt, off-site links), it is a failed page: the
    spider's errback writes ``reason`` to the failures table under ``url``.
    """

    def __init__(self, reason: str, url: str | None = None, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.url = url
        self.status = status
