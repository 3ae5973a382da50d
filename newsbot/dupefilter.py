"""Scrapy's duplicate-request filter with its fingerprints on disk (newsbot.store.seen), not in a set."""

from __future__ import annotations

from pathlib import Path

from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import Request

from newsbot.store.seen import SeenStore


class SeenDupeFilter(RFPDupeFilter):
    """RFPDupeFilter (same fingerprints, same log and ``dupefilter/filtered`` stat) whose seen
    fingerprints live in a SeenStore: a temporary SQLite file, or ``requests.seen.sqlite`` in
    the JOBDIR when there is one, so a paused crawl resumes with them."""

    def __init__(self, path: str | None = None, debug: bool = False, *, fingerprinter=None):
        super().__init__(None, debug, fingerprinter=fingerprinter)
        self.seen = SeenStore(Path(path, "requests.seen.sqlite") if path else None)

    def request_seen(self, request: Request) -> bool:
        return not self.seen.add(self.fingerprinter.fingerprint(request))

    def close(self, reason: str) -> None:
        self.seen.close()
        super().close(reason)
