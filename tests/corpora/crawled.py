"""A store filled by crawling the replica (archived as WARC), plus the hand-made pairs."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from newsbot.neardup import refresh
from newsbot.store import SqliteStore
from tests.corpora.pairs import EXTRA
from tests.corpora.rankings import NEW_SOURCE, SNAPSHOTS, ranking
from tests.replica import ReplicaServer
from tests.replica_truth import SITE

ROOT = Path(__file__).resolve().parents[2]
ADDED = [*EXTRA, NEW_SOURCE]  # the stored articles a test adds to the crawl's
NEWSBOT = [sys.executable, "-m", "newsbot"]


def newsbot(*args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run([*NEWSBOT, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


@dataclass
class Corpus:
    host: str            # the replica's address during the crawl, no trailing slash
    crawled: Path        # the store as the crawl left it
    db: Path             # the same store plus the hand-made pairs, rankings and new source
    warc: Path           # the crawl's WARC archive
    crawl: subprocess.CompletedProcess


def build(tmp: Path) -> Corpus:
    crawled, db, warc = tmp / "crawled.db", tmp / "corpus.db", tmp / "warc"
    with ReplicaServer(SITE) as server:
        result = newsbot("crawl", "--start-url", server.url, "--db", str(crawled),
                         "--warc", str(warc))
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    with sqlite3.connect(crawled) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    host = server.url.rstrip("/")
    store = SqliteStore(db)
    for article in ADDED:
        store.upsert_article(article, None)
    for taken_at, ids in SNAPSHOTS:
        store.save_popular(taken_at, ranking(host, ids))
    refresh(store)
    store.close()
    return Corpus(host, crawled, db, warc, result)
