"""The portal spider: home → sections → pagination → articles, plus feeds and sitemaps.

Feeds and sitemaps are read first, before any article, because their full dates are the
evidence that gives datelines ("Sep 07") their year. Articles already stored are not fetched
again (newsbot.incremental), unless ``refresh``; ``recrawl_days`` re-checks recent ones.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator, Iterable, Iterator
from itertools import chain
from datetime import date, datetime, timezone
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.response import get_base_url
from w3lib.url import add_or_replace_parameter
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer
from twisted.internet.defer import Deferred

from newsbot import signals as newsbot_signals
from newsbot.dates import DateEvidence
from newsbot.extensions.runrecord import RunRecorder
from newsbot.failures import describe, report_failure
from newsbot.feeds import feed_entries, sitemap_entries
from newsbot.health import COVERAGE_FIELDS
from newsbot.incremental import (RECENT_RUNS, Incremental, conditional_headers, home_ranking,
                                 server_today)
from newsbot.links import block_hrefs, read_ranking, select_all, select_first
from newsbot.loaders import extract_article
from newsbot.middlewares.refused import PageRefused
from newsbot.pagetree import page_selector
from newsbot.processors import normalize_url, resolve
from newsbot.store.base import chunked
from newsbot.store.seen import SeenStore
from newsbot.profiles import SiteProfile, load_profile

DISCOVERY = ("nav", "feeds", "sitemap")


# What start() sees when the crawl is stopped under it: Scrapy cancels its task (asyncio or
# Twisted), or closes the generator.
STOPPED = (asyncio.CancelledError, defer.CancelledError, GeneratorExit)


class PortalSpider(Spider):
    name = "portal"
    run_args = ("site", "start_urls", "discover", "max_pages", "follow_links", "refresh",
                "lookback", "recrawl_days", "frontier_round")

    def __init__(self, site: str | None = None, start_url: str | None = None,
                 discover: str = "nav,feeds,sitemap", max_pages: str | int | None = None,
                 follow_links: str | bool = True, refresh: str | bool = False,
                 lookback: str | int | None = None, recrawl_days: str | int | None = None,
                 frontier_round: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        self.start_url_arg = start_url
        self.discover = parse_discover(discover)
        self.max_pages = int(max_pages) if max_pages not in (None, "", "0", 0) else None
        if self.max_pages is not None and self.max_pages < 0:
            raise ValueError(f"max_pages must be positive, not {max_pages}")
        self.follow_links = str(follow_links).lower() not in ("0", "false", "no")
        self.refresh = str(refresh).lower() in ("1", "true", "yes")
        self.lookback = count_arg("lookback", lookback)
        self.recrawl_days = count_arg("recrawl_days", recrawl_days)
        self.evidence = DateEvidence()
        self.profile: SiteProfile | None = None
        self._incremental: Incremental | None = None
        # Articles wait for the dates of feeds and sitemaps, even those a resumed JOBDIR queue
        # hands over before start() has read them.
        self._dated = False
        self._stopped_undated = False  # stopped before the dates were read (dates_known)
        self._seen: SeenStore | None = None
        self._waiting_for_dates: list[Deferred] = []
        self.frontier = False  # a worker of a shared Redis frontier (newsbot.frontier)
        self.frontier_round = frontier_round  # which seeding of the frontier this run serves
        self.listed: dict[str, list[str]] = {}  # frontier: each home's feed articles

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
        spider.frontier = bool(crawler.settings.get("NEWSBOT_FRONTIER"))
        if spider.lookback is None:
            spider.lookback = crawler.settings.getint("NEWSBOT_LOOKBACK_PAGES", 1)
        if spider.recrawl_days is None:
            spider.recrawl_days = crawler.settings.getint("NEWSBOT_RECRAWL_DAYS", 0)
        if crawler.settings.getbool("NEWSBOT_FAST_LOOPBACK") and all(map(is_loopback, spider.start_urls)):
            # Settings are still writable here (Scrapy creates the spider before freezing them).
            crawler.settings.setdict(crawler.settings.getdict("LOOPBACK_FAST"), priority="spider")
            spider.fast = True
        return spider

    # -- seeds ----------------------------------------------------------------------------
    @property
    def incremental(self) -> Incremental:
        """Built on first use, after spider_opened: the run must be recorded to know its past."""
        if self._incremental is None:
            self._incremental = Incremental.for_run(
                RunRecorder.of(self.crawler).store, self.crawler.stats, self.refresh,
                self.lookback, self.crawl_runs if self.frontier_round else None)
        return self._incremental

    def crawl_runs(self) -> set[int]:
        """The runs of the workers serving the same seeding of the frontier (this one too)."""
        store = RunRecorder.of(self.crawler).store
        return {r["id"] for r in store.runs(limit=RECENT_RUNS)
                if r["args"].get("frontier_round") == self.frontier_round}

    async def start(self) -> AsyncIterator[Request]:
        # Every full date the feeds and sitemaps give is read before any article is
        # requested: an article fetched early would lead, through its related links, to
        # articles whose year then had no evidence yet.
        try:
            homes = [(home, *await self.read_evidence(home)) for home in self.start_urls]
        except BaseException as e:
            # Stopped (Ctrl-C, systemctl stop: Scrapy cancels start()) or broken while reading.
            # The articles already handed over (a resumed queue, the frontier) wait for these
            # dates: stopped, they go back unread; broken, they go on with the dates read.
            self.dates_known(stopped=isinstance(e, STOPPED))
            raise
        self.listed = {home: listed for home, _, listed, _ in homes}
        self.dates_known()
        if self.frontier:
            # A frontier worker reads the evidence itself (each holds every date: an article
            # may reach any worker), but the requests come from the seed (parse_seed).
            return
        for home, page, listed, seeds in homes:
            async for request in self.seed_requests(page, listed):
                yield request

    async def seed_requests(self, page: TextResponse | None,
                            listed: list[str]) -> AsyncIterator[Request]:
        """A home page's requests: the feeds' articles, the sitemaps', sections, re-checks."""
        # A feed lists articles only: one at an address the profile does not know is
        # still read (by the generic path). A sitemap lists every page, so it is not.
        for request in self.article_requests(listed, from_feed=True):
            yield request
        # The sitemaps' URLs wait in the seen-store's queue, not in memory, and are handed
        # to Scrapy a chunk at a time while the downloader has room (a frontier takes them
        # at once: they go to Redis, not to this worker's memory).
        for chunk in chunked(self.seen.seeds(), 512):
            for request in self.article_requests(chunk):
                if not self.frontier:
                    await self.backout()
                yield request
        if page is not None and "nav" in self.discover:
            for request in self.parse_home(page):
                yield request
        for request in self.recrawl_requests(page):
            yield request

    def frontier_drained(self) -> None:
        """The round is over. A worker that read no listing (its siblings took every one)
        still read the feeds and sitemaps: their articles count as listed, the stored ones as
        skipped, as in a crawl of one process, so its verdict says what was found, not "no
        articles found"."""
        stats = self.crawler.stats
        if stats.get_value("newsbot/incremental/listed") or \
                stats.get_value("newsbot/coverage/items"):
            return
        self.unknown(self.article_links(chain.from_iterable(self.listed.values()), from_feed=True))
        for chunk in chunked(self.seen.seeds(), 512):
            self.unknown(self.article_links(chunk))

    async def parse_seed(self, response: Response) -> AsyncIterator[Request]:
        """A frontier seed (`newsbot seed`): the one worker that takes it queues what start()
        queues in a crawl of one process, from the evidence it read at its own start."""
        if not await self.wait_for_dates():
            self.hand_back(response)
            return
        self.crawler.stats.inc_value("newsbot/pages/home")
        page = response if isinstance(response, TextResponse) and response.status == 200 else None
        if page is None:
            self.page_failed(response.url, f"HTTP {response.status}", response.status)
        home = response.meta.get("home", response.url)
        async for request in self.seed_requests(page, self.listed.get(home, [])):
            yield request

    async def read_evidence(self, home: str) -> tuple[TextResponse | None, list[str], list[str]]:
        """The home page, the feeds' and the sitemaps' article URLs (their dates learnt)."""
        page = None
        if "feeds" in self.discover or "nav" in self.discover:
            page = await self.fetch(home, "home")
        listed: list[str] = []
        seeds = 0
        if page is not None and "feeds" in self.discover:
            for url in self.feed_urls(page):
                listed += self.read_feed(await self.fetch(url, "feed"))
        if "sitemap" in self.discover:
            for url in self.profile.sitemaps:
                seeds += await self.read_sitemap(urljoin(home, url))
        return page, listed, seeds

    async def backout(self) -> None:
        """Wait while the downloader is full or the scheduler has requests to give it: Scrapy
        2.19 reads start() on whenever the downloader has room, so without this every sitemap
        URL would sit in the scheduler's memory at once, and with room alone a seed went in
        beside every related link still waiting (5,359 requests queued at once on 50,000
        articles)."""
        engine = self.crawler.engine
        while engine is not None and (engine.needs_backout() or (
                engine.scheduler is not None and engine.scheduler.has_pending_requests())):
            await sleep(0.005)

    @property
    def seen(self) -> SeenStore:
        """Article URLs requested in this run and the queue of sitemap URLs, on disk."""
        if self._seen is None:
            self._seen = SeenStore()
        return self._seen

    def closed(self, reason: str) -> None:
        if self._seen is not None:
            self._seen.close()
            self._seen = None

    def dates_known(self, stopped: bool = False) -> None:
        self._dated = True
        self._stopped_undated = stopped
        if stopped:
            self.logger.info("stopped while reading the feeds and sitemaps: %d pages waiting "
                             "for their dates go back unread", len(self._waiting_for_dates))
        else:
            # Where the crawl proper starts: article callbacks wait for this.
            self.logger.info("feeds and sitemaps read: %d articles dated", len(self.evidence))
        waiting, self._waiting_for_dates = self._waiting_for_dates, []
        for d in waiting:
            d.callback(None)

    async def wait_for_dates(self) -> bool:
        """Whether the page can be read: False when the crawl stopped before the dates were
        read (the caller hands its request back)."""
        if not self._dated:
            d: Deferred = Deferred()
            self._waiting_for_dates.append(d)
            await maybe_deferred_to_future(d)
        return not self._stopped_undated

    def hand_back(self, response: Response) -> None:
        """Queue the page's request again, unread, for whoever goes on with the crawl: the
        resumed run of a JOBDIR (Scrapy's scheduler persists it at the close), another worker
        of a frontier (its scheduler puts the request it took back on the shared queue)."""
        self.crawler.stats.inc_value("newsbot/stopped/handed_back")
        scheduler = self.crawler.engine.scheduler
        put_back = getattr(scheduler, "put_back", None)
        if put_back is None or not put_back(response.request):
            scheduler.enqueue_request(response.request.replace(dont_filter=True))

    async def fetch(self, url: str, kind: str) -> TextResponse | None:
        """Download now, through the downloader middlewares (robots.txt, retries, redirects)."""
        request = Request(url, meta={"kind": kind}, dont_filter=True)
        try:
            response = await self.crawler.engine.download_async(request)
        except PageRefused as e:
            self.page_failed(e.url or url, e.reason, e.status)
            return None
        except IgnoreRequest:
            self.crawler.stats.inc_value(f"newsbot/ignored/{kind}")
            return None
        except Exception as e:  # noqa: BLE001 - any download error is a failed page, recorded
            self.page_failed(url, describe(e), None)
            return None
        self.crawler.stats.inc_value(f"newsbot/pages/{kind}")
        if response.status != 200:
            self.page_failed(url, f"HTTP {response.status}", response.status)
            return None
        if kind == "home" and not isinstance(response, TextResponse):
            self.page_failed(url, "not a text page", response.status)
            return None
        return response

    def feed_urls(self, home: Response) -> list[str]:
        """The profile's feeds, the home page's advertised feeds and every section's feed."""
        urls = [urljoin(home.url, u) for u in self.profile.feeds]
        if isinstance(home, TextResponse):
            rules = self.profile.selectors.get("feed_links", [])
            urls += [self.join(home, u) for u in select_all(page_selector(home), rules)]
        # What a feed link looks like is the profile's feed_links rules, not an address shape:
        # many sites serve theirs at /feed/.
        return list(dict.fromkeys(normalize_url(u, []) for u in urls if self.on_site(u)))

    def read_feed(self, response: Response | None) -> list[str]:
        """Article URLs listed in a feed; their publication dates become evidence."""
        if response is None:
            return []
        return self.learn_dates(feed_entries(response.body), response, "feed")

    async def read_sitemap(self, url: str, depth: int = 0) -> int:
        """Queue a sitemap's URLs (following a sitemap index); lastmod dates become evidence.
        Returns the number queued."""
        response = await self.fetch(url, "sitemap")
        if response is None:
            return 0
        kind, entries = sitemap_entries(response.body)
        if kind == "sitemapindex" and depth < 2:
            queued = 0
            for loc, _ in entries:
                queued += await self.read_sitemap(self.join(response, loc), depth + 1)
            return queued
        return self.seen.push_seeds(self.learn_dates(entries, response, "sitemap"))

    def learn_dates(self, entries: list[tuple[str, date | None]], response: Response,
                    kind: str) -> list[str]:
        origin = f"{kind} {urlsplit(response.url).path}"
        urls = []
        for loc, when in entries:
            url = self.join(response, loc)
            article_id = self.profile.article_id(urlsplit(url).path)
            if article_id and when:
                self.evidence.add(article_id, when, origin)
            urls.append(url)
        return urls

    # -- navigation -----------------------------------------------------------------------
    def parse_home(self, response: Response) -> Iterable[Request]:
        sel = page_selector(response)
        self.popular_seen(response)
        urls = dict.fromkeys(normalize_url(self.join(response, href), self.profile.tracking_params)
                             for href in select_all(sel, self.profile.selectors["section_links"]))
        for url in urls:
            if self.on_site(url) and self.profile.is_section(urlsplit(url).path) \
                    and urlsplit(url).path != "/":
                # dont_filter: the first page of every section is fetched on every run, even
                # when a resumed JOBDIR remembers it from before the pause.
                yield Request(url, callback=self.parse_section, errback=self.on_error,
                              meta={"kind": "section", "page": 1}, dont_filter=True)
        yield from self.listed_articles(response, self.listing(response))

    def popular_seen(self, response: Response) -> None:
        """The home page's ranking is stored every run, even when no article is fetched."""
        block = select_first(page_selector(response), self.profile.selectors["popular"])
        entries = read_ranking(block, response.url, self.profile.tracking_params)
        if entries:
            self.crawler.signals.send_catch_log(
                newsbot_signals.popular_seen, ranking=home_ranking(entries, self.profile),
                taken_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def parse_section(self, response: Response) -> Iterable[Request]:
        self.crawler.stats.inc_value("newsbot/pages/section")
        fresh, all_old = self.unknown(self.listing(response))
        yield from self.listed_articles(response, fresh, known_filtered=True)
        page = response.meta.get("page", 1)
        stale = self.incremental.stale_after(response.meta.get("stale", 0), all_old)
        if self.max_pages is not None and page >= self.max_pages:
            return
        if not self.incremental.keep_paging(stale):
            return
        href = select_first(page_selector(response), self.profile.selectors["next_page"]).get()
        if href:
            url = normalize_url(self.next_page_url(response, href), self.profile.tracking_params)
            if self.on_site(url):
                yield Request(url, callback=self.parse_section, errback=self.on_error,
                              meta={"kind": "section", "page": page + 1, "stale": stale})

    def next_page_url(self, response: Response, value: str) -> str:
        """A next-page link, or a page number ("load more") set as the profile's page_param."""
        value = value.strip()
        if self.profile.page_param and value.isdigit():
            return add_or_replace_parameter(response.url, self.profile.page_param, value)
        return self.join(response, value)

    def listing(self, response: Response) -> list[tuple[str, str]]:
        """(address, canonical address) of the articles an index page or the home page lists."""
        hrefs = select_all(page_selector(response), self.profile.selectors["listing_links"])
        return self.article_links(self.join(response, h) for h in hrefs)

    def listed_articles(self, response: Response, listed: list[tuple[str, str]],
                        known_filtered: bool = False) -> list[Request]:
        """Requests for the listed articles not stored yet, then for the linked ones."""
        fresh = listed if known_filtered else self.unknown(listed)[0]
        return [self.article_request(url) for url, _ in fresh] + self.linked_articles(response)

    def linked_articles(self, response: Response) -> list[Request]:
        """Requests for the related and popular links not requested yet in this run.

        Most of them were (POPULAR NEWS is on every page): asking the seen-store first spares
        each a canonical address, a store lookup, a Request, the spider middlewares and the
        dupefilter, which together cost more than the page they lead to.
        """
        if not self.follow_links:
            return []
        urls = self.resolve(response, self.block_links(response))
        fresh = [u for u in urls if u and u not in self.seen]
        if len(fresh) < len(urls):
            self.crawler.stats.inc_value("newsbot/links/already_requested", len(urls) - len(fresh))
        return self.article_requests(fresh)

    def resolve(self, response: Response, hrefs: list[str]) -> list[str]:
        """Normalised addresses of the hrefs, joined as ``response.urljoin`` joins them (to a
        <base href> when the page has one); "" for one no URL parser takes."""
        tracking = self.profile.tracking_params
        try:
            base = get_base_url(response)
        except ValueError:  # a <base href> no parser takes: each href fails alike
            return [normalize_url(self.join(response, h), tracking) for h in hrefs]
        return [resolve(base, h, tracking) for h in hrefs]

    def block_links(self, response: Response) -> list[str]:
        """Links in the related and popular blocks: more articles, some of them gone."""
        rules = self.profile.selectors
        return [href for rule in ("related", "popular")
                for href in block_hrefs(page_selector(response), rules[rule])]

    def article_links(self, urls: Iterable[str], from_feed: bool = False) -> list[tuple[str, str]]:
        """(address, canonical address) of the on-site article links among ``urls``, each once.

        A feed lists articles only, so its entries at addresses the profile does not know are
        kept too (the loader reads them by the generic path)."""
        found = {}
        for url in urls:
            url = normalize_url(url, self.profile.tracking_params)
            path = urlsplit(url).path
            if not self.on_site(url):
                continue
            if self.profile.is_article(path) or (from_feed and self.may_be_article(path)):
                found.setdefault(url, self.profile.canonical_for(url))
        return list(found.items())

    def unknown(self, links: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], bool]:
        """(the links whose article is not stored, whether earlier runs stored them all)."""
        fresh, all_old = self.incremental.sort(list(dict.fromkeys(c for _, c in links)))
        keep = set(fresh)
        return [(url, canonical) for url, canonical in links if canonical in keep], all_old

    def article_requests(self, urls: Iterable[str], from_feed: bool = False) -> list[Request]:
        """Requests for the articles among ``urls`` that the store does not hold yet."""
        links = self.article_links(urls, from_feed)
        return [self.article_request(url) for url, _ in self.unknown(links)[0]]

    def article_request(self, url: str, **kwargs) -> Request:
        self.seen.add(url)
        return Request(url, callback=self.parse_article, errback=self.on_error,
                       meta={"kind": "article", **kwargs.pop("meta", {})}, **kwargs)

    def recrawl_requests(self, home: Response | None) -> list[Request]:
        """Conditional GETs for the articles published in the last ``recrawl_days`` days."""
        if not self.recrawl_days:
            return []
        today = server_today(home, datetime.now(timezone.utc).date())
        return [self.article_request(a.canonical_url, headers=conditional_headers(a),
                                     meta={"kind": "recrawl", "handle_httpstatus_list": [304]})
                for a in self.incremental.due_for_recrawl(today, self.recrawl_days)]

    def may_be_article(self, path: str) -> bool:
        """Whether a feed entry the profile does not know is worth reading generically."""
        return path not in ("", "/") and not self.profile.is_section(path) \
            and not path.endswith(".xml")

    # -- articles -------------------------------------------------------------------------
    async def parse_article(self, response: Response):
        if not await self.wait_for_dates():
            self.hand_back(response)
            return
        for result in self.read_article(response):  # no `yield from` in async generators
            yield result

    def read_article(self, response: Response):
        """The article on the page, then requests for the unknown articles it links to."""
        if response.status == 304:
            self.crawler.stats.inc_value("newsbot/recrawl/not_modified")
            return
        self.crawler.stats.inc_value(f"newsbot/pages/{response.meta.get('kind', 'article')}")
        if not isinstance(response, TextResponse):
            self.page_failed(response.url, "not a text page", response.status)
            return
        known = self.profile.knows(urlsplit(response.url).path)
        if not known:
            self.crawler.stats.inc_value("newsbot/pages/article_generic")
        item = extract_article(response, self.profile, self.evidence, self.crawler.stats)
        self.count_fields(item, known)
        self.incremental.remember(response, item.canonical_url, item.crawled_at)
        yield item
        yield from self.linked_articles(response)

    def count_fields(self, item, known: bool = True) -> None:
        """Field coverage for the run record: a field that stops being found is a markup change.

        On a page the profile knows, a field only the generic fallback could read is also counted
        as a fallback: the data was saved, but the profile's rules may no longer fit.
        """
        stats = self.crawler.stats
        stats.inc_value("newsbot/coverage/items")
        by = item.extracted_by or {}
        for name in COVERAGE_FIELDS:
            if not getattr(item, name, None):
                continue
            stats.inc_value(f"newsbot/coverage/{name}")
            if known and str(by.get(name, "")).startswith("generic:"):
                stats.inc_value(f"newsbot/fallback/{name}")

    # -- failures -------------------------------------------------------------------------
    def on_error(self, failure):
        request = failure.request
        if failure.check(HttpError):
            status = failure.value.response.status
            self.page_failed(request.url, f"HTTP {status}", status)
        elif failure.check(PageRefused):  # refused on purpose: a failed page, with its reason
            self.page_failed(failure.value.url or request.url, failure.value.reason,
                             failure.value.status)
        elif failure.check(IgnoreRequest):  # robots.txt or an off-site link: policy, not failure
            self.crawler.stats.inc_value("newsbot/ignored/request")
        else:
            self.page_failed(request.url, describe(failure.value), None)

    def page_failed(self, url: str, reason: str, status: int | None) -> None:
        report_failure(self.crawler, url, reason, status)

    def on_site(self, url: str) -> bool:
        return bool(url) and urlsplit(url).hostname in self.allowed_domains

    @staticmethod
    def join(response: Response, href: str) -> str:
        """``response.urljoin`` that gives "" for an href no URL parser takes ("http://[")."""
        try:
            return response.urljoin(href)
        except ValueError:
            return ""


def parse_discover(value: str | Iterable[str]) -> tuple[str, ...]:
    names = [v.strip() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()]
    unknown = [n for n in names if n not in DISCOVERY]
    if unknown or not names:
        raise ValueError(f"discover takes a comma-separated subset of {','.join(DISCOVERY)}, "
                         f"not {value!r}")
    return tuple(names)


def count_arg(name: str, value: str | int | None) -> int | None:
    """A spider argument that counts something: None (unset) or an integer >= 0."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise ValueError(f"{name} must be 0 or more, not {value}")
    return number


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
