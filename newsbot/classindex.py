"""Answer class-only CSS rules (".article-body", ".more-news .news-item") from one pass over a
page's class attributes instead of one XPath walk of the whole tree per rule.

libxml2 tests a class by turning each element's class attribute into a string and searching it,
for every element, rule after rule: four such rules took ~0.7 ms of a 2.3 ms article page (the
profile in docs/benchmarks.md), more than the crawl's parse. Here one XPath reads every class
attribute once per page, the class names the profiles' rules ask for are indexed by element in
document order, and each rule is answered from that index, with the same matches in the same
order as the compiled XPath (tests/test_classindex.py compares the two on every replica page).

Only whole-page rules made of class selectors go this way: ``.a``, ``.a.b``, and steps of those
joined by a descendant (" ") or child (">") combinator. Anything else (a tag, an attribute, a
pseudo-element) is left to the compiled XPath.
"""

from __future__ import annotations

import re
import weakref
from functools import lru_cache

from lxml import etree
from parsel import Selector

# "a" in ".a": what a CSS identifier without escapes can be.
_STEP = re.compile(r"(?:\.-?[A-Za-z_][\w-]*)+")
_RULE = re.compile(rf"\s*{_STEP.pattern}(?:\s*(?:>|\s)\s*{_STEP.pattern})*\s*")
_PART = re.compile(rf"({_STEP.pattern})|\s*(>)\s*|\s+")

# XPath's normalize-space (which the class test of a compiled CSS rule uses) splits on these four
# only; str.split() would also split on "\x0c", "\xa0" and other white space.
_XML_SPACE = re.compile(r"[ \t\r\n]+")

# Every element that has a class attribute, as the attribute's value with its element at hand.
_CLASS_VALUES = etree.XPath("descendant-or-self::*/@class")

Chain = tuple[tuple[str, tuple[str, ...]], ...]  # (combinator, classes) for each step


@lru_cache(maxsize=1024)
def class_chain(rule: str) -> Chain | None:
    """The steps of a class-only CSS rule, first to last; None for any other rule.

    ``".more-news .news-item"`` gives ``(("", ("more-news",)), (" ", ("news-item",)))``.
    """
    if not _RULE.fullmatch(rule):
        return None
    steps: list[tuple[str, tuple[str, ...]]] = []
    combinator = ""
    for m in _PART.finditer(rule.strip()):
        if m.group(1):
            steps.append((combinator, tuple(m.group(1).split(".")[1:])))
            combinator = " "
        elif m.group(2):
            combinator = ">"
    return tuple(steps)


class ClassIndex:
    """The elements of one page that carry each wanted class name, in document order."""

    def __init__(self, root: etree._Element, wanted: frozenset[str]):
        self.wanted = wanted
        self._elements: dict[str, list[etree._Element]] = {name: [] for name in wanted}
        for value in _CLASS_VALUES(root):
            # A printable value has no white space but " ": a plain split is XPath's split.
            names = value.split() if value.isprintable() else _XML_SPACE.split(value)
            element = None
            for name in names:
                if name in wanted:
                    element = element if element is not None else value.getparent()
                    found = self._elements[name]
                    if not found or found[-1] is not element:  # class="a a" counts once
                        found.append(element)

    def select(self, chain: Chain) -> list[etree._Element]:
        """The elements matching every step of ``chain``, in document order."""
        matched: list[etree._Element] = []
        for i, (combinator, names) in enumerate(chain):
            candidates = self._with_all(names)
            if i == 0:
                matched = candidates
                continue
            outer = set(matched)
            if combinator == ">":
                matched = [el for el in candidates if el.getparent() in outer]
            else:
                matched = [el for el in candidates
                           if any(up in outer for up in el.iterancestors())]
            if not matched:
                break
        return matched

    def _with_all(self, names: tuple[str, ...]) -> list[etree._Element]:
        first = self._elements[names[0]]
        if len(names) == 1:
            return first
        others = [set(self._elements[n]) for n in names[1:]]
        return [el for el in first if all(el in other for other in others)]


# The index of each live Selector: the loader and the spider ask rules of the same page, and the
# entry goes with the Selector (the release middleware drops it once the page is read).
_INDEXES: weakref.WeakKeyDictionary[Selector, ClassIndex] = weakref.WeakKeyDictionary()
_WANTED: set[str] = set()  # every class name a class-only rule has asked for


def select_classes(sel: Selector, chain: Chain) -> list[etree._Element]:
    """``chain`` matched over the whole page of ``sel`` (an HTML or XML Selector)."""
    names = {name for _, step in chain for name in step}
    index = _INDEXES.get(sel)
    if index is None or not names <= index.wanted:
        _WANTED.update(names)
        index = _INDEXES[sel] = ClassIndex(sel.root, frozenset(_WANTED))
    return index.select(chain)
