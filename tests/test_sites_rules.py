"""Profile rules on saved pages: which rule read each field (extracted_by), the per-rule stats a
markup change shifts, and the generic fallback for a field whose rules come out empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from parsel import Selector

from newsbot.links import first_match
from newsbot.loaders import extract_article
from newsbot.profiles import load_profile
from tests import japandispatch_truth as jd
from tests.replica_truth import PROFILE, articles, evidence_from_files, expected_fields
from tests.test_loader import HOST, response_for


class Stats:
    """The part of Scrapy's stats collector the loader uses."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] = self.values.get(key, start) + count

    def parser(self, field: str) -> dict[str, int]:
        prefix = f"parser/{field}/"
        return {k[len(prefix):]: v for k, v in self.values.items() if k.startswith(prefix)}


@pytest.fixture(scope="module")
def evidence():
    return evidence_from_files(HOST)


def article(article_id: int) -> dict:
    return next(a for a in articles() if a["id"] == article_id)


def test_first_match_counts_each_rule_it_tried():
    sel = Selector(text="<div class='b'><p>x</p></div><div class='c'>y</div>")
    stats = Stats()
    rule, found = first_match(sel, [".a", "//div[@class='b']", ".c"], stats, "body")
    assert rule == "//div[@class='b']" and found.xpath("string()").get() == "x"
    # Tried and missed counts 0 (the key shows the rule is in use); never tried: no key.
    assert stats.parser("body") == {"css/.a": 0, "xpath///div[@class='b']": 1}


def test_each_field_says_which_rule_read_it(evidence):
    item = extract_article(response_for("/article/119870.php"), PROFILE, evidence)
    assert item.extracted_by == {
        "canonical_url": "profile:canonical_article",
        "headline": "profile:h1.headline",
        "summary": "profile:meta[name='description']::attr(content)",
        "section": "profile:.article .kicker",
        "dateline": "profile:text.lead",
        "published": "profile:text.lead",
        "source": "profile:text.lead",
        "body": "profile:.article-body",
        "related": "profile:.more-news .news-item",
        "popular": "profile:.popular-news .news-item",
    }


def test_the_old_layout_shows_as_a_shift_to_the_fallback_rules(evidence):
    stats = Stats()
    extract_article(response_for("/article/119603.php"), PROFILE, evidence, stats)
    extract_article(response_for("/html/newsdesk/article/119603.php"), PROFILE, evidence, stats)
    # itemloaders counts headline and summary; select_first the body, kicker and link blocks.
    assert stats.parser("headline") == {"css/h1.headline": 1, "css/#newstitle": 1}
    assert stats.parser("body") == {"css/.article-body": 1, "css/#newstext": 1}
    assert stats.parser("kicker") == {"css/.article .kicker": 1, "css/#newsheader": 1}
    assert stats.parser("related") == {"css/.more-news .news-item": 1, "css/.morenews li": 1}
    assert stats.parser("popular") == {"css/.popular-news .news-item": 1,
                                       "css/#rightcol .popular li": 1}


def test_old_layout_credits_printed_after_the_link_are_read_by_the_entry_rules(evidence):
    item = extract_article(response_for("/html/newsdesk/article/119603.php"), PROFILE, evidence)
    assert [r["source"] for r in item.related] == ["Kyodo", "Nikkei", "NHK"]
    assert item.extracted_by["related"] == "profile:.morenews li"


def test_a_renamed_body_container_falls_back_to_the_generic_body(evidence):
    """The site renames .article-body: the body still comes out right, and says it is generic."""
    page = response_for("/article/166230.php")  # ads and a script inside the body
    page = page.replace(body=page.body.replace(b'class="article-body"', b'class="story-body"'))
    stats = Stats()
    item = extract_article(page, PROFILE, evidence, stats)
    expected = expected_fields(article(166230), HOST)
    assert item.body == expected["body"]
    # The profile's text rules still apply to the generic body: dateline and credit taken off.
    assert (item.dateline, item.source, item.published) == \
        (expected["dateline"], expected["source"], expected["published"])
    assert item.extracted_by["body"] == "generic:text:newsbot"
    assert item.extracted_by["headline"] == "profile:h1.headline"
    assert stats.parser("body") == {"css/.article-body": 0, "css/#newstext": 0}
    assert stats.values["newsbot/generic/body"] == 1


