"""scrapy-redis's scheduler and dupefilter, fitted to Scrapy 2.19 and to workers that may die.

What changes from scrapy-redis 0.9.1 (and why):
- built from the crawler, with a Redis client that retries with back-off (address.connect), so
  a restarted Redis is waited for instead of failing the crawl;
- a fingerprint and its request enter Redis in one step, and a popped request enters the
  worker's in-flight hash in the same step (scripts.py): nothing is lost between two calls;
- Redis still gone after the retries: the worker stops with one clear line, and what it holds
  stays recorded in Redis for the next worker to put back.
"""

from __future__ import annotations

import logging
import time

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from newsbot.frontier import scripts
from newsbot.frontier.address import FrontierAddress, parse_frontier
from newsbot.frontier.inflight import HEARTBEAT_EVERY, InFlight, others_busy
from newsbot.frontier.quiet import quiet_scrapy_redis

logger = logging.getLogger(__name__)

quiet_scrapy_redis()

TICK = 0.5  # seconds


class FrontierDupeFilter(RFPDupeFilter):
    """scrapy-redis's fingerprints (a Redis set), kept when a worker closes: they belong to the
    crawl, which other workers are still running."""

    def close(self, reason: str = "") -> None:
        pass


class FrontierScheduler(Scheduler):
    def __init__(self, server: redis.Redis, address: FrontierAddress, crawler: Crawler):
        super().__init__(server, persist=True, queue_key=address.key("requests"),
                         dupefilter_key=address.key("dupefilter"))
        self.address = address
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.inflight = InFlight(server, address,
                                 alive_ttl=settings.getint("NEWSBOT_FRONTIER_ALIVE_TTL", 15))
        self.lost: str | None = None  # why Redis can no longer be used, once it cannot
        self._enqueue = server.register_script(scripts.ENQUEUE)
        self.drain_wait = settings.getfloat("NEWSBOT_FRONTIER_DRAIN_WAIT", 3.0)
        self._quiet_since: float | None = None
        self._beaten = 0.0
        self._ticker = None
        crawler.signals.connect(self.spider_idle, signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        settings = crawler.settings
        address = parse_frontier(settings["NEWSBOT_FRONTIER"],
                                 settings.get("NEWSBOT_FRONTIER_NAME") or "newsbot")
        return cls(address.connect(settings.getint("NEWSBOT_FRONTIER_RETRIES", 14)), address,
                   crawler)

    def open(self, spider) -> None:
        self.spider = spider
        self.queue = PriorityQueue(self.server, spider, self.queue_key, picklecompat)
        self.df = FrontierDupeFilter(self.server, self.dupefilter_key,
                                     self.crawler.settings.getbool("DUPEFILTER_DEBUG"))
        self.inflight.beat()
        self._beaten = time.monotonic()
        from twisted.internet.task import LoopingCall
        self._ticker = LoopingCall(self.tick)
        self._ticker.start(TICK, now=False)
        logger.info("frontier %s (crawl %r): worker %s, %d requests queued", self.address.url,
                    self.address.name, self.inflight.worker, len(self.queue))

    def close(self, reason: str) -> None:
        if self._ticker is not None and self._ticker.running:
            self._ticker.stop()
        if self.lost:
            return
        try:
            if self.inflight.taken:  # stopped early: what this worker holds goes back
                back = self.inflight.give_back(self.queue.key)
                logger.info("put %d unfinished requests back on the queue", back)
            self.inflight.leave()
        except redis.RedisError as e:
            logger.error("could not tell the frontier that this worker stops (%s): other "
                         "workers put its requests back once its heartbeat expires", e)

    def enqueue_request(self, request: Request) -> bool:
        if self.lost:
            return False  # the request that led here stays in the in-flight hash
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        data = self.queue._encode_request(request)
        try:
            queued = self._enqueue(keys=[self.queue.key, self.df.key],
                                   args=[-request.priority, data, fingerprint])
        except redis.RedisError as e:
            self.redis_lost(e)
            # The request that led here stays in this worker's in-flight hash: put back, it
            # yields this request again.
            return False
        if not queued:
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if self.lost:
            return None
        try:
            taken = self.inflight.take(self.queue.key)
        except redis.RedisError as e:
            self.redis_lost(e)
            return None
        if taken is None:
            return None
        field, data = taken
        request = self.queue._decode_request(data)
        self.inflight.track(field, request)
        self._quiet_since = None
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def put_back(self, request: Request) -> bool:
        """A request taken but not to be read by this worker (it stops): back on the shared
        queue for another. False if it was not taken from the queue."""
        if self.lost:
            return True  # it stays in this worker's in-flight hash, put back when that expires
        try:
            return self.inflight.put_back(self.queue.key, request)
        except redis.RedisError as e:
            self.redis_lost(e)
            return True

    def has_pending_requests(self) -> bool:
        if self.lost:
            return False
        try:
            return len(self.queue) > 0
        except redis.RedisError as e:
            self.redis_lost(e)
            return False

    # -- the worker's clock: heartbeat, finished requests, the end of the crawl ----------------
    def busy(self) -> set[Request]:
        """The requests Scrapy has not finished with (downloading, in a callback or errback, their
        items in the pipelines). Scrapy 2.19 keeps them in the engine's slot, not a public API,
        so an engine without one counts as busy with everything (nothing is forgotten early)."""
        slot = getattr(self.crawler.engine, "_slot", None)
        inprogress = getattr(slot, "inprogress", None)
        return inprogress if inprogress is not None else set(self.inflight.taken.values())

    def tick(self) -> None:
        """Every TICK seconds: forget finished requests, beat, and ask the engine for more work
        (Scrapy would look at the scheduler again only every 5 s once it has run dry)."""
        if self.lost:
            return
        try:
            self.inflight.settle(self.busy())
            if time.monotonic() - self._beaten >= HEARTBEAT_EVERY:
                self.inflight.beat()
                self._beaten = time.monotonic()
        except redis.RedisError as e:
            self.redis_lost(e)
            return
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    def spider_idle(self, spider) -> None:
        """Stay open while there is work anywhere in the crawl."""
        if self.lost:
            return
        try:
            self.inflight.settle(self.busy())
            held = others_busy(self.server, self.address, self.queue.key, self.inflight.worker)
            queued = len(self.queue)
        except redis.RedisError as e:
            self.redis_lost(e)
            return
        now = time.monotonic()
        if held or queued:
            self._quiet_since = None
            raise DontCloseSpider
        if self._quiet_since is None:
            self._quiet_since = now
        if now - self._quiet_since < self.drain_wait:
            raise DontCloseSpider
        logger.info("the frontier is drained: queue empty, no worker busy for %.0f s",
                    self.drain_wait)
        drained = getattr(spider, "frontier_drained", None)
        if drained is not None:
            drained()

    def redis_lost(self, error: Exception) -> None:
        """Redis stayed unreachable through every retry: stop this worker, keep its record."""
        if self.lost:
            return
        self.lost = (f"the frontier at {self.address.url} is unreachable ({error}): this worker "
                     "stops; start it again once Redis is back, nothing it took is lost")
        logger.error(self.lost)
        self.crawler.stats.set_value("newsbot/frontier/lost", str(error))
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="frontier_unreachable"))
