"""Site profiles as data: every packaged profile loads, a broken one is refused saying why, and
`newsbot sites` lists them."""

from __future__ import annotations

import subprocess
import sys
from argparse import Namespace
from datetime import date
from io import StringIO
from pathlib import Path

import pytest

from newsbot.commands import sites
from newsbot.profiles import ProfileError, available_profiles, load_profile

ROOT = Path(__file__).resolve().parents[1]

MINI = """\
name = "mini"
portal_name = "Mini"
start_urls = ["https://mini.example/"]
[urls]
article = ['^/a/(?P<id>\\d+)$']
canonical_article = "/a/{id}"
[selectors]
listing_links = ["a::attr(href)"]
headline = ["h1"]
body = ["article"]
[text]
lead = '^(?P<dateline>\\w+ \\d+) - '
"""


def write(tmp_path: Path, text: str, name: str = "mini") -> Path:
    (tmp_path / f"{name}.toml").write_text(text, "utf-8")
    return tmp_path


def test_every_packaged_profile_loads():
    assert available_profiles() == ["generic", "japandispatch", "newsonjapan"]
    for name in available_profiles():
        assert load_profile(name).name == name


def test_a_minimal_profile_loads_with_defaults(tmp_path):
    profile = load_profile("mini", write(tmp_path, MINI))
    assert profile.selectors["entry_link"] == ["a[href]"]  # a default for link-block entries
    assert profile.selectors["related"] == [] and profile.kicker is None
    assert profile.canonical_for("https://mini.example/a/7?utm_source=x") == "https://mini.example/a/7"


@pytest.mark.parametrize("old, new, message", [
    ('name = "mini"\n', "", "missing name"),
    ("[urls]", "[url]", r"missing \[urls\] table"),
    ('headline = ["h1"]', 'headlin = ["h1"]', "unknown selectors: headlin"),
    ('headline = ["h1"]', 'headline = []', "selectors missing: headline"),
    ('headline = ["h1"]', 'headline = ["h1..x"]', r"selector headline = 'h1\.\.x' is not valid"),
    ('body = ["article"]', 'body = ["//div["]', r"selector body = '//div\[' is not valid"),
    ("(?P<id>\\d+)$", "(?P<id>\\d+$", "article pattern .* does not compile"),
    ('canonical_article = "/a/{id}"', 'canonical_article = "/a/{slug}"',
     "canonical_article needs slug"),
    ("(?P<dateline>\\w+ \\d+)", "(\\w+ \\d+)", r"text.lead must capture \(\?P<dateline>"),
    ('listing_links = ["a::attr(href)"]', "", "no way to find articles"),
    ('name = "mini"\n', 'name = "mini"\nextraction = "magic"\n', "extraction must be one of"),
    ('name = "mini"\n', 'name = "mini"\nextraction = "generic"\n',
     "a generic profile reads no fields itself; drop headline, body"),
    ('portal_name = "Mini"', 'portal_name = "Mini"\nsources = 3', r"\[sources\] must map"),
    ('start_urls = ["https://mini.example/"]', 'start_urls = "https://mini.example/"',
     "start_urls must be a list of strings"),
    ("[text]", "[text", "not valid TOML"),
    ('name = "mini"', 'name = "maxi"', "name is 'maxi', the file says 'mini'"),
])
def test_a_broken_profile_is_refused_saying_what_is_wrong(tmp_path, old, new, message):
    assert old in MINI
    sites_dir = write(tmp_path, MINI.replace(old, new))
    with pytest.raises(ProfileError, match=message) as info:
        load_profile("mini", sites_dir)
    assert str(tmp_path / "mini.toml") in str(info.value)
    assert "\n" not in str(info.value)


def test_an_unknown_profile_names_the_known_ones():
    known = r"\(known: generic, japandispatch, newsonjapan\)"
    with pytest.raises(ProfileError, match=r"no site profile 'nope' " + known):
        load_profile("nope")


def test_a_profile_file_can_be_loaded_by_its_path(tmp_path):
    path = write(tmp_path, MINI) / "mini.toml"
    assert load_profile(str(path)).name == "mini"


def test_dated_addresses_give_the_slug_as_id_and_the_date():
    profile = load_profile("japandispatch")
    path = "/2026/01/11/heavy-snow-strands-drivers-on-kanetsu-expressway/"
    assert profile.article_id(path) == "heavy-snow-strands-drivers-on-kanetsu-expressway"
    assert profile.url_date(path) == date(2026, 1, 11)
    assert profile.knows(path) and not profile.knows("/live/2026-01-10-chiba-earthquake-updates/")
    assert profile.canonical_for(f"http://h{path}?utm_source=related&utm_medium=web") == f"http://h{path}"
    assert profile.is_section("/section/society/") and not profile.is_article("/section/society/")


def test_the_generic_profile_finds_articles_but_knows_no_page():
    profile = load_profile("generic")
    for path in ("/2026/01/11/heavy-snow/", "/article/149533.php",
                 "/live/2026-01-10-chiba-earthquake-updates/"):
        assert profile.is_article(path) and not profile.knows(path), path
    assert not profile.is_article("/section/society/") and not profile.is_article("/about/")
    assert profile.article_id("/article/149533.php") is None


def test_sites_lists_every_profile_and_exits_0():
    out = StringIO()
    assert sites.run(Namespace(dir=sites.SITES_DIR), out) == 0
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == ["generic", "japandispatch", "newsonjapan"]
    assert all(line.split()[1] == "ok" for line in lines)
    assert "News On Japan; 2 article address pattern(s)" in lines[2]


def test_sites_reports_a_broken_profile_and_exits_1(tmp_path):
    write(tmp_path, MINI)
    write(tmp_path, MINI.replace('headline = ["h1"]', 'headline = ["h1..x"]'), name="broken")
    result = subprocess.run([sys.executable, "-m", "newsbot", "sites", "--dir", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("broken  ERROR site profile") and "is not valid" in lines[0]
    assert lines[1].startswith("mini    ok  Mini;")
    assert lines[-1] == "1 of 2 profiles do not load"


def test_canonical_addresses_are_remembered_within_a_bound(monkeypatch):
    import newsbot.profiles as profiles

    monkeypatch.setattr(profiles, "CANONICAL_CACHE", 3)
    profile = load_profile("newsonjapan")
    urls = [f"http://h/html/newsdesk/article/{n}.php?utm_source=x" for n in range(10)]
    for _ in range(2):  # the second round is answered from memory or read again: the same
        assert [profile.canonical_for(u) for u in urls] == \
            [f"http://h/article/{n}.php" for n in range(10)]
    assert 0 < len(profile._canonical) <= 3
