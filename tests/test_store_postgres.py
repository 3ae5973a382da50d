"""The PostgreSQL store end to end: a crawl of the replica, concurrent writers, server restarts.

Against the machine's server (a fresh database per test, tests/pg.py), and, for restarts, a
private server of our own: the shared one is never stopped.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time

import psycopg
import pytest

from newsbot.store import ArticleQuery, StoreError, StoreLocked, open_store
from tests.pg import Database, PrivateServer
from tests.replica import ReplicaServer
from tests.replica_truth import SITE, assert_the_replica
from tests.test_crawl import NEWSBOT, run, stored

HOLD = ("import sys, time; from newsbot.store import open_store; "
        "open_store(sys.argv[1]).lock().acquire(); print('held', flush=True); time.sleep(60)")


def one(url: str, sql: str):
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchone()


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(SITE) as server:
        yield server.url.rstrip("/")


@pytest.fixture(scope="module")
def crawled(replica):
    with Database() as url:
        result = run(NEWSBOT + ["crawl", "--start-url", replica + "/", "--store", url])
        yield result, url


@pytest.fixture(scope="module")
def sqlite_crawled(replica, tmp_path_factory):
    """The same crawl into SQLite, to compare with."""
    db = tmp_path_factory.mktemp("sqlite") / "news.db"
    result = run(NEWSBOT + ["crawl", "--start-url", replica + "/", "--db", str(db)])
    assert result.returncode == 0, result.stderr[-3000:]
    return db


def test_a_crawl_into_postgres_is_healthy(crawled):
    result, _ = crawled
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "90 new" in result.stdout and "healthy" in result.stdout.splitlines()[-1]


def test_every_article_is_stored_once_with_every_field_right(crawled, replica):
    _, url = crawled
    exported = {a["canonical_url"]: a for a in stored(url)}  # `newsbot export --db URL`
    assert_the_replica(exported, replica)
    for column in ("canonical_url", "article_id", "content_hash"):
        assert one(url, f"SELECT COUNT(*), COUNT(DISTINCT {column}) FROM articles") == (90, 90)


def test_the_same_crawl_into_sqlite_stores_the_same_export(crawled, sqlite_crawled):
    _, url = crawled
    drop = ("crawled_at",)

    def same(rows):
        return sorted(({k: v for k, v in r.items() if k not in drop} for r in rows),
                      key=lambda r: r["canonical_url"])
    assert same(stored(url)) == same(stored(sqlite_crawled))


def test_the_coverage_report_reads_the_same_from_both_stores(crawled, sqlite_crawled):
    _, url = crawled
    period = ["--since", "2019-01-01", "--until", "2026-12-31", "--watch", "Korea"]
    from_sqlite = run(NEWSBOT + ["report", "--db", str(sqlite_crawled), *period])
    from_postgres = run(NEWSBOT + ["report", "--store", url, *period])
    assert from_sqlite.returncode == from_postgres.returncode == 0, from_postgres.stderr
    assert "Japan Times" in from_sqlite.stdout and "Korea" in from_sqlite.stdout
    # the two crawls took their popular snapshots a few seconds apart: all else is the same
    crawl_times = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")
    assert crawl_times.sub("T", from_postgres.stdout) == crawl_times.sub("T", from_sqlite.stdout)


def test_runs_and_report_read_postgres(crawled):
    _, url = crawled
    runs = run(NEWSBOT + ["runs", "--store", url, "--json"])
    assert runs.returncode == 0, runs.stderr
    [record] = json.loads(runs.stdout)[-1:]
    assert record["items_new"] == 90 and record["exit_status"] == 0
    report = run(NEWSBOT + ["report", "--store", url])
    assert report.returncode == 0 and "Japan Times" in report.stdout, report.stderr


def test_a_second_run_stores_nothing_new(crawled, replica):
    _, url = crawled
    again = run(NEWSBOT + ["crawl", "--start-url", replica + "/", "--store", url])
    assert again.returncode == 0, again.stdout + again.stderr[-2000:]
    assert one(url, "SELECT COUNT(*) FROM articles") == (90,)
    stats = json.loads(one(url, "SELECT stats FROM runs ORDER BY id DESC LIMIT 1")[0])
    assert stats.get("newsbot/store/new", 0) == 0
    assert stats["newsbot/incremental/skipped_known"] >= 90


def test_an_unreachable_server_is_one_line_and_exit_2(tmp_path):
    from tests.pg import free_port
    port = free_port()
    for command in (["crawl", "--start-url", "http://127.0.0.1:9/"], ["export"], ["runs"]):
        result = run(NEWSBOT + [*command, "--store", f"postgresql://postgres@127.0.0.1:{port}/x"])
        assert result.returncode == 2, result.stderr
        [line] = result.stderr.strip().splitlines()
        assert f"PostgreSQL store at 127.0.0.1:{port}/x" in line and "Traceback" not in line


def test_the_run_lock_is_exclusive_across_processes_and_names_the_holder(pg_url):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, pg_url], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreLocked, match=f"newsbot pid {holder.pid} on .* since "):
            open_store(pg_url).lock().acquire()
    finally:
        holder.kill()
        holder.wait()
    for _ in range(50):  # the server notices the dead session and drops its lock
        try:
            open_store(pg_url).lock().acquire().release()
            break
        except StoreLocked:
            time.sleep(0.1)
    else:
        pytest.fail("the lock of a killed process was not released")


def test_two_crawls_started_together_into_one_postgres_store_one_crawls(replica, pg_url):
    procs = [subprocess.Popen(NEWSBOT + ["crawl", "--start-url", replica + "/", "--store", pg_url,
                                         "-s", "DOWNLOAD_DELAY=0.02"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [p.communicate(timeout=240) for p in procs]
    assert sorted(p.returncode for p in procs) == [0, 75], [err[-2000:] for _, err in results]
    [locked_out] = [err for p, (_, err) in zip(procs, results) if p.returncode == 75]
    assert "is crawling into PostgreSQL" in locked_out
    assert one(pg_url, "SELECT COUNT(*) FROM runs") == (1,)


def test_workers_that_share_a_store_may_skip_the_run_lock(pg_url):
    from newsbot.extensions.runrecord import RunRecorder
    from tests.conftest import make_crawler
    holder = subprocess.Popen([sys.executable, "-c", HOLD, pg_url], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreLocked):
            open_store(pg_url).lock().acquire()
        worker = RunRecorder.from_crawler(make_crawler(NEWSBOT_DB=pg_url, NEWSBOT_RUN_LOCK=False))
        assert worker.locked_out is None and worker.run_lock is False
        worker.store.close()
    finally:
        holder.kill()
        holder.wait()


# -- concurrent writers -------------------------------------------------------------------

WRITER = """
import json, sys, time
from newsbot.store import open_store
url, me, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
store = open_store(url)
store.begin_run("portal", me, "2026-01-12T09:00:00+00:00", {})
outcomes = {}
while time.time() < start:
    time.sleep(0.001)
