"""What a coverage report shows, gathered from the store for one period (no rendering here)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from newsbot.store import ArticleQuery

DEFAULT_DAYS = 30
ALL_DAYS_UP_TO = 92  # longer periods list only the days that have stories
TOP = 3              # "hours in the top 3"


@dataclass
class Story:
    """One story's life in the popular ranking, as sampled by the stored snapshots."""

    url: str
    title: str
    first: str
    last: str
    best: int
    hours_top: float = 0.0
    points: list[tuple[str, int]] = field(default_factory=list)  # (taken_at, rank)


@dataclass
class Hit:
    published: str | None
    section: str | None
    source: str | None
    headline: str
    url: str
    where: str  # "headline", "body" or "headline and body"


@dataclass
class Report:
    since: str
    until: str
    days: list[str]
    by_section: dict[str, dict[str, int]]   # day -> section -> articles
    by_source: dict[str, dict[str, int]]    # day -> source -> articles
    new_sources: list[dict]
    snapshots: list[str]
    ranking: list[Story]
    most_linked: list[dict]
    watch: dict[str, list[Hit]]

    @property
    def sections(self) -> list[str]:
        return sorted({k for day in self.by_section.values() for k in day})

    @property
    def sources(self) -> list[str]:
        return sorted({k for day in self.by_source.values() for k in day})


def period(store, since: str | None, until: str | None) -> tuple[str, str]:
    """The period asked for; by default the 30 days up to the newest article's date."""
    if until is None:
        days = [d for d, _, _ in store.count_articles("section", ArticleQuery(since=since)) if d]
        until = max(days) if days else date.today().isoformat()
    if since is None:
        since = (date.fromisoformat(until) - timedelta(days=DEFAULT_DAYS - 1)).isoformat()
    return since, until


def build_report(store, since: str | None = None, until: str | None = None,
                 watch: list[str] = ()) -> Report:
    since, until = period(store, since, until)
    query = ArticleQuery(since=since, until=until)
    by_section, by_source = per_day(store, "section", query), per_day(store, "source", query)
    snapshots, ranking = timeline(store.popular_history(since, next_day(until)))
    return Report(
        since=since, until=until, days=days_of(since, until, by_section),
        by_section=by_section, by_source=by_source,
        new_sources=[s for s in store.first_seen_sources() if since <= s["published"] <= until],
        snapshots=snapshots, ranking=ranking, most_linked=store.most_linked(query),
        watch={term: hits(store, term, query) for term in watch})


def next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def per_day(store, by: str, query: ArticleQuery) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for day, key, n in store.count_articles(by, query):
        out[day][key or "(none)"] = n
    return dict(out)


def days_of(since: str, until: str, with_stories: dict[str, dict]) -> list[str]:
    """Every day of a short period (so gaps show); the days with stories of a long one."""
    first, last = date.fromisoformat(since), date.fromisoformat(until)
    if (last - first).days + 1 > ALL_DAYS_UP_TO:
        return sorted(with_stories)
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def timeline(entries: list[dict]) -> tuple[list[str], list[Story]]:
    """Each story's first and last appearance, best rank and hours in the top 3.

    A snapshot's ranking is taken to hold until the next snapshot: the time between them
    counts for the stories it had in the top 3. The last snapshot adds no time (nothing says
    how long its ranking lasted).
    """
    snapshots = sorted({(e["taken_at"], e["snapshot"]) for e in entries})
    until_next = {snap: hours(t, snapshots[i + 1][0]) if i + 1 < len(snapshots) else 0.0
                  for i, (t, snap) in enumerate(snapshots)}
    stories: dict[str, Story] = {}
    for e in entries:
        story = stories.setdefault(e["url"], Story(
            e["url"], e["headline"] or e["title"] or e["url"], e["taken_at"], e["taken_at"],
            e["rank"]))
        story.last, story.best = e["taken_at"], min(story.best, e["rank"])
        story.points.append((e["taken_at"], e["rank"]))
        if e["rank"] <= TOP:
            story.hours_top += until_next[e["snapshot"]]
    ranked = sorted(stories.values(), key=lambda s: (s.best, -s.hours_top, s.first, s.url))
    return [t for t, _ in snapshots], ranked


def hours(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 3600


def hits(store, term: str, query: ArticleQuery) -> list[Hit]:
    """Where a watched term appeared: each article, and in its headline, body or both."""
    found = []
    needle = term.lower()
    for a in store.select_articles(ArticleQuery(since=query.since, until=query.until,
                                                contains=term)):
        places = [name for name in ("headline", "body") if needle in (a[name] or "").lower()]
        found.append(Hit(a["published"], a["section"], a["source"], a["headline"],
                         a["canonical_url"], " and ".join(places)))
    return sorted(found, key=lambda h: (h.published or "", h.url))
