"""The generic path inside the crawl, on saved pages: a page no profile knows, `--site generic`,
and which addresses the spider reads generically at all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, XmlResponse

from newsbot.exceptions import MissingField
from newsbot.items import Article
from newsbot.pipelines.validate import ValidatePipeline
from newsbot.spiders.portal import PortalSpider
from tests import japandispatch_truth as jd
from tests.conftest import make_crawler

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "pages" / "generic"
H = "http://portal.test"


def spider(site: str = "newsonjapan", **kwargs) -> PortalSpider:
    return PortalSpider.from_crawler(make_crawler(PortalSpider), site=site, start_url=f"{H}/",
                                     **kwargs)


def saved(name: str, path: str) -> HtmlResponse:
    return HtmlResponse(url=H + path, body=(PAGES / name).read_bytes(),
                        request=Request(H + path, meta={"kind": "article"}))


def read(s: PortalSpider, response: HtmlResponse) -> Article:
    [item] = [x for x in s.read_article(response) if isinstance(x, Article)]
    return item


def test_a_page_the_profile_does_not_know_is_read_entirely_by_the_generic_path():
    s = spider(follow_links="0")
    item = read(s, saved("jsonld_newsarticle.html", "/news/2024/ferry-returns.html"))
    assert item.site == "newsonjapan" and item.article_id is None
    assert item.headline == "Harbour ferry returns after storm repairs"
    assert item.published == "2024-03-05"  # the date the page prints, its own time zone
    assert item.date_evidence == "generic:json-ld gives 2024-03-05T07:30:00+09:00"
    assert (item.section, item.source, item.dateline) == ("Local", "Seaside Courier", None)
    paras = item.body.split("\n\n")
    assert len(paras) == 5 and paras[0].startswith("The harbour ferry carried its first passengers")
    assert item.extracted_by == {"headline": "generic:json-ld", "published": "generic:json-ld",
                                 "section": "generic:json-ld", "source": "generic:json-ld",
                                 "body": "generic:text:newsbot"}
    assert item.summary is None  # the page has no description
    assert item.related == [] and item.popular == []
    assert s.crawler.stats.get_value("newsbot/pages/article_generic") == 1


def test_site_generic_reads_every_field_generically():
    s = spider("generic")
    item = read(s, saved("opengraph_only.html", "/community/2023/08/14/night-market-opens/"))
    assert item.site == "generic"
    assert (item.headline, item.published, item.source, item.section) == (
        "Night market opens on the river bank", "2023-08-14", "Riverside Times", "Community")
    assert item.body.split("\n\n")[0].startswith("More than eighty stalls opened")
    assert all(how.startswith("generic:") for how in item.extracted_by.values())
    assert item.extracted_by["headline"] == "generic:opengraph"


def test_without_a_portal_name_the_source_is_the_host():
    s = spider("generic")
    item = read(s, saved("boilerplate_comments.html", "/2022/11/02/mountain-rail-line-to-reopen/"))
    assert item.headline == "Mountain rail line to reopen in spring"
    assert item.published == "2022-11-02" and item.extracted_by["published"] == "generic:time"
    assert (item.source, item.extracted_by["source"]) == ("portal.test", "generic:host")


def test_a_page_with_no_article_is_dropped_with_its_reason():
    item = read(spider(), saved("no_article.html", "/news/index-of-things.html"))
    assert not item.body and item.published is None
    with pytest.raises(MissingField, match="missing body, published on http://portal.test/news/"):
        ValidatePipeline(["url", "canonical_url", "headline", "body", "published", "source"]) \
            .process_item(item)


FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel>
<item><link>/article/149533.php</link><pubDate>Sat, 07 Sep 2019 10:00:00 +0900</pubDate></item>
<item><link>/live/2026-01-10-quake-updates/</link>
  <pubDate>Sat, 10 Jan 2026 06:20:00 +0900</pubDate></item>
<item><link>/society/</link></item><item><link>/rss/other.xml</link></item><item><link>/</link></item>
<item><link>http://elsewhere.test/live/x/</link></item>
</channel></rss>"""
SITEMAP = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>/article/149533.php</loc></url><url><loc>/about.php</loc></url></urlset>"""


def test_feed_entries_the_profile_does_not_know_are_fetched_sitemap_ones_are_not():
    s = spider()
    listed = s.read_feed(XmlResponse(url=f"{H}/rss/top.xml", body=FEED))
    assert [r.url for r in s.article_requests(listed, from_feed=True)] == [
        f"{H}/article/149533.php", f"{H}/live/2026-01-10-quake-updates/"]
    sitemap = [f"{H}/article/149533.php", f"{H}/about.php"]
    assert [r.url for r in s.article_requests(sitemap)] == [f"{H}/article/149533.php"]


def test_load_more_buttons_page_through_the_query():
    s = spider("japandispatch", follow_links="0")
    first = jd.SITE / "section" / "society" / "index.html"
    response = HtmlResponse(url=f"{H}/section/society/", body=first.read_bytes(),
                            request=Request(f"{H}/section/society/", meta={"page": 1}))
    requests = list(s.parse_section(response))
    assert [r.url for r in requests if r.callback == s.parse_section] == \
        [f"{H}/section/society/?page=2"]
    articles = [r.url for r in requests if r.callback == s.parse_article]
    assert len(articles) == 4 and all(u.startswith(f"{H}/202") for u in articles)
    last = jd.SITE / "section" / "society" / "page-3.html"
    response = HtmlResponse(url=f"{H}/section/society/?page=3", body=last.read_bytes(),
                            request=Request(f"{H}/section/society/?page=3", meta={"page": 3}))
    assert all(r.callback == s.parse_article for r in s.parse_section(response))


def test_generic_needs_a_start_url():
    with pytest.raises(ValueError, match="names no start URL"):
        PortalSpider.from_crawler(make_crawler(PortalSpider), site="generic")
    result = subprocess.run([sys.executable, "-m", "newsbot", "crawl", "--site", "generic",
                             "--db", ":memory:"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == \
        "newsbot crawl: site profile 'generic' names no start URL: give --start-url"


def test_feeds_are_what_the_feed_link_rules_say_whatever_their_address():
    home = HtmlResponse(url=f"{H}/", body=b"""<html><head>
        <link rel="alternate" type="application/rss+xml" href="/feed/">
        <link rel="alternate" type="application/atom+xml" href="/feed/atom/?utm_source=x">
        <link rel="alternate" type="application/rss+xml" href="http://elsewhere.test/feed/">
        </head><body><a href="/feed/">RSS</a></body></html>""")
    assert spider("generic").feed_urls(home) == [f"{H}/feed/", f"{H}/feed/atom/?utm_source=x"]
