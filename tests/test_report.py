"""`newsbot report` on a crawled replica store plus hand-made rankings: tables, HTML, charts."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter, defaultdict

import pytest
from parsel import Selector

from tests.corpora.crawled import ADDED, build, newsbot
from tests.corpora.rankings import APPEARANCES, ORDER, SNAPSHOTS, TIMELINE
from tests.replica_truth import articles, by_id

SINCE, UNTIL = "2025-11-01", "2026-01-12"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def report(corpus, tmp_path_factory):
    html = tmp_path_factory.mktemp("html") / "report.html"
    result = newsbot("report", "--db", str(corpus.db), "--since", SINCE, "--until", UNTIL,
                     "--watch", "snow", "--watch", "Coming of Age", "--html", str(html))
    assert result.returncode == 0, result.stderr
    return result.stdout, html


def stories(corpus) -> list[dict]:
    """Every stored story as the truth (and the added articles) say, with its address."""
    out = [{**a, "url": f"{corpus.host}/article/{a['id']}.php", "body": "\n\n".join(a["body"])}
           for a in articles()]
    return out + [{**a, "url": a["canonical_url"]} for a in ADDED]


def in_period(corpus) -> list[dict]:
    return [a for a in stories(corpus) if SINCE <= a["published"] <= UNTIL]


def block(text: str, title: str) -> list[list[str]]:
    """The rows (cells split on runs of 2+ spaces) of the text table under ``title``."""
    lines = text.split("\n\n")
    [part] = [p for p in lines if p.startswith(title)]
    return [re.split(r"\s{2,}", line.strip()) for line in part.splitlines()[1:]]


def pivot(rows: list[list[str]]) -> dict[str, dict[str, int]]:
    header, *body = rows
    return {row[0]: {k: int(v) for k, v in zip(header[2:], row[2:]) if v != "."}
            for row in body if row[0] != "total"}


def expected_pivot(corpus, by: str) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for a in in_period(corpus):
        counts[a["published"]][a[by]] += 1
    return {day: dict(c) for day, c in counts.items()}


@pytest.mark.parametrize("by", ["section", "source"])
def test_articles_per_day(corpus, report, by):
    rows = block(report[0], f"Articles per day by {by}")
    got = pivot(rows)
    assert {d: c for d, c in got.items() if c} == expected_pivot(corpus, by)
    assert len(got) == 73  # every day of the period is listed, those without stories too
    assert rows[-1][:2] == ["total", str(len(in_period(corpus)))]


def test_new_sources_are_those_first_seen_in_the_period(corpus, report):
    first: dict[str, str] = {}
    for a in stories(corpus):
        first[a["source"]] = min(first.get(a["source"], "9999"), a["published"])
    expected = {s: d for s, d in first.items() if SINCE <= d <= UNTIL}
    assert expected == {"South China Morning Post": "2025-11-26", "Mainichi": "2026-01-09"}
    rows = block(report[0], "New sources first seen")[1:]
    assert {r[0]: r[1] for r in rows} == expected


def test_ranking_timeline_first_last_best_and_hours_in_top_3(report):
    rows = block(report[0], "Popular ranking timeline")
    assert "(6 snapshots, 2026-01-10T00:00:00+00:00 to 2026-01-11T12:00:00+00:00)" in \
        report[0].split("\n\n")[4].splitlines()[0]
    got = [(int(r[0]), float(r[1]), r[2], r[3], r[4]) for r in rows[1:]]
    assert got == [(*TIMELINE[i][:1], float(TIMELINE[i][1]), *TIMELINE[i][2:],
                    by_id()[i]["headline"]) for i in ORDER]


def test_most_linked_related_stories(corpus, report):
    links = Counter()
    for a in in_period(corpus):
        links.update({f"{corpus.host}/article/{i}.php" for i in a.get("related", [])})
    expected = [(n, url) for url, n in sorted(links.items(), key=lambda kv: (-kv[1], kv[0]))][:10]
    rows = block(report[0], "Most-linked related stories")[1:]
    assert [(int(r[0]), r[-1]) for r in rows] == expected


def test_watch_list_says_when_and_where(corpus, report):
    for term in ("snow", "Coming of Age"):
        needle = term.lower()
        expected = sorted(
            (a["published"], a["url"], " and ".join(
                p for p in ("headline", "body") if needle in a[p].lower()))
            for a in in_period(corpus)
            if needle in a["headline"].lower() or needle in a["body"].lower())
        rows = block(report[0], f'Watch: "{term}"')
        assert report[0].count(f'Watch: "{term}" in {len(expected)} article') == 1
        assert sorted((r[0], r[-1], r[3]) for r in rows[1:]) == expected
        assert expected


def test_watch_terms_from_the_issue_in_2019(corpus):
    result = newsbot("report", "--db", str(corpus.db), "--since", "2019-01-01", "--until",
                     "2019-12-31", "--watch", "GSOMIA", "--watch", "Samsung")
    assert result.returncode == 0, result.stderr
    for term in ("GSOMIA", "Samsung"):
        expected = {f"{corpus.host}/article/{a['id']}.php" for a in articles()
                    if term.lower() in (a["headline"] + " ".join(a["body"])).lower()}
        rows = block(result.stdout, f'Watch: "{term}"')
        assert {r[-1] for r in rows[1:]} == expected and expected


def chromium_dom(html, tmp_path) -> Selector:
    browser = shutil.which("chromium")
    if browser is None:
        pytest.fail("headless Chromium is needed: apt-get install -y chromium (.ci/run does)")
    out = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         html.as_uri()], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return Selector(text=out.stdout)


def test_the_html_page_is_self_contained(report):
    page = Selector(text=report[1].read_text("utf-8"))
    assert page.css("[src], link, iframe, object, embed, img").getall() == []
    assert "url(" not in " ".join(page.css("style::text").getall())
    assert "@import" not in " ".join(page.css("style::text").getall())
    assert len(page.css("section table")) >= 5


def test_chromium_draws_the_stories_per_source_chart(corpus, report, tmp_path):
    dom = chromium_dom(report[1], tmp_path)
    assert dom.css("html::attr(data-charts)").get() == "drawn"
    bars = dom.css('[data-chart="sources"] svg rect.bar')
    drawn = {(b.attrib["data-day"], b.attrib["data-source"]): int(b.attrib["data-count"])
             for b in bars}
    expected = {(day, source): n for day, c in expected_pivot(corpus, "source").items()
                for source, n in c.items()}
    assert drawn == expected and len(bars) == len(expected)
    assert all(float(b.attrib["height"]) > 0 for b in bars)
    legend = dom.css('[data-chart="sources"] .legend li::text').getall()
    assert legend == sorted({a["source"] for a in in_period(corpus)})


def test_chromium_draws_rank_over_time_for_the_top_stories(report, tmp_path):
    dom = chromium_dom(report[1], tmp_path)
    points = dom.css('[data-chart="ranking"] svg circle.rank-point')
    assert len(points) == APPEARANCES
    drawn = Counter((int(p.attrib["data-story"]), int(p.attrib["data-rank"])) for p in points)
    expected = Counter((ORDER.index(i), rank) for _, ids in SNAPSHOTS
                       for rank, i in enumerate(ids, 1))
    assert drawn == expected
    lines = dom.css('[data-chart="ranking"] svg polyline.rank-line')
    assert {int(x.attrib["data-story"]) for x in lines} == set(range(len(ORDER)))
    # rank 1 is drawn above rank 5
    y = {int(p.attrib["data-rank"]): float(p.attrib["cy"]) for p in points}
    assert y[1] < y[2] < y[3] < y[4] < y[5]


@pytest.mark.parametrize("args, message", [
    (["--since", "yesterday"], "--since takes a date as YYYY-MM-DD"),
    (["--since", "2026-01-02", "--until", "2026-01-01"], "--since 2026-01-02 is after --until"),
    (["--watch", " "], "--watch needs a term"),
    (["--html", "/proc/no/report.html"], "cannot write /proc/no/report.html"),
])
def test_bad_input_is_one_line_and_exit_2(corpus, args, message):
    result = newsbot("report", "--db", str(corpus.db), *args)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
