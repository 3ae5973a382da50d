"""Page furniture around the content: head assets, header and nav, sidebar, footer, ads.

Everything here is ASCII (non-ASCII symbols are written as entities) so that the same furniture
can sit in the Shift_JIS and windows-1252 pages.
"""

from __future__ import annotations

from newsbot.replica.content import Section, Site
from newsbot.replica.markup import attr, credit_plain, credit_span, link_for, story_text

# Roughly what the portal's theme ships inline; it makes pages weigh what real ones do.
_CSS = """
body{margin:0;background:#f4f4f4;font:14px/1.6 "Helvetica Neue",Arial,sans-serif;color:#222}
a{color:#0b4f8a;text-decoration:none}a:hover{text-decoration:underline}
#header{background:#b30000;color:#fff;padding:0 16px}#header .logo{font-size:26px;font-weight:bold;color:#fff}
#header .tagline{font-size:11px;opacity:.8;margin-left:8px}#header form{float:right;margin-top:12px}
#nav{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;background:#8c0000}
#nav li{margin:0}#nav a{display:block;padding:8px 14px;color:#fff;font-weight:bold;text-transform:uppercase;font-size:12px}
#nav a:hover,#nav a.active{background:#5e0000}
#wrapper{max-width:1140px;margin:0 auto;display:flex;gap:24px;padding:16px}
#content{flex:1 1 auto;min-width:0;background:#fff;padding:16px 20px;border:1px solid #ddd}
#sidebar{flex:0 0 300px}#sidebar h2,.more-news h2{font-size:13px;letter-spacing:1px;border-bottom:3px solid #b30000;padding-bottom:4px}
.kicker{font-size:12px;color:#777;text-transform:uppercase}.kicker a{color:#b30000;font-weight:bold}
.headline{font-size:28px;line-height:1.25;margin:6px 0 12px}
.share-buttons{margin:8px 0 16px}.share-buttons a{display:inline-block;padding:4px 10px;margin-right:6px;border-radius:3px;color:#fff;font-size:12px}
.share-buttons .fb{background:#3b5998}.share-buttons .tw{background:#111}.share-buttons .line{background:#06c755}.share-buttons .hb{background:#008fde}
.article-body p{margin:0 0 14px;font-size:16px;line-height:1.75}
.ad-slot{margin:18px 0;padding:10px;background:#fafafa;border:1px dashed #ccc;text-align:center;font-size:10px;color:#999;min-height:90px}
.news-item{padding:8px 0;border-bottom:1px dotted #ccc}.news-item .rank{display:inline-block;width:22px;height:22px;background:#b30000;color:#fff;text-align:center;font-weight:bold;border-radius:50%}
.credit{color:#888;font-size:12px}
.summaries .summary{padding:10px 0;border-bottom:1px solid #eee}.section-title{font-size:22px;border-bottom:3px solid #b30000}
.pagination{margin:18px 0}.pagination a{display:inline-block;padding:4px 10px;border:1px solid #ccc;margin-right:4px}.pagination a.current{background:#b30000;color:#fff}
.follow-us a{display:block;padding:4px 0}.newsletter input{width:70%}
#footer{background:#222;color:#bbb;padding:24px 16px;font-size:12px}#footer a{color:#ddd}
#footer .cols{display:flex;flex-wrap:wrap;gap:40px;max-width:1140px;margin:0 auto}#footer ul{list-style:none;padding:0}
#cookie-consent{position:fixed;bottom:0;left:0;right:0;background:#333;color:#fff;padding:10px;display:none}
@media (max-width:800px){#wrapper{display:block}#sidebar{width:auto}#nav a{padding:6px 8px}}
""".strip()

_HEAD_SCRIPTS = """
<script async src="https://www.googletagmanager.com/gtag/js?id=G-NOJREPLICA1"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'G-NOJREPLICA1', {'anonymize_ip': true});
</script>
<script async src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>
<script>
  window.googletag = window.googletag || {cmd: []};
  googletag.cmd.push(function() {
    googletag.defineSlot('/2291/noj_top', [[728, 90], [970, 250]], 'div-gpt-top').addService(googletag.pubads());
    googletag.defineSlot('/2291/noj_side', [300, 250], 'div-gpt-side').addService(googletag.pubads());
    googletag.defineSlot('/2291/noj_body', [[300, 250], [336, 280]], 'div-gpt-body').addService(googletag.pubads());
    googletag.pubads().enableSingleRequest();
    googletag.pubads().collapseEmptyDivs();
    googletag.enableServices();
  });
</script>
<script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-pub-0000000000000000" crossorigin="anonymous"></script>
""".strip()

