"""Give a year to a month-day dateline, from evidence, and say which evidence decided it.

Evidence, strongest first:
1. a full date published for this very article (sitemap <lastmod>, feed <pubDate>);
2. id order: ids grow over time, so the nearest articles below and above with known full dates
   bound the date;
3. the reference moment (the server's Date header, else the crawl clock): a dateline is never
   in the future, so it takes the latest year that is not after the reference.
"""

from __future__ import annotations

from array import array
from datetime import date, timedelta

import numpy as np

# Time zones: a page dated "today" in Tokyo may be "tomorrow" for a UTC clock.
SLACK = timedelta(days=1)


class DateEvidence:
    """Full dates known for articles, by id, gathered from feeds and sitemaps.

    A sitemap lists every article of the site, so this holds one entry per article: numeric
    ids live in three numpy arrays sorted by id (14 bytes an article; a dict of date tuples
    took ~170), with what was added since the last lookup kept aside and merged in at the
    next one. Other ids (slugs) are rare and only looked up as such, so they sit in a dict.
    """

    def __init__(self) -> None:
        self._ids = np.empty(0, np.int64)
        self._days = np.empty(0, np.int32)  # date ordinals
        self._origins = np.empty(0, np.int32)  # index into _origin_names
        self._pending: tuple[array, array, array] = (array("q"), array("i"), array("i"))
        self._origin_names: list[str] = []
        self._origin_index: dict[str, int] = {}
        self._slugs: dict[str, tuple[date, str]] = {}

    def add(self, article_id: str | int, full: date, origin: str) -> None:
        """Record that article ``article_id`` is dated ``full``, as ``origin`` says (the latest
        record for an id wins).

        Numeric ids also take part in id order; other ids (slugs) are only looked up as such.
        """
        key = _number(article_id)
        if key is None:
            self._slugs[str(article_id)] = (full, origin)
            return
        index = self._origin_index.get(origin)
        if index is None:
            index = self._origin_index[origin] = len(self._origin_names)
            self._origin_names.append(origin)
        ids, days, origins = self._pending
        ids.append(key)
        days.append(full.toordinal())
        origins.append(index)

    def get(self, article_id: str | int) -> tuple[date, str] | None:
        """The full date recorded for this very article and where it came from."""
        key = _number(article_id)
        if key is None:
            return self._slugs.get(str(article_id))
        self._merge()
        i = int(np.searchsorted(self._ids, key))
        if i < len(self._ids) and self._ids[i] == key:
            return self._entry(i)[1:]
        return None

    def __len__(self) -> int:
        self._merge()
        return len(self._ids) + len(self._slugs)

    def _entry(self, i: int) -> tuple[int, date, str]:
        return (int(self._ids[i]), date.fromordinal(int(self._days[i])),
                self._origin_names[self._origins[i]])

    def _merge(self) -> None:
        ids, days, origins = self._pending
        if not ids:
            return
        all_ids = np.concatenate([self._ids, np.frombuffer(ids, np.int64)])
        all_days = np.concatenate([self._days, np.frombuffer(days, np.int32)])
        all_origins = np.concatenate([self._origins, np.frombuffer(origins, np.int32)])
        self._pending = (array("q"), array("i"), array("i"))
        order = np.argsort(all_ids, kind="stable")  # equal ids keep the order they came in
        all_ids = all_ids[order]
        last = np.ones(len(all_ids), bool)  # the latest record of each id
        last[:-1] = all_ids[1:] != all_ids[:-1]
        self._ids = all_ids[last]
        self._days = all_days[order][last]
        self._origins = all_origins[order][last]

    def neighbours(self, article_id: int) -> tuple[tuple[int, date] | None, tuple[int, date] | None]:
        """The nearest known ids strictly below and above ``article_id``."""
        self._merge()
        i = int(np.searchsorted(self._ids, article_id, "left"))
        j = int(np.searchsorted(self._ids, article_id, "right"))
        below = self._entry(i - 1)[:2] if i > 0 else None
        above = self._entry(j)[:2] if j < len(self._ids) else None
        return below, above

    def resolve(self, article_id: str | None, month: int, day: int,
                reference: date, reference_origin: str) -> tuple[date | None, str]:
        """The full date of a (month, day) dateline and the evidence that fixed its year."""
        known = self.get(article_id) if article_id else None
        if known is not None:
            full, origin = known
            if (full.month, full.day) == (month, day):
                return full, f"{origin} gives {full.isoformat()}"
        key = _number(article_id) if article_id else None
        if key is not None:
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


def _number(article_id: str | int) -> int | None:
    """A numeric id as an int that fits the id arrays; None for a slug."""
    text = str(article_id)
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number < 2**63 else None


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
