"""Extraction: one article page → one Article, through ArticleLoader and the site profile."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import ClassVar
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from itemloaders import ItemLoader
from itemloaders.processors import Identity, MapCompose, TakeFirst
from lxml import etree
from scrapy.http import TextResponse
from w3lib.html import remove_tags, replace_entities

from newsbot.dates import DateEvidence
from newsbot.items import Article
from newsbot.links import (PageMatches, as_text, first_matches, matches, read_block,
                           read_ranking, rule_values, texts)
from newsbot.processors import (clean_content_hash, clean_text, normalize_source,
                                normalize_url, parse_dateline, split_lead)
from newsbot.profiles import SiteProfile
from newsbot.text import paragraphs


def markup_text(value: str) -> str:
    """Text of an HTML fragment (a whole element matched by a rule), entities decoded."""
    if value.lstrip().startswith("<"):
        return replace_entities(remove_tags(value))
    return value


class ArticleLoader(ItemLoader):
    default_item_class = Article
    default_output_processor = TakeFirst()
    default_input_processor = Identity()
    headline_in = MapCompose(markup_text, clean_text)
    summary_in = MapCompose(markup_text, clean_text)
    related_in = Identity()
    related_out = Identity()
    popular_in = Identity()
    popular_out = Identity()

    # ItemLoader looks a field's processor up for every value it takes (an attribute, then the
    # item class's field metadata through a new ItemAdapter): the answer is the same on every
    # page, so it is looked up once per loader class, item class and field.
    _processors: ClassVar[dict[tuple, Callable]] = {}

    def get_input_processor(self, field_name: str) -> Callable:
        return self._processor(field_name, "in", super().get_input_processor)

    def get_output_processor(self, field_name: str) -> Callable:
        return self._processor(field_name, "out", super().get_output_processor)

    def _processor(self, field_name: str, kind: str, lookup: Callable[[str], Callable]) -> Callable:
        key = (type(self), type(self.item), field_name, kind)
        proc = self._processors.get(key)
        if proc is None:
            proc = self._processors[key] = lookup(field_name)
        return proc


def extract_article(response: TextResponse, profile: SiteProfile,
                    evidence: DateEvidence | None = None, stats=None,
                    now: datetime | None = None, page: PageMatches | None = None) -> Article:
    """Every field of the Article on ``response``; fields the page lacks stay None or empty.

    ``page`` shares rule matches with a caller that reads the same page (the spider).
    """
    now = now or datetime.now(timezone.utc)
    sel = response.selector  # the page's one parse; everything below reads its lxml tree
    root = sel.root
    page = page or PageMatches(root)
    loader = ArticleLoader(selector=sel, stats=stats)
    rules = profile.selectors
    url = response.url
    article_id = profile.article_id(urlsplit(url).path)

    loader.add_value("url", url)
    loader.add_value("site", profile.name)
    loader.add_value("article_id", article_id)
    loader.add_value("canonical_url", canonical_url(response, profile, article_id))
    loader.add_value("headline", tracked_values(root, "headline", rules["headline"], stats))
    loader.add_value("summary", tracked_values(root, "summary", rules.get("summary", []), stats))

    kicker_text = " ".join(texts(page.first(rules.get("kicker", []))))
    kicker = profile.kicker.match(clean_text(kicker_text))
    body = article_paragraphs(page, rules)
    dateline, credit = None, None
    if body:
        dateline, credit, first = split_lead(body[0], profile.lead)
        body[0] = first.strip()
        body = [p for p in body if p]
    if dateline is None and kicker:
        dateline = kicker.group("dateline")
    loader.add_value("dateline", dateline)
    loader.add_value("section", kicker.group("section") if kicker else None)
    loader.add_value("source", normalize_source(credit, profile.source_aliases, profile.portal_name))
    loader.add_value("body", "\n\n".join(body) if body else None)

    published, why = publication_date(response, dateline, article_id, evidence, now)
    loader.add_value("published", published)
    loader.add_value("date_evidence", why)

    tracking = profile.tracking_params
    loader.add_value("related", read_block(page.first(rules["related"]), url, tracking))
    loader.add_value("popular", read_ranking(page.first(rules["popular"]), url, tracking))
    loader.add_value("crawled_at", now.isoformat(timespec="seconds"))
    item = loader.load_item()
    item.related = item.related or []
    item.popular = item.popular or []
    item.content_hash = clean_content_hash(item.headline, body) if item.body else None
    return item


def tracked_values(root, field: str, rules: list[str], stats=None) -> list[str]:
    """What ``loader.add_css(field, rules)`` collects, with the same ``parser/<field>/css/<rule>``
    counts, from rules compiled once (newsbot.links) instead of a Selector per match."""
    values = []
    for rule in rules:
        found = rule_values(root, [rule])
        if stats is not None:
            stats.inc_value(f"parser/{field}/css/{rule}", 1 if found else 0)
        values += found
    return values


def article_paragraphs(page: PageMatches, rules: dict[str, list[str]]) -> list[str]:
    """The body container's paragraphs, ads and share buttons dropped."""
    container = page.first(rules["body"])
    if not container or not isinstance(container[0], etree._Element):
        return []
    body = container[0]
    drop = {m for rule in rules.get("body_drop", []) for m in matches(body, rule)}
    return paragraphs(body, drop)


def canonical_url(response: TextResponse, profile: SiteProfile, article_id: str | None) -> str:
    """The portal's current-layout address for this id, else the page's own canonical link."""
    if article_id and profile.canonical_article:
        return profile.canonical_for(response.url)
    found = first_matches(response.selector.root, profile.selectors.get("canonical", []))
    href = as_text(found[0]) if found else None
    return normalize_url(urljoin(response.url, href or response.url), profile.tracking_params)


def reference_date(response: TextResponse, now: datetime) -> tuple[date, str]:
    """The server's idea of today (its Date header), else the crawl clock's."""
    header = response.headers.get(b"Date")
    if header:
        try:
            return parsedate_to_datetime(header.decode("latin-1")).date(), "server Date"
        except (TypeError, ValueError, IndexError):
            pass
    return now.date(), "crawl time"


def publication_date(response: TextResponse, dateline: str | None, article_id: str | None,
                     evidence: DateEvidence | None, now: datetime) -> tuple[str | None, str | None]:
    """ISO date and the evidence for its year; (None, reason) when the dateline is unreadable."""
    month_day = parse_dateline(dateline)
    if month_day is None:
        return None, f"no dateline ({dateline!r})" if dateline else None
    ref, origin = reference_date(response, now)
    full, why = (evidence or DateEvidence()).resolve(article_id, *month_day, ref, origin)
    return (full.isoformat() if full else None), why
