"""Each fast path gives what the plain one it replaces gives (docs/benchmarks.md says why)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urljoin

import pytest
from hypothesis import given
from hypothesis import strategies as st
from parsel import Selector
from scrapy.http import HtmlResponse
from w3lib.url import safe_url_string, url_query_cleaner

from newsbot.links import _select
from newsbot.loaders import ArticleLoader
from newsbot.processors import clean_text, normalize_url
from newsbot.profiles import is_xpath
from tests.replica_truth import PROFILE, SITE

WHITESPACE = re.compile(r"\s+")


@given(st.text())
def test_clean_text_is_the_regex_it_replaced(text):
    assert clean_text(text) == WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


@given(st.sampled_from(["http://h/a/b.php?x=1#f", "https://H:8443/x/", "http://h"]),
       st.from_regex(r"\A[a-zA-Z0-9./%?=&_~ -]{0,30}\Z"))
def test_remembered_normalize_url_is_the_plain_one(base, href):
    url = urljoin(base, href)
    tracking = PROFILE.tracking_params
    plain = url_query_cleaner(safe_url_string(url.strip()), tracking, remove=True)
    assert normalize_url(url, tracking) == normalize_url(url, list(tracking))
    assert normalize_url(url, tracking).split("#")[0].lower() == \
        normalize_url(plain, tracking).split("#")[0].lower()


def pages() -> list[str]:
    return sorted(str(p.relative_to(SITE)) for p in SITE.glob("article/*.php"))[:30] + \
        sorted(str(p.relative_to(SITE)) for p in SITE.glob("html/newsdesk/article/*.php"))


@pytest.mark.parametrize("path", pages())
def test_compiled_rules_match_what_parsel_matches(path):
    response = HtmlResponse(url="http://127.0.0.1:8067/" + path, body=(SITE / path).read_bytes(),
                            headers={"Content-Type": "text/html"})
    sel = Selector(text=response.text)
    for name, rules in PROFILE.selectors.items():
        for rule in rules:
            plain = sel.xpath(rule) if is_xpath(rule) else sel.css(rule)
            fast = _select(response.selector, rule)
            assert fast.getall() == plain.getall(), (name, rule)
            for ours, theirs in zip(fast, plain):  # sub-selections work the same on the matches
                assert ours.xpath(".//text()").getall() == theirs.xpath(".//text()").getall()


def test_the_loader_remembers_processors_per_class_and_field():
    first, second = ArticleLoader(), ArticleLoader()
    assert first.get_input_processor("headline") is second.get_input_processor("headline")
    first.add_value("headline", "<h1>A  &amp; B</h1>")
    first.add_value("url", "http://h/x")
    item = first.load_item()
    assert (item.headline, item.url) == ("A & B", "http://h/x")
