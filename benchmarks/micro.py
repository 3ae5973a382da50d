"""The parts of a crawl measured alone: extraction, store writes, export.

``python -m benchmarks.micro extract SITE_DIR [--pages N] [--rounds R] [--tree plain|scrapy]``
    extract_article on N saved article pages (parse included, no crawl): CPU ms per page, and
    the parse alone for reference; the least of R rounds, the one this machine's other work
    disturbed least. The pages are read from disk before the clock starts. ``--tree scrapy``
    has the loader read Scrapy's own lxml.html tree instead of newsbot.pagetree's plain one.
``python -m benchmarks.micro store [--articles N]``
    SqliteStore.upsert_article for N articles shaped like a crawl's: articles per second.
``python -m benchmarks.micro export [--articles N] [--keep DIR]``
    fills a store with N articles (not timed, in a child process), then times ``newsbot
    export`` on it in another: seconds and the export's peak RSS.
``python -m benchmarks.micro fill DB [--articles N]``
    only the filling: N articles into a new store at DB (what ``export`` runs first).

Each prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT_DATE = "Mon, 12 Jan 2026 09:00:00 GMT"


def extract(site_dir: Path, pages: int, rounds: int = 1, tree: str = "plain") -> dict:
    from scrapy.http import HtmlResponse

    from newsbot.dates import DateEvidence
    from newsbot.feeds import sitemap_entries
    from newsbot.loaders import extract_article
    from newsbot.pagetree import page_selector
    from newsbot.profiles import load_profile

    profile = load_profile("newsonjapan")
    root = site_dir / "root"
    evidence = DateEvidence()
    for chunk in sorted((root / "sitemaps").glob("*.xml")):
        for loc, when in sitemap_entries(chunk.read_bytes())[1]:
            evidence.add(profile.article_id(loc), when, f"sitemap /sitemaps/{chunk.name}")
    files = sorted((root / "article").iterdir())[:pages]
    bodies = [(f"http://127.0.0.1:8067/article/{f.name}", f.read_bytes()) for f in files]
    headers = {"Date": SNAPSHOT_DATE, "Content-Type": "text/html; charset=utf-8"}

    def responses():
        return [HtmlResponse(url, body=body, headers=headers) for url, body in bodies]

    def parse(response):
        # The parse, cached on the response where the loader finds it.
        return response.selector if tree == "scrapy" else page_selector(response)

    # CPU time, not the wall clock: this machine's other work must not count against a page.
    parse_s, total_s = [], []
    for _ in range(rounds):
        batch = responses()
        t = time.process_time()
        for response in batch:
            parse(response)
        parse_s.append(time.process_time() - t)
        batch = responses()
        t = time.process_time()
        for response in batch:
            if tree == "scrapy":
                response.selector  # noqa: B018 - cached: the loader reads this tree
            extract_article(response, profile, evidence)
        total_s.append(time.process_time() - t)
    n = len(bodies)
    return {"bench": "extract", "tree": tree, "pages": n, "rounds": rounds,
            "ms_per_page": 1000 * min(total_s) / n, "parse_ms_per_page": 1000 * min(parse_s) / n,
            "mean_page_kb": sum(len(b) for _, b in bodies) / n / 1024}


def synthetic_articles(n: int, seed: int = 1):
    """Articles shaped like a crawl's (3 KB body, 10 related links); popular kept aside."""
    rng = random.Random(seed)
    words = "tokyo osaka rice yen ministry police station train school budget plan".split()
    for i in range(n):
        body = "\n\n".join(" ".join(rng.choices(words, k=60)) for _ in range(6))
        yield {
            "canonical_url": f"http://127.0.0.1/article/{300000 + i}.php",
            "url": f"http://127.0.0.1/article/{300000 + i}.php", "article_id": str(300000 + i),
            "site": "newsonjapan", "section": "Society", "headline": f"Headline {i}",
            "dateline": "Jan 05", "published": "2026-01-05", "date_evidence": "sitemap",
            "source": "NHK", "body": body, "summary": body[:160], "content_hash": f"{i:032x}",
            "crawled_at": "2026-01-12T09:00:00+00:00",
            "related": [{"url": f"http://127.0.0.1/article/{300000 + rng.randrange(n)}.php",
                         "title": "Related story", "source": "NHK"} for _ in range(10)],
        }


POPULAR = [{"rank": r, "url": f"http://127.0.0.1/article/{r}.php", "title": "t", "source": None}
           for r in range(1, 11)]


def fill(path: Path, n: int) -> float:
    """Write n synthetic articles into a new store at path; seconds spent."""
    from newsbot.store import SqliteStore

    store = SqliteStore(path)
    store.begin_run("bench", "newsonjapan", "2026-01-12T09:00:00+00:00", {})
    snapshot = store.save_popular("2026-01-12T09:00:00+00:00", POPULAR)
    articles = list(synthetic_articles(n))
    t = time.perf_counter()
    for article in articles:
        store.upsert_article(article, snapshot)
    store.commit()
    seconds = time.perf_counter() - t
    store.end_run("2026-01-12T09:10:00+00:00", "finished", {})
    store.close()
    return seconds


def store_writes(n: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="newsbot-store-") as tmp:
        seconds = fill(Path(tmp) / "bench.db", n)
    return {"bench": "store", "articles": n, "seconds": seconds, "articles_per_s": n / seconds}


def export(n: int, keep: Path | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="newsbot-export-") as tmp:
        work = keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        db, out = work / f"export-{n}.db", work / f"export-{n}.jsonl"
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        if not db.is_file():
            # Not in this process: Linux carries a process's peak RSS across exec into the
            # program it starts, so an export started from a process that once held the n
            # articles (650 MiB for 100,000) would report that peak as its own.
            subprocess.run([sys.executable, "-m", "benchmarks.micro", "fill", str(db),
                            "--articles", str(n)], check=True, env=env, cwd=REPO,
                           stdout=subprocess.DEVNULL)
        cmd = [sys.executable, "-m", "benchmarks.peak", "newsbot", "export", "--db", str(db),
               "--format", "jsonl", "-o", str(out)]
        t = time.perf_counter()
        proc = subprocess.run(cmd, check=True, env=env, cwd=REPO, capture_output=True, text=True)
        seconds = time.perf_counter() - t
        lines = sum(1 for _ in open(out, encoding="utf-8"))
    # The child's own figure (benchmarks/peak.py), from a parent that never held the articles.
    rss = json.loads(proc.stderr.strip().splitlines()[-1])["peak_rss_mib"]
    starter = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # a floor for rss
    return {"bench": "export", "articles": n, "exported": lines, "seconds": seconds,
            "peak_rss_mib": rss, "starter_peak_rss_mib": starter}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="bench", required=True)
    p = sub.add_parser("extract")
    p.add_argument("site", type=Path)
    p.add_argument("--pages", type=int, default=1000)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--tree", choices=("plain", "scrapy"), default="plain")
    p = sub.add_parser("store")
    p.add_argument("--articles", type=int, default=20_000)
    p = sub.add_parser("export")
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--keep", type=Path, default=None, help="keep the store and export here")
    p = sub.add_parser("fill")
    p.add_argument("db", type=Path)
    p.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args(argv)
    if args.bench == "extract":
        result = extract(args.site, args.pages, args.rounds, args.tree)
    elif args.bench == "store":
        result = store_writes(args.articles)
    elif args.bench == "fill":
        result = {"bench": "fill", "articles": args.articles, "db": str(args.db),
                  "seconds": fill(args.db, args.articles)}
    else:
        result = export(args.articles, args.keep)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
