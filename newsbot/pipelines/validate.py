"""Drops articles that lack a required field or carry a malformed one."""

from __future__ import annotations

from datetime import date

from itemadapter import ItemAdapter

from newsbot.exceptions import MissingField


class ValidatePipeline:
    def __init__(self, required: list[str], stats=None):
        self.required = required
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler) -> ValidatePipeline:
        return cls(crawler.settings.getlist("NEWSBOT_REQUIRED_FIELDS"), crawler.stats)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        missing = [f for f in self.required if not adapter.get(f)]
        if missing:
            for name in missing:
                if self.stats:
                    self.stats.inc_value(f"newsbot/missing/{name}")
            raise MissingField(f"missing {', '.join(missing)} on {adapter.get('url')}")
        published = adapter.get("published")
        if published:
            try:
                date.fromisoformat(published)
            except ValueError:
                raise MissingField(f"published is not an ISO date: {published!r}") from None
        return item
