"""Renders the Japan Dispatch replica (fixtures/japandispatch/articles.toml) into a static site.

The second portal newsbot's site profiles are tested on, built unlike News On Japan: dated article
addresses, JSON-LD, "load more" section pages answered as ?page=N fragments, credits in a byline
or a source note, datelines with the full date or none. The output is a document root with a
_site.json that newsbot.replica.server serves (its "queries" map gives ?page=N its own file).

    python -m newsbot.replicas.japandispatch fixtures/japandispatch/articles.toml \
        fixtures/japandispatch/site
"""

from __future__ import annotations

import json
import shutil
import sys
import tomllib
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

TEMPLATES = ("news", "feature", "brief", "opinion")
MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
          "Nov.", "Dec."]
ATOM = "application/atom+xml; charset=utf-8"


@dataclass
class Site:
    data: dict

    def __post_init__(self) -> None:
        self.info = self.data["site"]
        self.name = self.info["name"]
        self.articles = sorted(self.data["article"], key=lambda a: a["published"], reverse=True)
        self.by_slug = {a["slug"]: a for a in self.articles}
        self.gone = {g["slug"]: g for g in self.data.get("gone", [])}
        self.renamed = {r["old"]: self.by_slug[r["new"]] for r in self.data.get("renamed", [])}
        self.live = self.data.get("live", [])

    def story(self, slug: str) -> dict:
        """An article, a renamed story's current article, or a gone story."""
        return self.by_slug.get(slug) or self.renamed.get(slug) or self.gone[slug]

    def in_section(self, name: str) -> list[dict]:
        return [a for a in self.articles if a["section"] == name]


def when(story: dict) -> datetime:
    return datetime.fromisoformat(story["published"])


def url_of(story: dict, slug: str | None = None) -> str:
    """/YYYY/MM/DD/slug/ by the date as published (Japan time)."""
    return when(story).strftime("/%Y/%m/%d/") + (slug or story["slug"]) + "/"


def link_of(site: Site, slug: str) -> str:
    """The address a page links a story by: a renamed story by its old address (it redirects)."""
    return url_of(site.story(slug), slug)


def shown_date(story: dict) -> str:
    d = when(story)
    hour = d.hour % 12 or 12
    return (f"{MONTHS[d.month - 1]} {d.day}, {d.year}, {hour}:{d.minute:02d} "
            f"{'a.m.' if d.hour < 12 else 'p.m.'} JST")


def load_site(path: Path) -> Site:
    site = Site(tomllib.loads(path.read_text("utf-8")))
    check(site)
    return site


def check(site: Site) -> None:
    """The truth must be coherent before it is rendered: raise ValueError saying what is not."""
    sections = {s["name"] for s in site.data["section"]}
    if len(site.by_slug) != len(site.articles):
        raise ValueError("two articles share a slug")
    for a in site.articles:
        problems = [
            a["template"] not in TEMPLATES and f"unknown template {a['template']!r}",
            a["section"] not in sections and f"unknown section {a['section']!r}",
            any(r not in site.by_slug and r not in site.renamed and r not in site.gone
                for r in a["related"]) and "a related story is missing",
            ("dateline" in a) != (a["template"] == "news") and "only news prints a dateline",
            a["source"] != (CREDITS.get(a.get("credit"), a.get("credit")) or site.name)
            and "source does not follow from the credit",
        ]
        found = [p for p in problems if p]
        if found:
            raise ValueError(f"article {a['slug']}: {found[0]}")


# Printed credits and the name each stands for (the profile's [sources] agrees).
CREDITS = {"Kyodo News": "Kyodo", "NHK WORLD-JAPAN": "NHK", "The Japan Times": "Japan Times",
           "The Asahi Shimbun": "Asahi Shimbun", "Nikkei Asia": "Nikkei"}


# -- page furniture ------------------------------------------------------------------------------

