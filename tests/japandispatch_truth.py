"""The Japan Dispatch replica's hand-written truth (fixtures/japandispatch/articles.toml), shaped
as the loader's output."""

from __future__ import annotations

import json
import tomllib
from datetime import datetime
from functools import cache
from pathlib import Path

from scrapy.http import HtmlResponse

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "japandispatch"
SITE = ROOT / "site"
CONTENT = ROOT / "articles.toml"
HOST = "http://127.0.0.1:8068"
SNAPSHOT_DATE = "Mon, 12 Jan 2026 03:00:00 GMT"
PORTAL = "Japan Dispatch"


@cache
def truth() -> dict:
    return tomllib.loads(CONTENT.read_text("utf-8"))


def articles() -> list[dict]:
    return truth()["article"]


def live() -> list[dict]:
    return truth()["live"]


def site_config() -> dict:
    return json.loads((SITE / "_site.json").read_text("utf-8"))


def path_of(story: dict, slug: str | None = None) -> str:
    """/YYYY/MM/DD/slug/ from the date the story was published in Japan."""
    day = datetime.fromisoformat(story["published"])
    return day.strftime("/%Y/%m/%d/") + (slug or story["slug"]) + "/"


def story(slug: str) -> tuple[dict, str]:
    """(the story a related slug stands for, the address pages link it by)."""
    t = truth()
    found = {a["slug"]: a for a in t["article"]}
    renamed = {r["old"]: found[r["new"]] for r in t.get("renamed", [])}
    gone = {g["slug"]: g for g in t.get("gone", [])}
    target = found.get(slug) or renamed.get(slug) or gone[slug]
    return target, path_of(target, slug)


def link(slug: str, host: str = HOST) -> dict:
    """A related card: the headline, and the credit when the story has one."""
    target, path = story(slug)
    credited = "credit" in target or slug in {g["slug"] for g in truth().get("gone", [])}
    return {"url": host + path, "title": target["headline"],
            "source": target["source"] if credited else None}


def expected_fields(article: dict, host: str = HOST) -> dict:
    """Every field the loader must produce for this article's page."""
    return {
        "article_id": article["slug"],
        "canonical_url": host + path_of(article),
        "section": article["section"],
        "headline": article["headline"],
        "dateline": article.get("dateline"),
        "published": article["published"][:10],
        "source": article["source"],
        "body": "\n\n".join(article["body"]),
        "summary": article["summary"],
        "related": [link(s, host) for s in article["related"]],
        "popular": [{"rank": n, **link(s, host), "source": None}
                    for n, s in enumerate(truth()["site"]["most_read"], 1)],
    }


def expected_live(page: dict, host: str = HOST) -> dict:
    """The live blog, which only the generic path reads."""
    return {
        "article_id": None,
        "canonical_url": host + page["path"],
        "section": page["section"],
        "headline": page["headline"],
        "dateline": None,
        "published": page["published"][:10],
        "source": page["source"],
        "body": "\n\n".join(page["body"]),
        "summary": page["summary"],
        "related": [],
        "popular": [],
    }


# Which rule or generic path must produce each field, by template (written by hand from the
# profile newsbot/sites/japandispatch.toml and the templates in articles.toml).
BY_TEMPLATE = {
    "news": {"headline": "profile:h1.entry-title", "body": "profile:.entry-content",
             "dateline": "profile:text.lead", "published": "profile:text.lead",
             "source": "profile:.byline .credit", "summary": "profile:.standfirst"},
    "feature": {"headline": "profile:h1.entry-title", "body": "profile:.entry-content",
                "published": "profile:.byline time::attr(datetime)",
                "summary": "profile:.standfirst"},
    "brief": {"headline": "profile:h1.entry-title", "body": "profile:.entry-content",
              "published": "profile:url", "source": "profile:.article-footer .source-note",
              "summary": "profile:meta[name='description']::attr(content)"},
    "opinion": {"headline": "profile:meta[property='og:title']::attr(content)",
                "body": "generic:text:newsbot", "source": "profile:portal_name",
                "published": "profile:.byline time::attr(datetime)",
                "summary": "profile:meta[name='description']::attr(content)"},
}


def expected_by(article: dict) -> dict:
    by = {"section": "profile:.breadcrumb li:last-child a", "related": "profile:.related li",
          "popular": "profile:.most-read li", "canonical_url": "profile:canonical_article",
          **BY_TEMPLATE[article["template"]]}
    if article["template"] == "feature":
        by["source"] = "profile:.byline .credit" if "credit" in article else "profile:portal_name"
    return by


def response_for(path: str, host: str = HOST) -> HtmlResponse:
    """The page as the replica server sends it: its bytes, its headers, the snapshot Date."""
    file = SITE / path.lstrip("/") / "index.html" if path.endswith("/") else SITE / path.lstrip("/")
    return HtmlResponse(url=host + path, body=file.read_bytes(),
                        headers={"Date": SNAPSHOT_DATE, "Content-Type": "text/html; charset=utf-8"})
