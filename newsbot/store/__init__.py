"""Where articles live: one interface (base.ArticleStore), chosen by the store address."""

from __future__ import annotations

from newsbot.lock import StoreLocked
from newsbot.store.base import (ArticleQuery, ArticleStore, RecentArticle, StoredArticle,
                                StoreError)
from newsbot.store.sqlite import SqliteStore

__all__ = ["ArticleQuery", "ArticleStore", "RecentArticle", "StoredArticle", "StoreError",
           "StoreLocked", "SqliteStore", "is_postgres", "open_store"]

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(address: str | None) -> bool:
    return bool(address) and str(address).startswith(POSTGRES_SCHEMES)


def open_store(address: str | None, batch_size: int = 200, readonly: bool = False,
               retry_seconds: float = 30.0) -> ArticleStore:
    """A SQLite path (or "" / ":memory:" for a throwaway store), or a postgresql:// address."""
    if not address or address == ":memory:":
        return SqliteStore(":memory:", batch_size)
    if is_postgres(address):
        from newsbot.store.postgres import PostgresStore  # psycopg only for PostgreSQL stores
        return PostgresStore(address, batch_size, readonly=readonly, retry_seconds=retry_seconds)
    if "://" in address and not address.startswith("sqlite://"):
        scheme = address.split("://", 1)[0]
        raise StoreError(f"no store for {scheme}:// addresses "
                         "(use a SQLite file path or a postgresql:// address)")
    return SqliteStore(address.removeprefix("sqlite://"), batch_size, readonly=readonly)
