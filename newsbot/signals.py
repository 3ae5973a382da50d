"""newsbot's own signals."""

# A page could not be fetched or read: send with url=, reason=, status=.
page_failed = object()

# The home page's POPULAR NEWS, canonical: send with ranking=[{rank, url, title, source}], taken_at=.
popular_seen = object()
