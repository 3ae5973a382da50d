"""Each fast path gives what the plain one it replaces gives (docs/benchmarks.md says why)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urljoin

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from parsel import Selector
from scrapy.http import HtmlResponse
from w3lib.url import safe_url_string, url_query_cleaner

from newsbot import links
from newsbot.links import (BlockMemo, NodeMemo, _select, block_hrefs, first_match, first_nodes,
                           node, read_block, read_entry, read_ranking, select_first)
from newsbot.loaders import ArticleLoader, Page, extract_article, load_rules
from newsbot.processors import (bare_credit, clean_text, join_url, normalize_url, resolve,
                                split_credit)
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


@given(st.sampled_from(["http://h/a/b.php?x=1#f", "https://H:8443/x/", "http://h", "http://h/a/",
                        "http://[::1]:80/p/q.php", "http://["]),
       st.from_regex(r"\A[a-zA-Z0-9./%?#=&_~:; -]{0,30}\Z"))
def test_resolve_remembered_by_directory_is_the_plain_join(base, href):
    tracking = PROFILE.tracking_params
    assert resolve(base, href, tracking) == normalize_url(join_url(base, href), tracking)


def reference_entry(entry: Selector, base: str, rules: dict) -> dict | None:
    """read_entry as it read before, through parsel Selectors: the oracle for the lxml one."""
    def first(rules):
        for rule in rules:
            found = entry.xpath(rule) if is_xpath(rule) else entry.css(rule)
            if found:
                return found
        return []
    link = first(rules["entry_link"])
    if not link or "href" not in link[0].attrib:
        return None
    href = link[0].attrib["href"].strip()
    title = clean_text(" ".join(link[0].xpath(".//text()").getall()))
    credit_text = clean_text(" ".join(first(rules["entry_credit"]).getall()
                                      if first(rules["entry_credit"]) else []))
    credit = bare_credit(credit_text) if credit_text else None
    if credit is None:
        title, credit = split_credit(title)
    url = normalize_url(join_url(base, href), PROFILE.tracking_params)
    if not title or not url or href.startswith(("javascript:", "mailto:", "#")):
        return None
    return {"url": url, "title": title, "source": credit}


ENTRY_RULES = {k: PROFILE.selectors[k] for k in ("entry_link", "entry_credit", "entry_rank")}
ENTRY_MARKUP = st.lists(st.sampled_from([
    '<a href="/article/1.php">', '<a href="http://127.0.0.1:8067/article/2.php?utm_source=x">',
    '<a href="">', '<a href="?p=2">', '<a href="#top">', '<a href="javascript:x">', "<a>",
    '<a href="http://[::1">', "</a>", '<span class="credit">', "</span>", "(Kyodo)", " (NHK) ",
    "Quake hits Sendai", "&amp;", "<b>", "</b>", '<span class="rank">3</span>', "熊", "\u00a0"]),
    max_size=12)


@given(st.lists(ENTRY_MARKUP, min_size=1, max_size=4),
       st.sampled_from(["http://127.0.0.1:8067/article/9.php", "http://127.0.0.1:8067/a/b/"]))
def test_the_lxml_entry_reader_reads_what_parsel_read(entries, base):
    html = "".join(f'<li class="news-item">{"".join(parts)}</li>' for parts in entries)
    for entry in Selector(text=f'<ul class="more-news">{html}</ul>').css(".news-item"):
        assert read_entry(entry, base, PROFILE.tracking_params, ENTRY_RULES) == \
            reference_entry(entry, base, ENTRY_RULES)


@given(st.lists(ENTRY_MARKUP, min_size=1, max_size=4),
       st.sampled_from(["http://127.0.0.1:8067/article/9.php", "http://127.0.0.1:8067/a/b/"]))
def test_a_remembered_block_reads_as_a_fresh_reading(entries, base):
    html = "".join(f'<li class="news-item">{"".join(parts)}</li>' for parts in entries)
    sel = Selector(text=f'<div class="more-news"><ul>{html}</ul></div>')
    memo = BlockMemo()
    for reader in (read_block, read_ranking):
        fresh = reader(sel.css(".news-item"), base, PROFILE.tracking_params, ENTRY_RULES)
        first = memo.read(sel.css(".news-item"), base, PROFILE.tracking_params, ENTRY_RULES, reader)
        # the same block on another page of the same directory: from the memo when it can be
        other = base.rsplit("/", 1)[0] + "/other.php"
        again = memo.read(sel.css(".news-item"), other, PROFILE.tracking_params, ENTRY_RULES,
                          reader)
        assert first == fresh
        assert again == reader(sel.css(".news-item"), other, PROFILE.tracking_params, ENTRY_RULES)
        if again:
            again[0]["title"] = "changed downstream"  # a handed-out reading is the caller's
            assert memo.read(sel.css(".news-item"), base, PROFILE.tracking_params, ENTRY_RULES,
                             reader) == fresh


def test_the_popular_block_is_read_once_per_distinct_markup(monkeypatch):
    calls = []

    def counting(entries, *args):
        calls.append(len(entries))
        return read_ranking(entries, *args)
    memo = BlockMemo()
    page = Selector(text='<ul><li class="news-item"><a href="/article/1.php">A (NHK)</a></li></ul>')
    for n in range(1, 5):
        memo.read(page.css(".news-item"), f"http://h/article/{n}.php", [], ENTRY_RULES, counting)
    memo.read(page.css(".news-item"), "http://other/article/1.php", [], ENTRY_RULES, counting)
    # Kept from its second reading: the third and fourth pages from the memo; the other host
    # is another key, read again.
    assert calls == [1, 1, 1]


def test_a_block_seen_once_is_not_kept():
    memo = BlockMemo(size=4)
    for n in range(10):  # MORE NEWS blocks, each new
        html = f'<ul><li class="news-item"><a href="/article/{n}.php">S {n}</a></li></ul>'
        memo.read(Selector(text=html).css(".news-item"), "http://h/article/0.php", [],
                  ENTRY_RULES, read_block)
    assert not memo._found
    assert len(memo._seen_once) <= 4  # bounded


@given(st.lists(ENTRY_MARKUP, min_size=2, max_size=5),
       st.sampled_from(["http://127.0.0.1:8067/article/9.php", "http://127.0.0.1:8067/a/b/"]))
def test_a_block_sharing_entries_with_earlier_ones_reads_as_a_fresh_reading(entries, base):
    items = [f'<li class="news-item">{"".join(parts)}</li>' for parts in entries]
    memo = BlockMemo()
    # Two MORE NEWS blocks that differ as blocks but share entries, on two pages of one directory.
    other = base.rsplit("/", 1)[0] + "/x.php"
    for html, page in (("".join(items[:-1]), base), ("".join(items[1:]), other)):
        block = Selector(text=f'<ul class="more-news">{html}</ul>').css(".news-item")
        assert memo.read(block, page, PROFILE.tracking_params, ENTRY_RULES, read_block) == \
            read_block(block, page, PROFILE.tracking_params, ENTRY_RULES)


def test_an_entry_seen_in_an_earlier_block_is_not_read_again(monkeypatch):
    import newsbot.links as links

    read = []
    real = links.read_entry

    def counting(entry, *args):
        read.append(links.node(entry).get("id"))
        return real(entry, *args)
    monkeypatch.setattr(links, "read_entry", counting)
    entry = '<li class="news-item" id="{0}"><a href="/article/{0}.php">Story {0} (NHK)</a></li>'
    memo = BlockMemo()
    for ids, page in (("12", "http://h/article/7.php"), ("23", "http://h/article/8.php")):
        html = "".join(entry.format(i) for i in ids)
        block = Selector(text=f'<ul class="more-news">{html}</ul>').css(".news-item")
        reading = memo.read(block, page, [], ENTRY_RULES, read_block)
        assert [e["url"] for e in reading] == [f"http://h/article/{i}.php" for i in ids]
    assert read == ["1", "2", "3"]  # entry 2 came from memory the second time


@pytest.mark.parametrize("path", pages()[:10])
def test_block_hrefs_are_the_parsel_selection(path):
    sel = HtmlResponse(url="http://127.0.0.1:8067/" + path, body=(SITE / path).read_bytes(),
                       headers={"Content-Type": "text/html"}).selector
    for name in ("related", "popular"):
        rules = PROFILE.selectors[name]
        plain = select_first(sel, rules).css("a::attr(href)").getall()
        assert plain and block_hrefs(sel, rules) == plain


@given(st.lists(ENTRY_MARKUP, min_size=1, max_size=4),
       st.sampled_from(["http://127.0.0.1:8067/article/9.php", "http://127.0.0.1:8067/a/b/"]))
def test_blocks_read_from_lxml_nodes_as_from_selectors(entries, base):
    html = "".join(f'<li class="news-item">{"".join(parts)}</li>' for parts in entries)
    sel = Selector(text=f'<ul class="more-news">{html}</ul>')
    _, nodes = first_nodes(sel, [".more-news .news-item"])
    assert all(isinstance(n, etree._Element) for n in nodes)
    for reader in (read_block, read_ranking):
        assert reader(nodes, base, PROFILE.tracking_params, ENTRY_RULES) == \
            reader(sel.css(".more-news .news-item"), base, PROFILE.tracking_params, ENTRY_RULES)


class CountingStats:
    def __init__(self):
        self.values = {}

    def inc_value(self, key, count=1):
        self.values[key] = self.values.get(key, 0) + count


@pytest.mark.parametrize("path", pages()[:5])
def test_first_nodes_finds_and_counts_as_first_match(path):
    sel = HtmlResponse(url="http://127.0.0.1:8067/" + path, body=(SITE / path).read_bytes(),
                       headers={"Content-Type": "text/html"}).selector
    for name, rules in PROFILE.selectors.items():
        ours, theirs = CountingStats(), CountingStats()
        rule, nodes = first_nodes(sel, rules, ours, name)
        plain_rule, plain = first_match(sel, rules, theirs, name)
        assert (rule, [node(n) for n in nodes]) == (plain_rule, [m.root for m in plain]), name
        assert ours.values == theirs.values


def test_following_links_reuses_the_blocks_the_loader_found(monkeypatch):
    path = pages()[0]
    response = HtmlResponse(url="http://127.0.0.1:8067/" + path, body=(SITE / path).read_bytes(),
                            headers={"Content-Type": "text/html"})
    expected = {name: block_hrefs(response.selector, PROFILE.selectors[name])
                for name in ("related", "popular")}
    extract_article(response, PROFILE)
    searched = []
    monkeypatch.setattr(links, "_first", lambda root, rules: searched.append(rules) or [])
    for name in ("related", "popular"):  # handed over once each, not searched for again
        assert block_hrefs(response.selector, PROFILE.selectors[name]) == expected[name]
    assert searched == []
    assert block_hrefs(response.selector, PROFILE.selectors["related"]) == []  # taken once
    assert searched == [PROFILE.selectors["related"]]


def test_the_node_memo_keeps_a_few_pages_and_knows_its_trees():
    memo = NodeMemo(size=2)
    trees = [etree.fromstring("<p/>") for _ in range(3)]
    for tree in trees:
        memo.put(tree, ["a"], [tree])
    assert memo.take(trees[0], ["a"]) is None  # evicted
    assert memo.take(trees[1], ["b"]) is None  # other rules
    assert memo.take(trees[2], ["a"]) == [trees[2]]
    assert memo.take(trees[2], ["a"]) is None


@pytest.mark.parametrize("path", pages()[:3] + pages()[-3:])
def test_field_rules_load_and_count_as_itemloaders_would(path):
    response = HtmlResponse(url="http://127.0.0.1:8067/" + path, body=(SITE / path).read_bytes(),
                            headers={"Content-Type": "text/html"})
    for name in ("headline", "summary"):
        ours, theirs = CountingStats(), CountingStats()
        page = Page(response, PROFILE, ours)
        loader = ArticleLoader(selector=page.sel, stats=ours)
        found = load_rules(loader, page, name)
        reference = ArticleLoader(selector=response.selector, stats=theirs)
        for rule in PROFILE.selectors[name]:  # itemloaders' own selection and counting
            (reference.add_xpath if is_xpath(rule) else reference.add_css)(name, rule)
            if any(reference.get_collected_values(name)):
                break
        assert found == any(reference.get_collected_values(name))
        assert loader.get_collected_values(name) == reference.get_collected_values(name)
        assert ours.values == theirs.values and ours.values
