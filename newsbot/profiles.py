"""Site profiles: a portal's addresses, selectors and text rules as data (newsbot/sites/*.toml).

The spider reads discovery rules from a profile, the loader its field rules; neither holds a
selector of its own. ``load_profile`` validates a file and says in one line what is wrong.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from newsbot.processors import URL_CACHE, normalize_url

# Through importlib.resources: deployed to scrapyd, newsbot runs from a zipped egg.
SITES_DIR: Path | Traversable = files("newsbot") / "sites"

# Rules that find pages (the spider) and rules that read an article page (the loader).
DISCOVERY_RULES = ("section_links", "feed_links", "listing_links", "next_page")
FIELD_RULES = ("headline", "kicker", "section", "dateline", "credit", "published", "body",
               "body_drop", "summary", "canonical", "related", "popular")
# Rules applied inside one entry of a related, popular or listing block.
ENTRY_RULES = ("entry_link", "entry_credit", "entry_rank")
ENTRY_DEFAULTS = {"entry_link": ["a[href]"], "entry_credit": [], "entry_rank": []}
TEXT_PATTERNS = {"lead": ("dateline",), "kicker": ("section",), "credit": ("credit",),
                 "dateline": ("dateline",)}
EXTRACTION = ("profile", "generic")


class ProfileError(ValueError):
    """A profile file is missing, malformed or incomplete."""


def is_xpath(rule: str) -> bool:
    """Rules are CSS unless they start like an XPath expression."""
    return rule.startswith(("/", "(", "./"))


CANONICAL_CACHE = URL_CACHE  # canonical addresses a profile remembers: one per link address


@dataclass(frozen=True)
class SiteProfile:
    name: str
    portal_name: str | None
    start_urls: list[str]
    article_patterns: list[re.Pattern[str]]
    section_patterns: list[re.Pattern[str]]
    section_feed_patterns: list[re.Pattern[str]]
    canonical_article: str | None
    tracking_params: list[str]
    selectors: dict[str, list[str]]
    lead: re.Pattern[str] | None = None
    kicker: re.Pattern[str] | None = None
    credit: re.Pattern[str] | None = None
    dateline: re.Pattern[str] | None = None
    dateline_formats: tuple[str, ...] = ()
    source_aliases: dict[str, str] = field(default_factory=dict)
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    page_param: str | None = None
    extraction: str = "profile"
    # canonical_for's answers: the same links (POPULAR NEWS, a section's MORE NEWS) recur on
    # page after page, and a join costs more than the rest of following a link. Bounded.
    _canonical: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def match_article(self, path: str) -> re.Match[str] | None:
        """The first article pattern matching ``path``: this profile knows the page."""
        for pattern in self.article_patterns:
            m = pattern.match(path)
            if m:
                return m
        return None

    def is_article(self, path: str) -> bool:
        return self.match_article(path) is not None

    def knows(self, path: str) -> bool:
        """Whether the loader reads this page with the profile's rules (else: generic only)."""
        return self.extraction == "profile" and self.is_article(path)

    def article_id(self, path: str) -> str | None:
        """The article id when ``path`` is an article address of this portal."""
        m = self.match_article(path)
        return m.groupdict().get("id") if m else None

    def url_date(self, path: str) -> date | None:
        """The date in an article address (``/2026/01/11/slug/``), when its pattern names one."""
        m = self.match_article(path)
        parts = m.groupdict() if m else {}
        try:
            return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except (KeyError, TypeError, ValueError):
            return None

    def canonical_for(self, url: str) -> str:
        """An article link's canonical address: the current layout for its id, tracking removed."""
        found = self._canonical.get(url)
        if found is None:
            if len(self._canonical) >= CANONICAL_CACHE:
                self._canonical.clear()
            found = self._canonical[url] = self._canonical_for(url)
        return found

    def _canonical_for(self, url: str) -> str:
        m = self.match_article(urlsplit(url).path)
        if m and self.canonical_article:
            url = urljoin(url, self.canonical_article.format(**m.groupdict()))
        return normalize_url(url, self.tracking_params)

    def is_section(self, path: str) -> bool:
        return any(p.match(path) for p in self.section_patterns)

    def is_section_feed(self, path: str) -> bool:
        return any(p.match(path) for p in self.section_feed_patterns)


def load_profile(name: str, sites_dir: Path | Traversable = SITES_DIR) -> SiteProfile:
    """Read and validate ``sites_dir/<name>.toml``; raise ProfileError saying what is wrong.

    ``name`` may also be the path of a profile file (``drafts/mysite.toml``): a profile being
    written can be tried with ``newsbot check-site`` before it joins newsbot/sites/. The
    packaged profiles are read as package resources, so they load from a zipped egg (scrapyd).
    """
    if name.endswith(".toml"):
        sites_dir, name = Path(name).parent, Path(name).stem
    path = sites_dir / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(available_profiles(sites_dir)) or "none"
        raise ProfileError(f"no site profile {name!r} (known: {known})")
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ProfileError(f"site profile {path}: not valid TOML: {e}") from None
    try:
        profile = _build(data)
    except ProfileError as e:
        raise ProfileError(f"site profile {path}: {e}") from None
    if profile.name != name:
        raise ProfileError(f"site profile {path}: name is {profile.name!r}, the file says {name!r}")
    return profile


