"""Large replicas for benchmarks: a seeded synthetic portal, drawn by the replica's page renderers.

``python -m newsbot.replica.generate --articles 5000 --seed 1 OUT`` writes

- ``OUT/root/``: the document root (home, paginated sections, feeds, a sitemap index and its
  chunks, robots.txt, one current-layout page per article of 30–60 KB, ``_site.json``);
- ``OUT/truth.jsonl``: one line per article, what its page must yield (headline, dateline,
  published, source, body, section, summary), written from the content, never from a crawl;
- ``OUT/manifest.json``: the parameters and page-size figures; a second run with the same
  parameters finds it and keeps the site.

The same seed gives byte-identical files. Only article metadata is held in memory; a body is
drawn from the article's own seeded generator when its page is written.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import shutil
import statistics
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsbot.replica import furniture
from newsbot.replica.chrome import PREFECTURES
from newsbot.replica.content import PORTAL_CREDIT, Article, Section, Site
from newsbot.replica.feeds import render_robots, render_section_feed, render_top_feed
from newsbot.replica.markup import current_url
from newsbot.replica.pages import page_count, render_article, render_home, render_section_page
from newsbot.replica.render import RSS, SITE_CONFIG

GENERATOR_VERSION = 2  # 2: short bodies, pages sized by furniture
SNAPSHOT = dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.timezone.utc)
PAGE_BYTES = (30_000, 60_000)  # every article page lands in this range
# Words in an article body: the real page's visible text is 534 words in all
# (/work/shared/seed/article-page.txt), so stories are short and the bytes are markup.
BODY_WORDS = (150, 900)
LISTING_SIZE = 20  # summaries per section page
PAGER_WINDOW = 3  # page numbers shown either side of the current one
SITEMAP_CHUNK = 5_000  # URLs per sitemap file, as large portals split them
PER_DAY = 40  # articles published a day
FIRST_ID = 200_000
POPULAR_SIZE = 10

SECTIONS = (
    Section("Society", "society"), Section("Business", "business"),
    Section("Politics", "politics"), Section("Technology", "technology"),
    Section("Education", "education"), Section("Entertainment", "entertainment"),
    Section("Sports", "sports"), Section("Travel", "travel"), Section("Food", "food"),
    Section("Crime", "crime"), Section("Health", "health"), Section("Environment", "environment"),
)
# Credits as the portal prints them, weighted like a week of its front page; None: uncredited.
CREDITS = (("Japan Times", 5), ("NHK", 6), ("Kyodo", 5), ("Japan Today", 3), ("Nikkei", 3),
           ("South China Morning Post", 1), ("TBS", 2), ("ANN", 2), ("Mainichi", 2),
           ("News On Japan", 1), (None, 1))
# Page quirks the crawler must see through, and how often each occurs.
QUIRK_RATES = (("ad-in-body", 0.15), ("script-in-body", 0.10), ("entities", 0.05),
               ("dateline-no-leading-zero", 0.08), ("related-duplicate", 0.05),
               ("related-tracking", 0.05))

_SUBJECTS = (
    "The government", "Tokyo's metropolitan government", "Police in {pref}", "Officials in {pref}",
    "Researchers at {pref} University", "{company}", "The Bank of Japan", "The health ministry",
    "Local residents in {pref}", "The transport ministry", "Opposition lawmakers", "Organizers",
    "The city council of {pref}", "A spokesperson for {company}", "Prefectural officials",
    "The education ministry", "Fishermen in {pref}", "Hospital staff in {pref}",
)
_VERBS = ("announced", "said on {day} that it had approved", "confirmed", "outlined",
          "is considering", "unveiled", "decided to expand", "postponed", "defended",
          "began reviewing", "criticized", "will fund")
_OBJECTS = (
    "a plan to {goal}", "measures to {goal}", "a budget of {num} million yen to {goal}",
    "a pilot program to {goal}", "new guidelines to {goal}", "a survey of {num} households",
    "an inquiry into {topic}", "talks on {topic}", "a proposal on {topic}",
)
_GOALS = (
    "support small businesses", "shorten waiting times at hospitals", "attract foreign tourists",
    "rebuild roads damaged by the typhoon", "raise the minimum wage", "cut food waste",
    "train more nursing care workers", "protect coastal towns from flooding",
    "keep rural bus lines running", "reduce commuter crowding", "help families with childcare",
    "prepare shelters for a major earthquake", "revive local shopping streets",
)
_TOPICS = (
    "the rising cost of rice", "bear sightings near schools", "delays on the Shinkansen",
    "the weak yen", "overtourism in Kyoto", "labor shortages at convenience stores",
    "the reconstruction of Noto", "plastic waste on beaches", "heat stroke among the elderly",
    "school bullying", "cyber attacks on hospitals", "the shortage of truck drivers",
    "empty houses in the countryside", "the price of electricity",
)
_TAILS = ("", " on {day}", " this week", " earlier this month", " in a statement",
          " at a news conference", " after months of debate", ", according to people involved")
_QUOTES = (
    "“We have to act before the situation gets worse,” an official said.",
    "“It’s a step in the right direction,” one resident told reporters.",
    "Critics say the measure does not go far enough.",
    "The figure is the highest since records began in {year}.",
    "About {num} people took part, {num2} more than last year.",
    "The plan still needs the approval of the Diet.",
    "Japan’s population has been falling for {num2} consecutive years.",
)
_COMPANIES = ("Toyota", "Sony", "Panasonic", "SoftBank", "Nintendo", "Hitachi", "Uniqlo",
              "Japan Airlines", "JR East", "Seven & i Holdings", "Rakuten", "Mitsubishi Heavy")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_PLACES = PREFECTURES + ("Shōwa", "Tōhoku", "Kansai", "Kyūshū")
_HEADLINE_VERBS = ("to expand", "weighs", "faces questions over", "braces for", "moves to tackle",
                   "sees record", "reports progress on", "pledges action on")


@dataclass(frozen=True)
class LargeSite(Site):
    """A Site whose newest-first lists are sorted once, not on every page as for 90 stories."""

    _lists: dict = field(default_factory=dict, compare=False, repr=False)

    def newest(self) -> list[Article]:
        if "newest" not in self._lists:
            self._lists["newest"] = sorted(self.articles, key=lambda a: a.id, reverse=True)
        return self._lists["newest"]

    def section_articles(self, name: str, *, legacy: bool = False) -> list[Article]:
        if (name, legacy) not in self._lists:
            self._lists[(name, legacy)] = [a for a in self.newest()
                                           if a.section == name and a.is_legacy == legacy]
        return self._lists[(name, legacy)]


class Writer:
    """Draws sentences, headlines and bodies from one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def fill(self, template: str) -> str:
        r = self.rng
        return template.format(pref=r.choice(_PLACES), company=r.choice(_COMPANIES),
                               day=r.choice(_DAYS), num=r.randint(12, 9_800),
                               num2=r.randint(2, 60), year=r.randint(1950, 2010),
                               goal=r.choice(_GOALS), topic=r.choice(_TOPICS))

    def sentence(self) -> str:
        r = self.rng
        if r.random() < 0.2:
            return self.fill(r.choice(_QUOTES))
        text = f"{r.choice(_SUBJECTS)} {r.choice(_VERBS)} {r.choice(_OBJECTS)}{r.choice(_TAILS)}."
        return self.fill(text)

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(3, 7)))

    def headline(self) -> str:
        r = self.rng
        return self.fill(f"{{pref}} {r.choice(_HEADLINE_VERBS)} {r.choice(_TOPICS)}").capitalize()

    def body(self, words: int, floor: int) -> tuple[str, ...]:
        """Paragraphs of 3–7 sentences: at least ``floor`` words, then the sentences that fit
        in ``words``."""
        paragraphs: list[str] = []
        total = 0
        while True:
            sentences = []
            for _ in range(self.rng.randint(3, 7)):
                sentence = self.sentence()
                if total >= floor and total + len(sentence.split()) > words:
                    return tuple(paragraphs + [" ".join(sentences)] if sentences else paragraphs)
                sentences.append(sentence)
                total += len(sentence.split())
            paragraphs.append(" ".join(sentences))

    def summary(self) -> str:
        return " ".join(self.sentence() for _ in range(2))


