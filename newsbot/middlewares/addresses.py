"""Where a request may go: the crawl's domains, http(s) only, and no private address by surprise.

Shared by the on-site check of every request and the check of every redirect target.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from scrapy.utils.defer import maybe_deferred_to_future

WEB_SCHEMES = frozenset({"http", "https"})


class AddressPolicy:
    """Judges URLs against one crawl: its spider's allowed_domains and start URLs."""

    def __init__(self, crawler):
        self.crawler = crawler

    @property
    def spider(self):
        return self.crawler.spider

    def start_hosts(self) -> set[str]:
        return {urlsplit(u).hostname or "" for u in getattr(self.spider, "start_urls", ()) or ()}

    async def problem(self, url: str) -> str | None:
        """Why ``url`` must not be fetched ("kind: detail"), or None when it may be."""
        parts = urlsplit(url)
        if parts.scheme not in WEB_SCHEMES:
            return f"not http(s): {url[:200]}"
        host = parts.hostname or ""
        domains = getattr(self.spider, "allowed_domains", None) or []
        if domains and not on_domains(host, domains):
            return f"off-site: {host} is not in allowed_domains ({', '.join(domains)})"
        starts = self.start_hosts()
        if host in starts or any(private_literal(h) for h in starts):
            return None  # the operator chose these hosts, or crawls a private network on purpose
        address = await self.private_address(host)
        if address:
            return f"private address: {host} is {address}, and no start URL is private"
        return None

    async def private_address(self, host: str) -> str | None:
        """The private, loopback or otherwise non-public address ``host`` is, or resolves to."""
        if private_literal(host):
            return host
        try:
            ipaddress.ip_address(host)
            return None  # a public literal
        except ValueError:
            pass
        from twisted.internet import reactor

        try:  # the crawl's own resolver (DNS_RESOLVER), so this is the address it would connect to
            address = await maybe_deferred_to_future(reactor.resolve(host))
        except Exception:  # noqa: BLE001 - unresolvable: the download itself will fail and say so
            return None
        return address if private_literal(address) else None


def on_domains(host: str, domains: list[str]) -> bool:
    """Scrapy's offsite rule: the host is one of the domains or a subdomain of one."""
    return any(host == d or host.endswith("." + d) for d in domains if d)


def private_literal(host: str) -> bool:
    """A loopback, private, link-local or reserved IP literal, or a localhost name."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not ip.is_global or ip.is_multicast


def first_url(request) -> str:
    """The URL the crawl asked for, before any redirect."""
    return (request.meta.get("redirect_urls") or [request.url])[0]
