"""Article metadata from a parsed page: JSON-LD, OpenGraph, meta tags, <time>, then htmldate.

Each reader returns what it found; ``read_metadata`` takes each field from the strongest source
that has it and says which one that was.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime

from lxml import etree

# JSON-LD types that describe the article itself (schema.org Article and its kinds).
_ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "reviewnewsarticle", "backgroundnewsarticle", "blogposting", "liveblogposting", "socialmediaposting",
    "scholarlyarticle", "techarticle", "report", "advertisercontentarticle", "satiricalarticle",
    "posting",
})
_PAGE_TYPES = frozenset({"webpage", "itempage", "medicalwebpage"})
_TITLE_SEP = re.compile(r"\s+[|\-–—:•·»]\s+")
_DATE_RE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?")
_DATE_META = (
    "article:published_time", "article:published", "og:article:published_time",
    "datepublished", "publishdate", "publish-date", "publish_date", "pubdate", "date",
    "dc.date.issued", "dc.date", "dcterms.created", "dcterms.date", "sailthru.date",
    "parsely-pub-date", "cxenseparse:recs:publishtime", "article.published", "published_time",
    "original-publish-date", "article_date_original", "datecreated", "created", "release_date",
)
_AUTHOR_META = ("author", "article:author", "byl", "parsely-author", "dc.creator", "sailthru.author",
                "cxenseparse:author")
_SECTION_META = ("article:section", "section", "parsely-section", "cxenseparse:recs:articlesection",
                 "category", "article.section")
_PUBLISHER_META = ("og:site_name", "application-name", "publisher", "dc.publisher",
                   "twitter:site")


def _clean(s: object) -> str | None:
    if not isinstance(s, str):
        return None
    if "&" in s:
        s = html.unescape(s)  # JSON-LD and meta values often carry escaped entities
    s = " ".join(s.split())
    return s or None


def iso_date(value: object) -> str | None:
    """An ISO 8601 date (``2019-11-19``) or date-time (``2019-11-19T05:00:00-05:00``) read from
    the start of ``value``; ``None`` when it does not hold a plausible date."""
    if not isinstance(value, str):
        return None
    m = _DATE_RE.search(value.strip()[:40])
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        datetime(y, mo, d)
    except ValueError:
        return None
    if not 1990 <= y <= 2100:
        return None
    day = f"{y:04d}-{mo:02d}-{d:02d}"
    if m.group(4) is None:
        return day
    hh, mm, ss = int(m.group(4)), int(m.group(5)), int(m.group(6) or 0)
    if hh > 23 or mm > 59 or ss > 59:
        return day
    tz = m.group(7) or ""
    if tz and tz != "Z" and ":" not in tz:
        tz = tz[:3] + ":" + tz[3:]
    if tz == "Z":
        tz = "+00:00"
    return f"{day}T{hh:02d}:{mm:02d}:{ss:02d}{tz}"


# ---------------------------------------------------------------------------- JSON-LD

def _types(obj: dict) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.rsplit("/", 1)[-1].lower()}
    if isinstance(t, list):
        return {x.rsplit("/", 1)[-1].lower() for x in t if isinstance(x, str)}
    return set()


def _walk_ld(obj: object, out: list[dict], depth: int = 0) -> None:
    if depth > 6:
        return
    if isinstance(obj, list):
        for x in obj:
            _walk_ld(x, out, depth + 1)
    elif isinstance(obj, dict):
        out.append(obj)
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if key in obj:
                _walk_ld(obj[key], out, depth + 1)


def _names(value: object) -> list[str]:
    """Names out of a person/organisation value: a string, an object with name, or a list."""
    if isinstance(value, str):
        v = _clean(value)
        return [v] if v and not v.startswith("http") else []
    if isinstance(value, dict):
        v = _clean(value.get("name"))
        return [v] if v else []
    if isinstance(value, list):
        out: list[str] = []
        for x in value[:10]:
            for n in _names(x):
                if n not in out:
                    out.append(n)
        return out
    return []


def read_json_ld(root: etree._Element) -> dict[str, object]:
    """Fields of the page's Article object in JSON-LD (or of its WebPage when no Article)."""
    objects: list[dict] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = (script.text or "").strip()
        if not text:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            # Some pages put raw newlines or a trailing ';' in their JSON-LD.
            try:
                data = json.loads(text.rstrip(";").replace("\n", " ").replace("\r", " "), strict=False)
            except ValueError:
                continue
        _walk_ld(data, objects)
    article = next((o for o in objects if _types(o) & _ARTICLE_TYPES), None)
    if article is None:
        article = next((o for o in objects if _types(o) & _PAGE_TYPES), None)
    if article is None:
        return {}
    found: dict[str, object] = {}
    headline = _clean(article.get("headline")) or _clean(article.get("name"))
    if headline:
        found["headline"] = headline
    published = iso_date(article.get("datePublished")) or iso_date(article.get("dateCreated"))
    if published:
        found["published"] = published
    authors = _names(article.get("author")) or _names(article.get("creator"))
    if authors:
        found["author"] = ", ".join(authors)
    publisher = _names(article.get("publisher"))
    if not publisher:
        publisher = [n for o in objects if _types(o) & {"organization", "newsmediaorganization"}
                     for n in _names(o)][:1]
    if publisher:
        found["publisher"] = publisher[0]
    section = article.get("articleSection")
    if isinstance(section, list):
        section = next((s for s in section if isinstance(s, str) and s.strip()), None)
    if _clean(section):
        found["section"] = _clean(section)
    body = article.get("articleBody")
    if isinstance(body, str) and body.strip():
        found["body"] = body
    return found


