"""newsbot: a Scrapy crawler for English-language Japan news portals."""

__version__ = "0.1.0"
