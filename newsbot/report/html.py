"""The coverage report as one self-contained HTML page: inline CSS, data and SVG-drawing JS.

Nothing is fetched when the page opens (no fonts, scripts or images from anywhere), so it
works offline and can be mailed as one file. The charts are drawn by charts.js from the JSON
embedded in the page; the tables are plain HTML, readable without JavaScript.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from newsbot.report.data import Report
from newsbot.report.tables import Table, tables

HERE = Path(__file__).resolve().parent
TOP_STORIES = 8  # lines on the rank-over-time chart


def render(report: Report) -> str:
    total = sum(sum(d.values()) for d in report.by_section.values())
    all_tables = {t.id: t for t in tables(report)}
    sections = [
        chart_section("stories-per-source", "Stories per day per source", "sources",
                      all_tables.pop("per-source")),
        chart_section("rank-over-time", "Rank over time for the top stories", "ranking",
                      all_tables.pop("ranking"), folded=False),
    ] + [f'<section id="{escape(t.id)}"><h2>{escape(t.title)}</h2>{html_table(t)}</section>'
         for t in all_tables.values()]
    nav = " ".join(f'<a href="#{escape(i)}">{escape(n)}</a>' for i, n in [
        ("stories-per-source", "Sources"), ("rank-over-time", "Ranking"),
        ("per-section", "Sections"), ("new-sources", "New sources"),
        ("most-linked", "Most linked")] + [(t.id, t.title) for t in all_tables.values()
                                           if t.id.startswith("watch-")])
    made = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>newsbot coverage report {report.since} to {report.until}</title>"
        f"<style>{(HERE / 'page.css').read_text('utf-8')}</style></head><body>"
        f"<header><h1>Coverage report</h1><p class=\"meta\">{report.since} to {report.until}"
        f" · {total} articles · {len(report.snapshots)} ranking snapshots · made {made}</p>"
        f"<nav>{nav}</nav></header>\n" + "\n".join(sections) +
        f'\n<script type="application/json" id="report-data">{chart_data(report)}</script>'
        f"\n<script>{(HERE / 'charts.js').read_text('utf-8')}</script>\n</body></html>\n")


def chart_section(anchor: str, title: str, chart: str, table: Table, folded: bool = True) -> str:
    body = html_table(table)
    if folded:
        body = f"<details><summary>the numbers</summary>{body}</details>"
    return (f'<section id="{anchor}"><h2>{escape(title)}</h2>'
            f'<div class="chart" data-chart="{chart}" aria-label="{escape(title)}"></div>'
            f"{body}</section>")


def chart_data(report: Report) -> str:
    top = report.ranking[:TOP_STORIES]
    data = {
        "days": report.days, "sources": report.sources, "perSource": report.by_source,
        "snapshots": report.snapshots,
        "stories": [{"title": s.title, "url": s.url, "points": s.points} for s in top],
        "maxRank": max((r for s in top for _, r in s.points), default=1),
    }
    # "</" would end the script element early; JSON allows "<\/" for it.
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def html_table(table: Table) -> str:
    if not table.rows:
        return f'<p class="empty">{escape(table.empty)}</p>'
    hidden = set(table.links.values())  # URL columns become the links of their text column
    heads = "".join(f'<th class="{"num" if i in table.right else ""}">{escape(h)}</th>'
                    for i, h in enumerate(table.headers) if i not in hidden)
    rows = []
    for row in table.rows:
        cells = "".join(td(table, i, v, row) for i, v in enumerate(row) if i not in hidden)
        total = ' class="total"' if row[0] == "total" else ""
        rows.append(f"<tr{total}>{cells}</tr>")
    return f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def td(table: Table, i: int, value, row: list) -> str:
    classes = ["num"] if i in table.right else []
    text = "" if value is None else str(value)
    if table.zero is not None and value == 0:
        classes.append("zero")
        text = table.zero
    content = escape(text)
    if i in table.links and row[table.links[i]]:
        content = f'<a href="{escape(row[table.links[i]])}">{content}</a>'
    return f'<td class="{" ".join(classes)}">{content}</td>'