# ---------------------------------------------------------------------------- meta tags

def read_meta(root: etree._Element) -> tuple[dict[str, str], dict[str, str]]:
    """(OpenGraph-like properties, other named meta) — keys lower-cased, first value kept."""
    og: dict[str, str] = {}
    named: dict[str, str] = {}
    for el in root.iter("meta"):
        content = _clean(el.get("content"))
        if not content:
            continue
        prop = (el.get("property") or "").strip().lower()
        name = (el.get("name") or el.get("itemprop") or el.get("http-equiv") or "").strip().lower()
        if prop and (prop.startswith(("og:", "article:")) or not name):
            og.setdefault(prop, content)
        if name:
            named.setdefault(name, content)
    return og, named


def _first(table: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for k in keys:
        if table.get(k):
            return table[k]
    return None


def read_time(root: etree._Element) -> str | None:
    """The publication date of the first dated <time> (pubdate / datePublished ones first)."""
    first = None
    for el in root.iter("time"):
        value = iso_date(el.get("datetime") or "") or iso_date(el.text or "")
        if not value:
            continue
        if el.get("pubdate") is not None or (el.get("itemprop") or "").lower() == "datepublished":
            return value
        if first is None:
            first = value
    if first is None:
        for el in root.iterfind(".//*[@itemprop='datePublished']"):
            value = iso_date(el.get("content") or el.get("datetime") or el.text or "")
            if value:
                return value
    return first


_BY_PREFIX = re.compile(r"^(?:(?:posted|written|words|story|text)\s+)?by[:\s]+", re.I)
# Where a byline's names end: a date, a time, "Published ...".
_BYLINE_END = re.compile(r"\s(?:published|updated|posted|on)\s|\d|\s[|•·]\s|(?<=[a-z])(?=(?:January|February|March|"
                         r"April|May|June|July|August|September|October|November|December|Monday|"
                         r"Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Associated)\b)", re.I)
_TRAILING_DATE_WORDS = re.compile(
    r"(?:[\s,]+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|"
    r"june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)\.?)+$", re.I)
_BYLINE_WORDS = re.compile(r"(?:^|[^a-z])(?:byline|author)(?:$|[^a-z])", re.I)


def _byline_text(el: etree._Element) -> str | None:
    """The name(s) in a byline element: text nodes spaced, "By" dropped, dates cut off."""
    text = _clean(" ".join(el.itertext()))
    if not text:
        return None
    text = _BY_PREFIX.sub("", text)
    text = _BYLINE_END.split(text, 1)[0].strip(" ,|-–—·")
    text = _TRAILING_DATE_WORDS.sub("", text).strip(" ,|-–—·")
    return text if 3 <= len(text) <= 80 else None


def _author_from_page(root: etree._Element) -> str | None:
    """A byline in the markup: rel=author, itemprop=author, or a short byline/author box
    (not one in a comment form)."""
    candidates = list(root.iterfind(".//body//*[@rel='author']"))
    for el in root.iterfind(".//body//*[@itemprop='author']"):
        name = el.find(".//*[@itemprop='name']")
        candidates.append(name if name is not None else el)
    candidates += [el for el in root.iterfind(".//body//*[@class]")
                   if el.tag not in ("body", "article", "main", "section", "form")
                   and _BYLINE_WORDS.search(el.get("class") or "")]
    for el in candidates:
        if any(a.tag == "form" or "comment" in (a.get("class") or "").lower() for a in el.iterancestors()):
            continue
        text = _byline_text(el)
        if text:
            return text
    return None


def _headline_from_page(root: etree._Element) -> str | None:
    for h1 in root.iter("h1"):
        text = _clean(h1.text_content())
        if text and 3 <= len(text) <= 300:
            return text
    title = root.find(".//title")
    if title is not None:
        text = _clean(title.text_content())
        if text:
            parts = _TITLE_SEP.split(text)
            return max(parts, key=len) if len(parts) > 1 else text
    return None


def read_metadata(root: etree._Element, url: str | None = None,
                  date_fallback: bool = True) -> tuple[dict[str, object], dict[str, str]]:
    """(fields, where each field came from) for headline, published, author, publisher, section;
    "body" too when JSON-LD carries an articleBody."""
    fields: dict[str, object] = {}
    origin: dict[str, str] = {}

    def put(field: str, value: object, source: str) -> None:
        if value and field not in fields:
            fields[field] = value
            origin[field] = source

    ld = read_json_ld(root)
    for k, v in ld.items():
        put(k, v, "json-ld")
    og, named = read_meta(root)
    put("headline", _clean(og.get("og:title")), "opengraph")
    put("published", iso_date(_first(og, _DATE_META) or ""), "opengraph")
    put("author", _first({k: v for k, v in og.items() if not v.startswith("http")}, ("article:author",)),
        "opengraph")
    put("publisher", og.get("og:site_name"), "opengraph")
    put("section", og.get("article:section"), "opengraph")
    put("headline", _first(named, ("twitter:title", "title", "headline", "dc.title")), "meta")
    put("published", iso_date(_first(named, _DATE_META) or ""), "meta")
    put("author", _first({k: v for k, v in named.items() if not v.startswith("http")}, _AUTHOR_META), "meta")
    put("publisher", _first({k: v.lstrip("@") for k, v in named.items()}, _PUBLISHER_META), "meta")
    put("section", _first(named, _SECTION_META), "meta")
    if "published" not in fields:
        put("published", read_time(root), "time")
    if "headline" not in fields:
        put("headline", _headline_from_page(root), "html")
    if "author" not in fields:
        put("author", _author_from_page(root), "html")
    if "published" not in fields and date_fallback:
        import copy
        put("published", _htmldate(copy.deepcopy(root), url), "htmldate")
    return fields, origin


def _htmldate(root: etree._Element, url: str | None) -> str | None:
    """htmldate's guess of the original publication date (it may change ``root``)."""
    try:
        from htmldate import find_date
    except ImportError:
        return None
    try:
        found = find_date(root, extensive_search=False, original_date=True, url=url)
    except Exception:  # noqa: BLE001 - a third-party fallback must not break extraction
        return None
    return iso_date(found) if found else None
