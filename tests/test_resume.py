"""Resumable runs as real processes: SIGKILL mid-crawl then a rerun, SIGINT then a resume.

The crawl is slowed down (one request at a time, a small delay, five articles per transaction)
so that the signal lands while articles are being stored.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.faultserver import FaultServer
from tests.frontier import wait_until
from tests.replica import ReplicaServer
from tests.replica_truth import articles
from tests.scheduled import NEWSBOT, ROOT, SITE, query, runs

SLOW = ["-s", "DOWNLOAD_DELAY=0.05", "-s", "CONCURRENT_REQUESTS=1", "-s", "NEWSBOT_STORE_BATCH=5"]


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(SITE) as server:
        yield server.url


def start(url: str, db: Path, jobdir: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(NEWSBOT + ["crawl", "--start-url", url, "--db", str(db), "--jobdir",
                                       str(jobdir), "--log-level", "INFO", *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_articles(db: Path, proc: subprocess.Popen, at_least: int, timeout: float = 60) -> int:
    """Poll the store (as another reader would) until the crawl has committed some articles."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the crawl ended before it could be interrupted"
        if db.exists():
            try:
                [(n,)] = query(db, "SELECT COUNT(*) FROM articles")
            except Exception:  # noqa: BLE001 - schema not created yet
                n = 0
            if n >= at_least:
                return n
        time.sleep(0.05)
    raise AssertionError(f"no {at_least} articles stored within {timeout}s")


def assert_complete_store(db: Path) -> None:
    """Every replica article exactly once, each with all its related links, dated right."""
    truth = {str(a["id"]): a for a in articles()}
    rows = query(db, "SELECT article_id, published, (SELECT COUNT(*) FROM related_links r "
                     "WHERE r.article_pk = a.id) FROM articles a")
    assert sorted(r[0] for r in rows) == sorted(truth)
    for article_id, published, related in rows:
        assert published == truth[article_id]["published"], article_id
        assert related == len(set(truth[article_id].get("related", []))), article_id
    assert query(db, "SELECT COUNT(*) FROM articles WHERE body = '' OR headline = ''") == [(0,)]


def test_sigkill_mid_run_then_a_rerun_stores_every_article_once(replica, tmp_path):
    db, jobdir = tmp_path / "news.db", tmp_path / "job"
    proc = start(replica, db, jobdir, *SLOW)
    stored_before = wait_for_articles(db, proc, at_least=15)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert stored_before < len(articles())
    assert json.loads((jobdir / "newsbot.json").read_text())["state"] == "running"

    again = start(replica, db, jobdir)
    out, err = again.communicate(timeout=240)
    assert again.returncode == 0, out + err[-3000:]
    assert "was killed" in err  # the half-written JOBDIR queue was not trusted
    assert_complete_store(db)
    killed, rerun = runs(db)[1], runs(db)[0]
    assert killed["finished_at"] is None and killed["exit_status"] is None
    assert "unfinished" in killed["health"]
    assert rerun["finish_reason"] == "finished" and rerun["exit_status"] == 0
    # After an unfinished run every index page is walked: that run may have stopped mid-section.
    [(stats,)] = query(db, "SELECT stats FROM runs WHERE id = ?", rerun["id"])
    assert json.loads(stats)["newsbot/incremental/after_unfinished_run"] == killed["id"]


