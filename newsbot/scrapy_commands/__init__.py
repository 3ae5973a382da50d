"""Scrapy commands this project replaces (``COMMANDS_MODULE``); newsbot's own CLI is
newsbot/commands/."""
