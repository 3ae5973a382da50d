"""Reads HTML pages in the encoding they are really in, whatever their charset declaration says.

Runs after decompression and before anything reads ``response.text`` (meta refresh, the spider).
"""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request, Response
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from newsbot.charset import sniff


class CharsetMiddleware:
    """Re-reads an HTML response whose declared encoding is missing or wrong (newsbot.charset)."""

    def __init__(self, stats=None):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler) -> CharsetMiddleware:
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        if not isinstance(response, HtmlResponse):
            return response
        declared = declared_encoding(response)
        found = sniff(response.body, declared)
        if found is None:
            return response
        if self.stats:
            self.stats.inc_value("newsbot/charset/corrected")
            self.stats.inc_value(f"newsbot/charset/{declared or 'undeclared'}->{found}")
        return response.replace(encoding=found)


def declared_encoding(response: HtmlResponse) -> str | None:
    """What the page says it is, in Scrapy's order: byte-order mark, header, then <meta>."""
    bom = read_bom(response.body)[0]
    if bom:
        return bom
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    return http_content_type_encoding(content_type) or html_body_declared_encoding(response.body)
