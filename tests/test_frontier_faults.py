"""A cluster survives its faults: a worker SIGKILLed mid-crawl, Redis restarted mid-crawl,
Redis gone for longer than a worker waits. Real processes, real Redis; every time the store
must end with the replica's 90 articles, each once, every field right."""

from __future__ import annotations

import signal
import socket
import time

import pytest
import redis

from newsbot.frontier.address import FrontierAddress
from tests.faultserver import FaultServer
from tests.frontier import (SLOW, article_count, finish, seed, stored,
                            wait_until, worker)
from tests.redisserver import PrivateRedis
from tests.replica import ReplicaServer
from tests.replica_truth import SITE, assert_the_replica


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(SITE) as server:
        yield server.url.rstrip("/")


def logs(tmp_path, names) -> str:
    return "\n".join((tmp_path / f"{n}.err").read_text() + (tmp_path / f"{n}.out").read_text()
                     for n in names)


def test_a_killed_worker_loses_nothing(store_address, frontier, replica, tmp_path):
    db = store_address
    assert seed(frontier, replica + "/").returncode == 0
    victim, *others = procs = [worker(frontier, db, tmp_path / f"w{n}", *SLOW) for n in range(3)]
    client = redis.Redis.from_url(frontier.url)
    hash_key = None

    def victim_busy_mid_crawl() -> bool:
        nonlocal hash_key
        keys = list(client.scan_iter(match=frontier.key("inflight", f"{socket.gethostname()}-"
                                                         f"{victim.pid}-*")))
        hash_key = keys[0] if keys else None
        return bool(hash_key) and client.hlen(hash_key) > 0 and article_count(db) >= 25

    wait_until(victim_busy_mid_crawl, procs)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    held = client.hlen(hash_key)
    assert held > 0  # it died holding requests, which only the re-queue can bring back
    statuses = finish(others)
    assert statuses == [0, 0], logs(tmp_path, ["w1", "w2"])[-4000:]
    assert "stopped without finishing" in logs(tmp_path, ["w1", "w2"])
    assert not client.exists(hash_key)
    assert_the_replica(stored(db), replica)


def test_redis_restarted_mid_crawl(replica, tmp_path):
    db = tmp_path / "news.db"
    with PrivateRedis(tmp_path) as server:
        address = FrontierAddress(server.url, "restart")
        assert seed(address, replica + "/").returncode == 0
        procs = [worker(address, db, tmp_path / f"w{n}", *SLOW) for n in range(2)]
        wait_until(lambda: article_count(db) >= 20, procs)
        server.stop()
        at_stop = article_count(db)
        time.sleep(3)
        server.start()
        statuses = finish(procs)
    assert at_stop < 90  # the restart landed mid-crawl
    assert statuses == [0, 0], logs(tmp_path, ["w0", "w1"])[-4000:]
    assert_the_replica(stored(db), replica)


def test_redis_gone_too_long_stops_workers_and_a_restart_resumes(replica, tmp_path):
    db = tmp_path / "news.db"
    quick = ["-s", "NEWSBOT_FRONTIER_RETRIES=3"]
    with PrivateRedis(tmp_path) as server:
        address = FrontierAddress(server.url, "gone")
        assert seed(address, replica + "/").returncode == 0
        procs = [worker(address, db, tmp_path / f"w{n}", *SLOW, *quick) for n in range(2)]
        wait_until(lambda: article_count(db) >= 20, procs)
        server.stop()
        statuses = finish(procs)
        assert article_count(db) < 90
        assert statuses == [1, 1]
        text = logs(tmp_path, ["w0", "w1"])
        assert "is unreachable" in text and "nothing it took is lost" in text
        assert "redis.exceptions" not in text  # one line, not a traceback
        server.start()
        again = worker(address, db, tmp_path / "again", *SLOW)
        assert finish([again]) == [0], logs(tmp_path, ["again"])[-4000:]
        # What the stopped workers had taken came back from their in-flight records.
        assert "stopped without finishing" in logs(tmp_path, ["again"])
    assert_the_replica(stored(db), replica)


