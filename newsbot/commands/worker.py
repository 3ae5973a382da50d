"""`newsbot worker`: crawl from a shared Redis frontier into a shared store until it is drained."""

from __future__ import annotations

import argparse
import sys
import time

from newsbot.cli import UsageError
from newsbot.commands.run import (EXIT_LOCKED, LOG_LEVELS, check_setting, report, run_portal)
from newsbot.commands.seed import add_frontier_options
from newsbot.extensions.runrecord import RunRecorder
from newsbot.store import StoreError, open_store

# How often a --follow worker looks for a first seed.
SEED_POLL = 2.0


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

    from newsbot.frontier import FrontierError, parse_frontier
    try:
        address = parse_frontier(args.frontier, args.name)
        open_store(args.store).close()  # creates the schema; proves the address works
    except (FrontierError, StoreError) as e:
        raise UsageError(str(e)) from None
    try:
        spider_args = wait_for_seed(address, args.follow)
    except redis.RedisError as e:
        print(f"newsbot worker: the frontier at {args.frontier} is unreachable ({e})",
              file=sys.stderr)
        return EXIT_LOCKED
    if spider_args is None:
        raise UsageError(f"nothing seeded in crawl {args.name!r} at {args.frontier}: "
                         "run `newsbot seed` first (or give --follow to wait)")
    crawlers = run_portal(worker_settings(args, address), spider_args)
    run_id = next((RunRecorder.of(c).run_id for c in crawlers), None)
    if run_id is None:
        print("newsbot worker: the crawl did not start (see the log)", file=sys.stderr)
        return 1
    return report(args.store, run_id=run_id)


def wait_for_seed(address, follow: bool) -> dict | None:
    from newsbot.frontier.seed import seeded_args
    server = address.connect()
    while (spider_args := seeded_args(server, address)) is None and follow:
        time.sleep(SEED_POLL)
    return spider_args


def worker_settings(args: argparse.Namespace, address):
    from scrapy.settings import Settings

    from newsbot.frontier import frontier_settings
    settings = Settings()
    settings.setmodule("newsbot.settings", priority="project")
    settings.setdict(frontier_settings(address), priority="cmdline")
    settings.set("NEWSBOT_DB", args.store, priority="cmdline")
    settings.set("NEWSBOT_FRONTIER_FOLLOW", args.follow, priority="cmdline")
    if args.log_level:
        settings.set("LOG_LEVEL", args.log_level, priority="cmdline")
    for pair in args.set:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"-s takes NAME=VALUE, not {pair!r}")
        check_setting(name, value, settings[name])
        settings.set(name, value, priority="cmdline")
    return settings
