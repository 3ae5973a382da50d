"""Bad command-line input: one clear line on stderr, nothing on stdout, a non-zero exit.

Each case runs ``newsbot.cli.main`` as the entry point does (a few also through a real
subprocess, as a scheduler would), and fails the moment a case raises, prints a usage block
or a second line.
"""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def newsbot(*args: str) -> subprocess.CompletedProcess:
    """``python -m newsbot ARGS`` in this process: exit status, stdout and stderr."""
    from newsbot.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as e:  # argparse exits by itself
            code = e.code
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def newsbot_process(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsbot", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, str]:
    work = tmp_path_factory.mktemp("cli")
    (work / "a-file").write_text("not a directory")
    (work / "garbage.db").write_bytes(b"this is not SQLite" * 100)
    (work / "empty.db").write_bytes(b"")
    return {"work": str(work), "file": str(work / "a-file"), "garbage": str(work / "garbage.db"),
            "empty": str(work / "empty.db")}


# (case, argv with {placeholders}, what the one line must say)
CASES = [
    ("no command", [], r"required: COMMAND"),
    ("unknown command", ["fetch"], r"invalid choice: 'fetch'"),
    ("malformed URL", ["crawl", "--start-url", "notaurl"], r"not an http\(s\) URL: notaurl \("),
    ("URL with no host", ["crawl", "--start-url", "http://"], r"no host"),
    ("URL with a broken IPv6 host", ["crawl", "--start-url", "http://[::1/"], r"Invalid IPv6"),
    ("URL with a bad port", ["crawl", "--start-url", "http://portal.test:99999/"],
     r"Port out of range"),
    ("URL with another scheme", ["crawl", "--start-url", "ftp://portal.test/"],
     r"scheme must be http or https"),
    ("negative page limit", ["crawl", "--max-pages", "-1"], r"--max-pages must be 1 or more"),
    ("zero page limit", ["demo", "--max-pages", "0"], r"--max-pages must be 1 or more"),
    ("page limit not a number", ["crawl", "--max-pages", "ten"], r"invalid int value: 'ten'"),
    ("unknown site profile", ["crawl", "--site", "nosuch"], r"no site profile 'nosuch'"),
    ("unknown discovery", ["crawl", "--discover", "nav,rumour"], r"discover takes"),
    ("unknown log level", ["crawl", "--log-level", "LOUD"], r"invalid choice: 'LOUD'"),
    ("setting without a value", ["crawl", "-s", "DOWNLOAD_DELAY"], r"-s takes NAME=VALUE"),
    ("setting of the wrong type", ["crawl", "-s", "DOWNLOAD_TIMEOUT=soon"],
     r"DOWNLOAD_TIMEOUT takes a number"),
    ("negative store batch", ["crawl", "-s", "NEWSBOT_STORE_BATCH=-5"],
     r"NEWSBOT_STORE_BATCH must be 1 or more"),
    ("unknown log level setting", ["crawl", "-s", "LOG_LEVEL=LOUD"], r"LOG_LEVEL takes one of"),
    ("store path under a file", ["crawl", "--db", "{file}/news.db"], r"cannot open the store"),
    ("store path nobody can write", ["crawl", "--db", "/proc/newsbot/news.db"],
     r"cannot open the store"),
    ("store that is not SQLite", ["crawl", "--db", "{garbage}"], r"not a database"),
    ("export of a missing store", ["export", "--db", "{work}/missing.db"], r"no store at"),
    ("export of a file that is not a store", ["export", "--db", "{garbage}"],
     r"not a database"),
    ("export of an empty file", ["export", "--db", "{empty}"], r"not a newsbot store"),
    ("unknown export format", ["export", "--db", "{garbage}", "--format", "xml"],
     r"unknown format 'xml'"),
    ("export to an unwritable path", ["export", "--db", "{store}", "-o", "{file}/out.jsonl"],
     r"cannot write"),
    ("negative port", ["serve", "--port", "-1"], r"--port must be 0\.\.65535"),
    ("port out of range", ["serve", "--port", "70000"], r"--port must be 0\.\.65535"),
    ("missing replica", ["serve", "--root", "{work}/nowhere"], r"no replica at"),
    ("demo of a missing replica", ["demo", "--root", "{work}/nowhere"], r"no replica at"),
    ("extract of a missing file", ["extract", "{work}/missing.html"], r"cannot read"),
    ("extract-batch of a missing file", ["extract-batch", "{work}/in.jsonl", "{work}/out.jsonl"],
     r"cannot read"),
    ("extract-batch to an unwritable path", ["extract-batch", "{garbage}", "{file}/out.jsonl"],
     r"cannot write"),
]


@pytest.fixture(scope="module")
def store(files) -> str:
    """A real, empty newsbot store to export from."""
    path = Path(files["work"]) / "store.db"
    from newsbot.store import SqliteStore
    SqliteStore(path).close()
    return str(path)


@pytest.mark.parametrize("case,argv,says", CASES, ids=[c[0] for c in CASES])
def test_bad_input_gives_one_clear_line_and_a_nonzero_exit(case, argv, says, files, store):
    result = newsbot(*[a.format(**files, store=store) for a in argv])
    lines = result.stderr.splitlines()
    assert result.returncode == 2, (case, result.returncode, result.stderr[-2000:])
    assert len(lines) == 1, (case, result.stderr[-2000:])
    assert re.search(says, lines[0]), (case, lines[0])
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("argv", [["fetch"], ["crawl", "--start-url", "notaurl"],
                                  ["crawl", "-s", "DOWNLOAD_TIMEOUT=soon"]],
                         ids=["usage error", "bad URL", "bad setting"])
def test_the_real_entry_point_exits_the_same_way(argv):
    result = newsbot_process(*argv)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr[-2000:]