_FOOT_SCRIPTS = """
<div id="cookie-consent">This site uses cookies to show you relevant ads and to count visits.
 <button type="button" onclick="document.getElementById('cookie-consent').style.display='none'">OK</button></div>
<script>
  (function(){
    var seen = document.cookie.indexOf('noj_consent=1') !== -1;
    if (!seen) { document.getElementById('cookie-consent').style.display = 'block'; }
    document.cookie = 'noj_consent=1; max-age=31536000; path=/';
  })();
</script>
<script>
  (function(d, s, id) {
    var js, fjs = d.getElementsByTagName(s)[0];
    if (d.getElementById(id)) return;
    js = d.createElement(s); js.id = id; js.async = true;
    js.src = 'https://connect.facebook.net/en_US/sdk.js#xfbml=1&version=v19.0';
    fjs.parentNode.insertBefore(js, fjs);
  }(document, 'script', 'facebook-jssdk'));
</script>
""".strip()

# Search-backed tag links (robots.txt disallows /search, so a polite crawler never follows them).
TRENDING = (
    "Tokyo", "Osaka", "Kyoto", "Hokkaido", "Okinawa", "Earthquake", "Typhoon", "Yen",
    "Bank of Japan", "Shinkansen", "Anime", "Sumo", "Baseball", "Tourism", "Weather",
)
PREFECTURES = (
    "Hokkaido", "Aomori", "Iwate", "Miyagi", "Akita", "Yamagata", "Fukushima", "Ibaraki", "Tochigi",
    "Gunma", "Saitama", "Chiba", "Tokyo", "Kanagawa", "Niigata", "Toyama", "Ishikawa", "Fukui",
    "Yamanashi", "Nagano", "Gifu", "Shizuoka", "Aichi", "Mie", "Shiga", "Kyoto", "Osaka", "Hyogo",
    "Nara", "Wakayama", "Tottori", "Shimane", "Okayama", "Hiroshima", "Yamaguchi", "Tokushima",
    "Kagawa", "Ehime", "Kochi", "Fukuoka", "Saga", "Nagasaki", "Kumamoto", "Oita", "Miyazaki",
    "Kagoshima", "Okinawa",
)

# The theme's icon sprite, inlined at the top of <body> as many CMS themes do.
_ICON_PATHS = {
    "facebook": "M22 12a10 10 0 1 0-11.6 9.9v-7H7.9V12h2.5V9.8c0-2.5 1.5-3.9 3.8-3.9 1.1 0 2.2.2 2.2.2v2.5h-1.3c-1.2 0-1.6.8-1.6 1.6V12h2.8l-.4 2.9h-2.3v7A10 10 0 0 0 22 12z",
    "x": "M18.2 2H21l-6.5 7.4L22 22h-6.8l-4.7-6.2L5 22H2.2l7-8L2 2h7l4.3 5.7L18.2 2zm-1.2 18h1.6L7.1 3.7H5.4L17 20z",
    "youtube": "M23.5 6.2a3 3 0 0 0-2.1-2.1C19.5 3.6 12 3.6 12 3.6s-7.5 0-9.4.5A3 3 0 0 0 .5 6.2 31 31 0 0 0 0 12a31 31 0 0 0 .5 5.8 3 3 0 0 0 2.1 2.1c1.9.5 9.4.5 9.4.5s7.5 0 9.4-.5a3 3 0 0 0 2.1-2.1A31 31 0 0 0 24 12a31 31 0 0 0-.5-5.8zM9.6 15.6V8.4l6.3 3.6-6.3 3.6z",
    "instagram": "M12 2.2c3.2 0 3.6 0 4.8.1 3.3.1 4.8 1.7 4.9 4.9.1 1.3.1 1.6.1 4.8s0 3.6-.1 4.8c-.1 3.2-1.7 4.8-4.9 4.9-1.3.1-1.6.1-4.8.1s-3.6 0-4.8-.1c-3.3-.1-4.8-1.7-4.9-4.9C2.2 15.6 2.2 15.2 2.2 12s0-3.6.1-4.8C2.4 3.9 3.9 2.4 7.2 2.3 8.4 2.2 8.8 2.2 12 2.2zM12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10zm0 8.2a3.2 3.2 0 1 1 0-6.4 3.2 3.2 0 0 1 0 6.4zm5.2-9.6a1.2 1.2 0 1 0 0 2.4 1.2 1.2 0 0 0 0-2.4z",
    "line": "M19.4 10.2c0-3.9-3.9-7.1-8.7-7.1S2 6.3 2 10.2c0 3.5 3.1 6.4 7.3 7 .3.1.7.2.8.4.1.2.1.6 0 .8l-.1.8c0 .2-.2.9.8.5s5.3-3.1 7.2-5.4c1.3-1.4 1.4-2.7 1.4-4.1z",
    "search": "M15.5 14h-.8l-.3-.3A6.5 6.5 0 1 0 14 15.5l.3.3v.8l5 5 1.5-1.5-5-5zm-6 0A4.5 4.5 0 1 1 14 9.5 4.5 4.5 0 0 1 9.5 14z",
    "rss": "M6.2 19.6a2.2 2.2 0 1 1 0-4.4 2.2 2.2 0 0 1 0 4.4zM4 4.4v2.9c7 0 12.7 5.7 12.7 12.7h2.9C19.6 11.4 12.6 4.4 4 4.4zm0 5.7V13c3.9 0 7 3.1 7 7h2.9c0-5.5-4.4-9.9-9.9-9.9z",
}


