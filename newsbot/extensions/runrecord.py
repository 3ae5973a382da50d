"""Owns the crawl's one store: opens it, records the run and every failed page, closes it last."""

from __future__ import annotations

from datetime import datetime, timezone

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from newsbot import signals as newsbot_signals
from newsbot.exceptions import DuplicateArticle, DuplicateContent
from newsbot.store import ArticleStore, open_store


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class RunRecorder:
    """Pipelines reach the store through ``RunRecorder.of(crawler).store``."""

    def __init__(self, crawler: Crawler, address: str, batch_size: int):
        self.crawler = crawler
        self.address = address
        self.batch_size = batch_size
        self._store: ArticleStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        ext = cls(crawler, crawler.settings.get("NEWSBOT_DB", ""),
                  crawler.settings.getint("NEWSBOT_STORE_BATCH", 200))
        crawler.signals.connect(ext.spider_opened, signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signals.spider_closed)
        crawler.signals.connect(ext.item_dropped, signals.item_dropped)
        crawler.signals.connect(ext.spider_error, signals.spider_error)
        crawler.signals.connect(ext.item_error, signals.item_error)
        crawler.signals.connect(ext.page_failed, newsbot_signals.page_failed)
        return ext

    @classmethod
    def of(cls, crawler: Crawler) -> RunRecorder:
        for ext in crawler.extensions.middlewares:
            if isinstance(ext, cls):
                return ext
        raise NotConfigured("newsbot pipelines need the extension "
                            "newsbot.extensions.runrecord.RunRecorder in EXTENSIONS")

    @property
    def store(self) -> ArticleStore:
        """Opened on first use: the pipelines' open_spider runs before spider_opened."""
        if self._store is None:
            self._store = open_store(self.address, self.batch_size)
        return self._store

    def spider_opened(self, spider) -> None:
        args = {k: v for k, v in vars(spider).items() if k in getattr(spider, "run_args", ())}
        self.store.begin_run(spider.name, getattr(spider, "site", ""), utcnow(), args)

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        self.store.end_run(utcnow(), reason, stats)
        self.store.close()

    def page_failed(self, url: str, reason: str, status: int | None = None) -> None:
        self.store.record_failure(url, reason, status, utcnow())

    def item_dropped(self, item, response: Response | None, exception: Exception, spider) -> None:
        if isinstance(exception, (DuplicateArticle, DuplicateContent)):
            return  # a duplicate is the crawl working, not a broken page
        url = getattr(item, "url", None) or (response.url if response is not None else "?")
        self.page_failed(url, f"{type(exception).__name__}: {exception}")

    def item_error(self, item, response: Response | None, spider, failure) -> None:
        """A pipeline raised something other than DropItem: Scrapy logs it, this records it."""
        url = getattr(item, "url", None) or (response.url if response is not None else "?")
        self.page_failed(url, f"{failure.type.__name__} in a pipeline: {failure.getErrorMessage()}")

    def spider_error(self, failure, response: Response, spider) -> None:
        if failure.check(HttpError):
            return  # already recorded by the spider's errback
        self.page_failed(response.url, f"{failure.type.__name__}: {failure.getErrorMessage()}",
                         response.status)
