"""`newsbot worker`: crawl from a shared Redis frontier into a shared store until it is drained."""

from __future__ import annotations

import argparse
import logging
import sys
import time

from newsbot.cli import UsageError
from newsbot.commands.run import (LOG_LEVELS, _without_traceback, apply_set_options,
                                  report, run_portal)
from newsbot.commands.seed import add_frontier_options
from newsbot.extensions.runrecord import RunRecorder
from newsbot.health import EXIT_LOCKED
from newsbot.store import StoreError, open_store

# How often a --follow worker looks for the next seed.
SEED_POLL = 2.0

logger = logging.getLogger(__name__)


def seeded_args(server, address) -> dict | None:
    from newsbot.frontier.seed import seeded_args as recorded
    return recorded(server, address)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("worker", help="crawl from a shared Redis frontier into a store",
                            description="Take requests from a Redis frontier (filled by "
                                        "`newsbot seed`) until it is drained; exit with the "
                                        "run's health.")
    add_frontier_options(parser)
    parser.add_argument("--store", required=True, metavar="ADDRESS",
                        help="the shared store: a SQLite path or a postgresql:// address")
    parser.add_argument("--follow", action="store_true",
                        help="keep waiting for new seeds instead of exiting when drained")
    parser.add_argument("--log-level", default=None, type=str.upper, choices=LOG_LEVELS,
                        help="DEBUG, INFO, WARNING or ERROR")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="any Scrapy or newsbot setting")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: a crawl without a frontier loads no Redis client.
    import redis

    from newsbot.frontier.address import FrontierError, parse_frontier
    try:
        address = parse_frontier(args.frontier, args.name)
        open_store(args.store).close()  # creates the schema; proves the address works
    except (FrontierError, StoreError) as e:
        raise UsageError(str(e)) from None
    settings = worker_settings(args, address)
    if args.follow:
        return follow(args, address, settings)
    try:
        spider_args = wait_for_seed(address, follow=False)
    except redis.RedisError as e:
        print(f"newsbot worker: the frontier at {args.frontier} is unreachable ({e})",
              file=sys.stderr)
        return EXIT_LOCKED
    if spider_args is None:
        raise UsageError(f"nothing seeded in crawl {args.name!r} at {args.frontier}: "
                         "run `newsbot seed` first (or give --follow to wait)")
    crawlers = run_portal(settings, spider_args)
    return report_run(args.store, crawlers[0])


def report_run(store: str, crawler) -> int:
    run_id = RunRecorder.of(crawler).run_id
    if run_id is None:
        print("newsbot worker: the crawl did not start (see the log)", file=sys.stderr)
        return 1
    return report(store, run_id=run_id)


def follow(args: argparse.Namespace, address, settings) -> int:
    """One run per round, in one process, until stopped: wait for queued work (a seed), crawl
    until the frontier is drained, report, wait again. A run per round, not one endless run:
    each round starts by reading the feeds and sitemaps afresh (the dates of new articles) and
    gets its own run record and verdict."""
    import redis
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.reactor import install_reactor, is_reactor_installed

    process = CrawlerProcess(settings)
    if not is_reactor_installed():  # Scrapy's reactor, before anything imports the default one
        install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
    from twisted.internet import defer, reactor, task
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").addFilter(_without_traceback)
    outcome = {"status": 0}

    @defer.inlineCallbacks
    def rounds():
        server = address.connect()
        while True:
            try:
                waiting = not server.zcard(address.key("requests"))
                spider_args = None if waiting else seeded_args(server, address)
            except redis.RedisError as e:
                logger.error("the frontier at %s is unreachable (%s): waiting", address.url, e)
                spider_args = None
            if spider_args is None:
                yield task.deferLater(reactor, SEED_POLL, lambda: None)
                continue
            crawler = process.create_crawler("portal")
            yield process.crawl(crawler, **spider_args)
            outcome["status"] = report_run(args.store, crawler)
            sys.stdout.flush()

    def failed(failure) -> None:
        logger.error("worker stopped: %s", failure.getErrorMessage())
        outcome["status"] = 1
        reactor.callLater(0, reactor.stop)

    rounds().addErrback(failed)
    process.start(stop_after_crawl=False)
    return outcome["status"]


def wait_for_seed(address, follow: bool) -> dict | None:
    server = address.connect()
    while (spider_args := seeded_args(server, address)) is None and follow:
        time.sleep(SEED_POLL)
    return spider_args


def worker_settings(args: argparse.Namespace, address):
    from scrapy.settings import Settings

    from newsbot.frontier.settings import frontier_settings
    settings = Settings()
    settings.setmodule("newsbot.settings", priority="project")
    settings.setdict(frontier_settings(address), priority="cmdline")  # as the add-on would
    settings.set("NEWSBOT_DB", args.store, priority="cmdline")
    if args.log_level:
        settings.set("LOG_LEVEL", args.log_level, priority="cmdline")
    apply_set_options(settings, args.set)
    return settings
