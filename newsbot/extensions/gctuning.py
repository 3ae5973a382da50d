"""The cyclic garbage collector, tuned for a crawl: what exists at start is not rescanned.

A crawl frees almost everything by reference counting (pages too, see
newsbot/middlewares/release.py), yet CPython's collector still runs every 700 allocations and
walks every tracked object in the generations it collects: the modules, classes, settings,
middlewares and spider made at start-up, again and again. On 5,000 articles that was about 5%
of newsbot's CPU. ``gc.freeze()`` once the engine has started moves those objects out of the
collector's sight, and a larger first generation (``NEWSBOT_GC_THRESHOLD``) lets it run less
often; together they took collection time from 3.1 s to 1.2 s on that crawl without moving
peak memory (docs/benchmarks.md, "Collector"). The threshold was 2,000 while each article's tree
still sat in a reference cycle (the body reader's closures) and a larger one let trees pile up;
with no page left in a cycle, 10,000 takes collection time from ~0.5 s to ~0.17 s on 5,000
articles at the same peak (session 8). When the engine stops, the objects are handed
back, so a process that runs crawl after crawl (``newsbot worker --follow``) can still free
what an earlier crawl left.
"""

from __future__ import annotations

import gc

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class GcTuning:
    def __init__(self, threshold: int):
        self.threshold = threshold
        self.saved: tuple[int, int, int] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GcTuning:
        if not crawler.settings.getbool("NEWSBOT_GC_FREEZE"):
            raise NotConfigured
        ext = cls(crawler.settings.getint("NEWSBOT_GC_THRESHOLD"))
        crawler.signals.connect(ext.engine_started, signal=signals.engine_started)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def engine_started(self) -> None:
        gc.collect()  # what start-up left as garbage is freed, not frozen
        gc.freeze()
        self.saved = gc.get_threshold()
        if self.threshold > 0:
            gc.set_threshold(self.threshold, *self.saved[1:])

    def engine_stopped(self) -> None:
        if self.saved is not None:
            gc.set_threshold(*self.saved)
            self.saved = None
        gc.unfreeze()
