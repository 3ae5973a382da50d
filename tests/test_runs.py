"""Health of a run: the summary, the thresholds, the exit status, and `newsbot runs`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newsbot.health import Thresholds, problems, summarize, verdict
from tests.replica import ReplicaServer
from tests.scheduled import SITE, crawl, newsbot, runs

STATS = {
    "downloader/response_count": 40,
    "robotstxt/response_count": 1,
    "newsbot/pages/home": 1, "newsbot/pages/section": 9, "newsbot/pages/article": 30,
    "newsbot/pages_failed": 2, "newsbot/pages_failed/HTTP 404": 2,
    "newsbot/incremental/listed": 120, "newsbot/incremental/skipped_known": 80,
    "newsbot/coverage/items": 30, "newsbot/coverage/headline": 30, "newsbot/coverage/body": 27,
    "newsbot/coverage/published": 30, "newsbot/coverage/source": 30,
    "newsbot/store/new": 20, "newsbot/store/updated": 1,
    "item_dropped_reasons_count/DuplicateArticle": 5,
    "item_dropped_reasons_count/MissingField": 3,
}


def test_summary_of_a_run():
    summary = summarize(STATS)
    assert summary["pages_fetched"] == 40
    assert summary["pages_by_kind"] == {"article": 30, "home": 1, "section": 9, "robots": 1}
    assert (summary["items_new"], summary["items_updated"], summary["items_duplicate"]) == (20, 1, 5)
    assert summary["errors_by_kind"] == {"HTTP 404": 2, "MissingField": 3}
    assert summary["errors"] == 5
    assert summary["coverage"]["body"] == 0.9 and summary["coverage"]["headline"] == 1.0
    assert summary["articles_skipped_known"] == 80


@pytest.mark.parametrize("reason, changes, limits, expected", [
    ("finished", {}, Thresholds(min_coverage={"body": 0.9}), []),
    ("shutdown", {}, Thresholds(min_coverage={}), ["the crawl ended early (shutdown)"]),
    ("finished", {}, Thresholds(), ["body found on 90% of 30 articles (below 95%: has the "
                                    "portal's markup changed?)"]),
    ("finished", {"newsbot/pages_failed": 9}, Thresholds(min_coverage={}),
     ["9 of 40 pages failed (more than 20%)"]),
    ("finished", {"newsbot/pages_failed": 9}, Thresholds(max_error_ratio=0.25, min_coverage={}), []),
    ("finished", {"newsbot/incremental/listed": 0, "newsbot/coverage/items": 0},
     Thresholds(min_coverage={}), ["no articles found (2 pages failed)"]),
    ("finished", {"log_count/ERROR": 2}, Thresholds(min_coverage={}), ["2 errors logged"]),
    # Fields the generic fallback had to read on pages the profile knows.
    ("finished", {"newsbot/fallback/body": 6}, Thresholds(min_coverage={"body": 0.9}), []),
    ("finished", {"newsbot/fallback/body": 7}, Thresholds(min_coverage={"body": 0.9}),
     ["body read by the generic fallback on 23% of 30 articles (above 20%: has the portal's "
      "markup changed?)"]),
    ("finished", {"newsbot/fallback/summary": 30}, Thresholds(min_coverage={"body": 0.9}), []),
])
def test_problems(reason, changes, limits, expected):
    assert problems(reason, summarize({**STATS, **changes}), limits) == expected


def test_an_unchanged_rerun_that_fetched_no_article_is_healthy():
    quiet = {"downloader/response_count": 25, "newsbot/pages/home": 1, "newsbot/pages/section": 14,
             "newsbot/incremental/listed": 300, "newsbot/incremental/skipped_known": 300}
    assert verdict("finished", quiet) == (summarize(quiet), 0, "healthy")


def test_the_project_settings_hold_the_default_thresholds():
    settings = Settings()
    settings.setmodule("newsbot.settings")
    assert Thresholds.from_settings(settings) == Thresholds()


def test_thresholds_come_from_settings():
    settings = Settings({"NEWSBOT_MAX_ERROR_RATIO": "0.5", "NEWSBOT_MIN_COVERAGE": '{"body": 0.5}'})
    assert Thresholds.from_settings(settings) == Thresholds(0.5, {"body": 0.5})


# -- real crawls of broken replicas ---------------------------------------------------------
def broken_replica(tmp_path: Path, breaks) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    breaks(root)
    return root


def without_body_markup(root: Path) -> None:
    """A third of the article pages renamed their body container: the portal's markup changed."""
    for page in sorted((root / "article").glob("*.php"))[::3]:
        page.write_bytes(page.read_bytes().replace(b'class="article-body"', b'class="story-text"'))


