"""The replica moving on between two crawls: new stories, an edited one, a new popular ranking.

Scheduled-run tests and the incremental benchmark crawl a replica, change it with these
functions, render the new version into another directory with ``write_site`` and serve that on
the same port. Files whose bytes did not change keep the previous version's Last-Modified time
(and ETag), as a real static server would; fixtures/newsonjapan/site itself is never touched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

from newsbot.replica.content import Article, Site, check_site
from newsbot.replica.render import SITE_CONFIG, build_files, site_config

CREDITS = ("Kyodo", "NHK", "Japan Times", "Nikkei", "Japan Today")


def new_story(site: Site, section: str, at: dt.datetime, n: int = 0,
              story_id: int | None = None, published: dt.date | None = None) -> Article:
    """A fresh story of ``section``: by default the newest of all, at the top of its section."""
    story_id = story_id or max(a.id for a in site.articles) + 1
    day = published or at.date()
    credit = CREDITS[story_id % len(CREDITS)]
    topic = f"{section.lower()} story {story_id}"
    return Article(
        id=story_id, section=section, published=day, dateline=day.strftime("%b %d"),
        credit=credit, source=credit,
        headline=f"Officials announce new measures in {topic}",
        summary=f"Officials announced new measures on Tuesday in what is known as {topic}.",
        listing_credit=True,
        body=(f"Officials announced new measures on Tuesday in what is known as {topic}.",
              f"The measures, number {n + 1} this season, take effect next month after a review.",
              "Local governments said they would publish guidance for residents in the coming weeks."),
        related=())


def add_stories(site: Site, stories: list[Article], at: dt.datetime) -> Site:
    return moved(site, at, articles=tuple(sorted((*site.articles, *stories), key=lambda a: a.id)))


def edit_story(site: Site, story_id: int, at: dt.datetime,
               note: str = "This story was updated with a statement from the ministry.") -> Site:
    """The story with one more paragraph: same id and address, new text."""
    articles = tuple(dataclasses.replace(a, body=(*a.body, note)) if a.id == story_id else a
                     for a in site.articles)
    return moved(site, at, articles=articles)


def rerank(site: Site, popular: tuple[int, ...], at: dt.datetime) -> Site:
    return moved(site, at, popular=tuple(popular))


def moved(site: Site, at: dt.datetime, **changes) -> Site:
    """A new Site (the index is rebuilt), checked like articles.toml is."""
    fields = {f.name: getattr(site, f.name) for f in dataclasses.fields(site) if f.name != "_index"}
    new = Site(**{**fields, "snapshot": at, **changes})
    check_site(new)
    return new


def write_site(site: Site, out_dir: Path, previous: Path | None = None, etags: bool = False) -> None:
    """Render ``site`` into ``out_dir``; unchanged files keep ``previous``'s Last-Modified."""
    files = build_files(site)
    config = site_config(site)
    before, then = _previous_times(previous) if previous else ({}, None)
    now = config["snapshot"]
    modified, tags = {}, {}
    for rel, body in files.items():
        path = _url_path(rel)
        unchanged = previous is not None and (previous / rel).is_file() \
            and (previous / rel).read_bytes() == body
        modified[path] = before.get(path, then) if unchanged else now
        if etags:
            tags[path] = hashlib.sha256(body).hexdigest()[:16]
    config["last_modified"] = modified
    if etags:
        config["etags"] = tags
    if out_dir.exists():
        shutil.rmtree(out_dir)
    for rel, body in files.items():
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    (out_dir / SITE_CONFIG).write_text(json.dumps(config, indent=1, sort_keys=True) + "\n",
                                       encoding="utf-8")


def _previous_times(previous: Path) -> tuple[dict[str, str], str]:
    """Last-Modified per path of the previous version, and its snapshot (the default)."""
    config = json.loads((previous / SITE_CONFIG).read_text(encoding="utf-8"))
    return config.get("last_modified") or {}, config["snapshot"]


def _url_path(rel: str) -> str:
    """The address a document-root file answers at: directory indexes at their slash."""
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
