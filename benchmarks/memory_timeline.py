#!/usr/bin/env python3
"""Where a crawl's memory goes as it runs: RSS beside CPython's small-object allocator.

One newsbot crawl of a generated replica (served by nginx or twisted.web, as benchmarks/run
does), sampled every few seconds: pages fetched, RSS, the anonymous part of it, and from
``sys._debugmallocstats()`` the MiB of obmalloc arenas held and the MiB of live blocks in them.
Arenas that grow while live blocks stay flat are fragmentation (an arena is returned only
when every object in it is gone), which tracemalloc does not see. ``--trim-every S`` also calls
glibc's ``malloc_trim(0)`` every S seconds, to see what the C allocator would give back::

    python -m benchmarks.memory_timeline benchmarks/out/site-50000-seed1
    python -m benchmarks.memory_timeline benchmarks/out/site-50000-seed1 --trim-every 5

Prints one line per sample, then the crawl's peak RSS (ru_maxrss).
"""

from __future__ import annotations

import argparse
import ctypes
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
    trim_every = 0.0

    def __init__(self, crawler):
        self.crawler = crawler
        self.libc = ctypes.CDLL("libc.so.6") if self.trim_every else None
        self.trims, self.trim_seconds = 0, 0.0
        crawler.signals.connect(self.spider_opened, signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler) -> Timeline:
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        self.t0 = self.last_trim = self.last_sample = time.monotonic()
        print(f"{'s':>5} {'pages':>7} {'RSS':>7} {'anon':>7} {'arenas':>7} {'live':>7}  (MiB)", flush=True)
        self.loop = task.LoopingCall(self.sample)
        self.loop.start(min(self.every, self.trim_every or self.every), now=False)

    def sample(self) -> None:
        now = time.monotonic()
        if self.libc is not None and now - self.last_trim >= self.trim_every:
            started = time.perf_counter()
            self.libc.malloc_trim(0)
            self.trim_seconds += time.perf_counter() - started
            self.trims += 1
            self.last_trim = now
        if self.trim_every and now - self.last_sample < self.every - self.trim_every / 2:
            return  # a trim tick between samples
        self.last_sample = now
        pages = self.crawler.stats.get_value("response_received_count", 0)
        rss, anon = rss_mib()
        arenas, live = obmalloc_mib()
        print(f"{now - self.t0:5.0f} {pages:7,} {rss:7.1f} {anon:7.1f} {arenas:7.0f} {live:7.1f}",
              flush=True)

    def spider_closed(self, spider) -> None:
        self.loop.stop()
        if self.libc is not None:
            print(f"malloc_trim: {self.trims} calls, {1000 * self.trim_seconds:.0f} ms in all")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a generated replica (benchmarks/out/site-N-seedS)")
    parser.add_argument("--every", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--trim-every", type=float, default=0.0,
                        help="call malloc_trim(0) this often, in seconds (0: never)")
    parser.add_argument("--server", choices=("nginx", "twisted"), default="nginx")
    args = parser.parse_args(argv)
    Timeline.every, Timeline.trim_every = args.every, args.trim_every
    with tempfile.TemporaryDirectory() as scratch, \
            StaticServer(args.site / "root", prefer=args.server) as server:
        print(f"server: {server.kind} at {server.url}")
        settings = settings_for("newsbot", str(Path(scratch) / "store.db"))
        extensions = dict(settings.getdict("EXTENSIONS"))
        extensions[Timeline] = 0
        settings.set("EXTENSIONS", extensions, priority="cmdline")
        process = CrawlerProcess(settings)
        process.crawl("portal", start_url=server.url)
        process.start()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
