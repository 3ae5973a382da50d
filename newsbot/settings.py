"""Scrapy settings for newsbot: polite defaults for the real portal, one place for every knob.

The fast profile for a replica on loopback lives in ``LOOPBACK_FAST`` and is applied by the
spider only when every start URL is a loopback address.
"""

BOT_NAME = "newsbot"
SPIDER_MODULES = ["newsbot.spiders"]
NEWSPIDER_MODULE = "newsbot.spiders"

# Polite by default: the real portal is one small site.
USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot/newsbot; news research crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 3
# A news page is tens of KB; anything near these sizes is not an article.
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
# Every response yields at most one item, so 100 concurrent item tasks per response buy nothing.
CONCURRENT_ITEMS = 16
# Seen request fingerprints on disk, not in a Python set: memory does not grow with the crawl.
DUPEFILTER_CLASS = "newsbot.dupefilter.SeenDupeFilter"
# Scrapy's in-memory stats, without a deprecation hook that made each call ~25x dearer.
STATS_CLASS = "newsbot.stats.NewsbotStatsCollector"

# No control ports: Scrapy 2.19 opens a telnet console and a remote-control server by default.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

COOKIES_ENABLED = False
HTTPCACHE_ENABLED = False
LOG_LEVEL = "INFO"
LOG_FORMATTER = "newsbot.logformatter.NewsbotLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"

ITEM_PIPELINES = {
    "newsbot.pipelines.validate.ValidatePipeline": 100,
    "newsbot.pipelines.dedupe.DedupePipeline": 200,
    "newsbot.pipelines.links.LinksPipeline": 300,
    "newsbot.pipelines.store.StorePipeline": 800,
    "newsbot.pipelines.neardup.NearDuplicatePipeline": 900,
}
# Hardening against bad servers (newsbot/middlewares/, docs/faults.md). For responses a higher
# number runs first: the redirect guard judges a 3xx before RedirectMiddleware (600) follows it,
# and charsets are fixed after decompression (590) and before meta refresh (580) reads the text.
DOWNLOADER_MIDDLEWARES = {
    "newsbot.middlewares.onsite.OnSiteMiddleware": 45,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newsbot.middlewares.robots.StrictRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsbot.middlewares.retryafter.RetryAfterMiddleware": 550,
    "newsbot.middlewares.charset.CharsetMiddleware": 585,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "newsbot.middlewares.compression.StrictCompressionMiddleware": 590,
    "newsbot.middlewares.redirects.RedirectGuardMiddleware": 650,
    # WARC sits next to the downloader: it archives responses as they came off the wire, and a
    # replay answers requests there, so everything else runs as in a live crawl (newsbot/warc.py).
    "newsbot.warc.WarcArchiver": 950,
    "newsbot.warc.WarcReplay": 960,
}
# Engine side of every spider middleware: once a callback's output is consumed, the page's
# parsed tree is freed at once instead of waiting in a reference cycle for the garbage
# collector (newsbot/middlewares/release.py; most of a fast crawl's peak memory).
SPIDER_MIDDLEWARES = {
    "newsbot.middlewares.release.ReleaseParsedPageMiddleware": 1,
}
# A page that fails after its retries is recorded in `failures` and judged by the run's error
# ratio (newsbot/health.py); an ERROR line per such page would fail every run with one bad page.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"

# `scrapy crawl` exits with the run's verdict, as `newsbot crawl` does (newsbot/scrapy_commands/).
COMMANDS_MODULE = "newsbot.scrapy_commands"

# NEWSBOT_FRONTIER set: scrapy-redis's scheduler and dupefilter, no run lock (newsbot/frontier/).
ADDONS = {"newsbot.frontier.addon.FrontierAddon": 0}

EXTENSIONS = {
    # Before the run recorder (500): signal handlers run in this order, so the monitors'
    # results are in the stats by the time the run is judged and written to the store.
    "spidermon.contrib.scrapy.extensions.Spidermon": 490,
    "newsbot.extensions.runrecord.RunRecorder": 500,
    "newsbot.extensions.gctuning.GcTuning": 0,
    "newsbot.extensions.malloctrim.MallocTrim": 0,
}

# Monitors run when the spider closes (newsbot/monitors.py, docs/monitoring.md). A failing
# monitor makes the run unhealthy: `newsbot crawl` and `newsbot demo` exit 1 with its message.
# Field coverage is checked against NEWSBOT_MIN_COVERAGE (below), the run record's thresholds.
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["newsbot.monitors.CloseMonitors"]
NEWSBOT_MONITOR_MIN_ARTICLES = 1
NEWSBOT_MONITOR_MAX_ERRORS = 0
NEWSBOT_MONITOR_FINISH_REASONS = ["finished"]

