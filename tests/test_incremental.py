"""Scheduled runs against a replica that changes between them (real HTTP, real processes).

Run 1 crawls the replica. The portal then moves on: five new stories at the top of Society and
Business, one story edited, the popular ranking reversed. Run 2 is the plain scheduled run,
run 3 re-checks the last 16 days, run 4 re-checks them again when nothing changed.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request

import pytest

from tests.replica_truth import articles, by_id
from tests.scheduled import (
    LATER,
    SITE,
    ReplicaServer,
    add_stories,
    base_site,
    crawl,
    edit_story,
    last_stats,
    new_story,
    query,
    rerank,
    runs,
    serve_again,
    with_new_stories,
    write_site,
)

EDITED = 167114  # Society, Dec 28: inside a 16-day recrawl window from the Jan 12 snapshot
NEW_SECTIONS = ["Society", "Society", "Society", "Business", "Business"]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("incremental")
    db = tmp / "news.db"
    base = base_site()
    changed = with_new_stories(base, NEW_SECTIONS)
    changed = edit_story(changed, EDITED, LATER)
    changed = rerank(changed, tuple(reversed(base.popular)), LATER)
    write_site(changed, tmp / "v2", previous=SITE, etags=True)
    write_site(changed, tmp / "v3", previous=tmp / "v2", etags=True)  # a deploy that changed nothing
    new_ids = sorted({a.id for a in changed.articles} - {a.id for a in base.articles})
    out = {"db": db, "new_ids": new_ids, "popular": changed.popular}
    server = ReplicaServer(SITE).__enter__()
    try:
        out["url"] = url = server.url
        out["run1"] = crawl(url, db), last_stats(db)
        server = serve_again(server, tmp / "v2")
        out["run2"] = crawl(url, db), last_stats(db)
        out["run3"] = crawl(url, db, "--recrawl-days", "16"), last_stats(db)
        server = serve_again(server, tmp / "v3")
        out["run4"] = crawl(url, db, "--recrawl-days", "16"), last_stats(db)
    finally:
        server.__exit__(None, None, None)
    return out


def ok(result) -> None:
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]


def test_every_run_is_healthy(scenario):
    for name in ("run1", "run2", "run3", "run4"):
        ok(scenario[name][0])
        assert scenario[name][0].stdout.splitlines()[-1] == "healthy", name


def test_the_scheduled_run_fetches_only_the_new_stories(scenario):
    _, stats = scenario["run2"]
    assert stats["newsbot/store/new"] == len(NEW_SECTIONS)
    assert stats["newsbot/pages/article"] == len(NEW_SECTIONS)  # no stored article fetched again
    stored = {int(r[0]) for r in query(scenario["db"], "SELECT article_id FROM articles")}
    assert stored == {a["id"] for a in articles()} | set(scenario["new_ids"])


def test_pagination_stops_after_the_look_back(scenario):
    _, stats = scenario["run2"]
    # Lookback 1: page 1 of Society and of Business lists new stories, pages 2 and 3 only known
    # ones (3 pages each); the other four sections and the legacy Society index stop after
    # their pages 1 and 2. 3 + 3 + 4 * 2 + 2 = 16 of the 22 index pages.
    assert stats["newsbot/pages/section"] == 16
    assert stats["newsbot/incremental/pagination_stopped"] == 7
    assert scenario["run1"][1]["newsbot/pages/section"] == 21  # the first run walked them all


def test_the_home_page_ranking_is_stored_every_run(scenario):
    snapshots = query(scenario["db"], "SELECT id, run_id FROM popular_snapshots ORDER BY id")
    assert [run for _, run in snapshots] == [1, 2, 3, 4]
    latest = query(scenario["db"], "SELECT url FROM popular_entries WHERE snapshot_id = ? "
                   "ORDER BY rank", snapshots[-1][0])
    assert [u.rsplit("/", 1)[1] for (u,) in latest] == [f"{i}.php" for i in scenario["popular"]]


def test_the_edited_story_waits_for_a_recrawl(scenario):
    _, stats2 = scenario["run2"]
    assert stats2.get("newsbot/store/updated", 0) == 0
    _, stats3 = scenario["run3"]
    assert stats3["newsbot/store/updated"] == 1
    [(body,)] = query(scenario["db"], "SELECT body FROM articles WHERE article_id = ?", str(EDITED))
    assert body.endswith("This story was updated with a statement from the ministry.")


def test_the_previous_version_is_kept_in_history(scenario):
    history = query(scenario["db"], "SELECT h.body, h.replaced_by_run, a.body FROM article_history h "
                    "JOIN articles a ON a.id = h.article_pk")
    assert len(history) == 1
    old, run, new = history[0]
    assert old == "\n\n".join(by_id()[EDITED]["body"]) and run == 3 and new != old
    assert query(scenario["db"], "SELECT COUNT(*) FROM articles WHERE article_id = ?",
                 str(EDITED)) == [(1,)]  # updated in place


def test_unchanged_pages_are_compared_by_content_hash(scenario):
    # Run 3: the pages stored by run 1 all changed bytes since (the popular block moved), so
    # the server said 200 and only the content hash tells the edited story from the others.
    # The five new stories were fetched by run 2 from this very version: 304.
    _, stats = scenario["run3"]
    due = stats["newsbot/recrawl/due"]
    assert due > 10
    assert stats["newsbot/recrawl/not_modified"] == len(NEW_SECTIONS)
    assert stats["newsbot/pages/recrawl"] == due - len(NEW_SECTIONS)
    assert stats["item_dropped_reasons_count/DuplicateArticle"] == due - len(NEW_SECTIONS) - 1


def test_unchanged_pages_answer_the_conditional_get_with_304(scenario):
    _, stats = scenario["run4"]
    assert stats["newsbot/recrawl/not_modified"] == stats["newsbot/recrawl/due"] > 10
    assert stats.get("newsbot/pages/recrawl", 0) == 0
    # Every article fetched from the ETag-giving versions kept its ETag for the next check.
    with_etag = query(scenario["db"], "SELECT COUNT(*) FROM fetch_validators WHERE etag IS NOT NULL "
                      "AND last_modified IS NOT NULL")
    assert with_etag == [(stats["newsbot/recrawl/due"],)]


def test_the_runs_command_tells_the_story(scenario):
    records = runs(scenario["db"])
    assert [r["id"] for r in records] == [4, 3, 2, 1]
    newest, _, second, first = records
    assert first["items_new"] == len(articles()) and second["items_new"] == len(NEW_SECTIONS)
    assert newest["pages_fetched"] < first["pages_fetched"] * 0.5
    for record in records:
        assert record["finish_reason"] == "finished" and record["exit_status"] == 0
        assert set(json.loads(json.dumps(record))) >= {
            "started_at", "finished_at", "finish_reason", "exit_status", "pages_fetched",
            "items_new", "items_updated", "items_duplicate", "errors"}


def test_a_story_inserted_late_is_found_within_the_look_back(tmp_path):
    """A Politics story dated Dec 11 appears after the first crawl, on index page 2."""
    db = tmp_path / "news.db"
    base = base_site()
    late = new_story(base, "Politics", LATER, story_id=166490, published=dt.date(2025, 12, 11))
    write_site(add_stories(base, [late], LATER), tmp_path / "v2", previous=SITE)
    nav = ("--discover", "nav")  # feeds and the sitemap would list it: test pagination alone
    server = ReplicaServer(SITE).__enter__()
    try:
        ok(crawl(server.url, db, *nav))
        server = serve_again(server, tmp_path / "v2")
        ok(crawl(server.url, db, *nav, "--lookback", "0"))
        assert last_stats(db).get("newsbot/store/new", 0) == 0  # stopped at page 1
        ok(crawl(server.url, db, *nav, "--lookback", "1"))
        assert last_stats(db)["newsbot/store/new"] == 1
    finally:
        server.__exit__(None, None, None)
    assert query(db, "SELECT published FROM articles WHERE article_id = '166490'") == [("2025-12-11",)]


def test_the_replica_answers_conditional_gets(tmp_path):
    base = base_site()
    write_site(edit_story(base, EDITED, LATER), tmp_path / "v2", previous=SITE, etags=True)
    with ReplicaServer(tmp_path / "v2") as server:
        def get(path: str, **headers) -> tuple[int, dict]:
            request = urllib.request.Request(server.urljoin(path), headers=headers)
            try:
                with urllib.request.urlopen(request) as response:
                    return response.status, dict(response.headers)
            except urllib.error.HTTPError as e:
                return e.code, dict(e.headers)

        status, edited = get(f"/article/{EDITED}.php")
        assert status == 200 and edited["Last-Modified"] == "Mon, 12 Jan 2026 15:00:00 GMT"
        status, unchanged = get("/article/119870.php")
        assert status == 200 and unchanged["Last-Modified"] == "Mon, 12 Jan 2026 09:00:00 GMT"
        assert get(f"/article/{EDITED}.php", **{"If-None-Match": edited["ETag"]})[0] == 304
        assert get("/article/119870.php", **{"If-Modified-Since": unchanged["Last-Modified"]})[0] == 304
        # A stale ETag wins over a fresh-looking date: the page changed.
        assert get(f"/article/{EDITED}.php", **{"If-None-Match": unchanged["ETag"],
                                                "If-Modified-Since": edited["Last-Modified"]})[0] == 200
