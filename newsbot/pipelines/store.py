"""Writes each article, its related links and (once per distinct ranking) the popular snapshot."""

from __future__ import annotations

from itemadapter import ItemAdapter

from newsbot import signals as newsbot_signals
from newsbot.exceptions import DuplicateContent
from newsbot.extensions.runrecord import RunRecorder
from newsbot.store.sqlite import ranking_hash


class StorePipeline:
    def __init__(self, recorder: RunRecorder, stats=None):
        self.recorder = recorder
        self.stats = stats
        self.snapshots: dict[str, int] = {}  # ranking hash -> snapshot id, this run only
        self.home_rankings: list[tuple[list[dict], str]] = []  # saved at the end, if not seen

    @classmethod
    def from_crawler(cls, crawler) -> StorePipeline:
        pipeline = cls(RunRecorder.of(crawler), crawler.stats)
        crawler.signals.connect(pipeline.popular_seen, newsbot_signals.popular_seen)
        return pipeline

    def process_item(self, item):
        adapter = ItemAdapter(item)
        with self.recorder.storing() as store:
            # A shallow dict: asdict() deep-copies the related and popular lists the store only
            # reads.
            outcome = store.upsert_article(dict(adapter.items()), self.snapshot(adapter))
        if outcome == "duplicate":  # a shared store: another worker kept it first
            raise DuplicateContent(f"{adapter['url']} was stored by another writer first")
        if self.stats:
            self.stats.inc_value(f"newsbot/store/{outcome}")
        return item

    def snapshot(self, adapter: ItemAdapter) -> int | None:
        ranking = adapter.get("popular") or []
        if not ranking:
            return None
        return self.save_ranking(ranking, adapter["crawled_at"])

    def popular_seen(self, ranking: list[dict], taken_at: str) -> None:
        """The home page's ranking: stored each run, so it is seen when no article is fetched.

        Kept until the run ends: the same ranking on an article page carries the credits the
        home page leaves out, and which is saved first must not depend on the order pages
        arrive in (it differs between one process and several frontier workers)."""
        self.home_rankings.append((ranking, taken_at))

    def save_ranking(self, ranking: list[dict], taken_at: str) -> int:
        key = ranking_hash(ranking)
        if key not in self.snapshots:
            self.snapshots[key] = self.recorder.store.save_popular(taken_at, ranking)
            if self.stats:
                self.stats.inc_value("newsbot/store/popular_snapshots")
        return self.snapshots[key]

    def close_spider(self, spider=None) -> None:
        if self.recorder.store_down:
            return  # nothing more can be written; a re-run stores what this one could not
        for ranking, taken_at in self.home_rankings:
            self.save_ranking(ranking, taken_at)
        self.recorder.store.commit()
