"""Read the link blocks of a page (MORE <Section> NEWS, POPULAR NEWS, listings); pure, no Scrapy."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import css2xpath

from newsbot.classindex import class_chain, select_classes
from newsbot.processors import bare_credit, clean_text, resolve, split_credit
from newsbot.profiles import ENTRY_DEFAULTS, is_xpath


def _select(sel: Selector, rule: str) -> SelectorList:
    """``sel.xpath(rule)`` or ``sel.css(rule)``, from a rule compiled once, with plain parsel
    Selectors for the matches: Scrapy's Selector subclass registers every match for leak
    tracking, which cost more than the matching, a hundred times a page."""
    root = sel.root
    if not hasattr(root, "xpath") or getattr(sel, "type", "html") not in ("html", "xml"):
        return sel.xpath(rule) if is_xpath(rule) else sel.css(rule)  # text and JSON selectors
    found = evaluate(sel, rule)
    kind = sel.type
    return SelectorList(Selector(root=m, type=kind)
                        for m in (found if isinstance(found, list) else [found]))


# The EXSLT prefixes parsel maps for rules that use them (re:test(...), set:distinct(...)).
_EXSLT = {"re": "http://exslt.org/regular-expressions", "set": "http://exslt.org/sets"}


def evaluate(sel: Selector, rule: str) -> list | object:
    """What ``rule`` matches over the whole page of ``sel`` (an HTML or XML Selector), as lxml
    gives it: class-only CSS rules from the page's class index (see newsbot/classindex.py), the
    rest by the compiled XPath."""
    chain = class_chain(rule)
    if chain is not None:
        return select_classes(sel, chain)
    return compiled(rule)(sel.root)


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


def first_nodes(sel: Selector, rules: list[str], stats=None,
                field: str | None = None) -> tuple[str | None, list | SelectorList]:
    """``first_match``, with the matches as lxml gives them (elements, strings) instead of a
    parsel Selector each: building one checks its root's type, which cost more than the
    matching on a link block's dozen entries. Counts rules in ``stats`` as ``first_match`` does;
    a selector that is not HTML or XML gets ``first_match``'s SelectorList."""
    root = sel.root
    if not isinstance(root, etree._Element) or getattr(sel, "type", "html") not in ("html", "xml"):
        return first_match(sel, rules, stats, field)
    for rule in rules:
        found = evaluate(sel, rule)
        if not isinstance(found, list):
            found = [found]
        if stats is not None and field:
            stats.inc_value(f"parser/{field}/{'xpath' if is_xpath(rule) else 'css'}/{rule}",
                            1 if found else 0)
        if found:
            return rule, found
    return None, []


def node(match: Selector | etree._Element | str) -> etree._Element | str:
    """A match as lxml gives it, whether wrapped in a Selector or not."""
    return match.root if isinstance(match, Selector) else match


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


# What parsel's css("a::attr(href)") runs on each entry of a block.
_HREFS = etree.XPath("descendant-or-self::a/@href", smart_strings=False)


def block_hrefs(sel: Selector, rules: list[str]) -> list[str]:
    """Every link href in the entries of a block (its first matching rule), in page order.

    The spider follows these on every article page; read on lxml with the compiled rules, as
    ``select_first(sel, rules).css("a::attr(href)").getall()`` reads them.
    """
    root = sel.root
    if not isinstance(root, etree._Element) or getattr(sel, "type", "html") not in ("html", "xml"):
        return select_first(sel, rules).css("a::attr(href)").getall()
    found = READ_BLOCKS.take(root, rules)
    if found is None:
        found = _first(root, rules)
    return [h for m in found if isinstance(m, etree._Element) for h in _HREFS(m)]


class NodeMemo:
    """The matches of block rules on the pages read last, so that following a page's links
    does not search the page again for the blocks its extraction has just found.

    Keyed by the parsed tree's root element and the rules; an entry keeps its root alive, so
    the id cannot be reused while it is held, and nothing changes a response's tree after the
    parse. Each entry is taken once, and only a few pages' are kept (memory stays flat).
    """

    def __init__(self, size: int = 8):
        self.size = size
        self._found: dict[tuple, tuple[etree._Element, list]] = {}

    def put(self, root: etree._Element, rules: list[str], found: list) -> None:
        if len(self._found) >= self.size:
            del self._found[next(iter(self._found))]
        self._found[(id(root), tuple(rules))] = (root, found)

    def take(self, root: etree._Element, rules: list[str]) -> list | None:
        held = self._found.pop((id(root), tuple(rules)), None)
        return held[1] if held is not None and held[0] is root else None


