"""The ceiling: a bare Scrapy spider that follows newsbot's links on a replica and extracts nothing.

Same start page, same link following as newsbot's portal spider (nav → sections → pagination →
articles, and the related and popular blocks on every page), tracking query strings dropped so
it fetches the same pages; no loader, no items, no pipelines. Its pages/s is what Scrapy itself
does on this machine, the yardstick for newsbot's full crawl.

It makes one Request per distinct link: a page's twenty-odd related and popular links are
mostly pages already requested, and sending each through the spider middlewares, the
fingerprinter and the dupefilter costs more than the page itself (docs/benchmarks.md has the
profile). The ceiling is the least work Scrapy must do to fetch these pages.
"""

from __future__ import annotations

from collections.abc import Iterator

from scrapy import Request, Spider
from scrapy.http import Response

SECTION_LINKS = "#nav a::attr(href)"
LISTING_LINKS = ".summaries .summary a::attr(href), #top-stories .summary a::attr(href)"
NEXT_PAGE = ".pagination a.next::attr(href)"
BLOCK_LINKS = ".more-news .news-item a::attr(href), .popular-news .news-item a::attr(href)"


class CeilingSpider(Spider):
    name = "ceiling"

    def __init__(self, start_url: str = "", *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_urls = [start_url]
        self.requested: set[str] = set()

    def parse(self, response: Response) -> Iterator[Request]:
        for href in response.css(SECTION_LINKS).getall():
            yield from self.follow(response, href, self.parse_section)
        yield from self.parse_section(response)

    def parse_section(self, response: Response) -> Iterator[Request]:
        for href in response.css(LISTING_LINKS).getall() + response.css(BLOCK_LINKS).getall():
            yield from self.follow(response, href, self.parse_article)
        href = response.css(NEXT_PAGE).get()
        if href:
            yield from self.follow(response, href, self.parse_section)

    def parse_article(self, response: Response) -> Iterator[Request]:
        for href in response.css(BLOCK_LINKS).getall():
            yield from self.follow(response, href, self.parse_article)

    def follow(self, response: Response, href: str, callback) -> Iterator[Request]:
        url = response.urljoin(href.split("?", 1)[0])
        if url not in self.requested:
            self.requested.add(url)
            yield Request(url, callback=callback)
