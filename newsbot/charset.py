"""Which encoding an HTML page is really in, when its declaration is wrong or missing; pure.

Scrapy trusts a declared charset (header, BOM, <meta>) and guesses with charset_normalizer only
when there is none. Both fall short on this portal's pages: a page is English with a few
Japanese words, too little text for a statistical detector, and a wrong declaration is taken
at its word (EUC-JP served as ISO-8859-1 decodes "successfully" into mojibake).

The rule here: valid UTF-8 is UTF-8 (other encodings almost never form it by chance). Otherwise
every candidate that decodes the whole body strictly is read, and the one whose non-ASCII
characters look most like text (CJK, kana, typographic punctuation, accented Latin) rather
than mojibake (control characters, half-width katakana, symbol soup) wins; the declared
encoding wins ties.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

# Legacy encodings this portal's pages come in, most likely first.
CANDIDATES = ("cp932", "euc_jp", "iso2022_jp", "cp1252")
# Characters that do not occur in text, only in text decoded with the wrong codec.
_MOJIBAKE_RANGES = (
    (0x0080, 0x009F),  # C1 controls
    (0xFF61, 0xFF9F),  # half-width katakana: Shift_JIS reading of EUC-JP bytes
    (0xE000, 0xF8FF),  # private use
    (0x2500, 0x259F),  # box drawing, block elements
)
# cp1252's rarest glyphs: in English text almost only as Shift_JIS bytes read as cp1252.
_RARE_CP1252 = frozenset("ƒ„†‡ˆ‰Š‹ŒŽ˜š›œžŸ")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def sniff(body: bytes, declared: str | None) -> str | None:
    """The encoding to read ``body`` with; None when the declared one is right or all is ASCII."""
    if body.isascii() and b"\x1b$" not in body:  # ISO-2022-JP is 7-bit, with escapes
        return None
    declared_name = codec_name(declared)
    if b"\x1b$" in body and _decoded(body, "iso2022_jp") is not None:
        return None if declared_name == "iso2022_jp" else "iso2022_jp"
    if _decoded(body, "utf-8") is not None:
        return None if declared_name == "utf-8" else "utf-8"
    candidates = [declared_name] if declared_name and declared_name != "utf-8" else []
    candidates += [c for c in map(codec_name, CANDIDATES) if c and c not in candidates]
    scored = []
    for rank, name in enumerate(candidates):
        text = _decoded(body, name)
        if text is not None:
            scored.append((mojibake_score(text), rank, name))
    if not scored:
        return None  # nothing decodes cleanly: keep the declaration, let the reader replace
    best = min(scored)[2]
    return None if best == declared_name else best


def mojibake_score(text: str) -> float:
    """Share of the non-ASCII characters in ``text`` that only a wrong decoding produces."""
    total = bad = 0
    for m in _NON_ASCII_RUN.finditer(text):
        run = m.group()
        total += len(run)
        if len(run) >= 2 and all(_latin1(c) for c in run):
            bad += len(run)  # "Ã©", "¡È·§": UTF-8 or EUC-JP read as a Latin codec
        elif len(run) == 1 and _glued(text, m.start(), m.end()) and _cjk(run):
            bad += 1  # "Studio痴 new": a cp1252 quote and a letter read as one Shift_JIS character
        else:
            bad += sum(_is_mojibake(ch) for ch in run)
    return bad / total if total else 0.0


def _is_mojibake(ch: str) -> bool:
    code = ord(ch)
    if ch in _RARE_CP1252 or any(lo <= code <= hi for lo, hi in _MOJIBAKE_RANGES):
        return True
    return unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs")


def _glued(text: str, start: int, end: int) -> bool:
    """Touching an ASCII letter on either side, as no Japanese word in English text does."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())


def _cjk(ch: str) -> bool:
    return 0x3040 <= ord(ch) <= 0x9FFF


def _latin1(ch: str) -> bool:
    return 0xA0 < ord(ch) <= 0xFF


def codec_name(encoding: str | None) -> str | None:
    """Python's canonical name for an encoding label, None for unknown labels."""
    if not encoding:
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def _decoded(body: bytes, name: str) -> str | None:
    try:
        return body.decode(name)
    except (UnicodeDecodeError, LookupError):
        return None
