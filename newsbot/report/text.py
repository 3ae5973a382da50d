"""The coverage report as plain-text tables (what `newsbot report` prints)."""

from __future__ import annotations

from newsbot.report.data import Report
from newsbot.report.tables import Table, tables

WIDE = 60  # headlines and titles are cut to this many characters


def render(report: Report) -> str:
    total = sum(sum(d.values()) for d in report.by_section.values())
    parts = [f"newsbot coverage report: {report.since} to {report.until} ({total} articles)"]
    parts += [text_table(t) for t in tables(report)]
    return "\n\n".join(parts) + "\n"


def text_table(table: Table) -> str:
    if not table.rows:
        return f"{table.title}\n{table.empty}"
    cells = [table.headers] + [[cell(v, i in table.links, table.zero)
                                for i, v in enumerate(row)] for row in table.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.headers))]
    lines = ["  ".join(c.rjust(w) if i in table.right else c.ljust(w)
                       for i, (c, w) in enumerate(zip(row, widths))).rstrip() for row in cells]
    return table.title + "\n" + "\n".join(lines)


def cell(value, long_text: bool, zero: str | None) -> str:
    if value is None:
        return ""
    if zero is not None and value == 0:
        return zero
    text = str(value)
    return text[:WIDE - 1] + "…" if long_text and len(text) > WIDE else text
