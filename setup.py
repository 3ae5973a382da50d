"""For scrapyd-deploy, which builds the project egg with `python setup.py bdist_egg`.

Everything (metadata, packages, the `scrapy` settings entry point) is in pyproject.toml.
"""

from setuptools import setup

setup()
