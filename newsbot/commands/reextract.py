"""`newsbot reextract`: rebuild a store from a WARC archive, through the same spider and pipelines.

The portal spider runs as it did when the archive was written (same start URLs and arguments,
read from the archive's warcinfo records), but every request is answered from the archive
(newsbot/warc.py WarcReplay), so no network is touched and the articles come out the same.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newsbot.cli import UsageError
from newsbot.commands.run import check_inputs, crawl_locked, project_settings, report, run_portal
from newsbot.warc import archive_files, archived_runs

# Nothing is fetched: no politeness delays, and robots.txt was obeyed when the archive was made.
REPLAY_SETTINGS = {"ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                   "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
                   "RETRY_ENABLED": False}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("reextract", help="rebuild a store from a WARC archive",
                            description="Replay a crawl's WARC archive (newsbot crawl --warc DIR) "
                                        "through the spider, loader and pipelines into a store, "
                                        "without touching the network.")
    parser.add_argument("--warc", dest="replay", required=True, metavar="DIR",
                        help="directory of .warc.gz files written by newsbot crawl --warc")
    parser.add_argument("--db", "--store", dest="db", required=True,
                        help="store to fill: a SQLite file (a new path: a fresh store) or a "
                             "postgresql://USER@HOST:PORT/DB address")
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING or ERROR")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="any Scrapy or newsbot setting")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    replay = Path(args.replay)
    if not replay.is_dir() or not archive_files(replay):
        raise UsageError(f"no WARC files (*.warc.gz) in {replay}")
    spider_args = recorded_args(replay)
    args.site, args.max_pages = spider_args["site"], spider_args["max_pages"]
    args.discover, args.lookback = spider_args["discover"], spider_args["lookback"]
    args.recrawl_days, args.refresh, args.jobdir = spider_args["recrawl_days"], False, None
    check_inputs(args)
    settings = project_settings(args)
    settings.set("NEWSBOT_WARC_REPLAY", str(replay), priority="cmdline")
    for name, value in REPLAY_SETTINGS.items():
        settings.set(name, value, priority="cmdline")
    locked = crawl_locked(args.db, lambda: run_portal(settings, spider_args))
    return locked if locked is not None else report(args.db)


def recorded_args(replay: Path) -> dict:
    """The archived crawls' spider arguments: the first run's, with every run's start URLs."""
    runs = [r for r in archived_runs(replay) if r.get("start_urls")]
    if not runs:
        raise UsageError(f"the archive in {replay} records no crawl (no newsbot warcinfo record)")
    first = runs[0]
    start = list(dict.fromkeys(u for r in runs for u in r["start_urls"]))
    discover = first.get("discover") or ["nav", "feeds", "sitemap"]
    return {"site": first.get("site") or "newsonjapan", "start_url": ",".join(start),
            "discover": ",".join(discover) if isinstance(discover, list) else discover,
            "max_pages": first.get("max_pages"), "follow_links": first.get("follow_links", True),
            "refresh": first.get("refresh") or None, "lookback": first.get("lookback"),
            "recrawl_days": first.get("recrawl_days")}
