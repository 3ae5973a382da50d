"""Replicas of further portals (one module each), served by newsbot.replica.server."""
