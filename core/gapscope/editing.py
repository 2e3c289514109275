"""Editing a paper's own fields by hand: for now its title (a record imported without one carries a
placeholder, "[untitled] ...", until the user or a later import with a real title gives it one)."""

from __future__ import annotations

from .models import MAX_TITLE_CHARS, UNTITLED_MARK
from .sources.dedup import normalize_title


class EditError(ValueError):
    """The value given cannot be a paper's field; the message says why. Nothing was written."""


def clean_title(title: str) -> str:
    """``title`` as it is stored (runs of white space made one space), or EditError naming the problem."""
    text = " ".join((title or "").split())
    if not text:
        raise EditError("a title cannot be empty")
    if len(text) > MAX_TITLE_CHARS:     # the importers refuse a longer one as a broken record
        raise EditError(f"the title is {len(text):,} characters long (the limit is {MAX_TITLE_CHARS:,})")
    if text.startswith(UNTITLED_MARK.strip()):
        # that prefix marks a placeholder, which de-duplication never compares: a real title is not one
        raise EditError(f"a title cannot start with {UNTITLED_MARK.strip()!r} (it marks a missing title)")
    return text


def set_title(lib, paper_id: int, title: str) -> str:
    """Give paper ``paper_id`` this title (its own transaction) and return it as stored. From now on
    de-duplication matches later records by it as by any imported title."""
    text = clean_title(title)
    lib.set_paper_title(paper_id, text, normalize_title(text))
    return text