def available_profiles(sites_dir: Path | Traversable = SITES_DIR) -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in sites_dir.iterdir()
                  if p.name.endswith(".toml"))


def _build(data: dict) -> SiteProfile:
    extraction = data.get("extraction", "profile")
    if extraction not in EXTRACTION:
        raise ProfileError(f"extraction must be one of {', '.join(EXTRACTION)}, not {extraction!r}")
    urls = _table(data, "urls")
    selectors = _selectors(_table(data, "selectors"), extraction)
    text = _table(data, "text", required=False)
    articles = _patterns(urls, "article", required=True)
    canonical = _opt_str(urls, "canonical_article")
    _check_canonical(canonical, articles)
    if extraction == "profile" and not (selectors["listing_links"] or data.get("feeds")
                                         or data.get("sitemaps")):
        raise ProfileError("no way to find articles: give listing_links, feeds or sitemaps")
    return SiteProfile(
        name=_str(data, "name"),
        portal_name=_str(data, "portal_name") if extraction == "profile"
        else _opt_str(data, "portal_name"),
        start_urls=_strings(data, "start_urls", required=extraction == "profile"),
        article_patterns=articles,
        section_patterns=_patterns(urls, "section"),
        section_feed_patterns=_patterns(urls, "section_feeds"),
        canonical_article=canonical,
        tracking_params=_strings(urls, "tracking_params"),
        selectors=selectors,
        **{k: _text_pattern(text, k) for k in TEXT_PATTERNS},
        dateline_formats=tuple(_strings(text, "dateline_formats")),
        source_aliases=_aliases(data.get("sources", {})),
        feeds=_strings(data, "feeds"),
        sitemaps=_strings(data, "sitemaps"),
        page_param=_opt_str(urls, "page_param"),
        extraction=extraction,
    )


# -- validation helpers: each raises ProfileError naming the key and what is wrong -----------

def _table(data: dict, key: str, required: bool = True) -> dict:
    value = data.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise ProfileError(f"missing [{key}] table" if value is None else f"{key} must be a table")
    return value


def _str(data: dict, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(f"{key} must be a non-empty string" if key in data else f"missing {key}")
    return value


def _opt_str(data: dict, key: str) -> str | None:
    return _str(data, key) if key in data else None


def _strings(data: dict, key: str, required: bool = False) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ProfileError(f"{key} must be a list of strings")
    if required and not value:
        raise ProfileError(f"missing {key}")
    return list(value)


def _patterns(table: dict, key: str, required: bool = False) -> list[re.Pattern[str]]:
    out = []
    for source in _strings(table, key, required):
        try:
            out.append(re.compile(source))
        except re.error as e:
            raise ProfileError(f"{key} pattern {source!r} does not compile: {e}") from None
    return out


def _check_canonical(template: str | None, articles: list[re.Pattern[str]]) -> None:
    """Every article pattern must name each group the canonical address is built from."""
    if template is None:
        return
    needed = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    for pattern in articles:
        missing = needed - set(pattern.groupindex)
        if missing:
            raise ProfileError(f"canonical_article needs {', '.join(sorted(missing))}, which "
                               f"article pattern {pattern.pattern!r} does not capture")


def _selectors(table: dict, extraction: str) -> dict[str, list[str]]:
    known = DISCOVERY_RULES + FIELD_RULES + ENTRY_RULES
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ProfileError(f"unknown selectors: {', '.join(unknown)} (known: {', '.join(known)})")
    rules = {key: _strings(table, key) for key in known}
    for key, default in ENTRY_DEFAULTS.items():
        rules[key] = rules[key] or list(default)
    required = ["headline", "body"] if extraction == "profile" else []
    missing = [k for k in required if not rules[k]]
    if missing:
        raise ProfileError(f"selectors missing: {', '.join(missing)}")
    if extraction == "generic":
        given = [k for k in FIELD_RULES if rules[k]]
        if given:
            raise ProfileError(f"a generic profile reads no fields itself; drop {', '.join(given)}")
    probe = Selector(text="<html></html>")
    for key, values in rules.items():
        for rule in values:
            try:
                probe.xpath(rule) if is_xpath(rule) else probe.css(rule)
            except Exception as e:  # noqa: BLE001 - cssselect and lxml raise several kinds
                raise ProfileError(f"selector {key} = {rule!r} is not valid: {e}") from None
    return rules


def _text_pattern(text: dict, key: str) -> re.Pattern[str] | None:
    if key not in text:
        return None
    if not isinstance(text[key], str):
        raise ProfileError(f"text.{key} must be a regular expression string")
    [pattern] = _patterns({f"text.{key}": [text[key]]}, f"text.{key}")
    missing = [g for g in TEXT_PATTERNS[key] if g not in pattern.groupindex]
    if missing:
        raise ProfileError(f"text.{key} must capture (?P<{missing[0]}>...)")
    return pattern


def _aliases(table: object) -> dict[str, str]:
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ProfileError("[sources] must map printed credits to names")
    return dict(table)
