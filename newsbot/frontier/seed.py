"""`newsbot seed`'s work: record the crawl's arguments and queue one request per home page.

The seed reads nothing from the portal. The worker that takes a home page's request queues
what a crawl of one process queues at its start (the feeds' and sitemaps' articles, sections,
re-checks), after reading the feeds and sitemaps for dates as every worker does at its start.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import redis
from scrapy import Request
from scrapy_redis import picklecompat

from newsbot.frontier import scripts
from newsbot.frontier.address import FrontierAddress
from newsbot.frontier.inflight import others_busy

# Seeds go before everything else queued: their evidence and sections lead to the rest.
SEED_PRIORITY = 100
# A one-shot command: a few tries (about 2 s), then a clear error, rather than a worker's wait.
SEED_RETRIES = 3


@dataclass
class Seeded:
    homes: int
    new_round: bool  # the frontier was idle: the last round's fingerprints were cleared
    busy: int        # requests that workers held (a stopped worker's are put back)


def seed(address: FrontierAddress, spider_args: dict) -> Seeded:
    """Queue the start URLs of ``spider_args`` (bypassing the dupefilter) for the workers.

    On an idle frontier (nothing queued, no worker busy) this starts a new round: the
    fingerprints of the last one are cleared, or a scheduled re-run would find every article
    and re-check filtered as already seen. Stored articles are still skipped (by the store).
    """
    server = address.connect(retries=SEED_RETRIES)
    queue = address.key("requests")
    held = others_busy(server, address, queue)
    new_round = held == 0 and server.zcard(queue) == 0
    enqueue = server.register_script(scripts.ENQUEUE)
    homes = [u for u in spider_args["start_url"].split(",") if u]
    last = seeded_args(server, address) or {}
    # The round names the workers' runs in the store (runs.args): a worker counts what its
    # siblings stored as this crawl's, not as an earlier run's (newsbot.incremental).
    spider_args = {**spider_args, "frontier_round": uuid.uuid4().hex[:12] if new_round or
                   "frontier_round" not in last else last["frontier_round"]}
    pipe = server.pipeline()
    if new_round:
        pipe.delete(address.key("dupefilter"))
    pipe.set(address.key("args"), json.dumps(spider_args, sort_keys=True))
    pipe.execute()
    for home in homes:
        enqueue(keys=[queue, address.key("dupefilter")],
                args=[-SEED_PRIORITY, seed_request(home), ""])
    return Seeded(len(homes), new_round, held)


def seed_request(home: str) -> bytes:
    """A home page's request as scrapy-redis stores it, naming the spider's parse_seed."""
    request = Request(home, meta={"kind": "home", "home": home}, dont_filter=True,
                      priority=SEED_PRIORITY)
    data = request.to_dict()
    data.update(callback="parse_seed", errback="on_error")
    return picklecompat.dumps(data)


def seeded_args(server: redis.Redis, address: FrontierAddress) -> dict | None:
    """The spider arguments the last seed recorded, or None when nothing was seeded."""
    raw = server.get(address.key("args"))
    return json.loads(raw) if raw else None
