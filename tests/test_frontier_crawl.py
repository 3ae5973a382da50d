"""A cluster on one machine: 1, 2 and 3 worker processes share a Redis frontier and a store.

Each crawl must store what one `newsbot crawl` stores: all 90 articles of the replica, each
once, every field right (the years too: each worker reads the feeds and sitemaps for dates).
"""

from __future__ import annotations

import sys

import pytest

from tests.frontier import finish, new_items, runs, seed, stored, worker
from tests.replica import ReplicaServer
from tests.replica_truth import SITE, articles, assert_the_replica


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(SITE) as server:
        yield server.url.rstrip("/")


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_workers_store_the_replica_once(workers, store_address, frontier, replica, tmp_path):
    db = store_address
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
    assert all(r["exit_status"] == 0 for r in runs(db))  # each worker's own verdict
    # scrapy-redis 0.9.1 warns under Scrapy 2.19 (stats' spider argument, Spider.log); the layer
    # keeps all of it out of the log.
    for log in logs:
        assert "scrapy_redis" not in log, log[-3000:]


def test_a_following_worker_runs_once_per_seed_and_stops_cleanly(
        frontier, replica, tmp_path):
    """`--follow`: waits for a seed, drains the round (one run record), waits for the next."""
    import signal
    import time

    from tests.frontier import wait_until
    db = tmp_path / "news.db"
    proc = worker(frontier, db, tmp_path / "f", "--follow")

    def finished_runs() -> int:
        try:
            return sum(1 for r in runs(db) if r["finish_reason"] == "finished")
        except Exception:  # noqa: BLE001 - the store may not exist yet
            return 0

    time.sleep(2)  # waiting, with nothing seeded
    assert proc.poll() is None
    assert seed(frontier, replica + "/").returncode == 0
    wait_until(lambda: finished_runs() == 1, [proc])
    assert seed(frontier, replica + "/").returncode == 0  # the next scheduled round
    wait_until(lambda: finished_runs() == 2, [proc])
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 0
    first, second = runs(db)
    assert first["items_new"] == len(articles())
    assert second["items_new"] == 0  # everything was stored: skipped
    assert first["args"]["frontier_round"] != second["args"]["frontier_round"]
    assert (tmp_path / "f.out").read_text().count("healthy") == 2


def test_plain_scrapy_with_the_frontier_setting_is_a_worker(
        frontier, replica, tmp_path):
    """NEWSBOT_FRONTIER alone (the add-on) switches `scrapy crawl` to the shared frontier."""
    import subprocess

    from tests.frontier import ROOT
    db = tmp_path / "news.db"
    assert seed(frontier, replica + "/").returncode == 0
    out = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "portal",
                          "-a", f"start_url={replica}/", "-s", f"NEWSBOT_FRONTIER={frontier.url}",
                          "-s", f"NEWSBOT_FRONTIER_NAME={frontier.name}", "-s", f"NEWSBOT_DB={db}"],
                         cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "'scheduler/dequeued/redis'" in out.stderr
    assert_the_replica(stored(db), replica)


def test_a_worker_that_finds_the_round_done_is_healthy(frontier, replica, tmp_path):
    """More workers than work: one that starts after its siblings took everything still read
    the feeds and sitemaps, finds their articles stored, and says so (exit 0, not "no
    articles found")."""
    db = tmp_path / "news.db"
    assert seed(frontier, replica + "/").returncode == 0
    assert finish([worker(frontier, db, tmp_path / "first")]) == [0]
    late = worker(frontier, db, tmp_path / "late")
    assert finish([late]) == [0], (tmp_path / "late.out").read_text()
    first, second = runs(db)
    assert second["items_new"] == 0 and second["articles_skipped_known"] >= len(articles())
    assert (tmp_path / "late.out").read_text().splitlines()[-1] == "healthy"
