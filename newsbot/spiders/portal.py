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
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import get_base_url

from newsbot import signals as newsbot_signals
from newsbot.dates import DateEvidence
from newsbot.feeds import feed_entries, sitemap_entries
from newsbot.links import PageMatches, block_hrefs, join_url, rule_values
from newsbot.loaders import extract_article
from newsbot.processors import normalize_url
from newsbot.profiles import SiteProfile, load_profile
from newsbot.store.seen import SeenStore

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
        self._seen: SeenStore | None = None
        self._article_urls: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.site = spider.site or crawler.settings.get("NEWSBOT_SITE")
        spider.profile = load_profile(spider.site)
        spider.start_urls = split_urls(spider.start_url_arg) or list(spider.profile.start_urls)
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
            # articles whose year then had no evidence yet. Their URLs wait in the seen-store's
            # queue (a 50,000-URL sitemap is not held in memory) and are handed out lazily.
            if page is not None and "feeds" in self.discover:
                for url in self.feed_urls(page):
                    self.seen.push_seeds(self.read_feed(await self.fetch(url, "feed")))
            if "sitemap" in self.discover:
                for url in self.profile.sitemaps:
                    await self.read_sitemap(urljoin(home, url))
            for request in self.article_requests(self.seen.seeds()):
                await self.backout()
                yield request
            if page is not None and "nav" in self.discover:
                for request in self.parse_home(page):
                    yield request

    async def backout(self) -> None:
        """Wait while the downloader is full: Scrapy 2.19 reads start() on whenever it is, so
        without this every sitemap URL would sit in the scheduler's memory at once."""
        engine = self.crawler.engine
        while engine is not None and engine.needs_backout():
            await sleep(0.005)

    @property
    def seen(self) -> SeenStore:
        """URLs already requested and the queue of start URLs, on disk (opened on first use)."""
        if self._seen is None:
            self._seen = SeenStore()
        return self._seen

    def closed(self, reason: str) -> None:
        if self._seen is not None:
            self._seen.close()
            self._seen = None

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
            urls += [home.urljoin(u) for u in rule_values(home.selector.root,
                                                          self.profile.selectors.get("feed_links", []))]
        keep = [normalize_url(u, []) for u in urls if self.on_site(u)]
        return list(dict.fromkeys(u for u in keep if urlsplit(u).path.endswith(".xml")))

    def read_feed(self, response: Response | None) -> list[str]:
        """Article URLs listed in a feed; their publication dates become evidence."""
        if response is None:
            return []
        return self.learn_dates(feed_entries(response.body), response, "feed")

    async def read_sitemap(self, url: str, depth: int = 0) -> int:
        """Queue a sitemap's article URLs (following a sitemap index); lastmod dates become
        evidence. Returns the number of URLs queued."""
        response = await self.fetch(url, "sitemap")
        if response is None:
            return 0
        kind, entries = sitemap_entries(response.body)
        if kind == "sitemapindex" and depth < 2:
            queued = 0
            for loc, _ in entries:
                queued += await self.read_sitemap(response.urljoin(loc), depth + 1)
            return queued
        return self.seen.push_seeds(self.learn_dates(entries, response, "sitemap"))

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
        for href in rule_values(response.selector.root, self.profile.selectors["section_links"]):
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
        href = next(iter(PageMatches(response.selector.root).values(self.profile.selectors["next_page"])), None)
        if href:
            url = normalize_url(response.urljoin(href), self.profile.tracking_params)
            if self.on_site(url):
                yield Request(url, callback=self.parse_section, errback=self.on_error,
                              meta={"kind": "section", "page": page + 1})

    def listed_articles(self, response: Response) -> Iterable[Request]:
        rules = self.profile.selectors
        hrefs = rule_values(response.selector.root, rules["listing_links"])
        if self.follow_links:
            hrefs += self.block_links(PageMatches(response.selector.root))
        return self.article_requests(self.joined(response, hrefs))

    def block_links(self, page: PageMatches) -> list[str]:
        """Links in the related and popular blocks: more articles, some of them gone."""
        rules = self.profile.selectors
        return [href for rule in ("related", "popular") for href in block_hrefs(page.first(rules[rule]))]

    def article_requests(self, urls: Iterable[str]) -> Iterable[Request]:
        """A request for each article URL not requested before in this crawl.

        Most links on a page (POPULAR NEWS, related stories) were requested already; asking
        the seen-store first spares each of them a Request, the spider middlewares, a
        fingerprint and the dupefilter, which cost more than the page they lead to.
        """
        known = 0
        for url in urls:
            url = self.article_url(url)
            if url is None:
                continue
            if not self.seen.add(url):
                known += 1
                continue
            yield Request(url, callback=self.parse_article, errback=self.on_error,
                          meta={"kind": "article"})
        if known:
            self.crawler.stats.inc_value("newsbot/links/already_requested", known)

    def article_url(self, url: str) -> str | None:
        """The normalised URL when ``url`` is an article of this site, else None (remembered
        for the latest few thousand links, which recur page after page)."""
        if url in self._article_urls:
            return self._article_urls[url]
        found = normalize_url(url, self.profile.tracking_params)
        if not (self.on_site(found) and self.profile.article_id(urlsplit(found).path)):
            found = None
        if len(self._article_urls) >= 8_192:
            self._article_urls.clear()
        self._article_urls[url] = found
        return found

    @staticmethod
    def joined(response: Response, hrefs: Iterable[str]) -> Iterable[str]:
        """``response.urljoin(href)`` for each href (the page's <base> honoured)."""
        base = get_base_url(response) if isinstance(response, TextResponse) else response.url
        return (join_url(base, h) for h in hrefs)

    # -- articles -------------------------------------------------------------------------
    def parse_article(self, response: Response):
        self.crawler.stats.inc_value("newsbot/pages/article")
        if not isinstance(response, TextResponse):
            self.page_failed(response.url, "not a text page", response.status)
            return
        page = PageMatches(response.selector.root)  # the blocks are found once for both uses
        yield extract_article(response, self.profile, self.evidence, self.crawler.stats, page=page)
        if self.follow_links:
            yield from self.article_requests(self.joined(response, self.block_links(page)))

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
