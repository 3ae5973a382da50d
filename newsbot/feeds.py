"""Read RSS/Atom feeds and XML sitemaps into (url, full date) pairs; pure, no network."""

from __future__ import annotations

from datetime import date
from email.utils import parsedate_to_datetime

from parsel import Selector
from scrapy.utils.sitemap import Sitemap


def feed_entries(body: bytes) -> list[tuple[str, date | None]]:
    """Links and publication dates of an RSS 2.0 or Atom feed, in feed order; [] for non-feeds."""
    if not body.strip():
        return []  # parsel refuses an empty document; an empty 200 is no feed
    sel = Selector(body=body, type="xml")
    sel.remove_namespaces()
    entries = []
    for item in sel.xpath("//item"):
        link = (item.xpath("link/text()").get() or item.xpath("guid/text()").get() or "").strip()
        entries.append((link, rfc822_date(item.xpath("pubDate/text()").get())))
    for entry in sel.xpath("//entry"):
        link = (entry.xpath("link[not(@rel) or @rel='alternate']/@href").get() or "").strip()
        stamp = entry.xpath("published/text()").get() or entry.xpath("updated/text()").get()
        entries.append((link, iso_date(stamp)))
    return [(url, when) for url, when in entries if url]


def sitemap_entries(body: bytes) -> tuple[str, list[tuple[str, date | None]]]:
    """("urlset" | "sitemapindex", [(loc, lastmod date)]); ("", []) for what is not a sitemap."""
    try:
        sitemap = Sitemap(body)
    except Exception:  # lxml raises several types on non-XML input  # noqa: BLE001
        return "", []
    if sitemap.type not in ("urlset", "sitemapindex"):
        return "", []  # a feed or an HTML page where a sitemap was expected
    return sitemap.type, [(e["loc"], iso_date(e.get("lastmod"))) for e in sitemap if e.get("loc")]


def rfc822_date(text: str | None) -> date | None:
    """The date as the publisher wrote it (its own time zone), from an RFC 822 stamp."""
    try:
        return parsedate_to_datetime(text.strip()).date() if text else None
    except (TypeError, ValueError, IndexError):
        return None


def iso_date(text: str | None) -> date | None:
    """The calendar date of a W3C/ISO stamp as written ("2019-09-07T10:00+09:00" -> 2019-09-07)."""
    try:
        return date.fromisoformat(text.strip()[:10]) if text else None
    except ValueError:
        return None
