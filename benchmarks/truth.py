"""Check a crawl's store against a generated replica's truth.jsonl, article by article.

A fast crawl that drops fields counts for nothing: every article of the truth must be stored
once, under its canonical URL, with the same headline, dateline, published date, source, body,
section and summary. The truth is streamed and each article looked up by its URL, so checking
50,000 articles holds one at a time.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import psycopg

FIELDS = ("headline", "dateline", "published", "source", "body", "section", "summary")


def connect(db: Path | str):
    """(connection, placeholder) for a SQLite path (read-only) or a postgresql:// address."""
    if str(db).startswith(("postgresql://", "postgres://")):
        return psycopg.connect(str(db), autocommit=True), "%s"
    return sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True), "?"


def check(db: Path | str, truth: Path, site_url: str, examples: int = 5) -> dict:
    """{"truth", "stored", "missing", "mismatched" {field: n}, "extra", "examples", "ok"}."""
    base = site_url.rstrip("/")
    con, mark = connect(db)
    try:
        stored = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        wrong: dict[str, int] = {f: 0 for f in FIELDS}
        missing, found, shown = 0, 0, []
        query = f"SELECT {', '.join(FIELDS)} FROM articles WHERE canonical_url = {mark}"
        with open(truth, encoding="utf-8") as lines:
            for line in lines:
                expected = json.loads(line)
                row = con.execute(query, (base + expected["path"],)).fetchone()
                if row is None:
                    missing += 1
                    if len(shown) < examples:
                        shown.append(f"missing {expected['path']}")
                    continue
                found += 1
                for field, value in zip(FIELDS, row):
                    if value != expected[field]:
                        wrong[field] += 1
                        if len(shown) < examples:
                            shown.append(f"{expected['path']} {field}: {value!r:.80} != "
                                         f"{expected[field]!r:.80}")
    finally:
        con.close()
    total = found + missing
    mismatched = {f: n for f, n in wrong.items() if n}
    return {"truth": total, "stored": stored, "missing": missing, "mismatched": mismatched,
            "extra": stored - found, "examples": shown,
            "ok": missing == 0 and not mismatched and stored == found}
