"""A Scrapy extension for the benchmark crawls: clock and CPU from engine start to spider close."""

from __future__ import annotations

import resource
import time

from scrapy import signals


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Meter:
    """Clock and CPU between engine start and spider close; the result printed at the end."""

    result: dict = {}

    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self.engine_started, signals.engine_started)
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler) -> Meter:
        return cls(crawler)

    def engine_started(self) -> None:
        self.t0, self.cpu0 = time.perf_counter(), cpu_seconds()

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        Meter.result = {
            "pages": stats.get("downloader/response_count", 0),
            "seconds": time.perf_counter() - self.t0,
            "cpu_seconds": cpu_seconds() - self.cpu0,
            "finish_reason": reason,
            "items": stats.get("item_scraped_count", 0),
            "stats": {k: v for k, v in stats.items() if isinstance(v, (int, float, str))},
        }
