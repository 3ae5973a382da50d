"""End to end on the second portal: serve the Japan Dispatch replica over HTTP, crawl it with its
profile and with no profile (--site generic), and check it with `newsbot check-site`."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests import replica_truth
from tests.japandispatch_truth import (
    SITE,
    articles,
    expected_by,
    expected_fields,
    expected_live,
    live,
    path_of,
    site_config,
)
from tests.replica import ReplicaServer

ROOT = Path(__file__).resolve().parents[1]
NEWSBOT = [sys.executable, "-m", "newsbot"]


def run(args: list[str], timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run(NEWSBOT + args, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(SITE) as server:
        yield server.url.rstrip("/")


def crawl(replica: str, db: Path, site: str) -> subprocess.CompletedProcess:
    return run(["crawl", "--site", site, "--start-url", replica + "/", "--db", str(db)])


def exported(db: Path) -> dict[str, dict]:
    out = run(["export", "--db", str(db), "--format", "jsonl"])
    assert out.returncode == 0, out.stderr
    return {a["canonical_url"]: a for a in map(json.loads, out.stdout.splitlines())}


def fold(links: list[dict]) -> list[dict]:
    seen: set[str] = set()
    return [x for x in links if not (x["url"] in seen or seen.add(x["url"]))]


@pytest.fixture(scope="module")
def profiled(replica, tmp_path_factory):
    db = tmp_path_factory.mktemp("jd") / "news.db"
    return crawl(replica, db, "japandispatch"), db


def test_the_profile_crawl_is_healthy(profiled):
    result, _ = profiled
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert result.stdout.splitlines()[-1] == "healthy"


def test_every_article_is_stored_once_with_every_field_and_its_paths(profiled, replica):
    _, db = profiled
    stored = exported(db)
    truth = {replica + path_of(a): a for a in articles()}
    live_pages = {replica + p["path"]: p for p in live()}
    assert sorted(stored) == sorted([*truth, *live_pages])
    for url, article in truth.items():
        expected = expected_fields(article, replica)
        expected["related"] = fold(expected["related"])
        assert {k: stored[url][k] for k in expected} == expected, url
        by = expected_by(article)
        assert {k: stored[url]["extracted_by"].get(k) for k in by} == by, url
    for url, page in live_pages.items():
        expected = expected_live(page, replica)
        assert {k: stored[url][k] for k in expected} == expected
        assert set(stored[url]["extracted_by"].values()) <= {
            "generic:json-ld", "generic:text:newsbot", "generic:meta",
            "generic:link[rel='canonical']::attr(href)"}


def test_the_gone_story_is_the_one_failure_and_the_renamed_one_no_duplicate(profiled, replica):
    _, db = profiled
    con = sqlite3.connect(db)
    failures = con.execute("SELECT url, reason FROM failures").fetchall()
    assert failures == [(replica + site_config()["gone"][0], "HTTP 404")]
    [stats] = con.execute("SELECT stats FROM runs").fetchone()
    stats = json.loads(stats)
    assert stats["downloader/response_status_count/301"] == 1
    assert con.execute("SELECT COUNT(*), COUNT(DISTINCT content_hash) FROM articles").fetchone() \
        == (27, 27)
    # The rule stats of a crawl: the column pages shift headline to its second rule.
    assert stats["parser/headline/css/h1.entry-title"] == 24
    assert stats["parser/headline/css/meta[property='og:title']::attr(content)"] == 2
    assert stats["newsbot/generic/body"] == 3  # two columns and the live blog
    assert stats["newsbot/pages/article_generic"] == 1
    assert stats["newsbot/pages/section"] == 9  # five first pages, four loaded "more"


def test_a_second_run_stores_nothing_new(profiled, replica):
    _, db = profiled
    again = crawl(replica, db, "japandispatch")
    assert again.returncode == 0, again.stdout + again.stderr[-2000:]
    con = sqlite3.connect(db)
    [stats] = con.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    assert json.loads(stats).get("newsbot/store/new", 0) == 0
    assert con.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 27


def test_with_no_profile_the_generic_path_reads_the_whole_site(replica, tmp_path):
    """--site generic: headline, date and section right everywhere; every paragraph of every
    story in its body and no page furniture. (Its bodies keep the standfirst and the dash of a
    dateline: see docs/sites.md.)"""
    db = tmp_path / "generic.db"
    result = crawl(replica, db, "generic")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    stored = exported(db)
    assert len(stored) == 27
    for article in articles():
        got = stored[replica + path_of(article)]
        assert (got["headline"], got["published"], got["section"], got["site"]) == \
            (article["headline"], article["published"][:10], article["section"], "generic")
        assert all(p in got["body"] for p in article["body"]), article["slug"]
        for furniture in ("Advertisement", "Read more:", "(Photo: Japan Dispatch)", "Share X",
                          "Most read", "Related stories"):
            assert furniture not in got["body"], (article["slug"], furniture)
        assert all(v.startswith("generic:") for v in got["extracted_by"].values())


def test_check_site_reports_each_field_and_passes(replica):
    result = run(["check-site", "japandispatch", "--start-url", replica + "/", "--pages", "5"])
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("check-site japandispatch: ")
    assert lines[2].split() == ["field", "read", "by", "(pages)"]
    fields = {line.split()[0]: line for line in lines[3:12]}
    assert list(fields) == ["headline", "section", "dateline", "published", "source", "body",
                            "summary", "related", "popular"]
    assert "profile:h1.entry-title (" in fields["headline"]
    assert "profile:.entry-content (" in fields["body"]
    assert "empty" in fields["dateline"]  # features, briefs and columns print none
    start = lines.index("rules in priority order (pages matched)") + 1
    rules = [line.split(maxsplit=2) for line in lines[start:] if line.startswith("  ")][:-1]
    # The profile's own order: the column pages reach the second headline rule, and the
    # published-time meta is tried on them but the byline <time> always matched first.
    assert [r[0] for r in rules[:2]] == ["headline", "headline"]
    assert rules[0][2] == "h1.entry-title" and int(rules[0][1]) > 0
    assert rules[1][2] == "meta[property='og:title']::attr(content)"
    published = [r for r in rules if r[0] == "published"]
    assert [r[2] for r in published] == [".byline time::attr(datetime)",
                                         "meta[property='article:published_time']::attr(content)"]
    assert int(published[0][1]) > 0 and published[1][1] in ("0", "-")
    assert lines[-2].startswith("  filled by the generic path: body (")
    assert lines[-1] == "ok: every required field was read"


def test_check_site_fails_when_a_required_field_is_empty_everywhere(tmp_path):
    """A News On Japan profile whose dateline rules no longer match the site's text."""
    text = (ROOT / "newsbot" / "sites" / "newsonjapan.toml").read_text("utf-8")
    lines = [("lead = '^NOMATCH(?P<dateline>x)'" if line.startswith("lead = ") else
              "kicker = '^NOMATCH(?P<section>x)(?P<dateline>y)'"
              if line.startswith("kicker = '") else line) for line in text.splitlines()]
    draft = tmp_path / "newsonjapan.toml"
    draft.write_text("\n".join(lines) + "\n", "utf-8")
    with ReplicaServer(replica_truth.SITE) as server:
        result = run(["check-site", str(draft), "--start-url", server.url, "--pages", "3"])
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    out = result.stdout.splitlines()
    assert out[-1] == "FAIL: published empty on every page"
    assert next(line for line in out if line.startswith("dateline")).endswith("EMPTY")


@pytest.mark.parametrize("args, message", [
    (["nope"], "newsbot check-site: no site profile 'nope'"),
    (["japandispatch", "--pages", "0"], "newsbot check-site: --pages must be 1 or more, not 0"),
    (["japandispatch", "--start-url", "ftp://x/"], "newsbot check-site: not an http(s) URL: ftp://x/"),
    (["generic"], "newsbot check-site: site profile 'generic' names no start URL: give "
                  "--start-url"),
])
def test_check_site_refuses_bad_input_in_one_line(args, message):
    result = run(["check-site", *args], timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
