"""Read the link blocks of a page (MORE <Section> NEWS, POPULAR NEWS, listings); pure, no Scrapy."""

from __future__ import annotations

from parsel import Selector, SelectorList

from newsbot.processors import bare_credit, clean_text, join_url, normalize_url, split_credit


def select_first(sel: Selector, rules: list[str]) -> SelectorList:
    """The matches of the first rule that matches anything (rules in priority order)."""
    for rule in rules:
        found = sel.xpath(rule) if rule.startswith(("/", "(")) else sel.css(rule)
        if found:
            return found
    return SelectorList([])


def select_all(sel: Selector, rules: list[str]) -> list[str]:
    """Every string matched by any rule, in rule order, duplicates kept."""
    values: list[str] = []
    for rule in rules:
        found = sel.xpath(rule) if rule.startswith(("/", "(")) else sel.css(rule)
        values.extend(found.getall())
    return values


def read_entry(entry: Selector, base_url: str, tracking: list[str]) -> dict | None:
    """One listing entry -> {url, title, source}; None when it links nowhere."""
    link = entry.css("a[href]")
    if not link:
        return None
    href = link[0].attrib["href"].strip()
    title = clean_text(" ".join(link[0].css("::text").getall()))
    credit_text = clean_text(" ".join(entry.css(".credit ::text").getall()))
    if not credit_text:  # older layout: the credit is plain text after the link
        credit_text = clean_text(" ".join(link[0].xpath("following-sibling::text()").getall()))
    credit = bare_credit(credit_text) if credit_text.startswith("(") else None
    if credit is None:
        title, credit = split_credit(title)
    url = normalize_url(join_url(base_url, href), tracking)
    if not title or not url or href.startswith(("javascript:", "mailto:", "#")):
        return None
    return {"url": url, "title": title, "source": credit}


def read_block(entries: SelectorList, base_url: str, tracking: list[str]) -> list[dict]:
    """All entries of one block, in page order, duplicates kept (the links pipeline folds them)."""
    found = (read_entry(e, base_url, tracking) for e in entries)
    return [e for e in found if e is not None]


def read_ranking(entries: SelectorList, base_url: str, tracking: list[str]) -> list[dict]:
    """The POPULAR NEWS block -> [{rank, url, title, source}], rank printed or by position."""
    ranking = []
    for position, entry in enumerate(entries, 1):
        item = read_entry(entry, base_url, tracking)
        if item is None:
            continue
        printed = clean_text(entry.css(".rank::text").get())
        item["rank"] = int(printed) if printed.isdigit() else position
        if printed and item["title"].startswith(printed + " "):
            item["title"] = item["title"][len(printed) + 1:]
        ranking.append({"rank": item["rank"], "url": item["url"], "title": item["title"],
                        "source": item["source"]})
    return ranking
