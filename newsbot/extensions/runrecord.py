"""Owns the crawl's one store: locks it, records the run and every failed page, closes it last.

The run record ends with a verdict (newsbot.health): a summary, an exit status and one line.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_from_coro

from newsbot import signals as newsbot_signals
from newsbot.exceptions import DuplicateArticle, DuplicateContent, StoreUnavailable
from newsbot.health import EXIT_LOCKED, EXIT_UNHEALTHY, Thresholds, verdict
from newsbot.lock import NoLock
from newsbot.resume import close_jobdir, prepare_jobdir
from newsbot.store import ArticleStore, StoreError, StoreLocked, open_store

logger = logging.getLogger(__name__)


def _store_error_in_one_line(record: logging.LogRecord) -> bool:
    """A spider callback that met a store gone away: its reason, without a traceback."""
    if record.exc_info and isinstance(record.exc_info[1], StoreError):
        record.msg, record.args = f"{record.getMessage()}: {record.exc_info[1]}", None
        record.exc_info = record.exc_text = None
    return True


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class RunRecorder:
    """Pipelines reach the store through ``RunRecorder.of(crawler).store``."""

    def __init__(self, crawler: Crawler, address: str, batch_size: int,
                 thresholds: Thresholds | None = None, jobdir: str | None = None,
                 run_lock: bool = True, retry_seconds: float = 30.0):
        self.crawler = crawler
        self.address = address
        self.batch_size = batch_size
        self.run_lock = run_lock
        self.retry_seconds = retry_seconds
        self.store_down: str | None = None  # why the store stopped answering, once it did
        self.thresholds = thresholds or Thresholds()
        self.jobdir = jobdir
        self.locked_out: str | None = None  # why this run may not crawl, when it may not
        self.jobdir_outcome: str | None = None  # "fresh", "resume" or "recover"
        self._store: ArticleStore | None = None
        self._lock = None
        self.run_id: int | None = None  # this run's record, once begun
        self.exit_status: int | None = None  # the run's verdict, once closed (`scrapy crawl`)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        settings = crawler.settings
        ext = cls(crawler, settings.get("NEWSBOT_DB", ""), settings.getint("NEWSBOT_STORE_BATCH", 200),
                  Thresholds.from_settings(settings), settings.get("JOBDIR") or None,
                  settings.getbool("NEWSBOT_RUN_LOCK", True),
                  settings.getfloat("NEWSBOT_STORE_RETRY_SECONDS", 30.0))
        ext.take_lock()
        logging.getLogger("scrapy.core.scraper").addFilter(_store_error_in_one_line)
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
            self._store = open_store(self.address, self.batch_size,
                                     retry_seconds=self.retry_seconds)
        return self._store

    @contextmanager
    def storing(self) -> Iterator[ArticleStore]:
        """How pipelines reach the store: once it is gone, each item drops in one log line."""
        if self.store_down:
            raise StoreUnavailable(self.store_down)
        try:
            yield self.store
        except StoreError as e:
            self.store_failed(e)
            raise StoreUnavailable(str(e)) from None

    def take_lock(self) -> None:
        """Before the scheduler opens: one run per store, and JOBDIR state only if trustworthy."""
        try:
            # Workers sharing one frontier share the store too: no run lock between them.
            self._lock = self.store.lock().acquire() if self.run_lock else NoLock()
        except StoreLocked as e:
            self.locked_out = str(e)
            self._store.close()
            self._store = None
            # Settings are not frozen yet: keep the scheduler out of the running crawl's JOBDIR.
            self.crawler.settings.set("JOBDIR", None, priority=100)
            return
        if self.jobdir:
            self.jobdir_outcome = outcome = prepare_jobdir(self.jobdir)
            if outcome == "recover":
                logger.warning("the last crawl in JOBDIR %s was killed: its request queue cannot "
                               "be trusted, so this run starts afresh (stored articles are skipped)",
                               self.jobdir)

    def spider_opened(self, spider) -> None:
        if self.locked_out:
            logger.error(self.locked_out)
            raise CloseSpider("locked")
        if self.jobdir_outcome:
            self.crawler.stats.set_value("newsbot/jobdir", self.jobdir_outcome)
        args = {k: v for k, v in vars(spider).items() if k in getattr(spider, "run_args", ())}
        self.run_id = self.store.begin_run(spider.name, getattr(spider, "site", ""), utcnow(), args)

    def spider_closed(self, spider, reason: str) -> None:
        if self.locked_out:
            self.exit_status = EXIT_LOCKED
            return  # this run never touched the store
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        summary, self.exit_status, health = verdict(reason, stats, self.thresholds)
        try:
            self.store.end_run(utcnow(), reason, stats, summary, self.exit_status, health)
            self.store.close()
        except StoreError as e:  # the run stays unfinished in the store, as a killed one would
            logger.error("the run could not be recorded: %s", e)
            self.exit_status = EXIT_UNHEALTHY
        finally:
            if self.jobdir:
                close_jobdir(self.jobdir, reason)
            self._lock.release()

    def page_failed(self, url: str, reason: str, status: int | None = None) -> None:
        try:
            self.store.record_failure(url, reason, status, utcnow())
        except StoreError as e:  # a full batch met a store that is gone
            self.store_failed(e)

    def item_dropped(self, item, response: Response | None, exception: Exception, spider) -> None:
        if isinstance(exception, (DuplicateArticle, DuplicateContent, StoreUnavailable)):
            return  # a duplicate is the crawl working, not a broken page; nor is a store gone
        url = getattr(item, "url", None) or (response.url if response is not None else "?")
        self.page_failed(url, f"{type(exception).__name__}: {exception}")

    def item_error(self, item, response: Response | None, spider, failure) -> None:
        """A pipeline raised something other than DropItem: Scrapy logs it, this records it."""
        if failure.check(StoreError):
            self.store_failed(failure.value)
        url = getattr(item, "url", None) or (response.url if response is not None else "?")
        self.page_failed(url, f"{failure.type.__name__} in a pipeline: {failure.getErrorMessage()}")

    def store_failed(self, error: Exception) -> None:
        """The store is gone past its retries: stop the crawl; a re-run fetches what is missing."""
        if self.store_down is None:
            self.store_down = str(error)
            logger.error("%s; the crawl stops (run it again once the store is back)", error)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_unavailable"))

    def spider_error(self, failure, response: Response, spider) -> None:
        if failure.check(StoreError):
            self.store_failed(failure.value)
        if failure.check(HttpError):
            return  # already recorded by the spider's errback
        self.page_failed(response.url, f"{failure.type.__name__}: {failure.getErrorMessage()}",
                         response.status)
