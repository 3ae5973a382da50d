import pytest

from newsbot.processors import (bare_credit, clean_text, content_hash, normalize_source,
                                normalize_url, parse_dateline, split_credit, split_lead)
from newsbot.profiles import load_profile

PROFILE = load_profile("newsonjapan")
TRACKING = PROFILE.tracking_params


@pytest.mark.parametrize("raw, clean", [
    ("  a \n\t b  ", "a b"),
    ("Tokyo\u00a0Tower", "Tokyo Tower"),
    ("To\u0304kyo\u0304", "Tōkyō"),  # combining macrons composed (NFC)
    ("", ""),
    (None, ""),
])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize("paragraph, dateline, credit, rest", [
    ("Sep 07 (Japan Times) - Japan has decided", "Sep 07", "Japan Times", "Japan has decided"),
    ("Sep 7 (NHK) - Police said", "Sep 7", "NHK", "Police said"),
    ("Jan 05 - The portal's own report", "Jan 05", None, "The portal's own report"),
    ("Dec 31 (South China Morning Post) \u2013 Tokyo", "Dec 31", "South China Morning Post", "Tokyo"),
    ("Sept. 3 (Kyodo) - x", "Sept. 3", "Kyodo", "x"),
    ("Japan has decided (NHK) - no dateline", None, None, "Japan has decided (NHK) - no dateline"),
    ("Sep 07 (Japan Times)- sloppy spacing", "Sep 07", "Japan Times", "sloppy spacing"),
    ("Sep 07 (Japan Times)-based firms", None, None, "Sep 07 (Japan Times)-based firms"),
])
def test_split_lead(paragraph, dateline, credit, rest):
    assert split_lead(paragraph, PROFILE.lead) == (dateline, credit, rest)


@pytest.mark.parametrize("text, title, credit", [
    ("Smile-Up sent a letter of protest. (NHK)", "Smile-Up sent a letter of protest.", "NHK"),
    ("Actress Akane Hotta married.", "Actress Akane Hotta married.", None),
    ("(NHK)", "(NHK)", None),  # nothing but a credit is not a title with a credit
    ("A (parenthetical) remark and more", "A (parenthetical) remark and more", None),
])
def test_split_credit(text, title, credit):
    assert split_credit(text) == (title, credit)


@pytest.mark.parametrize("text, name", [("(NHK)", "NHK"), (" ( Kyodo ) ", "Kyodo"), ("()", None)])
def test_bare_credit(text, name):
    assert bare_credit(text) == name


@pytest.mark.parametrize("credit, source", [
    ("Japan Times", "Japan Times"),
    ("The Japan Times", "Japan Times"),
    ("kyodo news", "Kyodo"),
    ("News On Japan", "News On Japan"),
    (None, "News On Japan"),
    ("  ", "News On Japan"),
])
def test_normalize_source(credit, source):
    assert normalize_source(credit, PROFILE.source_aliases, PROFILE.portal_name) == source


@pytest.mark.parametrize("dateline, month_day", [
    ("Sep 07", (9, 7)), ("Sep 7", (9, 7)), ("Sept. 7", (9, 7)), ("dec 31", (12, 31)),
    ("Feb 30", (2, 30)),  # no year can hold it; the year resolver says so
    ("Sep 32", None), ("Society", None), ("", None), (None, None),
])
def test_parse_dateline(dateline, month_day):
    assert parse_dateline(dateline) == month_day


@pytest.mark.parametrize("url, clean", [
    ("http://Example.com/article/1.php?utm_source=x&utm_medium=y", "http://example.com/article/1.php"),
    ("http://example.com/article/1.php?ref=top#comments", "http://example.com/article/1.php"),
    ("http://example.com/search?q=tokyo&utm_campaign=z", "http://example.com/search?q=tokyo"),
    ("http://example.com", "http://example.com/"),
])
def test_normalize_url(url, clean):
    assert normalize_url(url, TRACKING) == clean


@pytest.mark.parametrize("url, canonical", [
    ("http://h:1/html/newsdesk/article/137759.php", "http://h:1/article/137759.php"),
    ("http://h:1/article/149533.php?utm_source=rss", "http://h:1/article/149533.php"),
    ("http://h:1/society/", "http://h:1/society/"),
])
def test_profile_canonical_for(url, canonical):
    assert PROFILE.canonical_for(url) == canonical


def test_content_hash_ignores_spacing_and_case_but_not_words():
    assert content_hash("Title", "Body  text") == content_hash("title", "body text")
    assert content_hash("Title", "Body text") != content_hash("Title", "Other text")


def test_an_empty_address_stays_empty_and_resolve_agrees_on_a_broken_page_address():
    from newsbot.processors import join_url, normalize_url, resolve
    assert normalize_url("", []) == "" and normalize_url("  ", []) == ""
    # Found by the hypothesis test: a page address no parser takes and a blank href gave "/"
    # one way and "" the other.
    assert resolve("http://[", " ", []) == normalize_url(join_url("http://[", " "), []) == ""
