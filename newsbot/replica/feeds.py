"""Machine-readable files of the replica: RSS feeds, the (lagging) sitemap and robots.txt."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from xml.sax.saxutils import escape

from newsbot.replica.content import Article, Section, Site
from newsbot.replica.markup import UTM_RSS, current_url, old_url

TOP_FEED_SIZE = 20
SECTION_FEED_SIZE = 10
JST = dt.timezone(dt.timedelta(hours=9), "JST")


def pub_datetime(article: Article) -> dt.datetime:
    """A stable time of day for the feed; 09:00-20:59 JST so the UTC date equals the JST date."""
    time_of_day = dt.time(9 + article.id % 12, article.id % 60)
    return dt.datetime.combine(article.published, time_of_day, JST)


def _item(article: Article, link: str) -> str:
    return (
        "<item>\n"
        f"  <title>{escape(article.headline)}</title>\n"
        f"  <link>{escape(link)}</link>\n"
        f'  <guid isPermaLink="false">newsonjapan-{article.id}</guid>\n'
        f"  <description>{escape(article.summary)}</description>\n"
        f"  <category>{escape(article.section)}</category>\n"
        f"  <pubDate>{format_datetime(pub_datetime(article))}</pubDate>\n"
        "</item>"
    )


def _channel(site: Site, title: str, link: str, items: list[str]) -> str:
    # lastBuildDate is the snapshot, not the render time, so renders stay byte-identical.
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">\n<channel>\n'
        f"<title>{escape(title)}</title>\n<link>{escape(link)}</link>\n"
        "<description>Japan news in English</description>\n<language>en</language>\n"
        f"<lastBuildDate>{format_datetime(site.snapshot, usegmt=True)}</lastBuildDate>\n"
        + "\n".join(items)
        + "\n</channel>\n</rss>\n"
    )


def render_top_feed(site: Site) -> str:
    """/rss/top.xml: the 20 newest stories; every third link carries utm tracking."""
    newest = site.newest()[:TOP_FEED_SIZE]
    items = [
        _item(a, current_url(a.id) + (UTM_RSS if i % 3 == 1 else "")) for i, a in enumerate(newest)
    ]
    return _channel(site, f"{site.portal_name} - Top Stories", "/", items)


def render_section_feed(section: Section, site: Site) -> str:
    """/html/newsdesk/<Section>_News/rss/index.xml: the section's ten newest current stories."""
    newest = site.section_articles(section.name)[:SECTION_FEED_SIZE]
    items = [_item(a, current_url(a.id)) for a in newest]
    return _channel(site, f"{site.portal_name} - {section.name}", section.url, items)


def render_legacy_feed(section: Section, site: Site) -> str:
    """.../rss/archive.xml: the old-layout stories with their old addresses and 2019 dates."""
    items = [_item(a, old_url(a.id)) for a in site.section_articles(section.name, legacy=True)]
    title = f"{site.portal_name} - {section.name} (archive)"
    return _channel(site, title, section.legacy_url, items)


def render_sitemap(site: Site) -> str:
    """/sitemap.xml: every article's current address, minus the ones the sitemap lags behind on."""
    urls = [
        f"<url><loc>{current_url(a.id)}</loc><lastmod>{a.published.isoformat()}</lastmod></url>"
        for a in site.newest()
        if "sitemap-missing" not in a.quirks
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(urls)
        + "\n</urlset>\n"
    )


def render_robots(site: Site) -> str:
    # Sitemap: should be absolute, but the replica's host and port are only known at serve time.
    return "User-agent: *\nDisallow: /cgi-bin/\nDisallow: /search\n\nSitemap: /sitemap.xml\n"
