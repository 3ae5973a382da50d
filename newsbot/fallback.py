"""The loader's generic fallback: fields a site profile could not read, from newsbot.generic.

The generic extractor runs at most once per page, and only when a field needs it: a page the
profile does not know, or a profile rule that came out empty.
"""

from __future__ import annotations

from scrapy.http import TextResponse

from newsbot.generic import GenericArticle, extract_article

# Article field -> the GenericArticle field that stands in for it.
GENERIC_FIELDS = {"headline": "headline", "section": "section", "body": "body",
                  "published": "published", "source": "publisher"}
# What the generic path reads with plain rules (they are the same on every site).
SUMMARY_RULES = ["meta[name='description']::attr(content)",
                 "meta[property='og:description']::attr(content)"]
CANONICAL_RULES = ["link[rel='canonical']::attr(href)"]


class GenericFallback:
    def __init__(self, response: TextResponse, stats=None):
        self.response = response
        self.stats = stats
        self._article: GenericArticle | None = None

    @property
    def article(self) -> GenericArticle:
        if self._article is None:
            # The decoded text: the bytes alone may not say their charset (a header may).
            self._article = extract_article(self.response.text, self.response.url)
            self._count("newsbot/generic/pages")
        return self._article

    def get(self, name: str) -> tuple[str | None, str | None]:
        """(value, "generic:<path>") for an Article field, (None, None) when generic has none."""
        key = GENERIC_FIELDS[name]
        value = getattr(self.article, key)
        if not value:
            return None, None
        self._count(f"newsbot/generic/{name}")
        return value, f"generic:{self.article.extracted_by.get(key, 'html')}"

    def _count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
