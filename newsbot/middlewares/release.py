"""Frees a page's parsed tree as soon as the spider is done with the page.

Scrapy caches a response's Selector on the response, and that Selector keeps the response
(scrapy/scrapy#2977): a reference cycle, so neither goes when the callback ends. Only the
cyclic garbage collector frees them, and by then it has usually promoted them to its oldest
generation, which it sweeps rarely. A 45 KB page's lxml tree is a few hundred KB of C memory,
so on a fast crawl a hundred or more finished pages waited there at any moment: two thirds of
the bare ceiling spider's 200 MiB, and ~135 MiB of newsbot's peak on 5,000 articles
(docs/benchmarks.md, "Parsed pages freed at once"). Dropping the cached Selector once the
callback's output has been consumed breaks the cycle; the page is freed then and there.
newsbot's own page Selector (newsbot/pagetree.py) makes no cycle; this still frees a page read
through Scrapy's, and drops the tree as soon as the callback is done with it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy.http import Response


def release(response: Response) -> None:
    """Forget the response's cached Selector (the next ``response.selector`` parses again)."""
    if getattr(response, "_cached_selector", None) is not None:
        response._cached_selector = None


class ReleaseParsedPageMiddleware:
    """Outermost spider middleware: runs once everything the callback yielded has gone on."""

    def process_spider_output(self, response: Response, result: Iterable[Any],
                              spider=None) -> Iterable[Any]:
        try:
            yield from result
        finally:
            release(response)

    async def process_spider_output_async(self, response: Response,
                                          result: AsyncIterator[Any],
                                          spider=None) -> AsyncIterator[Any]:
        try:
            async for out in result:
                yield out
        finally:
            release(response)
