#!/usr/bin/env python3
"""Time and peak memory of near-duplicate grouping on a large store (newsbot/neardup.py).

Three phases, each in its own process (peak RSS from wait4), on a store generated as in
benchmarks/export.py (~2.5 KB bodies, published dates spread over two years):

- first: sign every article and group the whole store (a first crawl, or a re-extraction);
- daily: 150 new articles published on the newest day, signed and grouped with the stored
  articles within the window (NEWSBOT_NEARDUP_WINDOW_DAYS, 30) -- what a later crawl pays;
- everything: the same 150 with no window (window_days=0), every stored article compared.

    python benchmarks/neardup.py --articles 100000 --keep /tmp/bench
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.export import WORDS, generate, measure  # noqa: E402
from newsbot.store import SqliteStore  # noqa: E402

PHASE = ("import sys; from newsbot.store import SqliteStore; "
         "from newsbot.neardup import NearDupParams, Signer, refresh; "
         "s = SqliteStore(sys.argv[1], batch_size=5000); "
         "print(refresh(s, Signer(NearDupParams(window_days=int(sys.argv[2]))))); s.close()")


def add_new(db: Path, count: int = 150) -> None:
    newest = sqlite3.connect(db).execute("SELECT MAX(published) FROM articles").fetchone()[0]
    rnd = random.Random(7)
    store = SqliteStore(db)
    for i in range(count):
        url = f"http://bench/new/{i}.php"
        store.upsert_article({
            "canonical_url": url, "url": url, "headline": f"new {i}", "published": newest,
            "body": "\n\n".join(" ".join(rnd.choices(WORDS, k=80)) for _ in range(5)),
            "content_hash": f"new{i}", "source": "NHK", "section": "Society"}, None)
    store.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--keep", type=Path, help="directory for the stores (kept)")
    args = ap.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="newsbot-neardup-"))
    work.mkdir(parents=True, exist_ok=True)
    base = work / f"bench-{args.articles}.db"
    if not base.exists():
        generate(base, args.articles)
    signed = work / f"signed-{args.articles}.db"
    shutil.copy(base, signed)
    phase = [sys.executable, "-c", PHASE]
    rows = [("first: sign and group all", *measure([*phase, str(signed), "30"]))]
    for name, window in (("daily: 150 new, 30-day window", "30"),
                         ("150 new, compared with everything", "0")):
        db = work / f"daily-{window}.db"
        shutil.copy(signed, db)
        add_new(db)
        rows.append((name, *measure([*phase, str(db), window])))
    print(f"\n| {args.articles:,} stored articles | seconds | peak RSS MiB |\n|---|---|---|")
    for name, seconds, rss in rows:
        print(f"| {name} | {seconds:.1f} | {rss:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