def dateline(published: dt.date, no_leading_zero: bool) -> str:
    return f"{published:%b} {published.day}" if no_leading_zero else f"{published:%b %d}"


def build_site(n_articles: int, seed: int) -> LargeSite:
    """Every article's metadata (bodies are drawn later, one page at a time)."""
    rng = random.Random(f"newsbot-replica:{seed}")
    writer = Writer(rng)
    credits, weights = zip(*CREDITS)
    days = -(-n_articles // PER_DAY)
    first_day = SNAPSHOT.date() - dt.timedelta(days=days - 1)
    article_id = FIRST_ID
    stubs = []
    for i in range(n_articles):
        article_id += rng.randint(1, 6)
        published = first_day + dt.timedelta(days=i * days // n_articles)
        quirks = tuple(q for q, rate in QUIRK_RATES if rng.random() < rate)
        credit = rng.choices(credits, weights)[0]
        stubs.append(Article(
            id=article_id, section=rng.choice(SECTIONS).name, published=published,
            dateline=dateline(published, "dateline-no-leading-zero" in quirks),
            credit=credit, source=credit or PORTAL_CREDIT, headline=writer.headline(),
            summary=writer.summary(), listing_credit=credit is not None and rng.random() < 0.7,
            body=(), related=(), quirks=quirks))
    stubs = _with_related(stubs, rng)
    newest = stubs[-min(len(stubs), 300):]
    popular = tuple(a.id for a in rng.sample(newest, min(POPULAR_SIZE, len(newest))))
    return LargeSite(snapshot=SNAPSHOT, portal_name=PORTAL_CREDIT, popular=popular,
                     sections=SECTIONS, articles=tuple(stubs))


def _with_related(stubs: list[Article], rng: random.Random) -> list[Article]:
    """MORE <Section> NEWS: 8–12 stories of the same section published around the same time."""
    by_section: dict[str, list[int]] = {}
    for i, stub in enumerate(stubs):
        by_section.setdefault(stub.section, []).append(i)
    out = list(stubs)
    for members in by_section.values():
        for pos, i in enumerate(members):
            near = [stubs[j].id for j in members[max(0, pos - 40):pos + 40] if j != i]
            related = rng.sample(near, min(len(near), rng.randint(8, 12)))
            if related and "related-duplicate" in stubs[i].quirks:
                related.insert(1, related[0])
            out[i] = dataclasses.replace(stubs[i], related=tuple(related))
    return out


def article_page(stub: Article, site: Site, seed: int) -> tuple[Article, bytes]:
    """The article with a body of a drawn length, its page dressed to a drawn size.

    Bodies run 150–900 words like the portal's stories; the page reaches 30–60 KB through
    the production furniture around the story (``furniture.dress``), as real pages do.
    """
    rng = random.Random(f"newsbot-replica:{seed}:{stub.id}")
    writer = Writer(rng)
    target = rng.randint(PAGE_BYTES[0] + 1_000, PAGE_BYTES[1] - 2_000)
    body = writer.body(rng.randint(*BODY_WORDS), floor=BODY_WORDS[0])
    article = dataclasses.replace(stub, body=body)
    html = furniture.dress(render_article(article, site), page_url=current_url(stub.id),
                           section=site.section(stub.section), sections=site.sections,
                           rng=rng, target=target)
    return article, html.encode()


def truth_record(article: Article) -> dict:
    """What the crawler must store for this article, as a reader sees it."""
    return {"id": article.id, "path": current_url(article.id), "section": article.section,
            "headline": article.headline, "dateline": article.dateline,
            "published": article.published.isoformat(), "source": article.source,
            "summary": article.summary, "body": "\n\n".join(article.body)}


def static_files(site: LargeSite) -> Iterator[tuple[str, bytes]]:
    """Every file but the article pages: home, sections, feeds, sitemaps, robots, config."""
    yield "index.html", render_home(site).encode()
    yield "robots.txt", render_robots(site).encode()
    yield "rss/top.xml", render_top_feed(site).encode()
    headers = {"/rss/top.xml": {"Content-Type": RSS}}
    redirects = {}
    for section in site.sections:
        feed = f"{section.feed_dir}index.xml"
        headers[feed] = {"Content-Type": RSS}
        yield feed[1:], render_section_feed(section, site).encode()
        redirects[f"{section.url}index1.php"] = section.url
        pages = page_count(len(site.section_articles(section.name)), LISTING_SIZE)
        for page in range(1, pages + 1):
            html = render_section_page(section, page, site, page_size=LISTING_SIZE,
                                       window=PAGER_WINDOW)
            path = section.page_url(page)
            yield (path[1:] + "index.html" if path.endswith("/") else path[1:]), html.encode()
    yield from sitemap_files(site)
    config = {"snapshot": site.snapshot.strftime("%Y-%m-%dT%H:%M:%SZ"), "redirects": redirects,
              "headers": headers}
    yield SITE_CONFIG, (json.dumps(config, indent=1, sort_keys=True) + "\n").encode()


def sitemap_files(site: Site) -> Iterator[tuple[str, bytes]]:
    """/sitemap.xml as an index of /sitemaps/articles-N.xml chunks, newest first."""
    newest = site.newest()
    chunks = [newest[i:i + SITEMAP_CHUNK] for i in range(0, len(newest), SITEMAP_CHUNK)]
    index = "".join(f"<sitemap><loc>/sitemaps/articles-{n}.xml</loc></sitemap>\n"
                    for n in range(1, len(chunks) + 1))
    yield "sitemap.xml", (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{index}'
        "</sitemapindex>\n").encode()
    for n, chunk in enumerate(chunks, 1):
        urls = "".join(f"<url><loc>{current_url(a.id)}</loc><lastmod>{a.published.isoformat()}"
                       "</lastmod></url>\n" for a in chunk)
        yield f"sitemaps/articles-{n}.xml", (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
        ).encode()


def generate(out: Path, n_articles: int, seed: int) -> dict:
    """Write the site, its truth and its manifest under ``out``; reuse them when already there."""
    params = {"articles": n_articles, "seed": seed, "generator": GENERATOR_VERSION}
    manifest_path = out / "manifest.json"
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text("utf-8"))
        if {k: manifest.get(k) for k in params} == params:
            return manifest
    if out.exists():
        if any(out.iterdir()) and not manifest_path.is_file():
            raise SystemExit(f"{out} is not empty and holds no manifest.json; "
                             "refusing to replace it")
        shutil.rmtree(out)
    root = out / "root"
    site = build_site(n_articles, seed)
    sizes = []
    root.mkdir(parents=True)
    with open(out / "truth.jsonl.part", "w", encoding="utf-8") as truth:
        for stub in site.articles:
            article, page = article_page(stub, site, seed)
            _write(root, current_url(article.id)[1:], page)
            truth.write(json.dumps(truth_record(article), ensure_ascii=False) + "\n")
            sizes.append(len(page))
        for rel, body in static_files(site):
            _write(root, rel, body)
    (out / "truth.jsonl.part").rename(out / "truth.jsonl")
    manifest = {**params, "snapshot": site.snapshot.isoformat(), "root": "root",
                "truth": "truth.jsonl", "article_pages": len(sizes),
                "page_bytes": {"min": min(sizes), "median": int(statistics.median(sizes)),
                               "max": max(sizes)}}
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def _write(root: Path, rel: str, body: bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsbot.replica.generate",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path,
                        help="output directory (root/, truth.jsonl, manifest.json)")
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be 1 or more")
    manifest = generate(args.out, args.articles, args.seed)
    print(json.dumps(manifest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