def with_missing_pages(root: Path) -> None:
    """Half the article pages are gone (404)."""
    for page in sorted((root / "article").glob("*.php"))[::2]:
        page.unlink()


def empty_portal(root: Path) -> None:
    """The portal answers, but lists nothing: no sections, no feeds, no sitemap."""
    (root / "index.html").write_text("<html><body><p>Maintenance</p></body></html>")
    for xml in root.rglob("*.xml"):
        xml.unlink()


@pytest.mark.parametrize("breaks, extra, reason", [
    (without_body_markup, [], "body read by the generic fallback on 3"),
    (with_missing_pages, [], "pages failed (more than 20%)"),
    (empty_portal, [], "no articles found"),
])
def test_an_unhealthy_run_exits_1_with_a_one_line_reason(tmp_path, breaks, extra, reason):
    db = tmp_path / "news.db"
    with ReplicaServer(broken_replica(tmp_path, breaks)) as server:
        result = crawl(server.url, db, *extra)
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]
    last = result.stdout.splitlines()[-1]
    assert last.startswith("UNHEALTHY: ") and reason in last
    [record] = runs(db)
    assert record["exit_status"] == 1 and record["health"] == last
    table = newsbot("runs", "--db", str(db))
    assert table.returncode == 0 and table.stdout.splitlines()[1].endswith(last)


def test_thresholds_are_settings(tmp_path):
    db = tmp_path / "news.db"
    with ReplicaServer(broken_replica(tmp_path, without_body_markup)) as server:
        result = crawl(server.url, db, "-s", "NEWSBOT_MAX_FALLBACK_RATIO=0.5")
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    [record] = runs(db)
    assert 0.2 < record["fallback"]["body"] < 0.5
    # The generic fallback read the bodies the profile's rules missed: the markup change shows
    # in the coverage, and no article is lost to it.
    assert "MissingField" not in record["errors_by_kind"]
    assert record["items_new"] == 90


def test_runs_lists_newest_first_as_table_and_json(tmp_path):
    db = tmp_path / "news.db"
    with ReplicaServer(SITE) as server:
        for _ in range(2):
            assert crawl(server.url, db).returncode == 0
    records = runs(db)
    assert [r["id"] for r in records] == [2, 1]
    assert records[1]["items_new"] > 0 and records[0]["items_new"] == 0
    lines = newsbot("runs", "--db", str(db)).stdout.splitlines()
    assert lines[0].split()[:5] == ["run", "started", "finished", "reason", "exit"]
    assert [line.split()[0] for line in lines[1:]] == ["2", "1"]
    one = json.loads(newsbot("runs", "--db", str(db), "--json", "--limit", "1").stdout)
    assert [r["id"] for r in one] == [2]


@pytest.mark.parametrize("args, message", [
    (["--db", "/nonexistent/news.db"], "no store at /nonexistent/news.db"),
    (["--db", "x.db", "--limit", "0"], "--limit must be 1 or more, not 0"),
])
def test_runs_bad_input_is_one_line_and_exit_2(args, message):
    result = newsbot("runs", *args)
    assert result.returncode == 2
    assert result.stderr.strip() == f"newsbot runs: {message}"