def icon_sprite() -> str:
    symbols = "".join(
        f'<symbol id="icon-{name}" viewBox="0 0 24 24"><path d="{path}"/></symbol>'
        for name, path in _ICON_PATHS.items()
    )
    return f'<svg xmlns="http://www.w3.org/2000/svg" style="display:none">{symbols}</svg>'


def _search_links(words: tuple[str, ...], css: str) -> str:
    links = " ".join(f'<a href="/search?q={w.replace(" ", "+")}">{w}</a>' for w in words)
    return f'<div class="{css}">{links}</div>'


FOLLOW_LINKS = (
    ("Facebook", "https://www.facebook.com/newsonjapan"),
    ("X (Twitter)", "https://x.com/newsonjapan"),
    ("YouTube", "https://www.youtube.com/@newsonjapan"),
    ("Instagram", "https://www.instagram.com/newsonjapan/"),
    ("LINE", "https://line.me/R/ti/p/@newsonjapan"),
)


def head_assets() -> str:
    return (
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="alternate" type="application/rss+xml" title="News On Japan" href="/rss/top.xml">\n'
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Noto+Sans+JP&amp;display=swap">\n'
        f"<style>\n{_CSS}\n</style>\n{_HEAD_SCRIPTS}"
    )


def ad_slot(slot: str) -> str:
    # A fixed slot number derived from the name: hash() is salted per process and would
    # make renders differ.
    number = sum(map(ord, slot)) * 7919
    return (
        f'<div class="ad-slot" id="div-gpt-{slot}">ADVERTISEMENT '
        '<ins class="adsbygoogle" style="display:block" data-ad-client="ca-pub-0000000000000000" '
        f'data-ad-slot="{number:010d}" data-ad-format="auto"></ins></div>'
    )


def header(site: Site, active: Section | None = None) -> str:
    active_attr = ' class="active"'
    items = "".join(
        f'<li><a href="{s.url}"{active_attr if s == active else ""}>{s.name}</a></li>'
        for s in site.sections
    )
    return (
        f"{icon_sprite()}\n"
        '<div id="header">\n'
        f'<a class="logo" href="/" title="{attr(site.portal_name)}">{site.portal_name}</a>'
        '<span class="tagline">Japan news in English</span>\n'
        '<form action="/search" method="get" role="search"><input type="text" name="q" '
        'placeholder="Search news"> <button type="submit">Search</button></form>\n'
        f'<ul id="nav">{items}</ul>\n'
        f'{_search_links(TRENDING, "trending")}\n</div>\n'
        f"{ad_slot('top')}"
    )


def popular_block(site: Site) -> str:
    rows = []
    for rank, story_id in enumerate(site.popular, start=1):
        story = site.story(story_id)
        url = attr(link_for(story, legacy_context=False))
        rows.append(
            f'<div class="news-item"><span class="rank">{rank}</span> '
            f'<a href="{url}">{story_text(story, story.summary)}</a>{credit_span(story)}</div>'
        )
    return '<div class="popular-news"><h2>POPULAR NEWS</h2>\n' + "\n".join(rows) + "\n</div>"


def sidebar(site: Site) -> str:
    follow = "".join(
        f'<a href="{url}" rel="noopener" target="_blank">{name}</a>' for name, url in FOLLOW_LINKS
    )
    return (
        '<div id="sidebar">\n'
        f"{popular_block(site)}\n"
        f"{ad_slot('side')}\n"
        f'<div class="follow-us"><h2>FOLLOW US</h2>{follow}</div>\n'
        '<div class="newsletter"><h2>NEWSLETTER</h2><form action="https://newsletter.example.net/subscribe" '
        'method="post"><input type="email" name="email" placeholder="Your email"> '
        '<button type="submit">Subscribe</button></form></div>\n'
        "</div>"
    )


