"""Extraction: one article page → one Article, through ArticleLoader and the site profile.

Each field is read by the profile's rules in priority order; a field they leave empty (or every
field, on a page the profile does not know) falls back to the generic extractor. The item's
``extracted_by`` says which rule or generic path produced each field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from typing import ClassVar
from urllib.parse import urlsplit

from itemloaders import ItemLoader
from itemloaders.processors import Identity, MapCompose, TakeFirst
from lxml import etree
from parsel import SelectorList
from scrapy.http import TextResponse
from w3lib.html import remove_tags, replace_entities

from newsbot.dates import DateEvidence
from newsbot.fallback import CANONICAL_RULES, SUMMARY_RULES, GenericFallback
from newsbot.generic.metadata import iso_date
from newsbot.items import Article
from newsbot.links import (
    READ_BLOCKS,
    BlockMemo,
    compiled,
    evaluate,
    first_match,
    first_nodes,
    node,
    read_block,
    read_ranking,
    strings_of,
)
from newsbot.pagetree import page_selector
from newsbot.processors import (
    clean_text,
    content_hash,
    join_url,
    normalize_source,
    normalize_url,
    parse_dateline,
    parse_full_date,
    split_lead,
)
from newsbot.profiles import ENTRY_RULES, FIELD_RULES, SiteProfile, is_xpath
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


@dataclass
class Page:
    """One response as the loader reads it: the rules that apply, and who produced each field."""

    response: TextResponse
    profile: SiteProfile
    stats: object = None
    by: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.sel = page_selector(self.response)
        self.path = urlsplit(self.response.url).path
        self.known = self.profile.knows(self.path)
        # A page the profile does not know is read by the generic path alone.
        self.rules = self.profile.selectors if self.known else \
            {**self.profile.selectors, **{k: [] for k in FIELD_RULES}}
        self.generic = GenericFallback(self.response, self.stats)

    def first(self, name: str) -> tuple[str | None, SelectorList]:
        return first_match(self.sel, self.rules[name], self.stats, name)

    def nodes(self, name: str) -> tuple[str | None, list | SelectorList]:
        """``first``, the matches as lxml gives them (see ``links.first_nodes``)."""
        return first_nodes(self.sel, self.rules[name], self.stats, name)

    def text(self, name: str) -> tuple[str | None, str]:
        """(rule, the cleaned text of what the first matching rule found) for a field rule."""
        rule, found = self.nodes(name)
        return rule, clean_text(" ".join(_texts(found)))

    def fallback(self, name: str) -> str | None:
        value, how = self.generic.get(name)
        if value:
            self.by[name] = how
        return value


def extract_article(response: TextResponse, profile: SiteProfile,
                    evidence: DateEvidence | None = None, stats=None,
                    now: datetime | None = None) -> Article:
    """Every field of the Article on ``response``; fields nobody could read stay None or empty."""
    now = now or datetime.now(timezone.utc)
    page = Page(response, profile, stats)
    loader = ArticleLoader(selector=page.sel, stats=stats)
    article_id = profile.article_id(page.path)
    loader.add_value("url", response.url)
    loader.add_value("site", profile.name)
    loader.add_value("article_id", article_id)
    loader.add_value("canonical_url", canonical_url(page))
    if not load_rules(loader, page, "headline"):
        loader.add_value("headline", clean_text(page.fallback("headline")))
    if not load_rules(loader, page, "summary"):
        loader.add_value("summary", summary_from_meta(page))

    kicker = read_kicker(page)
    body, lead = read_body(page)
    dateline = first_of(page, "dateline", lead, kicker, read_dateline(page))
    loader.add_value("dateline", dateline)
    loader.add_value("section", first_of(page, "section", read_section(page), kicker)
                     or page.fallback("section"))
    loader.add_value("source", read_source(page, lead.get("credit")))
    loader.add_value("body", "\n\n".join(body) if body else None)
    published, why = publication_date(page, dateline, article_id, evidence, now)
    loader.add_value("published", published)
    loader.add_value("date_evidence", why)

    loader.add_value("related", read_links(page, "related", read_block))
    loader.add_value("popular", read_links(page, "popular", read_ranking))
    loader.add_value("crawled_at", now.isoformat(timespec="seconds"))
    item = loader.load_item()
    item.related = item.related or []
    item.popular = item.popular or []
    item.content_hash = content_hash(item.headline, item.body) if item.body else None
    item.extracted_by = dict(sorted(page.by.items()))
    return item


def _texts(found: SelectorList | list) -> list[str]:
    """Strings of a match: text and attribute results as they are, elements by their text."""
    out = []
    for match in found:
        root = node(match)
        if isinstance(root, str):
            out.append(root)
        elif isinstance(root, etree._Element):
            out.append(" ".join(_TEXTS(root)))
        else:
            out.append(" ".join(match.xpath(".//text()").getall()))
    return out


_TEXTS = etree.XPath(".//text()", smart_strings=False)


def load_rules(loader: ArticleLoader, page: Page, name: str) -> bool:
    """Add the field from its rules, one at a time in priority order, until one gives a value.

    Each rule tried is counted as itemloaders counts its own (``parser/<field>/css/<rule>``).
    """
    root = page.sel.root
    plain = not isinstance(root, etree._Element) or page.sel.type not in ("html", "xml")
    for rule in page.rules[name]:
        kind = "xpath" if is_xpath(rule) else "css"
        if plain:  # text or JSON: itemloaders' own selection
            getattr(loader, f"add_{kind}")(name, rule)
        else:
            # What add_css/add_xpath add and count, from the compiled rule: they built a
            # Selector per match to serialise it, as links.strings_of does without one.
            values = strings_of(_matches(evaluate(page.sel, rule)))
            if page.stats is not None:
                page.stats.inc_value(f"parser/{name}/{kind}/{rule}", 1 if values else 0)
            loader.add_value(name, values)
        if any(loader.get_collected_values(name)):
            page.by[name] = f"profile:{rule}"
            return True
    return False


def first_of(page: Page, name: str, *found: dict) -> str | None:
    """The first reading that has ``name``; records which rule it came from."""
    for reading in found:
        if reading.get(name):
            page.by[name] = reading["by"]
            return reading[name]
    return None


def summary_from_meta(page: Page) -> str | None:
    rule, found = first_match(page.sel, SUMMARY_RULES)
    text = clean_text(found.get())
    if text:
        page.by["summary"] = "generic:meta"
    return text or None


def read_kicker(page: Page) -> dict:
    """Section and dateline from the kicker line ("Society | Sep 07"), by the text.kicker rule."""
    rule, text = page.text("kicker")
    m = page.profile.kicker.match(text) if rule and page.profile.kicker else None
    return {**m.groupdict(), "by": f"profile:{rule}"} if m else {}


def read_section(page: Page) -> dict:
    rule, text = page.text("section")
    return {"section": text, "by": f"profile:{rule}"} if text else {}


def read_dateline(page: Page) -> dict:
    """A dateline printed in its own element; text.dateline picks the date out of it."""
    rule, text = page.text("dateline")
    pattern = page.profile.dateline
    m = pattern.search(text) if text and pattern else None
    dateline = m.group("dateline") if m else text
    return {"dateline": dateline, "by": f"profile:{rule}"} if dateline else {}


def read_body(page: Page) -> tuple[list[str], dict]:
    """The body's paragraphs, and what the text.lead rule took off the first one."""
    rule, body = article_paragraphs(page)
    if body:
        page.by["body"] = f"profile:{rule}"
    elif rule is None:
        # No body rule matched (the markup changed, or the profile does not know the page).
        # A container that is there but empty is an article without a body: invent nothing.
        text = page.fallback("body")
        body = [p.strip() for p in (text or "").split("\n\n") if p.strip()]
    lead = page.profile.lead
    if not body or not page.known or lead is None:
        return body, {}
    dateline, credit, first = split_lead(body[0], lead)
    if dateline is None and credit is None:
        return body, {}
    body[0] = first.strip()
    lead_found = {"dateline": dateline, "credit": credit, "by": "profile:text.lead"}
    return [p for p in body if p], lead_found


