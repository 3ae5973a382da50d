"""Report a page that could not be fetched or read: a stat, one log line, the page_failed signal.

The spider and the downloader middlewares report through here; the run record
(newsbot/extensions/runrecord.py) writes what the signal carries into the `failures` table.
"""

from __future__ import annotations

import logging

from newsbot import signals as newsbot_signals

logger = logging.getLogger("newsbot.failures")


def report_failure(crawler, url: str, reason: str, status: int | None = None) -> None:
    """Count, log and record one failed page; never raises."""
    if crawler.stats is not None:
        crawler.stats.inc_value("newsbot/pages_failed")
        crawler.stats.inc_value(f"newsbot/pages_failed/{reason.split(':')[0]}")
    logger.warning("page failed: %s (%s)", url, reason)
    crawler.signals.send_catch_log(newsbot_signals.page_failed, url=url, reason=reason,
                                   status=status)


# Download errors whose class name says little to whoever reads the run record.
_PLAIN = {
    "DownloadCancelledError": "too large: download cancelled past DOWNLOAD_MAXSIZE",
    "DownloadTimeoutError": "timeout: no complete answer within DOWNLOAD_TIMEOUT",
    "ResponseDataLossError": "connection lost: the body ended before its Content-Length",
}


def describe(error: BaseException) -> str:
    """A failure reason for the record: "kind: detail"."""
    name = type(error).__name__
    detail = str(error).strip()
    plain = _PLAIN.get(name)
    if plain:
        return f"{plain} ({name}{': ' + detail[:200] if detail else ''})"
    return f"{name}: {detail[:300]}" if detail else name
