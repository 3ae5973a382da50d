import sqlite3
import subprocess
import sys
import threading

import psycopg
import pytest

from newsbot.store import SqliteStore, StoreError, open_store, schema_pg
from newsbot.store.schema import MIGRATION_NAMES
from tests.pg import Database, free_port


def article(url="http://h/article/1.php", body="Body.", **extra):
    return {"canonical_url": url, "url": url, "headline": "Headline", "body": body,
            "content_hash": f"hash-{body}", "published": "2026-01-05", "source": "NHK",
            "related": [{"url": "http://h/article/2.php", "title": "Two", "source": None}], **extra}


@pytest.fixture
def store(store_address):
    s = open_store(store_address, batch_size=2)
    s.begin_run("portal", "newsonjapan", "2026-01-12T09:00:00+00:00", {"max_pages": 2})
    yield s
    s.close()


def test_schema_is_created_versioned_and_in_wal_mode(tmp_path):
    SqliteStore(tmp_path / "a.db").close()
    db = sqlite3.connect(tmp_path / "a.db")
    applied = [r[0] for r in db.execute("SELECT name FROM schema_migrations ORDER BY rowid")]
    assert applied == MIGRATION_NAMES
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATION_NAMES)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "related_links", "popular_snapshots", "popular_entries", "failures",
            "runs"} <= tables


def test_a_store_from_a_newer_newsbot_is_refused_untouched(tmp_path):
    SqliteStore(tmp_path / "new.db").close()
    db = sqlite3.connect(tmp_path / "new.db")
    db.execute("INSERT INTO schema_migrations (name) VALUES ('9999_from_the_future')")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="does not know .*9999_from_the_future"):
        SqliteStore(tmp_path / "new.db")


def test_reopening_applies_nothing_twice(tmp_path):
    SqliteStore(tmp_path / "a.db").close()
    SqliteStore(tmp_path / "a.db").close()
    db = sqlite3.connect(tmp_path / "a.db")
    assert db.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == len(MIGRATION_NAMES)


def test_readonly_refuses_a_file_that_is_not_a_store(tmp_path):
    (tmp_path / "x.db").write_bytes(b"")
    with pytest.raises(StoreError, match="not a newsbot store"):
        SqliteStore(tmp_path / "x.db", readonly=True)


def test_unwritable_path_is_a_store_error():
    with pytest.raises(StoreError, match="cannot open the store"):
        open_store("/proc/newsbot/x.db")


def test_other_schemes_are_refused_clearly():
    with pytest.raises(StoreError, match="no store for mysql"):
        open_store("mysql://localhost/db")


def test_upsert_inserts_then_updates_in_place_and_replaces_related(store):
    assert store.upsert_article(article(), None) == "new"
    changed = article(body="Changed.", related=[])
    assert store.upsert_article(changed, None) == "updated"
    store.commit()
    [stored] = list(store.iter_articles())
    assert stored["body"] == "Changed." and stored["related"] == []
    assert store.find_article("http://h/article/1.php").content_hash == "hash-Changed."
    assert store.find_content("hash-Changed.") == "http://h/article/1.php"


def test_popular_snapshot_is_exported_with_each_article(store):
    ranking = [{"rank": 1, "url": "http://h/article/9.php", "title": "Nine", "source": "NHK"},
               {"rank": 2, "url": "http://h/article/8.php", "title": "Eight", "source": None}]
    snapshot = store.save_popular("2026-01-12T09:00:00+00:00", ranking)
    store.upsert_article(article(), snapshot)
    store.upsert_article(article(url="http://h/article/3.php", body="Three."), snapshot)
    exported = list(store.iter_articles())
    assert [a["popular"] for a in exported] == [ranking, ranking]
    assert store.counts()["popular_entries"] == 2


