"""The export schema, in one place: every format (jsonl, csv, parquet) writes these fields.

Bump SCHEMA_VERSION when a field is renamed, removed or changes type; adding a field at the
end is a minor change ("1.1"). docs/corpora.md documents each field.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

SCHEMA_VERSION = "1.0"
METADATA_KEY = "newsbot.schema_version"

LINK = pa.struct([("url", pa.string()), ("title", pa.string()), ("source", pa.string())])
RANKED = pa.struct([("rank", pa.int32()), ("url", pa.string()), ("title", pa.string()),
                    ("source", pa.string())])


@dataclass(frozen=True)
class Field:
    name: str
    type: pa.DataType
    doc: str

    @property
    def members(self) -> list[str]:
        """The member names of a list-of-records field (CSV gives each its own column)."""
        if pa.types.is_list(self.type):
            return [f.name for f in self.type.value_type]
        return []


FIELDS = [
    Field("url", pa.string(), "the address the page was fetched from"),
    Field("canonical_url", pa.string(), "one address per article"),
    Field("article_id", pa.string(), "the portal's numeric id"),
    Field("site", pa.string(), "the site profile that read it"),
    Field("section", pa.string(), "from the kicker line"),
    Field("headline", pa.string(), "as shown"),
    Field("dateline", pa.string(), "as printed, without a year"),
    Field("published", pa.date32(), "publication date, year inferred"),
    Field("date_evidence", pa.string(), "what fixed the year"),
    Field("source", pa.string(), "the credited outlet"),
    Field("body", pa.string(), "paragraphs separated by a blank line"),
    Field("summary", pa.string(), "the page's description"),
    Field("related", pa.list_(LINK), "MORE <Section> NEWS links"),
    Field("popular", pa.list_(RANKED), "POPULAR NEWS as seen on the page"),
    Field("crawled_at", pa.timestamp("ms", tz="UTC"), "UTC time of extraction"),
    Field("content_hash", pa.string(), "fingerprint of headline and body"),
    Field("extracted_by", pa.map_(pa.string(), pa.string()),
          "which rule or generic path produced each field"),
    Field("duplicate_of", pa.string(), "canonical_url of its near-duplicate group's first article"),
    Field("duplicate_similarity", pa.float64(), "estimated Jaccard similarity to that article"),
]
NAMES = [f.name for f in FIELDS]


def arrow_schema(extra: dict[str, str] | None = None) -> pa.Schema:
    """The Parquet schema, its metadata carrying the schema version (and ``extra`` notes)."""
    metadata = {METADATA_KEY: SCHEMA_VERSION, **(extra or {})}
    return pa.schema([pa.field(f.name, f.type) for f in FIELDS], metadata=metadata)
