"""Retries that obey Retry-After: a 429 or 503 that names a wait is retried after it, bounded.

Scrapy's RetryMiddleware retries at once. A server that answers 429/503 with Retry-After has
said when to come back; coming back sooner is impolite and usually fails again.
"""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.asyncio import sleep

from newsbot.middlewares.refused import PageRefused

WAIT_STATUSES = frozenset({429, 503})


class RetryAfterMiddleware(RetryMiddleware):
    """RetryMiddleware, but a 429/503 with Retry-After waits first; past the cap, it is refused."""

    def __init__(self, settings):
        super().__init__(settings)
        self.max_wait = settings.getfloat("NEWSBOT_RETRY_AFTER_MAX", 60.0)

    async def process_response(self, request: Request, response: Response,
                               spider=None) -> Request | Response:
        wait = retry_after(response)
        if (wait is None or response.status not in WAIT_STATUSES
                or response.status not in self.retry_http_codes or request.meta.get("dont_retry")):
            return super().process_response(request, response)
        stats = self.crawler.stats
        if wait > self.max_wait:
            stats.inc_value("newsbot/retry_after/too_long")
            raise PageRefused(f"Retry-After too long: HTTP {response.status} asks for "
                              f"{wait:.0f} s, more than NEWSBOT_RETRY_AFTER_MAX "
                              f"({self.max_wait:.0f} s)", url=request.url, status=response.status)
        retry = self._retry(request, f"{response.status} Retry-After")
        if retry is None:
            return response  # retries spent: the error status is the page's fate
        stats.inc_value("newsbot/retry_after/waits")
        stats.inc_value("newsbot/retry_after/seconds", wait)
        await sleep(wait)
        return retry


def retry_after(response: Response) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or an HTTP date), or None."""
    value = response.headers.get(b"Retry-After")
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - server_now(response)).total_seconds())


def server_now(response: Response) -> datetime:
    """The server's clock (its Date header), which a Retry-After date is written against."""
    header = response.headers.get(b"Date")
    if header:
        try:
            now = parsedate_to_datetime(header.decode("latin-1"))
            return now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        except (TypeError, ValueError, IndexError):
            pass
    return datetime.now(timezone.utc)
