"""ArticleStore over PostgreSQL (psycopg 3), for many workers writing one store at once.

The same tables and answers as the SQLite store (newsbot/store/sqlite.py). What differs:
- each article is upserted in a transaction of its own, under an advisory lock on its content
  hash: two workers never both keep one article, by URL or by text ("duplicate" outcome);
- failures, validators and signatures wait in memory and are written a batch at a time;
- every unit of work is retried on a fresh connection while the server is away (reconnect.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import suppress

import psycopg
import psycopg.errors

from newsbot.store.base import ArticleQuery, RecentArticle, StoredArticle, StoreError, chunked
from newsbot.store.pglock import CONTENT_LOCK_NAMESPACE, NAMESPACE, AdvisoryRunLock
from newsbot.store.reconnect import Reconnecting
from newsbot.store.schema import statements
from newsbot.store.schema_pg import MIGRATION_NAMES, MIGRATIONS
from newsbot.store.sqlite import (ARTICLE_COLUMNS, GROUP_COLUMNS, HISTORY_COLUMNS, KNOWN_CHUNK,
                                  REPORT_GROUPS, SNAPSHOTS, SignedRead, ranking_hash)

JSON_COLUMNS = frozenset({"extracted_by"})
MIGRATION_LOCK = 2  # (NAMESPACE, MIGRATION_LOCK): one process migrates at a time


class PostgresStore:
    """One PostgreSQL database; ``address`` is a postgresql:// URL or a libpq conninfo string."""

    def __init__(self, address: str, batch_size: int = 200, readonly: bool = False,
                 retry_seconds: float = 30.0):
        self.address = address
        self.batch_size = batch_size
        self.run_id: int | None = None
        self._pending: list[tuple[str, tuple]] = []  # deferred writes, replayed whole on retry
        self.db = Reconnecting(address, retry_seconds, readonly)
        self.where = self.db.where
        try:
            if readonly:
                self._check_schema(self._applied(), readonly=True)
            else:
                self.db.run(self._migrate)
        except (psycopg.Error, StoreError) as e:
            self.db.close()
            raise e if isinstance(e, StoreError) else StoreError(
                f"cannot open the PostgreSQL store at {self.where}: {e}") from None

    # -- schema ---------------------------------------------------------------------------
    def _applied(self, conn: psycopg.Connection | None = None) -> list[str]:
        def read(c: psycopg.Connection) -> list[str]:
            if c.execute("SELECT to_regclass('schema_migrations') AS t").fetchone()["t"] is None:
                return []
            return [r["name"] for r in c.execute("SELECT name FROM schema_migrations ORDER BY seq")]
        return read(conn) if conn is not None else self.db.run(read)

    def _check_schema(self, applied: list[str], readonly: bool = False) -> None:
        unknown = [name for name in applied if name not in MIGRATION_NAMES]
        if unknown:
            raise StoreError(f"PostgreSQL at {self.where} has schema migrations this newsbot does "
                             f"not know ({', '.join(unknown)}); upgrade newsbot")
        if readonly and len(applied) < len(MIGRATIONS):
            raise StoreError(f"PostgreSQL at {self.where} is not a newsbot store, or an older one; "
                             "open it once with `newsbot crawl` to upgrade it")

    def _migrate(self, conn: psycopg.Connection) -> None:
        """All missing migrations in one transaction, under a lock: two processes opening a new
        store at once apply each migration once (the second waits, then finds them done)."""
        conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (NAMESPACE, MIGRATION_LOCK))
        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (seq SERIAL, "
                     "name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        applied = self._applied(conn)
        self._check_schema(applied)
        for name, script in MIGRATIONS:
            if name not in applied:
                for statement in statements(script):
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_migrations (name) VALUES (%s)", (name,))

    # -- transactions ---------------------------------------------------------------------
    def _defer(self, sql: str, params: tuple) -> None:
        self._pending.append((sql, params))
        if len(self._pending) >= self.batch_size:
            self.commit()

    def commit(self) -> None:
        """Write the deferred batch in one transaction (kept in memory until it is written)."""
        if not self._pending:
            return
        batch = list(self._pending)

        def write(conn: psycopg.Connection) -> None:
            for sql, params in batch:
                conn.execute(sql, params)
        self.db.run(write)
        del self._pending[:len(batch)]

    def close(self) -> None:
        try:
            self.commit()
        finally:
            self.db.close()

    def lock(self) -> AdvisoryRunLock:
        return AdvisoryRunLock(self.address)

    def _one(self, sql: str, params: tuple = ()) -> dict | None:
        return self.db.run(lambda c: c.execute(sql, params).fetchone())

    def _all(self, sql: str, params: tuple | list = ()) -> list[dict]:
        return self.db.run(lambda c: c.execute(sql, params).fetchall())

    # -- runs -----------------------------------------------------------------------------
    def begin_run(self, spider: str, site: str, started_at: str, args: dict) -> int:
        self.run_id = self._one(
            "INSERT INTO runs (spider, site, args, started_at) VALUES (%s, %s, %s, %s) "
            "RETURNING id", (_text(spider), _text(site), _text(json.dumps(args, sort_keys=True)),
                             _text(started_at)))["id"]
        return self.run_id

    def end_run(self, finished_at: str, finish_reason: str, stats: dict,
                summary: dict | None = None, exit_status: int | None = None,
                health: str | None = None) -> None:
        self.commit()
        self.db.run(lambda c: c.execute(
            "UPDATE runs SET finished_at = %s, finish_reason = %s, stats = %s, summary = %s, "
            "exit_status = %s, health = %s WHERE id = %s",
            (_text(finished_at), _text(finish_reason),
             _text(json.dumps(stats, sort_keys=True, default=str)),
             json.dumps(summary, sort_keys=True) if summary is not None else None,
             exit_status, _text(health), self.run_id)))

    def runs(self, limit: int = 20) -> list[dict]:
        rows = self._all("SELECT * FROM runs ORDER BY id DESC LIMIT %s", (limit,))
        return [{**r, "stats": json.loads(r["stats"] or "{}"),
                 "args": json.loads(r["args"] or "{}"),
                 "summary": json.loads(r["summary"]) if r["summary"] else None} for r in rows]

    def previous_run(self) -> dict | None:
        """The run before this one (the latest, when no run has begun here)."""
        return self._one("SELECT id, finish_reason, finished_at FROM runs WHERE id < %s "
                         "ORDER BY id DESC LIMIT 1",
                         (self.run_id if self.run_id is not None else 2**62,))

    # -- articles -------------------------------------------------------------------------
    def find_article(self, canonical_url: str) -> StoredArticle | None:
        row = self._one("SELECT id, canonical_url, content_hash, last_run_id FROM articles "
                        "WHERE canonical_url = %s", (_text(canonical_url),))
        return StoredArticle(*row.values()) if row else None

    def find_content(self, content_hash: str) -> str | None:
        row = self._one("SELECT canonical_url FROM articles WHERE content_hash = %s LIMIT 1",
                        (_text(content_hash),))
        return row["canonical_url"] if row else None

    def first_runs(self, canonical_urls: Iterable[str]) -> dict[str, int | None]:
        """Which of these canonical URLs are stored, each with the run that first stored it."""
        urls = [_text(u) for u in dict.fromkeys(canonical_urls)]
        found: dict[str, int | None] = {}
        for i in range(0, len(urls), KNOWN_CHUNK):
            found.update((r["canonical_url"], r["first_run_id"]) for r in self._all(
                "SELECT canonical_url, first_run_id FROM articles WHERE canonical_url = ANY(%s)",
                (urls[i:i + KNOWN_CHUNK],)))
        return found

    def recent_articles(self, published_since: str) -> Iterator[RecentArticle]:
        """Stored articles published on or after the ISO date, with their HTTP validators."""
        self.commit()
        rows = self._all(
            "SELECT a.canonical_url, a.url, v.etag, v.last_modified FROM articles a "
            "LEFT JOIN fetch_validators v ON v.canonical_url = a.canonical_url "
            "WHERE a.published >= %s ORDER BY a.id", (published_since,))
        for row in rows:
            yield RecentArticle(*row.values())

    def save_validators(self, canonical_url: str, etag: str | None, last_modified: str | None,
                        fetched_at: str) -> None:
        """Remember what the server said about a page, for a conditional GET next time."""
        self._defer(
            "INSERT INTO fetch_validators (canonical_url, etag, last_modified, fetched_at) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (canonical_url) DO UPDATE SET "
            "etag = excluded.etag, last_modified = excluded.last_modified, "
            "fetched_at = excluded.fetched_at",
            (_text(canonical_url), _text(etag), _text(last_modified), _text(fetched_at)))

    def history(self, canonical_url: str) -> list[dict]:
        """Earlier versions of an article, oldest first (empty when it never changed)."""
        rows = self._all("SELECT h.* FROM article_history h JOIN articles a ON a.id = h.article_pk "
                         "WHERE a.canonical_url = %s ORDER BY h.id", (_text(canonical_url),))
        return [{**r, "related": json.loads(r["related"] or "[]")} for r in rows]

    def upsert_article(self, article: dict, popular_snapshot: int | None) -> str:
        """Insert or update by canonical URL, related links with it: "new" or "updated".

        "duplicate" (nothing written) when another writer stored it first: the same URL with the
        same text, or the same text under another URL. The check and the write are one
        transaction, serialised per content hash, so of two workers exactly one keeps it.
        """
        values = tuple(_to_column(c, article.get(c)) for c in ARTICLE_COLUMNS)
        related = [(i, _text(r["url"]), _text(r.get("title")), _text(r.get("source")))
                   for i, r in enumerate(article.get("related") or [], 1)]
        return self.db.run(lambda c: self._upsert(c, values, related, popular_snapshot))

    def _upsert(self, conn: psycopg.Connection, values: tuple, related: list[tuple],
                popular_snapshot: int | None) -> str:
        row = dict(zip(ARTICLE_COLUMNS, values))
        conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                     (CONTENT_LOCK_NAMESPACE, row["content_hash"]))
        existing = self._locked_row(conn, row["canonical_url"])
        if existing is None:
            if conn.execute("SELECT 1 FROM articles WHERE content_hash = %s LIMIT 1",
                            (row["content_hash"],)).fetchone():
                return "duplicate"
            inserted = conn.execute(
                f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}, popular_snapshot_id, "
                f"first_run_id, last_run_id) VALUES ({', '.join(['%s'] * len(ARTICLE_COLUMNS))}, "
                "%s, %s, %s) ON CONFLICT (canonical_url) DO NOTHING RETURNING id",
                (*values, popular_snapshot, self.run_id, self.run_id)).fetchone()
            if inserted is not None:
                self._save_related(conn, inserted["id"], related)
                return "new"
            # Another writer inserted this URL (with other text) since we looked: update it.
            existing = self._locked_row(conn, row["canonical_url"])
        pk = existing["id"]
        if existing["content_hash"] == row["content_hash"]:
            return "duplicate"
        self._keep_version(conn, pk, row["crawled_at"] or "")
        assignments = ", ".join(f"{c} = %s" for c in ARTICLE_COLUMNS)
        conn.execute(f"UPDATE articles SET {assignments}, popular_snapshot_id = %s, "
                     "last_run_id = %s WHERE id = %s",
                     (*values, popular_snapshot, self.run_id, pk))
        conn.execute("DELETE FROM related_links WHERE article_pk = %s", (pk,))
        self._save_related(conn, pk, related)
        return "updated"

    @staticmethod
    def _locked_row(conn: psycopg.Connection, canonical_url: str) -> dict | None:
        return conn.execute("SELECT id, content_hash FROM articles WHERE canonical_url = %s "
                            "FOR UPDATE", (canonical_url,)).fetchone()

    @staticmethod
    def _save_related(conn: psycopg.Connection, pk: int, related: list[tuple]) -> None:
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO related_links (article_pk, position, url, title, source) "
                            "VALUES (%s, %s, %s, %s, %s)", [(pk, *r) for r in related])

    def _keep_version(self, conn: psycopg.Connection, pk: int, replaced_at: str) -> None:
        """Copy the stored version of an article into article_history before it is replaced."""
        related = json.dumps(conn.execute(
            "SELECT url, title, source FROM related_links WHERE article_pk = %s ORDER BY position",
            (pk,)).fetchall())
        columns = ", ".join(HISTORY_COLUMNS)
        conn.execute(
            f"INSERT INTO article_history (article_pk, replaced_at, replaced_by_run, {columns}, "
            f"related) SELECT id, %s, %s, {columns}, %s FROM articles WHERE id = %s",
            (_text(replaced_at), self.run_id, related, pk))

    def save_popular(self, taken_at: str, ranking: list[dict]) -> int:
        def write(conn: psycopg.Connection) -> int:
            snapshot = conn.execute(
                "INSERT INTO popular_snapshots (run_id, taken_at, ranking_hash) "
                "VALUES (%s, %s, %s) RETURNING id",
                (self.run_id, _text(taken_at), ranking_hash(ranking))).fetchone()["id"]
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO popular_entries (snapshot_id, rank, url, title, source) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    [(snapshot, e["rank"], _text(e["url"]), _text(e.get("title")),
                      _text(e.get("source"))) for e in ranking])
            return snapshot
        return self.db.run(write)

    def record_failure(self, url: str, reason: str, status: int | None, at: str) -> None:
        self._defer("INSERT INTO failures (run_id, url, reason, status, at) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    (self.run_id, _text(url), _text(reason), status, _text(at)))

    def failures(self, run_id: int | None = None) -> list[dict]:
        self.commit()
        if run_id is None:
            return self._all("SELECT * FROM failures ORDER BY id")
        return self._all("SELECT * FROM failures WHERE run_id = %s ORDER BY id", (run_id,))

    # -- reading --------------------------------------------------------------------------
    def iter_articles(self) -> Iterator[dict]:
        """Every stored article with its related links and popular ranking, oldest id first."""
        for article in self.select_articles(ArticleQuery()):
            for column in GROUP_COLUMNS:
                del article[column]
            yield article

    def counts(self) -> dict[str, int]:
        self.commit()
        return self._one(
            "SELECT (SELECT COUNT(*) FROM articles) AS articles, "
            "(SELECT COUNT(DISTINCT section) FROM articles) AS sections, "
            "(SELECT COUNT(DISTINCT source) FROM articles) AS sources, "
            "(SELECT COUNT(*) FROM related_links) AS related_links, "
            "(SELECT COUNT(*) FROM popular_snapshots) AS popular_snapshots, "
            "(SELECT COUNT(*) FROM popular_entries) AS popular_entries, "
            "(SELECT COUNT(*) FROM failures) AS failures, "
            "(SELECT COUNT(*) FROM article_history) AS history")

    # -- exports --------------------------------------------------------------------------
    def select_articles(self, query: ArticleQuery, batch: int = 500) -> Iterator[dict]:
        """Articles matching ``query``, oldest id first, read ``batch`` rows at a time (keyset
        paging: no cursor is held open while the caller works on an article)."""
        where, params = article_filter(query)
        rankings: dict[int, list[dict]] = {}
        last = 0
        while True:
            rows = self._all(f"SELECT * FROM articles WHERE {where} AND id > %s "
                             "ORDER BY id LIMIT %s", (*params, last, batch))
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
        for r in self._all("SELECT article_pk, url, title, source FROM related_links "
                           "WHERE article_pk = ANY(%s) ORDER BY article_pk, position", (pks,)):
            out.setdefault(r.pop("article_pk"), []).append(r)
        return out

    def _ranking(self, snapshot: int | None, cache: dict[int, list[dict]]) -> list[dict]:
        if snapshot is None:
            return []
        if snapshot not in cache:
            cache[snapshot] = self._all("SELECT rank, url, title, source FROM popular_entries "
                                        "WHERE snapshot_id = %s ORDER BY rank", (snapshot,))
        return cache[snapshot]

    # -- near-duplicates ------------------------------------------------------------------
    def unsigned_articles(self, scheme: str,
                          batch: int = 500) -> Iterator[tuple[int, str, str | None]]:
        """(pk, body, published) of articles with no signature under ``scheme``, or whose body
        changed since it was signed."""
        self.commit()
        last = 0
        while True:
            rows = self._all(
                "SELECT a.id, a.body, a.published FROM articles a "
                "LEFT JOIN near_duplicate_signatures s ON s.article_pk = a.id "
                "WHERE a.id > %s AND (s.article_pk IS NULL OR s.scheme != %s "
                "OR s.content_hash != a.content_hash) ORDER BY a.id LIMIT %s",
                (last, scheme, batch))
            if not rows:
                return
            yield from (tuple(r.values()) for r in rows)
            last = rows[-1]["id"]

    def save_signature(self, pk: int, scheme: str, signature: bytes) -> None:
        self._defer(
            "INSERT INTO near_duplicate_signatures (article_pk, content_hash, scheme, signature) "
            "SELECT id, content_hash, %s, %s FROM articles WHERE id = %s "
            "ON CONFLICT (article_pk) DO UPDATE SET content_hash = excluded.content_hash, "
            "scheme = excluded.scheme, signature = excluded.signature",
            (scheme, signature, pk))

    def signed_articles(self, scheme: str, since: str | None = None, until: str | None = None,
                        batch: int = KNOWN_CHUNK) -> Iterator[tuple[int, str, str | None, bytes]]:
        """(pk, canonical_url, published, signature) of the articles signed under ``scheme``
        and published in [since, until] (all when both are None), with the current group
        heads of those articles wherever they were published; in representative order
        (published, undated last, then canonical URL; the C collation: as Python compares).

        Read a page at a time (one list held every signature selected, 512 bytes each) from
        a temporary table of the order, filled once, as SqliteStore does and for its reason:
        the selection depends on the marks grouping writes while its last pass reads, so
        keyset paging over the live selection would drop a head published after the span
        once its members' marks were rewritten, and grouping's passes would disagree.

        The table dies with its connection: after a reconnect it is filled again with what
        comes after the last row read, the same rows unless marks written since took some out
        (a new mark names an article already selected, so marks never add one); the count
        tells, and when it is short the read stops (a StoreError) rather than let grouping
        mark the wrong articles."""
        self.commit()
        table = f"signed_order_{next(SNAPSHOTS)}"

        def fill(after: tuple[str, str] | None = None) -> tuple[SignedRead, int]:
            read = SignedRead(table, scheme, since, until, "%s", ' COLLATE "C"', after)

            def work(conn: psycopg.Connection) -> int:
                conn.execute(read.create)
                return conn.execute(read.fill, read.params).rowcount
            return read, self.db.run(work)

        read, total = fill()
        done, last, key = 0, 0, None
        try:
            while True:
                try:
                    rows = self._all(read.page, (last, batch))
                except psycopg.errors.UndefinedTable:  # a new connection: the table went
                    read, left = fill(key)
                    if done + left != total:
                        raise StoreError(
                            f"PostgreSQL at {self.where}: the connection was lost while "
                            f"reading signed articles ({done} of {total} read), and marks "
                            "written since changed which articles it selects: grouping "
                            "stopped with the marks written so far") from None
                    last = 0
                    continue
                if not rows:
                    return
                for r in rows:
                    yield r["id"], r["canonical_url"], r["published"], r["signature"]
                done, last = done + len(rows), rows[-1]["seq"]
                key = SignedRead.key(rows[-1]["published"], rows[-1]["canonical_url"])
        finally:
            with suppress(psycopg.Error):  # a broken connection took the table with it
                self.db.conn.execute(read.drop)

    def set_duplicates(self, marks: Iterable[tuple[int, tuple[str, float] | None]],
                       chunk: int = KNOWN_CHUNK) -> int:
        """Write each (pk, mark) as ``marks`` yields it, a chunk at a time: grouping streams
        them, and holding them all was a mark an article compared. Returns how many marks
        changed. A chunk is a transaction, which a reconnection retries whole."""
        changed = 0
        for part in chunked(marks, chunk):
            wanted = dict(part)
            updates = []
            for r in self._all("SELECT id, duplicate_of, duplicate_similarity FROM articles "
                               "WHERE id = ANY(%s)", (list(wanted),)):
                mark = wanted[r["id"]] or (None, None)
                if mark != (r["duplicate_of"], r["duplicate_similarity"]):
                    updates.append((*mark, r["id"]))
            if updates:
                def write(conn: psycopg.Connection, updates: list = updates) -> None:
                    with conn.cursor() as cur:
                        cur.executemany("UPDATE articles SET duplicate_of = %s, "
                                        "duplicate_similarity = %s WHERE id = %s", updates)
                self.db.run(write)
                changed += len(updates)
        return changed

    # -- reports --------------------------------------------------------------------------
    def count_articles(self, by: str, query: ArticleQuery) -> list[tuple]:
        """(published day, section or source, articles) for the articles ``query`` selects."""
        column = REPORT_GROUPS.get(by)
        if column is None:
            raise ValueError(f"count_articles groups by section or source, not {by!r}")
        where, params = article_filter(query)
        return [tuple(r.values()) for r in self._all(
            f"SELECT published, {column}, COUNT(*) AS n FROM articles WHERE {where} "
            f"GROUP BY published, {column} ORDER BY published, {column}", params)]

    def first_seen_sources(self) -> list[dict]:
        """Each source's earliest published article (over the whole store)."""
        return self._all(
            "SELECT source, published, canonical_url, headline, n FROM ("
            " SELECT source, published, canonical_url, headline,"
            " COUNT(*) OVER (PARTITION BY source) n,"
            " ROW_NUMBER() OVER (PARTITION BY source ORDER BY published, canonical_url) k"
            " FROM articles WHERE source IS NOT NULL AND published IS NOT NULL) firsts "
            "WHERE k = 1 ORDER BY published, source")

    def popular_history(self, since: str | None, before: str | None) -> list[dict]:
        """Every ranking entry of snapshots taken in [since, before), with stored headlines."""
        conditions, params = ["TRUE"], []
        if since:
            conditions.append("s.taken_at >= %s")
            params.append(since)
        if before:
            conditions.append("s.taken_at < %s")
            params.append(before)
        return self._all(
            "SELECT s.id AS snapshot, s.taken_at, e.rank, e.url, e.title, e.source, a.headline "
            "FROM popular_snapshots s JOIN popular_entries e ON e.snapshot_id = s.id "
            f"LEFT JOIN articles a ON a.canonical_url = e.url WHERE {' AND '.join(conditions)} "
            "ORDER BY s.taken_at, s.id, e.rank", params)

    def most_linked(self, query: ArticleQuery, limit: int = 10) -> list[dict]:
        """Related stories linked from the most articles that ``query`` selects."""
        where, params = article_filter(query)
        return self._all(
            "SELECT l.url, MAX(l.title) AS title, "
            "COALESCE(MAX(t.source), MAX(l.source)) AS source, "
            "COUNT(DISTINCT l.article_pk) AS links, MAX(t.headline) AS headline "
            "FROM related_links l "
            f"JOIN (SELECT id FROM articles WHERE {where}) a ON a.id = l.article_pk "
            "LEFT JOIN articles t ON t.canonical_url = l.url "
            "GROUP BY l.url ORDER BY links DESC, l.url LIMIT %s", (*params, limit))


def article_filter(query: ArticleQuery) -> tuple[str, list]:
    """The WHERE clause (and its parameters) that selects ``query``'s articles."""
    conditions, params = ["TRUE"], []
    if query.since:
        conditions.append("published >= %s")
        params.append(query.since)
    if query.until:
        conditions.append("published <= %s")
        params.append(query.until)
    for column, values in (("section", query.sections), ("source", query.sources)):
        if values:
            conditions.append(f"lower({column}) = ANY(%s)")
            params.append([v.lower() for v in values])
    if query.contains:
        # strpos, not LIKE: the text is matched as typed, % and _ included
        conditions.append("(strpos(lower(headline), %s) > 0 OR strpos(lower(body), %s) > 0)")
        params += [_text(query.contains.lower())] * 2
    if query.near_dedupe:
        conditions.append("duplicate_of IS NULL")
    return " AND ".join(conditions), params


def _text(value):
    """PostgreSQL text cannot hold U+0000 (SQLite can): it becomes U+FFFD, the rest verbatim."""
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


def _to_column(name: str, value):
    if name in JSON_COLUMNS:
        return json.dumps(value or {}, sort_keys=True, ensure_ascii=False)
    return _text(value)


def _from_column(name: str, value):
    if name in JSON_COLUMNS:
        return json.loads(value) if value else {}
    return value
