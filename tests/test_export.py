"""`newsbot export` on a crawled replica store plus hand-made pairs: formats, filters, schema."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timezone

import pyarrow.parquet as pq
import pytest

from newsbot.exports.parquet import ParquetWriter
from tests.corpora.crawled import ADDED, build, newsbot
from tests.corpora.pairs import EXPECTED, EXTRA, QUAKE, SNOW
from tests.replica_truth import articles

FIELDS = ["url", "canonical_url", "article_id", "site", "section", "headline", "dateline",
          "published", "date_evidence", "source", "body", "summary", "related", "popular",
          "crawled_at", "content_hash", "extracted_by", "duplicate_of", "duplicate_similarity"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build(tmp_path_factory.mktemp("export"))


def export(corpus, *args: str) -> list[dict]:
    out = newsbot("export", "--db", str(corpus.db), *args)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def truth_urls(corpus, keep) -> set[str]:
    return {f"{corpus.host}/article/{a['id']}.php" for a in articles() if keep(a)}


def extra_urls(keep) -> set[str]:
    return {a["canonical_url"] for a in ADDED if keep(a)}


def test_jsonl_has_every_article_with_the_documented_fields_in_order(corpus):
    rows = export(corpus)
    assert [list(r) for r in rows] == [FIELDS] * len(rows)
    assert {r["canonical_url"] for r in rows} == truth_urls(corpus, bool) | extra_urls(bool)


@pytest.mark.parametrize("args, keep", [
    (["--since", "2026-01-01"], lambda a: a["published"] >= "2026-01-01"),
    (["--until", "2019-12-31"], lambda a: a["published"] <= "2019-12-31"),
    (["--since", "2025-12-30", "--until", "2026-01-02"],
     lambda a: "2025-12-30" <= a["published"] <= "2026-01-02"),
    (["--section", "Politics"], lambda a: a["section"] == "Politics"),
    (["--section", "politics", "--section", "SPORTS"],
     lambda a: a["section"] in ("Politics", "Sports")),
    (["--source", "NHK"], lambda a: a["source"] == "NHK"),
    (["--source", "NHK", "--since", "2026-01-06", "--until", "2026-01-06"],
     lambda a: a["source"] == "NHK" and a["published"] == "2026-01-06"),
])
def test_filters_select_in_the_store(corpus, args, keep):
    got = {r["canonical_url"] for r in export(corpus, *args)}
    assert got == truth_urls(corpus, keep) | extra_urls(keep)
    assert got  # every row of this table selects something


def test_contains_matches_headline_or_body_ignoring_case(corpus):
    def has(a, text):
        whole = (a["headline"] + " " + " ".join(a["body"] if isinstance(a["body"], list)
                                                else [a["body"]])).lower()
        return text in whole
    for text in ("GSOMIA", "samsung", "earthquake"):
        got = {r["canonical_url"] for r in export(corpus, "--contains", text)}
        assert got == truth_urls(corpus, lambda a: has(a, text.lower())) | \
            extra_urls(lambda a: has(a, text.lower())), text
    assert export(corpus, "--contains", "100%_of") == []  # % and _ are plain text


def test_dedupe_near_keeps_one_per_group(corpus):
    everything = export(corpus)
    kept = export(corpus, "--dedupe", "near")
    dropped = {r["canonical_url"] for r in everything} - {r["canonical_url"] for r in kept}
    assert dropped == {url for url, head in EXPECTED.items() if head is not None}
    marked = {r["canonical_url"]: r["duplicate_of"] for r in everything if r["duplicate_of"]}
    assert marked == {url: head for url, head in EXPECTED.items() if head}
    assert {QUAKE["canonical_url"], SNOW["canonical_url"]} <= {r["canonical_url"] for r in kept}


def test_csv_flattens_links_one_line_per_link(corpus, tmp_path):
    out = tmp_path / "corpus.csv"
    result = newsbot("export", "--db", str(corpus.db), "--format", "csv", "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"), newline="")))
    by_url = {r["canonical_url"]: r for r in rows}
    jsonl = {r["canonical_url"]: r for r in export(corpus)}
    assert len(rows) == len(jsonl)
    assert list(rows[0])[:12] == FIELDS[:12]
    assert "related_url" in rows[0] and "popular_rank" in rows[0] and "related" not in rows[0]
    seed = by_url[f"{corpus.host}/article/119870.php"]
    related = jsonl[f"{corpus.host}/article/119870.php"]["related"]
    assert seed["related_url"].split("\n") == [link["url"] for link in related]
    assert seed["related_source"].split("\n") == [link["source"] or "" for link in related]
    assert seed["popular_rank"].split("\n") == ["1", "2", "3", "4", "5"]
    assert seed["body"] == jsonl[f"{corpus.host}/article/119870.php"]["body"]
    assert "\n\n" in seed["body"]
    manifest = json.loads((tmp_path / "corpus.csv.meta.json").read_text())
    assert manifest["schema_version"] == "1.0" and manifest["articles"] == len(rows)


def test_parquet_is_typed_and_carries_the_schema_version(corpus, tmp_path):
    out = tmp_path / "corpus.parquet"
    result = newsbot("export", "--db", str(corpus.db), "--format", "parquet", "-o", str(out),
                     "--section", "Society")
    assert result.returncode == 0, result.stderr
    table = pq.read_table(out)
    assert table.schema.metadata[b"newsbot.schema_version"] == b"1.0"
    assert str(table.schema.field("published").type) == "date32[day]"
    assert str(table.schema.field("related").type) == \
        "list<element: struct<url: string, title: string, source: string>>"
    assert str(table.schema.field("crawled_at").type) == "timestamp[ms, tz=UTC]"
    rows = {r["canonical_url"]: r for r in table.to_pylist()}
    truth = {f"{corpus.host}/article/{a['id']}.php": a for a in articles()
             if a["section"] == "Society"}
    assert set(rows) == set(truth) | extra_urls(lambda a: a["section"] == "Society")
    for url, article in truth.items():
        assert rows[url]["published"] == date.fromisoformat(article["published"])
        assert rows[url]["headline"] == article["headline"]
    assert all(r["crawled_at"].tzinfo is not None for r in rows.values())
    assert rows[f"{corpus.host}/article/119870.php"]["popular"][0]["rank"] == 1


def test_parquet_is_written_a_batch_at_a_time(tmp_path):
    row = {**EXTRA[0], "published": "2026-01-06", "crawled_at": "2026-01-12T09:00:00+00:00"}
    with open(tmp_path / "small.parquet", "wb") as out:
        writer = ParquetWriter(out, batch_size=2)
        for _ in range(5):
            writer.write(row)
        assert len(writer.rows) == 1  # two batches of two already written out
        writer.close()
    parquet = pq.ParquetFile(tmp_path / "small.parquet")
    assert parquet.metadata.num_rows == 5 and parquet.metadata.num_row_groups == 3
    first = parquet.read().to_pylist()[0]
    assert first["crawled_at"] == datetime(2026, 1, 12, 9, tzinfo=timezone.utc)


@pytest.mark.parametrize("args, message", [
    (["--format", "xml"], "unknown format 'xml'"),
    (["--format", "parquet"], "parquet is binary: name a file with -o"),
    (["--since", "2026-02-30"], "--since takes a date as YYYY-MM-DD, not '2026-02-30'"),
    (["--since", "2026-02-01", "--until", "2026-01-01"], "--since 2026-02-01 is after --until"),
    (["--contains", " "], "--contains needs some text"),
    (["-o", "/proc/no/such.jsonl"], "cannot write /proc/no/such.jsonl"),
])
def test_bad_input_is_one_line_and_exit_2(corpus, args, message):
    result = newsbot("export", "--db", str(corpus.db), *args)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_missing_store_is_exit_2(tmp_path):
    result = newsbot("export", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 2 and "no store at" in result.stderr
