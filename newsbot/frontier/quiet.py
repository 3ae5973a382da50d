"""Keep scrapy-redis 0.9.1's deprecation warnings under Scrapy 2.19 out of users' logs.

They are about scrapy-redis's own code (written before Scrapy 2.13), which our layer replaces
where it matters; a user cannot act on them.
"""

from __future__ import annotations

import warnings

from scrapy.exceptions import ScrapyDeprecationWarning


def quiet_scrapy_redis() -> None:
    warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module=r"scrapy_redis\b")
    warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning,
                            message=r".*scrapy_redis\b")