for i in range(300):
    # writer "a" stores story i at /a/i; writer "b" at /a/i when i is odd, else at /b/i:
    # the same URL twice, or the same text under two URLs.
    path = "a" if me == "a" or i % 2 else "b"
    article = {"canonical_url": f"http://h/{path}/{i}", "url": f"http://h/{path}/{i}",
               "headline": f"Story {i}", "body": f"Body {i}", "content_hash": f"c{i}",
               "related": [{"url": f"http://h/a/{i + 1}", "title": "Next"}]}
    outcome = store.upsert_article(article, None)
    outcomes[outcome] = outcomes.get(outcome, 0) + 1
store.close()
print(json.dumps(outcomes))
"""


def test_two_writers_of_overlapping_articles_keep_each_story_once(pg_url):
    open_store(pg_url).close()
    start = time.time() + 2  # both processes past their imports: they write at the same time
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, pg_url, me, str(start)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for me in ("a", "b")]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in results]
    outcomes = [json.loads(out) for out, _ in results]
    assert one(pg_url, "SELECT COUNT(*), COUNT(DISTINCT content_hash) FROM articles") == (300, 300)
    assert one(pg_url, "SELECT COUNT(*) FROM related_links") == (300,)
    # every story reported "new" by exactly one writer, and dropped as "duplicate" by the other
    assert sum(o.get("new", 0) for o in outcomes) == 300
    assert sum(o.get("duplicate", 0) for o in outcomes) == 300
    assert all(o.get("updated", 0) == 0 for o in outcomes)
    odd = one(pg_url, "SELECT COUNT(*) FROM articles WHERE canonical_url LIKE 'http://h/b/%'")[0]
    assert odd <= 150  # only even stories may sit at /b/


# -- restarts -----------------------------------------------------------------------------

def article(i: int) -> dict:
    return {"canonical_url": f"http://h/a/{i}", "url": f"http://h/a/{i}", "headline": f"S{i}",
            "body": f"Body {i}", "content_hash": f"c{i}", "related": []}


@pytest.fixture
def private():
    with PrivateServer() as server:
        yield server


def test_writes_wait_out_a_server_restart_and_lose_nothing(private, caplog):
    store = open_store(private.url, batch_size=1000, retry_seconds=30)
    store.begin_run("portal", "newsonjapan", "2026-01-12T09:00:00+00:00", {})
    stopped, restarted = threading.Event(), threading.Event()

    def restart():
        private.stop("fast")
        stopped.set()
        time.sleep(2)
        private.start()
        restarted.set()

    outcomes = []
    for i in range(200):
        if i == 50:  # the next writes meet a server that is down, then one that is back
            threading.Thread(target=restart).start()
            assert stopped.wait(60)
        store.record_failure(f"http://h/x/{i}", "HTTP 500", 500, "2026-01-12T09:00:01+00:00")
        outcomes.append(store.upsert_article(article(i), None))
    assert restarted.wait(60)
    store.close()
    assert "retrying in" in caplog.text
    assert outcomes == ["new"] * 200
    assert one(private.url, "SELECT COUNT(*) FROM articles") == (200,)
    assert one(private.url, "SELECT COUNT(*) FROM failures") == (200,)


def test_past_the_bound_a_clear_error_and_the_pending_batch_is_kept(private):
    store = open_store(private.url, batch_size=1000, retry_seconds=1)
    store.begin_run("portal", "newsonjapan", "2026-01-12T09:00:00+00:00", {})
    for i in range(3):
        store.record_failure(f"http://h/x/{i}", "HTTP 500", 500, "2026-01-12T09:00:01+00:00")
    private.stop("fast")
    started = time.monotonic()
    with pytest.raises(StoreError, match=rf"PostgreSQL at 127.0.0.1:{private.port}/postgres "
                                         r"unreachable since \d{4}-\d\d-\d\dT"):
        store.commit()
    assert time.monotonic() - started < 10
    with pytest.raises(StoreError, match="unreachable since"):
        store.upsert_article(article(1), None)  # once down: one quick try, no second wait
    private.start()
    store.commit()  # the server is back: the batch kept in memory is written
    assert store.upsert_article(article(1), None) == "new"
    store.close()
    assert one(private.url, "SELECT COUNT(*) FROM failures") == (3,)


def test_a_crawl_rides_out_a_restart_of_its_store(private, replica):
    with_restart = threading.Thread(target=restart_when_stored, args=(private, 20))
    with_restart.start()
    result = run(NEWSBOT + ["crawl", "--start-url", replica + "/", "--store", private.url,
                            "-s", "DOWNLOAD_DELAY=0.05"])
    with_restart.join()
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "90 new" in result.stdout
    assert "retrying in" in result.stderr  # it did meet the restart
    assert one(private.url, "SELECT COUNT(*), COUNT(DISTINCT content_hash) FROM articles") == \
        (90, 90)


def test_a_crawl_whose_store_stays_down_stops_clearly_and_a_rerun_completes(private, replica):
    stopper = threading.Thread(target=stop_when_stored, args=(private, 20))
    stopper.start()
    first = run(NEWSBOT + ["crawl", "--start-url", replica + "/", "--store", private.url,
                           "-s", "DOWNLOAD_DELAY=0.05", "-s", "NEWSBOT_STORE_RETRY_SECONDS=2"])
    stopper.join()
    assert first.returncode == 1, first.stderr[-3000:]
    # one line each: the store's frames and the items' reprs stay out of the log
    assert "store/postgres.py" not in first.stderr and "Error processing" not in first.stderr
    assert "Dropped (StoreUnavailable)" in first.stderr
    assert f"PostgreSQL at 127.0.0.1:{private.port}/postgres unreachable since" in first.stderr
    assert "the crawl stops" in first.stderr
    private.start()
    stored_before = one(private.url, "SELECT COUNT(*) FROM articles")[0]
    assert 20 <= stored_before < 90
    again = run(NEWSBOT + ["crawl", "--start-url", replica + "/", "--store", private.url])
    assert again.returncode == 0, again.stdout + again.stderr[-3000:]
    assert one(private.url, "SELECT COUNT(*), COUNT(DISTINCT content_hash) FROM articles") == \
        (90, 90)


def wait_for_articles(server: PrivateServer, n: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if one(server.url, "SELECT COUNT(*) FROM articles")[0] >= n:
                return
        except psycopg.Error:
            pass  # the schema is not there yet
        time.sleep(0.05)
    raise AssertionError(f"never {n} articles stored")


def restart_when_stored(server: PrivateServer, n: int) -> None:
    wait_for_articles(server, n)
    server.stop("fast")
    time.sleep(3)
    server.start()


def stop_when_stored(server: PrivateServer, n: int) -> None:
    wait_for_articles(server, n)
    server.stop("fast")


def test_every_postgres_write_keeps_hostile_text_verbatim(pg_url):
    """test_security's hostile strings through every write; U+0000 alone becomes U+FFFD."""
    from tests.test_security import HOSTILE, write_hostile
    kept = [text.replace("\x00", "\ufffd") for text in HOSTILE]
    store = open_store(pg_url, batch_size=1)
    write_hostile(store)
    store.end_run(HOSTILE[1], HOSTILE[2], {HOSTILE[3]: HOSTILE[4]})
    store.close()
    store = open_store(pg_url, readonly=True)
    try:
        stored = list(store.iter_articles())
        assert [a["headline"] for a in stored] == kept
        assert all(a["related"][0]["title"] == a["headline"] for a in stored)
        assert [f["reason"] for f in store.failures()] == kept
        [run] = store.runs()
        assert run["args"] == {"start_urls": HOSTILE}  # JSON escapes U+0000: kept exactly
        assert run["stats"] == {HOSTILE[3]: HOSTILE[4]}
        for text in kept:
            [hit] = store.select_articles(ArticleQuery(contains=text, sources=(text,)))
            assert hit["body"] == f"{text}\n\n{text}"
    finally:
        store.close()
