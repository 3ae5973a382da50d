"""The production weight of a generated article page: markup around the story, not a longer story.

A real article page of the portal carries 534 words of visible text in all
(/work/shared/seed/article-page.txt: header, nav, body, MORE NEWS, POPULAR NEWS, footer); its
bytes are markup. ``dress`` adds what a production theme ships around the replica's page (head
meta and theme CSS, a mega menu, thumbnails in the link blocks, more ad slots, a sponsored
widget, consent and analytics scripts) until the page reaches a drawn size. None of it holds
text or links the crawler reads: thumbnails are not links, menu and widget links go to
/search (robots.txt disallows it) or off-site, and every added block sits outside the article
body, the kicker, the headline and the entries' links.
"""

from __future__ import annotations

import random
import re

from newsbot.replica import chrome
from newsbot.replica.content import Section

# Topics each section's drop-down menu lists (search links, never followed).
_MENU_TOPICS = ("Latest", "Analysis", "Video", "Photos")
_SECTION_COLOURS = ("#b30000", "#0b4f8a", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f",
                    "#c2185b", "#455a64", "#8d6e63", "#5d4037", "#1565c0", "#558b2f")

_THEME_CSS = """
.mega-menu{display:none;position:absolute;left:0;right:0;background:#fff;box-shadow:0 8px 24px rgba(0,0,0,.18);z-index:50;padding:16px 24px}
.mega-menu .col{display:inline-block;vertical-align:top;width:16%;min-width:140px;margin:0 0 12px}
.mega-menu .col h4{margin:0 0 6px;font-size:12px;text-transform:uppercase;letter-spacing:.5px}
.mega-menu .col a{display:block;padding:2px 0;font-size:13px;color:#333}
#nav li:hover .mega-menu,#nav li:focus-within .mega-menu{display:block}
.thumb{float:left;width:96px;height:64px;margin:0 10px 6px 0;overflow:hidden;border-radius:2px;background:#eee}
.thumb img{width:100%;height:100%;object-fit:cover;display:block}
.news-item::after{content:"";display:table;clear:both}
.sponsored{margin:24px 0;border-top:3px solid #444;padding-top:8px}
.sponsored h2{font-size:13px;letter-spacing:1px;text-transform:uppercase}
.sponsored .grid{display:grid;grid-template-columns:repeat(3,1fr);gap:14px}
.sponsored .card img{width:100%;aspect-ratio:16/9;object-fit:cover;display:block}
.sponsored .card .by{font-size:11px;color:#999;text-transform:uppercase}
.sponsored .card .title{font-size:14px;font-weight:bold;line-height:1.35;color:#222}
.breadcrumb{font-size:12px;color:#888;margin:0 0 8px}.breadcrumb a{color:#666}
.consent-banner{position:fixed;inset:auto 0 0 0;background:#1d1d1d;color:#eee;padding:14px 20px;font-size:13px;z-index:99;display:none}
.consent-banner button{margin-left:8px;padding:6px 14px;border:0;border-radius:3px;background:#b30000;color:#fff;cursor:pointer}
.back-to-top{position:fixed;right:16px;bottom:16px;width:40px;height:40px;border-radius:50%;background:#b30000;color:#fff;text-align:center;line-height:40px;display:none}
@media (max-width:800px){.sponsored .grid{grid-template-columns:1fr 1fr}.mega-menu{position:static;box-shadow:none}.thumb{width:72px;height:48px}}
@media (max-width:480px){.sponsored .grid{grid-template-columns:1fr}.headline{font-size:22px}.article-body p{font-size:15px}}
@media print{#nav,#sidebar,#footer,.ad-slot,.sponsored,.share-buttons,.consent-banner{display:none}}
""".strip()

