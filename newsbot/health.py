"""Judge a finished run from its record: the exit status a scheduler can trust."""

from __future__ import annotations

DEFAULT_MAX_ERROR_RATIO = 0.2


def problems(run: dict, max_error_ratio: float = DEFAULT_MAX_ERROR_RATIO) -> list[str]:
    """What went wrong in ``run`` (a store run record with stats); empty when healthy."""
    stats = run.get("stats") or {}
    found = []
    reason = run.get("finish_reason")
    if reason != "finished":
        found.append(f"the crawl ended early ({reason or 'no finish reason recorded'})")
    fetched = stats.get("downloader/response_count", 0)
    failed = stats.get("newsbot/pages_failed", 0)
    stored = stats.get("newsbot/store/new", 0) + stats.get("newsbot/store/updated", 0)
    seen = stored + stats.get("item_dropped_reasons_count/DuplicateArticle", 0) \
        + stats.get("item_dropped_reasons_count/DuplicateContent", 0)
    if seen == 0:
        found.append("no articles found" + (f" ({failed} pages failed)" if failed else
                                             " (nothing could be fetched)" if not fetched else ""))
    if fetched and failed / fetched > max_error_ratio:
        found.append(f"{failed} of {fetched} pages failed (more than {max_error_ratio:.0%})")
    errors = stats.get("log_count/ERROR", 0)
    if errors:
        found.append(f"{errors} errors logged")
    return found
