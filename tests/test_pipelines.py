import pytest
from itemadapter import ItemAdapter

from newsbot.exceptions import DuplicateArticle, DuplicateContent, MissingField
from newsbot.extensions.runrecord import RunRecorder
from newsbot.items import Article
from newsbot.pipelines.dedupe import DedupePipeline
from newsbot.pipelines.links import LinksPipeline
from newsbot.pipelines.store import StorePipeline
from newsbot.pipelines.validate import ValidatePipeline
from newsbot.processors import content_hash

from tests.conftest import make_crawler

H = "http://127.0.0.1:8067"


def article(article_id="149533", body="Japan has decided.", **extra) -> Article:
    fields = dict(url=f"{H}/article/{article_id}.php", canonical_url=f"{H}/article/{article_id}.php",
                  article_id=article_id, headline="Headline", body=body, published="2019-09-07",
                  source="Japan Times", crawled_at="2026-01-12T09:00:00+00:00",
                  content_hash=content_hash("Headline", body))
    fields.update(extra)
    return Article(**fields)


@pytest.fixture
def crawler(tmp_path):
    crawler = make_crawler(NEWSBOT_DB=str(tmp_path / "news.db"))
    recorder = RunRecorder.of(crawler)
    recorder.spider_opened(crawler.spider)
    yield crawler
    recorder.store.close()


def build(cls, crawler):
    pipeline = cls.from_crawler(crawler)
    if hasattr(pipeline, "open_spider"):
        pipeline.open_spider()
    return pipeline


def test_validate_drops_missing_fields_and_counts_them(crawler):
    pipeline = build(ValidatePipeline, crawler)
    assert pipeline.process_item(article()) is not None
    with pytest.raises(MissingField, match="missing headline, published"):
        pipeline.process_item(article(headline=None, published=None))
    assert crawler.stats.get_value("newsbot/missing/headline") == 1


def test_validate_rejects_a_malformed_date(crawler):
    with pytest.raises(MissingField, match="not an ISO date"):
        build(ValidatePipeline, crawler).process_item(article(published="Sep 07"))


def test_dedupe_drops_a_second_copy_in_the_same_run(crawler):
    dedupe, store = build(DedupePipeline, crawler), build(StorePipeline, crawler)
    store.process_item(dedupe.process_item(article()))
    old_layout = article(url=f"{H}/html/newsdesk/article/149533.php")
    with pytest.raises(DuplicateArticle, match="already stored in this run"):
        dedupe.process_item(old_layout)


def test_dedupe_drops_the_same_text_under_another_url(crawler):
    dedupe, store = build(DedupePipeline, crawler), build(StorePipeline, crawler)
    store.process_item(dedupe.process_item(article()))
    with pytest.raises(DuplicateContent, match="repeats the text"):
        dedupe.process_item(article(article_id="150000"))


def test_dedupe_across_runs_drops_unchanged_and_keeps_changed(crawler):
    recorder = RunRecorder.of(crawler)
    build(StorePipeline, crawler).process_item(article())
    recorder.store.begin_run("portal", "newsonjapan", "later", {})  # the next run
    dedupe = build(DedupePipeline, crawler)
    with pytest.raises(DuplicateArticle, match="unchanged since run"):
        dedupe.process_item(article())
    assert dedupe.process_item(article(body="Japan has now decided.")) is not None


def test_links_fold_repeats_and_resolve_both_layouts_to_canonical_urls(crawler):
    related = [
        {"url": f"{H}/article/1.php?utm_source=x", "title": "Smile-Up", "source": "NHK"},
        {"url": f"{H}/article/1.php", "title": "Smile-Up", "source": "NHK"},
        {"url": f"{H}/html/newsdesk/article/2.php", "title": "Old", "source": "The Japan Times"},
    ]
    item = build(LinksPipeline, crawler).process_item(article(related=related))
    assert ItemAdapter(item)["related"] == [
        {"url": f"{H}/article/1.php", "title": "Smile-Up", "source": "NHK"},
        {"url": f"{H}/article/2.php", "title": "Old", "source": "Japan Times"},
    ]
    assert crawler.stats.get_value("newsbot/links/related_repeated") == 1


def test_store_writes_one_snapshot_per_distinct_ranking(crawler):
    store = build(StorePipeline, crawler)
    ranking = [{"rank": 1, "url": f"{H}/article/9.php", "title": "Nine", "source": None}]
    moved = [{"rank": 1, "url": f"{H}/article/8.php", "title": "Eight", "source": None}]
    for i, popular in enumerate([ranking, ranking, moved, ranking]):
        store.process_item(article(article_id=str(100 + i), body=f"Body {i}.", popular=popular))
    counts = RunRecorder.of(crawler).store.counts()
    assert counts["popular_snapshots"] == 2
    assert counts["articles"] == 4
    assert crawler.stats.get_value("newsbot/store/new") == 4
