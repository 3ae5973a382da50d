"""Discovery from saved pages: which requests each callback yields (no network)."""

from datetime import date

import pytest
from scrapy.http import HtmlResponse, XmlResponse

from newsbot.items import Article
from newsbot.spiders.portal import PortalSpider, is_loopback, parse_discover
from tests.conftest import make_crawler

H = "http://portal.test"
NAV = """<ul id="nav"><li><a href="/">Home</a></li><li><a href="/society/">Society</a></li>
<li><a href="/business/?ref=nav">Business</a></li><li><a href="http://elsewhere.test/x/">X</a></li></ul>"""
POPULAR = """<div id="sidebar"><div class="popular-news"><h2>POPULAR NEWS</h2>
<div class="news-item"><span class="rank">1</span> <a href="/article/149010.php">Girl</a></div></div></div>"""


def spider(**kwargs) -> PortalSpider:
    crawler = make_crawler(PortalSpider)
    return PortalSpider.from_crawler(crawler, start_url=f"{H}/", **kwargs)


def html(path: str, body: str, **meta) -> HtmlResponse:
    from scrapy import Request
    return HtmlResponse(url=H + path, body=body.encode(), encoding="utf-8",
                        request=Request(H + path, meta=meta))


def test_home_yields_sections_from_navigation_and_listed_articles():
    home = html("/", NAV + """<div id="top-stories"><div class="summary">
        <a href="/article/149533.php?utm_source=top">Top</a></div></div>""" + POPULAR)
    requests = list(spider().parse_home(home))
    sections = [r for r in requests if r.callback.__name__ == "parse_section"]
    articles = [r for r in requests if r.callback.__name__ == "parse_article"]
    assert [r.url for r in sections] == [f"{H}/society/", f"{H}/business/"]
    assert all(r.meta["page"] == 1 for r in sections)
    assert [r.url for r in articles] == [f"{H}/article/149533.php", f"{H}/article/149010.php"]


SECTION = """<h1 class="section-title">Society | 2</h1><div class="summaries">
<div class="summary"><a href="/article/149533.php">One</a> <span class="credit">(NHK)</span></div>
<div class="summary"><a href="/html/newsdesk/article/137759.php?utm_medium=x">Old</a></div>
<div class="summary"><a href="/society/">not an article</a></div></div>
<div class="pagination"><a href="/society/">1</a> <a class="next" href="/society/index3.php">Next</a></div>"""


def test_section_page_yields_its_articles_and_the_next_page():
    requests = list(spider(follow_links="0").parse_section(html("/society/index2.php", SECTION, page=2)))
    assert [(r.url, r.callback.__name__) for r in requests] == [
        (f"{H}/article/149533.php", "parse_article"),
        (f"{H}/html/newsdesk/article/137759.php", "parse_article"),
        (f"{H}/society/index3.php", "parse_section"),
    ]
    assert requests[-1].meta["page"] == 3


def test_max_pages_stops_pagination():
    requests = list(spider(max_pages="2").parse_section(html("/society/index2.php", SECTION, page=2)))
    assert all(r.callback.__name__ == "parse_article" for r in requests)


def test_legacy_pagination_is_followed():
    legacy = """<ul class="newslist"><li><a href="/html/newsdesk/article/119000.php">A</a> (Kyodo)</li></ul>
    <div class="pages"><a href="index2.php">2</a> <a href="index2.php">Next</a></div>"""
    requests = list(spider().parse_section(html("/html/newsdesk/Society_News/", legacy, page=1)))
    assert [r.url for r in requests] == [f"{H}/html/newsdesk/article/119000.php",
                                         f"{H}/html/newsdesk/Society_News/index2.php"]


def test_feed_gives_article_requests_and_date_evidence():
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel>
    <item><link>/article/149533.php?utm_source=rss</link><pubDate>Sat, 07 Sep 2019 10:00:00 +0900</pubDate></item>
    <item><link>http://elsewhere.test/article/1.php</link><pubDate>Sat, 07 Sep 2019 10:00:00 +0900</pubDate></item>
    </channel></rss>"""
    s = spider()
    urls = s.read_feed(XmlResponse(url=f"{H}/rss/top.xml", body=feed))
    assert [r.url for r in s.article_requests(urls)] == [f"{H}/article/149533.php"]
    assert s.evidence.get(149533) == (date(2019, 9, 7), "feed /rss/top.xml")


def test_article_page_yields_the_article_then_its_block_links():
    body = """<div class="article"><div class="kicker"><a href="/society/">Society</a> | Sep 07</div>
    <h1 class="headline">Headline</h1><div class="article-body"><p>Sep 07 (NHK) - Text.</p></div></div>
    <div class="more-news"><h2>MORE Society NEWS</h2><div class="news-item">
    <a href="/article/149999.php">Gone</a></div></div>""" + POPULAR
    out = list(spider().read_article(html("/article/149533.php", body)))
    assert isinstance(out[0], Article) and out[0].headline == "Headline"
    assert [r.url for r in out[1:]] == [f"{H}/article/149999.php", f"{H}/article/149010.php"]


@pytest.mark.parametrize("value, parsed", [("nav", ("nav",)), ("nav, sitemap", ("nav", "sitemap"))])
def test_discover(value, parsed):
    assert parse_discover(value) == parsed


@pytest.mark.parametrize("value", ["", "nav,rss", "everything"])
def test_bad_discover_is_refused(value):
    with pytest.raises(ValueError, match="discover takes"):
        parse_discover(value)


@pytest.mark.parametrize("url, loopback", [
    ("http://127.0.0.1:8067/", True), ("http://localhost/", True), ("http://[::1]:80/", True),
    ("https://newsonjapan.com/", False), ("http://10.0.0.1/", False),
])
def test_is_loopback(url, loopback):
    assert is_loopback(url) is loopback


def test_default_start_url_is_the_real_portal():
    s = PortalSpider.from_crawler(make_crawler(PortalSpider))
    assert s.start_urls == ["https://newsonjapan.com/"]
    assert s.allowed_domains == ["newsonjapan.com"]


def test_sitemap_seeds_wait_for_a_free_downloader_and_an_empty_scheduler():
    import asyncio

    class Scheduler:
        polls = 0

        def has_pending_requests(self):
            self.polls += 1
            return self.polls < 4  # related links still waiting for three polls

    class Engine:
        scheduler = Scheduler()
        busy = 2

        def needs_backout(self):
            self.busy -= 1
            return self.busy >= 0  # the downloader full for two polls

    s = spider()
    s.crawler.engine = engine = Engine()
    asyncio.run(s.backout())
    assert engine.busy == -4 and engine.scheduler.polls == 4
