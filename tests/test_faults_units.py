"""The hardening rules one by one, without a crawl: charsets, gzip, Retry-After, addresses."""

from __future__ import annotations

import asyncio
import gzip
import re
from types import SimpleNamespace

import pytest
from scrapy.http import HtmlResponse, Request, Response, TextResponse

from newsbot.charset import codec_name, mojibake_score, sniff
from newsbot.failures import describe
from newsbot.middlewares.addresses import AddressPolicy, first_url, on_domains, private_literal
from newsbot.middlewares.charset import CharsetMiddleware
from newsbot.middlewares.compression import gzip_defect
from newsbot.middlewares.redirects import RedirectGuardMiddleware
from newsbot.middlewares.retryafter import retry_after
from tests.conftest import REPLICA, SNAPSHOT_DATE

META = re.compile(r'<meta charset="[^"]*">', re.I)
LEGACY = ("shift_jis", "euc_jp", "cp1252", "iso2022_jp")
DECLARED = (None, "utf-8", "iso-8859-1", "windows-1252", "shift_jis", "euc-jp")


def utf8_pages() -> list:
    pages = []
    for path in sorted((REPLICA / "article").glob("*.php")):
        try:
            pages.append((path.name, META.sub("", path.read_text("utf-8"))))
        except UnicodeDecodeError:
            continue  # the replica's own cp1252 page: not a UTF-8 source to recode
    return pages


# -- charsets ---------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", LEGACY)
def test_every_replica_page_recoded_is_read_right_whatever_it_declares(encoding):
    wrong = []
    for name, html in utf8_pages():
        body = html.encode(encoding, "xmlcharrefreplace")
        for declared in DECLARED:
            chosen = sniff(body, declared) or codec_name(declared) or "ascii"
            try:
                ok = body.decode(chosen) == body.decode(encoding)
            except UnicodeDecodeError:
                ok = False
            if not ok:
                wrong.append((name, declared, chosen))
    assert wrong == []


def test_a_right_declaration_or_plain_ascii_is_left_alone():
    text = "<p>Ōtani (大谷翔平) “means everything”</p>"
    assert sniff(text.encode("utf-8"), "utf-8") is None
    assert sniff(text.encode("euc_jp", "xmlcharrefreplace"), "euc-jp") is None
    assert sniff(b"<p>plain</p>", "iso-8859-1") is None


def test_utf8_declared_as_latin1_is_read_as_utf8():
    assert sniff("<p>café “quoted”</p>".encode(), "iso-8859-1") == "utf-8"


def test_mojibake_scores_above_text():
    assert mojibake_score("Tōhoku “熊” Pokémon") == 0
    assert mojibake_score("Tï½Ãhoku ¡È·§¡É") > 0.5
    assert mojibake_score("Studio痴 new film") > 0


def test_the_middleware_rereads_a_mislabelled_page_and_counts_it():
    html = "<html><body><h1>“熊” chosen</h1></body></html>"
    response = HtmlResponse("http://x/a.php", body=html.encode("euc_jp"),
                            headers={"Content-Type": "text/html; charset=iso-8859-1"})
    stats = SimpleNamespace(values={}, inc_value=lambda k, n=1: stats.values.update(
        {k: stats.values.get(k, 0) + n}))
    fixed = CharsetMiddleware(stats).process_response(response.request, response)
    assert fixed.css("h1::text").get() == "“熊” chosen"
    assert stats.values == {"newsbot/charset/corrected": 1,
                            "newsbot/charset/cp1252->euc_jp": 1}


def test_the_middleware_leaves_other_responses_alone():
    feed = TextResponse("http://x/rss.xml", body="<rss/>".encode("euc_jp"))
    assert CharsetMiddleware().process_response(None, feed) is feed


# -- gzip -------------------------------------------------------------------------------------

PAGE = b"<html>" + b"news " * 20000 + b"</html>"


@pytest.mark.parametrize("body,limit,defect", [
    (gzip.compress(PAGE), 0, None),
    (gzip.compress(PAGE) + gzip.compress(PAGE), 0, None),  # two members
    (gzip.compress(PAGE) + b"\0" * 8, 0, None),  # zero padding
    (gzip.compress(PAGE)[:-100], 0, "truncated"),
    (b"", 0, "truncated"),
    (gzip.compress(PAGE)[:-4] + b"\0\0\0\0", 0, "invalid"),  # wrong length in the trailer
    (gzip.compress(PAGE)[:10] + bytes(range(256)), 0, "invalid"),
    (gzip.compress(PAGE), len(PAGE) - 1, "too large"),
])
def test_gzip_defects(body, limit, defect):
    found = gzip_defect(body, limit)
    assert (found.split(" (")[0] if found else None) == defect


# -- Retry-After ------------------------------------------------------------------------------

@pytest.mark.parametrize("headers,wait", [
    ({"Retry-After": "120"}, 120.0),
    ({"Retry-After": " 0 "}, 0.0),
    ({"Retry-After": "Mon, 12 Jan 2026 09:00:30 GMT", "Date": SNAPSHOT_DATE}, 30.0),
    ({"Retry-After": "Mon, 12 Jan 2026 08:00:00 GMT", "Date": SNAPSHOT_DATE}, 0.0),
    ({"Retry-After": "soon"}, None),
    ({"Retry-After": "-5"}, None),
    ({}, None),
])
def test_retry_after(headers, wait):
    assert retry_after(Response("http://x/", status=503, headers=headers)) == wait


