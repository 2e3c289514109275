"""Making untrusted text safe to show: control characters, links, Markdown specials (used by the
exports and by the reports, which sit above them)."""

from __future__ import annotations

import re
from typing import Optional

# C0 controls (except tab, newline, carriage return) and DEL become their visible Unicode "control
# pictures" (U+2400 + code, U+2421), so a report shows that a title held a NUL instead of silently
# dropping it or emitting bytes that XML, PDF and some browsers reject. C1 controls (U+0080..U+009F)
# have no pictures: they become U+FFFD.
_C0 = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_C1 = re.compile(r"[\x80-\x9f]")


def visible(s: Optional[str]) -> str:
    """``s`` with control characters made visible (see above); ``None`` -> ``''``."""
    if not s:
        return ""
    s = _C0.sub(lambda m: "\u2421" if m.group() == "\x7f" else chr(0x2400 + ord(m.group())), s)
    return _C1.sub("\ufffd", s)


def one_line(s: Optional[str]) -> str:
    """Visible text on one line: runs of whitespace (newlines included) become one space."""
    return re.sub(r"[ \t\r\n]+", " ", visible(s)).strip()


def paper_link(arxiv_id: Optional[str], doi: Optional[str]) -> Optional[str]:
    """The one kind of outbound link a report carries: arxiv.org for arXiv papers, else doi.org."""
    from urllib.parse import quote

    if arxiv_id:
        return "https://arxiv.org/abs/" + quote(arxiv_id, safe="./-")
    if doi:
        return "https://doi.org/" + quote(doi, safe="./-_;():")  # < > and spaces percent-encoded
    return None


# CommonMark lets any ASCII punctuation be backslash-escaped. Escaped anywhere: what can open inline
# markup (emphasis, code, links and images via [ ], raw HTML and autolinks via < >, entities via &,
# tables via |, strike/sub/superscript and math in common extensions via ~ ^ $, headings' closing #).
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&|~^$#])")
# Escaped at the start of the text only: what would open a block (list, quote, rule, setext heading).
_MD_BLOCK_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)|^(>|[-+=](?=\s|$|[-+=]))")


def md(s: Optional[str]) -> str:
    """Untrusted text as literal Markdown on one line."""
    text = _MD_INLINE.sub(r"\\\1", one_line(s))
    return _MD_BLOCK_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else "\\" + m.group(3), text)


def md_unescape(s: str) -> str:
    """Inverse of :func:`md` (for tests and round trips)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", s)


def figure_file(key: str) -> str:
    """The file name a Markdown report gives figure ``key``."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in key) + ".png"
