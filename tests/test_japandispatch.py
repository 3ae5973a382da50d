"""The Japan Dispatch replica: the loader on every page against the hand-written truth, and the
replica itself (rendering, addresses, load-more fragments, redirects) over real HTTP."""

from __future__ import annotations

import http.client
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsbot.loaders import extract_article
from newsbot.profiles import load_profile
from newsbot.replicas.japandispatch import render_site
from tests.japandispatch_truth import (
    CONTENT,
    HOST,
    SITE,
    articles,
    expected_by,
    expected_fields,
    expected_live,
    live,
    path_of,
    response_for,
    site_config,
    truth,
)
from tests.replica import ReplicaServer

PROFILE = load_profile("japandispatch")


def pages() -> list[tuple[str, dict]]:
    return [(path_of(a), a) for a in articles()]


def folded(links: list[dict]) -> list[dict]:
    """Links as the links pipeline will store them: canonical addresses."""
    return [{**link, "url": PROFILE.canonical_for(link["url"])} for link in links]


@pytest.mark.parametrize("path, article", pages(), ids=[p for p, _ in pages()])
def test_every_field_matches_the_page(path, article):
    item = extract_article(response_for(path), PROFILE)
    expected = expected_fields(article)
    got = {name: getattr(item, name) for name in expected}
    got["related"], got["popular"] = folded(got["related"]), folded(got["popular"])
    assert got == expected
    assert item.url == HOST + path and item.site == "japandispatch"
    assert item.date_evidence


@pytest.mark.parametrize("path, article", pages(), ids=[p for p, _ in pages()])
def test_every_field_says_which_rule_read_it(path, article):
    item = extract_article(response_for(path), PROFILE)
    expected = expected_by(article)
    assert {k: item.extracted_by.get(k) for k in expected} == expected


def test_the_live_blog_no_pattern_knows_comes_out_right_through_the_generic_path():
    [page] = live()
    item = extract_article(response_for(page["path"]), PROFILE)
    expected = expected_live(page)
    assert {name: getattr(item, name) for name in expected} == expected
    assert item.extracted_by == {
        "canonical_url": "generic:link[rel='canonical']::attr(href)", "headline": "generic:json-ld",
        "published": "generic:json-ld", "section": "generic:json-ld", "source": "generic:json-ld",
        "body": "generic:text:newsbot", "summary": "generic:meta"}


def test_the_truth_covers_every_template_and_edge_case():
    templates = {a["template"] for a in articles()}
    assert templates == {"news", "feature", "brief", "opinion"}
    quirks = {q for a in articles() for q in a.get("quirks", [])}
    assert {"year-boundary", "related-duplicate", "related-gone", "related-renamed", "slug-renamed",
            "related-tracking", "home-tracking", "source-note", "template-variant",
            "dateline-long-month", "non-ascii-macron", "entities"} <= quirks
    sources = {a["source"] for a in articles()}
    assert {"Kyodo", "NHK", "Japan Times", "Reuters", "Nikkei", "Asahi Shimbun",
            "Japan Dispatch"} <= sources


# -- the replica ---------------------------------------------------------------------------------

def _tree(root: Path) -> dict[Path, bytes]:
    return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_render_is_deterministic_and_the_committed_site_is_current(tmp_path):
    render_site(CONTENT, tmp_path / "a")
    render_site(CONTENT, tmp_path / "b")
    first = _tree(tmp_path / "a")
    assert first == _tree(tmp_path / "b")
    assert _tree(SITE) == first, "fixtures/japandispatch/site is stale: re-render it"


@pytest.fixture(scope="module")
def server():
    with ReplicaServer(SITE) as running:
        yield running


def fetch(server: ReplicaServer, target: str) -> tuple[int, dict, bytes]:
    address = urlsplit(server.url)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        conn.request("GET", target)
        resp = conn.getresponse()
        return resp.status, dict(resp.headers), resp.read()
    finally:
        conn.close()


def test_load_more_pages_are_fragments_addressed_by_the_query(server):
    status, headers, first = fetch(server, "/section/society/")
    assert status == 200 and b'data-next-page="2"' in first and b"<html" in first
    status, headers, second = fetch(server, "/section/society/?page=2")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert second.startswith(b'<div class="story-list">') and b'data-next-page="3"' in second
    status, _, third = fetch(server, "/section/society/?page=3")
    assert b"load-more" not in third
    society = [a for a in articles() if a["section"] == "Society"]
    listed = sum(body.count(b"<h3>") for body in (first, second, third))
    assert listed == len(society) == 9


def test_a_renamed_story_redirects_and_a_gone_one_is_404(server):
    [renamed] = truth()["renamed"]
    new = next(a for a in articles() if a["slug"] == renamed["new"])
    status, headers, _ = fetch(server, path_of(new, renamed["old"]))
    assert status == 301 and headers["Location"] == path_of(new)
    [gone] = site_config()["gone"]
    assert fetch(server, gone)[0] == 404


def test_every_response_is_dated_at_the_snapshot_and_the_feed_is_atom(server):
    status, headers, body = fetch(server, "/feed.xml")
    assert status == 200 and headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert headers["Date"] == "Mon, 12 Jan 2026 03:00:00 GMT"
    assert body.count(b"<entry>") == 15 and live()[0]["path"].encode() in body
    status, _, index = fetch(server, "/sitemap.xml")
    assert status == 200 and index.count(b"<sitemap>") == 2
