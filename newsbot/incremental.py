"""What a scheduled run may skip (spider → store): known articles, stale pagination, unchanged pages.

The spider asks the store, one indexed query per page, which of the article links on it are
already stored; it never loads the stored URLs into memory. Index pages are walked until one
lists only known articles, then ``lookback`` more (for stories inserted late). A run after one
that did not finish walks every index page, since the unfinished run may have stored the top of
a section without reaching its bottom.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.utils import parsedate_to_datetime

from scrapy.http import Response

from newsbot.processors import normalize_source
from newsbot.profiles import SiteProfile
from newsbot.store import ArticleStore, RecentArticle


# A frontier crawl's runs are among the store's latest this many (one per worker and round).
RECENT_RUNS = 200


@dataclass
class Incremental:
    store: ArticleStore
    stats: object
    refresh: bool = False          # fetch known articles again (and walk every index page)
    lookback: int = 1              # index pages walked past the first one that lists only known articles
    full_pagination: bool = False  # the previous run did not finish
    # Frontier workers: the ids of the runs of this crawl (the worker's siblings). An article
    # a sibling stored is this crawl's, as if this run had stored it.
    crawl_runs: Callable[[], set[int]] | None = None
    _ours: set[int] = field(default_factory=set)

    @classmethod
    def for_run(cls, store: ArticleStore, stats, refresh: bool, lookback: int,
                crawl_runs: Callable[[], set[int]] | None = None) -> Incremental:
        siblings = crawl_runs() if crawl_runs else set()
        previous = store.previous_run()
        while previous is not None and previous["id"] in siblings:
            previous = next((r for r in store.runs(limit=RECENT_RUNS)
                             if r["id"] < previous["id"] and r["id"] not in siblings), None)
        unfinished = previous is not None and previous.get("finish_reason") != "finished"
        if unfinished:
            stats.set_value("newsbot/incremental/after_unfinished_run", previous["id"])
        return cls(store, stats, refresh, lookback, full_pagination=unfinished,
                   crawl_runs=crawl_runs, _ours=siblings)

    def ours(self, run_ids: set[int | None]) -> set[int]:
        """This run and, in a frontier crawl, its siblings; asked again when a run unknown
        so far shows up (a worker that started later)."""
        mine = {self.store.run_id} | self._ours
        if self.crawl_runs is not None and not run_ids <= mine:
            self._ours = self.crawl_runs()
            mine |= self._ours
        return mine

    def sort(self, canonical_urls: list[str]) -> tuple[list[str], bool]:
        """(the URLs to fetch, whether earlier runs stored every one of them).

        Articles stored by this very run are skipped too, but do not make a page stale: on a
        first run the sitemap's articles are stored before pagination reaches them.
        """
        self.stats.inc_value("newsbot/incremental/listed", len(canonical_urls))
        if not canonical_urls:
            return [], False
        stored = self.store.first_runs(canonical_urls)
        ours = self.ours(set(stored.values()))
        all_old = all(u in stored and stored[u] not in ours for u in canonical_urls)
        if self.refresh:
            return canonical_urls, all_old
        if stored:
            self.stats.inc_value("newsbot/incremental/skipped_known",
                                 sum(1 for u in canonical_urls if u in stored))
        return [u for u in canonical_urls if u not in stored], all_old

    def stale_after(self, stale_before: int, all_old: bool) -> int:
        """Consecutive index pages, this one included, that listed only known articles."""
        return stale_before + 1 if all_old else 0

    def keep_paging(self, stale: int) -> bool:
        if self.refresh or self.full_pagination or stale <= self.lookback:
            return True
        self.stats.inc_value("newsbot/incremental/pagination_stopped")
        return False

    def remember(self, response: Response, canonical_url: str, fetched_at: str) -> None:
        """Keep the page's validators, for a conditional GET when it is recrawled."""
        etag = response.headers.get(b"ETag")
        modified = response.headers.get(b"Last-Modified")
        if etag or modified:
            self.store.save_validators(canonical_url, etag and etag.decode("latin-1"),
                                       modified and modified.decode("latin-1"), fetched_at)

    def due_for_recrawl(self, today: date, days: int) -> list[RecentArticle]:
        """Stored articles published in the last ``days`` days before ``today``."""
        since = (today - timedelta(days=days)).isoformat()
        due = list(self.store.recent_articles(since))
        self.stats.inc_value("newsbot/recrawl/due", len(due))
        return due


def conditional_headers(article: RecentArticle) -> dict[str, str]:
    """If-None-Match from the ETag, If-Modified-Since from Last-Modified, as the server gave them."""
    headers = {}
    if article.etag:
        headers["If-None-Match"] = article.etag
    if article.last_modified:
        headers["If-Modified-Since"] = article.last_modified
    return headers


def server_today(response: Response | None, fallback: date) -> date:
    """The portal's own date (its Date header): recrawl windows follow the portal's clock."""
    header = response.headers.get(b"Date") if response is not None else None
    if header:
        try:
            return parsedate_to_datetime(header.decode("latin-1")).date()
        except (TypeError, ValueError, IndexError):
            pass
    return fallback


def home_ranking(entries: list[dict], profile: SiteProfile) -> list[dict]:
    """The home page's POPULAR NEWS, canonical and credited as the links pipeline does it."""
    return [{**e, "url": profile.canonical_for(e["url"]),
             "source": normalize_source(e["source"], profile.source_aliases, profile.portal_name)
             if e.get("source") else None} for e in entries]
