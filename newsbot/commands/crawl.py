"""`newsbot crawl`: crawl a portal (the real one by default) into the store."""

from __future__ import annotations

import argparse

from urllib.parse import urlsplit

from newsbot.cli import UsageError
from newsbot.commands.run import (add_crawl_options, check_inputs, crawl_locked, incremental_args,
                                  project_settings, report, run_portal)
from newsbot.profiles import load_profile


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("crawl", help="crawl a portal into the store",
                            description="Crawl a portal (the real one by default) into a SQLite store.")
    parser.add_argument("--start-url", action="append", default=[], metavar="URL",
                        help="home page to start from (repeatable; default: the profile's)")
    add_crawl_options(parser, default_db="newsbot.db")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    for url in args.start_url:
        problem = url_problem(url)
        if problem:
            raise UsageError(f"not an http(s) URL: {url} ({problem})")
    check_inputs(args)
    if not args.start_url and not load_profile(args.site).start_urls:
        raise UsageError(f"site profile {args.site!r} names no start URL: give --start-url")
    locked = crawl_locked(args.db, lambda: run_portal(project_settings(args), {
        "start_url": ",".join(args.start_url) or None,
        "max_pages": args.max_pages,
        "discover": args.discover,
        **incremental_args(args),
    }))
    return locked if locked is not None else report(args.db)


def url_problem(url: str) -> str | None:
    """What makes ``url`` unusable as a start URL, or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number or out of range
    except ValueError as e:
        return str(e)
    if parts.scheme not in ("http", "https"):
        return "the scheme must be http or https"
    if not parts.hostname or any(c.isspace() for c in url):
        return "no host" if not parts.hostname else "it contains white space"
    return None