def test_a_stopped_worker_puts_back_what_it_holds(frontier, replica, tmp_path):
    """Ctrl-C or `systemctl stop` (SIGINT): the worker's requests go back on the queue at once,
    not after its heartbeat expires."""
    db = tmp_path / "news.db"
    assert seed(frontier, replica + "/").returncode == 0
    stopped, other = procs = [worker(frontier, db, tmp_path / f"w{n}", *SLOW) for n in range(2)]
    client = redis.Redis.from_url(frontier.url)
    pattern = frontier.key("inflight", f"{socket.gethostname()}-{stopped.pid}-*")

    def holding() -> bool:
        keys = list(client.scan_iter(match=pattern))
        return bool(keys) and client.hlen(keys[0]) > 0 and article_count(db) >= 20

    wait_until(holding, procs)
    stopped.send_signal(signal.SIGINT)
    stopped.wait(timeout=60)
    # Nothing left for recovery: what the worker still held at its close went back at once
    # (logged as "put N unfinished requests back on the queue"; test_frontier.py checks that
    # step alone), and what finished during the graceful stop needs nothing. Which of the two
    # a given run sees depends on timing.
    assert not list(client.scan_iter(match=pattern))
    assert "Spider closed (shutdown)" in logs(tmp_path, ["w0"])
    assert finish([other]) == [0], logs(tmp_path, ["w1"])[-4000:]
    assert "stopped without finishing" not in logs(tmp_path, ["w1"])
    assert_the_replica(stored(db), replica)


def test_a_worker_stopped_while_reading_its_sitemap_gives_back_at_once(frontier, tmp_path):
    """A worker takes articles from the shared queue while it still reads the sitemap for their
    dates. Stopped then, its close must not wait for dates it will never read (it used to hang
    until a second Ctrl-C): what it took goes back on the queue for the others."""
    db = tmp_path / "news.db"
    # The second read of the sitemap (the late worker's) is slow: it is stopped meanwhile.
    plan = {"faults": {"/sitemap.xml": {"kind": "slow", "delay": 20, "skip": 1, "times": 1}}}
    with FaultServer(plan, tmp_path) as srv:
        assert seed(frontier, srv.url + "/").returncode == 0
        # Slower than SLOW: the queue must still hold articles once the late worker is up,
        # however long its start takes on a loaded machine (~90 articles at ~4 a second).
        early = worker(frontier, db, tmp_path / "w1", *SLOW, "-s", "DOWNLOAD_DELAY=0.25",
                       "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
        wait_until(lambda: article_count(db) >= 3, [early])
        late = worker(frontier, db, tmp_path / "w0", *SLOW)
        client = redis.Redis.from_url(frontier.url)
        pattern = frontier.key("inflight", f"{socket.gethostname()}-{late.pid}-*")

        def holding_undated() -> bool:
            keys = list(client.scan_iter(match=pattern))
            return len(srv.hits("/sitemap.xml")) == 2 and bool(keys) and client.hlen(keys[0]) > 0

        wait_until(holding_undated, [late])
        time.sleep(0.5)  # its taken articles downloaded, their callbacks waiting for dates
        stopped_at = time.monotonic()
        late.send_signal(signal.SIGINT)
        late.wait(timeout=60)
        assert time.monotonic() - stopped_at < 15, "the close waited for the slow sitemap"
        text = logs(tmp_path, ["w0"])
        assert "go back unread" in text and "Spider closed (shutdown)" in text, text[-3000:]
        assert not list(client.scan_iter(match=pattern))  # nothing left for the heartbeat
        assert finish([early]) == [0], logs(tmp_path, ["w1"])[-4000:]
        assert "stopped without finishing" not in logs(tmp_path, ["w1"])
        assert_the_replica(stored(db), srv.url)
