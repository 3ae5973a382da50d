"""A shared frontier on Redis: scrapy-redis's scheduler and dupefilter, adapted to newsbot.

``--frontier redis://HOST:PORT/DB`` (setting NEWSBOT_FRONTIER) turns a crawl into one worker of
a cluster: requests come from and go to a queue in Redis, their fingerprints live in Redis (not
in the worker), and each worker records what it has taken so a killed worker loses nothing.
See docs/distributed.md.
"""

from newsbot.frontier.address import FrontierAddress, FrontierError, parse_frontier
from newsbot.frontier.settings import frontier_settings

__all__ = ["FrontierAddress", "FrontierError", "parse_frontier", "frontier_settings"]
