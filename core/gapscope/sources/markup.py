"""Markup in the titles and abstracts of bibliographic files, taken out on import: the databases that
screening files are exported from (IEEE Xplore, Springer, Crossref's JATS in Zotero's CSL-JSON) leave
HTML paragraphs, italics, sub- and superscripts and entities in the text ("<p>", "customers&#39;",
"&lt;Emphasis Type=\"Bold\"&gt;L&lt;/Emphasis&gt;"). Shown as is they clutter the screening card, and
the search and the screening model read "lt", "39" and "nbsp" as words. The file's record keeps the text
as it was (the paper's source record).

Only tags of the known markup vocabularies are taken out, so that "p<0.05 and q>1" or "a<b" stay text.
"""

from __future__ import annotations

import html
import re

# HTML's inline and paragraph tags, the publishers' variants (Springer's Emphasis, IEEE's inf, URLREF)
# and any tag in the jats: or mml: namespace
_NAMES = ("p|br|div|span|i|b|u|em|strong|sub|sup|inf|bi|italic|bold|sc|small|emphasis|urlref|emailref|"
          "(?:jats|mml):[a-z][\\w.-]*")
_ATTRIBUTE = r"""\s+[\w:.-]+\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[\w.-]+)"""
_TAG = re.compile(rf"<(/?)({_NAMES})((?:{_ATTRIBUTE})*)\s*(/?)>", re.IGNORECASE)
# tags that end a paragraph or a line: a space stands for them (the words either side stay apart)
_BREAKS = {"p", "br", "div", "jats:p", "jats:title", "jats:sec"}
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _untag(text: str) -> str:
    return _TAG.sub(lambda m: " " if m.group(2).lower() in _BREAKS else "", text)


def has_markup(text: str) -> bool:
    return bool(text) and ("<" in text or "&" in text) and bool(_TAG.search(text) or _ENTITY.search(text))


def markup_to_text(text: str) -> str:
    """``text`` without its markup tags and with its entities decoded (twice over: some files escape
    their markup once more, "&lt;i&gt;"); text without markup comes back unchanged."""
    if not has_markup(text):
        return text
    for _ in range(2):
        text = html.unescape(_untag(text))
    text = _untag(text).replace("\u00a0", " ")
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def first_markup(text: str) -> str:
    """The first tag or entity in ``text`` (to name it in a message), or ""."""
    if not has_markup(text):
        return ""
    found = [m for m in (_TAG.search(text), _ENTITY.search(text)) if m]
    return min(found, key=lambda m: m.start()).group(0)[:40]