def page(site: Site, title: str, main: str, head: str = "", sidebar: bool = True) -> str:
    nav = "".join(f'<a href="/section/{s["slug"]}/">{escape(s["name"])}</a>'
                  for s in site.data["section"])
    side = most_read(site) if sidebar else ""
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="alternate" type="application/atom+xml" title="{escape(site.name)}" href="/feed.xml">
{head}<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header"><a class="logo" href="/">{escape(site.name)}</a>
<nav class="site-nav" aria-label="Sections">{nav}</nav>
<form class="search" action="/search" role="search"><input name="q" placeholder="Search">\
</form></header>
<div class="layout">
<main id="main">
{main}
</main>
{side}</div>
<footer class="site-footer"><p><a href="/about/">About us</a> · <a href="/feed.xml">Feed</a> ·
<a href="/sitemap.xml">Sitemap</a></p><p>© 2026 {escape(site.name)}. All rights reserved.</p>\
</footer>
<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{"event":"pageview"}});</script>
</body>
</html>
"""


def most_read(site: Site) -> str:
    items = "".join(f'<li><a href="{link_of(site, s)}">{escape(site.story(s)["headline"])}</a></li>'
                    for s in site.info["most_read"])
    return (f'<aside class="sidebar"><section class="most-read"><h2>Most read</h2><ol>{items}</ol>'
            '</section><div class="ad-unit" aria-hidden="true">Advertisement</div>'
            '<div class="newsletter"><h2>Morning briefing</h2><p>Japan news in your inbox, '
            'every weekday.</p><form action="/subscribe"><input type="email" name="email">'
            '<button>Sign up</button></form></div></aside>\n')


def card(story: dict, href: str) -> str:
    credit = f'<span class="card-source">{escape(story["source"])}</span> · ' \
        if story.get("credit") else ""
    return (f'<article class="story-card"><a class="thumb" href="{escape(href)}"><img '
            f'src="/img/{story["slug"]}.jpg" alt=""></a><h3><a href="{escape(href)}">'
            f'{escape(story["headline"])}</a></h3><p class="dek">{escape(story["summary"])}</p>'
            f'<p class="meta">{credit}<time datetime="{story["published"]}">{shown_date(story)}'
            f'</time></p></article>\n')


def breadcrumb(section: str) -> str:
    return (f'<nav class="breadcrumb" aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li>'
            f'<li><a href="/section/{section.lower()}/">{escape(section)}</a></li></ol></nav>\n')


# -- article pages -------------------------------------------------------------------------------

def json_ld(site: Site, story: dict, kind: str, url: str) -> str:
    author = {"@type": "Person", "name": story["author"]} if story.get("author") else \
        {"@type": "Organization", "name": story.get("credit", site.name)}
    data = {"@context": "https://schema.org", "@type": kind, "headline": story["headline"],
            "description": story["summary"], "datePublished": story["published"],
            "dateModified": story["published"], "articleSection": story["section"],
            "author": author, "mainEntityOfPage": url,
            "publisher": {"@type": "Organization", "name": site.name,
                          "logo": {"@type": "ImageObject", "url": "/assets/logo.png"}}}
    return ('<script type="application/ld+json">'
            + json.dumps(data, ensure_ascii=False).replace("</", "<\\/") + "</script>\n")


def head_of(site: Site, story: dict, kind: str, url: str, published_meta: bool = True) -> str:
    meta = (f'<meta name="description" content="{escape(story["summary"])}">\n'
            f'<link rel="canonical" href="{url}">\n'
            f'<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{escape(story["headline"])}">\n'
            f'<meta property="og:description" content="{escape(story["summary"])}">\n'
            f'<meta property="og:site_name" content="{escape(site.name)}">\n')
    if published_meta:
        meta += f'<meta property="article:published_time" content="{story["published"]}">\n'
    return meta + json_ld(site, story, kind, url)


def byline(story: dict) -> str:
    parts = []
    if story.get("author"):
        parts.append(f'By <span class="author">{escape(story["author"])}</span>')
    if story.get("credit"):
        credit = f'<span class="credit">{escape(story["credit"])}</span>'
        parts.append(("" if parts else "By ") + credit)
    stamp = f'<time datetime="{story["published"]}">{shown_date(story)}</time>'
    return f'<div class="byline">{", ".join(parts)} <span class="sep">·</span> {stamp}</div>\n'


def body_html(site: Site, story: dict) -> str:
    """Paragraphs with a photo, an ad, a read-more box and share buttons among them."""
    paras = [escape(p) for p in story["body"]]
    if story["template"] == "news":
        paras[0] = (f'<span class="dateline">{escape(story["place"])}, {story["dateline"]}</span>'
                    f' — {paras[0]}')
    out = [f"<p>{p}</p>" for p in paras]
    if len(out) >= 2 and story["template"] != "brief":
        out.insert(1, f'<figure class="photo"><img src="/img/{story["slug"]}-1.jpg" alt="">'
                      f'<figcaption>{escape(story["headline"])}. (Photo: {escape(site.name)})'
                      '</figcaption></figure>')
    if len(paras) >= 3:
        out.insert(3, '<div class="ad-unit" aria-hidden="true">Advertisement</div>')
        first = story["related"][0]
        out.insert(4, f'<aside class="inline-related"><strong>Read more:</strong> <a href="'
                      f'{link_of(site, first)}">{escape(site.story(first)["headline"])}</a>'
                      '</aside>')
    out.append('<div class="share-tools"><span>Share</span> <a href="https://x.com/intent/post">'
               'X</a> <a href="https://www.facebook.com/sharer/sharer.php">Facebook</a> '
               '<a href="https://line.me/R/share">LINE</a></div>')
    return '<div class="entry-content">\n' + "\n".join(out) + "\n</div>\n"


def related(site: Site, story: dict) -> str:
    items = []
    for slug in story["related"]:
        target = site.story(slug)
        href = link_of(site, slug)
        if "related-tracking" in story.get("quirks", []):
            href += "?utm_source=related&utm_medium=web"
        credit = f' <span class="card-source">{escape(target["source"])}</span>' \
            if target.get("credit") or slug in site.gone else ""
        items.append(f'<li class="card"><a href="{escape(href)}">{escape(target["headline"])}</a>'
                     f'{credit}</li>')
    return f'<section class="related"><h2>Related stories</h2><ul>{"".join(items)}</ul></section>\n'


def article_page(site: Site, story: dict) -> str:
    url = url_of(story)
    template = story["template"]
    if template == "opinion":
        return opinion_page(site, story, url)
    kind = "NewsArticle" if template != "feature" else "Article"
    head = head_of(site, story, kind, url, published_meta=template != "brief")
    top = (f'<article class="post post-{template}">\n{breadcrumb(story["section"])}'
           f'<h1 class="entry-title">{escape(story["headline"])}</h1>\n')
    if template != "brief":
        top += f'<p class="standfirst">{escape(story["summary"])}</p>\n{byline(story)}'
    foot = ""
    if template == "brief":
        foot = (f'<div class="article-footer"><p class="source-note">Source: '
                f'{escape(story["credit"])}</p></div>\n')
    main = top + body_html(site, story) + foot + "</article>\n" + related(site, story)
    return page(site, f'{story["headline"]} | {site.name}', main, head)


def opinion_page(site: Site, story: dict, url: str) -> str:
    """A column: a layout the profile does not describe."""
    paras = "\n".join(f"<p>{escape(p)}</p>" for p in story["body"])
    main = (f'<article class="column">\n{breadcrumb(story["section"])}'
            '<header class="column-header"><p class="column-label">Opinion</p>'
            f'<h1 class="column-title">{escape(story["headline"])}'
            f'</h1><p class="byline">By '
            f'{escape(story["author"])}, contributing writer · '
            f'<time datetime="{story["published"]}">'
            f'{shown_date(story)}</time></p></header>\n<div class="column-body">\n{paras}\n</div>\n'
            '<footer class="column-footer"><p>The views expressed are the author’s own.</p>'
            '</footer>\n</article>\n' + related(site, story))
    head = head_of(site, story, "OpinionNewsArticle", url)
    return page(site, f'{story["headline"]} | {site.name}', main, head)


def live_page(site: Site, live: dict) -> str:
    entries = "\n".join(f'<div class="live-entry"><p>{escape(p)}</p></div>' for p in live["body"])
    main = (f'<article class="live-blog">\n{breadcrumb(live["section"])}<h1 class="live-title">'
            f'{escape(live["headline"])}</h1>\n<div class="live-entries">\n{entries}\n</div>\n'
            '</article>\n')
    head = head_of(site, {**live, "slug": "live"}, "LiveBlogPosting", live["path"])
    return page(site, f'{live["headline"]} | {site.name}', main, head)


# -- indexes, feed, sitemaps ----------------------------------------------------------------------

def home_page(site: Site) -> str:
    cards = []
    for story in site.articles[:12]:
        href = url_of(story)
        if story["slug"] in site.info["home_tracking"]:
            href += "?utm_source=home&utm_medium=top"
        cards.append(card(story, href))
    banner = "".join(f'<section class="live-banner"><a href="{lv["path"]}">{escape(lv["headline"])}'
                     '</a></section>\n' for lv in site.live)
    main = (f'{banner}<section class="top-stories"><h2>Latest</h2>\n<div class="story-list">\n'
            f'{"".join(cards)}</div></section>')
    return page(site, f"{site.name}: news from Japan in English", main)


def section_pages(site: Site, section: dict) -> dict[str, str]:
    """Page 1 in full; later pages as the fragments the "load more" button fetches."""
    stories = site.in_section(section["name"])
    size = site.info["page_size"]
    chunks = [stories[i:i + size] for i in range(0, len(stories), size)]
    files = {}
    for n, chunk in enumerate(chunks, 1):
        more = (f'<button class="load-more" data-next-page="{n + 1}">Load more stories</button>\n'
                if n < len(chunks) else "")
        listing = f'<div class="story-list">\n{"".join(card(s, url_of(s)) for s in chunk)}</div>\n'
        if n == 1:
            main = f'<h1 class="section-title">{escape(section["name"])}</h1>\n{listing}{more}'
            files["index.html"] = page(site, f'{section["name"]} | {site.name}', main)
        else:
            files[f"page-{n}.html"] = listing + more
    return files


def feed(site: Site) -> str:
    stories = sorted([*site.articles, *site.live], key=lambda s: s["published"], reverse=True)
    entries = "".join(
        f'<entry><title>{escape(s["headline"])}</title><link rel="alternate" '
        f'href="{s.get("path") or url_of(s)}"/>'
        f'<id>tag:japandispatch,2026:{s.get("slug", s.get("path"))}'
        f'</id><published>{s["published"]}</published><updated>{s["published"]}</updated>'
        f'<summary>{escape(s["summary"])}</summary></entry>\n'
        for s in stories[:site.info["feed_size"]])
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f'<title>{escape(site.name)}</title><id>tag:japandispatch,2026:feed</id>'
            f'<updated>{stories[0]["published"]}</updated>\n{entries}</feed>\n')


def sitemaps(site: Site) -> dict[str, str]:
    months: dict[str, list[dict]] = {}
    for s in [*site.articles, *site.live]:
        months.setdefault(when(s).strftime("%Y-%m"), []).append(s)
    files, index = {}, []
    for month, stories in sorted(months.items()):
        urls = "".join(f'<url><loc>{s.get("path") or url_of(s)}</loc><lastmod>{s["published"]}'
                       '</lastmod></url>\n' for s in sorted(stories, key=lambda s: s["published"]))
        files[f"sitemaps/{month}.xml"] = _xml("urlset", urls)
        latest = max(s["published"] for s in stories)
        index.append(f"<sitemap><loc>/sitemaps/{month}.xml</loc><lastmod>{latest}</lastmod></sitemap>\n")
    files["sitemap.xml"] = _xml("sitemapindex", "".join(index))
    return files


def _xml(root: str, body: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{body}</{root}>\n')


# -- the document root ----------------------------------------------------------------------------

def build_files(site: Site) -> dict[str, str]:
    files = {"index.html": home_page(site), "feed.xml": feed(site), **sitemaps(site),
             "robots.txt": "User-agent: *\nDisallow: /search\nSitemap: /sitemap.xml\n",
             "about/index.html": page(site, f"About | {site.name}",
                                      f"<h1>About {escape(site.name)}</h1><p>Japan news in "
                                      "English, from our reporters and partner agencies.</p>")}
    for story in site.articles:
        files[url_of(story)[1:] + "index.html"] = article_page(site, story)
    for live in site.live:
        files[live["path"][1:] + "index.html"] = live_page(site, live)
    for section in site.data["section"]:
        for name, text in section_pages(site, section).items():
            files[f'section/{section["slug"]}/{name}'] = text
    return files


def site_config(site: Site, files: dict[str, str]) -> dict:
    queries = {}
    for path in files:
        if path.startswith("section/") and "/page-" in path:
            folder, name = path.rsplit("/", 1)
            queries[f"/{folder}/?page={name[5:-5]}"] = "/" + path
    return {
        "snapshot": site.info["snapshot"],
        "redirects": {url_of(new, old): url_of(new) for old, new in site.renamed.items()},
        "headers": {"/feed.xml": {"Content-Type": ATOM}},
        "queries": dict(sorted(queries.items())),
        "articles": {a["slug"]: url_of(a) for a in site.articles},
        "live": [lv["path"] for lv in site.live],
        "gone": [url_of(g) for g in site.gone.values()],
    }


def render_site(content: Path, out_dir: Path) -> None:
    """Write the document root for ``content`` into ``out_dir`` (replacing an earlier render)."""
    site = load_site(content)
    files = build_files(site)
    if out_dir.exists():
        if any(out_dir.iterdir()) and not (out_dir / "_site.json").exists():
            raise SystemExit(f"{out_dir} is not empty and holds no _site.json; "
                             "refusing to replace it")
        shutil.rmtree(out_dir)
    for rel, text in sorted(files.items()):
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = json.dumps(site_config(site, files), indent=1, sort_keys=True, ensure_ascii=False)
    (out_dir / "_site.json").write_text(config + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m newsbot.replicas.japandispatch CONTENT.toml OUT_DIR",
              file=sys.stderr)
        return 2
    render_site(Path(args[0]), Path(args[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
