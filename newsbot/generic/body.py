"""newsbot's own main-text finder: the article body of a page, from its lxml tree.

The method, in four steps (docs/extraction.md tells why each is there):

1. clean: drop what is never article text (scripts, forms' widgets, nav, asides, hidden
   elements) and the boxes whose class/id says boilerplate (comments, share bars, related links);
2. linearise: cut the page into text blocks, one per run of inline text inside a block element,
   each knowing its length, how much of it is link text, and which element holds it;
3. locate: a seed container is chosen by paragraph scoring (each prose block votes for the
   element holding it and, half as much, for that element's parent); the seed then climbs its
   ancestors while each is worth at least as much as its child (prose counts for, link lists and
   short crumbs against), and the widest one that adds a sixth more worth is taken;
4. trim: inside the chosen container the text runs from its first to its last prose block
   (short sentences beyond a link line at the ends are teaser cards; widened over a run of three or more plain lines: schedules, box scores), with link lines and
   short furniture outside paragraph elements dropped in between.

Pure functions; nothing here keeps state between calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

# Never article text, with everything inside.
DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
    "canvas", "button", "input", "select", "textarea", "option", "nav", "aside", "footer",
    "dialog", "link", "meta", "video", "audio", "map", "head", "figcaption",
})
# Elements that end a run of text.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "center", "dd", "details", "dir", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hgroup", "hr", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "ul", "caption", "body",
    "html", "legend", "br",
})
# How much more a parent box must be worth than the best box so far to be taken instead.
GROW = 1.15
SHORT_LINE = 60
# Plain lines after the last paragraph needed to count as the end of the story.
TAIL_LINES = 3
# A paragraph this long is story text wherever it sits; shorter sentences need a neighbour.
FULL_PARA = 80
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Blocks whose holder is their parent (a paragraph belongs to the container around it).
PARA_TAGS = frozenset({"p", "pre", "blockquote", "li", "dt", "dd", "h2", "h3", "h4", "h5", "h6",
                       "figcaption", "address"})

# Class/id word starts that mark boxes of other content (comments, teasers, ads): boilerplate
# even next to "article"/"content" ("post-comments", "related-articles").
_STRONG_NEG = ("footer", "comment", "disqus", "related", "recommend", "outbrain", "taboola", "sponsor",
               "advert", "promo", "trending", "popular")
# Class/id word starts of page furniture; boilerplate unless an article word is there too
# ("l-sidebar-fixed l-article-body" is a layout wrapper of the article itself).
_LAYOUT_NEG = ("share", "sharing", "social", "newsletter", "subscri", "cookie", "consent",
               "breadcrumb", "sidebar", "popup", "modal", "signup", "follow", "jump")
# Words that mark boilerplate unless the attribute also says article/content.
_WEAK_NEG_WORDS = frozenset({
    "ad", "ads", "adv", "banner", "menu", "nav", "navbar", "navigation", "footer", "header",
    "masthead", "widget", "tags", "tag", "byline", "author", "meta", "caption", "credit", "toolbar",
    "pagination", "pager", "tools", "print", "hidden", "skip", "login", "dateline", "timestamp",
    "ticker", "topics", "keywords", "bio", "more", "rail",
})
_POS_WORDS = ("article", "body", "content", "entry", "main", "post", "story", "text", "blog",
              "column")
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_COMMAS = re.compile(r"[,，、،]")
_SENT_END = re.compile(r"[.!?。！？…\"”’»)]\s*$")


@dataclass
class Block:
    """A run of text inside one block element."""

    text: str
    owner: etree._Element
    links: int  # characters of link text
    size: int  # length, CJK characters counted three times (they carry a word each)

    @property
    def link_density(self) -> float:
        return self.links / max(1, len(self.text))

    @property
    def tag(self) -> str:
        return self.owner.tag


def _attr_words(el: etree._Element) -> str:
    return ((el.get("class") or "") + " " + (el.get("id") or "")).strip()


def _boilerplate_kind(el: etree._Element) -> int:
    """0: no sign; 1: its class/id says boilerplate; 2: it says so next to an article word."""
    attrs = _attr_words(el)
    if not attrs:
        return 0
    words = [w for w in _WORD_SPLIT.split(attrs.lower()) if w]
    positive = any(w.startswith(_POS_WORDS) for w in words)
    if any(w.startswith(_STRONG_NEG) for w in words):
        return 2 if positive else 1
    if positive:
        return 0
    if any(w in _WEAK_NEG_WORDS or w.startswith(_LAYOUT_NEG) for w in words):
        return 1
    return 0


def _is_hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _drop(el: etree._Element) -> None:
    """Remove ``el`` and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def clean(body: etree._Element) -> None:
    """Drop never-text elements and boilerplate boxes from ``body`` in place."""
    doomed = []
    for el in body.iter():
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions, entities
            doomed.append(el)
            continue
        if tag in DROP_TAGS or _is_hidden(el):
            doomed.append(el)
    for el in doomed:
        _drop(el)
    total = len(body.text_content()) or 1
    doomed = []
    for el in body.iter():
        if el.tag in ("body", "html", "article", "main"):
            continue
        kind = _boilerplate_kind(el)
        if kind:
            # A page-wide wrapper that happens to say "sidebar" holds the article: keep it.
            if el.find(".//h1") is not None or el.find(".//article") is not None:
                continue
            if len(el.text_content()) > (0.5 if kind == 1 else 0.25) * total:
                continue
            # An embedded post (tweet, Instagram) is quoted article content, not a share bar.
            if kind == 1 and el.find(".//blockquote") is not None:
                continue
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            _drop(el)


