"""`newsbot check-site PROFILE`: crawl a few article pages and report, field by field, which rule
matched and what came out empty. Nothing is stored.

The exit status is 1 when a required field is empty on every page read (or no article page was
read at all): the profile no longer fits the site.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from w3lib.url import is_url

from newsbot.cli import UsageError
from newsbot.profiles import FIELD_RULES, ProfileError, SiteProfile, is_xpath, load_profile

FIELDS = ("headline", "section", "dateline", "published", "source", "body", "summary",
          "related", "popular")
# url and canonical_url are always set; the rest of the required fields can come out empty.
ALWAYS_SET = ("url", "canonical_url")
# Rules that are all applied (body_drop) or only stand in for the profile's canonical address.
NOT_COUNTED = ("body_drop", "canonical")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("check-site", help="crawl a few pages and report what each rule read",
                            description=__doc__.split("\n\n")[0])
    parser.add_argument("profile", metavar="PROFILE", help="site profile (see `newsbot sites`)")
    parser.add_argument("--start-url", action="append", default=[], metavar="URL",
                        help="home page to start from (default: the profile's)")
    parser.add_argument("--pages", type=int, default=10, help="article pages to read (default 10)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="any Scrapy or newsbot setting")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, out=sys.stdout) -> int:
    settings, profile = check_settings(args)
    items, stats = crawl_articles(settings, args)
    print(f"check-site {args.profile}: {len(items)} article pages read "
          f"(asked for {args.pages}; pages already requested were read too)", file=out)
    if not items:
        print("FAIL: no article page could be read", file=out)
        return 1
    print_fields(items, out)
    print_rules(stats, profile, out)
    empty = [f for f in settings.getlist("NEWSBOT_REQUIRED_FIELDS")
             if f not in ALWAYS_SET and not any(getattr(i, f, None) for i in items)]
    if empty:
        print(f"FAIL: {', '.join(empty)} empty on every page", file=out)
        return 1
    print("ok: every required field was read", file=out)
    return 0


def check_settings(args: argparse.Namespace) -> tuple[Settings, SiteProfile]:
    if args.pages < 1:
        raise UsageError(f"--pages must be 1 or more, not {args.pages}")
    bad = [u for u in args.start_url if not is_url(u) or not u.startswith(("http://", "https://"))]
    if bad:
        raise UsageError(f"not an http(s) URL: {bad[0]}")
    try:
        profile = load_profile(args.profile)
    except ProfileError as e:
        raise UsageError(str(e)) from None
    if not (args.start_url or profile.start_urls):
        raise UsageError(f"site profile {args.profile!r} names no start URL: give --start-url")
    settings = Settings()
    settings.setmodule("newsbot.settings", priority="project")
    settings.setdict({
        "NEWSBOT_SITE": args.profile, "NEWSBOT_DB": "",
        "ITEM_PIPELINES": {},  # every item is reported, the incomplete ones above all
        "CLOSESPIDER_ITEMCOUNT": args.pages, "LOG_LEVEL": "WARNING",
    }, priority="cmdline")
    for pair in args.set:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"-s takes NAME=VALUE, not {pair!r}")
        settings.set(name, value, priority="cmdline")
    return settings, profile


def crawl_articles(settings: Settings, args: argparse.Namespace) -> tuple[list, dict]:
    """Every article page the crawl read, and its stats.

    The crawl stops once ``--pages`` articles are out; pages already requested by then are read
    too, and they are reported with the others so the fields and the rule stats agree.
    """
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("portal")
    items: list = []
    crawler.signals.connect(lambda item, **_: items.append(item), signal=signals.item_scraped,
                            weak=False)
    process.crawl(crawler, start_url=",".join(args.start_url) or None)
    process.start()
    return items, crawler.stats.get_stats()


def print_fields(items: list, out) -> None:
    """Per field: pages where it was read, and which rule or generic path read it how often."""
    n = len(items)
    print(f"\n{'field':<10} {'read':>7}  by (pages)", file=out)
    for name in FIELDS:
        filled = [i for i in items if getattr(i, name, None)]
        by = Counter(i.extracted_by.get(name, "?") for i in filled)
        how = ", ".join(f"{path} ({count})" for path, count in by.most_common()) or "-"
        mark = "  EMPTY" if not filled else f"  {n - len(filled)} empty" if len(filled) < n else ""
        print(f"{name:<10} {len(filled):>3}/{n:<3}  {how}{mark}", file=out)


def print_rules(stats: dict, profile: SiteProfile, out) -> None:
    """The rule stats, field by field in priority order: pages each rule matched on; 0 when it was
    tried and never matched, "-" when an earlier rule always matched first."""
    print("\nrules in priority order (pages matched)", file=out)
    for name in (n for n in FIELD_RULES if n not in NOT_COUNTED):
        for rule in profile.selectors[name]:
            count = stats.get(f"parser/{name}/{'xpath' if is_xpath(rule) else 'css'}/{rule}", "-")
            print(f"  {name:<10} {count:>4}  {rule}", file=out)
    generic = {k.rsplit("/", 1)[1]: v for k, v in stats.items()
               if k.startswith("newsbot/generic/") and k != "newsbot/generic/pages"}
    if generic:
        filled = ", ".join(f"{k} ({v})" for k, v in sorted(generic.items()))
        print(f"  filled by the generic path: {filled}", file=out)
