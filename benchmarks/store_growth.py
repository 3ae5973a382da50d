#!/usr/bin/env python3
"""CPU per article upsert into SQLite as the store grows, with keys in a crawl's order.

benchmarks/stores.py writes articles in id order with sequential content hashes, so every
index grows at its right edge. A crawl meets articles in link order: canonical URLs, content
hashes, dates and related links land all over their indexes, and each batch dirties more
pages as the store grows. This writes N such articles (500-word bodies, six related links,
batches of 200 as the crawl's store pipeline) and prints CPU µs per upsert for each fifth::

    python -m benchmarks.store_growth --articles 50000
    python -m benchmarks.store_growth --articles 50000 --cache-kib 8192
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path

from newsbot.store.sqlite import SqliteStore


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--cache-kib", type=int, default=0,
                        help="the store connection's page cache (0: SQLite's default, 2,000 KiB)")
    args = parser.parse_args(argv)
    rng = random.Random(1)
    words = [f"w{i}" for i in range(5000)]
    ids = list(range(args.articles))
    rng.shuffle(ids)
    n_all = args.articles
    step = max(1, n_all // 5)
    with tempfile.TemporaryDirectory() as scratch:
        store = SqliteStore(Path(scratch) / "store.db", batch_size=200)
        if args.cache_kib:
            store.db.execute(f"PRAGMA cache_size=-{int(args.cache_kib)}")
        store.begin_run("portal", "newsonjapan", "2026-01-12T09:00:00+00:00", {})
        last = time.process_time()
        for done, n in enumerate(ids, 1):
            url = f"https://newsonjapan.com/article/{n}.php"
            body = " ".join(rng.choices(words, k=500))
            store.upsert_article({
                "canonical_url": url, "url": url, "headline": f"Story {n}", "body": body,
                "content_hash": hashlib.sha1(body.encode()).hexdigest(), "section": "Society",
                "published": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "source": "NHK",
                "related": [{"url": f"https://newsonjapan.com/article/{rng.randrange(n_all)}.php",
                             "title": f"More {k}", "source": "NHK"} for k in range(6)],
            }, None)
            if done % step == 0:
                now = time.process_time()
                per_upsert = 1e6 * (now - last) / step
                print(f"{done:7,} articles stored: {per_upsert:6.0f} CPU µs per upsert", flush=True)
                last = now
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
