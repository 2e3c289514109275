"""Editing a paper's own fields by hand: its title (a record imported without one carries a placeholder,
"[untitled] ...", until the user or a later import with a real title gives it one) and its abstract (one
guessed wrongly from a PDF, or a bad record's: set, replaced or cleared).

Every edit is kept in the library with the text it replaced (store/edits.py), so that :func:`undo_edit`
takes back a paper's latest edit, after a restart too: the title and abstract as they were, the marks
the edit had put in a note back on their words, and the paper left to be classified and embedded again by
the next analyze, as after any abstract edit (its old sentences went with the edit; the corrections put
back label them again). :func:`redo_edit` makes an undone edit again, until a new edit of the paper closes
that path. A save that changes nothing writes nothing (no edit, no tag taken off)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from .models import CHECK_ABSTRACT_TAG, MAX_ABSTRACT_CHARS, MAX_TITLE_CHARS, UNTITLED_MARK, is_untitled
from .sources.dedup import normalize_title
from .store.library import LibraryError, now_iso
from .spans import moved_spans
from .vocabulary import correction_labels


class EditError(ValueError):
    """The value given cannot be a paper's field; the message says why. Nothing was written."""


class NotUndone(EditError):
    """The edit asked to be undone is not the paper's latest one in force (undone already, or the paper
    edited again since), or the paper's text changed since it (an import, say); nothing was changed."""


