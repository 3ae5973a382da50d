"""Loads and checks articles.toml, the hand-written truth the replica site is rendered from."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

PORTAL_CREDIT = "News On Japan"

# Every quirk the renderer or the docs know about; a typo in articles.toml must not pass silently.
KNOWN_QUIRKS = frozenset(
    {
        "seed",
        "popular",
        "related-duplicate",
        "related-credit",
        "related-tracking",
        "related-dead-link",
        "redirect-old-url",
        "legacy-redirect-link",
        "both-layouts",
        "links-both-layouts",
        "dateline-no-leading-zero",
        "no-credit",
        "credit-news-on-japan",
        "entities",
        "non-ascii-macron",
        "non-ascii-japanese",
        "video-one-sentence",
        "ad-in-body",
        "script-in-body",
        "charset-shift-jis-header",
        "charset-windows-1252-meta",
        "year-boundary",
        "sitemap-missing",
        "home-ref-top",
        "home-utm",
    }
)


class ContentError(ValueError):
    """articles.toml contradicts itself or the replica's rules."""


@dataclass(frozen=True)
class Section:
    name: str
    slug: str
    legacy_slug: str | None = None

    @property
    def url(self) -> str:
        return f"/{self.slug}/"

    def page_url(self, page: int) -> str:
        return self.url if page == 1 else f"{self.url}index{page}.php"

    @property
    def feed_dir(self) -> str:
        # The portal kept its old feed addresses for every section, legacy layout or not.
        return f"/html/newsdesk/{self.name}_News/rss/"

    @property
    def legacy_url(self) -> str:
        if self.legacy_slug is None:
            raise ContentError(f"section {self.name} has no legacy layout")
        return f"/html/newsdesk/{self.legacy_slug}/"


@dataclass(frozen=True)
class Gone:
    """A story still listed in a related block whose page was taken down (answers 404)."""

    id: int
    section: str
    summary: str
    credit: str | None
    listing_credit: bool
    quirks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    id: int
    section: str
    published: dt.date
    dateline: str
    credit: str | None
    source: str
    headline: str
    summary: str
    listing_credit: bool
    body: tuple[str, ...]
    related: tuple[int, ...]
    layout: str = "current"
    quirks: tuple[str, ...] = ()

    @property
    def is_legacy(self) -> bool:
        return self.layout == "legacy"


Story = Article | Gone


@dataclass(frozen=True)
class Site:
    snapshot: dt.datetime
    portal_name: str
    popular: tuple[int, ...]
    sections: tuple[Section, ...]
    articles: tuple[Article, ...]  # oldest first (id order)
    gone: tuple[Gone, ...] = ()
    _index: dict[int, Story] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({s.id: s for s in (*self.articles, *self.gone)})

    def story(self, story_id: int) -> Story:
        return self._index[story_id]

    def section(self, name: str) -> Section:
        return next(s for s in self.sections if s.name == name)

    def newest(self) -> list[Article]:
        return sorted(self.articles, key=lambda a: a.id, reverse=True)

    def section_articles(self, name: str, *, legacy: bool = False) -> list[Article]:
        """Newest first: current-layout articles, or with `legacy` the old-layout ones."""
        return [a for a in self.newest() if a.section == name and a.is_legacy == legacy]

    @property
    def legacy_sections(self) -> list[Section]:
        return [s for s in self.sections if s.legacy_slug]


def load_site(path: Path) -> Site:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    head = data["site"]
    site = Site(
        snapshot=dt.datetime.fromisoformat(head["snapshot"].replace("Z", "+00:00")),
        portal_name=head["portal_name"],
        popular=tuple(head["popular"]),
        sections=tuple(Section(**s) for s in data["section"]),
        articles=tuple(sorted((_article(a) for a in data["article"]), key=lambda a: a.id)),
        gone=tuple(Gone(**g) for g in data.get("gone", [])),
    )
    check_site(site)
    return site


def _article(raw: dict) -> Article:
    return Article(
        id=raw["id"],
        section=raw["section"],
        published=dt.date.fromisoformat(raw["published"]),
        dateline=raw["dateline"],
        credit=raw.get("credit"),
        source=raw["source"],
        headline=raw["headline"],
        summary=raw["summary"],
        listing_credit=raw.get("listing_credit", False),
        body=tuple(raw["body"]),
        related=tuple(raw.get("related", [])),
        layout=raw.get("layout", "current"),
        quirks=tuple(raw.get("quirks", [])),
    )


def check_site(site: Site) -> None:
    """Raise ContentError on the first rule the content breaks."""
    ids = [s.id for s in (*site.articles, *site.gone)]
    if len(ids) != len(set(ids)):
        raise ContentError("duplicate ids")
    section_names = {s.name for s in site.sections}
    for prev, cur in zip(site.articles, site.articles[1:]):
        if cur.published < prev.published:
            raise ContentError(f"id {cur.id} is newer than {prev.id} but published earlier")
    for story_id in site.popular:
        _check_target(site, story_id, "popular")
    for art in site.articles:
        _check_article(site, art, section_names)


def _check_article(site: Site, art: Article, section_names: set[str]) -> None:
    where = f"article {art.id}"
    if art.section not in section_names:
        raise ContentError(f"{where}: unknown section {art.section}")
    if art.layout not in ("current", "legacy"):
        raise ContentError(f"{where}: layout must be current or legacy")
    if art.is_legacy and not site.section(art.section).legacy_slug:
        raise ContentError(f"{where}: legacy article in a section without a legacy layout")
    if art.source != (art.credit or PORTAL_CREDIT):
        raise ContentError(f"{where}: source must be the credit, or {PORTAL_CREDIT!r} when none")
    if art.listing_credit and not art.credit:
        raise ContentError(f"{where}: listing_credit without a credit")
    if not dateline_matches(art.dateline, art.published):
        raise ContentError(f"{where}: dateline {art.dateline!r} does not match {art.published}")
    if unknown := set(art.quirks) - KNOWN_QUIRKS:
        raise ContentError(f"{where}: unknown quirks {sorted(unknown)}")
    for story_id in art.related:
        target = _check_target(site, story_id, where)
        if target.section != art.section:
            raise ContentError(f"{where}: related {story_id} is not a {art.section} story")


def _check_target(site: Site, story_id: int, where: str) -> Story:
    try:
        return site.story(story_id)
    except KeyError:
        msg = f"{where}: links {story_id}, which is neither an article nor gone"
        raise ContentError(msg) from None


def dateline_matches(dateline: str, published: dt.date) -> bool:
    month, _, day = dateline.partition(" ")
    return month == published.strftime("%b") and day.isdigit() and int(day) == published.day
