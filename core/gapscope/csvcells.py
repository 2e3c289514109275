"""Cells of the CSV files GapScope writes, safe to open in a spreadsheet and read back unchanged.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return opens as a formula in
Excel and LibreOffice (CSV injection): a paper's title or a user's tag could run one. Such a cell is
written with a single quote before it (OWASP's advice), which the spreadsheet shows as text.
:func:`unguard` takes that quote away again, exactly: a cell whose text, past any quotes it starts
with, starts with one of those characters gets one quote more on the way out and one less on the way
in, so a title such as "'=x" (a quote of its own) comes back as written too.

Tags share one cell, separated by ``"; "``; a semicolon or backslash inside a tag is escaped with a
backslash, so that every tag comes back whole (:func:`join_tags`, :func:`split_tags`). A paper's authors
share their cell the same way, and so does the library's own authors column (:func:`join_authors`,
:func:`split_authors`): a name with a ";" in it stays one name. A backslash escapes only a backslash or a
semicolon (before anything else it is the text's own), and names are parted only at "; ", which is how
they were always joined, so a column or an export written before names were escaped reads as it did.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TAG_SEPARATOR = "; "


def _looks_like_formula(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


def guard(cell: object) -> str:
    """``cell`` as text a spreadsheet shows as text, never runs as a formula."""
    text = "" if cell is None else str(cell)
    return "'" + text if _looks_like_formula(text) else text


def unguard(cell: str) -> str:
    """The text :func:`guard` was given for ``cell`` (of a file GapScope wrote)."""
    return cell[1:] if cell.startswith("'") and _looks_like_formula(cell) else cell


def guarded_row(cells: Iterable[object]) -> list[str]:
    return [guard(c) for c in cells]


def _join_escaped(items: Iterable[str]) -> str:
    return TAG_SEPARATOR.join(t.replace("\\", "\\\\").replace(";", "\\;") for t in items)


# an escape, or where one item ends: tags at any ";", names at "; " (what joined them before escapes)
_TAG_PIECE = re.compile(r"\\([\\;])|;")
_NAME_PIECE = re.compile(r"\\([\\;])|; ")


def _split_escaped(cell: Optional[str], piece: re.Pattern) -> list[str]:
    """The items :func:`_join_escaped` wrote in ``cell``, escapes undone, in order."""
    cell = cell or ""
    items: list[str] = []
    current: list[str] = []
    pos = 0
    for m in piece.finditer(cell):
        current.append(cell[pos:m.start()])
        if m.group(1) is not None:
            current.append(m.group(1))
        else:
            items.append("".join(current))
            current = []
        pos = m.end()
    current.append(cell[pos:])
    items.append("".join(current))
    return items


def join_tags(tags: Iterable[str]) -> str:
    return _join_escaped(tags)


def split_tags(cell: Optional[str]) -> list[str]:
    """The tags :func:`join_tags` wrote in ``cell``, each whole and stripped, none empty."""
    return [t.strip() for t in _split_escaped(cell, _TAG_PIECE) if t.strip()]


def join_authors(names: Iterable[str]) -> str:
    """The names in one text, ``"; "`` between them (the library's authors column, a CSV cell)."""
    return _join_escaped(names)


def split_authors(text: Optional[str]) -> list[str]:
    """The names :func:`join_authors` wrote in ``text``, each exactly as it was, none empty. Never split at
    " and " nor turned from "Family, Given" around: these are the library's names as it keeps them."""
    return [n for n in _split_escaped(text, _NAME_PIECE) if n]
