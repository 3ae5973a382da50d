"""Test helpers for frontier crawls: seed, start workers as real processes, read their store."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from newsbot.frontier.address import FrontierAddress

ROOT = Path(__file__).resolve().parents[1]
NEWSBOT = [sys.executable, "-m", "newsbot"]


def seed(frontier: FrontierAddress, url: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(NEWSBOT + ["seed", "--frontier", frontier.url, "--name", frontier.name,
                                     "--start-url", url, *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def worker(frontier: FrontierAddress, store: str | Path, log: Path,
           *extra: str) -> subprocess.Popen:
    """A worker process; its stdout (the summary) and log go to ``log``.out / ``log``.err."""
    out = open(f"{log}.out", "w")
    err = open(f"{log}.err", "w")
    return subprocess.Popen(NEWSBOT + ["worker", "--frontier", frontier.url, "--name",
                                       frontier.name, "--store", str(store), *extra],
                            cwd=ROOT, stdout=out, stderr=err, text=True)


def finish(procs: list[subprocess.Popen], timeout: float = 240) -> list[int]:
    deadline = time.monotonic() + timeout
    return [p.wait(timeout=max(1, deadline - time.monotonic())) for p in procs]


def stored(db: Path) -> dict[str, dict]:
    """canonical URL -> the exported article (the contract), every row of the store."""
    out = subprocess.run(NEWSBOT + ["export", "--db", str(db), "--format", "jsonl"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    found = {a["canonical_url"]: a for a in rows}
    assert len(found) == len(rows), "an article stored twice"
    return found


def runs(store: str | Path) -> list[dict]:
    """`newsbot runs --json`, oldest first: one run per worker (and per round)."""
    out = subprocess.run(NEWSBOT + ["runs", "--db", str(store), "--json", "--limit", "100"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return sorted(json.loads(out.stdout), key=lambda r: r["id"])


def new_items(store: str | Path) -> int:
    """Articles the workers' runs stored as new, added up: each article once in all."""
    return sum(r["items_new"] for r in runs(store))


def article_count(db: str | Path) -> int:
    if str(db).startswith("postgresql://"):
        import psycopg
        try:
            with psycopg.connect(str(db), connect_timeout=2) as con:
                return con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        except psycopg.Error:
            return 0  # not created yet
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


# Slow enough to be caught mid-crawl (about ten pages a second per worker), fast enough to end.
SLOW = ["-s", "DOWNLOAD_DELAY=0.1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        "-s", "NEWSBOT_FRONTIER_ALIVE_TTL=3"]


def wait_until(ready, procs: list[subprocess.Popen], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline or all(p.poll() is not None for p in procs):
            raise AssertionError("the crawl never reached the point the test waits for")
        time.sleep(0.02)