def test_runs_and_failures_are_recorded(store):
    store.record_failure("http://h/article/404.php", "HTTP 404", 404, "2026-01-12T09:00:01+00:00")
    store.end_run("2026-01-12T09:01:00+00:00", "finished", {"item_scraped_count": 3})
    [run] = store.runs()
    assert run["finish_reason"] == "finished" and run["stats"] == {"item_scraped_count": 3}
    assert run["args"] == {"max_pages": 2}
    [failure] = store.failures(run["id"])
    assert (failure["url"], failure["reason"], failure["status"]) == (
        "http://h/article/404.php", "HTTP 404", 404)


def test_text_full_of_sql_is_stored_verbatim(store):
    nasty = "Robert'); DROP TABLE articles;-- \"quoted\" ; 1=1"
    store.upsert_article(article(body=nasty, headline=nasty), None)
    [stored] = list(store.iter_articles())
    assert stored["body"] == nasty and stored["headline"] == nasty


def test_batches_commit_so_a_second_connection_sees_them(store_address, store):
    store.upsert_article(article(), None)
    store.upsert_article(article(url="http://h/article/3.php", body="Three."), None)  # batch of 2
    store.record_failure("http://h/1", "HTTP 500", 500, "2026-01-12T09:00:01+00:00")
    store.record_failure("http://h/2", "HTTP 500", 500, "2026-01-12T09:00:02+00:00")  # and 2
    other = open_store(store_address)
    try:
        assert other.counts()["articles"] == 2 and other.counts()["failures"] == 2
    finally:
        other.close()


def test_two_processes_creating_one_store_at_once_both_succeed(tmp_path):
    """The second waits for the first's migrations and must not apply them again."""
    code = "import sys; from newsbot.store import open_store; open_store(sys.argv[1]).close()"
    for attempt in range(5):
        db = tmp_path / f"race{attempt}.db"
        errors = race(code, str(db))
        assert errors == [""] * 4, errors


def test_a_new_store_waits_while_another_process_switches_it_to_wal(tmp_path):
    """The race of two processes creating one store, held open: SQLite refuses the switch to
    WAL at once (no busy handler) while another connection holds the write lock."""
    path = tmp_path / "new.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # what the other process holds mid-switch
    release = threading.Timer(0.3, other.rollback)
    release.start()
    try:
        store = SqliteStore(path)
    finally:
        release.join()
        other.close()
    try:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.counts()["articles"] == 0
    finally:
        store.close()


def test_two_processes_creating_one_postgres_store_at_once_both_succeed():
    code = "import sys; from newsbot.store import open_store; open_store(sys.argv[1]).close()"
    for _ in range(3):
        with Database() as url:
            errors = race(code, url)
            assert errors == [""] * 4, errors
            with psycopg.connect(url) as conn:
                applied = [r[0] for r in conn.execute(
                    "SELECT name FROM schema_migrations ORDER BY seq")]
            assert applied == MIGRATION_NAMES


def race(code: str, address: str, n: int = 4) -> list[str]:
    """Start ``n`` processes on one store at once; their standard errors (all "" when fine)."""
    procs = [subprocess.Popen([sys.executable, "-c", code, address], stderr=subprocess.PIPE,
                              text=True) for _ in range(n)]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    return [e if p.returncode else "" for p, e in zip(procs, errors)]


def test_both_stores_name_the_same_migrations_in_the_same_order():
    assert schema_pg.MIGRATION_NAMES == MIGRATION_NAMES


