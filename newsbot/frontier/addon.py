"""The add-on that makes NEWSBOT_FRONTIER switch a crawl to the shared frontier.

In newsbot's ADDONS, so `scrapy crawl portal -s NEWSBOT_FRONTIER=redis://…` works as
`newsbot worker` does. Without the setting it does nothing and loads nothing.
"""

from __future__ import annotations

from newsbot.frontier.address import parse_frontier
from newsbot.frontier.settings import frontier_settings


class FrontierAddon:
    def update_settings(self, settings) -> None:
        url = settings.get("NEWSBOT_FRONTIER")
        if not url:
            return
        address = parse_frontier(url, settings.get("NEWSBOT_FRONTIER_NAME") or "newsbot")
        # Above the project's defaults (SCHEDULER, DUPEFILTER_CLASS, the run lock), below the
        # user's -s: a worker may still be given, say, its own NEWSBOT_STORE_BATCH.
        settings.setdict(frontier_settings(address), priority="spider")
