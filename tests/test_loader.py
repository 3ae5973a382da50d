"""The loader on every saved replica article page, field by field, against the hand-written truth."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from newsbot.loaders import extract_article
from tests.replica_truth import PROFILE, SITE, articles, evidence_from_files, expected_fields, site_config

HOST = "http://127.0.0.1:8067"
EVIDENCE = None


def response_for(path: str) -> HtmlResponse:
    """The page as the replica server sends it: its bytes, its headers, the snapshot Date."""
    config = site_config()
    headers = {"Date": "Mon, 12 Jan 2026 09:00:00 GMT", "Content-Type": "text/html"}
    headers.update(config.get("headers", {}).get(path, {}))
    return HtmlResponse(url=HOST + path, body=(SITE / path.lstrip("/")).read_bytes(), headers=headers)


def pages() -> list[tuple[str, dict]]:
    out = []
    for article in articles():
        out.append((f"/article/{article['id']}.php", article))
        if article.get("layout") == "legacy":
            out.append((f"/html/newsdesk/article/{article['id']}.php", article))
    return out


@pytest.fixture(scope="module")
def evidence():
    return evidence_from_files(HOST)


@pytest.mark.parametrize("path, article", pages(), ids=[p for p, _ in pages()])
def test_every_field_matches_the_page(path, article, evidence):
    item = extract_article(response_for(path), PROFILE, evidence)
    expected = expected_fields(article, HOST)
    if path.startswith("/html/newsdesk/"):
        expected["summary"] = None  # the old layout has no description to read
    got = {name: getattr(item, name) for name in expected}
    # Links come out as printed; the links pipeline folds them to canonical URLs.
    for block in ("related", "popular"):
        got[block] = [{**link, "url": PROFILE.canonical_for(link["url"])} for link in got[block]]
    assert got == expected
    assert item.url == HOST + path
    assert item.date_evidence


def test_the_seed_article_as_the_seed_text_shows_it(evidence):
    item = extract_article(response_for("/article/119870.php"), PROFILE, evidence)
    assert item.headline == ("Japan rejects South Korea's offer to extend intel-sharing pact "
                             "for retraction of trade controls")
    assert (item.dateline, item.source, item.section) == ("Sep 07", "Japan Times", "Society")
    assert item.body.startswith("Japan has decided to reject South Korea’s offer")
    assert item.body.endswith("SK Hynix Inc., among others.")
    assert item.body.count("\n\n") == 6  # seven paragraphs
    titles = [r["title"][:30] for r in item.related]
    assert titles == ["Japanese company Smile-Up, the", "Japanese company Smile-Up, the",
                      "Actress Akane Hotta announced ", "Princess Aiko, the eldest daug"]
    assert item.related[0]["source"] == "NHK" and item.related[2]["source"] is None
    assert [p["rank"] for p in item.popular] == [1, 2, 3, 4, 5]
    assert item.popular[0]["title"].startswith("In a remarkable display of bravery")
    assert item.popular[3]["source"] == "NHK"


def test_without_feeds_a_december_dateline_in_january_is_last_year():
    dec31 = next(a for a in articles() if a["dateline"] == "Dec 31")
    item = extract_article(response_for(f"/article/{dec31['id']}.php"), PROFILE)
    assert item.published == dec31["published"] == "2025-12-31"
    assert item.date_evidence.startswith("server Date 2026-01-12")
