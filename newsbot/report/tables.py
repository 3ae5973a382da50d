"""The report's tables as rows of cells, shared by the text and the HTML renderings."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsbot.report.data import TOP, Report


@dataclass
class Table:
    id: str
    title: str
    headers: list[str]
    rows: list[list]
    right: set[int] = field(default_factory=set)   # right-aligned (numeric) columns
    empty: str = "(none in this period)"
    links: dict[int, int] = field(default_factory=dict)  # text column -> its URL column
    zero: str | None = None  # how a zero count is shown (counts tables: "." so stories stand out)


def tables(report: Report) -> list[Table]:
    out = [per_day(report, "source"), per_day(report, "section"), new_sources(report),
           ranking(report), most_linked(report)]
    out += [watched(term, hits) for term, hits in report.watch.items()]
    return out


def per_day(report: Report, by: str) -> Table:
    counts = report.by_section if by == "section" else report.by_source
    keys = report.sections if by == "section" else report.sources
    rows = [[day, sum(counts.get(day, {}).values())] +
            [counts.get(day, {}).get(k, 0) for k in keys] for day in report.days]
    rows.append(["total", sum(sum(d.values()) for d in counts.values())] +
                [sum(d.get(k, 0) for d in counts.values()) for k in keys])
    return Table(f"per-{by}", f"Articles per day by {by}", ["day", "total", *keys], rows,
                 right=set(range(1, len(keys) + 2)), zero=".")


def new_sources(report: Report) -> Table:
    rows = [[s["source"], s["published"], s["n"], s["headline"], s["canonical_url"]]
            for s in report.new_sources]
    return Table("new-sources", "New sources first seen",
                 ["source", "first seen", "articles (all time)", "first story", "url"], rows,
                 right={2}, links={3: 4})


def ranking(report: Report) -> Table:
    title = "Popular ranking timeline"
    if report.snapshots:
        title += (f" ({len(report.snapshots)} snapshots, {report.snapshots[0]} to "
                  f"{report.snapshots[-1]})")
    rows = [[s.best, round(s.hours_top, 1), s.first, s.last, s.title, s.url]
            for s in report.ranking]
    return Table("ranking", title, ["best rank", f"hours in top {TOP}", "first appearance",
                                    "last appearance", "story", "url"], rows, right={0, 1},
                 empty="(no ranking snapshot in this period)", links={4: 5})


def most_linked(report: Report) -> Table:
    rows = [[r["links"], r["source"] or "", r["headline"] or r["title"], r["url"]]
            for r in report.most_linked]
    return Table("most-linked", "Most-linked related stories",
                 ["linked from", "source", "story", "url"], rows, right={0},
                 empty="(no related links in this period)", links={2: 3})


def watched(term: str, hits) -> Table:
    rows = [[h.published, h.section, h.source, h.where, h.headline, h.url] for h in hits]
    plural = "" if len(rows) == 1 else "s"
    return Table(f"watch-{term}", f'Watch: "{term}" in {len(rows)} article{plural}',
                 ["published", "section", "source", "found in", "headline", "url"], rows,
                 empty="(not found in this period)", links={4: 5})
