"""`newsbot sites`: list the site profiles and check that each one loads."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsbot.profiles import SITES_DIR, ProfileError, SiteProfile, available_profiles, load_profile


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("sites", help="list site profiles and check that they load",
                            description="List the site profiles (newsbot/sites/*.toml), each "
                                        "validated; the exit status is 1 when one does not load.")
    parser.add_argument("--dir", type=Path, default=SITES_DIR, help="profiles directory")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, out=sys.stdout) -> int:
    names = available_profiles(args.dir)
    if not names:
        print(f"no site profiles in {args.dir}", file=out)
        return 1
    broken = 0
    width = max(len(n) for n in names)
    for name in names:
        try:
            line = describe(load_profile(name, args.dir))
        except ProfileError as e:
            broken += 1
            line = f"ERROR {e}"
        print(f"{name:<{width}}  {line}", file=out)
    if broken:
        print(f"{broken} of {len(names)} profiles do not load", file=out)
    return 1 if broken else 0


def describe(profile: SiteProfile) -> str:
    """One line: who the portal is, how its pages are read, where a crawl starts."""
    start = ", ".join(profile.start_urls) or "(give --start-url)"
    if profile.extraction == "generic":
        return f"ok  any portal; every field by the generic extractor; starts at {start}"
    fields = [k for k in ("headline", "kicker", "section", "dateline", "credit", "published",
                          "body", "summary", "related", "popular") if profile.selectors[k]]
    return (f"ok  {profile.portal_name}; {len(profile.article_patterns)} article address "
            f"pattern(s); rules for {', '.join(fields)}; starts at {start}")
