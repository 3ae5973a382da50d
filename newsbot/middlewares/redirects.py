"""Judges a redirect before it is followed: its target, loops and the number of hops.

Sits before Scrapy's RedirectMiddleware (a higher number sees responses first), so a refused
redirect is recorded with its reason instead of becoming a request, a silent dupefilter drop
(a loop) or a bare "max redirections reached".
"""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin

from scrapy.http import Request, Response
from w3lib.url import safe_url_string

from newsbot.middlewares.addresses import AddressPolicy, first_url
from newsbot.middlewares.refused import PageRefused

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class RedirectGuardMiddleware:
    def __init__(self, crawler, max_hops: int):
        self.crawler = crawler
        self.max_hops = max_hops
        self.policy = AddressPolicy(crawler)

    @classmethod
    def from_crawler(cls, crawler) -> RedirectGuardMiddleware:
        return cls(crawler, crawler.settings.getint("REDIRECT_MAX_TIMES"))

    async def process_response(self, request: Request, response: Response,
                               spider=None) -> Response:
        location = response.headers.get(b"Location")
        if response.status not in REDIRECT_STATUSES or not location \
                or request.meta.get("dont_redirect"):
            return response
        target = urljoin(request.url, safe_url_string(location.decode("latin-1").strip()))
        problem = self.loop_or_hops(request, target) or await self.policy.problem(target)
        if problem:
            self.crawler.stats.inc_value(f"newsbot/refused/{problem.split(':')[0]}")
            raise PageRefused(f"redirect refused: {problem}", url=first_url(request),
                              status=response.status)
        return response

    def loop_or_hops(self, request: Request, target: str) -> str | None:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        seen = {urldefrag(u)[0] for u in chain}
        if urldefrag(target)[0] in seen:
            return f"loop: {' -> '.join([*chain, target])[:500]}"
        hops = request.meta.get("redirect_times", 0)
        if hops >= self.max_hops:
            return f"too many hops: more than {self.max_hops} redirects (REDIRECT_MAX_TIMES)"
        return None
