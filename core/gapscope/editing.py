"""Editing a paper's own fields by hand: its title (a record imported without one carries a placeholder,
"[untitled] ...", until the user or a later import with a real title gives it one) and its abstract (one
guessed wrongly from a PDF, or a bad record's: set, replaced or cleared).

Neither edit has an undo: the desktop asks before a Cancel throws typed text away, and an abstract's
edit keeps the user's marks on words it no longer holds in a note."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Optional

from .models import CHECK_ABSTRACT_TAG, MAX_ABSTRACT_CHARS, MAX_TITLE_CHARS, UNTITLED_MARK
from .sources.dedup import normalize_title
from .spans import moved_spans
from .vocabulary import correction_labels


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
    """Give paper ``paper_id`` this title (its own transaction, or the caller's) and return it as stored.
    From now on de-duplication matches later records by it as by any imported title, and no import
    replaces it (the edit is recorded)."""
    text = clean_title(title)
    lib.set_paper_title(paper_id, text, normalize_title(text))
    return text


# --- the abstract ---------------------------------------------------------------------------------------

@dataclass
class AbstractEdit:
    """What an abstract edit did: the abstract as stored ("": cleared), whether anything changed, and
    the user's marks on the old abstract (highlights, facet corrections) that moved with their words or,
    their words gone, were written into a note on the paper."""
    abstract: str
    changed: bool
    checked: bool = False       # unchanged, its CHECK_ABSTRACT_TAG came off (the user confirmed a guessed one)
    moved: int = 0
    noted: int = 0
    note_id: Optional[int] = None


def clean_abstract(text: str) -> str:
    """``text`` as an abstract is stored (line ends made "\\n", white space at its ends taken off; its
    paragraphs kept), or EditError naming the problem. An empty one is refused: clearing is asked by name."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise EditError("an abstract cannot be empty (clear it instead)")
    if len(text) > MAX_ABSTRACT_CHARS:          # the importers refuse a longer one as a broken record
        raise EditError(f"the abstract is {len(text):,} characters long (the limit is {MAX_ABSTRACT_CHARS:,})")
    bad = next((c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"), None)
    if bad is not None:
        raise EditError(f"the abstract holds a control character (U+{ord(bad):04X}) at position {text.index(bad) + 1}")
    return text


def set_abstract(lib, paper_id: int, text: str) -> AbstractEdit:
    """Give paper ``paper_id`` this abstract (its own transaction). The user's text is the paper's from
    now on: it is not truncated, and a later import does not replace it (an abstract guessed from a PDF
    loses its :data:`CHECK_ABSTRACT_TAG`). What was computed from the old one (facet sentences, vectors,
    and through them the maps, concepts and gaps) shows as out of date until the next analyze."""
    return _replace_abstract(lib, paper_id, clean_abstract(text))


def clear_abstract(lib, paper_id: int) -> AbstractEdit:
    """Take paper ``paper_id``'s abstract away (a wrong one with nothing to put in its place), as
    :func:`set_abstract` does: the paper has none until an edit gives it one (an import of a record of the
    paper leaves it cleared: the edit is recorded, as :func:`set_abstract`'s and :func:`set_title`'s are)."""
    return _replace_abstract(lib, paper_id, "")


def _replace_abstract(lib, paper_id: int, new: str) -> AbstractEdit:
    old = lib.get_paper(paper_id).abstract or ""        # LibraryError "no paper with id N" for a bad id
    if new == old:                  # kept as it is: a guessed abstract is checked now
        return AbstractEdit(new, changed=False, checked=lib.remove_tag([paper_id], CHECK_ABSTRACT_TAG) > 0)
    marks = lib.highlights_with_ids(paper_id)
    highlights = [(h["id"], h["start"], h["end"]) for h in marks]
    corrections = lib.facet_corrections(paper_id)
    places = [_placed(old, new, s, e) for _i, s, e in highlights]
    moved_h = [(*h, *to) for h, to in zip(highlights, places) if to is not None]
    gone_h = [h for h, to in zip(highlights, places) if to is None]
    moved_c, gone_c, taken = [], [], set()
    for c in corrections:
        to = _placed(old, new, c["start"], c["end"])
        if to is None or to in taken:       # two corrections on the same new words: the later one is noted
            gone_c.append(c)
        else:
            taken.add(to)
            moved_c.append((c["start"], c["end"], *to))
    note = _gone_marks_note(old, gone_h, {h["id"]: h["comment"] for h in marks}, gone_c)
    before = {n["id"] for n in lib.notes_of(paper_id)} if note else set()
    lib.set_paper_abstract(paper_id, new, expected=old, highlights=moved_h, corrections=moved_c,
                           gone_highlights=gone_h, gone_corrections=[(c["start"], c["end"]) for c in gone_c],
                           note=note, untag=CHECK_ABSTRACT_TAG)
    note_id = next((n["id"] for n in lib.notes_of(paper_id) if n["id"] not in before), None) if note else None
    return AbstractEdit(new, changed=True, moved=len(moved_h) + len(moved_c), noted=len(gone_h) + len(gone_c),
                        note_id=note_id)


# --- title and abstract together ---------------------------------------------------------------------------

@dataclass
class PaperEdit:
    """What one edit of a paper did: the title before and as stored (None: not edited) and the abstract's
    edit (None: not edited)."""
    old_title: Optional[str] = None
    title: Optional[str] = None
    abstract: Optional[AbstractEdit] = None


def edit_paper(lib, paper_id: int, *, title: Optional[str] = None, abstract: Optional[str] = None,
               clear: bool = False) -> PaperEdit:
    """Change paper ``paper_id``'s title and/or abstract (``abstract``, or ``clear`` to take it away) in one
    transaction: both are checked before either is written, and one that cannot be written (the abstract
    changed elsewhere since it was read) leaves the other as it was too."""
    new_title = clean_title(title) if title is not None else None
    new_abstract = clean_abstract(abstract) if abstract is not None and not clear else None
    edit = PaperEdit()
    with lib.transaction():             # set_title's and the abstract's own transactions join this one
        if new_title is not None:
            edit.old_title = lib.get_paper(paper_id).title
            edit.title = set_title(lib, paper_id, new_title)
        if clear or new_abstract is not None:
            edit.abstract = _replace_abstract(lib, paper_id, "" if clear else new_abstract)
    return edit


def _placed(old: str, new: str, start: int, end: int) -> Optional[tuple[int, int]]:
    """Where the words at ``old[start:end]`` are in ``new`` (spans.moved_spans, one span at a time: one
    that cannot be placed for sure does not hold the others back), or None."""
    if not new:
        return None
    to = moved_spans(old, new, [(start, end)])
    return tuple(to[0]) if to else None


def _gone_marks_note(old: str, gone_h: list[tuple], comments: dict[int, str], gone_c: list[dict]) -> str:
    """A note keeping the highlights (``comments``: each one's note, by id) and facet corrections whose
    words the new abstract does not hold (empty when there are none): their words and what the user put
    on them."""
    if not gone_h and not gone_c:
        return ""
    lines = ["Marks on the abstract as it was before it was edited (their words are no longer in it):"]
    for hid, s, e in gone_h:
        comment = (comments.get(hid) or "").strip()
        lines.append(f"• highlight: “{' '.join(old[s:e].split())}”" + (f": {comment}" if comment else ""))
    for c in gone_c:
        labels = correction_labels(c)
        words = " ".join((c["text"] or old[c["start"]:c["end"]]).split())
        lines.append(f"• facet correction ({labels}): “{words}”")
    return "\n".join(lines)