# --- newsbot's own settings -------------------------------------------------------------
# Where articles go: a SQLite path, a postgresql:// address (a store shared by many workers),
# or "" for an in-memory store (dedupe within the run only).
NEWSBOT_DB = ""
# Which site profile (newsbot/sites/<name>.toml) the portal spider reads.
NEWSBOT_SITE = "newsonjapan"
# Articles written per SQLite transaction (PostgreSQL: failures and validators per transaction).
NEWSBOT_STORE_BATCH = 200
# How long (seconds) writes to a PostgreSQL store retry, with back-off, while the server is away.
NEWSBOT_STORE_RETRY_SECONDS = 30
# Fields an item must carry to be stored.
NEWSBOT_REQUIRED_FIELDS = ["url", "canonical_url", "headline", "body", "published", "source"]
# Longest Retry-After (seconds) a 429/503 is waited for; longer ones fail the page for this run.
NEWSBOT_RETRY_AFTER_MAX = 60
# A directory to archive every fetched response in, as WARC ("" = off; `newsbot crawl --warc`).
NEWSBOT_WARC_DIR = ""
# A directory of WARC files to answer requests from instead of the network (`newsbot reextract`).
NEWSBOT_WARC_REPLAY = ""
# Near-duplicates (newsbot/neardup.py): bodies whose word-shingle sets have an estimated
# Jaccard similarity of at least the threshold are grouped; changing the shingle size or the
# permutations re-signs every stored article on the next run.
NEWSBOT_NEARDUP_ENABLED = True
NEWSBOT_NEARDUP_SHINGLE_WORDS = 4
NEWSBOT_NEARDUP_PERMUTATIONS = 128
NEWSBOT_NEARDUP_THRESHOLD = 0.5
# Only articles published this many days apart or less are compared (0: any two articles).
NEWSBOT_NEARDUP_WINDOW_DAYS = 30
# Freeze what exists when the engine starts out of the garbage collector's sight, and let its
# youngest generation grow to this many objects before a collection (CPython's default is
# 700; 0 keeps it). newsbot/extensions/gctuning.py says why, and why 10,000 costs no memory.
NEWSBOT_GC_FREEZE = True
NEWSBOT_GC_THRESHOLD = 10000
# Seconds between calls to glibc's malloc_trim(0), which returns freed heap pages to the system
# (0: never). newsbot/extensions/malloctrim.py says why.
NEWSBOT_MALLOC_TRIM_INTERVAL = 5.0
# Apply LOOPBACK_FAST when all start URLs are loopback (a replica or a benchmark).
NEWSBOT_FAST_LOOPBACK = True

# One run at a time per store (a lock file beside SQLite). Frontier workers turn it off: they
# share a store on purpose, each recording its own run (newsbot/frontier/settings.py).
NEWSBOT_RUN_LOCK = True
# A shared frontier on Redis, redis://HOST:PORT/DB ("" = the in-process scheduler), and the
# crawl's name there: its keys start with newsbot:<name>: (docs/distributed.md).
NEWSBOT_FRONTIER = ""
NEWSBOT_FRONTIER_NAME = "newsbot"
# A worker's run ends when the queue has been empty and no worker busy for this many seconds
# (`newsbot worker --follow` then waits for the next seed and starts another run).
NEWSBOT_FRONTIER_DRAIN_WAIT = 3.0
# A worker silent for this many seconds is dead: other workers put back what it had taken.
NEWSBOT_FRONTIER_ALIVE_TTL = 15
# Tries of a Redis call before a worker gives up and stops (back-off 0.25 s doubling up to 4 s:
# 14 tries wait about 45 s, long enough for Redis to restart).
NEWSBOT_FRONTIER_RETRIES = 14

# Scheduled runs (docs/scheduling.md). Index pages walked past the first one that lists only
# articles stored by earlier runs, for stories inserted late:
NEWSBOT_LOOKBACK_PAGES = 1
# Re-check (conditional GET, content hash) stored articles published in the last N days; 0: off.
NEWSBOT_RECRAWL_DAYS = 0
# A run is unhealthy (exit 1) above this share of failed pages ...
NEWSBOT_MAX_ERROR_RATIO = 0.2
# ... or when fewer extracted articles than this carry a field: the portal's markup changed.
NEWSBOT_MIN_COVERAGE = {"headline": 0.95, "body": 0.95, "published": 0.9, "source": 0.9}
# ... or when more than this share of articles needed the generic fallback for one of those
# fields on pages the profile knows: the data was saved, but the profile's rules stopped fitting.
NEWSBOT_MAX_FALLBACK_RATIO = 0.2

# For replicas and benchmarks on 127.0.0.1 only: never for a real site.
LOOPBACK_FAST = {
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_TIMEOUT": 15,
    "RETRY_TIMES": 1,
}
