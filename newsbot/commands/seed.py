"""`newsbot seed`: push a crawl's start requests to a shared Redis frontier, once."""

from __future__ import annotations

import argparse
import sys

from newsbot.cli import UsageError
from newsbot.commands.crawl import url_problem
from newsbot.commands.run import add_site_options
from newsbot.health import EXIT_LOCKED
from newsbot.profiles import ProfileError, load_profile

DEFAULT_FRONTIER = "redis://127.0.0.1:6379/0"


def add_frontier_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--frontier", default=DEFAULT_FRONTIER, metavar="URL",
                        help=f"Redis holding the shared queue (default: {DEFAULT_FRONTIER})")
    parser.add_argument("--name", default="newsbot",
                        help="the crawl's name: its Redis keys start with newsbot:NAME: "
                             "(default: newsbot)")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("seed", help="queue a crawl's start pages for `newsbot worker`s",
                            description="Queue a crawl's start pages in a Redis frontier, "
                                        "for any number of `newsbot worker` processes.")
    add_frontier_options(parser)
    parser.add_argument("--start-url", action="append", default=[], metavar="URL",
                        help="home page to start from (repeatable; default: the profile's)")
    add_site_options(parser)
    parser.add_argument("--refresh", action="store_true",
                        help="fetch articles already in the store again")
    parser.add_argument("--lookback", type=int, default=None, metavar="N",
                        help="index pages to follow past the first that lists only known ones")
    parser.add_argument("--recrawl-days", type=int, default=None, metavar="N",
                        help="re-check stored articles published in the last N days")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: a crawl without a frontier loads no Redis client.
    import redis

    from newsbot.frontier.address import FrontierError, parse_frontier
    from newsbot.frontier.seed import seed
    try:
        address = parse_frontier(args.frontier, args.name)
        profile = load_profile(args.site)
        from newsbot.spiders.portal import parse_discover
        parse_discover(args.discover)
    except (FrontierError, ProfileError, ValueError) as e:
        raise UsageError(str(e)) from None
    for url in args.start_url:
        if problem := url_problem(url):
            raise UsageError(f"not an http(s) URL: {url} ({problem})")
    homes = args.start_url or list(profile.start_urls)
    if not homes:
        raise UsageError(f"site profile {args.site!r} names no start URL: give --start-url")
    for name in ("max_pages", "lookback", "recrawl_days"):
        value = getattr(args, name)
        if value is not None and value < (1 if name == "max_pages" else 0):
            raise UsageError(f"--{name.replace('_', '-')} must be "
                             f"{'1' if name == 'max_pages' else '0'} or more, not {value}")
    spider_args = {"site": args.site, "start_url": ",".join(homes), "discover": args.discover,
                   "max_pages": args.max_pages, "refresh": "1" if args.refresh else None,
                   "lookback": args.lookback, "recrawl_days": args.recrawl_days}
    try:
        done = seed(address, {k: v for k, v in spider_args.items() if v is not None})
    except redis.RedisError as e:
        print(f"newsbot seed: the frontier at {args.frontier} is unreachable ({e})",
              file=sys.stderr)
        return EXIT_LOCKED
    print(f"seeded {done.homes} start page(s) in crawl {args.name!r} at {args.frontier}"
          + ("; a new round" if done.new_round else "; added to the running round")
          + (f"; {done.busy} requests in workers' hands" if done.busy else ""))
    return 0
