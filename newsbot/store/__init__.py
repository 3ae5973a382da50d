"""Where articles live: one interface (base.ArticleStore), chosen by the store address."""

from __future__ import annotations

from newsbot.lock import StoreLocked
from newsbot.store.base import (ArticleQuery, ArticleStore, RecentArticle, StoredArticle,
                                StoreError)
from newsbot.store.sqlite import SqliteStore

__all__ = ["ArticleQuery", "ArticleStore", "RecentArticle", "StoredArticle", "StoreError",
           "StoreLocked", "SqliteStore", "open_store"]


def open_store(address: str | None, batch_size: int = 200) -> ArticleStore:
    """A SQLite path (or "" / ":memory:" for a throwaway store)."""
    if not address or address == ":memory:":
        return SqliteStore(":memory:", batch_size)
    if "://" in address and not address.startswith("sqlite://"):
        scheme = address.split("://", 1)[0]
        raise StoreError(f"no store for {scheme}:// addresses (use a SQLite file path)")
    return SqliteStore(address.removeprefix("sqlite://"), batch_size)
