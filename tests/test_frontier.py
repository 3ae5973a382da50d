"""The frontier layer's parts against a real Redis: addresses, the atomic scripts, dead
workers' requests, seeding; and the default path, which needs no Redis at all."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from scrapy import Request
from scrapy_redis import picklecompat

from newsbot.frontier.address import FrontierError, parse_frontier
from newsbot.frontier.settings import frontier_settings
from newsbot.frontier.inflight import InFlight, others_busy
from newsbot.frontier.seed import seed, seed_request
from newsbot.frontier import scripts
from tests.frontier import ROOT


@pytest.mark.parametrize("url, name, problem", [
    ("http://127.0.0.1:6379/0", "newsbot", "use redis://"),
    ("redis://:99999/0", "newsbot", "not a Redis address"),
    ("redis:///0", "newsbot", "no host"),
    ("redis://127.0.0.1:6379/0", "a%b", "letters, digits"),
    ("redis://127.0.0.1:6379/0", "", "letters, digits"),
])
def test_bad_addresses_and_names_are_refused(url, name, problem):
    with pytest.raises(FrontierError, match=problem):
        parse_frontier(url, name)


def test_two_crawl_names_share_no_key():
    one, two = parse_frontier("redis://h:1/0", "one"), parse_frontier("redis://h:1/0", "two")
    assert frontier_settings(one)["SCHEDULER_QUEUE_KEY"] == "newsbot:one:requests"
    assert not set(frontier_settings(one).values()) & {two.key("requests"), two.key("dupefilter")}


def test_enqueue_filters_by_fingerprint_in_the_same_step(frontier):
    client = frontier.connect()
    enqueue = client.register_script(scripts.ENQUEUE)
    keys = [frontier.key("requests"), frontier.key("dupefilter")]
    assert enqueue(keys=keys, args=[0, b"a", "fp-a"]) == 1
    assert enqueue(keys=keys, args=[0, b"a2", "fp-a"]) == 0  # seen: not queued
    assert enqueue(keys=keys, args=[-5, b"b", ""]) == 1  # dont_filter: no fingerprint
    assert client.zrange(keys[0], 0, -1) == [b"b", b"a"]  # best priority first
    assert client.smembers(keys[1]) == {b"fp-a"}


def test_a_taken_request_is_held_until_settled_and_a_dead_workers_come_back(frontier):
    client = frontier.connect()
    queue = frontier.key("requests")
    client.zadd(queue, {b"first": -10, b"second": 0})
    dead = InFlight(client, frontier, "dead", alive_ttl=1)
    dead.beat()
    assert dead.take(queue) == ("1", b"first")
    assert client.hgetall(dead.hash) == {b"1": b"-10 first"}
    me = InFlight(client, frontier, "me")
    me.beat()
    field, _ = me.take(queue)
    request = Request("http://example.com/")
    me.track(field, request)
    assert me.settle(busy={request}) == 0 and client.hlen(me.hash) == 1
    assert me.settle(busy=set()) == 1 and client.hlen(me.hash) == 0
    # The dead worker's heartbeat still runs: its request is busy, not lost.
    assert others_busy(client, frontier, queue, me="me") == 1
    client.delete(frontier.key("alive", "dead"))  # its heartbeat expires
    assert others_busy(client, frontier, queue, me="me") == 1  # put back, and counted
    assert client.zrange(queue, 0, -1, withscores=True) == [(b"first", -10.0)]  # priority kept
    assert not client.exists(dead.hash)
    assert client.smembers(frontier.key("workers")) == {b"me"}


def test_a_stopping_worker_gives_back_what_it_holds_at_once(frontier):
    client = frontier.connect()
    queue = frontier.key("requests")
    client.zadd(queue, {b"first": -10, b"second": 0, b"third": 5})
    me = InFlight(client, frontier, "me")
    me.beat()
    for _ in range(2):
        field, _ = me.take(queue)
        me.track(field, Request(f"http://example.com/{field}"))
    assert client.zrange(queue, 0, -1) == [b"third"]
    assert me.give_back(queue) == 2
    # Back on the queue with their priorities, the worker's hash gone: no heartbeat to wait for.
    assert client.zrange(queue, 0, -1, withscores=True) == \
        [(b"first", -10.0), (b"second", 0.0), (b"third", 5.0)]
    assert not client.exists(me.hash) and not me.taken


def test_one_taken_request_goes_back_alone_with_its_priority(frontier):
    client = frontier.connect()
    queue = frontier.key("requests")
    client.zadd(queue, {b"first": -10, b"second": 0})
    me = InFlight(client, frontier, "me")
    taken = []
    for _ in range(2):
        field, _ = me.take(queue)
        taken.append(Request(f"http://example.com/{field}"))
        me.track(field, taken[-1])
    assert me.put_back(queue, taken[0])
    assert client.zrange(queue, 0, -1, withscores=True) == [(b"first", -10.0)]
    assert client.hlen(me.hash) == 1 and list(me.taken.values()) == [taken[1]]
    # Only the very request taken counts: an equal one built elsewhere is not held.
    assert not me.put_back(queue, Request(taken[1].url))
    assert not me.put_back(queue, taken[0])  # already back


def test_seed_queues_home_pages_for_parse_seed_and_starts_a_round_when_idle(frontier):
    client = frontier.connect()
    client.sadd(frontier.key("dupefilter"), "from the last round")
    args = {"site": "newsonjapan", "start_url": "http://a.test/,http://b.test/"}
    done = seed(frontier, args)
    assert (done.homes, done.new_round) == (2, True)
    assert not client.exists(frontier.key("dupefilter"))
    recorded = json.loads(client.get(frontier.key("args")))
    first_round = recorded.pop("frontier_round")
    assert recorded == args and first_round
    queued = [picklecompat.loads(d) for d in client.zrange(frontier.key("requests"), 0, -1)]
    assert sorted(q["url"] for q in queued) == ["http://a.test/", "http://b.test/"]
    assert {(q["callback"], q["errback"], q["dont_filter"]) for q in queued} == \
        {("parse_seed", "on_error", True)}
    # A second seed while work is queued joins the running round: fingerprints are kept.
    client.sadd(frontier.key("dupefilter"), "this round")
    assert seed(frontier, args).new_round is False
    assert client.sismember(frontier.key("dupefilter"), "this round")
    assert client.zcard(frontier.key("requests")) == 2  # the same seeds, not duplicated
    assert json.loads(client.get(frontier.key("args")))["frontier_round"] == first_round


def test_seed_request_is_a_scrapy_request_dict():
    data = picklecompat.loads(seed_request("http://a.test/"))
    assert data["meta"] == {"kind": "home", "home": "http://a.test/"}
    assert data["priority"] > 0


def test_commands_refuse_bad_input_in_one_line(tmp_path):
    for args in (["seed", "--frontier", "http://x/"],
                 ["worker", "--frontier", "redis://127.0.0.1:6379/0", "--name", "bad name",
                  "--store", str(tmp_path / "s.db")]):
        out = subprocess.run([sys.executable, "-m", "newsbot", *args], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_a_worker_with_nothing_seeded_says_so(frontier, tmp_path):
    out = subprocess.run([sys.executable, "-m", "newsbot", "worker", "--frontier", frontier.url,
                          "--name", frontier.name, "--store", str(tmp_path / "s.db")],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "run `newsbot seed` first" in out.stderr


def test_an_unreachable_frontier_is_one_line_and_try_again_later(tmp_path):
    out = subprocess.run([sys.executable, "-m", "newsbot", "seed", "--frontier",
                          "redis://127.0.0.1:1/0", "--start-url", "http://a.test/"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 75 and "unreachable" in out.stderr
    assert "Traceback" not in out.stderr


def test_the_default_settings_use_no_frontier():
    from scrapy.settings import Settings
    settings = Settings()
    settings.setmodule("newsbot.settings")
    assert settings["NEWSBOT_FRONTIER"] == ""
    assert settings["DUPEFILTER_CLASS"] == "newsbot.dupefilter.SeenDupeFilter"
    assert settings.get("SCHEDULER") == "scrapy.core.scheduler.Scheduler"
    assert settings.getbool("NEWSBOT_RUN_LOCK") is True


def test_a_crawl_without_frontier_needs_no_redis(tmp_path):
    """`newsbot crawl` with the redis client made unimportable still crawls the replica."""
    from tests.replica import ReplicaServer
    from tests.replica_truth import SITE
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "redis.py").write_text("raise ImportError('no redis on this machine')\n")
    (blocker / "sitecustomize.py").write_text("")
    with ReplicaServer(SITE) as server:
        out = subprocess.run(
            [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv.pop(1)); "
             "from newsbot.cli import main; sys.exit(main(sys.argv[1:]))", str(blocker),
             "crawl", "--start-url", server.url, "--db", str(tmp_path / "s.db")],
            cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.splitlines()[-1] == "healthy"
    assert "90 in the store" in out.stdout


def test_what_a_sibling_worker_stored_is_this_crawls_not_an_earlier_runs():
    """Pagination stops at pages of articles earlier runs stored; a sibling's are this crawl's."""
    from types import SimpleNamespace

    from newsbot.incremental import Incremental
    from newsbot.store import open_store
    store = open_store(":memory:")
    stats = SimpleNamespace(inc_value=lambda *a, **k: None, set_value=lambda *a, **k: None)
    store.begin_run("portal", "newsonjapan", "2026-01-01T00:00:00", {})  # an earlier crawl
    store.upsert_article(_article("http://a.test/article/1.php"), None)
    store.end_run("2026-01-01T00:10:00", "finished", {})
    sibling = store.begin_run("portal", "newsonjapan", "2026-01-02T00:00:00",
                              {"frontier_round": "r2"})
    store.upsert_article(_article("http://a.test/article/2.php"), None)
    store.begin_run("portal", "newsonjapan", "2026-01-02T00:00:01", {"frontier_round": "r2"})
    crawl_runs = lambda: {r["id"] for r in store.runs() if r["args"].get("frontier_round") == "r2"}
    worker = Incremental.for_run(store, stats, False, 1, crawl_runs)
    assert worker.full_pagination is False  # the sibling's run, unfinished, is not "previous"
    assert worker.sort(["http://a.test/article/1.php"]) == ([], True)
    assert worker.sort(["http://a.test/article/2.php"]) == ([], False)
    assert sibling in worker.ours({sibling})
    alone = Incremental.for_run(store, stats, False, 1)
    assert alone.sort(["http://a.test/article/2.php"]) == ([], True)


def _article(url: str) -> dict:
    return {"url": url, "canonical_url": url, "article_id": url.rsplit("/", 1)[1][:-4],
            "site": "newsonjapan", "section": "Society", "headline": "h", "dateline": "Jan 01",
            "published": "2026-01-01", "date_evidence": "", "source": "NHK", "body": "b",
            "summary": "", "related": [], "popular": [], "crawled_at": "2026-01-01T00:00:00",
            "content_hash": url, "extracted_by": {}}
