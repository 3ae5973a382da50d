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
from newsbot.health import EXIT_LOCKED, verdict
from newsbot.incremental import RECENT_RUNS
from newsbot.profiles import ProfileError, load_profile
from newsbot.store import StoreError, StoreLocked, open_store


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# newsbot's own limits: the least value that makes sense.
MINIMUMS = {"NEWSBOT_STORE_BATCH": 1, "NEWSBOT_RETRY_AFTER_MAX": 0}


def add_crawl_options(parser: argparse.ArgumentParser, default_db: str) -> None:
    parser.add_argument("--db", "--store", dest="db", default=default_db,
                        help="where articles go: a SQLite file or a postgresql://USER@HOST:PORT/DB "
                             f"address shared by many workers (default: {default_db})")
    add_site_options(parser)
    parser.add_argument("--warc", metavar="DIR", default=None,
                        help="archive every fetched response as WARC in DIR (newsbot reextract)")
    parser.add_argument("--refresh", action="store_true",
                        help="fetch articles already in the store again")
    parser.add_argument("--lookback", type=int, default=None, metavar="N",
                        help="index pages to follow past the first that lists only known "
                             "articles (default: NEWSBOT_LOOKBACK_PAGES, 1)")
    parser.add_argument("--recrawl-days", type=int, default=None, metavar="N",
                        help="re-check stored articles published in the last N days with "
                             "conditional GETs (default: NEWSBOT_RECRAWL_DAYS, 0 = off)")
    parser.add_argument("--jobdir", default=None, metavar="DIR",
                        help="Scrapy JOBDIR: a crawl stopped with Ctrl-C resumes from here")
    parser.add_argument("--log-level", default=None, type=str.upper, choices=LOG_LEVELS,
                        help="DEBUG, INFO, WARNING or ERROR")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="any Scrapy or newsbot setting")


def add_site_options(parser: argparse.ArgumentParser) -> None:
    """Which portal and how much of it: shared by `crawl`, `demo` and `seed`."""
    parser.add_argument("--site", default="newsonjapan",
                        help="site profile: a name from `newsbot sites` or a profile file's path")
    parser.add_argument("--max-pages", type=int, default=None,
                        help="index pages per section to follow (default: all)")
    parser.add_argument("--discover", default="nav,feeds,sitemap",
                        help="ways in: a comma-separated subset of nav,feeds,sitemap")


def project_settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    settings.setmodule("newsbot.settings", priority="project")
    settings.set("NEWSBOT_DB", str(args.db), priority="cmdline")
    settings.set("NEWSBOT_SITE", args.site, priority="cmdline")
    if args.log_level:
        settings.set("LOG_LEVEL", args.log_level.upper(), priority="cmdline")
    if getattr(args, "warc", None):
        settings.set("NEWSBOT_WARC_DIR", str(args.warc), priority="cmdline")
    if args.jobdir:
        settings.set("JOBDIR", str(args.jobdir), priority="cmdline")
    apply_set_options(settings, args.set)
    return settings


def apply_set_options(settings: Settings, pairs: list[str]) -> None:
    """`-s NAME=VALUE` pairs, each checked against the type its setting has."""
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"-s takes NAME=VALUE, not {pair!r}")
        check_setting(name, value, settings[name])
        settings.set(name, value, priority="cmdline")


def check_setting(name: str, value: str, current: object) -> None:
    """A -s value must read as the type the setting has (else the crawl dies mid-way)."""
    if name == "LOG_LEVEL" and value.upper() not in LOG_LEVELS:
        raise UsageError(f"-s LOG_LEVEL takes one of {', '.join(LOG_LEVELS)}, not {value!r}")
    kind = type(current)
    if kind is bool:
        if value.lower() not in ("0", "1", "true", "false", "yes", "no", "on", "off"):
            raise UsageError(f"-s {name} takes true or false, not {value!r}")
        return
    if kind in (int, float):
        try:  # Scrapy reads some int-valued defaults with getfloat (DOWNLOAD_TIMEOUT=2.5)
            number = float(value)
        except ValueError:
            raise UsageError(f"-s {name} takes a number, not {value!r}") from None
        if number < MINIMUMS.get(name, number):
            raise UsageError(f"-s {name} must be {MINIMUMS[name]} or more, not {value}")


