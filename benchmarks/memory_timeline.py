#!/usr/bin/env python3
"""Where a crawl's memory goes as it runs: RSS beside CPython's small-object allocator.

One newsbot crawl of a generated replica (served by nginx or twisted.web, as benchmarks/run
does), sampled every few seconds: pages fetched, RSS, the anonymous part of it, and from
``sys._debugmallocstats()`` the MiB of obmalloc arenas held and the MiB of live blocks in them.
Arenas that grow while live blocks stay flat are fragmentation (an arena is returned only
when every object in it is gone), which tracemalloc does not see. ``--trim-every S`` sets
``NEWSBOT_MALLOC_TRIM_INTERVAL`` (newsbot/extensions/malloctrim.py; 0 turns it off)::

    python -m benchmarks.memory_timeline benchmarks/out/site-50000-seed1
    python -m benchmarks.memory_timeline benchmarks/out/site-50000-seed1 --trim-every 0

Prints one line per sample (with the peak RSS so far, ru_maxrss), then the peak at the end: a
peak above the last sample's was reached in the close (near-duplicate grouping, the run record).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from twisted.internet import task

from benchmarks.crawl_child import settings_for
from benchmarks.static_server import StaticServer

_STAT = re.compile(r"^# (arenas allocated current|bytes in allocated blocks)\s*=\s*([\d,]+)", re.M)


def obmalloc_mib() -> tuple[float, float]:
    """(arenas held, live blocks) in MiB: sys._debugmallocstats writes to the C stderr only."""
    read, write = os.pipe()
    saved = os.dup(2)
    os.dup2(write, 2)
    try:
        sys._debugmallocstats()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(write)
    with os.fdopen(read, "rb") as pipe:
        text = pipe.read().decode()
    found = {name: int(value.replace(",", "")) for name, value in _STAT.findall(text)}
    # Arenas are 1 MiB since CPython 3.10 (256 KiB before).
    return float(found["arenas allocated current"]), found["bytes in allocated blocks"] / 2**20


def peak_mib() -> float:
    """The process's peak RSS so far (ru_maxrss)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib() -> tuple[float, float]:
    """(RSS, its anonymous part) in MiB, from /proc/self/smaps_rollup."""
    values = {}
    with open("/proc/self/smaps_rollup") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name in ("Rss", "Anonymous"):
                values[name] = int(rest.split()[0]) / 1024
    return values["Rss"], values["Anonymous"]


class Timeline:
    """Samples every ``every`` seconds from the spider's opening to its close."""

    every = 10.0

    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self.spider_opened, signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler) -> Timeline:
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        self.t0 = time.monotonic()
        print(f"{'s':>5} {'pages':>7} {'RSS':>7} {'anon':>7} {'arenas':>7} {'live':>7} "
              f"{'peak':>7}  (MiB)", flush=True)
        self.loop = task.LoopingCall(self.sample)
        self.loop.start(self.every, now=False)

    def sample(self) -> None:
        pages = self.crawler.stats.get_value("response_received_count", 0)
        rss, anon = rss_mib()
        arenas, live = obmalloc_mib()
        print(f"{time.monotonic() - self.t0:5.0f} {pages:7,} {rss:7.1f} {anon:7.1f} {arenas:7.0f} "
              f"{live:7.1f} {peak_mib():7.1f}", flush=True)

    def spider_closed(self, spider) -> None:
        self.loop.stop()
        stats = self.crawler.stats
        print(f"malloc_trim: {stats.get_value('newsbot/malloc_trim/calls', 0)} calls, "
              f"{stats.get_value('newsbot/malloc_trim/ms', 0):.0f} ms in all")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a generated replica (benchmarks/out/site-N-seedS)")
    parser.add_argument("--every", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--trim-every", type=float, default=None,
                        help="NEWSBOT_MALLOC_TRIM_INTERVAL for this crawl (0: no trimming)")
    parser.add_argument("--server", choices=("nginx", "twisted"), default="nginx")
    args = parser.parse_args(argv)
    Timeline.every = args.every
    with tempfile.TemporaryDirectory() as scratch, \
            StaticServer(args.site / "root", prefer=args.server) as server:
        print(f"server: {server.kind} at {server.url}")
        overrides = ([] if args.trim_every is None
                     else [f"NEWSBOT_MALLOC_TRIM_INTERVAL={args.trim_every}"])
        settings = settings_for("newsbot", str(Path(scratch) / "store.db"), overrides)
        extensions = dict(settings.getdict("EXTENSIONS"))
        extensions[Timeline] = 0
        settings.set("EXTENSIONS", extensions, priority="cmdline")
        process = CrawlerProcess(settings)
        process.crawl("portal", start_url=server.url)
        process.start()
    print(f"peak RSS {peak_mib():.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
