"""HTML page renderers: current and legacy article pages, section indexes, the home page."""

from __future__ import annotations

import math

from newsbot.replica import chrome
from newsbot.replica.content import Article, Section, Site
from newsbot.replica.markup import (
    UTM_RELATED,
    attr,
    credit_plain,
    credit_span,
    current_url,
    esc,
    first_paragraph,
    home_link,
    link_for,
    old_url,
    story_text,
)

PAGE_SIZE = 5
HOME_STORIES = 10

# Charset quirks: (encoding to write the bytes in, the <meta> line the page carries).
_UTF8_META = '<meta charset="utf-8">'
_BODY_SCRIPT = (
    "<script>googletag.cmd.push(function() { googletag.display('div-gpt-body'); });</script>"
)
CHARSETS = {
    "charset-shift-jis-header": ("shift_jis", ""),  # declared only by the HTTP header
    "charset-windows-1252-meta": ("cp1252", '<meta charset="windows-1252">'),
}


def page_encoding(article: Article) -> str:
    return next((CHARSETS[q][0] for q in article.quirks if q in CHARSETS), "utf-8")


def _meta_charset(article: Article | None) -> str:
    if article is None:
        return _UTF8_META
    return next((CHARSETS[q][1] for q in article.quirks if q in CHARSETS), _UTF8_META)


def _document(site: Site, *, title: str, head: str, content: str, active: Section | None,
              charset: str = _UTF8_META) -> str:
    charset_line = f"{charset}\n" if charset else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head>\n'
        f"{charset_line}<title>{title}</title>\n{head}\n{chrome.head_assets()}\n</head><body>\n"
        f"{chrome.header(site, active)}\n"
        f'<div id="wrapper">\n<div id="content">\n{content}\n</div>\n'
        f"{chrome.sidebar(site)}\n</div>\n"
        f"{chrome.footer(site)}\n</body></html>\n"
    )


def _body_paragraphs(article: Article) -> str:
    paras = [first_paragraph(article)] + [story_text(article, p) for p in article.body[1:]]
    out = []
    for i, para in enumerate(paras):
        out.append(f"<p>{para}</p>")
        # Ads and tag scripts the CMS injects between paragraphs; the crawler must skip them.
        if i == 0 and "ad-in-body" in article.quirks:
            out.append(chrome.ad_slot("body"))
        if i == 1 and "script-in-body" in article.quirks:
            out.append(_BODY_SCRIPT)
    return "\n".join(out)


def _related_block(article: Article, site: Site) -> str:
    legacy_context = article.is_legacy
    suffix = UTM_RELATED if "related-tracking" in article.quirks else ""
    rows = []
    for story in map(site.story, article.related):
        url = link_for(story, legacy_context=legacy_context)
        url += suffix if url == current_url(story.id) else ""
        rows.append(
            f'<div class="news-item"><a href="{attr(url)}">{story_text(story, story.summary)}</a>'
            f"{credit_span(story)}</div>"
        )
    return (
        f'<div class="more-news">\n<h2>MORE {article.section} NEWS</h2>\n'
        + "\n".join(rows)
        + "\n</div>"
    )


def render_article(article: Article, site: Site) -> str:
    """The current-layout page at /article/<id>.php."""
    section = site.section(article.section)
    headline = story_text(article, article.headline)
    head = (
        f'<meta name="description" content="{attr(article.summary)}">\n'
        f'<meta property="og:title" content="{attr(article.headline)}">\n'
        '<meta property="og:type" content="article">\n'
        f'<meta property="og:site_name" content="{attr(site.portal_name)}">\n'
        f'<link rel="canonical" href="{current_url(article.id)}">'
    )
    share = attr(current_url(article.id))
    content = (
        '<div class="article">\n'
        f'<div class="kicker"><a href="{section.url}">{section.name}</a> | '
        f"{esc(article.dateline)}</div>\n"
        f'<h1 class="headline">{headline}</h1>\n'
        f"{_share_buttons(share)}\n"
        f'<div class="article-body">\n{_body_paragraphs(article)}\n</div>\n'
        "</div>\n"
        f"{chrome.ad_slot('after-article')}\n"
        f"{_related_block(article, site)}"
    )
    return _document(site, title=f"{headline} | {esc(site.portal_name)}", head=head,
                     content=content, active=section, charset=_meta_charset(article))


def _share_buttons(url: str) -> str:
    targets = (
        ("fb", "https://www.facebook.com/sharer/sharer.php?u=", "Share"),
        ("tw", "https://x.com/intent/tweet?url=", "Tweet"),
        ("line", "https://social-plugins.line.me/lineit/share?url=", "LINE"),
        ("hb", "https://b.hatena.ne.jp/entry/", "Hatena"),
    )
    links = "".join(
        f'<a class="{css}" href="{base}{url}" rel="nofollow">{label}</a>'
        for css, base, label in targets
    )
    return f'<div class="share-buttons">{links}</div>'


def render_legacy_article(article: Article, site: Site) -> str:
    """The old table layout at /html/newsdesk/article/<id>.php (no <p> in the body)."""
    section = site.section(article.section)
    headline = story_text(article, article.headline)
    paras = [first_paragraph(article)] + [story_text(article, p) for p in article.body[1:]]
    related = "".join(
        f'<li><a href="{attr(link_for(s, legacy_context=True))}">{story_text(s, s.summary)}</a>'
        f"{credit_plain(s)}</li>"
        for s in map(site.story, article.related)
    )
    main = (
        '<td id="maincol" valign="top">'
        f'<div id="newsheader"><a href="{section.legacy_url}">{section.name}</a> | '
        f"{esc(article.dateline)}</div>\n"
        f'<h2 id="newstitle">{headline}</h2>\n'
        f'<div id="newstext">{"<br><br>".join(paras)}</div>\n'
        f'<div class="morenews"><b>MORE {section.name} NEWS</b><ul>{related}</ul></div>\n'
        "</td>"
    )
    return _legacy_document(site, f"{headline} - {esc(site.portal_name)}",
                            f'<link rel="canonical" href="{current_url(article.id)}">', main)


