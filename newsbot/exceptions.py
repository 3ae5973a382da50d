"""Typed drop reasons: Scrapy counts each under item_dropped_reasons_count/<ClassName>."""

from scrapy.exceptions import DropItem


class MissingField(DropItem):
    """The page lacks a field every stored article must have."""


class DuplicateArticle(DropItem):
    """The canonical URL was already stored, in this run or unchanged in an earlier one."""


class DuplicateContent(DropItem):
    """The same headline and body are stored under another canonical URL."""


class StoreUnavailable(DropItem):
    """The store stopped answering (past its retries): the crawl stops; a re-run fetches it."""
