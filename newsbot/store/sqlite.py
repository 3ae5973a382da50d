"""ArticleStore over sqlite3: WAL, batched transactions, upserts; knows nothing of Scrapy."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import suppress
from itertools import count
from pathlib import Path

from newsbot.lock import FileLock, NoLock
from newsbot.store.base import ArticleQuery, RecentArticle, StoredArticle, StoreError, chunked
from newsbot.store.schema import MIGRATION_NAMES, MIGRATIONS, statements

# Seconds a connection waits for another process's lock (a migrating store, a worker's commit).
BUSY_TIMEOUT_S = 30.0
# Enough to keep each "which of these are stored" query far below SQLite's variable limit.
KNOWN_CHUNK = 500
HISTORY_COLUMNS = ("url", "section", "headline", "dateline", "published", "date_evidence", "source",
                   "body", "summary", "content_hash", "crawled_at")
# Columns a report may group by: SQL text only ever holds these constants.
REPORT_GROUPS = {"section": "section", "source": "source"}

ARTICLE_COLUMNS = ("canonical_url", "url", "article_id", "site", "section", "headline", "dateline",
                   "published", "date_evidence", "source", "body", "summary", "content_hash",
                   "crawled_at", "extracted_by")
# Columns holding a JSON object rather than a plain value.
JSON_COLUMNS = frozenset({"extracted_by"})
# Written by the near-duplicate step (newsbot/neardup.py), not by upserts.
GROUP_COLUMNS = ("duplicate_of", "duplicate_similarity")
# Names the temporary table of each signed_articles read: reads may overlap on one connection.
SNAPSHOTS = count(1)


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
            # Wait for another process's lock (several may open a new store at once, on a loaded
            # machine); the switch to WAL needs a retry of its own, see _enter_wal.
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                      timeout=BUSY_TIMEOUT_S)
            self.db.row_factory = sqlite3.Row
            self._enter_wal()
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except (sqlite3.Error, OSError) as e:
            raise StoreError(f"cannot open the store at {self.path}: {e}") from e

    def _enter_wal(self) -> None:
        """Switch the file to WAL, retrying while another process holds its write lock.

        On a file still in rollback mode (a new store) the switch reads, then asks for the write
        lock; SQLite answers "database is locked" at once instead of calling the busy handler,
        since a reader waiting on a writer could deadlock. Two processes creating one store
        meet exactly there, so the retry has to be ours, bounded by the same busy timeout.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        pause = 0.005
        while True:
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as e:
                if e.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)

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
            # Two processes opening a new store at once: the one that waited for the write lock
            # finds the other's migrations done, and must not apply them again.
            applied = self._applied()
            if name in applied:
                self.db.execute("COMMIT")
                continue
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

    # -- exports --------------------------------------------------------------------------
    def select_articles(self, query: ArticleQuery, batch: int = 500) -> Iterator[dict]:
        """Articles matching ``query``, oldest id first, read ``batch`` rows at a time.

        Keyset paging (``id > last``) holds no cursor open between batches, so a caller may
        take its time with each article; only one batch and the rankings seen sit in memory.
        """
        where, params = article_filter(query)
        rankings: dict[int, list[dict]] = {}
        last = 0
        while True:
            rows = self.db.execute(f"SELECT * FROM articles WHERE {where} AND id > ? "
                                   "ORDER BY id LIMIT ?", (*params, last, batch)).fetchall()
            if not rows:
                return
            related = self._related_of([r["id"] for r in rows])
            for row in rows:
                article = {c: _from_column(c, row[c]) for c in ARTICLE_COLUMNS + GROUP_COLUMNS}
                article["related"] = related.get(row["id"], [])
                article["popular"] = self._ranking(row["popular_snapshot_id"], rankings)
                yield article
            last = rows[-1]["id"]

    def _related_of(self, pks: list[int]) -> dict[int, list[dict]]:
        out: dict[int, list[dict]] = {}
        marks = ", ".join("?" * len(pks))  # one placeholder per key: values travel as parameters
        rows = self.db.execute(
            f"SELECT article_pk, url, title, source FROM related_links WHERE article_pk IN "
            f"({marks}) ORDER BY article_pk, position", pks)
        for r in rows:
            out.setdefault(r["article_pk"], []).append(
                {"url": r["url"], "title": r["title"], "source": r["source"]})
        return out

    def _ranking(self, snapshot: int | None, cache: dict[int, list[dict]]) -> list[dict]:
        if snapshot is None:
            return []
        if snapshot not in cache:
            cache[snapshot] = [dict(r) for r in self.db.execute(
                "SELECT rank, url, title, source FROM popular_entries WHERE snapshot_id = ? "
                "ORDER BY rank", (snapshot,))]
        return cache[snapshot]

    # -- near-duplicates ------------------------------------------------------------------
    def unsigned_articles(self, scheme: str,
                          batch: int = 500) -> Iterator[tuple[int, str, str | None]]:
        """(pk, body, published) of articles with no signature under ``scheme``, or whose body
        changed since it was signed."""
        last = 0
        while True:
            rows = self.db.execute(
                "SELECT a.id, a.body, a.published FROM articles a "
                "LEFT JOIN near_duplicate_signatures s ON s.article_pk = a.id "
                "WHERE a.id > ? AND (s.article_pk IS NULL OR s.scheme != ? "
                "OR s.content_hash != a.content_hash) ORDER BY a.id LIMIT ?",
                (last, scheme, batch)).fetchall()
            if not rows:
                return
            yield from (tuple(r) for r in rows)
            last = rows[-1][0]

    def save_signature(self, pk: int, scheme: str, signature: bytes) -> None:
        self._write()
        self.db.execute(
            "INSERT OR REPLACE INTO near_duplicate_signatures (article_pk, content_hash, scheme, "
            "signature) SELECT id, content_hash, ?, ? FROM articles WHERE id = ?",
            (scheme, signature, pk))
        self._wrote()

    def signed_articles(self, scheme: str, since: str | None = None, until: str | None = None,
                        batch: int = KNOWN_CHUNK) -> Iterator[tuple[int, str, str | None, bytes]]:
        """(pk, canonical_url, published, signature) of the articles signed under ``scheme``
        and published in [since, until] (all when both are None), with the current group
        heads of those articles wherever they were published; in representative order
        (published, undated last, then canonical URL), which grouping streams in.

        The order is taken once into a temporary table of primary keys and read from it a
        page at a time, not by one SELECT left running: grouping's marks are written to this
        connection while its last pass reads, the selection depends on those marks (a head is
        read for its members), and SQLite leaves undefined what a running statement sees of
        its own connection's writes. No statement is pending between pages."""
        table = f"signed_order_{next(SNAPSHOTS)}"
        read = SignedRead(table, scheme, since, until)
        self.db.execute(read.create)
        try:
            self.db.execute(read.fill, read.params)
            last = 0
            while rows := self.db.execute(read.page, (last, batch)).fetchall():
                yield from (tuple(r)[1:] for r in rows)
                last = rows[-1][0]
        finally:
            with suppress(sqlite3.ProgrammingError):  # closed first: the table went with it
                self.db.execute(read.drop)

    def set_duplicates(self, marks: Iterable[tuple[int, tuple[str, float] | None]],
                       chunk: int = KNOWN_CHUNK) -> int:
        """Write each (pk, mark) as ``marks`` yields it, a chunk at a time: grouping streams
        them, and holding them all was a mark an article compared. Returns how many marks
        changed; they are committed together, so a reader sees the old groups or the new."""
        changed = 0
        for part in chunked(marks, chunk):
            wanted = dict(part)
            updates = []
            for pk, head, similarity in self.db.execute(
                    "SELECT id, duplicate_of, duplicate_similarity FROM articles WHERE id IN "
                    f"({', '.join('?' * len(wanted))})", list(wanted)).fetchall():
                mark = wanted[pk] or (None, None)
                if mark != (head, similarity):
                    updates.append((*mark, pk))
            if updates:
                self._write()
                self.db.executemany("UPDATE articles SET duplicate_of = ?, "
                                    "duplicate_similarity = ? WHERE id = ?", updates)
                changed += len(updates)
        if changed:
            self.commit()
        return changed

    # -- reports --------------------------------------------------------------------------
    def count_articles(self, by: str, query: ArticleQuery) -> list[tuple]:
        """(published day, section or source, articles) for the articles ``query`` selects."""
        column = REPORT_GROUPS.get(by)
        if column is None:
            raise ValueError(f"count_articles groups by section or source, not {by!r}")
        where, params = article_filter(query)
        return [tuple(r) for r in self.db.execute(
            f"SELECT published, {column}, COUNT(*) FROM articles WHERE {where} "
            f"GROUP BY published, {column} ORDER BY published, {column}", params)]

    def first_seen_sources(self) -> list[dict]:
        """Each source's earliest published article (over the whole store)."""
        rows = self.db.execute(
            "SELECT source, published, canonical_url, headline, n FROM ("
            " SELECT source, published, canonical_url, headline,"
            " COUNT(*) OVER (PARTITION BY source) n,"
            " ROW_NUMBER() OVER (PARTITION BY source ORDER BY published, canonical_url) k"
            " FROM articles WHERE source IS NOT NULL AND published IS NOT NULL) WHERE k = 1 "
            "ORDER BY published, source")
        return [dict(r) for r in rows]

    def popular_history(self, since: str | None, before: str | None) -> list[dict]:
        """Every ranking entry of snapshots taken in [since, before), with stored headlines."""
        conditions, params = ["1 = 1"], []
        if since:
            conditions.append("s.taken_at >= ?")
            params.append(since)
        if before:
            conditions.append("s.taken_at < ?")
            params.append(before)
        rows = self.db.execute(
            "SELECT s.id AS snapshot, s.taken_at, e.rank, e.url, e.title, e.source, a.headline "
            "FROM popular_snapshots s JOIN popular_entries e ON e.snapshot_id = s.id "
            f"LEFT JOIN articles a ON a.canonical_url = e.url WHERE {' AND '.join(conditions)} "
            "ORDER BY s.taken_at, s.id, e.rank", params)
        return [dict(r) for r in rows]

    def most_linked(self, query: ArticleQuery, limit: int = 10) -> list[dict]:
        """Related stories linked from the most articles that ``query`` selects."""
        where, params = article_filter(query)
        rows = self.db.execute(
            "SELECT l.url, MAX(l.title) AS title, "
            "COALESCE(MAX(t.source), MAX(l.source)) AS source, "
            "COUNT(DISTINCT l.article_pk) AS links, MAX(t.headline) AS headline "
            "FROM related_links l "
            f"JOIN (SELECT id FROM articles WHERE {where}) a ON a.id = l.article_pk "
            "LEFT JOIN articles t ON t.canonical_url = l.url "
            "GROUP BY l.url ORDER BY links DESC, l.url LIMIT ?", (*params, limit))
        return [dict(r) for r in rows]


