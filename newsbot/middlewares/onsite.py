"""The last check before any request leaves: allowed domains, http(s), no surprise private address.

Scrapy's OffsiteMiddleware lets ``dont_filter`` requests through, and retries and redirects of
the spider's own seeds carry it; so a redirect could take a seed to any host. This check holds
for every request, redirected ones (HTTP and meta refresh) included.
"""

from __future__ import annotations

from scrapy.http import Request

from newsbot.middlewares.addresses import AddressPolicy, first_url
from newsbot.middlewares.refused import PageRefused


class OnSiteMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.policy = AddressPolicy(crawler)

    @classmethod
    def from_crawler(cls, crawler) -> OnSiteMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider=None) -> None:
        problem = await self.policy.problem(request.url)
        if problem:
            self.crawler.stats.inc_value(f"newsbot/refused/{problem.split(':')[0]}")
            raise PageRefused(f"{problem} (reached from {first_url(request)})"
                              if request.meta.get("redirect_urls") else problem,
                              url=first_url(request))