def test_a_postgres_store_is_created_versioned(pg_url):
    open_store(pg_url).close()
    with psycopg.connect(pg_url) as conn:
        applied = [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY seq")]
        tables = {r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert applied == MIGRATION_NAMES
    assert {"articles", "related_links", "popular_snapshots", "popular_entries", "failures",
            "runs", "article_history", "fetch_validators", "near_duplicate_signatures"} <= tables


def test_a_postgres_store_from_a_newer_newsbot_is_refused_untouched(pg_url):
    open_store(pg_url).close()
    with psycopg.connect(pg_url) as conn:
        conn.execute("INSERT INTO schema_migrations (name) VALUES ('9999_from_the_future')")
    with pytest.raises(StoreError, match="does not know .*9999_from_the_future"):
        open_store(pg_url)
    with pytest.raises(StoreError, match="does not know .*9999_from_the_future"):
        open_store(pg_url, readonly=True)


def test_readonly_refuses_a_postgres_database_that_is_not_a_store(pg_url):
    with pytest.raises(StoreError, match="not a newsbot store"):
        open_store(pg_url, readonly=True)


def test_postgres_addresses_take_either_scheme(pg_url):
    short = pg_url.replace("postgresql://", "postgres://", 1)
    store = open_store(short)
    assert type(store).__name__ == "PostgresStore" and store.counts()["articles"] == 0
    store.close()


def test_an_unreachable_server_is_a_one_line_store_error():
    port = free_port()
    with pytest.raises(StoreError, match=f"cannot open the PostgreSQL store at 127.0.0.1:{port}/x"):
        open_store(f"postgresql://postgres@127.0.0.1:{port}/x")


def test_a_postgres_upsert_of_stored_text_is_a_duplicate_and_writes_nothing(pg_url):
    store = open_store(pg_url)
    store.begin_run("portal", "newsonjapan", "2026-01-12T09:00:00+00:00", {})
    assert store.upsert_article(article(), None) == "new"
    assert store.upsert_article(article(), None) == "duplicate"  # same URL, same text
    assert store.upsert_article(article(url="http://h/article/7.php"), None) == "duplicate"
    assert store.upsert_article(article(body="Edited."), None) == "updated"
    assert [a["canonical_url"] for a in store.iter_articles()] == ["http://h/article/1.php"]
    assert [h["body"] for h in store.history("http://h/article/1.php")] == ["Body."]
    store.close()


def test_postgres_keeps_text_verbatim_but_nul_which_it_cannot_hold(pg_url):
    store = open_store(pg_url)
    store.begin_run("portal", "newsonjapan", "2026-01-12T09:00:00+00:00", {})
    store.upsert_article(article(body="a\x00b %s ? $1 'q'"), None)
    [stored] = list(store.iter_articles())
    assert stored["body"] == "a\ufffdb %s ? $1 'q'"
    store.close()


def test_what_scheduled_runs_ask_of_the_store(store_address):
    """first_runs, recent_articles with validators, previous_run, history: on both stores."""
    first = open_store(store_address, batch_size=100)
    run1 = first.begin_run("portal", "newsonjapan", "2026-01-12T09:00:00+00:00", {})
    first.upsert_article(article(published="2026-01-05"), None)
    first.upsert_article(article(url="http://h/article/3.php", body="Three.",
                                 published="2025-12-01"), None)
    first.save_validators("http://h/article/1.php", '"etag-1"', "Mon, 05 Jan 2026 09:00:00 GMT",
                          "2026-01-12T09:00:01+00:00")
    recent = list(first.recent_articles("2026-01-01"))
    assert [(r.canonical_url, r.etag, r.last_modified) for r in recent] == [
        ("http://h/article/1.php", '"etag-1"', "Mon, 05 Jan 2026 09:00:00 GMT")]
    first.end_run("2026-01-12T09:01:00+00:00", "finished", {})
    first.close()
    later = open_store(store_address)
    assert later.previous_run()["id"] == run1
    run2 = later.begin_run("portal", "newsonjapan", "2026-01-13T09:00:00+00:00", {})
    assert later.previous_run() == {"id": run1, "finish_reason": "finished",
                                    "finished_at": "2026-01-12T09:01:00+00:00"}
    assert later.first_runs(["http://h/article/3.php", "http://h/article/9.php"] * 600) == \
        {"http://h/article/3.php": run1}
    assert later.upsert_article(article(body="Edited.", crawled_at="2026-01-13T09:00:05+00:00"),
                                None) == "updated"
    [old] = later.history("http://h/article/1.php")
    assert (old["body"], old["replaced_at"], old["replaced_by_run"]) == (
        "Body.", "2026-01-13T09:00:05+00:00", run2)
    assert old["related"] == [{"url": "http://h/article/2.php", "title": "Two", "source": None}]
    assert later.find_article("http://h/article/1.php").last_run_id == run2
    later.close()
