"""The replica portal over real HTTP: addresses, headers, edge cases, reachability, determinism."""

from __future__ import annotations

import http.client
import json
import re
import tomllib
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from newsbot.replica.render import render_site
from tests.replica import DEFAULT_ROOT, REPO, ReplicaServer

CONTENT = REPO / "fixtures" / "newsonjapan" / "articles.toml"
SNAPSHOT_DATE = "Mon, 12 Jan 2026 09:00:00 GMT"


@pytest.fixture(scope="module")
def server():
    with ReplicaServer() as running:
        yield running


@pytest.fixture(scope="module")
def truth() -> dict:
    return tomllib.loads(CONTENT.read_text("utf-8"))


@pytest.fixture(scope="module")
def config() -> dict:
    return json.loads((DEFAULT_ROOT / "_site.json").read_text("utf-8"))


def fetch(server: ReplicaServer, target: str, method: str = "GET"):
    """One request, redirects not followed: (status, headers, body bytes)."""
    address = urlsplit(server.url)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        conn.request(method, target)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def links(body: bytes, encoding: str = "utf-8") -> list[str]:
    parser = _Links()
    parser.feed(body.decode(encoding, "replace"))
    return parser.hrefs


def test_home_has_nav_top_stories_and_popular(server):
    status, headers, body = fetch(server, "/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    text = body.decode("utf-8")
    nav = re.search(r'<ul id="nav">(.*?)</ul>', text).group(1)
    assert re.findall(r'href="(/[a-z]+/)"', nav) == [
        "/society/", "/business/", "/politics/", "/technology/", "/entertainment/", "/sports/"
    ]
    assert text.count('<div class="summary">') == 10
    assert "POPULAR NEWS" in text and 'href="/html/newsdesk/Society_News/"' in text
    assert "?ref=top" in text and "?utm_source=newsonjapan&amp;utm_medium=top_stories" in text


def test_every_response_is_dated_at_the_snapshot(server, config):
    assert config["snapshot"] == "2026-01-12T09:00:00Z"
    targets = ("/", "/article/119870.php", "/no/such/page.php", "/html/newsdesk/article/119870.php")
    for target in targets:
        assert fetch(server, target)[1]["Date"] == SNAPSHOT_DATE


def test_tracking_parameters_serve_the_same_page(server):
    plain = fetch(server, "/article/167669.php")
    for query in ("?ref=top", "?utm_source=rss&utm_medium=feed"):
        status, _, body = fetch(server, "/article/167669.php" + query)
        assert status == 200 and body == plain[2]


def test_old_address_redirects_permanently(server):
    status, headers, _ = fetch(server, "/html/newsdesk/article/119870.php")
    assert status == 301
    assert headers["Location"] == "/article/119870.php"
    assert fetch(server, "/society/index1.php")[1]["Location"] == "/society/"


def test_missing_pages_are_small_html_404s(server):
    targets = ("/article/166599.php", "/nope.php", "/_site.json",
               "/html/newsdesk/Society_News/rss/")
    for target in targets:
        status, headers, body = fetch(server, target)
        assert status == 404, target
        assert headers["Content-Type"].startswith("text/html") and b"Page not found" in body
        assert len(body) < 2000


def test_content_types(server):
    assert fetch(server, "/robots.txt")[1]["Content-Type"].startswith("text/plain")
    assert fetch(server, "/sitemap.xml")[1]["Content-Type"] == "application/xml"
    assert fetch(server, "/rss/top.xml")[1]["Content-Type"].startswith("application/rss+xml")
    feed = "/html/newsdesk/Business_News/rss/index.xml"
    assert fetch(server, feed)[1]["Content-Type"].startswith("application/rss+xml")


def test_shift_jis_page_is_declared_only_by_the_header(server):
    status, headers, body = fetch(server, "/article/166267.php")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=Shift_JIS"
    assert b"<meta charset" not in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("shift_jis")
    assert "東京メトロ" in text and "“It’s faster than the IC card when it works,”" in text


def test_windows_1252_page_is_declared_only_by_meta(server):
    status, headers, body = fetch(server, "/article/165305.php")
    assert status == 200 and headers["Content-Type"] == "text/html"
    assert b'<meta charset="windows-1252">' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "Pokémon Café adds “Pikachu’s kitchen” menu" in body.decode("cp1252")


def test_seed_page_matches_the_seed(server, truth):
    text = fetch(server, "/article/119870.php")[2].decode("utf-8")
    assert '<div class="kicker"><a href="/society/">Society</a> | Sep 07</div>' in text
    assert "<p>Sep 07 (Japan Times) - Japan has decided to reject South Korea’s offer" in text
    seed = Path("/work/shared/seed/article-page.txt")
    if seed.exists():  # the seed lives outside the repository; check it verbatim when present
        for para in next(a for a in truth["article"] if a["id"] == 119870)["body"]:
            assert para in seed.read_text("utf-8")
    more = text[text.index("MORE Society NEWS"):text.index('<div id="sidebar">')]
    related = re.findall(r'href="/article/(\d+)\.php"', more)
    assert related == ["149498", "149498", "149533", "149512"]


def test_legacy_pages_use_old_markup_and_point_to_current(server):
    status, _, body = fetch(server, "/html/newsdesk/article/119603.php")
    text = body.decode("utf-8")
    assert status == 200 and '<link rel="canonical" href="/article/119603.php">' in text
    assert '<div id="newstext">Aug 23 (Japan Times) - South Korea said' in text
    assert "<p>" not in text
    assert fetch(server, "/article/119603.php")[0] == 200


def test_site_config_agrees_with_the_content(truth, config):
    ids = {a["id"] for a in truth["article"]}
    gone = set(config["gone"])
    assert {int(i) for i in config["articles"]} == ids and not gone & ids
    for article in truth["article"]:
        for story_id in article.get("related", []):
            assert story_id in ids or story_id in gone, (article["id"], story_id)
        assert (DEFAULT_ROOT / config["articles"][str(article["id"])]["url"][1:]).is_file()
    assert all(i in ids for i in truth["site"]["popular"])
    for gone_id in gone:
        assert not (DEFAULT_ROOT / f"article/{gone_id}.php").exists()
    sitemap = (DEFAULT_ROOT / "sitemap.xml").read_text("utf-8")
    for article_id in config["sitemap_missing"]:
        assert f"/article/{article_id}.php" not in sitemap


def test_ids_grow_with_dates_and_cross_the_year(truth):
    ordered = sorted(truth["article"], key=lambda a: a["id"])
    assert [a["published"] for a in ordered] == sorted(a["published"] for a in ordered)
    dates = {a["published"] for a in ordered}
    assert "2025-12-31" in dates and {"2026-01-01", "2026-01-02"} & dates
    assert len(ordered) >= 80


INDEX_PAGE = re.compile(r"^/([a-z]+/|html/newsdesk/\w+/)(index\d+\.php)?$")
ARTICLE_PAGE = re.compile(r"^/(html/newsdesk/)?article/\d+\.php$")


def _crawl_indexes(server: ReplicaServer) -> set[str]:
    """Walk home, nav, pagination and the archive (no sitemap, feeds or related blocks);
    return the article addresses those index pages list."""
    seen, queue, found = {"/"}, deque(["/"]), set()
    while queue:
        path = queue.popleft()
        status, _, body = fetch(server, path)
        assert status == 200, path
        for href in links(body):
            target = urlsplit(urljoin(path, href))
            if target.netloc:
                continue
            if ARTICLE_PAGE.match(target.path):
                found.add(target.path)
            elif INDEX_PAGE.match(target.path) and target.path not in seen:
                seen.add(target.path)
                queue.append(target.path)
    return found


def test_every_article_is_reachable_from_home(server, truth):
    found = _crawl_indexes(server)
    for article in truth["article"]:
        article_id = article["id"]
        addresses = {f"/article/{article_id}.php", f"/html/newsdesk/article/{article_id}.php"}
        addresses &= found
        assert addresses, article_id
        assert all(fetch(server, a)[0] == 200 for a in addresses)


def test_one_link_reaches_a_legacy_story_by_its_current_address(truth):
    legacy = [a["id"] for a in truth["article"] if a.get("layout") == "legacy"]
    pages = [p.read_bytes() for p in DEFAULT_ROOT.rglob("*") if p.suffix in (".php", ".html")]
    linking = {i: sum(f'<a href="/article/{i}.php'.encode() in p for p in pages) for i in legacy}
    assert linking == {i: int(i == 119603) for i in legacy}


def test_section_indexes_paginate_newest_first(server, truth):
    for slug in ("society", "business", "politics", "technology", "entertainment", "sports"):
        page, numbers, last = f"/{slug}/", [], None
        while page:
            text = fetch(server, page)[2].decode("utf-8")
            found = re.findall(r'<div class="summary"><a href="/article/(\d+)\.php"', text)
            ids = [int(i) for i in found]
            assert 1 <= len(ids) <= 5 and ids == sorted(ids, reverse=True)
            assert last is None or ids[0] < last
            last = ids[-1]
            numbers.append(re.search(r'<h1 class="section-title">\w+ \| (\d+)</h1>', text).group(1))
            nxt = re.search(r'<a class="next" href="([^"]+)">', text)
            page = nxt.group(1) if nxt else None
        assert len(numbers) >= 3 and numbers == [str(n) for n in range(1, len(numbers) + 1)]


def _tree(root: Path) -> dict[Path, bytes]:
    return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_render_is_deterministic(tmp_path):
    render_site(CONTENT, tmp_path / "a")
    render_site(CONTENT, tmp_path / "b")
    first, second = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert first == second
    assert _tree(DEFAULT_ROOT) == first, "fixtures/newsonjapan/site is stale: re-render it"
