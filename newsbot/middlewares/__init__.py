"""Downloader middlewares: where newsbot hardens Scrapy against bad servers (see settings.py)."""
