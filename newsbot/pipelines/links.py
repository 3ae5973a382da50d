"""Resolves related and popular links to canonical URLs and folds repeats within a page."""

from __future__ import annotations

from itemadapter import ItemAdapter

from newsbot.processors import normalize_source


class LinksPipeline:
    def __init__(self, crawler, stats=None):
        self.crawler = crawler
        self.stats = stats
        self.profile = None

    @classmethod
    def from_crawler(cls, crawler) -> LinksPipeline:
        return cls(crawler, crawler.stats)

    def open_spider(self, spider=None) -> None:
        self.profile = self.crawler.spider.profile

    def process_item(self, item):
        adapter = ItemAdapter(item)
        related = self.fold(adapter.get("related") or [])
        folded = len(adapter.get("related") or []) - len(related)
        adapter["related"] = related
        adapter["popular"] = [{**e, "url": self.canonical(e["url"]),
                               "source": self.source(e.get("source"))}
                              for e in adapter.get("popular") or []]
        if self.stats:
            self.stats.inc_value("newsbot/links/related", len(related))
            self.stats.inc_value("newsbot/links/related_repeated", folded)
        return item

    def fold(self, links: list[dict]) -> list[dict]:
        """Canonical URLs, first appearance kept: the same story listed twice counts once."""
        seen: set[str] = set()
        out = []
        for link in links:
            url = self.canonical(link["url"])
            if url in seen:
                continue
            seen.add(url)
            out.append({"url": url, "title": link.get("title"), "source": self.source(link.get("source"))})
        return out

    def canonical(self, url: str) -> str:
        """profile.canonical_for, which remembers the links that recur page after page."""
        return self.profile.canonical_for(url)

    def source(self, credit: str | None) -> str | None:
        if not credit:
            return None
        return normalize_source(credit, self.profile.source_aliases, self.profile.portal_name)
