"""``newsbot extract`` and ``newsbot extract-batch``: the generic extractor from the command line.

The lead wires ``register(subparsers)`` into the ``newsbot`` CLI; until then::

    python -m newsbot.commands.extract extract page.html --url https://example.com/a
    python -m newsbot.commands.extract extract-batch in.jsonl out.jsonl

``extract`` prints one JSON object (headline, published, source, body, extracted_by).
``extract-batch`` reads lines ``{"id","path","url"}`` and writes lines
``{"id","headline","published","source","body","ms"}``, ``ms`` being the time spent extracting
that page alone (reading the file is not counted). A bad line or a missing file is reported on
stderr and as an ``error`` on that id's output line; the batch goes on and exits 1 at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from newsbot.generic import GenericArticle, extract_article


def _fields(art: GenericArticle) -> dict:
    return {"headline": art.headline, "published": art.published, "source": art.publisher,
            "body": art.body}


def run_extract(args: argparse.Namespace) -> int:
    """Print the article read from one saved page."""
    try:
        data = Path(args.file).read_bytes()
    except OSError as e:
        print(f"extract: cannot read {args.file}: {e.strerror or e}", file=sys.stderr)
        return 2
    art = extract_article(data, args.url)
    out = _fields(art)
    out["extracted_by"] = art.extracted_by
    print(json.dumps(out, ensure_ascii=False))
    return 0


def run_batch(args: argparse.Namespace) -> int:
    """Extract every page listed in a JSONL file, one output line per input line."""
    try:
        src = open(args.input, encoding="utf-8", errors="replace")
    except OSError as e:
        print(f"extract-batch: cannot read {args.input}: {e.strerror or e}", file=sys.stderr)
        return 2
    try:
        dst = open(args.output, "w", encoding="utf-8")
    except OSError as e:
        src.close()
        print(f"extract-batch: cannot write {args.output}: {e.strerror or e}", file=sys.stderr)
        return 2
    failures = 0
    with src, dst:
        for n, line in enumerate(src, 1):
            if not line.strip():
                continue
            row: dict = {}
            try:
                job = json.loads(line)
                if not isinstance(job, dict) or not job.get("path"):
                    raise ValueError('needs an object with "path"')
                row["id"] = job.get("id")
                data = Path(str(job["path"])).read_bytes()
            except (ValueError, OSError) as e:
                failures += 1
                msg = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
                print(f"extract-batch: line {n}: {msg}", file=sys.stderr)
                row.update({"headline": None, "published": None, "source": None, "body": "",
                            "ms": None, "error": msg})
                dst.write(json.dumps(row, ensure_ascii=False) + "\n")
                continue
            url = job.get("url") if isinstance(job.get("url"), str) else None
            t0 = time.perf_counter()
            art = extract_article(data, url)
            ms = (time.perf_counter() - t0) * 1000.0
            row.update(_fields(art))
            row["ms"] = round(ms, 3)
            dst.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 1 if failures else 0


def register(subparsers) -> None:
    """Add ``extract`` and ``extract-batch`` to an argparse subparsers object."""
    p = subparsers.add_parser("extract", help="read the article out of one saved HTML page")
    p.add_argument("file", metavar="FILE.html")
    p.add_argument("--url", default=None, help="the page's URL (helps dates and links)")
    p.set_defaults(func=run_extract)
    p = subparsers.add_parser("extract-batch", help="extract pages listed in JSONL {id,path,url}")
    p.add_argument("input", metavar="IN.jsonl")
    p.add_argument("output", metavar="OUT.jsonl")
    p.set_defaults(func=run_batch)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newsbot", description="generic article extraction")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
