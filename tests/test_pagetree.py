"""newsbot's page Selector reads a page exactly as Scrapy's does, over plain lxml elements."""

import gc
import weakref
from pathlib import Path

import lxml.html
from lxml import etree
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from scrapy.selector import Selector

from newsbot.pagetree import page_selector
from newsbot.profiles import available_profiles, is_xpath, load_profile
from tests.conftest import page

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "fixtures").rglob("*.php")) + sorted((ROOT / "fixtures").rglob("*.html"))


def response_for(path: Path) -> HtmlResponse:
    return HtmlResponse(url="http://127.0.0.1:8067/" + path.name, body=path.read_bytes())


def profile_rules() -> list[str]:
    return sorted({rule for name in available_profiles()
                   for rules in load_profile(name).selectors.values() for rule in rules})


def test_an_html_page_is_a_plain_lxml_tree_cached_on_the_response():
    response = page("index.html", "/")
    sel = page_selector(response)
    assert type(sel.root) is etree._Element
    assert not isinstance(sel.root, lxml.html.HtmlElement)
    assert page_selector(response) is sel
    assert response.selector is sel  # response.css() reads the same tree
    assert response.css("title::text").get()


def test_every_rule_of_every_profile_matches_alike_on_every_replica_page():
    assert len(PAGES) > 100
    rules = profile_rules()
    compared = 0
    for path in PAGES:
        ours = page_selector(response_for(path))
        scrapys = Selector(response_for(path))
        for rule in rules:
            how = "xpath" if is_xpath(rule) else "css"
            mine = getattr(ours, how)(rule).getall()
            assert mine == getattr(scrapys, how)(rule).getall(), (path.name, rule)
            compared += bool(mine)
    assert compared > 1000  # the rules found something to compare


def test_a_page_with_no_markup_reads_as_scrapy_reads_it():
    for body in [b"", b"   ", b"plain words", b"\x00<p>a\x00b</p>"]:
        response = HtmlResponse(url="http://127.0.0.1:8067/x", body=body)
        assert page_selector(response).xpath("//text()").getall() == \
            Selector(HtmlResponse(url="http://127.0.0.1:8067/x", body=body)).xpath(
                "//text()").getall(), body


def test_a_page_that_is_not_html_gets_scrapys_selector():
    xml = XmlResponse(url="http://127.0.0.1:8067/rss.xml", body=b"<rss><item>a</item></rss>")
    assert page_selector(xml) is xml.selector
    assert page_selector(xml).type == "xml"
    text = TextResponse(url="http://127.0.0.1:8067/robots.txt", body=b"User-agent: *")
    assert page_selector(text) is text.selector


def test_the_page_is_freed_without_the_cyclic_collector():
    gc.collect()
    gc.disable()
    try:
        response = page("index.html", "/")
        assert page_selector(response).css("title::text").get()
        ref = weakref.ref(response)
        del response
        assert ref() is None  # Scrapy's own Selector would keep it (tests/test_release.py)
    finally:
        gc.enable()