def _size(text: str) -> int:
    cjk = len(_CJK.findall(text)) if len(text) < 2000 else len(_CJK.findall(text[:2000])) * len(text) // 2000
    return len(text) + 2 * cjk


def linearise(body: etree._Element) -> list[Block]:
    """Cut ``body`` into blocks of inline text, in document order."""
    blocks: list[Block] = []
    parts: list[str] = []
    link_chars = [0]
    owners: list[etree._Element] = [body]
    link_depth = [0]

    def flush() -> None:
        if parts:
            text = " ".join("".join(parts).split())
            parts.clear()
            if text:
                blocks.append(Block(text, owners[-1], min(link_chars[0], len(text)), _size(text)))
        link_chars[0] = 0

    def add(s: str | None) -> None:
        if s:
            parts.append(s)
            if link_depth[0]:
                link_chars[0] += len(s.strip())

    for event, el in etree.iterwalk(body, events=("start", "end")):
        tag = el.tag
        if event == "start":
            if tag == "br" or tag == "hr":
                flush()
                continue
            if tag in BLOCK_TAGS:
                flush()
                owners.append(el)
            elif tag == "a":
                link_depth[0] += 1
            elif tag in ("img",):
                pass
            add(el.text)
        else:
            if tag == "br" or tag == "hr":
                add(el.tail)
                continue
            if tag in BLOCK_TAGS:
                flush()
                if len(owners) > 1:
                    owners.pop()
            elif tag == "a":
                link_depth[0] -= 1
            if el is not body:
                add(el.tail)
    flush()
    return blocks


def _value(b: Block) -> float:
    """What a block is worth to the container that holds it: prose counts for, links against."""
    ld = b.link_density
    if ld > 0.5:
        return -float(b.size)
    if b.tag in HEADINGS:
        return 0.0
    if _is_prose(b):
        return b.size * (1.0 - ld)
    return -max(10.0, b.size * 0.5)


