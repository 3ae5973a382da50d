"""Site profiles: a portal's addresses, selectors and text rules as data (newsbot/sites/*.toml)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from newsbot.processors import normalize_url

# Through importlib.resources: deployed to scrapyd, newsbot runs from a zipped egg.
SITES_DIR: Path | Traversable = files("newsbot") / "sites"


class ProfileError(ValueError):
    """A profile file is missing, malformed or incomplete."""


@dataclass(frozen=True)
class SiteProfile:
    name: str
    portal_name: str
    start_urls: list[str]
    article_patterns: list[re.Pattern[str]]
    section_patterns: list[re.Pattern[str]]
    section_feed_patterns: list[re.Pattern[str]]
    canonical_article: str | None
    tracking_params: list[str]
    selectors: dict[str, list[str]]
    lead: re.Pattern[str]
    kicker: re.Pattern[str]
    source_aliases: dict[str, str] = field(default_factory=dict)
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)

    def article_id(self, path: str) -> str | None:
        """The article id when ``path`` is an article address of this portal."""
        for pattern in self.article_patterns:
            m = pattern.match(path)
            if m:
                return m.group("id")
        return None

    def canonical_for(self, url: str) -> str:
        """An article link's canonical address: the current layout for its id, tracking removed."""
        article_id = self.article_id(urlsplit(url).path)
        if article_id and self.canonical_article:
            url = urljoin(url, self.canonical_article.format(id=article_id))
        return normalize_url(url, self.tracking_params)

    def is_section(self, path: str) -> bool:
        return any(p.match(path) for p in self.section_patterns)

    def is_section_feed(self, path: str) -> bool:
        return any(p.match(path) for p in self.section_feed_patterns)


REQUIRED_SELECTORS = ("section_links", "listing_links", "next_page", "headline", "body",
                      "related", "popular")


def load_profile(name: str, sites_dir: Path | Traversable = SITES_DIR) -> SiteProfile:
    """Read and validate ``sites_dir/<name>.toml``; raise ProfileError saying what is wrong."""
    path = sites_dir / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(sorted(available_profiles(sites_dir))) or "none"
        raise ProfileError(f"no site profile {name!r} (known: {known})")
    try:
        data = tomllib.loads(path.read_text("utf-8"))
        return _build(data)
    except (tomllib.TOMLDecodeError, KeyError, re.error, TypeError) as e:
        raise ProfileError(f"site profile {path}: {type(e).__name__}: {e}") from e


def available_profiles(sites_dir: Path | Traversable = SITES_DIR) -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in sites_dir.iterdir()
                  if p.name.endswith(".toml"))


def _build(data: dict) -> SiteProfile:
    urls, selectors, text = data["urls"], data["selectors"], data["text"]
    missing = [s for s in REQUIRED_SELECTORS if not selectors.get(s)]
    if missing:
        raise KeyError(f"selectors missing: {', '.join(missing)}")
    return SiteProfile(
        name=data["name"],
        portal_name=data["portal_name"],
        start_urls=list(data["start_urls"]),
        article_patterns=[re.compile(p) for p in urls["article"]],
        section_patterns=[re.compile(p) for p in urls["section"]],
        section_feed_patterns=[re.compile(p) for p in urls.get("section_feeds", [])],
        canonical_article=urls.get("canonical_article"),
        tracking_params=list(urls.get("tracking_params", [])),
        selectors={k: list(v) for k, v in selectors.items()},
        lead=re.compile(text["lead"]),
        kicker=re.compile(text["kicker"]),
        source_aliases=dict(data.get("sources", {})),
        feeds=list(data.get("feeds", [])),
        sitemaps=list(data.get("sitemaps", [])),
    )
