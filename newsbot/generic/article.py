"""``extract_article``: headline, date, byline, publisher, section and body of any news page."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsbot.generic.body import extract_body
from newsbot.generic.metadata import _htmldate, read_metadata
from newsbot.generic.parse import parse

# Below this many characters our own body is thin enough to ask another extractor.
SHORT_BODY = 250


@dataclass
class GenericArticle:
    """What the generic extractor read from one page; empty fields when it found nothing."""

    headline: str | None = None
    published: str | None = None  # ISO 8601 date or date-time
    author: str | None = None
    publisher: str | None = None
    section: str | None = None
    body: str = ""  # paragraphs joined by a blank line
    extracted_by: dict[str, str] = field(default_factory=dict)


def _prose_share(text: str) -> tuple[int, float]:
    """(characters in sentence-like lines, their share of the text): a list of headlines or
    menu entries has none, an article has most of its text in them."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    total = sum(len(ln) for ln in lines)
    prose = sum(len(ln) for ln in lines if len(ln) >= 80 or (len(ln) >= 40 and ln[-1] in ".!?。！？\"”"))
    return prose, prose / total if total else 0.0


def _second_opinion(html: str | bytes) -> str:
    """trafilatura's body, for pages where our own finder comes back (nearly) empty."""
    try:
        import trafilatura
    except ImportError:
        return ""
    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=True) or ""
    except Exception:  # noqa: BLE001 - a third-party fallback must not break extraction
        return ""
    return "\n\n".join(p.strip() for p in text.split("\n") if p.strip())


def extract_article(html: str | bytes, url: str | None = None) -> GenericArticle:
    """Read an article out of any page. Never raises: unreadable input gives empty fields."""
    try:
        return _extract(html, url)
    except Exception:  # noqa: BLE001 - the contract is "never raises"
        return GenericArticle()
    except RecursionError:
        return GenericArticle()


def _extract(html: str | bytes, url: str | None) -> GenericArticle:
    root = parse(html)
    if root is None:
        return GenericArticle()
    fields, origin = read_metadata(root, url, date_fallback=False)
    art = GenericArticle(
        headline=fields.get("headline"), published=fields.get("published"),
        author=fields.get("author"), publisher=fields.get("publisher"),
        section=fields.get("section"), extracted_by=dict(origin),
    )
    art.extracted_by.pop("body", None)
    body = extract_body(root)  # changes the tree: metadata is read before
    source = "text:newsbot"
    if len(body) < SHORT_BODY:
        other = _second_opinion(html)
        prose, share = _prose_share(other)
        if len(other) >= 2 * len(body) and prose >= 200 and share >= 0.5:
            body, source = other, "text:trafilatura"
        ld_body = fields.get("body")
        if isinstance(ld_body, str) and len(ld_body) > max(len(body), SHORT_BODY):
            body, source = ld_body.strip(), "json-ld"
    if body:
        art.body = body
        art.extracted_by["body"] = source
    if art.published is None:
        found = _htmldate(parse(html), url)
        if found:
            art.published = found
            art.extracted_by["published"] = "htmldate"
    return art
