"""glibc's freed heap pages go back to the system every few seconds of a crawl."""

from __future__ import annotations

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.task import Clock

from benchmarks.memory_timeline import rss_mib
from newsbot.extensions import malloctrim
from newsbot.extensions.malloctrim import MallocTrim, glibc_malloc_trim
from tests.conftest import make_crawler


def test_trimming_returns_freed_pages_that_glibc_kept():
    trim = glibc_malloc_trim()
    assert trim is not None, "this test needs glibc (Debian's python has it)"
    trim(0)
    # 1 KiB blocks come from malloc (CPython's own allocator takes 512 bytes at most); keeping one
    # in 64 pins the heap's top, so glibc cannot give the rest back on its own.
    blocks = [bytes(1024) + bytes([i % 256]) for i in range(100_000)]
    kept = blocks[::64]
    del blocks
    before = rss_mib()[1]  # the anonymous part of RSS
    trim(0)
    after = rss_mib()[1]
    assert len(kept) == 1563
    assert before - after > 50  # of the ~100 MiB freed


def test_it_trims_every_interval_until_the_spider_closes():
    calls = []
    crawler = make_crawler(EXTENSIONS={})
    clock = Clock()
    ext = MallocTrim(5.0, lambda pad: calls.append(pad) or 1, crawler.stats, clock=clock)
    ext.spider_opened(None)
    clock.advance(4.9)
    assert calls == []
    clock.advance(0.1)
    clock.advance(5)
    clock.advance(5)
    assert calls == [0, 0, 0]
    assert crawler.stats.get_value("newsbot/malloc_trim/calls") == 3
    ext.spider_closed(None)
    clock.advance(60)
    assert calls == [0, 0, 0] and not clock.getDelayedCalls()


def test_the_crawler_connects_it_to_the_spider_signals(monkeypatch):
    calls = []
    monkeypatch.setattr(malloctrim, "glibc_malloc_trim", lambda: lambda pad: calls.append(pad) or 1)
    crawler = make_crawler(EXTENSIONS={})
    ext = MallocTrim.from_crawler(crawler)
    clock = ext.clock = Clock()
    crawler.signals.send_catch_log(signals.spider_opened, spider=None)
    clock.advance(5)
    crawler.signals.send_catch_log(signals.spider_closed, spider=None, reason="finished")
    clock.advance(5)
    assert calls == [0]


def test_it_is_off_at_interval_zero_and_without_glibc(monkeypatch):
    with pytest.raises(NotConfigured):
        MallocTrim.from_crawler(make_crawler(NEWSBOT_MALLOC_TRIM_INTERVAL=0))
    monkeypatch.setattr(malloctrim, "glibc_malloc_trim", lambda: None)
    with pytest.raises(NotConfigured):
        MallocTrim.from_crawler(make_crawler())


def test_a_crawl_has_it():
    settings = make_crawler().settings
    assert "newsbot.extensions.malloctrim.MallocTrim" in settings.getdict("EXTENSIONS")
    assert settings.getfloat("NEWSBOT_MALLOC_TRIM_INTERVAL") == 5.0