# One per process, as the loader and the spider read the same responses.
READ_BLOCKS = NodeMemo()


def read_entry(entry: Selector | etree._Element, base_url: str, tracking: list[str],
               rules: dict[str, list[str]] = ENTRY_DEFAULTS) -> dict | None:
    """One listing entry -> {url, title, source}; None when it links nowhere.

    ``rules`` are the profile's entry_link and entry_credit selectors, relative to the entry.
    Read on the lxml element with the compiled rules, as ``select_first`` would read it but
    without a parsel Selector per match: a page has twenty-odd entries, three rules each.
    """
    root = node(entry)
    if not isinstance(root, etree._Element):
        return None  # a text or attribute match holds no link
    link = _first(root, rules.get("entry_link") or ENTRY_DEFAULTS["entry_link"])
    if not link or not isinstance(link[0], etree._Element) or "href" not in link[0].attrib:
        return None
    href = link[0].attrib["href"].strip()
    title = clean_text(" ".join(_TEXTS(link[0])))
    credit_text = clean_text(" ".join(strings_of(_first(root, rules.get("entry_credit", [])))))
    credit = bare_credit(credit_text) if credit_text else None
    if credit is None:
        title, credit = split_credit(title)
    if not title or href.startswith(("javascript:", "mailto:", "#")):
        return None
    url = resolve(base_url, href, tracking)
    if not url:
        return None
    return {"url": url, "title": title, "source": credit}


_TEXTS = etree.XPath(".//text()", smart_strings=False)


def _first(root: etree._Element, rules: list[str]) -> list:
    """The matches of the first rule that matches anything, as lxml returns them."""
    for rule in rules:
        found = compiled(rule)(root)
        if not isinstance(found, list):
            found = [found]
        if found:
            return found
    return []


def strings_of(found: list) -> list[str]:
    """Matches as parsel's ``getall`` gives them: elements serialised, text as it is."""
    out = []
    for m in found:
        if isinstance(m, str):
            out.append(m)
        elif isinstance(m, etree._Element):
            out.append(etree.tostring(m, method="html", encoding="unicode", with_tail=False))
        else:
            out.append("1" if m is True else "0" if m is False else str(m))
    return out


def read_block(entries: SelectorList | list, base_url: str, tracking: list[str],
               rules: dict[str, list[str]] = ENTRY_DEFAULTS) -> list[dict]:
    """All entries of one block, in page order, duplicates kept (the links pipeline folds them)."""
    found = (read_entry(e, base_url, tracking, rules) for e in entries)
    return [e for e in found if e is not None]


def read_ranking(entries: SelectorList | list, base_url: str, tracking: list[str],
                 rules: dict[str, list[str]] = ENTRY_DEFAULTS) -> list[dict]:
    """The POPULAR NEWS block -> [{rank, url, title, source}], rank printed or by position."""
    ranking = []
    for position, entry in enumerate(entries, 1):
        item = read_entry(entry, base_url, tracking, rules)
        if item is None:
            continue
        rank = strings_of(_first(node(entry), rules.get("entry_rank", [])))
        printed = clean_text(rank[0] if rank else None)
        item["rank"] = int(printed) if printed.isdigit() else position
        if printed and item["title"].startswith(printed + " "):
            item["title"] = item["title"][len(printed) + 1:]
        ranking.append({"rank": item["rank"], "url": item["url"], "title": item["title"],
                        "source": item["source"]})
    return ranking


Reader = Callable[..., list[dict]]


