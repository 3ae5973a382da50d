"""The crawl's seen-state on disk (SQLite), not in Python sets: flat memory however big the crawl.

One SeenStore holds keys already seen (request fingerprints for the dupefilter, URLs the spider
has requested) and a queue of start URLs read from feeds and sitemaps, waiting their turn. It
lives in a temporary file removed on close, or in a file of its own (a JOBDIR) to outlive a run.
Writes sit in one transaction committed every ``batch`` keys: nothing here must survive a crash
that the crawl itself would not redo.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS seen (key BLOB PRIMARY KEY) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS seeds (id INTEGER PRIMARY KEY, url TEXT NOT NULL)",
)


def url_key(url: str) -> bytes:
    """A fixed-size key for a URL: 16 bytes of BLAKE2b, no collision in any crawl's lifetime."""
    return hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class SeenStore:
    """``add(key)`` is True the first time a key is seen; ``push_seeds``/``seeds`` queue URLs."""

    def __init__(self, path: str | Path | None = None, batch: int = 10_000, recent: int = 4_096,
                 cache_kib: int = 1_024):
        self.temporary = path is None
        if path is None:
            fd, name = tempfile.mkstemp(prefix="newsbot-seen-", suffix=".sqlite")
            os.close(fd)
            path = name
        self.path = str(path)
        self.batch = batch
        self._pending = 0
        # The same links recur page after page (POPULAR NEWS on every page): a bounded set of
        # the latest keys answers them without a query.
        self._recent: dict[bytes, None] = {}
        self._recent_size = recent
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=OFF" if self.temporary else "PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=OFF")
        # Small: keys repeat within a page or two (the recent set answers those), otherwise a
        # lookup is one leaf page from the OS's file cache. At 4 MiB the cache filled only on
        # crawls far past 5,000 articles, so it was memory that grew with the crawl.
        pages_kib = -int(cache_kib)  # a negative cache_size is in KiB; int() keeps SQL text numeric
        self.db.execute(f"PRAGMA cache_size={pages_kib}")
        for statement in SCHEMA:
            self.db.execute(statement)

    def add(self, key: bytes | str) -> bool:
        """Record ``key``; True when it was not seen before."""
        if isinstance(key, str):
            key = url_key(key)
        if key in self._recent:
            return False
        self._remember(key)
        self._write()
        new = self.db.execute("INSERT OR IGNORE INTO seen (key) VALUES (?)", (key,)).rowcount == 1
        self._wrote()
        return new

    def __contains__(self, key: bytes | str) -> bool:
        if isinstance(key, str):
            key = url_key(key)
        if key in self._recent:
            return True
        return self.db.execute("SELECT 1 FROM seen WHERE key = ?", (key,)).fetchone() is not None

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]

    def push_seeds(self, urls: Iterable[str]) -> int:
        """Queue start URLs (in order); the number queued."""
        self._write()
        before = self.db.total_changes
        self.db.executemany("INSERT INTO seeds (url) VALUES (?)", ((u,) for u in urls))
        count = self.db.total_changes - before
        self._wrote(count)
        return count

    def seeds(self, chunk: int = 512) -> Iterator[str]:
        """The queued URLs in the order queued, read a chunk at a time and taken off the queue."""
        last = 0
        while True:
            rows = self.db.execute("SELECT id, url FROM seeds WHERE id > ? ORDER BY id LIMIT ?",
                                   (last, chunk)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            self._write()
            self.db.execute("DELETE FROM seeds WHERE id <= ?", (last,))
            self._wrote(len(rows))
            yield from (url for _, url in rows)

    def _remember(self, key: bytes) -> None:
        self._recent[key] = None
        if len(self._recent) > self._recent_size:
            del self._recent[next(iter(self._recent))]

    def _write(self) -> None:
        if not self.db.in_transaction:
            self.db.execute("BEGIN")

    def _wrote(self, n: int = 1) -> None:
        self._pending += n
        if self._pending >= self.batch:
            self.db.execute("COMMIT")
            self._pending = 0

    def close(self) -> None:
        try:
            if self.db.in_transaction:
                self.db.execute("COMMIT")
            self.db.close()
        finally:
            if self.temporary:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(self.path + suffix).unlink(missing_ok=True)
