"""newsbot's own signals."""

# A page could not be fetched or read: send with url=, reason=, status=.
page_failed = object()
