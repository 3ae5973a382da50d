"""Read the link blocks of a page (MORE <Section> NEWS, POPULAR NEWS, listings); pure, no Scrapy.

Profile rules are compiled once to lxml XPath objects and run on lxml nodes: a parsel Selector
per matched node (a Scrapy Selector also registers itself for leak tracking) cost more than the
matching itself, a hundred times a page. ``select_first`` and ``select_all`` keep their parsel
signatures for callers outside the hot path; results are the same either way.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import css2xpath

from newsbot.processors import bare_credit, clean_text, normalize_url, split_credit

# The EXSLT prefixes parsel maps for rules that use them (re:test(...), set:distinct(...)).
_EXSLT = {"re": "http://exslt.org/regular-expressions", "set": "http://exslt.org/sets"}


@lru_cache(maxsize=1024)
def compiled(rule: str) -> etree.XPath:
    """A rule (CSS, or XPath when it starts with "/" or "(") as parsel would run it, compiled once."""
    query = rule if rule.startswith(("/", "(")) else css2xpath(rule)
    namespaces = {p: uri for p, uri in _EXSLT.items() if f"{p}:" in query}
    return etree.XPath(query, namespaces=namespaces or None, smart_strings=False)


def matches(node, rule: str) -> list:
    """What ``rule`` matches under an lxml node: elements, or strings for text and attributes."""
    if not hasattr(node, "xpath"):  # a string matched by an earlier rule has no children
        return []
    found = compiled(rule)(node)
    return found if isinstance(found, list) else [found]


def first_matches(node, rules: list[str]) -> list:
    """The matches of the first rule that matches anything (rules in priority order)."""
    for rule in rules:
        found = matches(node, rule)
        if found:
            return found
    return []


def as_text(match) -> str:
    """A match as parsel's ``get()`` gives it: an element's HTML, a string as is."""
    if isinstance(match, etree._Element):
        return etree.tostring(match, method="html", encoding="unicode", with_tail=False)
    if match is True or match is False:
        return "1" if match else "0"
    return str(match)


def rule_values(node, rules: list[str]) -> list[str]:
    """Every string matched by any rule, in rule order, duplicates kept."""
    return [as_text(m) for rule in rules for m in matches(node, rule)]


def texts(nodes: list) -> list[str]:
    """The text nodes under each element (``.css("::text")``); strings have none."""
    return [t for n in nodes for t in _TEXT(n)] if nodes else []


class PageMatches:
    """One page's rule matches, each list of rules run once however many readers ask for it
    (the loader reads the related block, the spider follows its links)."""

    def __init__(self, root):
        self.root = root
        self._first: dict[tuple[str, ...], list] = {}

    def first(self, rules: list[str]) -> list:
        key = tuple(rules)
        if key not in self._first:
            self._first[key] = first_matches(self.root, rules)
        return self._first[key]

    def values(self, rules: list[str]) -> list[str]:
        """The first matching rule's matches as strings (``select_first(...).getall()``)."""
        return [as_text(m) for m in self.first(rules)]


def select_first(sel: Selector, rules: list[str]) -> SelectorList:
    """The matches of the first rule that matches anything, as a parsel SelectorList."""
    return SelectorList(sel.__class__(root=m, type=sel.type)
                        for m in first_matches(sel.root, rules))


def select_all(sel: Selector, rules: list[str]) -> list[str]:
    """Every string matched by any rule, in rule order, duplicates kept."""
    return rule_values(sel.root, rules)


_TEXT = compiled("::text")
_HREFS = compiled("a::attr(href)")
_CREDIT_TEXT = compiled(".credit ::text")
_TAIL_TEXT = etree.XPath("following-sibling::text()", smart_strings=False)
_RANK_TEXT = compiled(".rank::text")


def block_hrefs(entries: list) -> list[str]:
    """Every link address in a block's entries, in page order."""
    return [h for e in entries if hasattr(e, "xpath") for h in _HREFS(e)]


def join_url(base_url: str, href: str) -> str:
    """``urljoin(base_url, href)``; a root-relative link is joined once per site (see link_url)."""
    if href.startswith("/") and not href.startswith("//"):
        return _site_join(_site_root(base_url), href)
    return urljoin(base_url, href)


@lru_cache(maxsize=16_384)
def _site_join(root: str, href: str) -> str:
    return urljoin(root, href)


def link_url(base_url: str, href: str, tracking: list[str]) -> str:
    """``normalize_url(urljoin(base_url, href))``; root-relative links resolve once per site."""
    if href.startswith("/") and not href.startswith("//"):
        # An absolute-path reference keeps only the base's scheme and host (RFC 3986 5.2.2),
        # so the answer for "/article/1.php" is the same on every page of the site.
        return _site_link(_site_root(base_url), href, tuple(tracking))
    return normalize_url(urljoin(base_url, href), tracking)


