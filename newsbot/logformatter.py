"""Log lines for dropped items: one line with the reason, never the whole item. And no record
at all for the per-page and per-item lines that the configured LOG_LEVEL would throw away."""

from __future__ import annotations

import logging

from scrapy import logformatter

from newsbot.exceptions import DuplicateArticle, DuplicateContent


class NewsbotLogFormatter(logformatter.LogFormatter):
    def __init__(self, threshold: int = logging.NOTSET):
        # Scrapy leaves its loggers at NOTSET and filters in its handler, so a DEBUG line that
        # LOG_LEVEL = "INFO" discards is still built as a LogRecord, twice for every article
        # ("Crawled", "Scraped from"): ~1% of a fast crawl's CPU.
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler) -> NewsbotLogFormatter:
        settings = crawler.settings
        if not settings.getbool("LOG_ENABLED"):
            return cls()  # whoever configured logging decides what to keep
        level = settings.get("LOG_LEVEL")
        if not isinstance(level, int):
            level = logging.getLevelName(str(level).upper())  # a name Scrapy's handler accepted
        return cls(level if isinstance(level, int) else logging.NOTSET)

    def _wanted(self, result):
        return result if result["level"] >= self.threshold else None

    def crawled(self, request, response, spider=None):
        return self._wanted(super().crawled(request, response, spider))

    def scraped(self, item, response, spider=None):
        return self._wanted(super().scraped(item, response, spider))

    def dropped(self, item, exception, response, spider=None):
        # A duplicate is the crawl working (both layouts, repeated links), not news for the log.
        quiet = isinstance(exception, (DuplicateArticle, DuplicateContent))
        return self._wanted({
            "level": logging.DEBUG if quiet else logging.WARNING,
            "msg": "Dropped (%(reason)s): %(exception)s",
            "args": {"reason": type(exception).__name__, "exception": exception},
        })