def article_paragraphs(page: Page) -> tuple[str | None, list[str]]:
    """(the body rule that matched, its container's paragraphs, ads and share buttons dropped)."""
    rule, container = page.nodes("body")
    if not container:
        return rule, []
    root = node(container[0])
    if not isinstance(root, etree._Element):
        return rule, []  # a text or attribute rule names no container
    drop = {m for r in page.rules["body_drop"] for m in _matches(compiled(r)(root))}
    return rule, paragraphs(root, drop)


def _matches(found) -> list:
    return found if isinstance(found, list) else [found]


def read_source(page: Page, credit: str | None) -> str:
    """The credited outlet: the lead's credit, a credit element, else the portal itself."""
    profile = page.profile
    by = "profile:text.lead"
    if not credit:
        rule, text = page.text("credit")
        m = profile.credit.search(text) if text and profile.credit else None
        credit, by = (m.group("credit") if m else text), f"profile:{rule}"
    if not credit and not page.known:
        credit, by = page.generic.get("source")
    if not credit:  # nobody credited: the portal itself (its host when no profile names it)
        by = "profile:portal_name" if profile.portal_name else "generic:host"
    page.by["source"] = by
    own = profile.portal_name or urlsplit(page.response.url).hostname or ""
    return normalize_source(credit, profile.source_aliases, own)


