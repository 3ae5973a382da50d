"""Pure text and URL helpers used by the loader and pipelines; no Scrapy imports."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string, url_query_cleaner

_TRAILING_CREDIT = re.compile(r"^(?P<title>.*?)\s*\((?P<credit>[^()]{1,80})\)\s*$", re.S)
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_DATELINE = re.compile(r"^([A-Za-z]{3,4})\.?\s+(\d{1,2})$")


def clean_text(text: str | None) -> str:
    """NFC-normalise, turn every run of whitespace (NBSP included) into one space, and strip."""
    if not text:
        return ""
    # str.split() splits on exactly the characters r"\s" matches in a str pattern (both use
    # Py_UNICODE_ISSPACE), several times faster than re.sub on a long body.
    return " ".join(unicodedata.normalize("NFC", text).split())


def split_lead(paragraph: str, lead: re.Pattern[str]) -> tuple[str | None, str | None, str]:
    """Split "Sep 07 (Japan Times) - text" into ("Sep 07", "Japan Times", "text")."""
    m = lead.match(paragraph)
    if not m:
        return None, None, paragraph
    credit = clean_text(m.groupdict().get("credit")) or None
    return m.group("dateline"), credit, paragraph[m.end():]


def split_credit(text: str) -> tuple[str, str | None]:
    """Split a listing summary "... founder. (NHK)" into its text and its credit."""
    m = _TRAILING_CREDIT.match(text)
    if not m or not m.group("title"):
        return text, None
    return m.group("title"), clean_text(m.group("credit"))


def bare_credit(text: str) -> str | None:
    """The outlet in a credit printed on its own: "(NHK)" or "NHK" -> "NHK"."""
    name = clean_text(text).strip("()").strip()
    return name or None


def normalize_source(credit: str | None, aliases: dict[str, str], portal_name: str) -> str:
    """The outlet's name as stored: aliases folded, the portal's own name when nobody is credited."""
    name = clean_text(credit)
    if not name:
        return portal_name
    folded = {k.casefold(): v for k, v in aliases.items()}
    return folded.get(name.casefold(), name)


def parse_dateline(dateline: str | None) -> tuple[int, int] | None:
    """("Sep 07" | "Sep 7" | "Sept. 7") -> (9, 7); None when it is not a month-day dateline."""
    m = _DATELINE.match(clean_text(dateline))
    if not m:
        return None
    month = _MONTHS.get(m.group(1)[:3].lower())
    day = int(m.group(2))
    if month is None or not 1 <= day <= 31:
        return None
    return month, day


def parse_full_date(text: str | None, formats: tuple[str, ...] | list[str]) -> date | None:
    """A dateline that prints its year ("Jan. 11, 2026"), read with a profile's strptime formats."""
    text = re.sub(r"\bSept\b", "Sep", clean_text(text))
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def normalize_url(url: str, tracking_params: list[str]) -> str:
    """Drop tracking parameters and the fragment, lower-case scheme and host, keep the rest.

    "" for what cannot be a URL at all (a bad port, a broken IPv6 host): pages carry such links.
    """
    return _normalize_url(url, tuple(tracking_params))


# safe_url_string is the dearest step of reading a link, and a link comes back within a few
# pages (POPULAR NEWS, MORE NEWS, the listing it came from), so a bounded cache is sized for
# that distance, not for the crawl: on 15,000 pages of a 50,000-article replica 2,048 entries
# missed 32,200 joins where 8,192 missed 24,700 (~13 µs a page in all), and filled with
# article addresses this cache and _normalize_url's hold 1.4 MiB, not 5.0.
URL_CACHE = 2_048


@lru_cache(maxsize=URL_CACHE)
def _normalize_url(url: str, tracking_params: tuple[str, ...]) -> str:
    if not url.strip():  # nothing (a join that failed): not the address "/"
        return ""
    try:
        url = url_query_cleaner(safe_url_string(url.strip()), tracking_params, remove=True)
        parts = urlsplit(url)
    except ValueError:
        return ""
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def join_url(base: str, href: str) -> str:
    """``href`` resolved against ``base``; "" when either cannot be parsed (say "http://[")."""
    try:
        return urljoin(base, href)
    except ValueError:
        return ""


def resolve(base: str, href: str, tracking_params: list[str]) -> str:
    """``normalize_url(join_url(base, href))``: a link on a page as the store keeps it.

    Remembered by the page's directory: an article's links recur on many pages, and the join
    cost more than the rest of reading a link. Only an href that needs the whole page address
    ("", "?q", "#top", ";params": urljoin keeps the page's own path for those) is joined to it.
    """
    href = href.strip()
    directory = _directory(base)
    if directory is None or not href or href.startswith(("?", "#", ";")):
        return normalize_url(join_url(base, href), tracking_params)
    return _resolve(directory, href, tuple(tracking_params))


@lru_cache(maxsize=256)
def _directory(base: str) -> str | None:
    """The scheme, host and directory of a page address (None when it cannot be parsed): asked
    once for each of the page's links."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rpartition("/")[0] + "/", "", ""))


@lru_cache(maxsize=URL_CACHE)
def _resolve(directory: str, href: str, tracking_params: tuple[str, ...]) -> str:
    return _normalize_url(join_url(directory, href), tracking_params)


def content_hash(headline: str | None, body: str | None) -> str:
    """A fingerprint of what the reader sees, insensitive to whitespace and case."""
    text = f"{headline or ''}\n{body or ''}"
    if text.isascii():  # the same text, without NFC (a no-op) and casefold (lower, in ASCII)
        text = " ".join(text.split()).lower()
    else:
        text = clean_text(text).casefold()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
