"""SQLite schema as named migrations, applied in list order and recorded in schema_migrations.

Names (not positions) identify migrations, so branches that each add one merge by appending.
A store that has applied a migration this code does not know is newer than this code: refused.
"""

MIGRATIONS: list[tuple[str, str]] = [
    ("0001_articles_links_popular_runs", """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        spider TEXT NOT NULL,
        site TEXT,
        args TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        finish_reason TEXT,
        stats TEXT
    );
    CREATE TABLE popular_snapshots (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES runs(id),
        taken_at TEXT NOT NULL,
        ranking_hash TEXT NOT NULL
    );
    CREATE TABLE popular_entries (
        snapshot_id INTEGER NOT NULL REFERENCES popular_snapshots(id) ON DELETE CASCADE,
        rank INTEGER NOT NULL,
        url TEXT NOT NULL,
        title TEXT,
        source TEXT,
        PRIMARY KEY (snapshot_id, rank)
    );
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        canonical_url TEXT NOT NULL UNIQUE,
        url TEXT NOT NULL,
        article_id TEXT,
        site TEXT,
        section TEXT,
        headline TEXT NOT NULL,
        dateline TEXT,
        published TEXT,
        date_evidence TEXT,
        source TEXT,
        body TEXT NOT NULL,
        summary TEXT,
        content_hash TEXT NOT NULL,
        popular_snapshot_id INTEGER REFERENCES popular_snapshots(id),
        crawled_at TEXT,
        first_run_id INTEGER REFERENCES runs(id),
        last_run_id INTEGER REFERENCES runs(id)
    );
    CREATE INDEX articles_content_hash ON articles(content_hash);
    CREATE INDEX articles_published ON articles(published);
    CREATE TABLE related_links (
        article_pk INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        url TEXT NOT NULL,
        title TEXT,
        source TEXT,
        PRIMARY KEY (article_pk, position)
    );
    CREATE INDEX related_links_url ON related_links(url);
    CREATE TABLE failures (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES runs(id),
        url TEXT NOT NULL,
        reason TEXT NOT NULL,
        status INTEGER,
        at TEXT NOT NULL
    )
    """),
    ("0002_scheduled_history_validators_health", """
    CREATE TABLE article_history (
        id INTEGER PRIMARY KEY,
        article_pk INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        replaced_at TEXT NOT NULL,
        replaced_by_run INTEGER REFERENCES runs(id),
        url TEXT,
        section TEXT,
        headline TEXT,
        dateline TEXT,
        published TEXT,
        date_evidence TEXT,
        source TEXT,
        body TEXT,
        summary TEXT,
        content_hash TEXT,
        crawled_at TEXT,
        related TEXT
    );
    CREATE INDEX article_history_article ON article_history(article_pk);
    CREATE TABLE fetch_validators (
        canonical_url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        fetched_at TEXT NOT NULL
    );
    ALTER TABLE runs ADD COLUMN exit_status INTEGER;
    ALTER TABLE runs ADD COLUMN health TEXT;
    ALTER TABLE runs ADD COLUMN summary TEXT
    """),
    # Near-duplicate groups (newsbot/neardup.py): an article's group representative, how alike
    # they are, and each article's MinHash signature so later runs compare against earlier ones.
    ("0003_near_duplicates", """
    ALTER TABLE articles ADD COLUMN duplicate_of TEXT;
    ALTER TABLE articles ADD COLUMN duplicate_similarity REAL;
    CREATE INDEX articles_duplicate_of ON articles(duplicate_of);
    CREATE TABLE near_duplicate_signatures (
        article_pk INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        content_hash TEXT NOT NULL,
        scheme TEXT NOT NULL,
        signature BLOB NOT NULL
    )
    """),
    # Which path produced each field of an article, as JSON: {"headline": "profile:h1.headline",
    # "body": "generic:text:newsbot", ...} (issue 7, site profiles and the generic fallback).
    ("0004_extracted_by", """
    ALTER TABLE articles ADD COLUMN extracted_by TEXT
    """),
]

MIGRATION_NAMES = [name for name, _ in MIGRATIONS]


def statements(script: str) -> list[str]:
    """A migration's statements (none of ours contains a semicolon inside a literal)."""
    return [s.strip() for s in script.split(";") if s.strip()]
