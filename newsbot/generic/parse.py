"""Turn raw page bytes or text into an lxml tree, whatever the input looks like.

Never raises: a page that cannot be parsed gives ``None``.
"""

from __future__ import annotations

import codecs
import re

import lxml.html
from lxml import etree

# A charset declared in the first bytes of the page: <meta charset=...> or the http-equiv form.
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> str:
    """Bytes to text: BOM, then a declared charset, then UTF-8, then windows-1252."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, "replace")
    m = _CHARSET_RE.search(data[:4096])
    if m:
        name = m.group(1).decode("ascii", "ignore").lower()
        try:
            codecs.lookup(name)
        except LookupError:
            name = ""
        # Pages often declare latin-1 but are UTF-8; a clean UTF-8 decode wins then.
        if name and name not in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252"):
            return data.decode(name, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("windows-1252", "replace")


def parse(html: str | bytes | None) -> lxml.html.HtmlElement | None:
    """Parse a page into an ``<html>`` element, or ``None`` when there is nothing to parse."""
    try:
        if html is None:
            return None
        if isinstance(html, (bytes, bytearray, memoryview)):
            text = decode(bytes(html))
        elif isinstance(html, str):
            text = html
        else:
            return None
        # lxml refuses str input that carries an encoding declaration.
        text = _XML_DECL_RE.sub("", text, count=1).replace("\x00", "")
        if not text.strip():
            return None
        parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                      huge_tree=True, default_doctype=False)
        root = lxml.html.document_fromstring(text, parser=parser)
        if root is None or not isinstance(root.tag, str):
            return None
        return root
    except (etree.LxmlError, ValueError, TypeError, RecursionError, MemoryError):
        return None
