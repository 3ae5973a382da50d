"""A shared frontier on Redis: scrapy-redis's scheduler and dupefilter, adapted to newsbot.

``--frontier redis://HOST:PORT/DB`` (setting NEWSBOT_FRONTIER) turns a crawl into one worker of
a cluster: requests come from and go to a queue in Redis, their fingerprints live in Redis (not
in the worker), and each worker records what it has taken so a killed worker loses nothing.
See docs/distributed.md. Importing this package loads no Redis client: the add-on that reads
NEWSBOT_FRONTIER (addon.py) is in every crawl's settings.
"""
