"""The store survives a crash: SIGKILL the crawl at random points while it writes, 20 times.

After each kill the database must pass ``PRAGMA integrity_check``, hold no partial article
(every stored article has its whole body and all its related links and popular ranking), and
a re-run must complete the set, each article once. Kill points are drawn from a fixed seed: after
the crawl has fetched 1 to 80 of its article pages, with store batches of 1, 3, 7 and 200.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.faultserver import REPO, FaultServer, crawl
from tests.replica_truth import articles, expected_fields

KILLS = 20
SEED = 4
BATCHES = (1, 3, 7, 200)  # articles per transaction: every kill lands in a different rhythm


def start_crawl(url: str, db: Path, batch: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "newsbot", "crawl", "--start-url", url, "--db", str(db),
           "-s", f"NEWSBOT_STORE_BATCH={batch}", "--log-level", "ERROR"]
    return subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def count(db: Path, table: str = "articles") -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0  # not created yet, or locked for a moment


def wait_for(proc: subprocess.Popen, ready) -> None:
    while proc.poll() is None and not ready():
        time.sleep(0.01)


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    """Two servers, one per worker: each counts the article pages its own crawls fetched."""
    work = tmp_path_factory.mktemp("crash")
    with FaultServer({}, work, name="a") as one, FaultServer({}, work, name="b") as two:
        yield one, two


def article_hits(server: FaultServer) -> int:
    return sum(h["path"].startswith("/article/") for h in server.hits())


def check_no_partial_article(db: Path, host: str) -> list[str]:
    """Problems with what a killed run left: damage, or any article missing part of itself."""
    con = sqlite3.connect(db)
    try:
        problems = [f"integrity_check: {r[0]}" for r in con.execute("PRAGMA integrity_check")
                    if r[0] != "ok"]
        problems += [f"foreign key: {r}" for r in con.execute("PRAGMA foreign_key_check")]
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles'").fetchone():
            return problems  # killed before the schema was written: an empty file is no damage
        truth = {f"{host}/article/{a['id']}.php": expected_fields(a, host) for a in articles()}
        rows = con.execute("SELECT id, canonical_url, headline, body, popular_snapshot_id "
                           "FROM articles").fetchall()
        for pk, url, headline, body, snapshot in rows:
            want = truth[url]
            related = {r["url"] for r in want["related"]}
            stored = con.execute("SELECT COUNT(*) FROM related_links WHERE article_pk = ?",
                                 (pk,)).fetchone()[0]
            ranked = con.execute("SELECT COUNT(*) FROM popular_entries WHERE snapshot_id = ?",
                                 (snapshot,)).fetchone()[0]
            if (headline, body) != (want["headline"], want["body"]):
                problems.append(f"{url}: headline or body differs from the page")
            if stored != len(related):
                problems.append(f"{url}: {stored} related links of {len(related)}")
            if ranked != len(want["popular"]):
                problems.append(f"{url}: popular snapshot has {ranked} entries")
        return problems
    finally:
        con.close()


def kill_and_rerun(server: FaultServer, db: Path, batch: int, fetched: int,
                   extra: float) -> str:
    """Kill a crawl once it has fetched ``fetched`` article pages (and ``extra`` seconds more),
    re-run it, and check the store both times. Small batches have committed some of them by
    then; a batch of 200 holds them all in its one open transaction."""
    host = server.url
    before = article_hits(server)
    proc = start_crawl(host + "/", db, batch)
    wait_for(proc, lambda: article_hits(server) - before >= fetched)
    time.sleep(extra)
    finished_first = proc.poll() is not None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    assert not finished_first, f"batch {batch}: the crawl ended before the kill"
    where = f"batch {batch}, killed after {fetched} pages + {extra:.2f} s, {count(db)} stored"
    assert check_no_partial_article(db, host) == [], where
    rerun = crawl(host + "/", db, "LOG_LEVEL=ERROR")
    assert rerun.returncode == 0, f"{where}\n{rerun.stdout}{rerun.stderr[-2000:]}"
    con = sqlite3.connect(db)
    urls = [r[0] for r in con.execute("SELECT canonical_url FROM articles")]
    con.close()
    assert len(urls) == len(set(urls)) == len(articles()), where
    assert check_no_partial_article(db, host) == [], where
    return where


@pytest.mark.timeout(900)
def test_twenty_kills_leave_no_damage_and_a_rerun_completes_the_set(replicas, tmp_path):
    rng = random.Random(SEED)
    jobs: list[list[tuple]] = [[], []]
    for n in range(KILLS):
        job = (tmp_path / f"kill{n}.db", BATCHES[n % len(BATCHES)], rng.randint(1, 80),
               rng.uniform(0, 0.05))
        jobs[n % 2].append(job)

    def worker(server: FaultServer, mine: list[tuple]) -> list[str]:
        return [kill_and_rerun(server, *job) for job in mine]

    # Two kills at a time, each worker with its own server so its page count is its own.
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(worker, replicas, jobs))
    assert sum(map(len, reports)) == KILLS
