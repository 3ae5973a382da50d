"""The store keeps which path produced each field (articles.extracted_by, migration
0004_extracted_by), and upgrades a store made before it."""

from __future__ import annotations

import sqlite3

from newsbot.store import SqliteStore, open_store
from newsbot.store.schema import MIGRATIONS, statements

ARTICLE = {"canonical_url": "http://h/a/1", "url": "http://h/a/1?ref=x", "headline": "H",
           "body": "B", "content_hash": "c1", "related": [],
           "extracted_by": {"headline": "profile:h1.headline", "body": "generic:text:newsbot"}}


def test_extracted_by_is_stored_and_read_back_as_an_object(store_address):
    store = open_store(store_address)
    store.upsert_article(ARTICLE, None)
    store.upsert_article({**ARTICLE, "canonical_url": "http://h/a/2", "content_hash": "c2",
                          "extracted_by": None}, None)
    store.commit()
    rows = {a["canonical_url"]: a for a in store.iter_articles()}
    assert rows["http://h/a/1"]["extracted_by"] == ARTICLE["extracted_by"]
    assert rows["http://h/a/2"]["extracted_by"] == {}
    store.close()
    if store_address.startswith("postgresql://"):
        import psycopg
        with psycopg.connect(store_address) as conn:
            raw = conn.execute("SELECT extracted_by FROM articles "
                               "WHERE canonical_url = 'http://h/a/1'").fetchone()[0]
    else:
        raw = sqlite3.connect(store_address).execute(
            "SELECT extracted_by FROM articles WHERE canonical_url = 'http://h/a/1'").fetchone()[0]
    assert raw == '{"body": "generic:text:newsbot", "headline": "profile:h1.headline"}'


def test_a_store_made_before_the_migration_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    name, script = MIGRATIONS[0]
    for statement in statements(script):
        db.execute(statement)
    db.execute("INSERT INTO schema_migrations (name) VALUES (?)", (name,))
    db.execute("INSERT INTO articles (canonical_url, url, headline, body, content_hash) "
               "VALUES ('http://h/old', 'http://h/old', 'Old', 'Kept', 'c0')")
    db.commit()
    db.close()
    store = SqliteStore(path)
    [old] = list(store.iter_articles())
    assert (old["body"], old["extracted_by"]) == ("Kept", {})
    store.close()
    applied = [r[0] for r in sqlite3.connect(path).execute(
        "SELECT name FROM schema_migrations ORDER BY rowid")]
    assert applied[0] == name and "0004_extracted_by" in applied
