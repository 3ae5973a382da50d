"""Run the portal spider in this process and read back its run record (shared by crawl and demo)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.reactor import install_reactor, is_reactor_installed

from newsbot.cli import UsageError
from newsbot.health import problems
from newsbot.profiles import ProfileError, load_profile
from newsbot.store import StoreError, open_store


def add_crawl_options(parser: argparse.ArgumentParser, default_db: str) -> None:
    parser.add_argument("--db", default=default_db, help=f"SQLite store (default: {default_db})")
    parser.add_argument("--site", default="newsonjapan",
                        help="site profile: a name from `newsbot sites` or a profile file's path")
    parser.add_argument("--max-pages", type=int, default=None,
                        help="index pages per section to follow (default: all)")
    parser.add_argument("--discover", default="nav,feeds,sitemap",
                        help="ways in: a comma-separated subset of nav,feeds,sitemap")
    parser.add_argument("--warc", metavar="DIR", default=None,
                        help="archive every fetched response as WARC in DIR (newsbot reextract)")
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING or ERROR")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="any Scrapy or newsbot setting")


def project_settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    settings.setmodule("newsbot.settings", priority="project")
    settings.set("NEWSBOT_DB", str(args.db), priority="cmdline")
    settings.set("NEWSBOT_SITE", args.site, priority="cmdline")
    if args.log_level:
        settings.set("LOG_LEVEL", args.log_level.upper(), priority="cmdline")
    if getattr(args, "warc", None):
        settings.set("NEWSBOT_WARC_DIR", str(args.warc), priority="cmdline")
    for pair in args.set:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"-s takes NAME=VALUE, not {pair!r}")
        settings.set(name, value, priority="cmdline")
    return settings


def check_inputs(args: argparse.Namespace) -> None:
    """Fail fast, in one line, on what would otherwise fail mid-crawl."""
    if args.max_pages is not None and args.max_pages < 1:
        raise UsageError(f"--max-pages must be 1 or more, not {args.max_pages}")
    if getattr(args, "warc", None):
        try:
            Path(args.warc).mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise UsageError(f"cannot archive in {args.warc}: {e.strerror}") from None
    try:
        load_profile(args.site)
        from newsbot.spiders.portal import parse_discover
        parse_discover(args.discover)
        open_store(str(args.db)).close()  # creates the schema; proves the path is writable
    except (ProfileError, StoreError, ValueError) as e:
        raise UsageError(str(e)) from None


def run_portal(settings: Settings, spider_args: dict, before: Callable[[], None] | None = None,
               start_url: Callable[[], str] | None = None) -> None:
    """Crawl in this process; ``before`` runs once the reactor exists (to start a local server)."""
    process = CrawlerProcess(settings)
    # A site that cannot be reached is one line in the log, not a traceback per robots.txt try.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").addFilter(_without_traceback)
    if before is not None:
        # The local server listens on the reactor the crawl will run on: install Scrapy's first.
        if not is_reactor_installed():
            install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
        before()
    if start_url is not None:
        spider_args = {**spider_args, "start_url": start_url()}
    process.crawl("portal", **{k: v for k, v in spider_args.items() if v is not None})
    process.start()


def _without_traceback(record: logging.LogRecord) -> bool:
    record.exc_info = None
    record.exc_text = None
    return True


def report(db: str | Path, out=sys.stdout) -> int:
    """Print the latest run's summary; the exit status says whether it was healthy."""
    store = open_store(str(db))
    try:
        runs = store.runs(limit=1)
        counts = store.counts()
        failures = store.failures(runs[0]["id"]) if runs else []
    finally:
        store.close()
    if not runs:
        print("no run recorded", file=out)
        return 1
    run = runs[0]
    stats = run["stats"]
    print(f"run {run['id']}: {run['finish_reason']} ({run['started_at']} → {run['finished_at']})", file=out)
    print(f"  pages fetched      {stats.get('downloader/response_count', 0)}", file=out)
    print(f"  articles stored    {stats.get('newsbot/store/new', 0)} new, "
          f"{stats.get('newsbot/store/updated', 0)} updated ({counts['articles']} in the store)", file=out)
    print(f"  sections, sources  {counts['sections']}, {counts['sources']}", file=out)
    print(f"  related links      {counts['related_links']}", file=out)
    print(f"  popular entries    {counts['popular_entries']} in {counts['popular_snapshots']} snapshots",
          file=out)
    dupes = stats.get("item_dropped_reasons_count/DuplicateArticle", 0) \
        + stats.get("item_dropped_reasons_count/DuplicateContent", 0)
    print(f"  duplicates dropped {dupes}", file=out)
    print(f"  pages failed       {len(failures)}", file=out)
    for failure in failures[:10]:
        print(f"    {failure['url']}: {failure['reason']}", file=out)
    monitors = stats.get("newsbot/monitors/failed") or []
    for failed in monitors:
        print(f"  monitor failed     {failed}", file=out)
    found = problems(run) + [f"monitor {m.split(':', 1)[0]} failed" for m in monitors]
    if found:
        print("UNHEALTHY: " + "; ".join(found), file=out)
        return 1
    print("healthy", file=out)
    return 0
