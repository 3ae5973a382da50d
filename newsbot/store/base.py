"""The store interface the pipelines, extensions and commands use; SQLite and PostgreSQL implement it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Protocol


def chunked(items: Iterable, size: int) -> Iterator[list]:
    """``items`` in lists of ``size`` (the last shorter), taken as they come: writes and queues
    go a chunk at a time so nothing holds them all."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class StoreError(RuntimeError):
    """The store cannot be opened or written (bad path, locked, wrong schema)."""


@dataclass(frozen=True)
class StoredArticle:
    pk: int
    canonical_url: str
    content_hash: str
    last_run_id: int | None


@dataclass(frozen=True)
class ArticleQuery:
    """Which stored articles an export wants: every condition set must hold (SQL WHERE)."""

    since: str | None = None          # published on or after this ISO date
    until: str | None = None          # published on or before this ISO date
    sections: tuple[str, ...] = ()    # any of these sections (case-insensitive)
    sources: tuple[str, ...] = ()     # any of these sources (case-insensitive)
    contains: str | None = None       # in the headline or the body (case-insensitive)
    near_dedupe: bool = False         # only the first of each near-duplicate group


@dataclass(frozen=True)
class RecentArticle:
    """A stored article due for a recrawl, with what the server said last time."""

    canonical_url: str
    url: str
    etag: str | None
    last_modified: str | None


class RunLock(Protocol):
    """Held by the one run that may crawl into a store; acquire() raises StoreLocked otherwise."""

    acquired: bool

    def acquire(self) -> RunLock: ...
    def release(self) -> None: ...


class ArticleStore(Protocol):
    """Articles, their related links, popular-ranking snapshots, failures and crawl runs."""

    run_id: int | None

    def begin_run(self, spider: str, site: str, started_at: str, args: dict) -> int: ...
    def end_run(self, finished_at: str, finish_reason: str, stats: dict,
                summary: dict | None = None, exit_status: int | None = None,
                health: str | None = None) -> None: ...
    def previous_run(self) -> dict | None: ...
    def lock(self) -> RunLock: ...
    def first_runs(self, canonical_urls: Iterable[str]) -> dict[str, int | None]: ...
    def recent_articles(self, published_since: str) -> Iterator[RecentArticle]: ...
    def save_validators(self, canonical_url: str, etag: str | None, last_modified: str | None,
                        fetched_at: str) -> None: ...
    def history(self, canonical_url: str) -> list[dict]: ...
    def find_article(self, canonical_url: str) -> StoredArticle | None: ...
    def find_content(self, content_hash: str) -> str | None: ...
    # "new", "updated", or (a store shared by many writers) "duplicate": kept by another first
    def upsert_article(self, article: dict, popular_snapshot: int | None) -> str: ...
    def save_popular(self, taken_at: str, ranking: list[dict]) -> int: ...
    def record_failure(self, url: str, reason: str, status: int | None, at: str) -> None: ...
    def commit(self) -> None: ...
    def close(self) -> None: ...
    def iter_articles(self) -> Iterator[dict]: ...
    def runs(self, limit: int = 20) -> list[dict]: ...
    def failures(self, run_id: int | None = None) -> list[dict]: ...
    def counts(self) -> dict[str, int]: ...
    # exports and near-duplicates (newsbot/exports, newsbot/neardup.py)
    def select_articles(self, query: ArticleQuery) -> Iterator[dict]: ...
    def unsigned_articles(self, scheme: str) -> Iterator[tuple[int, str, str | None]]: ...
    def save_signature(self, pk: int, scheme: str, signature: bytes) -> None: ...
    # signed_articles: in representative order, (published, undated last, then canonical URL)
    def signed_articles(self, scheme: str, since: str | None = None,
                        until: str | None = None) -> Iterator[tuple[int, str, str | None, bytes]]: ...
    # set_duplicates: (pk, mark) pairs as grouping yields them; returns how many changed
    def set_duplicates(self, marks: Iterable[tuple[int, tuple[str, float] | None]]) -> int: ...
    # coverage reports (newsbot/report)
    def count_articles(self, by: str, query: ArticleQuery) -> list[tuple]: ...
    def first_seen_sources(self) -> list[dict]: ...
    def popular_history(self, since: str | None, before: str | None) -> list[dict]: ...
    def most_linked(self, query: ArticleQuery, limit: int = 10) -> list[dict]: ...
