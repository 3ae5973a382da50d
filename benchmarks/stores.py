#!/usr/bin/env python3
"""Article writes per second into SQLite and into PostgreSQL, one writer and several at once.

Each writer is a process that opens the store, begins a run and upserts its share of N
generated articles (~2.5 KB bodies, three related links each), as StorePipeline would, then
closes. With several PostgreSQL writers a quarter of each writer's articles repeat another
writer's (same URL or same text), the overlap that the content-hash lock serialises::

    python benchmarks/stores.py                          # 5,000 articles; 1, 2, 3 writers
    python benchmarks/stores.py --articles 20000 --postgres postgresql://postgres@127.0.0.1/test

A fresh database is made on the server for each measurement and dropped after.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

REPO = Path(__file__).resolve().parent.parent

WRITER = """
import random, sys
from newsbot.store import open_store
address, first, last, overlap = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
words = "Tokyo quake rail yen minister typhoon festival export court harbour".split()
store = open_store(address)
store.begin_run("portal", "bench", "2026-01-12T09:00:00+00:00", {})
rng = random.Random(first)
for i in range(first, last):
    n = i if overlap == "0" or rng.random() > 0.25 else rng.randrange(0, last)  # a repeat
    body = " ".join(rng.choice(words) for _ in range(400))
    store.upsert_article({
        "canonical_url": f"http://h/article/{n}.php", "url": f"http://h/article/{n}.php",
        "headline": f"Story {n}", "body": body, "content_hash": f"h{n}", "section": "Society",
        "source": "NHK", "published": "2026-01-05", "crawled_at": "2026-01-12T09:00:00+00:00",
        "related": [{"url": f"http://h/article/{n + k}.php", "title": "More"} for k in (1, 2, 3)],
    }, None)
store.close()
"""


def measure(address: str, articles: int, writers: int) -> float:
    """Seconds for ``writers`` processes to write ``articles`` between them."""
    create = "import sys; from newsbot.store import open_store; open_store(sys.argv[1]).close()"
    subprocess.run([sys.executable, "-c", create, address], check=True, cwd=REPO)
    share = articles // writers
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, address, str(w * share),
                               str((w + 1) * share), "1" if writers > 1 else "0"], cwd=REPO)
             for w in range(writers)]
    if any(p.wait() for p in procs):
        raise SystemExit("a writer failed")
    return time.perf_counter() - started


def fresh_database(server: str) -> tuple[str, str]:
    name = f"newsbot_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    info = conninfo_to_dict(make_conninfo(server, dbname=name))
    user = f"{info['user']}@" if info.get("user") else ""
    host, port = info.get("host", "127.0.0.1"), info.get("port", 5432)
    return name, f"postgresql://{user}{host}:{port}/{name}"


def drop(server: str, name: str) -> None:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--writers", default="1,2,3")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seconds = measure(str(Path(tmp) / "bench.db"), args.articles, 1)
        print(f"sqlite      1 writer : {args.articles / seconds:7.0f} articles/s "
              f"({seconds:.1f} s for {args.articles})")
    for writers in (int(w) for w in args.writers.split(",")):
        name, address = fresh_database(args.postgres)
        try:
            seconds = measure(address, args.articles, writers)
            with psycopg.connect(address) as conn:
                rows = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            drop(args.postgres, name)
        print(f"postgresql {writers} writer{'s' if writers > 1 else ' '}: "
              f"{args.articles / seconds:7.0f} articles/s ({seconds:.1f} s for {args.articles}, "
              f"{rows} distinct stored)")


if __name__ == "__main__":
    main()
