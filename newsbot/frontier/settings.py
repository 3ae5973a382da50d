"""The Scrapy settings that make a crawl a frontier worker."""

from __future__ import annotations

from newsbot.frontier.address import FrontierAddress

SCHEDULER = "newsbot.frontier.scheduler.FrontierScheduler"
DUPEFILTER = "newsbot.frontier.scheduler.FrontierDupeFilter"


def frontier_settings(address: FrontierAddress) -> dict:
    """Settings for one worker: scrapy-redis's scheduler and dupefilter under the crawl's keys."""
    return {
        "NEWSBOT_FRONTIER": address.url,
        "NEWSBOT_FRONTIER_NAME": address.name,
        "SCHEDULER": SCHEDULER,
        # Replaces newsbot.dupefilter.SeenDupeFilter: fingerprints in Redis, shared by workers.
        "DUPEFILTER_CLASS": DUPEFILTER,
        "REDIS_URL": address.url,
        "SCHEDULER_QUEUE_KEY": address.key("requests"),
        "SCHEDULER_DUPEFILTER_KEY": address.key("dupefilter"),
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        # Never clear the shared queue and fingerprints when one worker stops.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        # Several workers write one store: no run lock, and each article committed on its own,
        # so a request leaves the in-flight record only once its article is durable.
        "NEWSBOT_RUN_LOCK": False,
        "NEWSBOT_STORE_BATCH": 1,
        # JOBDIR is the in-process scheduler's state: the frontier keeps its own in Redis.
        "JOBDIR": None,
    }
