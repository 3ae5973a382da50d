"""Monitors (spidermon) that judge a crawl when it closes, from the counts in its stats.

Four checks, each with a threshold in settings (newsbot/settings.py, docs/monitoring.md):
articles found, field coverage per field, errors logged, finish reason. Articles and fields are
counted by the spider where it yields them (``newsbot/coverage/...``), stored or dropped, so a
re-crawl that finds nothing new still passes and a page whose markup changed lowers coverage.
Failed monitors go into the run's stats (``newsbot/monitors/failed``), which the run's health
verdict (newsbot/health.py) reads: the run is unhealthy and `newsbot crawl` exits 1.
"""

from __future__ import annotations

import warnings

from scrapy.exceptions import ScrapyDeprecationWarning
from spidermon import MonitorSuite, monitors
from spidermon.contrib.scrapy.monitors.base import BaseScrapyMonitor
from spidermon.core.actions import Action

ARTICLES = "newsbot/coverage/items"
KNOWN = "newsbot/incremental/skipped_known"  # links to stored articles, not fetched again
FAILED = "newsbot/monitors/failed"
PASSED = "newsbot/monitors/passed"

# spidermon 1.27 reports its results through Spider.log(), which Scrapy 2.19 deprecates: a
# warning about spidermon's code, not the user's, at the end of every crawl.
warnings.filterwarnings("ignore", message=r"Spider\.log\(\) is deprecated",
                        category=ScrapyDeprecationWarning, module=r"spidermon\b")


@monitors.name("Article count")
class ArticleCountMonitor(BaseScrapyMonitor):
    """Enough articles were found, read or already stored (NEWSBOT_MONITOR_MIN_ARTICLES).

    An incremental run skips links to the articles it already stored; they count, as the site
    still lists them (a story listed on two pages counts twice: the figure is generous). What
    this guards against is a crawl that finds nothing much at all.
    """

    @monitors.name("enough articles found")
    def test_enough_articles(self):
        least = self.crawler.settings.getint("NEWSBOT_MONITOR_MIN_ARTICLES")
        read, known = self.stats.get(ARTICLES, 0), self.stats.get(KNOWN, 0)
        self.assertGreaterEqual(read + known, least,
                                msg=f"{read} articles read and {known} links to stored articles "
                                    f"skipped, expected at least {least} in all")


@monitors.name("Field coverage")
class FieldCoverageMonitor(BaseScrapyMonitor):
    """Each field is filled on enough of the articles read (NEWSBOT_MIN_COVERAGE)."""

    @monitors.name("fields filled")
    def test_field_coverage(self):
        read = self.stats.get(ARTICLES, 0)
        if not read:
            self.skipTest("no article read (the article count monitor says so)")
        low = []
        for field, least in self.crawler.settings.getdict("NEWSBOT_MIN_COVERAGE").items():
            share = self.stats.get(f"newsbot/coverage/{field}", 0) / read
            if share < float(least):
                low.append(f"{field} {share:.0%} (expected at least {float(least):.0%})")
        self.assertFalse(low, msg=f"low field coverage over {read} articles: " + ", ".join(low))


@monitors.name("Error count")
class ErrorCountMonitor(BaseScrapyMonitor):
    """No more errors were logged than allowed (NEWSBOT_MONITOR_MAX_ERRORS)."""

    @monitors.name("few enough errors")
    def test_errors(self):
        most = self.crawler.settings.getint("NEWSBOT_MONITOR_MAX_ERRORS")
        errors = self.stats.get("log_count/ERROR", 0)
        self.assertLessEqual(errors, most, msg=f"{errors} errors logged, at most {most} allowed")


@monitors.name("Finish reason")
class FinishReasonMonitor(BaseScrapyMonitor):
    """The crawl ended for an expected reason (NEWSBOT_MONITOR_FINISH_REASONS)."""

    @monitors.name("expected finish reason")
    def test_finish_reason(self):
        expected = self.crawler.settings.getlist("NEWSBOT_MONITOR_FINISH_REASONS")
        reason = self.stats.get("finish_reason")
        self.assertIn(reason, expected,
                      msg=f"finished with {reason!r}, expected {' or '.join(expected)}")


class RecordResults(Action):
    """Puts each failed monitor's message into the stats that are saved with the run."""

    def run_action(self):
        failed = [f"{r.item.monitor_name}: {message(r)}"
                  for r in self.result.monitors_failed_results]
        stats = self.data.crawler.stats
        stats.set_value(FAILED, failed)
        stats.set_value(PASSED, len(self.result.monitors_passed_results))


def message(result) -> str:
    """The assertion's own message, or the last line of an unexpected error."""
    if result.reason:
        return result.reason
    return (result.error or "error").strip().splitlines()[-1]


class CloseMonitors(MonitorSuite):
    """Run by spidermon when the spider closes (SPIDERMON_SPIDER_CLOSE_MONITORS)."""

    monitors = [ArticleCountMonitor, FieldCoverageMonitor, ErrorCountMonitor, FinishReasonMonitor]
    monitors_finished_actions = [RecordResults]