# -- where requests may go --------------------------------------------------------------------

@pytest.mark.parametrize("host,private", [
    ("127.0.0.1", True), ("127.8.9.1", True), ("10.1.2.3", True), ("192.168.0.9", True),
    ("172.16.5.4", True), ("169.254.169.254", True), ("0.0.0.0", True), ("::1", True),
    ("[::1]", True), ("fd00::1", True), ("localhost", True), ("api.localhost", True),
    ("224.0.0.1", True), ("8.8.8.8", False), ("newsonjapan.com", False), ("2001:4860::8888", False),
])
def test_private_literals(host, private):
    assert private_literal(host) is private


def test_domains_follow_scrapys_offsite_rule():
    assert on_domains("newsonjapan.com", ["newsonjapan.com"])
    assert on_domains("www.newsonjapan.com", ["newsonjapan.com"])
    assert not on_domains("evilnewsonjapan.com", ["newsonjapan.com"])
    assert not on_domains("newsonjapan.com.evil", ["newsonjapan.com"])


def policy(start_urls: list[str], allowed: list[str]) -> AddressPolicy:
    spider = SimpleNamespace(start_urls=start_urls, allowed_domains=allowed)
    return AddressPolicy(SimpleNamespace(spider=spider))


@pytest.mark.parametrize("url,problem", [
    ("https://newsonjapan.com/article/1.php", None),
    ("ftp://newsonjapan.com/x", "not http(s)"),
    ("javascript:alert(1)", "not http(s)"),
    ("https://elsewhere.example/", "off-site"),
    ("http://127.0.0.1/admin", "off-site"),
])
def test_a_public_crawl_stays_on_its_domains(url, problem):
    found = asyncio.run(policy(["https://newsonjapan.com/"], ["newsonjapan.com"]).problem(url))
    assert (found.split(":")[0] if found else None) == problem


def test_a_private_literal_under_an_allowed_domain_is_refused_unless_a_start_url_is_private():
    public = policy(["https://newsonjapan.com/"], ["newsonjapan.com", "10.0.0.5"])
    assert asyncio.run(public.problem("http://10.0.0.5/")).startswith("private address: 10.0.0.5")
    local = policy(["http://127.0.0.1:8067/"], ["127.0.0.1", "10.0.0.5"])
    assert asyncio.run(local.problem("http://10.0.0.5/")) is None


def guard(max_hops: int = 3) -> RedirectGuardMiddleware:
    spider = SimpleNamespace(start_urls=["http://127.0.0.1:1/"], allowed_domains=["127.0.0.1"])
    stats = SimpleNamespace(inc_value=lambda *a, **k: None)
    return RedirectGuardMiddleware(SimpleNamespace(spider=spider, stats=stats), max_hops)


def test_a_redirect_back_to_a_page_of_its_own_chain_is_a_loop():
    request = Request("http://127.0.0.1:1/b", meta={"redirect_urls": ["http://127.0.0.1:1/a"],
                                                      "redirect_times": 1})
    assert guard().loop_or_hops(request, "http://127.0.0.1:1/a#top").startswith("loop: ")
    assert guard().loop_or_hops(request, "http://127.0.0.1:1/c") is None


def test_one_hop_too_many_is_refused():
    request = Request("http://127.0.0.1:1/x?hop=3", meta={"redirect_times": 3})
    assert guard(3).loop_or_hops(request, "http://127.0.0.1:1/x?hop=4").startswith("too many hops")


def test_the_guard_refuses_before_the_redirect_is_followed():
    request = Request("http://127.0.0.1:1/a", meta={"redirect_urls": ["http://127.0.0.1:1/start"]})
    response = Response(request.url, status=301, headers={"Location": "file:///etc/passwd"},
                        request=request)
    with pytest.raises(Exception) as refused:
        asyncio.run(guard().process_response(request, response))
    assert refused.value.reason.startswith("redirect refused: not http(s): file:")
    assert refused.value.url == first_url(request) == "http://127.0.0.1:1/start"


# -- failure reasons --------------------------------------------------------------------------

def test_download_errors_read_plainly():
    from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError

    assert describe(DownloadTimeoutError("Getting x took longer than 3 seconds.")).startswith(
        "timeout: ")
    assert describe(DownloadCancelledError()).startswith("too large: ")
    assert describe(ValueError("bad")) == "ValueError: bad"


# -- exceptions in pipelines ------------------------------------------------------------------

def test_a_pipeline_exception_is_recorded_as_a_failed_page(tmp_path):
    from scrapy import signals
    from twisted.python.failure import Failure

    from newsbot.extensions.runrecord import RunRecorder
    from newsbot.items import Article
    from tests.conftest import make_crawler

    crawler = make_crawler(NEWSBOT_DB=str(tmp_path / "news.db"))
    recorder = RunRecorder.of(crawler)
    recorder.store.begin_run("portal", "newsonjapan", "2026-01-12T09:00:00+00:00", {})
    try:
        raise KeyError("canonical_url")
    except KeyError:
        failure = Failure()
    crawler.signals.send_catch_log(signals.item_error, item=Article(url="http://x/article/1.php"),
                                   response=None, spider=crawler.spider, failure=failure)
    [recorded] = recorder.store.failures()
    recorder.store.close()
    assert recorded["url"] == "http://x/article/1.php"
    assert recorded["reason"] == "KeyError in a pipeline: 'canonical_url'"
