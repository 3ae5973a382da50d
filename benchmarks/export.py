#!/usr/bin/env python3
"""Peak memory and time of `newsbot export` on 10,000 and 100,000 stored articles.

Generates the articles straight into a store (no crawl): ~2.5 KB bodies, five related links
each, one of 50 popular rankings. Then runs each export format in its own process and reads
that process's peak RSS from the kernel (wait4 rusage). Streaming means the peak hardly grows
with the store: the 100k / 10k ratio is the figure to watch. For contrast it also measures
loading every article into one Python list, which is what streaming avoids::

    python benchmarks/export.py                    # 10k and 100k, all formats
    python benchmarks/export.py --sizes 100000 --keep /tmp/bench   # keep the stores
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newsbot.store import SqliteStore  # noqa: E402

SECTIONS = ["Society", "Business", "Politics", "Technology", "Entertainment", "Sports"]
SOURCES = ["Kyodo", "NHK", "Japan Times", "Japan Today", "Nikkei", "TBS", "ANN",
           "News On Japan", "South China Morning Post", "Mainichi"]
WORDS = ("the of and to in a is that for on said with as was by at from government tokyo japan "
         "prefecture company police minister market people year officials percent city new "
         "election plan report agency train earthquake yen export court school festival").split()
CONTRAST = ("from newsbot.store import ArticleQuery, SqliteStore; import sys; "
            "s = SqliteStore(sys.argv[1], readonly=True); "
            "rows = list(s.select_articles(ArticleQuery())); print(len(rows))")


def generate(path: Path, n: int, seed: int = 6) -> None:
    rnd = random.Random(seed)
    store = SqliteStore(path, batch_size=5000)
    store.begin_run("bench", "newsonjapan", "2026-01-12T09:00:00+00:00", {})
    snapshots = [store.save_popular(f"2026-01-{1 + i % 28:02d}T09:00:00+00:00", [
        {"rank": r, "url": f"http://bench/article/{rnd.randrange(n)}.php",
         "title": " ".join(rnd.choices(WORDS, k=25)), "source": rnd.choice(SOURCES)}
        for r in range(1, 6)]) for i in range(50)]
    for i in range(n):
        body = "\n\n".join(" ".join(rnd.choices(WORDS, k=80)) for _ in range(5))
        url = f"http://bench/article/{i}.php"
        store.upsert_article({
            "canonical_url": url, "url": url, "article_id": str(i), "site": "newsonjapan",
            "section": rnd.choice(SECTIONS), "headline": " ".join(rnd.choices(WORDS, k=9)),
            "dateline": "Jan 05",
            "published": f"{2024 + i * 2 // n}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "date_evidence": "generated", "source": rnd.choice(SOURCES), "body": body,
            "summary": " ".join(rnd.choices(WORDS, k=30)), "content_hash": f"h{i}",
            "crawled_at": "2026-01-12T09:00:00+00:00",
            "related": [{"url": f"http://bench/article/{rnd.randrange(n)}.php",
                         "title": " ".join(rnd.choices(WORDS, k=25)), "source": None}
                        for _ in range(5)]}, snapshots[i % len(snapshots)])
    store.close()


def measure(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports KiB


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--keep", type=Path, help="directory for the stores and outputs (kept)")
    args = ap.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="newsbot-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    newsbot = [sys.executable, "-m", "newsbot", "export"]
    results: dict[tuple[str, int], tuple[float, float]] = {}
    for n in args.sizes:
        db = work / f"bench-{n}.db"
        if not db.exists():
            t = time.perf_counter()
            generate(db, n)
            print(f"generated {n} articles in {time.perf_counter() - t:.1f} s "
                  f"({db.stat().st_size / 2**20:.0f} MiB store)", flush=True)
        for fmt in ("jsonl", "csv", "parquet"):
            out = work / f"out-{n}.{fmt}"
            results[(fmt, n)] = measure([*newsbot, "--db", str(db), "--format", fmt,
                                         "-o", str(out)])
        results[("all in one list", n)] = measure([sys.executable, "-c", CONTRAST, str(db)])
    print(f"\n| export | {' | '.join(f'{n:,} articles: s, peak RSS MiB' for n in args.sizes)} |"
          + (" 100k/10k RSS |" if len(args.sizes) == 2 else ""))
    print("|---" * (len(args.sizes) + 1 + (len(args.sizes) == 2)) + "|")
    for fmt in ("jsonl", "csv", "parquet", "all in one list"):
        cells = [f"{results[(fmt, n)][0]:.1f} s, {results[(fmt, n)][1]:.0f} MiB"
                 for n in args.sizes]
        ratio = ""
        if len(args.sizes) == 2:
            ratio = f" {results[(fmt, args.sizes[1])][1] / results[(fmt, args.sizes[0])][1]:.2f} |"
        print(f"| {fmt} | {' | '.join(cells)} |{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
