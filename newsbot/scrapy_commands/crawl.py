"""``scrapy crawl`` that exits with the run's verdict, as ``newsbot crawl`` does.

Scrapy's own command exits 0 whatever the run found, unless the crawler failed to start, so a
cron line or a systemd unit that runs ``scrapy crawl portal`` could not tell a healthy run from one
that stored nothing, and a run refused by the store's lock looked like a success. The run
recorder judges every run when the spider closes (newsbot/health.py); this command returns that
verdict: 0 healthy, 1 unhealthy, 75 another run holds the store (docs/scheduling.md).
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import NotConfigured

from newsbot.extensions.runrecord import RunRecorder
from newsbot.health import EXIT_UNHEALTHY


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            # Scrapy's own messages for a missing spider name or several of them.
            super().run(args, opts)
            return
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        self.exitcode = run_exit_status(crawler)


def run_exit_status(crawler) -> int:
    """The recorded verdict of the crawler's run; 0 for a spider newsbot does not record (any
    spider of the project run without the run recorder), 1 for a run that never closed."""
    try:
        recorder = RunRecorder.of(crawler)
    except (NotConfigured, AttributeError):  # no run recorder, or no extensions at all
        return 0
    return EXIT_UNHEALTHY if recorder.exit_status is None else recorder.exit_status
