"""Turn an HTML element into clean paragraphs: the body reader shared by every layout."""

from __future__ import annotations

from lxml import etree

from newsbot.processors import clean_text

# Elements that end a paragraph in every layout we read.
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "blockquote", "li", "ul", "ol", "dl", "dt", "dd",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "figure", "figcaption",
    "pre", "header", "footer", "aside", "nav", "hr",
})
# Never text, whatever a profile says.
ALWAYS_DROP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg"})
_BR = object()


def paragraphs(root: etree._Element, drop: set[etree._Element] | frozenset = frozenset()) -> list[str]:
    """Paragraphs of ``root``'s text, split at block elements and at double <br>.

    Elements in ``drop`` (ads, share buttons) and script-like elements are skipped with their
    content; the text that follows them is kept.
    """
    reader = _Paragraphs(drop)
    reader.walk(root)
    reader.flush()
    return reader.out


class _Paragraphs:
    """The walk's state. A class, not closures: a recursive inner function refers to itself
    through its closure, a reference cycle that held the page's tree (through ``drop``) until
    the garbage collector came by, instead of freeing it when the page was read."""

    __slots__ = ("drop", "out", "parts")

    def __init__(self, drop: set[etree._Element] | frozenset):
        self.drop = drop
        self.out: list[str] = []
        self.parts: list[object] = []

    def flush(self) -> None:
        parts = self.parts
        if not parts:  # every block element flushes on entry and exit; most find nothing
            return
        text = clean_text("".join(" " if p is _BR else p for p in parts))  # type: ignore[misc]
        parts.clear()
        if text:
            self.out.append(text)

    def walk(self, el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None or tag in ALWAYS_DROP or el in self.drop:
            if tag in BLOCK_TAGS:  # a dropped ad box still separates the text around it
                self.flush()
            return
        if tag == "br":
            parts = self.parts
            last = next((p for p in reversed(parts) if p is _BR or p.strip()), None)  # type: ignore[union-attr]
            if last is _BR:
                self.flush()
            else:
                parts.append(_BR)
            return
        block = tag in BLOCK_TAGS
        if block:
            self.flush()
        self.add(el.text)
        for child in el:
            self.walk(child)
            self.add(child.tail)
        if block:
            self.flush()

    def add(self, text: str | None) -> None:
        # Whitespace before any text would be stripped anyway; keeping it out leaves the
        # newline between two paragraphs from costing a paragraph's worth of cleaning.
        if text and (self.parts or not text.isspace()):
            self.parts.append(text)
