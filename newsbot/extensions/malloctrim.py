"""Every few seconds, hand the memory glibc's malloc holds free back to the system.

A crawl frees each page (its body, lxml tree and strings) soon after reading it, but glibc
keeps freed pages inside its heaps and returns only what lies at the top of one, so RSS rises
in steps over a long crawl while the objects alive stay the same: on the 50,000-article
replica RSS grew from 133 MiB at 5,000 pages to 142 by 35,000, with 45–56 MiB of live
Python objects throughout. ``malloc_trim(0)`` releases free pages wherever they are; called
every ``NEWSBOT_MALLOC_TRIM_INTERVAL`` seconds it held that crawl at 127–133 MiB, its peak at
134–143 MiB where it had been 144–147, at ~1 ms a call (docs/benchmarks.md, session 6). Where
the C library is not glibc (musl, macOS) there is no ``malloc_trim`` and the extension stays
off.
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Callable

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


def glibc_malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None when this process's C library has none."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


class MallocTrim:
    """Calls ``trim(0)`` every ``interval`` seconds while the spider is open."""

    def __init__(self, interval: float, trim: Callable[[int], int], stats=None, clock=None):
        self.interval = interval
        self.trim = trim
        self.stats = stats
        self.clock = clock  # the reactor when None; tests pass a task.Clock
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MallocTrim:
        interval = crawler.settings.getfloat("NEWSBOT_MALLOC_TRIM_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        trim = glibc_malloc_trim()
        if trim is None:
            raise NotConfigured("malloc_trim is glibc's; this C library has none")
        ext = cls(interval, trim, crawler.stats)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        self.loop = task.LoopingCall(self.release)
        if self.clock is not None:
            self.loop.clock = self.clock
        self.loop.start(self.interval, now=False)

    def release(self) -> None:
        started = time.perf_counter()
        self.trim(0)
        if self.stats is not None:
            ms = 1000 * (time.perf_counter() - started)
            self.stats.inc_value("newsbot/malloc_trim/calls")
            self.stats.inc_value("newsbot/malloc_trim/ms", round(ms, 3))

    def spider_closed(self, spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.loop = None
