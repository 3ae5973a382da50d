"""Read the link blocks of a page (MORE <Section> NEWS, POPULAR NEWS, listings); pure, no Scrapy."""

from __future__ import annotations

from functools import lru_cache

from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import css2xpath

from newsbot.processors import bare_credit, clean_text, join_url, normalize_url, split_credit
from newsbot.profiles import ENTRY_DEFAULTS, is_xpath


def _select(sel: Selector, rule: str) -> SelectorList:
    """``sel.xpath(rule)`` or ``sel.css(rule)``, from a rule compiled once, with plain parsel
    Selectors for the matches: Scrapy's Selector subclass registers every match for leak
    tracking, which cost more than the matching, a hundred times a page."""
    root = sel.root
    if not hasattr(root, "xpath") or getattr(sel, "type", "html") not in ("html", "xml"):
        return sel.xpath(rule) if is_xpath(rule) else sel.css(rule)  # text and JSON selectors
    found = compiled(rule)(root)
    kind = sel.type
    return SelectorList(Selector(root=m, type=kind)
                        for m in (found if isinstance(found, list) else [found]))


# The EXSLT prefixes parsel maps for rules that use them (re:test(...), set:distinct(...)).
_EXSLT = {"re": "http://exslt.org/regular-expressions", "set": "http://exslt.org/sets"}


@lru_cache(maxsize=1024)
def compiled(rule: str) -> etree.XPath:
    """A rule (CSS, or XPath when it looks like one) as parsel would run it, compiled once."""
    query = rule if is_xpath(rule) else css2xpath(rule)
    namespaces = {p: uri for p, uri in _EXSLT.items() if f"{p}:" in query}
    return etree.XPath(query, namespaces=namespaces or None, smart_strings=False)


def first_match(sel: Selector, rules: list[str], stats=None,
                field: str | None = None) -> tuple[str | None, SelectorList]:
    """(the first rule that matches anything, its matches); rules are in priority order.

    With ``stats`` and ``field``, each rule tried counts under ``parser/<field>/<css|xpath>/<rule>``
    as itemloaders counts its own rules: +1 when it matched, +0 when it did not, so a markup
    change shows up as counts moving from one rule to the next.
    """
    for rule in rules:
        found = _select(sel, rule)
        if stats is not None and field:
            stats.inc_value(f"parser/{field}/{'xpath' if is_xpath(rule) else 'css'}/{rule}",
                            1 if found else 0)
        if found:
            return rule, found
    return None, SelectorList([])


def select_first(sel: Selector, rules: list[str], stats=None,
                 field: str | None = None) -> SelectorList:
    """The matches of the first rule that matches anything (rules in priority order)."""
    return first_match(sel, rules, stats, field)[1]


def select_all(sel: Selector, rules: list[str]) -> list[str]:
    """Every string matched by any rule, in rule order, duplicates kept."""
    values: list[str] = []
    for rule in rules:
        values.extend(_select(sel, rule).getall())
    return values


def read_entry(entry: Selector, base_url: str, tracking: list[str],
               rules: dict[str, list[str]] = ENTRY_DEFAULTS) -> dict | None:
    """One listing entry -> {url, title, source}; None when it links nowhere.

    ``rules`` are the profile's entry_link and entry_credit selectors, relative to the entry.
    """
    link = select_first(entry, rules.get("entry_link") or ENTRY_DEFAULTS["entry_link"])
    if not link or "href" not in link[0].attrib:
        return None
    href = link[0].attrib["href"].strip()
    title = clean_text(" ".join(link[0].xpath(".//text()").getall()))
    credit_text = clean_text(" ".join(select_first(entry, rules.get("entry_credit", [])).getall()))
    credit = bare_credit(credit_text) if credit_text else None
    if credit is None:
        title, credit = split_credit(title)
    url = normalize_url(join_url(base_url, href), tracking)
    if not title or not url or href.startswith(("javascript:", "mailto:", "#")):
        return None
    return {"url": url, "title": title, "source": credit}


def read_block(entries: SelectorList, base_url: str, tracking: list[str],
               rules: dict[str, list[str]] = ENTRY_DEFAULTS) -> list[dict]:
    """All entries of one block, in page order, duplicates kept (the links pipeline folds them)."""
    found = (read_entry(e, base_url, tracking, rules) for e in entries)
    return [e for e in found if e is not None]


def read_ranking(entries: SelectorList, base_url: str, tracking: list[str],
                 rules: dict[str, list[str]] = ENTRY_DEFAULTS) -> list[dict]:
    """The POPULAR NEWS block -> [{rank, url, title, source}], rank printed or by position."""
    ranking = []
    for position, entry in enumerate(entries, 1):
        item = read_entry(entry, base_url, tracking, rules)
        if item is None:
            continue
        printed = clean_text(select_first(entry, rules.get("entry_rank", [])).get())
        item["rank"] = int(printed) if printed.isdigit() else position
        if printed and item["title"].startswith(printed + " "):
            item["title"] = item["title"][len(printed) + 1:]
        ranking.append({"rank": item["rank"], "url": item["url"], "title": item["title"],
                        "source": item["source"]})
    return ranking