_CONSENT_SCRIPT = """<div class="consent-banner" id="consent-banner" role="dialog" aria-live="polite">We and our
 partners use cookies to measure visits and show relevant advertising. <a href="/privacy.php">Privacy policy</a>
 <button type="button" data-consent="accept">Accept</button><button type="button" data-consent="reject">Reject</button></div>
<a class="back-to-top" href="#header" aria-label="Back to top">&uarr;</a>
<script>
  (function(w, d){
    var KEY = 'noj_cmp_v2', banner = d.getElementById('consent-banner');
    function stored(){ try { return JSON.parse(w.localStorage.getItem(KEY) || 'null'); } catch (e) { return null; } }
    function save(choice){ try { w.localStorage.setItem(KEY, JSON.stringify({choice: choice, at: Date.now()})); } catch (e) {} }
    function apply(choice){
      w.gtag && w.gtag('consent', 'update', {ad_storage: choice, analytics_storage: choice,
        ad_user_data: choice, ad_personalization: choice});
      if (choice === 'granted' && w.googletag) { w.googletag.cmd.push(function(){ w.googletag.pubads().refresh(); }); }
    }
    var prior = stored();
    if (prior) { apply(prior.choice); } else if (banner) { banner.style.display = 'block'; }
    d.addEventListener('click', function(ev){
      var b = ev.target.closest && ev.target.closest('[data-consent]');
      if (!b) return;
      var choice = b.getAttribute('data-consent') === 'accept' ? 'granted' : 'denied';
      save(choice); apply(choice); banner.style.display = 'none';
    });
    w.addEventListener('scroll', function(){
      var top = d.querySelector('.back-to-top');
      if (top) top.style.display = w.scrollY > 600 ? 'block' : 'none';
    }, {passive: true});
  })(window, document);
</script>
<script async src="https://cdn.taboola.example.net/libtrc/newsonjapan/loader.js" id="tb-loader"></script>"""

_SPONSORS = ("Travel Deals Japan", "Tokyo Property Guide", "Learn Japanese Online",
             "JR Pass Center", "Kyoto Ryokan Collection", "Japan Rail Tours", "Sake Club",
             "Hokkaido Ski Resorts", "Okinawa Diving", "Osaka Food Tours")
_SPONSORED_TITLES = (
    "The {n} hidden onsen towns locals don't want you to know about",
    "Why {n} expats moved to this quiet prefecture last year",
    "This rail pass trick saves travellers up to {n}%",
    "{n} things to know before renting an apartment in Tokyo",
    "Chefs reveal the {n} dishes worth the trip to Osaka",
    "How {n} minutes a day can get you speaking Japanese",
)
# A related or popular entry up to its link, which names the story's id.
_ENTRY = re.compile(r'(<div class="news-item">(?:<span class="rank">\d+</span> )?)'
                    r'(?=<a href="(?:/html/newsdesk)?/article/(\d+)\.php)')


def head_extras(page_url: str, section: Section, sections: tuple[Section, ...]) -> str:
    """Social cards, preconnects, a breadcrumb JSON-LD and the theme's component CSS."""
    image = f"https://img.newsonjapan.example/og{page_url.replace('.php', '.jpg')}"
    preconnect = "".join(
        f'<link rel="preconnect" href="https://{host}" crossorigin>\n'
        for host in ("fonts.gstatic.com", "www.googletagmanager.com", "securepubads.g.doubleclick.net",
                     "pagead2.googlesyndication.com", "img.newsonjapan.example",
                     "cdn.taboola.example.net")
    )
    colours = "\n".join(
        f".sec-{_slug(s)} .kicker a,.sec-{_slug(s)} .mega-menu h4{{color:{colour}}}"
        f".sec-{_slug(s)} .more-news h2{{border-color:{colour}}}"
        for s, colour in zip(sections, _SECTION_COLOURS)
    )
    return (
        f'<meta property="og:image" content="{image}">\n'
        '<meta property="og:image:width" content="1200">\n'
        '<meta property="og:image:height" content="630">\n'
        f'<meta property="og:url" content="https://newsonjapan.com{page_url}">\n'
        f'<meta property="article:section" content="{section.name}">\n'
        '<meta name="twitter:card" content="summary_large_image">\n'
        '<meta name="twitter:site" content="@newsonjapan">\n'
        f'<meta name="twitter:image" content="{image}">\n'
        '<meta name="robots" content="max-image-preview:large">\n'
        '<link rel="icon" href="/favicon.ico" sizes="any">\n'
        '<link rel="apple-touch-icon" href="/apple-touch-icon.png">\n'
        '<link rel="manifest" href="/site.webmanifest">\n'
        f"{preconnect}"
        '<script type="application/ld+json">{"@context":"https://schema.org","@type":'
        '"BreadcrumbList","itemListElement":[{"@type":"ListItem","position":1,"name":"Home",'
        '"item":"https://newsonjapan.com/"},{"@type":"ListItem","position":2,"name":'
        f'"{section.name}","item":"https://newsonjapan.com{section.url}"}}]}}</script>\n'
        f"<style>\n{_THEME_CSS}\n{colours}\n</style>"
    )


