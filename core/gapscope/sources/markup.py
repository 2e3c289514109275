"""Markup in the titles and abstracts of bibliographic files, taken out on import: the databases that
screening files are exported from (IEEE Xplore, Springer, Crossref's JATS in Zotero's CSL-JSON) leave
HTML paragraphs, italics, sub- and superscripts and entities in the text ("<p>", "customers&#39;",
"&lt;Emphasis Type=\"Bold\"&gt;L&lt;/Emphasis&gt;"). Shown as is they clutter the screening card, and
the search and the screening model read "lt", "39" and "nbsp" as words. The file's record keeps the text
as it was (the paper's source record).

Only tags of the known markup vocabularies are taken out, so that "p<0.05 and q>1" or "a<b" stay text;
an inline tag without its pair ("$a<b>c$") stays too, and only entities ending in ";" are decoded.
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


def _tags(text: str) -> list[re.Match]:
    """The tags of ``text`` that are markup. A bare inline tag (``<b>``, ``</i>``, ``<sub>``: no
    attributes, not self-closing) counts only with its pair, an opening one before its closing one: a lone
    one is text ("the <b> element", "$a<b>c$", "Vector<i>"). Namespaced tags, tags with attributes, the
    paragraph and line breaks (IEEE's abstracts part paragraphs with a lone ``<p>``) and ``<x/>`` are
    markup on their own (and an opening one pairs with its closing one)."""
    found = list(_TAG.finditer(text))
    alone = {i for i, m in enumerate(found)
             if (m.group(3) or m.group(4) or ":" in m.group(2) or m.group(2).lower() in _BREAKS)
             and not m.group(1)}
    keep, open_ = set(alone), {}
    for i, m in enumerate(found):
        name = m.group(2).lower()
        if not m.group(1):
            if not m.group(4):
                open_.setdefault(name, []).append(i)
        elif open_.get(name):
            keep.update((open_[name].pop(), i))
        elif ":" in name:
            keep.add(i)             # a namespaced closing tag is never text
    return [m for i, m in enumerate(found) if i in keep]


def _untag(text: str) -> str:
    out, at = [], 0
    for m in _tags(text):
        out += [text[at:m.start()], " " if m.group(2).lower() in _BREAKS else ""]
        at = m.end()
    return "".join(out) + text[at:]


def _decode(text: str) -> str:
    # entities with their ";" only: html.unescape alone also reads the semicolon-less legacy names
    # inside words ("macro&microeconomics", "R&D &not" -> "macroµeconomics", "¬")
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


def has_markup(text: str) -> bool:
    return bool(text) and ("<" in text or "&" in text) and bool(_tags(text) or _ENTITY.search(text))


def markup_to_text(text: str) -> str:
    """``text`` without its markup tags and with its entities decoded (twice over: some files escape
    their markup once more, "&lt;i&gt;"); text without markup comes back unchanged."""
    if not has_markup(text):
        return text
    for _ in range(2):
        text = _decode(_untag(text))
    text = _untag(text).replace("\u00a0", " ")
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def first_markup(text: str) -> str:
    """The first tag or entity in ``text`` (to name it in a message), or ""."""
    if not has_markup(text):
        return ""
    found = [m for m in (next(iter(_tags(text)), None), _ENTITY.search(text)) if m]
    return min(found, key=lambda m: m.start()).group(0)[:40]
