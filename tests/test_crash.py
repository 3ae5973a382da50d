"""The store survives a crash: SIGKILL the crawl at random points while it writes, 20 times.

After each kill the database must pass ``PRAGMA integrity_check``, hold no partial article
(every stored article has its whole body and all its related links and popular ranking), and
a re-run must complete the set, each article once. Kill points are drawn from a fixed seed: after
1 to 80 articles are committed, or, when one transaction holds the whole run, 0.5 to 2.5 s in.
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
def replica(tmp_path_factory):
    with FaultServer({}, tmp_path_factory.mktemp("crash")) as srv:
        yield srv


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


def kill_and_rerun(host: str, db: Path, batch: int, written: int, extra: float) -> str:
    """Kill a crawl once ``written`` articles are committed (batch 200 commits only at the end:
    then ``extra`` seconds into the run), re-run it, and check the store both times."""
    proc = start_crawl(host + "/", db, batch)
    if batch < len(articles()):
        wait_for(proc, lambda: count(db) >= written)
    else:
        wait_for(proc, lambda: count(db, "runs") > 0)
    time.sleep(extra)
    finished_first = proc.poll() is not None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    assert not finished_first, f"batch {batch}: the crawl ended before the kill"
    where = f"batch {batch}, killed after {written} written + {extra:.2f} s, {count(db)} left"
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
def test_twenty_kills_leave_no_damage_and_a_rerun_completes_the_set(replica, tmp_path):
    rng = random.Random(SEED)
    plan = []
    for n in range(KILLS):
        batch = BATCHES[n % len(BATCHES)]
        extra = rng.uniform(0.5, 2.5) if batch >= len(articles()) else rng.uniform(0, 0.05)
        plan.append((tmp_path / f"kill{n}.db", batch, rng.randint(1, 80), extra))
    # Two kills at a time: each is a pair of subprocesses waiting mostly on each other.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda job: kill_and_rerun(replica.url, *job), plan))
