"""Log lines for dropped items: one line with the reason, never the whole item."""

from __future__ import annotations

import logging

from scrapy import logformatter

from newsbot.exceptions import DuplicateArticle, DuplicateContent


class NewsbotLogFormatter(logformatter.LogFormatter):
    def dropped(self, item, exception, response, spider=None):
        # A duplicate is the crawl working (both layouts, repeated links), not news for the log.
        quiet = isinstance(exception, (DuplicateArticle, DuplicateContent))
        return {
            "level": logging.DEBUG if quiet else logging.WARNING,
            "msg": "Dropped (%(reason)s): %(exception)s",
            "args": {"reason": type(exception).__name__, "exception": exception},
        }
