"""Near-duplicates: signatures, estimates at known similarities, groups kept across runs."""

from __future__ import annotations

import pytest

from newsbot.neardup import NearDupParams, Signer, refresh, shingles, similarity
from newsbot.store import ArticleQuery, open_store
from tests.corpora.pairs import (EXPECTED, EXTRA, FIRE, KNOWN, NHK_FIRE, NHK_SNOW, QUAKE,
                                 QUAKE_SYNDICATED, SNOW, stored, words)

SIGNER = Signer(NearDupParams())


@pytest.fixture
def store(store_address):
    s = open_store(store_address)
    s.begin_run("portal", "newsonjapan", "2026-01-12T09:00:00+00:00", {})
    yield s
    s.close()


def marks(store) -> dict[str, str | None]:
    return {a["canonical_url"]: a["duplicate_of"] for a in store.select_articles(ArticleQuery())}


def test_shingles_ignore_case_punctuation_and_spacing():
    assert shingles("The quake, it struck   SENDAI today.", 4) == shingles(
        "the quake it struck sendai today", 4) == {
        b"the quake it struck", b"quake it struck sendai", b"it struck sendai today"}
    assert shingles("Too short", 4) == {b"too short"}
    assert shingles("", 4) == set()


@pytest.mark.parametrize("other, exact, grouped", KNOWN)
def test_the_estimate_is_close_to_the_exact_similarity(other, exact, grouped):
    estimate = similarity(SIGNER.sign(words(0, 100)), SIGNER.sign(other))
    assert abs(estimate - exact) < 0.13  # three standard errors at 128 permutations


@pytest.mark.parametrize("other, exact, grouped", [k for k in KNOWN if k[2] is not None])
def test_groups_form_above_the_threshold_only(store, other, exact, grouped):
    store.upsert_article(stored("http://t/a.php", "A", words(0, 100), "NHK", "2026-01-05"), None)
    store.upsert_article(stored("http://t/b.php", "B", other, "NHK", "2026-01-06"), None)
    refresh(store, SIGNER)
    assert marks(store)["http://t/b.php"] == ("http://t/a.php" if grouped else None)


def test_syndicated_and_reposted_stories_group_and_different_stories_do_not(store):
    for article in EXTRA:
        store.upsert_article(article, None)
    counts = refresh(store, SIGNER)
    assert marks(store) == EXPECTED
    assert counts == {"signed": 5, "compared": 5, "groups": 2, "marked": 2, "changed": 2}
    [syndicated] = [a for a in store.select_articles(ArticleQuery())
                    if a["canonical_url"] == QUAKE_SYNDICATED["canonical_url"]]
    assert 0.6 < syndicated["duplicate_similarity"] < 0.85  # exact Jaccard 0.72


def test_same_source_same_day_stories_stay_apart():
    assert similarity(SIGNER.sign(NHK_SNOW), SIGNER.sign(NHK_FIRE)) < 0.1
    assert SNOW["source"] == FIRE["source"] and SNOW["published"] == FIRE["published"]


def test_a_later_run_compares_against_signatures_stored_earlier(store_address):
    first = open_store(store_address)
    first.begin_run("portal", "newsonjapan", "2026-01-06T09:00:00+00:00", {})
    first.upsert_article(QUAKE, None)
    assert refresh(first, SIGNER)["signed"] == 1
    first.close()
    later = open_store(store_address)
    later.begin_run("portal", "newsonjapan", "2026-01-07T09:00:00+00:00", {})
    later.upsert_article(QUAKE_SYNDICATED, None)
    counts = refresh(later, SIGNER)
    assert counts["signed"] == 1  # the earlier article's stored signature is reused
    assert marks(later)[QUAKE_SYNDICATED["canonical_url"]] == QUAKE["canonical_url"]
    later.close()


def test_an_edited_body_is_signed_again_and_leaves_its_group(store):
    store.upsert_article(QUAKE, None)
    store.upsert_article(QUAKE_SYNDICATED, None)
    refresh(store, SIGNER)
    edited = {**QUAKE_SYNDICATED, "body": NHK_FIRE.replace("Tuesday", "Wednesday"),
              "content_hash": "hand-edited"}
    store.upsert_article(edited, None)
    counts = refresh(store, SIGNER)
    assert counts["signed"] == 1 and counts["changed"] == 1
    assert marks(store)[QUAKE_SYNDICATED["canonical_url"]] is None


def test_export_filter_keeps_one_per_group(store):
    for article in EXTRA:
        store.upsert_article(article, None)
    refresh(store, SIGNER)
    kept = {a["canonical_url"] for a in store.select_articles(ArticleQuery(near_dedupe=True))}
    assert kept == {url for url, head in EXPECTED.items() if head is None}
    assert QUAKE["canonical_url"] in kept


def copy(article: dict, url: str, published: str) -> dict:
    return {**article, "canonical_url": url, "url": url, "published": published,
            "content_hash": f"hand-{url}"}


def test_only_stories_published_within_the_window_are_compared(store):
    store.upsert_article(QUAKE, None)                                    # 2026-01-06
    store.upsert_article(copy(QUAKE, "http://t/late.php", "2026-02-20"), None)  # 45 days on
    refresh(store, SIGNER)
    assert marks(store)["http://t/late.php"] is None
    wide = Signer(NearDupParams(window_days=0))
    refresh(store, wide)  # nothing new to sign: nothing regrouped
    assert marks(store)["http://t/late.php"] is None
    store.upsert_article(copy(QUAKE, "http://t/later.php", "2026-02-21"), None)
    refresh(store, wide)
    assert marks(store)["http://t/late.php"] == marks(store)["http://t/later.php"] == \
        QUAKE["canonical_url"]


def test_a_later_run_keeps_a_group_head_published_before_its_window(store_address):
    first = open_store(store_address)
    first.upsert_article(QUAKE, None)                                              # 01-06
    first.upsert_article(copy(QUAKE_SYNDICATED, "http://t/m.php", "2026-01-30"), None)  # +24
    refresh(first, SIGNER)
    assert marks(first)["http://t/m.php"] == QUAKE["canonical_url"]
    first.close()
    later = open_store(store_address)
    later.upsert_article(copy(QUAKE_SYNDICATED, "http://t/m1.php", "2026-02-20"), None)  # +45
    counts = refresh(later, SIGNER)
    # compared: the new article, the one 21 days before it, and that one's head from 01-06
    assert counts["signed"] == 1 and counts["compared"] == 3
    assert marks(later) == {QUAKE["canonical_url"]: None,
                            "http://t/m.php": QUAKE["canonical_url"],
                            "http://t/m1.php": QUAKE["canonical_url"]}
    later.close()
