import gc

from parsel import Selector

from newsbot.text import paragraphs


def body(html: str, drop_css: str | None = None) -> list[str]:
    root = Selector(text=f"<div id='b'>{html}</div>").css("#b")[0]
    drop = {m.root for m in root.css(drop_css)} if drop_css else set()
    return paragraphs(root.root, drop)


def test_paragraph_elements_are_paragraphs():
    assert body("<p>One.</p><p>Two <b>bold</b>.</p>") == ["One.", "Two bold."]


def test_double_br_separates_paragraphs_and_single_br_does_not():
    assert body("One<br><br>Two<br>still two<br> <br>Three") == ["One", "Two still two", "Three"]


def test_scripts_and_dropped_blocks_vanish_but_split_the_text():
    html = "<p>One.</p><div class='ad'>ADVERTISEMENT<ins></ins></div><script>x()</script><p>Two.</p>"
    assert body(html, ".ad") == ["One.", "Two."]
    assert body("before<div class='ad'>AD</div>after", ".ad") == ["before", "after"]


def test_entities_and_non_ascii_survive():
    assert body("<p>&ldquo;Ōtani&rdquo; &amp; 大谷翔平&nbsp;!</p>") == ["“Ōtani” & 大谷翔平 !"]


def test_empty_container():
    assert body("  <!-- comment -->  ") == []


def test_reading_a_body_leaves_no_reference_cycle():
    # A cycle here holds the dropped elements, and through them the page's whole tree, until the
    # garbage collector runs: on a crawl that was a page tree per article waiting for it.
    root = Selector(text="<div id='b'><p>One</p><div class='ad'>AD</div><p>Two<br><br>3</p>"
                         "</div>").css("#b")[0].root
    drop = {m.root for m in Selector(root=root).css(".ad")}
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds is kept in gc.garbage to look at
    try:
        assert paragraphs(root, drop) == ["One", "Two", "3"]
        gc.collect()
        # Other garbage (another test's threads) may be there too: only what holds the body
        # reader's arguments counts.
        holding = [o for o in gc.garbage
                   if any(r is drop or r is root for r in gc.get_referents(o))]
        assert holding == []
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
