"""newsbot's stats collector answers as Scrapy's does, without the per-access hook."""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector, StatsCollector

from newsbot.stats import NewsbotStatsCollector
from tests.conftest import make_crawler


def test_a_crawl_collects_its_stats_with_it():
    assert isinstance(make_crawler().stats, NewsbotStatsCollector)


def test_it_counts_as_scrapys_collector_counts():
    crawler = make_crawler()
    ours, scrapys = NewsbotStatsCollector(crawler), MemoryStatsCollector(crawler)
    for stats in (ours, scrapys):
        stats.inc_value("parser/headline/css/h1")
        stats.inc_value("parser/headline/css/h1", 2)
        stats.inc_value("parser/body/css/.x", 0)
        stats.max_value("depth", 3)
        stats.max_value("depth", 1)
        stats.min_value("first", 5)
        stats.min_value("first", 2)
        stats.set_value("reason", "finished")
    assert ours.get_stats() == scrapys.get_stats() == {
        "parser/headline/css/h1": 3, "parser/body/css/.x": 0, "depth": 3, "first": 2,
        "reason": "finished"}


def test_no_attribute_access_goes_through_scrapys_hook():
    # The hook is what made each call dear; a Scrapy upgrade that moves it elsewhere should
    # be looked at again.
    assert StatsCollector.__getattribute__ is not object.__getattribute__
    assert NewsbotStatsCollector.__getattribute__ is object.__getattribute__
    stats = NewsbotStatsCollector(make_crawler())
    stats.inc_value("x")
    assert "_cached_inc_value" not in vars(stats)