def footer(site: Site) -> str:
    sections = "".join(f'<li><a href="{s.url}">{s.name}</a></li>' for s in site.sections)
    feeds = "".join(
        f'<li><a href="{s.feed_dir}index.xml">{s.name} RSS</a></li>' for s in site.sections
    )
    archive = "".join(
        f'<li><a href="{s.legacy_url}">Archive: {s.name}</a></li>' for s in site.legacy_sections
    )
    social = "".join(f'<li><a href="{url}">{name}</a></li>' for name, url in FOLLOW_LINKS)
    return (
        '<div id="footer"><div class="cols">\n'
        f"<div><h3>Sections</h3><ul>{sections}</ul></div>\n"
        f'<div><h3>Feeds</h3><ul><li><a href="/rss/top.xml">Top stories RSS</a></li>{feeds}</ul></div>\n'
        f"<div><h3>Archive</h3><ul>{archive}</ul></div>\n"
        f"<div><h3>Follow</h3><ul>{social}</ul></div>\n"
        '<div><h3>About</h3><ul><li><a href="/about.php">About News On Japan</a></li>'
        '<li><a href="/privacy.php">Privacy policy</a></li>'
        '<li><a href="mailto:editor@newsonjapan.example">Contact the editors</a></li></ul></div>\n'
        "</div>\n"
        f'<h3>News by prefecture</h3>{_search_links(PREFECTURES, "prefectures")}\n'
        f"<p>Copyright &copy; 2008&ndash;2026 {site.portal_name}. News On Japan aggregates reports "
        "from Japanese and international media; each story credits its source.</p>\n"
        f"</div>\n{_FOOT_SCRIPTS}"
    )


# The old theme's hand-rolled dropdown menu and rollover script (dead weight, as on the real page).
_LEGACY_SCRIPT = """<script type="text/javascript">
<!--
var menuTimer = null; var openMenu = null;
function MM_preloadImages() { var d=document; if(d.images){ if(!d.MM_p) d.MM_p=new Array();
  var i,j=d.MM_p.length,a=MM_preloadImages.arguments; for(i=0; i<a.length; i++)
  if (a[i].indexOf("#")!=0){ d.MM_p[j]=new Image; d.MM_p[j++].src=a[i];}}}
function MM_swapImgRestore() { var i,x,a=document.MM_sr; for(i=0;a&&i<a.length&&(x=a[i])&&x.oSrc;i++) x.src=x.oSrc; }
function MM_findObj(n, d) { var p,i,x; if(!d) d=document; if((p=n.indexOf("?"))>0&&parent.frames.length) {
  d=parent.frames[n.substring(p+1)].document; n=n.substring(0,p);}
  if(!(x=d[n])&&d.all) x=d.all[n]; for (i=0;!x&&i<d.forms.length;i++) x=d.forms[i][n];
  for(i=0;!x&&d.layers&&i<d.layers.length;i++) x=MM_findObj(n,d.layers[i].document);
  if(!x && d.getElementById) x=d.getElementById(n); return x; }
function showMenu(id) { if (menuTimer) clearTimeout(menuTimer); if (openMenu && openMenu != id) hideNow(openMenu);
  var m = MM_findObj(id); if (m) { m.style.visibility = "visible"; openMenu = id; } }
function hideMenu(id) { menuTimer = setTimeout("hideNow('" + id + "')", 400); }
function hideNow(id) { var m = MM_findObj(id); if (m) m.style.visibility = "hidden"; if (openMenu == id) openMenu = null; }
function bookmarkSite(title, url) { if (window.sidebar) window.sidebar.addPanel(title, url, "");
  else if (window.external) window.external.AddFavorite(url, title); }
//-->
</script>"""


def legacy_leftnav(site: Site) -> str:
    archive = "".join(f'<a href="{s.legacy_url}">{s.name}</a><br>' for s in site.legacy_sections)
    current = "".join(f'<a href="{s.url}">{s.name}</a><br>' for s in site.sections)
    places = "".join(f'<a href="/search?q={p}">{p}</a><br>' for p in PREFECTURES)
    return (
        f'<td id="leftnav" valign="top" width="160">{_LEGACY_SCRIPT}'
        '<a href="/">Home</a><br><br><b>NEWSDESK</b><br>'
        f"{archive}<br><b>SECTIONS</b><br>{current}<br>"
        '<a href="/rss/top.xml">RSS</a><br><br>'
        f'<b>PREFECTURES</b><br><font size="1">{places}</font>'
        '<script type="text/javascript">var _uacct = "UA-000000-1"; urchinTracker();</script>'
        "</td>"
    )


def legacy_popular(site: Site) -> str:
    items = "".join(
        f'<li><a href="{attr(link_for(s, legacy_context=True))}">{story_text(s, s.summary)}</a>'
        f"{credit_plain(s)}</li>"
        for s in map(site.story, site.popular)
    )
    return (
        '<td id="rightcol" valign="top" width="250"><div class="popular"><b>POPULAR NEWS</b>'
        f"<ol>{items}</ol></div>"
        '<div class="banner"><script type="text/javascript">google_ad_client = "pub-0000000000000000";'
        " google_ad_width = 250; google_ad_height = 250;</script></div></td>"
    )