def check_inputs(args: argparse.Namespace) -> None:
    """Fail fast, in one line, on what would otherwise fail mid-crawl."""
    if args.max_pages is not None and args.max_pages < 1:
        raise UsageError(f"--max-pages must be 1 or more, not {args.max_pages}")
    if getattr(args, "warc", None):
        try:
            Path(args.warc).mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise UsageError(f"cannot archive in {args.warc}: {e.strerror}") from None
    for name in ("lookback", "recrawl_days"):
        if getattr(args, name) is not None and getattr(args, name) < 0:
            raise UsageError(f"--{name.replace('_', '-')} must be 0 or more, not {getattr(args, name)}")
    try:
        load_profile(args.site)
        from newsbot.spiders.portal import parse_discover
        parse_discover(args.discover)
        open_store(str(args.db)).close()  # creates the schema; proves the path is writable
    except (ProfileError, StoreError, ValueError) as e:
        raise UsageError(str(e)) from None


def incremental_args(args: argparse.Namespace) -> dict:
    """The spider arguments of the scheduled-run options."""
    return {"refresh": "1" if args.refresh else None, "lookback": args.lookback,
            "recrawl_days": args.recrawl_days}


def crawl_locked(db: str | Path, crawl: Callable[[], None]) -> int | None:
    """Run ``crawl`` holding the store's lock; EXIT_LOCKED at once when another run holds it."""
    store = open_store(str(db))
    try:
        lock = store.lock().acquire()
    except StoreLocked as e:
        print(f"newsbot: {e}", file=sys.stderr)
        return EXIT_LOCKED
    finally:
        store.close()
    try:
        crawl()
    finally:
        lock.release()
    return None


def run_portal(settings: Settings, spider_args: dict, before: Callable[[], None] | None = None,
               start_url: Callable[[], str] | None = None) -> list:
    """Crawl in this process and return its crawler(s); ``before`` runs once the reactor exists
    (to start a local server)."""
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
    crawler = process.create_crawler("portal")
    process.crawl(crawler, **{k: v for k, v in spider_args.items() if v is not None})
    process.start()
    return [crawler]


def _without_traceback(record: logging.LogRecord) -> bool:
    record.exc_info = None
    record.exc_text = None
    return True


def report(db: str | Path, out=sys.stdout, run_id: int | None = None) -> int:
    """Print the latest run's summary (or run ``run_id``'s: a frontier worker's, among its
    siblings' runs); the exit status says whether it was healthy."""
    store = open_store(str(db))
    try:
        # A worker's run is among the latest runs of its store (its siblings' and its own).
        runs = store.runs(limit=1 if run_id is None else RECENT_RUNS)
        if run_id is not None:
            runs = [r for r in runs if r["id"] == run_id]
        counts = store.counts()
        failures = store.failures(runs[0]["id"]) if runs else []
    finally:
        store.close()
    if not runs:
        print("no run recorded", file=out)
        return 1
    run = runs[0]
    summary, exit_status, health = recorded_verdict(run)
    print(f"run {run['id']}: {run['finish_reason']} ({run['started_at']} → {run['finished_at']})", file=out)
    kinds = ", ".join(f"{n} {kind}" for kind, n in summary["pages_by_kind"].items())
    print(f"  pages fetched      {summary['pages_fetched']}" + (f" ({kinds})" if kinds else ""),
          file=out)
    print(f"  articles stored    {summary['items_new']} new, "
          f"{summary['items_updated']} updated ({counts['articles']} in the store)", file=out)
    print(f"  known, skipped     {summary['articles_skipped_known']} links to stored articles, "
          f"{summary['not_modified']} not modified", file=out)
    print(f"  sections, sources  {counts['sections']}, {counts['sources']}", file=out)
    print(f"  related links      {counts['related_links']}", file=out)
    print(f"  popular entries    {counts['popular_entries']} in {counts['popular_snapshots']} snapshots",
          file=out)
    print(f"  duplicates dropped {summary['items_duplicate']}", file=out)
    print(f"  pages failed       {len(failures)}", file=out)
    for failure in failures[:10]:
        print(f"    {failure['url']}: {failure['reason']}", file=out)
    print(health, file=out)
    return exit_status


def recorded_verdict(run: dict) -> tuple[dict, int, str]:
    """The verdict the run recorded; judged afresh for a run that recorded none (killed)."""
    if run.get("exit_status") is not None and run.get("summary") is not None:
        return run["summary"], run["exit_status"], run["health"]
    return verdict(run.get("finish_reason"), run.get("stats") or {})
