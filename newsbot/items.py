"""The item contract: what one article page yields (spider → loader → item → pipelines)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Article:
    """One article as the portal shows it; field meanings are documented in README.md."""

    url: str | None = None
    canonical_url: str | None = None
    article_id: str | None = None
    site: str | None = None
    section: str | None = None
    headline: str | None = None
    dateline: str | None = None
    published: str | None = None
    date_evidence: str | None = None
    source: str | None = None
    body: str | None = None
    summary: str | None = None
    related: list[dict] = field(default_factory=list)
    popular: list[dict] = field(default_factory=list)
    crawled_at: str | None = None
    content_hash: str | None = None
    # Which path produced each field: {"headline": "profile:h1.headline", "body": "generic:text:newsbot"}.
    extracted_by: dict[str, str] = field(default_factory=dict)
