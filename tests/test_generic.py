"""The generic extractor on small pages written for these tests (tests/pages/generic/).

Each expectation was written by hand from the page, not copied from the extractor's output.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsbot.commands import extract as cli
from newsbot.generic import GenericArticle, extract_article
from newsbot.generic.metadata import iso_date

PAGES = Path(__file__).parent / "pages" / "generic"
REPO = Path(__file__).resolve().parent.parent


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n\n") if p.strip()]


# --------------------------------------------------------------------------- JSON-LD page

def test_json_ld_article_metadata_wins_over_opengraph():
    art = extract_article(page("jsonld_newsarticle.html"), "https://courier.example/ferry")
    assert art.headline == "Harbour ferry returns after storm repairs"
    assert art.published == "2024-03-05T07:30:00+09:00"
    assert art.author == "Aiko Tanaka, Ben Ross"
    assert art.publisher == "Seaside Courier"
    assert art.section == "Local"
    for field in ("headline", "published", "author", "publisher", "section"):
        assert art.extracted_by[field] == "json-ld"
    assert art.extracted_by["body"] == "text:newsbot"


def test_json_ld_article_body_keeps_paragraphs_and_subheading_drops_furniture():
    body = extract_article(page("jsonld_newsarticle.html")).body
    paras = paragraphs(body)
    assert paras[0].startswith("The harbour ferry carried its first passengers in six weeks")
    assert paras[-1].endswith("to ease crowding at peak hours.")
    assert "A costly winter" in paras  # a subheading inside the story is kept
    assert len(paras) == 5
    for junk in ("Share on Facebook", "Advertisement", "Photo: Courier staff", "Related stories",
                 "Storm closes harbour", "All rights reserved", "Sport", "Seaside Courier"):
        assert junk not in body
    # the headline is a field of its own, not the first line of the body
    assert not body.startswith("Harbour ferry returns")


# --------------------------------------------------------------------------- OpenGraph-only page

def test_opengraph_only_page():
    art = extract_article(page("opengraph_only.html"), "https://riverside.example/market")
    assert art.headline == "Night market opens on the river bank"
    assert art.extracted_by["headline"] == "opengraph"
    assert art.published == "2023-08-14T18:00:00+00:00"
    assert art.extracted_by["published"] == "opengraph"
    assert art.publisher == "Riverside Times"
    assert art.section == "Community"
    assert art.author == "Mei Suzuki"
    assert art.extracted_by["author"] == "meta"
    paras = paragraphs(art.body)
    assert len(paras) == 3
    assert paras[0].startswith("More than eighty stalls opened")
    assert paras[2].endswith("more seating next month.")
    assert "Most read" not in art.body and "old bridge" not in art.body and "Home" not in art.body


# --------------------------------------------------------------------------- boilerplate page

def test_boilerplate_and_comments_are_left_out():
    art = extract_article(page("boilerplate_comments.html"))
    assert art.headline == "Mountain rail line to reopen in spring"
    assert art.published == "2022-11-02T09:15:00+09:00"
    assert art.extracted_by["published"] == "time"
    paras = paragraphs(art.body)
    assert paras == [
        "The mountain rail line that was cut by landslides two summers ago will reopen to passengers "
        "in April, the operator announced on Wednesday, ending a long detour by bus for the valley towns.",
        "Crews have rebuilt four bridges and cleared more than a kilometre of track, and test trains have "
        "been running at night since September without problems, according to the company.",
        "Local businesses welcomed the news. Hotels in the upper valley said bookings had fallen by a "
        "third since the line closed, and many hope the reopening will bring visitors back for the "
        "cherry blossom season.",
        "The first trains will run on a reduced timetable, with full service expected from the summer "
        "holidays once the remaining signal work is finished.",
    ]


# --------------------------------------------------------------------------- page with no article

def test_page_without_article_gives_no_body():
    art = extract_article(page("no_article.html"))
    assert art.body == ""
    assert "body" not in art.extracted_by
    assert art.publisher == "City Daily"
    assert art.published is None


# --------------------------------------------------------------------------- robustness

GARBAGE = [
    b"",
    "",
    b"\x00\x01\x02\xff\xfe garbage \x80\x81",
    "   \n\t ",
    "<",
    "<html><body></body></html>",
    '<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body></html>',
    b"\xef\xbb\xbf<html><body><p>bom</p></body></html>",
    "<html><head><script type='application/ld+json'>{broken json</script></head></html>",
    "<html><head><script type='application/ld+json'>[1, \"a\", null, {\"@type\": 5}]</script></head></html>",
    "<div>" * 5000 + "deep" + "</div>" * 5000,
    "<p>" + "word " * 200000 + "</p>",
    None,
    12345,
]


@pytest.mark.parametrize("junk", GARBAGE, ids=range(len(GARBAGE)))
def test_never_raises(junk):
    art = extract_article(junk)  # type: ignore[arg-type]
    assert isinstance(art, GenericArticle)
    assert isinstance(art.body, str)
    assert isinstance(art.extracted_by, dict)


def test_empty_input_gives_empty_fields():
    art = extract_article(b"")
    assert art == GenericArticle()


def test_declared_charset_is_honoured():
    html = ('<html><head><meta charset="shift_jis"></head><body><div><p>'
            + "港のフェリーが六週間ぶりに運航を再開し、多くの通勤客が喜んだ。" * 4
            + "</p></div></body></html>").encode("shift_jis")
    assert "フェリー" in extract_article(html).body


@pytest.mark.parametrize("raw,expected", [
    ("2019-11-19T05:00:00-05:00", "2019-11-19T05:00:00-05:00"),
    ("2019-11-19T05:00:00Z", "2019-11-19T05:00:00+00:00"),
    ("2019-11-19 05:00", "2019-11-19T05:00:00"),
    ("2019-11-19", "2019-11-19"),
    ("2019-02-30", None),
    ("yesterday", None),
    ("", None),
])
def test_iso_date(raw, expected):
    assert iso_date(raw) == expected


# --------------------------------------------------------------------------- CLI

def test_cli_extract_prints_one_json_object(capsys):
    rc = cli.main(["extract", str(PAGES / "jsonld_newsarticle.html"), "--url", "https://courier.example/f"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["headline"] == "Harbour ferry returns after storm repairs"
    assert out["published"] == "2024-03-05T07:30:00+09:00"
    assert out["source"] == "Seaside Courier"
    assert out["body"].startswith("The harbour ferry")
    assert out["extracted_by"]["body"] == "text:newsbot"


def test_cli_extract_missing_file(tmp_path, capsys):
    rc = cli.main(["extract", str(tmp_path / "nope.html")])
    assert rc != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope.html" in err[0]


def test_cli_batch_goes_on_after_bad_lines(tmp_path, capsys):
    inp, outp = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    lines = [
        json.dumps({"id": "a", "path": str(PAGES / "opengraph_only.html"), "url": "https://r.example/m"}),
        "{not json",
        json.dumps({"id": "b", "path": str(tmp_path / "missing.html"), "url": None}),
        "",
        json.dumps({"id": "c", "path": str(PAGES / "no_article.html")}),
    ]
    inp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rc = cli.main(["extract-batch", str(inp), str(outp)])
    assert rc == 1
    rows = [json.loads(x) for x in outp.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 4
    a, bad, b, c = rows
    assert a["id"] == "a" and a["headline"] == "Night market opens on the river bank"
    assert a["source"] == "Riverside Times" and a["published"] == "2023-08-14T18:00:00+00:00"
    assert a["body"].startswith("More than eighty stalls") and isinstance(a["ms"], float)
    assert set(a) == {"id", "headline", "published", "source", "body", "ms"}
    assert bad["error"] and bad["body"] == ""
    assert b["id"] == "b" and b["error"] and b["body"] == ""
    assert c["id"] == "c" and c["body"] == "" and "error" not in c
    assert len(capsys.readouterr().err.strip().splitlines()) == 2


def test_cli_batch_missing_input(tmp_path, capsys):
    rc = cli.main(["extract-batch", str(tmp_path / "none.jsonl"), str(tmp_path / "out.jsonl")])
    assert rc != 0
    assert "none.jsonl" in capsys.readouterr().err


def test_cli_register_sets_func():
    import argparse
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="cmd"))
    args = parser.parse_args(["extract", "x.html", "--url", "u"])
    assert args.func is cli.run_extract and args.url == "u"
    args = parser.parse_args(["extract-batch", "i", "o"])
    assert args.func is cli.run_batch


def test_cli_runs_as_module(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "newsbot.commands.extract", "extract",
                           str(PAGES / "opengraph_only.html")], cwd=REPO, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["headline"] == "Night market opens on the river bank"


def test_author_from_byline_markup_when_no_metadata_names_one():
    story = "<p>" + "The council met on Monday to agree the new budget for the coming year. " * 4 + "</p>"
    html = ('<html><body><article><h1>Budget agreed</h1>'
            '<div class="story-byline">By Ken Ito and Sara Lee, November 2, 2022</div>'
            + story + '<form class="comment-form"><label class="comment-author">Name (required)</label></form>'
            '</article></body></html>')
    art = extract_article(html)
    assert art.author == "Ken Ito and Sara Lee"
    assert art.extracted_by["author"] == "html"
    assert "Ken Ito" not in art.body
    html = '<html><body><span rel="author">Posted by Mia Sato</span>' + story + '</body></html>'
    assert extract_article(html).author == "Mia Sato"