def _slug(section: Section) -> str:
    return section.url.strip("/")


def mega_menu(sections: tuple[Section, ...]) -> str:
    """The drop-down under the nav bar: per section, topic search links."""
    cols = []
    for section in sections:
        links = "".join(
            f'<a href="/search?q={section.name}+{word}">{word}</a>' for word in _MENU_TOPICS
        )
        cols.append(f'<div class="col"><h4>{section.name}</h4>{links}</div>')
    return f'<div class="mega-menu" id="mega-menu" aria-hidden="true">{"".join(cols)}</div>'


def thumb(story_id: int) -> str:
    """A story's thumbnail: an image, not a link."""
    return (f'<span class="thumb"><img src="https://img.newsonjapan.example/thumbs/{story_id}'
            '-160.jpg" width="96" height="64" loading="lazy" alt=""></span>')


def sponsored(rng: random.Random, cards: int) -> str:
    """An off-site recommendation widget ("from around the web"), ``cards`` cards long."""
    rows = []
    for _ in range(cards):
        n = rng.randint(3, 40)
        title = rng.choice(_SPONSORED_TITLES).format(n=n)
        sponsor = rng.choice(_SPONSORS)
        campaign = rng.randint(10_000, 99_999)
        rows.append(
            f'<div class="card"><a href="https://click.taboola.example.net/c?cid={campaign}'
            f'&amp;site=newsonjapan&amp;pos={len(rows) + 1}" rel="nofollow sponsored noopener" '
            f'target="_blank"><img src="https://img.taboola.example.net/{campaign}.jpg" '
            f'width="320" height="180" loading="lazy" alt=""><span class="by">{sponsor}</span>'
            f'<span class="title">{title}</span></a></div>'
        )
    return ('<div class="sponsored" id="taboola-below-article"><h2>From around the web</h2>'
            f'<div class="grid">{"".join(rows)}</div></div>')


# About what one sponsored card weighs (titles vary by a few bytes).
_CARD_BYTES = len(sponsored(random.Random(0), 1)) - len(sponsored(random.Random(0), 0))


def _insert(html: str, anchor: str, extra: str, *, before: bool = False) -> str:
    if anchor not in html:
        raise ValueError(f"page has no {anchor!r} to dress")
    return html.replace(anchor, extra + anchor if before else anchor + extra, 1)


def dress(html: str, *, page_url: str, section: Section, sections: tuple[Section, ...],
          rng: random.Random, target: int) -> str:
    """The page with the production furniture, grown by sponsored cards towards ``target`` bytes."""
    html = _insert(html, "</head>", head_extras(page_url, section, sections) + "\n", before=True)
    html = _insert(html, "<body>", "").replace("<body>", f'<body class="sec-{_slug(section)}">', 1)
    nav_end = html.index("</ul>", html.index('<ul id="nav">')) + len("</ul>")
    html = html[:nav_end] + "\n" + mega_menu(sections) + html[nav_end:]
    html, entries = _ENTRY.subn(lambda m: m.group(1) + thumb(int(m.group(2))), html)
    if not entries:
        raise ValueError("page has no related or popular entry to dress")
    html = _insert(html, '<div class="more-news">', chrome.ad_slot("mid-article") + "\n",
                   before=True)
    html = _insert(html, '<div class="follow-us">', chrome.ad_slot("side-2") + "\n", before=True)
    html = _insert(html, '<div id="footer">', chrome.ad_slot("bottom") + "\n", before=True)
    html = _insert(html, "</body>", _CONSENT_SCRIPT + "\n", before=True)
    cards = max(0, (target - len(html.encode())) // _CARD_BYTES)
    return _insert(html, '<div id="footer">', sponsored(rng, cards) + "\n", before=True)