@lru_cache(maxsize=256)
def _site_root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


@lru_cache(maxsize=16_384)
def _site_link(root: str, href: str, tracking: tuple[str, ...]) -> str:
    return normalize_url(urljoin(root, href), list(tracking))


def read_entry(entry, base_url: str, tracking: list[str]) -> dict | None:
    """One listing entry (an lxml element or a parsel Selector) -> {url, title, source}; None
    when it links nowhere.

    A story is listed in the related blocks of many pages with the same markup, so an entry
    read once is remembered by its markup, when its reading depends on nothing outside it.
    """
    node = getattr(entry, "root", entry)
    if not hasattr(node, "iter"):
        return None
    key = _entry_key(node, base_url, tracking)
    if key in _ENTRIES:
        found = _ENTRIES[key]
        return dict(found) if found is not None else None
    found, site_wide = _read_entry(node, base_url, tracking)
    if site_wide:
        if len(_ENTRIES) >= 8_192:  # bounded: memory must not grow with the crawl
            _ENTRIES.clear()
        _ENTRIES[key] = dict(found) if found is not None else None
    return found


_ENTRIES: dict[tuple, dict | None] = {}


def _entry_key(node, base_url: str, tracking: list[str]) -> tuple | None:
    """The entry's markup and the site: all that a site-wide reading depends on."""
    if not isinstance(node, etree._Element):
        return None
    return _site_root(base_url), tuple(tracking), etree.tostring(node, with_tail=False)


def _read_entry(node, base_url: str, tracking: list[str]) -> tuple[dict | None, bool]:
    """The entry's reading, and whether it holds on every page of the site: it looked inside
    the entry only (not at a credit after a link that is the entry itself) and its link is
    root-relative, resolved by the site alone."""
    # descendant-or-self::a[@href], first one; iter() starts with the node itself.
    link = next((a for a in node.iter("a") if a.get("href") is not None), None)
    if link is None:
        return None, True
    href = link.get("href").strip()
    site_wide = link is not node and href.startswith("/") and not href.startswith("//")
    title = clean_text(" ".join(link.itertext()))  # descendant-or-self::text()
    credit_text = clean_text(" ".join(_CREDIT_TEXT(node)))
    if not credit_text:  # older layout: the credit is plain text after the link
        credit_text = clean_text(" ".join(_TAIL_TEXT(link)))
    credit = bare_credit(credit_text) if credit_text.startswith("(") else None
    if credit is None:
        title, credit = split_credit(title)
    if not title or href.startswith(("javascript:", "mailto:", "#")):
        return None, site_wide
    return {"url": link_url(base_url, href, tracking), "title": title, "source": credit}, site_wide


def read_block(entries, base_url: str, tracking: list[str]) -> list[dict]:
    """All entries of one block, in page order, duplicates kept (the links pipeline folds them)."""
    found = (read_entry(e, base_url, tracking) for e in entries)
    return [e for e in found if e is not None]


def read_ranking(entries, base_url: str, tracking: list[str]) -> list[dict]:
    """The POPULAR NEWS block -> [{rank, url, title, source}], rank printed or by position.

    The ranking is the same on every page at one moment, so a block read once is remembered
    by its entries' markup when every entry's reading holds site-wide (see read_entry).
    """
    nodes = [getattr(e, "root", e) for e in entries]
    keys = [_entry_key(node, base_url, tracking) for node in nodes]
    key = None if None in keys else tuple(keys)
    if key in _RANKINGS:
        return [dict(e) for e in _RANKINGS[key]]
    ranking = []
    site_wide = True
    for position, node in enumerate(nodes, 1):
        item, entry_site_wide = _read_entry(node, base_url, tracking) \
            if isinstance(node, etree._Element) else (None, False)
        site_wide = site_wide and entry_site_wide
        if item is None:
            continue
        rank = _RANK_TEXT(node)
        printed = clean_text(rank[0] if rank else None)
        item["rank"] = int(printed) if printed.isdigit() else position
        if printed and item["title"].startswith(printed + " "):
            item["title"] = item["title"][len(printed) + 1:]
        ranking.append({"rank": item["rank"], "url": item["url"], "title": item["title"],
                        "source": item["source"]})
    if key is not None and site_wide:
        if len(_RANKINGS) >= 64:  # a crawl sees a handful of rankings; stay bounded regardless
            _RANKINGS.clear()
        _RANKINGS[key] = [dict(e) for e in ranking]
    return ranking


_RANKINGS: dict[tuple, list[dict]] = {}
