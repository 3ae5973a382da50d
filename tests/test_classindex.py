"""The class index gives exactly what the compiled XPath of the same CSS rule gives."""

from pathlib import Path

import pytest
from parsel import Selector

from newsbot.classindex import class_chain, select_classes
from newsbot.links import compiled, evaluate
from newsbot.profiles import available_profiles, load_profile

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "fixtures").rglob("*.php")) + sorted((ROOT / "fixtures").rglob("*.html"))

# Rules of every shape the index answers, beyond the profiles' own.
SHAPES = [".article", ".news-item", ".more-news .news-item", ".article .kicker",
          ".article > .kicker", ".more-news.block .news-item", ".nothing-has-this",
          ".article .nothing-has-this"]


def profile_class_rules() -> list[str]:
    rules = set()
    for name in available_profiles():
        for field_rules in load_profile(name).selectors.values():
            rules.update(r for r in field_rules if class_chain(r) is not None)
    return sorted(rules)


def test_the_profiles_have_class_only_rules_and_other_rules_are_left_to_xpath():
    assert {".article-body", ".more-news .news-item", ".article .kicker"} <= set(profile_class_rules())
    for rule in ["h1.headline", "#newstext", ".credit ::text", "[class^='ad-']", ".a::text",
                 "//div[@class='x']", ".morenews li", ".a, .b", ".a + .b", ".a:first-child"]:
        assert class_chain(rule) is None, rule
    assert class_chain(".a.b > .c .d") == (("", ("a", "b")), (">", ("c",)), (" ", ("d",)))


def test_every_page_of_the_replicas_matches_alike():
    assert len(PAGES) > 100
    rules = profile_class_rules() + SHAPES
    matched = 0
    for path in PAGES:
        sel = Selector(body=path.read_bytes(), type="html")
        for rule in rules:
            expected = compiled(rule)(sel.root)
            assert select_classes(sel, class_chain(rule)) == expected, (path, rule)
            matched += bool(expected)
    assert matched > 300  # the rules do find things: an index that finds nothing fails above


MARKUP = """<html><body>
<div class="article"><div class="kicker">k1</div>
  <section class="article"><p class="kicker">nested k2</p></section></div>
<div class="\tarticle\nblock\r"><span class="x"><b class="kicker">k3 in whitespace</b></span></div>
<div class="article\xa0block"><i class="kicker">xa0 is not XPath white space</i></div>
<div class="article\x0cblock"><i class="kicker">nor is a form feed</i></div>
<ul class="more-news block more-news"><li class="news-item news-item">one</li>
  <li class="news-item"><span class="news-item">inner</span></li></ul>
<ul class="more-news"><li class="news-item">not in a block</li></ul>
<p class="Article">case counts</p><p class="article-body">a longer name</p>
</body></html>"""


@pytest.mark.parametrize("rule", SHAPES + [".block", ".Article", ".article-body", ".x .kicker",
                                           ".block .kicker", ".article .article .kicker"])
def test_white_space_nesting_and_repeated_names_match_alike(rule):
    sel = Selector(text=MARKUP)
    expected = compiled(rule)(sel.root)
    assert select_classes(sel, class_chain(rule)) == expected
    assert evaluate(sel, rule) == expected


def test_a_page_indexed_before_a_rule_was_known_is_indexed_again():
    sel = Selector(text=MARKUP)
    assert [e.text for e in evaluate(sel, ".kicker")][:1] == ["k1"]
    # "block" may never have been asked for in this process: the page's index must learn it.
    unique = ".only-asked-here-" + str(id(sel))
    assert evaluate(sel, unique) == []
    assert [e.text for e in evaluate(sel, ".block .kicker")] == ["k3 in whitespace"]
