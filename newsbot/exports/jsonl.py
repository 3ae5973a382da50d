"""JSON Lines export: one object per article, the fields of exports/schema.py in order."""

from __future__ import annotations

import json
from typing import TextIO

from newsbot.exports.schema import NAMES


class JsonlWriter:
    binary = False

    def __init__(self, out: TextIO, metadata: dict[str, str] | None = None):
        self.out = out

    def write(self, article: dict) -> None:
        self.out.write(json.dumps({name: article.get(name) for name in NAMES},
                                  ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.out.flush()
