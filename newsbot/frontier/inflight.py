"""What each worker has taken from the queue and not finished: a hash per worker in Redis.

A request enters its worker's hash as it is popped (atomically, scripts.TAKE) and leaves once
Scrapy is done with it: downloaded, its callback or errback run, the requests it yielded queued
and its item through the pipelines (the store commits each article, NEWSBOT_STORE_BATCH=1).
A worker proves it is alive with a key that expires; the hash of a worker whose key has expired
is put back on the queue by whichever worker (or `newsbot seed`) notices it first.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Container

import redis
from scrapy import Request

from newsbot.frontier import scripts
from newsbot.frontier.address import FrontierAddress

logger = logging.getLogger(__name__)

# A worker whose heartbeat is older than this is dead. It beats every HEARTBEAT_EVERY seconds;
# the margin covers a reactor busy parsing for a few seconds.
ALIVE_TTL = 15
HEARTBEAT_EVERY = 2.0


def worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class InFlight:
    def __init__(self, server: redis.Redis, address: FrontierAddress, worker: str | None = None,
                 alive_ttl: int = ALIVE_TTL):
        self.server = server
        self.alive_ttl = alive_ttl
        self.address = address
        self.worker = worker or worker_id()
        self.hash = address.key("inflight", self.worker)
        self.taken: dict[str, Request] = {}
        self._count = 0
        self._take = server.register_script(scripts.TAKE)
        self._requeue = server.register_script(scripts.REQUEUE)
        self._put_back = server.register_script(scripts.PUT_BACK)

    def beat(self) -> None:
        """Alive for ALIVE_TTL seconds more; a member of the crawl again should another worker
        have given it up for dead during a long stall."""
        pipe = self.server.pipeline()
        pipe.set(self.address.key("alive", self.worker), "1", ex=self.alive_ttl)
        pipe.sadd(self.address.key("workers"), self.worker)
        pipe.execute()

    def take(self, queue_key: str) -> tuple[str, bytes] | None:
        """Pop the best request and record it in this worker's hash: (field, request) or None."""
        self._count += 1
        field = str(self._count)
        data = self._take(keys=[queue_key, self.hash], args=[field])
        return None if data is None else (field, data)

    def track(self, field: str, request: Request) -> None:
        self.taken[field] = request

    def settle(self, busy: Container[Request]) -> int:
        """Forget the taken requests Scrapy is no longer busy with. Returns how many."""
        done = [f for f, r in self.taken.items() if r not in busy]
        if done:
            self.server.hdel(self.hash, *done)
            for field in done:
                del self.taken[field]
        return len(done)

    def put_back(self, queue_key: str, request: Request) -> bool:
        """Put one taken request back on the queue as it was taken (its priority, past the
        dupefilter): False if this worker does not hold it."""
        field = next((f for f, r in self.taken.items() if r is request), None)
        if field is None:
            return False
        del self.taken[field]
        return bool(self._put_back(keys=[queue_key, self.hash], args=[field]))

    def give_back(self, queue_key: str) -> int:
        """On a stop before the end (Ctrl-C, a lost Redis): put what this worker holds back."""
        self.taken.clear()
        return self._requeue(keys=[queue_key, self.hash])

    def leave(self) -> None:
        """A clean end: nothing is held, the worker is no longer one of the crawl's."""
        pipe = self.server.pipeline()
        pipe.delete(self.address.key("alive", self.worker))
        pipe.srem(self.address.key("workers"), self.worker)
        pipe.execute()


def others_busy(server: redis.Redis, address: FrontierAddress, queue_key: str,
                me: str | None = None) -> int:
    """How many requests other live workers hold; a dead worker's are put back on the queue
    (and counted too: they are work to do)."""
    held = 0
    requeue = server.register_script(scripts.REQUEUE)
    for raw in server.smembers(address.key("workers")):
        worker = raw.decode()
        if worker == me:
            continue
        count = server.hlen(address.key("inflight", worker))
        if server.exists(address.key("alive", worker)):
            held += count
            continue
        if count:
            back = requeue(keys=[queue_key, address.key("inflight", worker)])
            logger.warning("worker %s stopped without finishing %d requests: they are back "
                           "on the queue", worker, back)
            held += back
        server.srem(address.key("workers"), worker)
    return held