def _legacy_document(site: Site, title: str, head: str, main: str) -> str:
    return (
        f"<html><head><title>{title}</title>\n"
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
        f"{head}\n"
        '<script type="text/javascript" src="https://www.google-analytics.com/urchin.js">'
        "</script>\n"
        '<style type="text/css">body{font-family:Verdana,Arial;font-size:12px;margin:0}'
        "#layout{width:980px}#leftnav{background:#eee}#newstitle{color:#900}"
        ".newslist li{margin:6px 0}</style>\n"
        '</head>\n<body><table id="layout" cellpadding="6" cellspacing="0" border="0"><tr>\n'
        f"{chrome.legacy_leftnav(site)}\n{main}\n{chrome.legacy_popular(site)}\n"
        "</tr></table>\n"
        f'<div align="center"><font size="1">Copyright &copy; {esc(site.portal_name)}. '
        '<a href="/">Home</a> | <a href="/rss/top.xml">RSS</a></font></div>\n</body></html>\n'
    )


def page_count(n_items: int, page_size: int = PAGE_SIZE) -> int:
    return max(1, math.ceil(n_items / page_size))


def _summary(article: Article, url: str) -> str:
    return (
        f'<div class="summary"><a href="{attr(url)}">{story_text(article, article.summary)}</a>'
        f"{credit_span(article)}</div>"
    )


def render_section_page(section: Section, page: int, site: Site, *, page_size: int = PAGE_SIZE,
                        window: int | None = None) -> str:
    """/<slug>/ (page 1) or /<slug>/index<N>.php, five summaries a page, newest first.

    ``window`` numbers only the pages within that distance of this one (and the first and
    last): a section of thousands of pages does not list every page on every page.
    """
    articles = site.section_articles(section.name)
    pages = page_count(len(articles), page_size)
    chunk = articles[(page - 1) * page_size : page * page_size]
    numbers = range(1, pages + 1)
    if window is not None:
        numbers = sorted({1, pages, *range(max(1, page - window), min(pages, page + window) + 1)})
    links = " ".join(_page_link(section, n, page) for n in numbers)
    if page < pages:
        links += f' <a class="next" href="{section.page_url(page + 1)}">Next &raquo;</a>'
    content = (
        f'<h1 class="section-title">{section.name} | {page}</h1>\n'
        '<div class="summaries">\n'
        + "\n".join(_summary(a, current_url(a.id)) for a in chunk)
        + f'\n</div>\n<div class="pagination">{links}</div>'
    )
    head = (
        f'<meta name="description" content="Latest {section.name} news from Japan, page {page}.">\n'
        f'<link rel="canonical" href="{section.page_url(page)}">\n'
        f'<link rel="alternate" type="application/rss+xml" href="{section.feed_dir}index.xml">'
    )
    title = f"{section.name} News | {esc(site.portal_name)}"
    return _document(site, title=title, head=head, content=content, active=section)


def _page_link(section: Section, n: int, page: int) -> str:
    current = ' class="current"' if n == page else ""
    return f'<a href="{section.page_url(n)}"{current}>{n}</a>'


def render_legacy_section_page(section: Section, page: int, site: Site) -> str:
    """/html/newsdesk/<Legacy_slug>/ and .../index<N>.php: the old list of legacy articles."""
    articles = site.section_articles(section.name, legacy=True)
    pages = page_count(len(articles))
    chunk = articles[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    items = "".join(
        f'<li><a href="{old_url(a.id)}">{story_text(a, a.summary)}</a>{credit_plain(a)}</li>'
        for a in chunk
    )
    # Old relative links, as the old CMS wrote them: "./" is page 1.
    nums = " ".join(
        f'<a href="{"./" if n == 1 else f"index{n}.php"}">{n}</a>' for n in range(1, pages + 1)
    )
    nxt = f' <a href="index{page + 1}.php">Next</a>' if page < pages else ""
    main = (
        f'<td id="maincol" valign="top"><h2 id="sectiontitle">{section.name} | {page}</h2>'
        f'<ul class="newslist">{items}</ul><div class="pages">{nums}{nxt}</div></td>'
    )
    head = f'<link rel="alternate" type="application/rss+xml" href="{section.feed_dir}archive.xml">'
    return _legacy_document(site, f"{section.name} News - {esc(site.portal_name)}", head, main)


def render_home(site: Site) -> str:
    """/: nav, the ten newest stories (some links tracked), popular news, footer."""
    top = site.newest()[:HOME_STORIES]
    content = (
        '<h1 class="section-title">Top Stories</h1>\n<div id="top-stories">\n'
        + "\n".join(_summary(a, home_link(a)) for a in top)
        + "\n</div>"
    )
    head = (
        '<meta name="description" content="News On Japan: the latest Japan news in English, '
        'gathered from Japanese and international media.">\n<link rel="canonical" href="/">'
    )
    return _document(site, title=f"{esc(site.portal_name)} | Japan news in English", head=head,
                     content=content, active=None)


def render_info_page(site: Site, title: str, paragraphs: tuple[str, ...]) -> str:
    """Small static pages the footer links (about, privacy)."""
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    content = (
        f'<h1 class="section-title">{esc(title)}</h1>\n<div class="static-page">\n{body}\n</div>'
    )
    return _document(site, title=f"{esc(title)} | {esc(site.portal_name)}", head="",
                     content=content, active=None)
