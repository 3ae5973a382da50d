"""Monitors when a crawl closes: thresholds from settings, results in the run, exit status."""

from __future__ import annotations

import json
import sqlite3

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from spidermon.contrib.scrapy.runners import SpiderMonitorRunner

from newsbot.monitors import ARTICLES, FAILED, KNOWN, PASSED, CloseMonitors
from tests.conftest import make_crawler
from tests.corpora.crawled import newsbot
from tests.replica import ReplicaServer
from tests.replica_truth import SITE, articles

FULL = {"items": 10, "headline": 10, "body": 10, "published": 10, "source": 10,
        "section": 10, "dateline": 10, "summary": 10, "related": 10, "popular": 10}


def run_monitors(stats: dict, **settings) -> tuple[list[str], int]:
    crawler = make_crawler(**settings)
    crawler.stats = MemoryStatsCollector(crawler)
    base = {"finish_reason": "finished"}
    base.update({f"newsbot/coverage/{k}": v for k, v in FULL.items()})
    crawler.stats.set_stats({**base, **stats})
    spider = crawler.spider
    spider.crawler, spider.log = crawler, lambda *a, **k: None
    suite = CloseMonitors(crawler=crawler)
    SpiderMonitorRunner(spider=spider).run(suite, stats=crawler.stats.get_stats(),
                                           crawler=crawler, spider=spider, stats_history=[],
                                           job=None)
    return crawler.stats.get_value(FAILED), crawler.stats.get_value(PASSED)


def test_a_healthy_crawl_passes_all_four():
    assert run_monitors({}) == ([], 4)


@pytest.mark.parametrize("stats, settings, failure", [
    ({ARTICLES: 3}, {"NEWSBOT_MONITOR_MIN_ARTICLES": 5},
     "Article count: 3 articles read and 0 links to stored articles skipped, expected at least 5 "
     "in all"),
    ({ARTICLES: 0}, {},
     "Article count: 0 articles read and 0 links to stored articles skipped, expected at least 1 "
     "in all"),
    ({"newsbot/coverage/headline": 4, "newsbot/coverage/source": 4}, {},
     "Field coverage: low field coverage over 10 articles: headline 40% (expected at least 95%), "
     "source 40% (expected at least 90%)"),
    ({}, {"NEWSBOT_MIN_COVERAGE": {"article_id": 0.2}},
     "Field coverage: low field coverage over 10 articles: article_id 0% (expected at least 20%)"),
    ({"log_count/ERROR": 2}, {"NEWSBOT_MONITOR_MAX_ERRORS": 1},
     "Error count: 2 errors logged, at most 1 allowed"),
    ({"finish_reason": "closespider_timeout"}, {},
     "Finish reason: finished with 'closespider_timeout', expected finished"),
])
def test_each_monitor_fails_past_its_threshold_with_its_message(stats, settings, failure):
    failed, passed = run_monitors(stats, **settings)
    assert failed == [failure] and passed == 3


@pytest.mark.parametrize("stats, settings", [
    ({ARTICLES: 5}, {"NEWSBOT_MONITOR_MIN_ARTICLES": 5}),
    ({ARTICLES: 0, KNOWN: 5}, {"NEWSBOT_MONITOR_MIN_ARTICLES": 5}),  # an incremental run
    ({"newsbot/coverage/source": 9}, {}),
    ({"log_count/ERROR": 1}, {"NEWSBOT_MONITOR_MAX_ERRORS": 1}),
    ({"finish_reason": "closespider_itemcount"},
     {"NEWSBOT_MONITOR_FINISH_REASONS": ["finished", "closespider_itemcount"]}),
])
def test_a_value_at_the_threshold_passes(stats, settings):
    assert run_monitors(stats, **settings) == ([], 4)


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(SITE) as server:
        yield server.url


def last_run(db) -> dict:
    [stats] = sqlite3.connect(db).execute("SELECT stats FROM runs ORDER BY id DESC").fetchone()
    return json.loads(stats)


def test_a_healthy_crawl_records_the_monitors_that_passed(replica, tmp_path):
    result = newsbot("crawl", "--start-url", replica, "--db", str(tmp_path / "a.db"))
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    stats = last_run(tmp_path / "a.db")
    assert stats[FAILED] == [] and stats[PASSED] == 4
    # every story, and the old-layout pages of some legacy ones, read before being dropped
    assert stats[ARTICLES] >= len(articles())


def test_a_failing_monitor_fails_the_crawl_with_its_message_and_is_recorded(replica, tmp_path):
    db = tmp_path / "b.db"
    result = newsbot("crawl", "--start-url", replica, "--db", str(db),
                     "-s", "NEWSBOT_MONITOR_MIN_ARTICLES=100000",
                     "-s", 'NEWSBOT_MIN_COVERAGE={"summary": 0.99}')
    assert result.returncode == 1
    stats = last_run(db)
    read, known = stats[ARTICLES], stats.get(KNOWN, 0)
    summary = round(100 * stats["newsbot/coverage/summary"] / read)
    failed = [f"Article count: {read} articles read and {known} links to stored articles "
              "skipped, expected at least 100000 in all",
              f"Field coverage: low field coverage over {read} articles: summary {summary}% "
              "(expected at least 99%)"]
    assert stats[FAILED] == failed and stats[PASSED] == 2
    health = result.stdout.splitlines()[-1]
    assert health.startswith("UNHEALTHY: ")
    assert health.endswith("; ".join(f"monitor {m}" for m in failed))
    [(recorded, status)] = sqlite3.connect(db).execute(
        "SELECT health, exit_status FROM runs ORDER BY id DESC LIMIT 1").fetchall()
    assert (recorded, status) == (health, 1)


def test_demo_exits_non_zero_when_a_monitor_fails(tmp_path):
    result = newsbot("demo", "--db", str(tmp_path / "demo.db"),
                     "-s", "NEWSBOT_MONITOR_FINISH_REASONS=shutdown")
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == \
        "UNHEALTHY: monitor Finish reason: finished with 'finished', expected shutdown"
