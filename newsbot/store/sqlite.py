"""ArticleStore over sqlite3: WAL, batched transactions, upserts; knows nothing of Scrapy."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsbot.lock import FileLock, NoLock
from newsbot.store.base import RecentArticle, StoredArticle, StoreError
from newsbot.store.schema import MIGRATION_NAMES, MIGRATIONS, statements

# Enough to keep each "which of these are stored" query far below SQLite's variable limit.
KNOWN_CHUNK = 500
HISTORY_COLUMNS = ("url", "section", "headline", "dateline", "published", "date_evidence", "source",
                   "body", "summary", "content_hash", "crawled_at")
ARTICLE_COLUMNS = ("canonical_url", "url", "article_id", "site", "section", "headline", "dateline",
                   "published", "date_evidence", "source", "body", "summary", "content_hash",
                   "crawled_at", "extracted_by")
# Columns holding a JSON object rather than a plain value.
JSON_COLUMNS = frozenset({"extracted_by"})


class SqliteStore:
    """One SQLite file (or ":memory:"); writes accumulate in a transaction committed per batch."""

    def __init__(self, path: str | Path = ":memory:", batch_size: int = 200, readonly: bool = False):
        self.path = str(path)
        self.batch_size = batch_size
        self.run_id: int | None = None
        self._pending = 0
        try:
            if readonly:
                uri = f"{Path(self.path).resolve().as_uri()}?mode=ro"
                self.db = sqlite3.connect(uri, uri=True, isolation_level=None)
                self.db.row_factory = sqlite3.Row
                self._check_schema(self._applied(), readonly=True)
                return
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            # The crawl writes from the reactor thread only; commands read from the main thread.
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA busy_timeout=5000")
            self._migrate()
        except (sqlite3.Error, OSError) as e:
            raise StoreError(f"cannot open the store at {self.path}: {e}") from e

    # -- schema ---------------------------------------------------------------------------
    def _applied(self) -> list[str]:
        try:
            return [r[0] for r in self.db.execute("SELECT name FROM schema_migrations ORDER BY rowid")]
        except sqlite3.OperationalError:  # no such table: an empty file, or not a newsbot store
            return []

    def _check_schema(self, applied: list[str], readonly: bool = False) -> None:
        unknown = [name for name in applied if name not in MIGRATION_NAMES]
        if unknown:
            raise StoreError(f"{self.path} has schema migrations this newsbot does not know "
                             f"({', '.join(unknown)}); upgrade newsbot")
        if readonly and len(applied) < len(MIGRATIONS):
            raise StoreError(f"{self.path} is not a newsbot store, or an older one; "
                             "open it once with `newsbot crawl` to upgrade it")

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                        "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)")
        applied = self._applied()
        self._check_schema(applied)
        for name, script in MIGRATIONS:
            if name in applied:
                continue
            self.db.execute("BEGIN IMMEDIATE")  # executescript would commit halfway; one by one
            for statement in statements(script):
                self.db.execute(statement)
            self.db.execute("INSERT INTO schema_migrations (name) VALUES (?)", (name,))
            self.db.execute(f"PRAGMA user_version = {len(applied) + 1}")
            applied.append(name)
            self.db.execute("COMMIT")

    # -- transactions ---------------------------------------------------------------------
    def _write(self) -> None:
        """Open the batch transaction on the first write of a batch."""
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")

    def _wrote(self, n: int = 1) -> None:
        self._pending += n
        if self._pending >= self.batch_size:
            self.commit()

    def commit(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self._pending = 0

    def close(self) -> None:
        try:
            self.commit()
        finally:
            self.db.close()

    def lock(self) -> FileLock | NoLock:
        """The run lock: a file beside the database, so every process using it sees the lock."""
        if self.path == ":memory:":
            return NoLock()
        return FileLock(self.path + ".lock", what=self.path)

    # -- runs -----------------------------------------------------------------------------
    def begin_run(self, spider: str, site: str, started_at: str, args: dict) -> int:
        self._write()
        cur = self.db.execute(
            "INSERT INTO runs (spider, site, args, started_at) VALUES (?, ?, ?, ?)",
            (spider, site, json.dumps(args, sort_keys=True), started_at))
        self.commit()
        self.run_id = cur.lastrowid
        return self.run_id

    def end_run(self, finished_at: str, finish_reason: str, stats: dict,
                summary: dict | None = None, exit_status: int | None = None,
                health: str | None = None) -> None:
        self._write()
        self.db.execute(
            "UPDATE runs SET finished_at = ?, finish_reason = ?, stats = ?, summary = ?, "
            "exit_status = ?, health = ? WHERE id = ?",
            (finished_at, finish_reason, json.dumps(stats, sort_keys=True, default=str),
             json.dumps(summary, sort_keys=True) if summary is not None else None,
             exit_status, health, self.run_id))
        self.commit()

    def runs(self, limit: int = 20) -> list[dict]:
        rows = self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        return [{**dict(r), "stats": json.loads(r["stats"] or "{}"),
                 "args": json.loads(r["args"] or "{}"),
                 "summary": json.loads(r["summary"]) if r["summary"] else None} for r in rows]

    def previous_run(self) -> dict | None:
        """The run before this one (the latest, when no run has begun here)."""
        row = self.db.execute("SELECT id, finish_reason, finished_at FROM runs WHERE id < ? "
                              "ORDER BY id DESC LIMIT 1",
                              (self.run_id if self.run_id is not None else 2**62,)).fetchone()
        return dict(row) if row else None

    # -- articles -------------------------------------------------------------------------
    def find_article(self, canonical_url: str) -> StoredArticle | None:
        row = self.db.execute(
            "SELECT id, canonical_url, content_hash, last_run_id FROM articles WHERE canonical_url = ?",
            (canonical_url,)).fetchone()
        return StoredArticle(*row) if row else None

    def find_content(self, content_hash: str) -> str | None:
        row = self.db.execute("SELECT canonical_url FROM articles WHERE content_hash = ? LIMIT 1",
                              (content_hash,)).fetchone()
        return row[0] if row else None

    def first_runs(self, canonical_urls: Iterable[str]) -> dict[str, int | None]:
        """Which of these canonical URLs are stored, each with the run that first stored it.

        One indexed query per chunk: the stored URLs are never all loaded.
        """
        urls = list(dict.fromkeys(canonical_urls))
        found: dict[str, int | None] = {}
        for i in range(0, len(urls), KNOWN_CHUNK):
            chunk = urls[i:i + KNOWN_CHUNK]
            found.update(self.db.execute(
                f"SELECT canonical_url, first_run_id FROM articles WHERE canonical_url IN "
                f"({', '.join('?' * len(chunk))})", chunk).fetchall())
        return found

    def recent_articles(self, published_since: str) -> Iterator[RecentArticle]:
        """Stored articles published on or after the ISO date, with their HTTP validators."""
        rows = self.db.execute(
            "SELECT a.canonical_url, a.url, v.etag, v.last_modified FROM articles a "
            "LEFT JOIN fetch_validators v ON v.canonical_url = a.canonical_url "
            "WHERE a.published >= ? ORDER BY a.id", (published_since,))
        for row in rows.fetchall():
            yield RecentArticle(*row)

    def save_validators(self, canonical_url: str, etag: str | None, last_modified: str | None,
                        fetched_at: str) -> None:
        """Remember what the server said about a page, for a conditional GET next time."""
        self._write()
        self.db.execute(
            "INSERT INTO fetch_validators (canonical_url, etag, last_modified, fetched_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(canonical_url) DO UPDATE SET etag = excluded.etag, "
            "last_modified = excluded.last_modified, fetched_at = excluded.fetched_at",
            (canonical_url, etag, last_modified, fetched_at))
        self._wrote()

    def history(self, canonical_url: str) -> list[dict]:
        """Earlier versions of an article, oldest first (empty when it never changed)."""
        rows = self.db.execute(
            "SELECT h.* FROM article_history h JOIN articles a ON a.id = h.article_pk "
            "WHERE a.canonical_url = ? ORDER BY h.id", (canonical_url,))
        return [{**dict(r), "related": json.loads(r["related"] or "[]")} for r in rows]

    def _keep_version(self, pk: int, replaced_at: str) -> None:
        """Copy the stored version of an article into article_history before it is replaced."""
        related = json.dumps([dict(r) for r in self.db.execute(
            "SELECT url, title, source FROM related_links WHERE article_pk = ? ORDER BY position",
            (pk,))])
        columns = ", ".join(HISTORY_COLUMNS)
        self.db.execute(
            f"INSERT INTO article_history (article_pk, replaced_at, replaced_by_run, {columns}, "
            f"related) SELECT id, ?, ?, {columns}, ? FROM articles WHERE id = ?",
            (replaced_at, self.run_id, related, pk))

    def upsert_article(self, article: dict, popular_snapshot: int | None) -> str:
        """Insert or update by canonical URL, related links with it; returns "new" or "updated"."""
        self._write()
        existing = self.find_article(article["canonical_url"])
        values = [_to_column(c, article.get(c)) for c in ARTICLE_COLUMNS]
        if existing is None:
            cur = self.db.execute(
                f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}, popular_snapshot_id, "
                f"first_run_id, last_run_id) VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))}, ?, ?, ?)",
                (*values, popular_snapshot, self.run_id, self.run_id))
            pk, outcome = cur.lastrowid, "new"
        else:
            if existing.content_hash != article.get("content_hash"):
                self._keep_version(existing.pk, article.get("crawled_at") or "")
            assignments = ", ".join(f"{c} = ?" for c in ARTICLE_COLUMNS)
            self.db.execute(
                f"UPDATE articles SET {assignments}, popular_snapshot_id = ?, last_run_id = ? "
                "WHERE id = ?", (*values, popular_snapshot, self.run_id, existing.pk))
            self.db.execute("DELETE FROM related_links WHERE article_pk = ?", (existing.pk,))
            pk, outcome = existing.pk, "updated"
        self.db.executemany(
            "INSERT INTO related_links (article_pk, position, url, title, source) VALUES (?, ?, ?, ?, ?)",
            [(pk, i, r["url"], r.get("title"), r.get("source"))
             for i, r in enumerate(article.get("related") or [], 1)])
        self._wrote()
        return outcome

    def save_popular(self, taken_at: str, ranking: list[dict]) -> int:
        self._write()
        cur = self.db.execute(
            "INSERT INTO popular_snapshots (run_id, taken_at, ranking_hash) VALUES (?, ?, ?)",
            (self.run_id, taken_at, ranking_hash(ranking)))
        self.db.executemany(
            "INSERT INTO popular_entries (snapshot_id, rank, url, title, source) VALUES (?, ?, ?, ?, ?)",
            [(cur.lastrowid, e["rank"], e["url"], e.get("title"), e.get("source")) for e in ranking])
        self._wrote()
        return cur.lastrowid

    def record_failure(self, url: str, reason: str, status: int | None, at: str) -> None:
        self._write()
        self.db.execute("INSERT INTO failures (run_id, url, reason, status, at) VALUES (?, ?, ?, ?, ?)",
                        (self.run_id, url, reason, status, at))
        self._wrote()

    def failures(self, run_id: int | None = None) -> list[dict]:
        if run_id is None:
            rows = self.db.execute("SELECT * FROM failures ORDER BY id")
        else:
            rows = self.db.execute("SELECT * FROM failures WHERE run_id = ? ORDER BY id", (run_id,))
        return [dict(r) for r in rows]

    # -- reading --------------------------------------------------------------------------
    def iter_articles(self) -> Iterator[dict]:
        """Every stored article with its related links and popular ranking, oldest id first."""
        rankings: dict[int, list[dict]] = {}
        cursor = self.db.cursor()
        for row in cursor.execute("SELECT * FROM articles ORDER BY id"):
            article = {c: _from_column(c, row[c]) for c in ARTICLE_COLUMNS}
            article["related"] = [dict(r) for r in self.db.execute(
                "SELECT url, title, source FROM related_links WHERE article_pk = ? ORDER BY position",
                (row["id"],))]
            snapshot = row["popular_snapshot_id"]
            if snapshot is not None and snapshot not in rankings:
                rankings[snapshot] = [dict(r) for r in self.db.execute(
                    "SELECT rank, url, title, source FROM popular_entries WHERE snapshot_id = ? "
                    "ORDER BY rank", (snapshot,))]
            article["popular"] = rankings.get(snapshot, [])
            yield article

    def counts(self) -> dict[str, int]:
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "articles": one("SELECT COUNT(*) FROM articles"),
            "sections": one("SELECT COUNT(DISTINCT section) FROM articles"),
            "sources": one("SELECT COUNT(DISTINCT source) FROM articles"),
            "related_links": one("SELECT COUNT(*) FROM related_links"),
            "popular_snapshots": one("SELECT COUNT(*) FROM popular_snapshots"),
            "popular_entries": one("SELECT COUNT(*) FROM popular_entries"),
            "failures": one("SELECT COUNT(*) FROM failures"),
            "history": one("SELECT COUNT(*) FROM article_history"),
        }


def _to_column(name: str, value):
    if name in JSON_COLUMNS:
        return json.dumps(value or {}, sort_keys=True, ensure_ascii=False)
    return value


def _from_column(name: str, value):
    if name in JSON_COLUMNS:
        return json.loads(value) if value else {}
    return value


def ranking_hash(ranking: list[dict]) -> str:
    """Identity of a ranking: the same stories at the same ranks."""
    key = json.dumps([(e["rank"], e["url"]) for e in ranking])
    return hashlib.sha256(key.encode()).hexdigest()[:32]

