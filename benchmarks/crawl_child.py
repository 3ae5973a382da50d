"""One measured crawl in this process (run by benchmarks/run as a child): ceiling or newsbot.

``python -m benchmarks.crawl_child {ceiling|newsbot} URL --db PATH`` crawls the replica at URL
and prints one JSON line: pages fetched, crawl seconds, CPU seconds spent between the engine's
start and the spider's close, this process's peak RSS, and the crawl's stats.

Both crawls take newsbot's settings module and its LOOPBACK_FAST profile (the portal spider
applies it itself for loopback start URLs; the ceiling gets it here), so concurrency,
CONCURRENT_ITEMS, robots.txt, retries and the log level are the same. The ceiling runs without
newsbot's item pipelines and extensions: it has no items and no store.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from benchmarks.meter import Meter


def settings_for(kind: str, db: str, overrides: list[str] = ()) -> Settings:
    settings = Settings()
    settings.setmodule("newsbot.settings", priority="project")
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    extensions = dict(settings.getdict("EXTENSIONS"))
    if kind == "ceiling":
        settings.set("ITEM_PIPELINES", {}, priority="cmdline")
        extensions = {}
        settings.setdict(settings.getdict("LOOPBACK_FAST"), priority="cmdline")
    else:
        settings.set("NEWSBOT_DB", db, priority="cmdline")
    extensions[Meter] = 0
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    for pair in overrides:  # after the profile: for both spiders alike
        name, _, value = pair.partition("=")
        settings.set(name, value, priority=100)
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=("ceiling", "newsbot"))
    parser.add_argument("url")
    parser.add_argument("--db", default="", help="newsbot's store (a SQLite path)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for this crawl (e.g. CONCURRENT_ITEMS=100)")
    args = parser.parse_args(argv)
    process = CrawlerProcess(settings_for(args.kind, args.db, args.set))
    if args.kind == "ceiling":
        from benchmarks.ceiling import CeilingSpider
        process.crawl(CeilingSpider, start_url=args.url)
    else:
        process.crawl("portal", start_url=args.url)
    process.start()
    result = {"kind": args.kind, **Meter.result,
              "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