def _seed_votes(b: Block) -> float:
    if b.size < 25 or b.link_density > 0.5:
        return 0.0
    votes = 1.0 + len(_COMMAS.findall(b.text)) + min(b.size // 100, 3)
    # List items are teasers and menus more often than article paragraphs.
    return votes / 2 if b.tag in ("li", "dt", "dd") else votes


def locate(blocks: list[Block], body: etree._Element) -> tuple[int, int] | None:
    """Indexes [first, last] of the blocks of the article container, or ``None``."""
    if not blocks:
        return None
    votes: dict[etree._Element, float] = {}
    worth: dict[etree._Element, float] = {}
    chars: dict[etree._Element, int] = {}
    links: dict[etree._Element, int] = {}
    span: dict[etree._Element, list[int]] = {}
    for i, b in enumerate(blocks):
        v = _value(b)
        el = b.owner
        n, ln = len(b.text), b.links
        while el is not None:
            worth[el] = worth.get(el, 0.0) + v
            chars[el] = chars.get(el, 0) + n
            links[el] = links.get(el, 0) + ln
            s = span.get(el)
            if s is None:
                span[el] = [i, i]
            else:
                s[1] = i
            if el is body:
                break
            el = el.getparent()
        s = _seed_votes(b)
        if s:
            holder = b.owner if b.owner.tag not in PARA_TAGS else b.owner.getparent()
            if holder is None:
                holder = body
            votes[holder] = votes.get(holder, 0.0) + s
            gp = holder.getparent() if holder is not body else None
            if gp is not None:
                votes[gp] = votes.get(gp, 0.0) + s / 2
    if not votes:
        return None
    seed = max(votes, key=lambda e: votes[e] * (1.0 - links.get(e, 0) / max(1, chars.get(e, 1))))
    best, best_worth = seed, worth.get(seed, 0.0)
    el = seed
    # Climb while the parent is worth at least as much: it adds article parts (a story split
    # into several columns) rather than a sidebar or a footer.
    while el is not body:
        parent = el.getparent()
        if parent is None:
            break
        w = worth.get(parent, 0.0)
        if w < worth.get(el, 0.0):
            break
        el = parent
        # Take the wider box only when it adds a real part of the article (a sixth more),
        # not an author bio or a cookie notice next to it.
        if w > best_worth * GROW:
            best, best_worth = el, w
    first, last = span[best]
    return first, last


def _is_prose(b: Block) -> bool:
    if b.tag in HEADINGS:
        return False
    # A long paragraph stays prose with a few linked phrases; a short one must be mostly plain.
    if b.link_density > (0.5 if b.size >= 150 else 0.3):
        return False
    return b.size >= 60 or (b.size >= 30 and bool(_SENT_END.search(b.text)))


def _plain_line(b: Block) -> bool:
    return b.link_density <= 0.3 and (b.tag in PARA_TAGS or b.tag in ("p", "td", "th"))


def trim(blocks: list[Block]) -> list[Block]:
    """The article's blocks: from the first to the last prose block, link lists dropped."""
    prose = [i for i, b in enumerate(blocks) if _is_prose(b)]
    if not prose:
        return []
    # Short sentences past a link line at either end are teaser cards, not the story: the
    # ends are the outermost full paragraphs, widened over short prose only up to a link line.
    full = [i for i in prose if blocks[i].size >= FULL_PARA]
    if full:
        lo, hi = full[0], full[-1]
        while lo > prose[0] and blocks[lo - 1].link_density <= 0.5:
            lo -= 1
        while hi < prose[-1] and blocks[hi + 1].link_density <= 0.5:
            hi += 1
        kept = [i for i in prose if lo <= i <= hi]
        # ... when what is cut is a small part; otherwise the story is made of short lines.
        if sum(blocks[i].size for i in prose if not lo <= i <= hi) < 0.25 * sum(blocks[i].size for i in kept):
            prose = kept
    # A story may end (or open) with a run of short plain lines - a tour schedule, a box score,
    # a calendar: take the run when it is several lines long; one or two lines next to the text
    # are a credit, a byline or an "updated at".
    start, end = prose[0], prose[-1] + 1
    run = end
    while run < len(blocks) and _plain_line(blocks[run]):
        run += 1
    if run - end >= TAIL_LINES:
        end = run
    run = start
    while run > 0 and _plain_line(blocks[run - 1]):
        run -= 1
    if start - run >= TAIL_LINES:
        start = run
    out = []
    for b in blocks[start:end]:
        # Inside the article a linked sentence is still text; a short link line is a teaser.
        if b.link_density > 0.7 or (b.link_density > 0.5 and b.size < 80):
            continue
        if b.tag == "h1":
            continue
        # A short line outside any paragraph-like element ("Share", "Advert", a date) is page
        # furniture that sits between paragraphs.
        if (b.tag not in PARA_TAGS and b.tag not in HEADINGS and b.tag not in ("p", "td", "th")
                and b.size < SHORT_LINE and not _SENT_END.search(b.text)):
            continue
        out.append(b)
    return out


def extract_body(root: etree._Element) -> str:
    """The article body of the page under ``root`` (an ``<html>`` tree, changed in place)."""
    body = root.find("body")
    if body is None:
        body = root
    clean(body)
    blocks = linearise(body)
    where = locate(blocks, body)
    if where is None:
        return ""
    first, last = where
    kept = trim(blocks[first:last + 1])
    return "\n\n".join(b.text for b in kept)
