"""Extraction never raises: the loader and every helper fed random and mutated input (hypothesis).

Each property states what the output must be on any input (its type, its shape), so a helper
that raises or returns something else on a page nobody foresaw fails here first.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from parsel import Selector
from scrapy.http import HtmlResponse

from newsbot.dates import DateEvidence, latest_on_or_before
from newsbot.feeds import feed_entries, iso_date, rfc822_date, sitemap_entries
from newsbot.items import Article
from newsbot.links import read_block, read_entry, read_ranking, select_all, select_first
from newsbot.loaders import extract_article, markup_text
from newsbot.processors import (bare_credit, clean_text, content_hash, join_url,
                                normalize_source, normalize_url, parse_dateline,
                                parse_full_date, split_credit, split_lead)
from newsbot.profiles import load_profile
from newsbot.text import paragraphs
from tests.conftest import REPLICA, SNAPSHOT_DATE

PROFILE = load_profile("newsonjapan")
SEEDS = [REPLICA / p for p in ("article/119870.php", "article/165005.php", "article/166785.php",
                               "html/newsdesk/article/119603.php", "index.html",
                               "society/index2.php", "rss/top.xml", "sitemap.xml")]
SEED_BYTES = [p.read_bytes() for p in SEEDS]
TRACKING = PROFILE.tracking_params
FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

TAGS = ["p", "div", "h1", "a", "span", "br", "form", "script", "li", "ul", "table", "td",
        "meta", "link", "ins", "iframe", "svg", "title"]
# Fragments a broken page is made of: tags of the portal's layout, stray markup, odd characters.
FRAGMENTS = st.one_of(
    st.sampled_from([f"<{t}>" for t in TAGS] + [f"</{t}>" for t in TAGS] + [
        '<h1 class="headline">', '<div class="article-body">', '<div class="more-news">',
        '<div class="news-item">', '<span class="rank">', '<div class="kicker">',
        '<a href="/article/1.php">', '<a href="javascript:x">', '<a href="http://[::1">',
        '<a href="//evil.example/a">', '<a href="">', "<!--", "-->", "<![CDATA[", "]]>",
        "&amp;", "&#0;", "&#x110000;", "&bogus;", "\x00", "\ufeff", "\u00a0", "\u2028",
        "Sep 07 (Japan Times) - ", "Dec 31 - ", "(NHK)", "Society | Sep 07", "熊", "Ōtani"]),
    st.text(max_size=40),
)


def mutated(seed: bytes, data: st.DataObject) -> bytes:
    """``seed`` with random slices deleted, repeated, or overwritten with fragments and bytes."""
    body = bytearray(seed)
    for _ in range(data.draw(st.integers(1, 8), label="edits")):
        if not body:
            break
        at = data.draw(st.integers(0, len(body) - 1), label="at")
        size = data.draw(st.integers(0, 2000), label="size")
        action = data.draw(st.sampled_from(["delete", "repeat", "insert", "bytes", "cut"]))
        if action == "delete":
            del body[at:at + size]
        elif action == "repeat":
            body[at:at] = body[at:at + size]
        elif action == "insert":
            body[at:at] = data.draw(FRAGMENTS).encode("utf-8", "surrogatepass")
        elif action == "bytes":
            noise = data.draw(st.binary(max_size=64), label="noise")
            body[at:at + len(noise)] = noise
        else:
            del body[at:]
    return bytes(body)


ANY_PAGE = st.one_of(
    st.binary(max_size=3000),
    st.lists(FRAGMENTS, max_size=60).map(lambda parts: "".join(parts).encode("utf-8",
                                                                            "surrogatepass")),
)


def response(body: bytes, path: str = "/article/166785.php") -> HtmlResponse:
    return HtmlResponse(f"http://127.0.0.1:8067{path}", body=body, headers={"Date": SNAPSHOT_DATE})


def assert_well_typed(item: Article) -> None:
    assert isinstance(item, Article)
    for name in ("url", "canonical_url", "article_id", "site", "section", "headline", "dateline",
                 "published", "date_evidence", "source", "body", "summary", "crawled_at",
                 "content_hash"):
        value = getattr(item, name)
        assert value is None or isinstance(value, str), (name, value)
    assert isinstance(item.url, str) and isinstance(item.canonical_url, str)
    assert isinstance(item.source, str) and item.source  # the portal's name at worst
    if item.published is not None:
        date.fromisoformat(item.published)
    if item.body is not None:
        assert item.body.strip() == item.body and "\x00" not in item.body
        assert item.content_hash and re.fullmatch(r"[0-9a-f]{32}", item.content_hash)
    for link in item.related:
        assert isinstance(link["url"], str) and isinstance(link["title"], str) and link["title"]
        assert link["source"] is None or isinstance(link["source"], str)
    for entry in item.popular:
        assert isinstance(entry["rank"], int)
        assert isinstance(entry["url"], str) and isinstance(entry["title"], str)


# -- the loader -------------------------------------------------------------------------------

@SLOW
@given(st.data())
def test_the_loader_survives_mutated_pages(data):
    seed = SEED_BYTES[data.draw(st.integers(0, len(SEEDS) - 1), label="seed index")]
    assert_well_typed(extract_article(response(mutated(seed, data)), PROFILE, DateEvidence()))


@FAST
@given(ANY_PAGE, st.sampled_from(["/article/1.php", "/html/newsdesk/article/2.php", "/x",
                                  "/article/99999999999999999999.php"]))
def test_the_loader_survives_any_bytes(body, path):
    assert_well_typed(extract_article(response(body, path), PROFILE, DateEvidence()))


@FAST
@given(st.text(max_size=60), st.from_regex(r"(Jan|Sep|Feb|Dec)\.? ?\d{1,2}", fullmatch=True))
def test_the_loader_survives_any_date_header_and_dateline(header, dateline):
    body = (f'<div class="kicker">Society | {dateline}</div><h1 class="headline">H</h1>'
            f'<div class="article-body"><p>{dateline} (NHK) - Text.</p></div>').encode()
    page = HtmlResponse("http://127.0.0.1:8067/article/5.php", body=body,
                        headers={"Date": header.encode("utf-8", "replace")})
    evidence = DateEvidence()
    evidence.add("4", date(2025, 2, 28), "feed /x")
    assert_well_typed(extract_article(page, PROFILE, evidence))


@FAST
@given(st.text(max_size=200), st.sampled_from(["/x", "/article/7.php", "/news/2026/01/a"]))
def test_the_loader_survives_any_canonical_link(href, path):
    body = f'<link rel="canonical" href="{href}"><h1>H</h1><p>Body text.</p>'
    assert_well_typed(extract_article(response(body.encode("utf-8", "surrogatepass"), path),
                                      PROFILE, DateEvidence()))


# -- processors.py ----------------------------------------------------------------------------

@FAST
@given(st.one_of(st.none(), st.text()))
def test_clean_text(text):
    out = clean_text(text)
    assert isinstance(out, str) and out == out.strip() and "  " not in out


@FAST
@given(st.text(), st.sampled_from([PROFILE.lead, PROFILE.kicker]))
def test_split_lead(text, pattern):
    if pattern is PROFILE.kicker:
        pattern = PROFILE.lead
    dateline, credit, rest = split_lead(text, pattern)
    assert dateline is None or isinstance(dateline, str)
    assert credit is None or (isinstance(credit, str) and credit)
    assert isinstance(rest, str)


@FAST
@given(st.text())
def test_split_credit_and_bare_credit(text):
    title, credit = split_credit(text)
    assert isinstance(title, str) and (credit is None or isinstance(credit, str))
    name = bare_credit(text)
    assert name is None or (isinstance(name, str) and name)


@FAST
@given(st.one_of(st.none(), st.text()), st.dictionaries(st.text(), st.text(min_size=1)))
def test_normalize_source(credit, aliases):
    out = normalize_source(credit, aliases, "News On Japan")
    assert isinstance(out, str) and out


@FAST
@given(st.one_of(st.none(), st.text(), st.from_regex(r"[A-Za-z]{3,4}\.? {1,3}\d{1,3}")))
def test_parse_dateline(text):
    out = parse_dateline(text)
    assert out is None or (1 <= out[0] <= 12 and 1 <= out[1] <= 31)


URLISH = st.one_of(st.text(), st.from_regex(r"(https?|ftp|javascript|mailto)?:?//?[^\s]{0,40}"),
                   st.builds(lambda a, b: f"http://{a}/{b}", st.text(max_size=20),
                             st.text(max_size=30)))


@FAST
@given(URLISH)
def test_normalize_url(url):
    out = normalize_url(url, TRACKING)
    assert isinstance(out, str)


@FAST
@given(st.one_of(st.none(), st.text(max_size=40),
                 st.from_regex(r"[A-Z][a-z]{2,4}\.? \d{1,2}, \d{1,5}", fullmatch=True)),
       st.lists(st.sampled_from(["%b %d, %Y", "%b. %d, %Y", "%B %d, %Y", "%Y-%m-%d", "%d/%m/%Y",
                                 "%Y"]), max_size=4))
def test_parse_full_date(text, formats):
    found = parse_full_date(text, formats)
    assert found is None or isinstance(found, date)


@FAST
@given(URLISH, URLISH)
def test_join_url(base, href):
    assert isinstance(join_url(base, href), str)


@FAST
@given(st.one_of(st.none(), st.text()), st.one_of(st.none(), st.text()))
def test_content_hash(headline, body):
    assert re.fullmatch(r"[0-9a-f]{32}", content_hash(headline, body))


@FAST
@given(st.text())
def test_markup_text(value):
    assert isinstance(markup_text(value), str)


# -- text.py ----------------------------------------------------------------------------------

@FAST
@given(ANY_PAGE)
def test_paragraphs(body):
    try:
        root = lxml_html.fromstring(body)
    except Exception:  # noqa: BLE001 - lxml refuses some inputs; the loader goes via parsel
        root = Selector(text=body.decode("utf-8", "replace") or "<html/>").root
    out = paragraphs(root)
    assert all(isinstance(p, str) and p and p == p.strip() for p in out)


# -- links.py ---------------------------------------------------------------------------------

def selector(body: bytes) -> Selector:
    return response(body).selector


@FAST
@given(ANY_PAGE, st.sampled_from(sorted(PROFILE.selectors)))
def test_select_first_and_all(body, rule):
    sel = selector(body)
    assert all(isinstance(v, str) for v in select_all(sel, PROFILE.selectors[rule]))
    assert isinstance(select_first(sel, PROFILE.selectors[rule]).getall(), list)


@SLOW
@given(st.data())
def test_read_block_and_ranking(data):
    body = mutated(SEED_BYTES[data.draw(st.integers(0, 3), label="seed index")], data)
    sel = selector(body)
    base = "http://127.0.0.1:8067/article/1.php"
    for entry in read_block(select_first(sel, PROFILE.selectors["related"]), base, TRACKING):
        assert set(entry) == {"url", "title", "source"} and entry["title"]
    for entry in read_ranking(select_first(sel, PROFILE.selectors["popular"]), base, TRACKING):
        assert set(entry) == {"rank", "url", "title", "source"} and isinstance(entry["rank"], int)


@FAST
@given(st.lists(FRAGMENTS, max_size=20))
def test_read_entry(parts):
    html = '<div class="news-item">' + "".join(parts) + "</div>"
    for entry in Selector(text=html).css(".news-item"):
        out = read_entry(entry, "http://127.0.0.1:8067/", TRACKING)
        assert out is None or (isinstance(out["url"], str) and out["title"])


# -- dates.py ---------------------------------------------------------------------------------

@FAST
@given(st.lists(st.tuples(st.integers(0, 10**12), st.dates()), max_size=30),
       st.one_of(st.none(), st.text(max_size=12), st.integers(0, 10**12).map(str)),
       st.integers(1, 12), st.integers(1, 31), st.dates())
def test_date_evidence_resolve(known, article_id, month, day, reference):
    evidence = DateEvidence()
    for key, when in known:
        evidence.add(key, when, "sitemap /sitemap.xml")
    full, why = evidence.resolve(article_id, month, day, reference, "server Date")
    assert full is None or isinstance(full, date)
    assert isinstance(why, str) and why


@FAST
@given(st.integers(-5, 20), st.integers(-5, 40), st.dates())
def test_latest_on_or_before(month, day, limit):
    found = latest_on_or_before(month, day, limit)
    assert found is None or (found <= limit and (found.month, found.day) == (month, day))


# -- feeds.py ---------------------------------------------------------------------------------

@SLOW
@given(st.data())
def test_feed_and_sitemap_readers(data):
    body = data.draw(st.one_of(st.binary(max_size=2000),
                               st.sampled_from(SEED_BYTES[-2:])))
    if data.draw(st.booleans()):
        body = mutated(body or b"<rss/>", data)
    for url, when in feed_entries(body):
        assert isinstance(url, str) and url and (when is None or isinstance(when, date))
    kind, entries = sitemap_entries(body)
    assert kind in ("", "urlset", "sitemapindex")
    for loc, when in entries:
        assert isinstance(loc, str) and (when is None or isinstance(when, date))


@FAST
@given(st.one_of(st.none(), st.text(max_size=60)))
def test_date_parsers(text):
    assert rfc822_date(text) is None or isinstance(rfc822_date(text), date)
    assert iso_date(text) is None or isinstance(iso_date(text), date)


@pytest.mark.parametrize("seed", SEEDS[:3], ids=lambda p: p.name)
def test_the_seeds_themselves_extract(seed):
    """The mutation seeds are real pages: unmutated, they give a whole article."""
    item = extract_article(response(seed.read_bytes(), "/article/" + seed.name),
                           PROFILE, DateEvidence())
    assert_well_typed(item)
    assert item.headline and item.body and item.published


# -- the spider's callbacks -------------------------------------------------------------------

def portal_spider():
    from newsbot.spiders.portal import PortalSpider
    from tests.conftest import make_crawler

    crawler = make_crawler(PortalSpider)
    return PortalSpider.from_crawler(crawler, start_url="http://portal.test/")


SPIDER = None  # built once: a crawler per example would dominate the run time


@SLOW
@given(st.data())
def test_the_spider_callbacks_survive_mutated_pages(data):
    """Home, section and article callbacks yield requests and items, whatever links a page has."""
    from scrapy import Request

    global SPIDER
    SPIDER = SPIDER or portal_spider()
    seed = SEED_BYTES[data.draw(st.integers(0, 5), label="seed index")]
    body = mutated(seed, data)
    path = data.draw(st.sampled_from(["/", "/society/index2.php", "/article/166785.php"]))
    page = HtmlResponse(f"http://portal.test{path}", body=body,
                        request=Request(f"http://portal.test{path}", meta={"page": 1}))
    callback = {"/": SPIDER.parse_home, "/society/index2.php": SPIDER.parse_section,
                "/article/166785.php": SPIDER.read_article}[path]
    for out in callback(page):
        assert isinstance(out, (Request, Article))
        if isinstance(out, Request):
            assert out.url.startswith("http://portal.test/")
        else:
            assert_well_typed(out)


BROKEN_HREFS = ["http://[::1", "http://x:port/a", "//[", "javascript:void(0)", "", "http://\x00/"]


@pytest.mark.parametrize("path", ["/", "/society/index2.php", "/article/166785.php"])
def test_links_no_url_parser_takes_are_skipped_not_raised(path):
    """Hypothesis found these: a bad port or IPv6 host in one link used to abort the callback."""
    from scrapy import Request

    spider = portal_spider()
    items = "".join(f'<div class="news-item"><a href="{h}">Story {i}</a></div>'
                    for i, h in enumerate(BROKEN_HREFS))
    body = (f'<div class="summaries"><div class="summary"><a href="{BROKEN_HREFS[0]}">x</a></div>'
            f'</div><div class="more-news">{items}</div><div class="popular-news">{items}</div>'
            '<h1 class="headline">H</h1><div class="article-body"><p>Sep 07 - Body.</p></div>'
            '<link rel="canonical" href="http://[::1">').encode()
    page = HtmlResponse(f"http://portal.test{path}", body=body,
                        request=Request(f"http://portal.test{path}", meta={"page": 1}))
    callback = {"/": spider.parse_home, "/society/index2.php": spider.parse_section,
                "/article/166785.php": spider.read_article}[path]
    out = list(callback(page))  # raised ValueError before
    # Only the empty href (the page itself) is a link; the broken ones are skipped.
    assert {r.url for r in out if isinstance(r, Request)} <= {f"http://portal.test{path}"}
