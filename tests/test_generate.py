"""The large-replica generator: deterministic, 150-900-word bodies in 30-60 KB pages, a truth
newsbot reads back."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from benchmarks import truth as truth_check
from newsbot.dates import DateEvidence
from newsbot.feeds import sitemap_entries
from newsbot.loaders import extract_article
from newsbot.replica import furniture
from newsbot.replica import generate as gen
from newsbot.replica.pages import render_article
from tests.replica import ReplicaServer
from tests.replica_truth import PROFILE

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = 60


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "site"
    gen.generate(out, ARTICLES, seed=3)
    return out


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def truth(site: Path) -> list[dict]:
    return [json.loads(line) for line in (site / "truth.jsonl").read_text("utf-8").splitlines()]


def test_same_seed_same_bytes_other_seed_other_site(site, tmp_path):
    gen.generate(tmp_path / "again", ARTICLES, seed=3)
    gen.generate(tmp_path / "other", ARTICLES, seed=4)
    assert tree(tmp_path / "again") == tree(site)
    assert truth(tmp_path / "other") != truth(site)


def test_a_second_run_keeps_the_site_and_a_foreign_directory_is_refused(site, tmp_path):
    page = site / "root" / "index.html"
    before = page.stat().st_mtime_ns
    assert gen.generate(site, ARTICLES, seed=3)["articles"] == ARTICLES
    assert page.stat().st_mtime_ns == before
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(SystemExit, match="refusing"):
        gen.generate(tmp_path / "mine", 5, seed=1)


def test_every_article_page_weighs_30_to_60_kb_and_carries_the_portal_blocks(site):
    pages = sorted((site / "root" / "article").glob("*.php"))
    assert len(pages) == ARTICLES
    for path in pages:
        body = path.read_bytes()
        assert 30_000 <= len(body) <= 60_000, path.name
        for block in (b'class="kicker"', b'class="more-news"', b"POPULAR NEWS", b"FOLLOW US",
                      b'id="nav"', b"<script", b'class="mega-menu"', b'class="thumb"',
                      b'id="div-gpt-bottom"', b'class="consent-banner"'):
            assert block in body, (path.name, block)
    sizes = sorted(path.stat().st_size for path in pages)
    assert sizes[-1] - sizes[0] > 10_000  # a spread, not one size


def test_bodies_run_150_to_900_words_and_the_bytes_are_markup(site):
    records = truth(site)
    words = sorted(len(r["body"].split()) for r in records)
    assert 150 <= words[0] and words[-1] <= 900
    assert words[-1] - words[0] > 400  # short and long stories both
    for record in records:
        page = (site / "root" / record["path"][1:]).read_bytes()
        assert len(record["body"].encode()) < len(page) / 5, record["path"]


def hrefs(html: str) -> set[str]:
    """Where the page's anchors and feed links point: what a crawler could follow."""
    return set(re.findall(r'<a [^>]*href="([^"]+)"', html)) | set(
        re.findall(r'<link [^>]*type="application/rss\+xml"[^>]*href="([^"]+)"', html))


def test_the_furniture_adds_no_link_the_crawler_would_follow():
    site = gen.build_site(30, seed=2)
    stub = site.articles[20]
    article = gen.article_page(stub, site, 2)[0]
    plain = render_article(article, site)
    dressed = furniture.dress(plain, page_url="/article/1.php", section=site.section(stub.section),
                              sections=site.sections, rng=random.Random(1), target=58_000)
    added = hrefs(dressed) - hrefs(plain)
    assert added  # the menu, the widget and the consent banner link somewhere
    assert all(h.startswith(("https://", "/search?", "#")) for h in added), sorted(added)
    assert len(dressed.encode()) > 50_000
    with pytest.raises(ValueError, match="to dress"):
        furniture.dress("<html><body></body></html>", page_url="/article/1.php",
                        section=site.section(stub.section), sections=site.sections,
                        rng=random.Random(1), target=40_000)


def test_truth_ids_grow_with_dates_and_every_article_is_in_the_sitemap(site):
    records = truth(site)
    assert len(records) == ARTICLES
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    assert [r["published"] for r in records] == sorted(r["published"] for r in records)
    listed = [loc for chunk in sorted((site / "root" / "sitemaps").glob("*.xml"))
              for loc, _ in sitemap_entries(chunk.read_bytes())[1]]
    assert sorted(listed) == sorted(r["path"] for r in records)


def test_the_loader_reads_every_page_as_the_truth_says(site):
    root = site / "root"
    evidence = DateEvidence()
    for chunk in (root / "sitemaps").glob("*.xml"):
        for loc, when in sitemap_entries(chunk.read_bytes())[1]:
            evidence.add(PROFILE.article_id(loc), when, "sitemap")
    for expected in truth(site):
        response = HtmlResponse("http://127.0.0.1:8067" + expected["path"],
                                body=(root / expected["path"][1:]).read_bytes(),
                                headers={"Date": "Mon, 12 Jan 2026 09:00:00 GMT"})
        item = extract_article(response, PROFILE, evidence)
        got = {field: getattr(item, field) for field in truth_check.FIELDS}
        assert got == {field: expected[field] for field in truth_check.FIELDS}, expected["path"]


def test_a_crawl_of_a_generated_site_passes_the_benchmark_truth_check(tmp_path, monkeypatch):
    # Small sitemap chunks: the spider reads a sitemap index of several files, as on 50,000.
    monkeypatch.setattr(gen, "SITEMAP_CHUNK", 7)
    site = tmp_path / "site"
    gen.generate(site, 40, seed=5)
    assert len(list((site / "root" / "sitemaps").glob("*.xml"))) == 6
    db = tmp_path / "crawl.db"
    with ReplicaServer(site / "root") as server:
        cmd = [sys.executable, "-m", "newsbot", "crawl", "--start-url", server.url, "--db", str(db)]
        result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=240)
        assert result.returncode == 0, result.stdout + result.stderr[-3000:]
        check = truth_check.check(db, site / "truth.jsonl", server.url)
    assert check["ok"], check
    assert check["truth"] == check["stored"] == 40
    # A broken field is caught: the check is not a formality.
    import sqlite3
    con = sqlite3.connect(db)
    con.execute("UPDATE articles SET body = body || ' extra' WHERE id = 3")
    con.commit()
    con.close()
    broken = truth_check.check(db, site / "truth.jsonl", server.url)
    assert not broken["ok"] and broken["mismatched"] == {"body": 1}
