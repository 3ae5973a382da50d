"""Spiders: they discover pages and hand article pages to the loader; no field parsing here."""
