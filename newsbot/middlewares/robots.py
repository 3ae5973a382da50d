"""robots.txt as RFC 9309 reads it: a server error or an unreachable file means "disallow all".

Scrapy parses whatever body comes back, so a 500 error page is read as an empty, allow-all
robots.txt, and a robots.txt that cannot be fetched allows everything too. RFC 9309 section
2.3.1: 4xx means no rules; 5xx or unreachable means the crawler must assume complete
disallow. Either way the host's robots.txt is recorded as a failed page, so the run says why
nothing was crawled.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from twisted.internet.defer import Deferred

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler

from newsbot.failures import report_failure

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    async def _parse_robots(self, response: Response, netloc: str, request) -> None:
        if response.status >= 500:
            self._stats.inc_value("newsbot/robotstxt/disallow_all")
            report_failure(self.crawler, response.url,
                           f"robots.txt unavailable: HTTP {response.status}, so nothing on "
                           f"{netloc} is fetched (RFC 9309: 5xx means disallow all)",
                           response.status)
            response = response.replace(body=DISALLOW_ALL)
        elif response.status >= 400:
            response = response.replace(body=b"")  # no robots.txt: no rules
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):  # refused on purpose (off-site redirect, say)
            super()._robots_error(exc, netloc)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._stats.inc_value("newsbot/robotstxt/disallow_all")
        parser = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):  # requests already waiting get the same answer
            waiting.callback(parser)
        report_failure(self.crawler, f"{self._scheme(netloc)}://{netloc}/robots.txt",
                       f"robots.txt unreachable: {type(exc).__name__}, so nothing on {netloc} "
                       "is fetched (RFC 9309: unreachable means disallow all)")

    def _scheme(self, netloc: str) -> str:
        for url in getattr(self.crawler.spider, "start_urls", ()) or ():
            if urlsplit(url).netloc == netloc:
                return urlsplit(url).scheme
        return "http"
