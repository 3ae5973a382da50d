#!/usr/bin/env python3
"""Peak memory growth of regrouping at the close of a crawl (newsbot.neardup.refresh), as the
number of articles compared grows (issue #3: 50,000 no more than 10% above 5,000).

Signing is left out: the articles are stored with made-up signatures (one in ten a near copy
of the one before, published up to five days later, dates over two years), as a crawl's
pipeline leaves them, and every one is passed as new in the run, so all are compared. Each
measurement runs in its own process on a copy of the store: RSS growth is the peak
(ru_maxrss) over the RSS once the store is open; the Python heap's is tracemalloc's peak, in
a second process (tracing costs memory of its own). Run it against another checkout to
compare (it prints which newsbot it measured):

    PYTHONPATH=. python benchmarks/neardup_memory.py --articles 5000 50000
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np

CHILD = r"""
import json, resource, sys, tracemalloc
from newsbot import neardup
from newsbot.store import SqliteStore

def rss_kib():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))

store = SqliteStore(sys.argv[1], batch_size=5000)
signer = neardup.Signer(neardup.NearDupParams())
traced = sys.argv[2] == "tracemalloc"
start = rss_kib()
if traced:
    tracemalloc.start()
dates = store.db.execute("SELECT published FROM articles")  # what the pipeline saw go by
if hasattr(neardup, "DateSpan"):
    fresh = neardup.DateSpan()
    for (published,) in dates:
        fresh.add(published)
else:
    fresh = [published for (published,) in dates]
counts = neardup.refresh(store, signer, fresh)
out = {"counts": counts, "code": neardup.__file__}
if traced:
    out["heap_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
else:
    out["rss_growth_mib"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start) / 1024
store.close()
print(json.dumps(out))
"""


def build(path: Path, articles: int, days: int) -> None:
    """``articles`` stored and signed under the default scheme (signatures made up), published
    over ``days``."""
    from newsbot.neardup import NearDupParams
    from newsbot.store import SqliteStore

    scheme, perm = NearDupParams().scheme, NearDupParams().num_perm
    rng = np.random.default_rng(1)
    store = SqliteStore(path, batch_size=5000)
    first = date(2024, 1, 1)
    signature = None
    for i in range(articles):
        day = first + timedelta(days=int(rng.integers(0, days)))
        if i % 10 == 9:  # a near copy of the one before: 90% of its values kept
            copy = signature.copy()
            changed = rng.choice(perm, size=perm // 10, replace=False)
            copy[changed] = rng.integers(0, 2**32, size=len(changed), dtype=np.uint32)
            signature, day = copy, previous + timedelta(days=int(rng.integers(0, 6)))
        else:
            signature = rng.integers(0, 2**32, size=perm, dtype=np.uint32)
        previous = day
        url = f"http://bench/article/{i}.php"
        store.upsert_article({
            "canonical_url": url, "url": url, "headline": f"article {i}", "section": "Society",
            "published": day.isoformat(), "body": f"body {i}", "content_hash": f"h{i}",
            "source": "NHK"}, None)
        pk = store.find_article(url).pk
        store.save_signature(pk, scheme, signature.astype("<u4").tobytes())
    store.close()


def code() -> str:
    return subprocess.run([sys.executable, "-P", "-c", "import newsbot.neardup as n; "
                           "print(n.__file__)"], check=True, capture_output=True,
                          text=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, nargs="+", default=[5_000, 50_000])
    ap.add_argument("--per-day", type=int, help="articles a day (dates spread over as many "
                    "days as that takes) instead of two years whatever the number: the "
                    "articles in a 30-day window then stay as many")
    ap.add_argument("--keep", type=Path, help="directory for the stores (kept, reused)")
    args = ap.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="newsbot-neardup-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"newsbot.neardup measured: {code()}; "
          f"{f'{args.per_day} articles a day' if args.per_day else 'over 730 days'}\n")
    print("| articles | RSS growth MiB | heap peak MiB | compared | groups | marked |")
    print("|---|---|---|---|---|---|")
    for n in args.articles:
        days = -(-n // args.per_day) if args.per_day else 730
        base = work / f"signed-{n}-{days}d.db"
        if not base.exists():
            build(base, n, days)
        result = {}
        for mode in ("rss", "tracemalloc"):
            db = work / f"run-{n}.db"
            shutil.copy(base, db)
            # -P: newsbot from PYTHONPATH (or installed), not from the directory run in
            out = subprocess.run([sys.executable, "-P", "-c", CHILD, str(db), mode],
                                 check=True, capture_output=True, text=True).stdout
            result.update(json.loads(out))
            for p in work.glob(f"run-{n}.db*"):
                p.unlink()
        c = result["counts"]
        print(f"| {n:,} | {result['rss_growth_mib']:.1f} | {result['heap_peak_mib']:.1f} | "
              f"{c['compared']:,} | {c['groups']:,} | {c['marked']:,} |", flush=True)
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
