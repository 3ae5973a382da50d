"""Text escaping and link addresses shared by every replica page renderer."""

from __future__ import annotations

import html

from newsbot.replica.content import Article, Gone, Story

# Tracking suffixes the portal's own widgets add to links (query strings never change the page).
REF_TOP = "?ref=top"
UTM_HOME = "?utm_source=newsonjapan&utm_medium=top_stories"
UTM_RELATED = "?utm_source=newsonjapan&utm_medium=related"
UTM_RSS = "?utm_source=rss&utm_medium=feed"

# What an "entities" story spells as character references; a reader sees the same text.
_NAMED = {"\u201c": "&ldquo;", "\u201d": "&rdquo;", '"': "&quot;"}
_RSQUO_FORMS = ("&#8217;", "&rsquo;")


def esc(text: str, *, entities: bool = False) -> str:
    """Escape text for an HTML text node; `entities` spells quotes as character references."""
    out = html.escape(text, quote=False).replace("\u00a0", "&nbsp;")
    if not entities:
        return out
    for char, ref in _NAMED.items():
        out = out.replace(char, ref)
    # Mix numeric and named forms, as pages pasted from several CMSes do; the starting form
    # depends on the text itself so that output stays deterministic.
    parts = out.split("\u2019")
    start = len(parts[0]) % 2
    return parts[0] + "".join(_RSQUO_FORMS[(start + i) % 2] + p for i, p in enumerate(parts[1:]))


def attr(text: str) -> str:
    """Escape text for a double-quoted attribute value."""
    return html.escape(text, quote=True).replace("\u00a0", "&nbsp;")


def story_text(story: Story, text: str) -> str:
    return esc(text, entities="entities" in story.quirks)


def current_url(story_id: int) -> str:
    return f"/article/{story_id}.php"


def old_url(story_id: int) -> str:
    return f"/html/newsdesk/article/{story_id}.php"


def link_for(target: Story, *, legacy_context: bool) -> str:
    """The address a page links for `target`.

    Legacy articles are linked by their old address everywhere, except the one
    "both-layouts" story whose current address a current page links. A legacy page
    links a "redirect-old-url" story by its old address, which answers 301.
    """
    if isinstance(target, Gone):
        return current_url(target.id)
    if target.is_legacy:
        if "both-layouts" in target.quirks and not legacy_context:
            return current_url(target.id)
        return old_url(target.id)
    if legacy_context and "redirect-old-url" in target.quirks:
        return old_url(target.id)
    return current_url(target.id)


def home_link(article: Article) -> str:
    suffix = REF_TOP if "home-ref-top" in article.quirks else ""
    suffix = UTM_HOME if "home-utm" in article.quirks else suffix
    return current_url(article.id) + suffix


def credit_span(story: Story) -> str:
    if not (story.listing_credit and story.credit):
        return ""
    return f' <span class="credit">({story_text(story, story.credit)})</span>'


def credit_plain(story: Story) -> str:
    if not (story.listing_credit and story.credit):
        return ""
    return f" ({story_text(story, story.credit)})"


def first_paragraph(article: Article) -> str:
    """The body's opening: '{dateline} ({credit}) - text', or '{dateline} - text' uncredited."""
    credit = f" ({esc(article.credit)})" if article.credit else ""
    return f"{esc(article.dateline)}{credit} - {story_text(article, article.body[0])}"