class BlockMemo:
    """Readings of link blocks, remembered by the blocks' markup, and of MORE NEWS entries by
    theirs.

    POPULAR NEWS is the same on every page and a section's MORE NEWS on most of its pages:
    reading their entries again (a dozen rules and a URL join each) was half of extraction.
    A block whose markup, page directory, tracking parameters, rules and reader match one read
    before reads the same, so the earlier reading is handed out again (as fresh dicts: items
    are changed downstream). A MORE NEWS block that differs from every one read before still
    shares most of its entries with them (the same stories are related on many pages: 72% of
    the entries on 300 generated pages), so its entries are remembered one by one too.
    A block's reading is kept from the second time its markup is seen: in a crawl almost every
    MORE NEWS block is new (6,007 of 6,007 in the first 6,000 pages of the 50,000 site), and
    keeping them all held up to 512 markup keys (~4 KB each) and their readings, thrown away
    every 512 pages without one being asked for again. Bounded, so memory does not grow with
    the crawl.
    """

    def __init__(self, size: int = 512, entries: int = 4096):
        self.size = size
        self.entries_size = entries
        self._found: dict[tuple, list[dict]] = {}
        self._seen_once: set[int] = set()  # hashes of block keys read once, not kept
        self._entries: dict[tuple, dict | None] = {}

    def read(self, entries: SelectorList | list, base_url: str, tracking: list[str],
             rules: dict[str, list[str]], reader: Reader) -> list[dict]:
        where = self._where(entries, base_url, rules)
        if where is None:
            return reader(entries, base_url, tracking, rules)
        markups = [etree.tostring(node(e), with_tail=False) for e in entries]
        flat = tuple((k, tuple(v)) for k, v in sorted(rules.items()))
        key = (reader, where, tuple(tracking), flat, b"".join(markups))
        found = self._found.get(key)
        if found is None:
            if reader is read_block:
                found = self._read_entries(entries, markups, key[1:4], base_url, tracking, rules)
            else:
                found = reader(entries, base_url, tracking, rules)
            if not _page_relative(entries):
                self._keep(key, found)
        return [dict(e) for e in found]

    def _keep(self, key: tuple, found: list[dict]) -> None:
        """Remember a reading whose block was seen before; note the others' keys only."""
        mark = hash(key)
        if mark not in self._seen_once:
            if len(self._seen_once) >= self.size:
                self._seen_once.clear()
            self._seen_once.add(mark)
            return
        if len(self._found) >= self.size:
            self._found.clear()
        self._found[key] = found

    def _read_entries(self, entries: SelectorList | list, markups: list[bytes], context: tuple,
                      base_url: str, tracking: list[str],
                      rules: dict[str, list[str]]) -> list[dict]:
        """``read_block``, each entry from memory when one with its markup was read before."""
        found = []
        for entry, markup in zip(entries, markups):
            key = (context, markup)
            if key in self._entries:
                item = self._entries[key]
            else:
                item = read_entry(entry, base_url, tracking, rules)
                if not _page_relative([entry]):
                    if len(self._entries) >= self.entries_size:
                        self._entries.clear()
                    self._entries[key] = item
            if item is not None:
                found.append(item)
        return found

    @staticmethod
    def _where(entries: SelectorList | list, base_url: str,
               rules: dict[str, list[str]]) -> tuple | None:
        """What a reading depends on besides the markup: the page's scheme, host and directory
        (hrefs that need more of the address are checked in _page_relative); None when the
        markup alone is no key."""
        if not all(isinstance(node(e), etree._Element) for e in entries) or \
                not all(_inside_entry(rule) for v in rules.values() for rule in v):
            return None  # a rule that looks outside its entry
        try:
            base = urlsplit(base_url)
        except ValueError:
            return None
        return (base.scheme, base.netloc, base.path.rpartition("/")[0])


@lru_cache(maxsize=256)
def _inside_entry(rule: str) -> bool:
    """Whether a rule reads only inside the entry it is applied to."""
    if not is_xpath(rule):
        return True  # parsel's CSS selects the entry's descendants (or the entry itself)
    return rule.startswith("./") and not rule.startswith(("./following", "./preceding")) and \
        not any(axis in rule for axis in ("..", "ancestor", "parent::", "preceding::",
                                          "following::"))


def _page_relative(entries: SelectorList | list) -> bool:
    """Whether a link in the block resolves against the whole page address ("", "?page=2")."""
    return any(not h.strip() or h.strip().startswith(("?", ";"))
               for e in entries for h in _ALL_HREFS(node(e)))


_ALL_HREFS = etree.XPath(".//@href", smart_strings=False)  # compiled once, not per block
