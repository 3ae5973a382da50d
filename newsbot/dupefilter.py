"""Scrapy's duplicate-request filter with its fingerprints on disk (newsbot.store.seen)."""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import Request

from newsbot.store.seen import SeenStore

logger = logging.getLogger(__name__)


class SeenDupeFilter(RFPDupeFilter):
    """RFPDupeFilter (same fingerprints, same log and ``dupefilter/filtered`` stat) whose seen
    fingerprints live in a SeenStore: a temporary SQLite file, or one in the JOBDIR's
    ``requests.seen`` (a directory here, where Scrapy keeps a file) so that a paused crawl
    resumes with them and newsbot.resume clears them with Scrapy's own state."""

    def __init__(self, path: str | None = None, debug: bool = False, *, fingerprinter=None):
        super().__init__(None, debug, fingerprinter=fingerprinter)
        self.seen = SeenStore(seen_path(Path(path)) if path else None)

    def request_seen(self, request: Request) -> bool:
        return not self.seen.add(self.fingerprinter.fingerprint(request))

    def close(self, reason: str) -> None:
        self.seen.close()
        super().close(reason)


def seen_path(jobdir: Path) -> Path:
    folder = jobdir / "requests.seen"
    if folder.is_file():  # Scrapy's own dupefilter wrote it: a list newsbot cannot read
        logger.warning("replacing Scrapy's %s with newsbot's seen-store", folder)
        folder.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "seen.sqlite"