# One per process: a reading is a function of the key, whichever crawl or page asks.
BLOCKS = BlockMemo()


def read_links(page: Page, name: str, reader) -> list[dict]:
    rule, entries = page.nodes(name)
    if isinstance(entries, list):  # lxml nodes: the spider follows the same block's links
        READ_BLOCKS.put(page.sel.root, page.rules[name], entries)
    if not entries:
        return []
    page.by[name] = f"profile:{rule}"
    entry_rules = {k: page.rules[k] for k in ENTRY_RULES}
    return BLOCKS.read(entries, page.response.url, page.profile.tracking_params, entry_rules,
                       reader)


def canonical_url(page: Page) -> str:
    """The portal's current-layout address for this article, else the page's canonical link."""
    profile = page.profile
    if profile.canonical_article and profile.is_article(page.path):
        page.by["canonical_url"] = "profile:canonical_article"
        return profile.canonical_for(page.response.url)
    rule, found = first_match(page.sel, page.rules["canonical"] or CANONICAL_RULES)
    href = found.get()
    if href:
        page.by["canonical_url"] = f"{'profile' if page.rules['canonical'] else 'generic'}:{rule}"
    found = normalize_url(join_url(page.response.url, href or page.response.url),
                          profile.tracking_params)
    return found or normalize_url(page.response.url, profile.tracking_params)


def reference_date(response: TextResponse, now: datetime) -> tuple[date, str]:
    """The server's idea of today (its Date header), else the crawl clock's."""
    header = response.headers.get(b"Date")
    if header:
        try:
            return parsedate_to_datetime(header.decode("latin-1")).date(), "server Date"
        except (TypeError, ValueError, IndexError):
            pass
    return now.date(), "crawl time"


def publication_date(page: Page, dateline: str | None, article_id: str | None,
                     evidence: DateEvidence | None, now: datetime) -> tuple[str | None, str | None]:
    """ISO date and the evidence for it, strongest first: the dateline (its year printed or
    inferred), a date element, the address, the generic path; (None, reason) when none."""
    found = dateline_date(page, dateline, article_id, evidence, now) or page_date(page) \
        or address_date(page) or generic_date(page)
    if found:
        return found
    return None, f"no dateline ({dateline!r})" if dateline else None


def dateline_date(page: Page, dateline: str | None, article_id: str | None,
                  evidence: DateEvidence | None, now: datetime) -> tuple[str, str] | None:
    if not dateline:
        return None
    full = parse_full_date(dateline, page.profile.dateline_formats)
    if full:
        page.by["published"] = page.by["dateline"]
        return full.isoformat(), f"dateline {dateline!r} prints the year"
    month_day = parse_dateline(dateline)
    if month_day is None:
        return None
    ref, origin = reference_date(page.response, now)
    day, why = (evidence or DateEvidence()).resolve(article_id, *month_day, ref, origin)
    if day is None:
        return None
    page.by["published"] = page.by["dateline"]
    return day.isoformat(), why


def page_date(page: Page) -> tuple[str, str] | None:
    """A date element or meta tag the profile names (``time[datetime]``, article:published_time)."""
    rule, found = page.first("published")
    stamp = iso_date(clean_text(found.get())) if found else None
    if not stamp:
        return None
    page.by["published"] = f"profile:{rule}"
    return stamp[:10], f"{rule} gives {stamp}"


def address_date(page: Page) -> tuple[str, str] | None:
    day = page.profile.url_date(page.path) if page.known else None
    if day is None:
        return None
    page.by["published"] = "profile:url"
    return day.isoformat(), f"the address gives {day.isoformat()}"


def generic_date(page: Page) -> tuple[str, str] | None:
    stamp = page.fallback("published")
    if not stamp:
        return None
    # The contract's date is the calendar date as the page writes it, in its own time zone.
    return stamp[:10], f"{page.by['published']} gives {stamp}"
