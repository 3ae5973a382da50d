"""Renders articles.toml into the replica's static document root and its _site.json."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from newsbot.replica.content import Article, Section, Site, load_site
from newsbot.replica.feeds import (
    render_legacy_feed,
    render_robots,
    render_section_feed,
    render_sitemap,
    render_top_feed,
)
from newsbot.replica.markup import current_url, old_url
from newsbot.replica.pages import (
    page_count,
    page_encoding,
    render_article,
    render_home,
    render_info_page,
    render_legacy_article,
    render_legacy_section_page,
    render_section_page,
)

__all__ = [
    "build_files",
    "render_article",
    "render_home",
    "render_legacy_article",
    "render_legacy_feed",
    "render_legacy_section_page",
    "render_robots",
    "render_section_feed",
    "render_section_page",
    "render_site",
    "render_sitemap",
    "render_top_feed",
    "site_config",
]

SITE_CONFIG = "_site.json"
HTML_UTF8 = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
# Content-Type per charset quirk: Shift_JIS is declared only here, windows-1252 only in <meta>.
CHARSET_HEADERS = {"shift_jis": "text/html; charset=Shift_JIS", "cp1252": "text/html"}

_ABOUT = (
    "News On Japan gathers Japan news in English from Japanese and international media.",
    "Each story credits its original source in its first line.",
)
_PRIVACY = (
    "We use cookies to count visits and to show advertising.",
    "We do not sell personal information.",
)


def build_files(site: Site) -> dict[str, bytes]:
    """Every file of the document root, by root-relative path (no leading slash)."""
    files: dict[str, str | bytes] = {
        "index.html": render_home(site),
        "robots.txt": render_robots(site),
        "sitemap.xml": render_sitemap(site),
        "rss/top.xml": render_top_feed(site),
        "about.php": render_info_page(site, "About News On Japan", _ABOUT),
        "privacy.php": render_info_page(site, "Privacy policy", _PRIVACY),
    }
    for section in site.sections:
        files.update(_section_files(section, site))
    for article in site.articles:
        page = render_article(article, site).encode(page_encoding(article))
        files[current_url(article.id)[1:]] = page
        if article.is_legacy:
            files[old_url(article.id)[1:]] = render_legacy_article(article, site)
    return {
        path: body if isinstance(body, bytes) else body.encode("utf-8")
        for path, body in files.items()
    }


def _section_files(section: Section, site: Site) -> dict[str, str]:
    files = {f"{section.feed_dir[1:]}index.xml": render_section_feed(section, site)}
    for page in range(1, page_count(len(site.section_articles(section.name))) + 1):
        files[_page_file(section.page_url(page))] = render_section_page(section, page, site)
    if section.legacy_slug:
        files[f"{section.feed_dir[1:]}archive.xml"] = render_legacy_feed(section, site)
        legacy = site.section_articles(section.name, legacy=True)
        for page in range(1, page_count(len(legacy)) + 1):
            url = section.legacy_url + ("" if page == 1 else f"index{page}.php")
            files[_page_file(url)] = render_legacy_section_page(section, page, site)
    return files


def _page_file(url: str) -> str:
    return url[1:] + "index.html" if url.endswith("/") else url[1:]


def site_config(site: Site) -> dict:
    """What the server must know beyond the files, plus the maps tests check the site against."""
    redirects = {
        old_url(a.id): current_url(a.id) for a in site.articles if "redirect-old-url" in a.quirks
    }
    for section in site.sections:
        redirects[f"{section.url}index1.php"] = section.url  # the pager's page 1 alias
    for section in site.legacy_sections:
        redirects[f"{section.legacy_url}index1.php"] = section.legacy_url
    headers = {
        current_url(a.id): {"Content-Type": CHARSET_HEADERS[page_encoding(a)]}
        for a in site.articles
        if page_encoding(a) != "utf-8"
    }
    feeds = ["/rss/top.xml"] + [f"{s.feed_dir}index.xml" for s in site.sections]
    feeds += [f"{s.feed_dir}archive.xml" for s in site.legacy_sections]
    headers.update({feed: {"Content-Type": RSS} for feed in feeds})
    return {
        "snapshot": site.snapshot.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "redirects": redirects,
        "headers": headers,
        "articles": {
            str(a.id): _addresses(a) for a in site.articles
        },
        "gone": [g.id for g in site.gone],
        "sitemap_missing": [a.id for a in site.articles if "sitemap-missing" in a.quirks],
    }


def _addresses(article: Article) -> dict[str, str]:
    urls = {"url": current_url(article.id)}
    if article.is_legacy:
        urls["old_url"] = old_url(article.id)
    return urls


def render_site(content_path: Path, out_dir: Path) -> None:
    """Write the document root for `content_path` into `out_dir` (replacing an earlier render)."""
    site = load_site(content_path)
    files = build_files(site)
    if out_dir.exists():
        if any(out_dir.iterdir()) and not (out_dir / SITE_CONFIG).exists():
            msg = f"{out_dir} is not empty and holds no {SITE_CONFIG}; refusing to replace it"
            raise SystemExit(msg)
        shutil.rmtree(out_dir)
    for rel, body in sorted(files.items()):
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    config = json.dumps(site_config(site), indent=1, sort_keys=True, ensure_ascii=False)
    (out_dir / SITE_CONFIG).write_text(config + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m newsbot.replica.render CONTENT.toml OUT_DIR", file=sys.stderr)
        return 2
    render_site(Path(args[0]), Path(args[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
