"""The portal spider: home → sections → pagination → articles, plus feeds and sitemaps.

Feeds and sitemaps are read first, before any article, because their full dates are the
evidence that gives datelines ("Sep 07") their year.
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Iterable
from datetime import date
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from w3lib.url import add_or_replace_parameter

from newsbot import signals as newsbot_signals
from newsbot.dates import DateEvidence
from newsbot.feeds import feed_entries, sitemap_entries
from newsbot.links import select_all, select_first
from newsbot.loaders import extract_article
from newsbot.processors import normalize_url
from newsbot.profiles import SiteProfile, load_profile

DISCOVERY = ("nav", "feeds", "sitemap")


class PortalSpider(Spider):
    name = "portal"
    run_args = ("site", "start_urls", "discover", "max_pages", "follow_links")

    def __init__(self, site: str | None = None, start_url: str | None = None,
                 discover: str = "nav,feeds,sitemap", max_pages: str | int | None = None,
                 follow_links: str | bool = True, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        self.start_url_arg = start_url
        self.discover = parse_discover(discover)
        self.max_pages = int(max_pages) if max_pages not in (None, "", "0", 0) else None
        if self.max_pages is not None and self.max_pages < 0:
            raise ValueError(f"max_pages must be positive, not {max_pages}")
        self.follow_links = str(follow_links).lower() not in ("0", "false", "no")
        self.evidence = DateEvidence()
        self.profile: SiteProfile | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.site = spider.site or crawler.settings.get("NEWSBOT_SITE")
        spider.profile = load_profile(spider.site)
        spider.start_urls = split_urls(spider.start_url_arg) or list(spider.profile.start_urls)
        if not spider.start_urls:
            raise ValueError(f"site profile {spider.site!r} names no start URL: "
                             "pass start_url")
        spider.allowed_domains = sorted({urlsplit(u).hostname for u in spider.start_urls})
        if crawler.settings.getbool("NEWSBOT_FAST_LOOPBACK") and all(map(is_loopback, spider.start_urls)):
            # Settings are still writable here (Scrapy creates the spider before freezing them).
            crawler.settings.setdict(crawler.settings.getdict("LOOPBACK_FAST"), priority="spider")
            spider.fast = True
        return spider

    # -- seeds ----------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        for home in self.start_urls:
            page = None
            if "feeds" in self.discover or "nav" in self.discover:
                page = await self.fetch(home, "home")
            # Every full date the feeds and sitemaps give is read before any article is
            # requested: an article fetched early would lead, through its related links, to
            # articles whose year then had no evidence yet.
            listed: list[str] = []
            seeds: list[str] = []
            if page is not None and "feeds" in self.discover:
                for url in self.feed_urls(page):
                    listed += self.read_feed(await self.fetch(url, "feed"))
            if "sitemap" in self.discover:
                for url in self.profile.sitemaps:
                    seeds += await self.read_sitemap(urljoin(home, url))
            # A feed lists articles only: one at an address the profile does not know is
            # still read (by the generic path). A sitemap lists every page, so it is not.
            for request in self.article_requests(listed, from_feed=True):
                yield request
            for request in self.article_requests(seeds):
                yield request
            if page is not None and "nav" in self.discover:
                for request in self.parse_home(page):
                    yield request

    async def fetch(self, url: str, kind: str) -> TextResponse | None:
        """Download now, through the downloader middlewares (robots.txt, retries, redirects)."""
        request = Request(url, meta={"kind": kind}, dont_filter=True)
        try:
            response = await self.crawler.engine.download_async(request)
        except IgnoreRequest:
            self.crawler.stats.inc_value(f"newsbot/ignored/{kind}")
            return None
        except Exception as e:  # noqa: BLE001 - any download error is a failed page, recorded
            self.page_failed(url, f"{type(e).__name__}: {e}", None)
            return None
        self.crawler.stats.inc_value(f"newsbot/pages/{kind}")
        if response.status != 200:
            self.page_failed(url, f"HTTP {response.status}", response.status)
            return None
        return response

    def feed_urls(self, home: Response) -> list[str]:
        """The profile's feeds, the home page's advertised feeds and every section's feed."""
        urls = [urljoin(home.url, u) for u in self.profile.feeds]
        if isinstance(home, TextResponse):
            urls += [home.urljoin(u) for u in select_all(home.selector,
                                                         self.profile.selectors.get("feed_links", []))]
        # What a feed link looks like is the profile's feed_links rules, not an address shape:
        # many sites serve theirs at /feed/.
        return list(dict.fromkeys(normalize_url(u, []) for u in urls if self.on_site(u)))

    def read_feed(self, response: Response | None) -> list[str]:
        """Article URLs listed in a feed; their publication dates become evidence."""
        if response is None:
            return []
        return self.learn_dates(feed_entries(response.body), response, "feed")

    async def read_sitemap(self, url: str, depth: int = 0) -> list[str]:
        """Article URLs of a sitemap (following a sitemap index); lastmod dates become evidence."""
        response = await self.fetch(url, "sitemap")
        if response is None:
            return []
        kind, entries = sitemap_entries(response.body)
        if kind == "sitemapindex" and depth < 2:
            urls = []
            for loc, _ in entries:
                urls += await self.read_sitemap(response.urljoin(loc), depth + 1)
            return urls
        return self.learn_dates(entries, response, "sitemap")

    def learn_dates(self, entries: list[tuple[str, date | None]], response: Response,
                    kind: str) -> list[str]:
        origin = f"{kind} {urlsplit(response.url).path}"
        urls = []
        for loc, when in entries:
            url = response.urljoin(loc)
            article_id = self.profile.article_id(urlsplit(url).path)
            if article_id and when:
                self.evidence.add(article_id, when, origin)
            urls.append(url)
        return urls

    # -- navigation -----------------------------------------------------------------------
    def parse_home(self, response: Response) -> Iterable[Request]:
        sel = response.selector
        for href in select_all(sel, self.profile.selectors["section_links"]):
            url = normalize_url(response.urljoin(href), self.profile.tracking_params)
            if self.on_site(url) and self.profile.is_section(urlsplit(url).path) \
                    and urlsplit(url).path != "/":
                yield Request(url, callback=self.parse_section, errback=self.on_error,
                              meta={"kind": "section", "page": 1})
        yield from self.listed_articles(response)

    def parse_section(self, response: Response) -> Iterable[Request]:
        self.crawler.stats.inc_value("newsbot/pages/section")
        yield from self.listed_articles(response)
        page = response.meta.get("page", 1)
        if self.max_pages is not None and page >= self.max_pages:
            return
        href = select_first(response.selector, self.profile.selectors["next_page"]).get()
        if href:
            url = normalize_url(self.next_page_url(response, href), self.profile.tracking_params)
            if self.on_site(url):
                yield Request(url, callback=self.parse_section, errback=self.on_error,
                              meta={"kind": "section", "page": page + 1})

    def next_page_url(self, response: Response, value: str) -> str:
        """A next-page link, or a page number ("load more") set as the profile's page_param."""
        value = value.strip()
        if self.profile.page_param and value.isdigit():
            return add_or_replace_parameter(response.url, self.profile.page_param, value)
        return response.urljoin(value)

    def listed_articles(self, response: Response) -> Iterable[Request]:
        rules = self.profile.selectors
        hrefs = select_all(response.selector, rules["listing_links"])
        if self.follow_links:
            hrefs += self.block_links(response)
        return self.article_requests(response.urljoin(h) for h in hrefs)

    def block_links(self, response: Response) -> list[str]:
        """Links in the related and popular blocks: more articles, some of them gone."""
        rules = self.profile.selectors
        return [href for rule in ("related", "popular")
                for href in select_first(response.selector, rules[rule]).css("a::attr(href)").getall()]

    def article_requests(self, urls: Iterable[str], from_feed: bool = False) -> Iterable[Request]:
        for url in urls:
            url = normalize_url(url, self.profile.tracking_params)
            path = urlsplit(url).path
            if not self.on_site(url):
                continue
            if self.profile.is_article(path) or (from_feed and self.may_be_article(path)):
                yield Request(url, callback=self.parse_article, errback=self.on_error,
                              meta={"kind": "article"})

    def may_be_article(self, path: str) -> bool:
        """Whether a feed entry the profile does not know is worth reading generically."""
        return path not in ("", "/") and not self.profile.is_section(path) \
            and not path.endswith(".xml")

    # -- articles -------------------------------------------------------------------------
    def parse_article(self, response: Response):
        self.crawler.stats.inc_value("newsbot/pages/article")
        if not isinstance(response, TextResponse):
            self.page_failed(response.url, "not a text page", response.status)
            return
        if not self.profile.knows(urlsplit(response.url).path):
            self.crawler.stats.inc_value("newsbot/pages/article_generic")
        yield extract_article(response, self.profile, self.evidence, self.crawler.stats)
        if self.follow_links:
            yield from self.article_requests(response.urljoin(h) for h in self.block_links(response))

    # -- failures -------------------------------------------------------------------------
    def on_error(self, failure):
        request = failure.request
        if failure.check(HttpError):
            status = failure.value.response.status
            self.page_failed(request.url, f"HTTP {status}", status)
        elif failure.check(IgnoreRequest):
            self.crawler.stats.inc_value("newsbot/ignored/request")
        else:
            self.page_failed(request.url, f"{failure.type.__name__}: {failure.getErrorMessage()}", None)

    def page_failed(self, url: str, reason: str, status: int | None) -> None:
        self.crawler.stats.inc_value("newsbot/pages_failed")
        self.crawler.stats.inc_value(f"newsbot/pages_failed/{reason.split(':')[0]}")
        self.logger.warning("page failed: %s (%s)", url, reason)
        self.crawler.signals.send_catch_log(newsbot_signals.page_failed,
                                            url=url, reason=reason, status=status)

    def on_site(self, url: str) -> bool:
        return urlsplit(url).hostname in self.allowed_domains


def parse_discover(value: str | Iterable[str]) -> tuple[str, ...]:
    names = [v.strip() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()]
    unknown = [n for n in names if n not in DISCOVERY]
    if unknown or not names:
        raise ValueError(f"discover takes a comma-separated subset of {','.join(DISCOVERY)}, "
                         f"not {value!r}")
    return tuple(names)


def split_urls(value: str | list[str] | None) -> list[str]:
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else value
    return [u.strip() for u in items if u.strip()]


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
