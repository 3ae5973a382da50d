"""`newsbot crawl --warc` then `newsbot reextract`: the archive rebuilds the same articles."""

from __future__ import annotations

import json
import sqlite3

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.corpora.crawled import build, newsbot
from tests.replica_truth import articles, site_config

# Fields that depend on the moment or on which of an article's two addresses answered first.
# The replica serves its 8 legacy stories under an old address too; in any crawl, live or
# replayed, whichever page arrives first is stored and the other dropped or skipped as known,
# and the old page has no description and other markup (extracted_by names other rules).
# Those are checked separately below.
PAGE_FIELDS = ("crawled_at", "url", "summary", "extracted_by")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build(tmp_path_factory.mktemp("reextract"))


@pytest.fixture(scope="module")
def rebuilt(corpus, tmp_path_factory):
    db = tmp_path_factory.mktemp("rebuilt") / "rebuilt.db"
    result = newsbot("reextract", "--warc", str(corpus.warc), "--db", str(db))
    return result, db


def exported(db) -> dict[str, dict]:
    out = newsbot("export", "--db", str(db))
    assert out.returncode == 0, out.stderr
    return {a["canonical_url"]: a for a in map(json.loads, out.stdout.splitlines())}


def test_the_archive_holds_every_fetched_response(corpus):
    [archive] = list(corpus.warc.glob("*.warc.gz"))
    kinds, uris = [], set()
    with open(archive, "rb") as f:
        for record in ArchiveIterator(f):
            kinds.append(record.rec_type)
            if record.rec_type == "response":
                uris.add(record.rec_headers.get_header("WARC-Target-URI"))
    assert kinds[0] == "warcinfo"
    [stats] = sqlite3.connect(corpus.crawled).execute("SELECT stats FROM runs").fetchone()
    assert kinds.count("response") == kinds.count("request") == \
        json.loads(stats)["downloader/response_count"]
    legacy = {int(i): c["old_url"] for i, c in site_config()["articles"].items()
              if c.get("old_url")}
    for article in articles():  # under its address, or its old one (the first to answer)
        addresses = {f"{corpus.host}/article/{article['id']}.php"}
        if article["id"] in legacy:
            addresses.add(corpus.host + legacy[article["id"]])
        assert addresses & uris, article["id"]
    assert f"{corpus.host}/robots.txt" in uris and f"{corpus.host}/sitemap.xml" in uris
    redirects = site_config()["redirects"]
    moved = [old for old, new in redirects.items() if new.startswith("/article/")]
    assert moved and all(corpus.host + old in uris for old in moved)  # each 301 itself
    assert f"{corpus.host}/article/166599.php" in uris  # and the 404


def test_reextract_is_healthy_and_fetches_nothing(rebuilt):
    result, db = rebuilt
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    [stats] = sqlite3.connect(db).execute("SELECT stats FROM runs").fetchone()
    stats = json.loads(stats)
    assert stats["newsbot/warc/replayed"] == stats["downloader/response_count"]
    # Asked for only where the race between a legacy story's two addresses went the other way
    # than in the live crawl: the address the live crawl skipped was never archived.
    assert stats.get("newsbot/warc/not_archived", 0) <= 8


def test_reextract_gives_the_same_articles(corpus, rebuilt):
    _, db = rebuilt
    live, again = exported(corpus.crawled), exported(db)
    assert sorted(again) == sorted(live)
    assert len(live) == len(articles())
    for url, article in live.items():
        same = {k: v for k, v in article.items() if k not in PAGE_FIELDS}
        assert {k: v for k, v in again[url].items() if k not in PAGE_FIELDS} == same, url


def test_where_two_addresses_raced_both_runs_stored_a_page_of_that_article(corpus, rebuilt):
    _, db = rebuilt
    live, again = exported(corpus.crawled), exported(db)
    for url in live:
        for run in (live[url], again[url]):
            legacy = "/html/newsdesk/" in run["url"]
            assert run["url"] == url or (legacy and run["url"].endswith(url.rsplit("/", 1)[1]))
            assert (run["summary"] is None) == legacy, url
        if live[url]["url"] == again[url]["url"]:
            assert live[url]["summary"] == again[url]["summary"]


def test_the_same_failures_are_recorded(corpus, rebuilt):
    _, db = rebuilt
    failures = lambda path: sorted(sqlite3.connect(path).execute(  # noqa: E731
        "SELECT url, reason, status FROM failures"))
    assert failures(db) == failures(corpus.crawled) != []


@pytest.mark.parametrize("make, message", [
    (lambda tmp: tmp / "missing", "no WARC files"),
    (lambda tmp: tmp, "no WARC files"),
])
def test_an_archive_that_is_not_there_is_exit_2(tmp_path, make, message):
    result = newsbot("reextract", "--warc", str(make(tmp_path)), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2 and message in result.stderr


def test_an_unwritable_archive_directory_is_exit_2(tmp_path):
    result = newsbot("crawl", "--start-url", "http://127.0.0.1:9/", "--db", str(tmp_path / "x.db"),
                     "--warc", "/proc/newsbot-warc")
    assert result.returncode == 2 and "cannot archive in /proc/newsbot-warc" in result.stderr