class SignedRead:
    """The SQL of one signed_articles read, for either store (``mark``: "?" or "%s"): the
    selection and representative order are written once here.

    ``fill`` numbers the selection, in that order, into the temporary table ``table``; ``page``
    reads (seq, pk, canonical_url, published, signature) after a seq, a LIMIT at a time.
    ``after`` (a representative-order key) fills only what comes after it: a PostgreSQL read
    rebuilding its table on a new connection. ``collate`` makes the order Python's."""

    def __init__(self, table: str, scheme: str, since: str | None, until: str | None,
                 mark: str = "?", collate: str = "", after: tuple[str, str] | None = None):
        if since is None and until is None:
            where, span_params = "1 = 1", []
        else:
            span = f"published BETWEEN {mark} AND {mark}"
            where = (f"a.{span} OR a.canonical_url IN (SELECT duplicate_of FROM articles "
                     f"WHERE {span} AND duplicate_of IS NOT NULL)")
            span_params = [since or "", until or "9999"] * 2
        key = (f"COALESCE(NULLIF(a.published, ''), '9999-99-99'){collate}, "
               f"a.canonical_url{collate}")
        if after is not None:
            where = f"({where}) AND ({key}) > ({mark}, {mark})"
        self.create = f"CREATE TEMP TABLE {table} (seq INTEGER PRIMARY KEY, pk BIGINT NOT NULL)"
        self.fill = (f"INSERT INTO {table} (seq, pk) SELECT ROW_NUMBER() OVER (ORDER BY {key}), "
                     "a.id FROM articles a JOIN near_duplicate_signatures s "
                     f"ON s.article_pk = a.id WHERE s.scheme = {mark} AND ({where})")
        self.params = [scheme, *span_params, *(after or ())]
        self.page = ("SELECT t.seq, a.id, a.canonical_url, a.published, s.signature "
                     f"FROM {table} t JOIN articles a ON a.id = t.pk "
                     "JOIN near_duplicate_signatures s ON s.article_pk = t.pk "
                     f"WHERE t.seq > {mark} ORDER BY t.seq LIMIT {mark}")
        self.drop = f"DROP TABLE IF EXISTS {table}"

    @staticmethod
    def key(published: str | None, canonical_url: str) -> tuple[str, str]:
        """A row's place in representative order, as ``fill`` sorts it (``after`` takes it)."""
        return (published or "9999-99-99", canonical_url)


def article_filter(query: ArticleQuery) -> tuple[str, list]:
    """The WHERE clause (and its parameters) that selects ``query``'s articles."""
    conditions, params = ["1 = 1"], []
    if query.since:
        conditions.append("published >= ?")
        params.append(query.since)
    if query.until:
        conditions.append("published <= ?")
        params.append(query.until)
    for column, values in (("section", query.sections), ("source", query.sources)):
        if values:
            conditions.append(f"lower({column}) IN ({', '.join('?' * len(values))})")
            params += [v.lower() for v in values]
    if query.contains:
        # instr, not LIKE: the text is matched as typed, % and _ included
        conditions.append("(instr(lower(headline), ?) > 0 OR instr(lower(body), ?) > 0)")
        params += [query.contains.lower()] * 2
    if query.near_dedupe:
        conditions.append("duplicate_of IS NULL")
    return " AND ".join(conditions), params


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

