"""End to end: serve the replica over HTTP, crawl it as a user would, check the store."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.replica import ReplicaServer
from tests.replica_truth import SITE, articles, assert_the_replica

ROOT = Path(__file__).resolve().parents[1]
NEWSBOT = [sys.executable, "-m", "newsbot"]


def run(args: list[str], cwd: Path = ROOT, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(SITE) as server:
        yield server.url.rstrip("/")


@pytest.fixture(scope="module")
def crawl(replica, tmp_path_factory):
    db = tmp_path_factory.mktemp("crawl") / "news.db"
    result = run(NEWSBOT + ["crawl", "--start-url", replica + "/", "--db", str(db)])
    return result, db


def stored(db: Path) -> list[dict]:
    out = run(NEWSBOT + ["export", "--db", str(db), "--format", "jsonl"])
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_the_crawl_is_healthy(crawl):
    result, _ = crawl
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "healthy" in result.stdout.splitlines()[-1]


def test_every_article_is_stored_once_with_every_field_right(crawl, replica):
    _, db = crawl
    exported = {a["canonical_url"]: a for a in stored(db)}
    assert_the_replica(exported, replica)


def test_the_seed_article(crawl, replica):
    _, db = crawl
    [seed] = [a for a in stored(db) if a["article_id"] == "119870"]
    assert seed["headline"].startswith("Japan rejects South Korea's offer to extend intel-sharing pact")
    assert (seed["dateline"], seed["published"], seed["source"]) == ("Sep 07", "2019-09-07", "Japan Times")
    assert seed["body"].startswith("Japan has decided") and seed["body"].endswith("among others.")
    smile_up = [r for r in seed["related"] if r["title"].startswith("Japanese company Smile-Up")]
    assert len(smile_up) == 1 and smile_up[0]["source"] == "NHK"
    assert len(seed["related"]) == 3 and len(seed["popular"]) == 5


def test_no_duplicates_in_the_store(crawl):
    _, db = crawl
    con = sqlite3.connect(db)
    for column in ("canonical_url", "article_id", "content_hash"):
        total, distinct = con.execute(
            f"SELECT COUNT(*), COUNT(DISTINCT {column}) FROM articles").fetchone()
        assert total == distinct == len(articles()), column


def test_the_year_boundary(crawl, replica):
    _, db = crawl
    by_dateline = {a["dateline"]: a for a in stored(db) if a["dateline"] in ("Dec 31", "Jan 02", "Jan 01")}
    assert by_dateline["Dec 31"]["published"] == "2025-12-31"
    assert any(a["published"].startswith("2026-01-0") for a in by_dateline.values())


def test_the_redirect_was_followed_and_the_404_recorded(crawl, replica):
    _, db = crawl
    con = sqlite3.connect(db)
    [stats] = con.execute("SELECT stats FROM runs").fetchone()
    stats = json.loads(stats)
    assert stats.get("downloader/response_status_count/301", 0) >= 1
    redirects = json.loads((SITE / "_site.json").read_text())["redirects"]
    targets = {replica + t for t in redirects.values() if t.startswith("/article/")}
    assert targets
    stored_urls = {row[0] for row in con.execute("SELECT canonical_url FROM articles")}
    assert targets <= stored_urls
    failures = con.execute("SELECT url, reason, status FROM failures").fetchall()
    assert [(u.rsplit("/", 1)[-1], r, s) for u, r, s in failures] == [("166599.php", "HTTP 404", 404)]


def test_popular_is_one_snapshot_shown_on_every_article(crawl):
    _, db = crawl
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM popular_snapshots").fetchone()[0] == 1
    assert con.execute("SELECT COUNT(DISTINCT popular_snapshot_id) FROM articles").fetchone()[0] == 1


@pytest.mark.parametrize("refresh", [False, True], ids=["incremental", "refresh"])
def test_a_second_run_stores_nothing_new(crawl, replica, refresh):
    _, db = crawl
    again = run(NEWSBOT + ["crawl", "--start-url", replica + "/", "--db", str(db)]
                + (["--refresh"] if refresh else []))
    assert again.returncode == 0, again.stdout + again.stderr[-2000:]
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == len(articles())
    [stats] = con.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    stats = json.loads(stats)
    assert stats.get("newsbot/store/new", 0) == 0
    if refresh:  # every article fetched again, found unchanged
        assert stats["item_dropped_reasons_count/DuplicateArticle"] >= len(articles())
    else:  # stored articles are not fetched at all
        assert stats.get("newsbot/pages/article", 0) == 0
        assert stats["newsbot/incremental/skipped_known"] >= len(articles())


def test_demo_command(tmp_path):
    result = run(NEWSBOT + ["demo", "--db", str(tmp_path / "demo.db")])
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert f"articles stored    {len(articles())} new" in result.stdout
    assert "pages failed       1" in result.stdout
    # The one warning a user should see is the replica's deliberate 404: no "Disabled ..." for
    # features left off, no deprecation warnings about libraries' code.
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and "HTTP 404" in warnings[0], warnings


def test_plain_scrapy_crawl_exits_with_the_runs_verdict(replica, tmp_path):
    """A cron line running `scrapy crawl portal` learns what `newsbot crawl` would tell it: a
    run that finds no article (the start page is gone, nothing else to read) exits 1, the
    status recorded for the run, not Scrapy's 0."""
    db = tmp_path / "news.db"
    result = run([str(Path(sys.executable).with_name("scrapy")), "crawl", "portal",
                  "-a", f"start_url={replica}/gone/", "-a", "discover=nav",
                  "-s", f"NEWSBOT_DB={db}", "-s", "LOG_LEVEL=WARNING"], cwd=ROOT)
    [(reason, status, health)] = sqlite3.connect(db).execute(
        "SELECT finish_reason, exit_status, health FROM runs").fetchall()
    assert reason == "finished"  # the crawl itself ran to its end
    assert health.startswith("UNHEALTHY: ") and "no articles found" in health, health
    assert result.returncode == status == 1, result.stderr[-3000:]


def test_plain_scrapy_crawl_with_a_feed(replica, tmp_path):
    out = tmp_path / "items.jsonl"
    result = run([str(Path(sys.executable).with_name("scrapy")), "crawl", "portal", "-a", f"start_url={replica}/", "-O", str(out),
                  "-s", "LOG_LEVEL=WARNING"], cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]  # healthy, as the run recorded
    items = [json.loads(line) for line in out.read_text().splitlines()]
    assert len({i["canonical_url"] for i in items}) == len(items) == len(articles())
