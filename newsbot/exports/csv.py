"""CSV export: one row per article; each list of links becomes one column per link member.

``related`` becomes ``related_url``, ``related_title``, ``related_source`` and ``popular``
becomes ``popular_rank`` … ``popular_source``: the list's values joined by a newline, in list
order, so line i of each column belongs to the same link (a missing value is an empty line).
``extracted_by`` (field → rule) is one JSON object. Headlines, titles and sources never hold a
newline (whitespace is normalised when extracted); the body keeps its blank lines between
paragraphs, quoted as CSV quotes any multi-line cell.
"""

from __future__ import annotations

import csv
import json
from typing import TextIO

from newsbot.exports.schema import FIELDS


def columns() -> list[str]:
    out = []
    for field in FIELDS:
        out += [f"{field.name}_{m}" for m in field.members] if field.members else [field.name]
    return out


def flatten(article: dict) -> list:
    row = []
    for field in FIELDS:
        value = article.get(field.name)
        if field.members:
            links = value or []
            row += ["\n".join("" if link.get(m) is None else str(link[m]) for link in links)
                    for m in field.members]
        elif isinstance(value, dict):
            row.append(json.dumps(value, ensure_ascii=False, sort_keys=True))
        else:
            row.append("" if value is None else value)
    return row


class CsvWriter:
    binary = False

    def __init__(self, out: TextIO, metadata: dict[str, str] | None = None):
        self.out = out
        self.csv = csv.writer(out, lineterminator="\r\n")  # RFC 4180, as spreadsheets expect
        self.csv.writerow(columns())

    def write(self, article: dict) -> None:
        self.csv.writerow(flatten(article))

    def close(self) -> None:
        self.out.flush()
