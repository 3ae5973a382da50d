"""The replica's hand-written truth (fixtures/newsonjapan/articles.toml), shaped as the loader's output."""

from __future__ import annotations

import json
import tomllib
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from newsbot.dates import DateEvidence
from newsbot.feeds import feed_entries, sitemap_entries
from newsbot.profiles import load_profile

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "newsonjapan"
SITE = ROOT / "site"
PROFILE = load_profile("newsonjapan")


@cache
def truth() -> dict:
    return tomllib.loads((ROOT / "articles.toml").read_text("utf-8"))


def articles() -> list[dict]:
    return truth()["article"]


def by_id() -> dict[int, dict]:
    listed = {a["id"]: a for a in truth()["article"]}
    listed.update({g["id"]: g for g in truth().get("gone", [])})
    return listed


def site_config() -> dict:
    return json.loads((SITE / "_site.json").read_text("utf-8"))


def listing(article_id: int, host: str) -> dict:
    """How a story appears in a related or popular block: canonical URL, summary, credit."""
    story = by_id()[article_id]
    credit = story.get("credit") if story.get("listing_credit") else None
    return {"url": f"{host}/article/{article_id}.php", "title": story["summary"],
            "source": PROFILE.source_aliases.get(credit, credit) if credit else None}


def expected_fields(article: dict, host: str) -> dict:
    """Every field the loader must produce for this article's page."""
    return {
        "article_id": str(article["id"]),
        "canonical_url": f"{host}/article/{article['id']}.php",
        "section": article["section"],
        "headline": article["headline"],
        "dateline": article["dateline"],
        "published": article["published"],
        "source": article["source"],
        # The contract normalises whitespace: a no-break space is stored as a space.
        "body": "\n\n".join(article["body"]).replace("\u00a0", " "),
        "summary": article["summary"],
        "related": [listing(i, host) for i in article.get("related", [])],
        "popular": [{"rank": n, **listing(i, host)} for n, i in enumerate(truth()["site"]["popular"], 1)],
    }


def evidence_from_files(host: str) -> DateEvidence:
    """What the spider learns from the replica's sitemap and feeds before reading any article."""
    evidence = DateEvidence()
    for xml in sorted(SITE.rglob("*.xml")):
        path = "/" + xml.relative_to(SITE).as_posix()
        body = xml.read_bytes()
        kind, entries = sitemap_entries(body)
        pairs, origin = (entries, f"sitemap {path}") if kind else (feed_entries(body), f"feed {path}")
        for url, when in pairs:
            article_id = PROFILE.article_id(urlsplit(url).path)
            if article_id and when:
                evidence.add(article_id, when, origin)
    return evidence


def fold(links: list[dict]) -> list[dict]:
    """Related links as stored: the first of each URL (the pipeline folds repeats)."""
    seen, out = set(), []
    for link in links:
        if link["url"] not in seen:
            seen.add(link["url"])
            out.append(link)
    return out


def assert_the_replica(exported: dict[str, dict], replica: str) -> None:
    """An export (canonical URL -> article) holds every article of the truth, each once, with
    every field as the hand-written truth says."""
    truth = {f"{replica}/article/{a['id']}.php": a for a in articles()}
    assert sorted(exported) == sorted(truth)
    for url, article in truth.items():
        expected = expected_fields(article, replica)
        expected["related"] = fold(expected["related"])
        got = {name: exported[url][name] for name in expected}
        if exported[url]["url"].startswith(f"{replica}/html/newsdesk/"):
            expected["summary"] = None  # stored from its old-layout page, which has none
        assert got == expected, (url, {k: (got[k], expected[k])
                                       for k in got if got[k] != expected[k]})
