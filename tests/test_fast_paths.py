"""The loader's fast paths give what the plain ones they replace give (docs/benchmarks.md says why each exists)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from itemloaders import ItemLoader
from parsel import Selector
from scrapy.http import HtmlResponse

from newsbot import links
from newsbot.links import (join_url, link_url, read_block, read_entry, read_ranking, rule_values,
                           select_first)
from newsbot.loaders import extract_article, tracked_values
from newsbot.processors import clean_content_hash, clean_text, content_hash, normalize_url
from tests.replica_truth import PROFILE, SITE

TRACKING = PROFILE.tracking_params
WHITESPACE = re.compile(r"\s+")


class Stats:
    def __init__(self):
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


@given(st.text())
def test_clean_text_is_the_regex_it_replaced(text):
    assert clean_text(text) == WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


clean_pieces = st.lists(st.text(min_size=1).map(clean_text).filter(bool), max_size=6)


@settings(max_examples=300)
@given(st.text().map(clean_text), clean_pieces, st.integers(min_value=0, max_value=40))
def test_content_hash_of_clean_parts_is_the_content_hash(headline, paragraphs, cut):
    if paragraphs:  # the first paragraph is what follows its dateline: a stripped tail of a clean one
        paragraphs[0] = paragraphs[0][cut:].strip() or paragraphs[0]
    body = "\n\n".join(paragraphs)
    assert clean_content_hash(headline or None, paragraphs) == content_hash(headline or None, body)


@given(st.sampled_from(["http://h/a/b.php?x=1#f", "https://H:8443/x/", "http://h", "http://u@h/q"]),
       st.from_regex(r"\A/[a-zA-Z0-9./%?=&_~ -]{0,30}\Z"))
def test_root_relative_links_resolve_as_urljoin_does(base, href):
    assert join_url(base, href) == urljoin(base, href)
    assert link_url(base, href, TRACKING) == normalize_url(urljoin(base, href), TRACKING)


def article_pages() -> list[str]:
    return sorted(str(p.relative_to(SITE)) for p in SITE.glob("article/*.php"))[:40] + \
        sorted(str(p.relative_to(SITE)) for p in SITE.glob("html/newsdesk/article/*.php"))


@pytest.fixture(scope="module", params=article_pages())
def page(request) -> HtmlResponse:
    path = "/" + request.param
    return HtmlResponse(url="http://127.0.0.1:8067" + path, body=(SITE / request.param).read_bytes(),
                        headers={"Content-Type": "text/html"})


def test_compiled_rules_match_what_parsel_matches(page):
    sel = Selector(text=page.text)
    for field, rules in PROFILE.selectors.items():
        for rule in rules:
            query = sel.xpath(rule) if rule.startswith(("/", "(")) else sel.css(rule)
            assert rule_values(page.selector.root, [rule]) == query.getall(), (field, rule)
        assert select_first(page.selector, rules).getall() == _parsel_first(sel, rules).getall()


def _parsel_first(sel: Selector, rules: list[str]):
    for rule in rules:
        found = sel.xpath(rule) if rule.startswith(("/", "(")) else sel.css(rule)
        if found:
            return found
    return found


def test_tracked_values_are_what_add_css_collects_and_counts(page):
    for field in ("headline", "summary"):
        ours, theirs = Stats(), Stats()
        loader = ItemLoader(selector=page.selector, stats=theirs)
        loader.add_css(field, PROFILE.selectors[field])
        assert tracked_values(page.selector.root, field, PROFILE.selectors[field], ours) == \
            loader.get_collected_values(field)
        assert ours.values == theirs.values


def test_remembered_link_blocks_read_as_fresh_ones(page):
    root = page.selector.root
    for rule, read in (("related", read_block), ("popular", read_ranking)):
        entries = links.first_matches(root, PROFILE.selectors[rule])
        links._ENTRIES.clear()
        links._RANKINGS.clear()
        fresh = read(entries, page.url, TRACKING)
        again = read(entries, page.url, TRACKING)  # answered from memory
        assert again == fresh
        again[0]["title"] = "changed by a caller"  # a caller's change must not leak into memory
        assert read(entries, page.url, TRACKING) == fresh


def test_an_entry_read_from_outside_itself_or_against_the_page_is_not_remembered():
    html = ('<ul><li><a href="/article/1.php">One</a> (NHK)</li>'
            '<li><a href="article/3.php">Three</a></li></ul>'
            '<p><a href="/article/2.php">Two</a> (Kyodo)</p>')
    root = Selector(text=html).root
    one, three = root.xpath("//li")
    [two] = root.xpath("//p/a")
    links._ENTRIES.clear()
    assert read_entry(one, "http://h/x", TRACKING)["source"] == "NHK"
    assert read_entry(two, "http://h/x", TRACKING)["source"] == "Kyodo"  # read from outside it
    assert read_entry(three, "http://h/a/x", TRACKING)["url"] == "http://h/a/article/3.php"
    assert read_entry(three, "http://h/b/x", TRACKING)["url"] == "http://h/b/article/3.php"
    assert [k[2] for k in links._ENTRIES] == [links.etree.tostring(one, with_tail=False)]


def test_extraction_is_the_same_with_a_shared_page_and_without(page):
    from datetime import datetime, timezone

    from newsbot.links import PageMatches

    now = datetime(2026, 1, 12, tzinfo=timezone.utc)
    plain = extract_article(page, PROFILE, now=now)
    shared = extract_article(page, PROFILE, now=now, page=PageMatches(page.selector.root))
    assert shared == plain
    assert plain.content_hash == (content_hash(plain.headline, plain.body) if plain.body else None)