def test_a_missing_headline_falls_back_to_the_next_rule_then_to_generic(evidence, tmp_path):
    page = response_for("/article/165005.php")
    renamed = page.replace(body=page.body.replace(b'class="headline"', b'class="title"'))
    item = extract_article(renamed, PROFILE, evidence)
    assert item.headline == article(165005)["headline"]
    assert item.extracted_by["headline"] == "profile:meta[property='og:title']::attr(content)"
    text = (Path(__file__).parents[1] / "newsbot/sites/newsonjapan.toml").read_text("utf-8")
    only_h1 = text.replace(
        """headline = ["h1.headline", "#newstitle", "meta[property='og:title']::attr(content)"]""",
        """headline = ["h1.headline"]""")
    assert only_h1 != text
    (tmp_path / "newsonjapan.toml").write_text(only_h1, "utf-8")
    item = extract_article(renamed, load_profile("newsonjapan", tmp_path), evidence)
    assert item.headline == article(165005)["headline"]
    assert item.extracted_by["headline"].startswith("generic:")


def test_xpath_rules_work_for_loader_fields(tmp_path, evidence):
    text = (Path(__file__).parents[1] / "newsbot/sites/newsonjapan.toml").read_text("utf-8")
    xpath = text.replace(
        """headline = ["h1.headline",""",
        """headline = ["//h1[@class='nope']/text()", "//h1[@class='headline']/text()",""")
    (tmp_path / "newsonjapan.toml").write_text(xpath, "utf-8")
    stats = Stats()
    item = extract_article(response_for("/article/165005.php"),
                           load_profile("newsonjapan", tmp_path), evidence, stats)
    assert item.headline == article(165005)["headline"]
    assert item.extracted_by["headline"] == "profile://h1[@class='headline']/text()"
    assert stats.parser("headline") == {"xpath///h1[@class='nope']/text()": 0,
                                        "xpath///h1[@class='headline']/text()": 1}


def test_published_rules_in_priority_order_then_the_address():
    """A feature page: the byline <time> first, the published-time meta next, the address last."""
    profile = load_profile("japandispatch")
    story = next(a for a in jd.articles() if a["template"] == "feature")
    page = jd.response_for(jd.path_of(story))
    item = extract_article(page, profile)
    assert item.extracted_by["published"] == "profile:.byline time::attr(datetime)"
    no_time = page.replace(body=page.body.replace(b"<time ", b"<span "))
    item = extract_article(no_time, profile)
    assert item.published == story["published"][:10]
    assert item.extracted_by["published"] == \
        "profile:meta[property='article:published_time']::attr(content)"
    no_meta = no_time.replace(body=no_time.body.replace(b"article:published_time", b"x"))
    item = extract_article(no_meta, profile)
    assert item.published == story["published"][:10]
    assert item.extracted_by["published"] == "profile:url"
    assert item.date_evidence == f"the address gives {story['published'][:10]}"


def test_a_printed_year_needs_no_evidence():
    profile = load_profile("japandispatch")
    story = next(a for a in jd.articles() if "year-boundary" in a.get("quirks", []))
    item = extract_article(jd.response_for(jd.path_of(story)), profile)
    # 00:40 on Jan 1 in Tokyo is Dec 31 in UTC: the date stays the one the page prints.
    assert (item.dateline, item.published) == ("Jan. 1, 2026", "2026-01-01")
    assert item.date_evidence == "dateline 'Jan. 1, 2026' prints the year"