def test_sigint_shuts_down_cleanly_and_the_jobdir_resumes(replica, tmp_path):
    db, jobdir = tmp_path / "news.db", tmp_path / "job"
    proc = start(replica, db, jobdir, *SLOW)
    wait_for_articles(db, proc, at_least=15)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, out + err[-3000:]
    # (the finish-reason monitor adds its own message after the verdict's: docs/monitoring.md)
    assert out.splitlines()[-1].startswith("UNHEALTHY: the crawl ended early (shutdown)")
    [paused] = runs(db)
    assert paused["finish_reason"] == "shutdown" and paused["exit_status"] == 1
    assert paused["finished_at"] is not None and paused["items_new"] < len(articles())
    assert json.loads((jobdir / "newsbot.json").read_text())["state"] == "paused"

    again = start(replica, db, jobdir)
    out, err = again.communicate(timeout=240)
    assert again.returncode == 0, out + err[-3000:]
    assert "Resuming crawl" in err  # Scrapy's own queue was picked up
    assert_complete_store(db)
    [(stats,)] = query(db, "SELECT stats FROM runs ORDER BY id DESC LIMIT 1")
    stats = json.loads(stats)
    assert stats["newsbot/jobdir"] == "resume" and stats["scheduler/dequeued/disk"] > 0
    assert paused["items_new"] + stats["newsbot/store/new"] == len(articles())
    assert json.loads((jobdir / "newsbot.json").read_text())["state"] == "finished"


def test_a_finished_jobdir_does_not_filter_the_next_run(replica, tmp_path):
    """cron reuses one --jobdir: a finished job's seen-requests must not hide the next run's pages."""
    db, jobdir = tmp_path / "news.db", tmp_path / "job"
    for _ in range(2):
        proc = start(replica, db, jobdir)
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, out + err[-3000:]
    [(stats,)] = query(db, "SELECT stats FROM runs ORDER BY id DESC LIMIT 1")
    stats = json.loads(stats)
    assert stats["newsbot/jobdir"] == "fresh"
    assert stats["newsbot/pages/section"] == 14  # pages 1 and 2 of 7 index paths, as without JOBDIR
    assert_complete_store(db)


def test_sigint_while_a_resumed_run_reads_its_sitemap_still_pauses(tmp_path):
    """A resumed run hands its queued articles to Scrapy before start() has read the sitemap,
    and their callbacks wait for its dates. Stopped then, the run must still close (it used to
    hang: nothing was left to give the dates), keep those articles for the next resume, and
    say it paused."""
    plan = {"faults": {"/sitemap.xml": {"kind": "slow", "delay": 20, "skip": 1,
                                       "times": 1}}}
    db, jobdir = tmp_path / "news.db", tmp_path / "job"
    with FaultServer(plan, tmp_path) as srv:
        proc = start(srv.url + "/", db, jobdir, *SLOW)
        wait_for_articles(db, proc, at_least=15)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 1, out + err[-3000:]
        [first] = runs(db)

        # Room beside the sitemap's download: the queue's articles come while it is awaited.
        again = start(srv.url + "/", db, jobdir, "-s", "CONCURRENT_REQUESTS=4",
                      "-s", "DOWNLOAD_DELAY=0.05")

        def articles_wait_for_the_sitemap() -> bool:
            # The slow sitemap is asked for, and an article from the queue came after it.
            asked = srv.hits("/sitemap.xml")[1:]
            return bool(asked) and any(h["path"].startswith("/article/") and h["t"] > asked[0]["t"]
                                       for h in srv.hits())

        wait_until(articles_wait_for_the_sitemap, [again], timeout=30)
        time.sleep(0.5)
        stopped_at = time.monotonic()
        again.send_signal(signal.SIGINT)
        out, err = again.communicate(timeout=60)
        assert time.monotonic() - stopped_at < 15, "the close waited for the slow sitemap"
        assert again.returncode == 1, out + err[-3000:]
        assert "Spider closed (shutdown)" in err
        assert json.loads((jobdir / "newsbot.json").read_text())["state"] == "paused"
        stats = json.loads(query(db, "SELECT stats FROM runs ORDER BY id DESC LIMIT 1")[0][0])
        handed_back = stats["newsbot/stopped/handed_back"]
        assert handed_back > 0  # articles were waiting for the dates
        # ...and went back into the JOBDIR's queue on disk, which the next run resumes.
        assert stats["scheduler/enqueued/disk"] >= handed_back

        last = start(srv.url + "/", db, jobdir)
        out, err = last.communicate(timeout=240)
    assert last.returncode == 0, out + err[-3000:]
    assert first["items_new"] < len(articles())
    assert_complete_store(db)