class NotRedone(EditError):
    """The edit asked to be redone is not the paper's next one to redo (redone already, or the paper edited
    or undone again since), or the paper's text changed since its undo (an import, say); nothing was changed."""


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
    replaces it (the edit is kept in the library's edit history)."""
    return edit_paper(lib, paper_id, title=title).title


def _write_title(lib, paper_id: int, text: str) -> None:
    # a placeholder (an undo puts one back) is never compared by de-duplication: no normalized title
    lib.set_paper_title(paper_id, text, "" if is_untitled(text) else normalize_title(text))


# --- the abstract ---------------------------------------------------------------------------------------

@dataclass
class AbstractEdit:
    """What an abstract edit did: the abstract as stored ("": cleared), whether anything changed, and
    the user's marks on the old abstract (highlights, facet corrections) that moved with their words or,
    their words gone, were written into a note on the paper."""
    abstract: str
    changed: bool
    moved: int = 0
    noted: int = 0
    note_id: Optional[int] = None
    # what an undo puts back: the marks taken off (highlights and corrections as they were), the note
    # written with them, and whether the CHECK_ABSTRACT_TAG came off
    gone_highlights: list = field(default_factory=list)
    gone_corrections: list = field(default_factory=list)
    note: str = ""
    untagged: bool = False


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
    return edit_paper(lib, paper_id, abstract=text).abstract


def clear_abstract(lib, paper_id: int) -> AbstractEdit:
    """Take paper ``paper_id``'s abstract away (a wrong one with nothing to put in its place), as
    :func:`set_abstract` does: the paper has none until an edit gives it one (an import of a record of the
    paper leaves it cleared: the edit is kept, as :func:`set_abstract`'s and :func:`set_title`'s are)."""
    return edit_paper(lib, paper_id, clear=True).abstract


def _replace_abstract(lib, paper_id: int, new: str, *, truncated: bool = False,
                      untag: str = CHECK_ABSTRACT_TAG) -> AbstractEdit:
    old = lib.get_paper(paper_id).abstract or ""        # LibraryError "no paper with id N" for a bad id
    if new == old:
        # nothing touched, its tag neither: a change kept nowhere (no edit row) could not be undone
        return AbstractEdit(new, changed=False)
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
    untagged = bool(untag) and untag in lib.tags_of(paper_id)
    lib.set_paper_abstract(paper_id, new, expected=old, highlights=moved_h, corrections=moved_c,
                           gone_highlights=gone_h, gone_corrections=[(c["start"], c["end"]) for c in gone_c],
                           note=note, untag=untag, truncated=truncated)
    note_id = next((n["id"] for n in lib.notes_of(paper_id) if n["id"] not in before), None) if note else None
    gone_ids = {h[0] for h in gone_h}
    return AbstractEdit(new, changed=True, moved=len(moved_h) + len(moved_c), noted=len(gone_h) + len(gone_c),
                        note_id=note_id, gone_highlights=[h for h in marks if h["id"] in gone_ids],
                        gone_corrections=gone_c, note=note, untagged=untagged)


# --- title and abstract together ---------------------------------------------------------------------------

@dataclass
class PaperEdit:
    """What one edit of a paper did: the title before and as stored (None: not edited), the abstract's
    edit (None: not edited) and the id of the edit as kept for an undo (None: nothing changed)."""
    old_title: Optional[str] = None
    title: Optional[str] = None
    abstract: Optional[AbstractEdit] = None
    edit_id: Optional[int] = None


def edit_paper(lib, paper_id: int, *, title: Optional[str] = None, abstract: Optional[str] = None,
               clear: bool = False) -> PaperEdit:
    """Change paper ``paper_id``'s title and/or abstract (``abstract``, or ``clear`` to take it away) in one
    transaction: both are checked before either is written, and one that cannot be written (the abstract
    changed elsewhere since it was read) leaves the other as it was too. The edit is kept, with the text it
    replaced, for :func:`undo_edit`."""
    new_title = clean_title(title) if title is not None else None
    new_abstract = clean_abstract(abstract) if abstract is not None and not clear else None
    edit = PaperEdit()
    with lib.transaction():             # the title's and the abstract's own transactions join this one
        before = lib.get_paper(paper_id)    # LibraryError "no paper with id N" for a bad id
        if new_title is not None:
            edit.old_title, edit.title = before.title, new_title
            if new_title != before.title:
                _write_title(lib, paper_id, new_title)
        if clear or new_abstract is not None:
            edit.abstract = _replace_abstract(lib, paper_id, "" if clear else new_abstract)
        titled = edit.title is not None and edit.title != edit.old_title
        a = edit.abstract if edit.abstract is not None and edit.abstract.changed else None
        if titled or a is not None:
            edit.edit_id = lib.record_paper_edit(
                paper_id, old_title=edit.old_title if titled else None, new_title=edit.title if titled else None,
                old_abstract=(before.abstract or "") if a else None, new_abstract=a.abstract if a else None,
                old_abstract_truncated=bool(before.abstract_truncated) if a else False,
                marks=_marks_taken(a) if a else None)
    return edit


def _marks_taken(edit: AbstractEdit) -> dict:
    """What an abstract edit took off the paper, as kept with the edit for its undo."""
    return {"highlights": [{k: h[k] for k in ("start", "end", "color", "comment", "created_at")}
                           for h in edit.gone_highlights],
            "corrections": edit.gone_corrections, "note_id": edit.note_id, "note": edit.note,
            "untagged": edit.untagged}


# --- undo ------------------------------------------------------------------------------------------------

@dataclass
class UndoneEdit:
    """What an undo did: the edit taken back (its id and time), the title and the abstract as they are back
    (None: not part of that edit; the abstract's as :class:`AbstractEdit` says, marks on words of the undone
    text that the old one does not hold going into a note), how many marks the edit had taken off went
    back on their words, and how many facet corrections it had taken off did not: a correction made since
    on the same words stands at their place (the newer wins, as a correction set again does), and the note
    that kept the older one stays (``kept_note_id``), so that no label the user gave goes unsaid."""
    edit_id: int
    edited_at: str
    title: Optional[str] = None
    abstract: Optional[AbstractEdit] = None
    restored: int = 0
    superseded: int = 0
    kept_note_id: Optional[int] = None


@dataclass
class RedoneEdit(UndoneEdit):
    """What a redo did, as :class:`UndoneEdit` says of an undo: the title and abstract as the edit set them,
    and how many marks the undo had taken off went back on their words."""


def undo_edit(lib, paper_id: int, edit_id: Optional[int] = None) -> Optional[UndoneEdit]:
    """Take back paper ``paper_id``'s latest edit not undone (``edit_id``: only that edit, while it is still
    the latest: a window undoes the edit it shows), in one transaction: the title and abstract it replaced
    come back, with the highlights and facet corrections it had put into a note (the note goes, unless the
    user changed it since) and a "check abstract" tag it took off. The paper's facet sentences and vectors
    are redone by the next analyze. None when the paper has no edit to undo; :class:`NotUndone` when the
    edit is no longer the latest or the paper's text changed since (nothing is written)."""
    with lib.transaction():
        paper = lib.get_paper(paper_id)     # LibraryError "no paper with id N" for a bad id
        e = lib.latest_paper_edit(paper_id)
        if edit_id is not None and (e is None or e["id"] != edit_id):
            raise NotUndone(f"paper #{paper_id}'s edit was undone already, or the paper was edited again since")
        if e is None:
            return None
        why = _changed_since(paper, e, "new", f"the edit of {e['edited_at'][:16]}")
        if why:
            raise NotUndone(f"{why}: it was not undone")
        undone = UndoneEdit(e["id"], e["edited_at"])
        if e["new_title"] is not None:
            _write_title(lib, paper_id, e["old_title"])
            undone.title = e["old_title"]
        if e["new_abstract"] is not None:
            undone.abstract = _replace_abstract(lib, paper_id, e["old_abstract"],
                                                truncated=e["old_abstract_truncated"], untag="")
            undone.restored, undone.superseded, undone.kept_note_id = _put_back(lib, paper_id, e["marks"])
        # what the undo took off the edited text (marks made on it since) is kept for a redo to put back
        lib.mark_paper_edit_undone(e["id"], now_iso(),
                                   _marks_taken(undone.abstract) if undone.abstract is not None else None)
    return undone


def redo_edit(lib, paper_id: int, edit_id: Optional[int] = None) -> Optional[RedoneEdit]:
    """Make paper ``paper_id``'s last undone edit again (``edit_id``: only that edit, while it is still the
    next to redo), in one transaction, as :func:`undo_edit` takes one back: the title and abstract it set,
    the marks its undo had put into a note back on their words, the "check abstract" tag off again. Undos
    go latest first and redos back up; a new edit of the paper closes the way (nothing to redo then). None
    when there is nothing to redo; :class:`NotRedone` when the edit is no longer the next to redo or the
    paper's text changed since its undo (nothing is written)."""
    with lib.transaction():
        paper = lib.get_paper(paper_id)     # LibraryError "no paper with id N" for a bad id
        e = lib.next_paper_redo(paper_id)
        if edit_id is not None and (e is None or e["id"] != edit_id):
            raise NotRedone(f"paper #{paper_id}'s edit was redone already, or the paper was edited or undone "
                            "again since")
        if e is None:
            return None
        why = _changed_since(paper, e, "old", f"the edit of {e['edited_at'][:16]} was undone")
        if why:
            raise NotRedone(f"{why}: it was not redone")
        redone = RedoneEdit(e["id"], e["edited_at"])
        if e["new_title"] is not None:
            _write_title(lib, paper_id, e["new_title"])
            redone.title = e["new_title"]
        marks: dict = {}
        if e["new_abstract"] is not None:
            redone.abstract = _replace_abstract(lib, paper_id, e["new_abstract"])
            redone.restored, redone.superseded, redone.kept_note_id = _put_back(lib, paper_id, e["marks"])
            marks = _marks_taken(redone.abstract)       # for the next undo, as the edit kept them
        lib.mark_paper_edit_redone(e["id"], marks)
    return redone


def _changed_since(paper, edit: dict, side: str, since: str) -> Optional[str]:
    """Which of the fields ``edit`` changed the paper no longer holds as its ``side`` ("new": as the edit set
    it, "old": as it was before, which its undo put back), said with ``since``; None when both hold."""
    if edit["new_title"] is not None and paper.title != edit[f"{side}_title"]:
        return f"paper #{paper.id}'s title was changed since {since}"
    if edit["new_abstract"] is not None and (paper.abstract or "") != edit[f"{side}_abstract"]:
        return f"paper #{paper.id}'s abstract was changed since {since} (an import, say)"
    return None


def _put_back(lib, paper_id: int, marks: dict) -> tuple[int, int, Optional[int]]:
    """The marks an abstract edit (or an undo) took off (kept with it: :func:`_marks_taken`), back on the
    abstract it replaced, which is the paper's again; returns (how many went back, how many facet corrections
    did not because one made since on the same words stands at their place, the note kept for those)."""
    n = superseded = 0
    for h in marks.get("highlights", []):
        lib.put_back_highlight(paper_id, h)
        n += 1
    for c in marks.get("corrections", []):
        if lib.restore_facet_correction({"paper_id": paper_id, **c}):
            n += 1
        else:               # one set at its place since (on the same words) stays: the newer label wins
            superseded += 1
    kept = None
    if marks.get("note_id") and marks.get("note"):
        if superseded:      # it holds the labels not put back: deleting it would lose them unsaid
            kept = marks["note_id"]
        else:
            try:   # the note keeping them goes, as it was written: one the user changed since is theirs
                lib.delete_note(marks["note_id"], expected=marks["note"])
            except LibraryError:
                pass
    if marks.get("untagged"):
        lib.add_tag([paper_id], CHECK_ABSTRACT_TAG)
    return n, superseded, kept


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
