"""Judge a finished run from its stats (runs → exit status): the verdict a scheduler can trust.

``summarize`` turns Scrapy's stats into the run record's summary (pages by kind, items new,
updated and duplicate, errors by kind, field coverage); ``problems`` applies the thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_MAX_ERROR_RATIO = 0.2
# Above this share of articles whose field only the generic fallback could read (on pages the
# profile knows), the profile's rules no longer fit the portal, even if no field went empty.
DEFAULT_MAX_FALLBACK_RATIO = 0.2
# Fields every article has on a healthy portal; a drop means the markup changed under us.
DEFAULT_MIN_COVERAGE = {"headline": 0.95, "body": 0.95, "published": 0.9, "source": 0.9}
# Fields whose coverage the spider counts (newsbot/coverage/<field>) for the run record.
COVERAGE_FIELDS = ("headline", "dateline", "published", "source", "section", "body", "summary",
                   "related", "popular")
DUPLICATE_REASONS = ("DuplicateArticle", "DuplicateContent")

EXIT_HEALTHY = 0
EXIT_UNHEALTHY = 1
# Another run holds the store: "try again later" (sysexits EX_TEMPFAIL), not a failure.
EXIT_LOCKED = 75


@dataclass(frozen=True)
class Thresholds:
    max_error_ratio: float = DEFAULT_MAX_ERROR_RATIO
    min_coverage: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MIN_COVERAGE))
    max_fallback_ratio: float = DEFAULT_MAX_FALLBACK_RATIO

    @classmethod
    def from_settings(cls, settings) -> Thresholds:
        return cls(settings.getfloat("NEWSBOT_MAX_ERROR_RATIO", DEFAULT_MAX_ERROR_RATIO),
                   {k: float(v) for k, v in
                    settings.getdict("NEWSBOT_MIN_COVERAGE", DEFAULT_MIN_COVERAGE).items()},
                   settings.getfloat("NEWSBOT_MAX_FALLBACK_RATIO", DEFAULT_MAX_FALLBACK_RATIO))


def _prefixed(stats: dict, prefix: str) -> dict[str, int]:
    return {k.removeprefix(prefix): v for k, v in sorted(stats.items()) if k.startswith(prefix)}


def summarize(stats: dict) -> dict:
    """The run record's figures, read from Scrapy's stats of the run."""
    dropped = _prefixed(stats, "item_dropped_reasons_count/")
    errors_by_kind = _prefixed(stats, "newsbot/pages_failed/")
    errors_by_kind.update({name: n for name, n in dropped.items() if name not in DUPLICATE_REASONS})
    if stats.get("log_count/ERROR"):
        errors_by_kind["logged ERROR"] = stats["log_count/ERROR"]
    by_kind = _prefixed(stats, "newsbot/pages/")
    if stats.get("robotstxt/response_count"):
        by_kind["robots"] = stats["robotstxt/response_count"]
    extracted = stats.get("newsbot/coverage/items", 0)
    return {
        "pages_fetched": stats.get("downloader/response_count", 0),
        "pages_by_kind": by_kind,
        "pages_failed": stats.get("newsbot/pages_failed", 0),
        "not_modified": stats.get("newsbot/recrawl/not_modified", 0),
        "articles_listed": stats.get("newsbot/incremental/listed", 0),
        "articles_skipped_known": stats.get("newsbot/incremental/skipped_known", 0),
        "items_extracted": extracted,
        "items_new": stats.get("newsbot/store/new", 0),
        "items_updated": stats.get("newsbot/store/updated", 0),
        "items_duplicate": sum(dropped.get(name, 0) for name in DUPLICATE_REASONS),
        "errors": sum(errors_by_kind.values()),
        "errors_by_kind": errors_by_kind,
        "coverage": {name: round(stats.get(f"newsbot/coverage/{name}", 0) / extracted, 4)
                     for name in COVERAGE_FIELDS} if extracted else {},
        "fallback": {name: round(stats.get(f"newsbot/fallback/{name}", 0) / extracted, 4)
                     for name in COVERAGE_FIELDS
                     if stats.get(f"newsbot/fallback/{name}")} if extracted else {},
        # "Monitor: message" of each spidermon monitor that failed (newsbot/monitors.py)
        "monitors_failed": list(stats.get("newsbot/monitors/failed") or []),
    }


def problems(finish_reason: str | None, summary: dict,
             thresholds: Thresholds | None = None) -> list[str]:
    """What went wrong in a run; empty when healthy."""
    limits = thresholds or Thresholds()
    found = []
    if finish_reason != "finished":
        found.append(f"the crawl ended early ({finish_reason or 'no finish reason recorded'})")
    fetched, failed = summary["pages_fetched"], summary["pages_failed"]
    if summary["articles_listed"] == 0 and summary["items_extracted"] == 0:
        found.append("no articles found" + (f" ({failed} pages failed)" if failed else
                                                  " (nothing could be fetched)" if not fetched
                                                  else " on the pages fetched"))
    if fetched and failed / fetched > limits.max_error_ratio:
        found.append(f"{failed} of {fetched} pages failed (more than {limits.max_error_ratio:.0%})")
    for name, minimum in limits.min_coverage.items():
        share = summary["coverage"].get(name)
        if share is not None and share < minimum:
            found.append(f"{name} found on {share:.0%} of {summary['items_extracted']} articles "
                         f"(below {minimum:.0%}: has the portal's markup changed?)")
    for name, share in summary.get("fallback", {}).items():
        if name in limits.min_coverage and share > limits.max_fallback_ratio:
            found.append(f"{name} read by the generic fallback on {share:.0%} of "
                         f"{summary['items_extracted']} articles (above "
                         f"{limits.max_fallback_ratio:.0%}: has the portal's markup changed?)")
    logged = summary["errors_by_kind"].get("logged ERROR", 0)
    if logged:
        found.append(f"{logged} errors logged")
    found += [f"monitor {failed}" for failed in summary.get("monitors_failed", [])]
    return found


def verdict(finish_reason: str | None, stats: dict,
            thresholds: Thresholds | None = None) -> tuple[dict, int, str]:
    """(summary, exit status, one-line health) of a finished run."""
    summary = summarize(stats)
    found = problems(finish_reason, summary, thresholds)
    if found:
        return summary, EXIT_UNHEALTHY, "UNHEALTHY: " + "; ".join(found)
    return summary, EXIT_HEALTHY, "healthy"
