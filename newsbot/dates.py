"""Give a year to a month-day dateline, from evidence, and say which evidence decided it.

Evidence, strongest first:
1. a full date published for this very article (sitemap <lastmod>, feed <pubDate>);
2. id order: ids grow over time, so the nearest articles below and above with known full dates
   bound the date;
3. the reference moment (the server's Date header, else the crawl clock): a dateline is never
   in the future, so it takes the latest year that is not after the reference.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta

# Time zones: a page dated "today" in Tokyo may be "tomorrow" for a UTC clock.
SLACK = timedelta(days=1)


@dataclass
class DateEvidence:
    """Full dates known for articles, by id, gathered from feeds and sitemaps."""

    known: dict[int | str, tuple[date, str]] = field(default_factory=dict)
    _ids: list[int] = field(default_factory=list)

    def add(self, article_id: str | int, full: date, origin: str) -> None:
        """Record that article ``article_id`` is dated ``full``, as ``origin`` says.

        Numeric ids also take part in id order; other ids (slugs) are only looked up as such.
        """
        key = _key(article_id)
        if isinstance(key, int) and key not in self.known:
            bisect.insort(self._ids, key)
        self.known[key] = (full, origin)

    def neighbours(self, article_id: int) -> tuple[tuple[int, date] | None, tuple[int, date] | None]:
        """The nearest known ids strictly below and above ``article_id``."""
        i = bisect.bisect_left(self._ids, article_id)
        lo = self._ids[i - 1] if i > 0 else None
        j = bisect.bisect_right(self._ids, article_id)
        hi = self._ids[j] if j < len(self._ids) else None
        return ((lo, self.known[lo][0]) if lo is not None else None,
                (hi, self.known[hi][0]) if hi is not None else None)

    def resolve(self, article_id: str | None, month: int, day: int,
                reference: date, reference_origin: str) -> tuple[date | None, str]:
        """The full date of a (month, day) dateline and the evidence that fixed its year."""
        key = _key(article_id) if article_id else None
        if key is not None and key in self.known:
            full, origin = self.known[key]
            if (full.month, full.day) == (month, day):
                return full, f"{origin} gives {full.isoformat()}"
        if isinstance(key, int):
            below, above = self.neighbours(key)
            if below or above:
                hi = min(above[1], reference) if above else reference
                found = latest_on_or_before(month, day, hi + SLACK)
                if found and (below is None or found >= below[1] - SLACK):
                    bound = None if above else (reference_origin, reference)
                    return found, _id_order_note(below, above, bound)
        found = latest_on_or_before(month, day, reference + SLACK)
        if found is None:
            return None, f"no year fits {month:02d}-{day:02d}"
        return found, f"{reference_origin} {reference.isoformat()}: latest such date not after it"


def _key(article_id: str | int) -> int | str:
    text = str(article_id)
    return int(text) if text.isdigit() else text


def latest_on_or_before(month: int, day: int, limit: date, years: int = 30) -> date | None:
    """The latest date with this month and day that is not after ``limit`` (Feb 29 aware)."""
    for year in range(limit.year, limit.year - years, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= limit:
            return candidate
    return None


def _id_order_note(below: tuple[int, date] | None, above: tuple[int, date] | None,
                   bound: tuple[str, date] | None) -> str:
    parts = []
    if below:
        parts.append(f"after #{below[0]} ({below[1].isoformat()})")
    if above:
        parts.append(f"before #{above[0]} ({above[1].isoformat()})")
    if bound:
        parts.append(f"not after {bound[0]} {bound[1].isoformat()}")
    return "id order: " + " and ".join(parts)
