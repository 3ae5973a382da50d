"""Scrapy's JOBDIR, kept honest across runs (runs → scheduler): resume a paused crawl only.

Scrapy persists its request queue and seen-request fingerprints cleanly only when the crawl
closes. After a SIGKILL they are half-written, and ``requests.seen`` then lists requests that
were never answered, which a resumed run would silently skip. After a finished crawl they would
filter every request of the next scheduled run. So newsbot notes, in ``newsbot.json`` beside
them, how the last crawl in the directory ended and keeps Scrapy's state only after a pause.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

MARKER = "newsbot.json"
SCRAPY_STATE = ("requests.queue", "requests.seen", "spider.state")


def prepare_jobdir(jobdir: str | Path) -> str:
    """Before the scheduler opens: "resume" (a paused crawl), "recover" (killed) or "fresh"."""
    path = Path(jobdir)
    path.mkdir(parents=True, exist_ok=True)
    state = _read(path).get("state")
    if state == "paused":
        outcome = "resume"
    else:
        # "running" here means its process died: the caller holds the store lock.
        outcome = "recover" if state == "running" else "fresh"
        for name in SCRAPY_STATE:
            target = path / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    _write(path, {"state": "running", "pid": os.getpid()})
    return outcome


def close_jobdir(jobdir: str | Path, finish_reason: str) -> None:
    """After the crawl: a finished job is done; any other clean close can be resumed."""
    state = "finished" if finish_reason == "finished" else "paused"
    _write(Path(jobdir), {"state": state, "finish_reason": finish_reason})


def _read(path: Path) -> dict:
    try:
        return json.loads((path / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write(path: Path, data: dict) -> None:
    tmp = path / (MARKER + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path / MARKER)  # atomic: a kill never leaves half a marker
