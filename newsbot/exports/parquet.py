"""Parquet export: the typed schema of exports/schema.py, written a batch of rows at a time.

Rows are gathered ``batch_size`` at a time and written as one record batch, so an export of
any size holds one batch in memory (benchmarks/export.py measures it). Dates are date32,
``crawled_at`` a UTC timestamp, related and popular lists of records.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from newsbot.exports.schema import arrow_schema


class ParquetWriter:
    binary = True

    def __init__(self, out: BinaryIO, metadata: dict[str, str] | None = None,
                 batch_size: int = 2000):
        self.schema = arrow_schema(metadata)
        self.writer = pq.ParquetWriter(out, self.schema, compression="zstd")
        self.batch_size = batch_size
        self.rows: list[dict] = []

    def write(self, article: dict) -> None:
        self.rows.append(typed(article))
        if len(self.rows) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.writer.write_batch(pa.RecordBatch.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        self.flush()
        self.writer.close()


def typed(article: dict) -> dict:
    """The article with its ISO strings as dates and times (None where unreadable)."""
    return {**article, "published": iso(article.get("published"), date.fromisoformat),
            "crawled_at": iso(article.get("crawled_at"), datetime.fromisoformat)}


def iso(value: str | None, parse):
    try:
        return parse(value) if value else None
    except ValueError:
        return None
