"""A cluster on one machine: 1, 2 and 3 worker processes share a Redis frontier and a store.

Each crawl must store what one `newsbot crawl` stores: all 90 articles of the replica, each
once, every field right (the years too: each worker reads the feeds and sitemaps for dates).
"""

from __future__ import annotations

import pytest

from tests.frontier import assert_the_replica, finish, new_items, runs, seed, stored, worker
from tests.redisserver import frontier  # noqa: F401 - a fixture
from tests.replica import ReplicaServer
from tests.replica_truth import SITE, articles


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(SITE) as server:
        yield server.url.rstrip("/")


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_workers_store_the_replica_once(workers, frontier, replica, tmp_path):  # noqa: F811
    db = tmp_path / "news.db"
    seeded = seed(frontier, replica + "/")
    assert seeded.returncode == 0, seeded.stderr
    procs = [worker(frontier, db, tmp_path / f"w{n}") for n in range(workers)]
    statuses = finish(procs)
    logs = [(tmp_path / f"w{n}.err").read_text() for n in range(workers)]
    outs = [(tmp_path / f"w{n}.out").read_text() for n in range(workers)]
    assert statuses == [0] * workers, (statuses, outs, [e[-1500:] for e in logs])
    assert all(o.splitlines()[-1] == "healthy" for o in outs), outs
    assert_the_replica(stored(db), replica)
    # Nothing twice: the workers' runs stored 90 new articles between them.
    assert new_items(db) == len(articles())
    assert len(runs(db)) == workers
    # Each worker took part (scrapy-redis's queue shares the work out) when there are several.
    if workers > 1:
        assert all(r["exit_status"] == 0 for r in runs(db))
    # scrapy-redis 0.9.1 warns under Scrapy 2.19 (stats' spider argument, Spider.log); the layer
    # keeps all of it out of the log.
    for log in logs:
        assert "scrapy_redis" not in log, log[-3000:]
