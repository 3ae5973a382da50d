"""Decompression that refuses a broken gzip body instead of passing its readable half along.

Scrapy's gunzip returns "as much data as possible": a gzip stream cut in half becomes half a
page, which would be stored as a short article. Here a truncated or corrupt gzip body is
retried like a lost connection and, once retries are spent, recorded as a failed page; a body
that decompresses past DOWNLOAD_MAXSIZE (a gzip bomb) is refused without inflating the rest.
"""

from __future__ import annotations

import zlib

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

from newsbot.middlewares.refused import PageRefused

GZIP = frozenset({b"gzip", b"x-gzip"})
CHUNK = 64 * 1024


class StrictCompressionMiddleware(HttpCompressionMiddleware):
    """HttpCompressionMiddleware with a whole-stream check of gzip bodies first."""

    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        middleware.crawler = crawler  # for get_retry_request
        return middleware

    def process_response(self, request: Request, response: Response,
                         spider=None) -> Request | Response:
        encodings = [e.strip().lower() for e in response.headers.getlist("Content-Encoding")]
        if request.method != "HEAD" and encodings and encodings[-1] in GZIP:
            limit = request.meta.get("download_maxsize", self._max_size)
            defect = gzip_defect(response.body, limit)
            if defect == "too large":
                raise PageRefused(
                    f"too large: gzip body inflates past DOWNLOAD_MAXSIZE ({limit} B)",
                    url=request.url, status=response.status)
            if defect:
                return self._retry_or_refuse(request, response, f"gzip {defect}")
        try:
            return super().process_response(request, response)
        except IgnoreRequest as e:  # Scrapy's own size refusal, for deflate, br and zstd
            raise PageRefused(f"too large: {e}", url=request.url, status=response.status) from e

    def _retry_or_refuse(self, request: Request, response: Response, defect: str) -> Request:
        retry = get_retry_request(request, spider=self.crawler.spider, reason=defect,
                                  give_up_log_level="WARNING")
        if retry is None:
            raise PageRefused(f"{defect}: the body is not a whole gzip stream",
                              url=request.url, status=response.status)
        return retry


def gzip_defect(body: bytes, limit: int = 0) -> str | None:
    """What is wrong with a gzip body: "truncated", "invalid (...)", "too large", or None.

    Inflates at most ``limit`` bytes (0: no limit), CHUNK at a time, and keeps none of them:
    this only proves that every member of the stream ends where gzip says it should.
    """
    data, total = body, 0
    while True:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            while not inflater.eof:
                out = inflater.decompress(data, CHUNK)
                total += len(out)
                if limit and total > limit:
                    return "too large"
                data = inflater.unconsumed_tail
                if not out and not data:
                    return "truncated"
        except zlib.error as e:
            return f"invalid ({e})"
        data = inflater.unused_data
        if not data.strip(b"\0"):  # some servers pad the last member with zeros
            return None
