"""Annotations: notes, highlights on the abstract, facet-label corrections, and query-term spans.

Each write is its own transaction, committed before the function returns.
"""

from __future__ import annotations

import os
import re
from typing import Any, Optional

from ..store.library import LibraryError, now_iso
from ..vocabulary import FACET_LABELS, SHORTCOMINGS as SHORTCOMING_LABELS



def _abstract(lib, paper_id: int) -> str:
    return lib.paper_abstract(paper_id)


def _check_span(lib, paper_id: int, start: int, end: int) -> str:
    text = _abstract(lib, paper_id)
    if start >= end:
        raise LibraryError(f"span {start}..{end}: the start must be before the end (characters START..END of the abstract)")
    if not (0 <= start < end <= len(text)):
        raise LibraryError(f"span {start}..{end} is outside paper {paper_id}'s abstract (0..{len(text)})")
    return text


# --- notes ---------------------------------------------------------------------------------------
def add_note(lib, paper_id: int, body: str) -> int:
    if not body.strip():
        raise LibraryError("an empty note")
    _abstract(lib, paper_id)
    return lib.add_note(paper_id, body)


def update_note(lib, note_id: int, body: str, *, expected: Optional[str] = None) -> None:
    """Replace a note's text; ``expected``: the text it held when the edit began (store: NoteChanged)."""
    lib.update_note(note_id, body, expected=expected)


def delete_note(lib, note_id: int, *, expected: Optional[str] = None) -> None:
    """Delete a note; ``expected``: the text the user was shown when asked."""
    lib.delete_note(note_id, expected=expected)


# --- highlights ----------------------------------------------------------------------------------
def add_highlight(lib, paper_id: int, start: int, end: int, color: str = "yellow", comment: str = "", *,
                  made_on: Optional[str] = None) -> int:
    """Highlight abstract characters ``start:end`` of a paper; returns the highlight id. ``made_on``: the
    words shown there when the user chose them; the abstract edited since (an edit saved before this), the
    span would fall on other words, and a LibraryError says so instead."""
    with lib.transaction():         # checked and written together: an edit from elsewhere cannot come between
        if made_on is not None and _abstract(lib, paper_id)[start:end] != made_on:
            raise LibraryError(f"the abstract of paper {paper_id} changed since its words were shown: nothing was "
                               "highlighted (select the words again)")
        _check_span(lib, paper_id, start, end)
        return lib.add_highlight(paper_id, start, end, color, comment)


def remove_highlight(lib, highlight_id: int, *, pdf: bool = False) -> None:
    """Remove an abstract highlight, or (``pdf``) one made in an attached PDF."""
    (lib.remove_pdf_highlight if pdf else lib.remove_highlight)(highlight_id)


def pdf_name(original_name: str) -> str:
    """An attached PDF as the user knows it: the name of the file (or the URL's last part) it came from."""
    return os.path.basename(original_name.rstrip("/\\"))


def pdf_highlights_of(lib, paper_id: int) -> list[dict[str, Any]]:
    """The highlights made in the paper's attached PDFs: id, attachment_id and pdf (which of its PDFs, by
    the file's name: a paper may have several), page (1-based), text, color, comment, created_at."""
    names = {a["id"]: pdf_name(a["original_name"]) for a in lib.attachments_of(paper_id)}
    keep = ("id", "attachment_id", "page", "text", "color", "comment", "created_at")
    return [dict({k: h[k] for k in keep}, pdf=names.get(h["attachment_id"], "")) for h in lib.pdf_highlights(paper_id)]


def highlights_of(lib, paper_id: int) -> list[dict[str, Any]]:
    text = _abstract(lib, paper_id)
    return [dict(h, text=text[h["start"]:h["end"]]) for h in lib.highlights_with_ids(paper_id)]


# --- facet corrections ---------------------------------------------------------------------------
def correct_facet(lib, paper_id: int, start: int, end: int, label: Optional[str] = None, *,
                  shortcoming: Optional[str] = None) -> Optional[str]:
    """Correct the abstract sentence at ``start:end``: ``label`` is a role (background ... other) or a
    shortcoming type (none / prior / open / own; "limitation" means own), ``shortcoming`` a type. Each
    kind is corrected on its own and wins over the classifier in the maps and gaps. The span must be one of
    the paper's sentences: as the facet pipeline split it, or, not yet classified, as it will. Returns the
    words of the correction this one replaced whole (made there on words that are gone), else None."""
    role = None
    if label == "limitation":
        label = "own"
    if label in SHORTCOMING_LABELS:
        shortcoming = shortcoming or label
    elif label is not None:
        if label not in FACET_LABELS:
            raise LibraryError(f"unknown facet label {label!r}; choose a role ({', '.join(FACET_LABELS)}) "
                               f"or a shortcoming ({', '.join(SHORTCOMING_LABELS)})")
        role = label
    if shortcoming is not None and shortcoming not in SHORTCOMING_LABELS:
        raise LibraryError(f"unknown shortcoming {shortcoming!r}; choose one of {', '.join(SHORTCOMING_LABELS)}")
    if role is None and shortcoming is None:
        raise LibraryError("give a role or a shortcoming to correct")
    text = _check_span(lib, paper_id, start, end)
    spans, stale = _sentence_spans(lib, paper_id, text)
    if (start, end) not in spans:
        listed = ", ".join(f"{s}..{e}" for s, e in spans[:12]) + (", ..." if len(spans) > 12 else "")
        if stale:
            raise LibraryError(
                f"{start}..{end} is not a sentence of paper {paper_id}'s abstract as it is now: the abstract changed"
                f" since the facet pipeline split it (Build maps, or `gapscope facets`, splits it again; sentences now:"
                f" {listed})")
        raise LibraryError(f"{start}..{end} is not a sentence of paper {paper_id} (sentences: {listed})")
    before = next((c for c in lib.facet_corrections(paper_id) if (c["start"], c["end"]) == (start, end)), None)
    lib.set_facet_correction(paper_id, start, end, role, shortcoming, now_iso())
    if before is not None and before["text"] is not None and before["text"] != text[start:end]:
        return before["text"]
    return None


def _sentence_spans(lib, paper_id: int, abstract: str) -> tuple[list[tuple[int, int]], bool]:
    """The sentences a correction may name, and whether the stored ones were passed over: those the facet
    pipeline stored for the paper, or, before it has classified the paper or when the abstract changed
    since (markup taken out, a snippet replaced: the stored offsets then hold other words, and the
    correction keeps the words at its span), those its splitter makes of the abstract now."""
    from ..sentences import reads_as_split, split_sentences

    stored = lib.facet_sentences_read(paper_id)
    if stored and reads_as_split(abstract, stored):
        return [(s, e) for s, e, _t in stored], False
    return [(s.start, s.end) for s in split_sentences(abstract)], bool(stored)


def remove_facet_correction(lib, paper_id: int, start: int, end: int, made_on: Optional[str] = None) -> bool:
    """Remove the correction at ``start:end`` (``made_on``: only while it is the one made on those words);
    False when there is none."""
    return lib.delete_facet_correction(paper_id, start, end, made_on)


def take_facet_correction(lib, paper_id: int, start: int, end: int,
                          made_on: Optional[str] = None) -> Optional[dict[str, Any]]:
    """Remove the correction at ``start:end`` as :func:`remove_facet_correction` does and return it whole
    (paper_id, start, end, role, shortcoming, corrected_at, text), for :func:`restore_facet_correction` (an
    undo); None when there is none."""
    return lib.take_facet_correction(paper_id, start, end, made_on)


def restore_facet_correction(lib, correction: dict[str, Any]) -> bool:
    """Put back a correction :func:`take_facet_correction` removed, exactly (labels, place, words, date);
    False when a correction was set at its place since (that one stays)."""
    return lib.restore_facet_correction(correction)


def facet_corrections_of(lib, paper_id: int) -> list[dict[str, Any]]:
    """A paper's corrections: ``role`` and ``shortcoming`` (None where that kind is not corrected)."""
    return lib.facet_corrections(paper_id)


def annotations_of(lib, paper_id: int) -> dict[str, Any]:
    return {"paper_id": paper_id, "notes": lib.notes_of(paper_id), "tags": lib.tags_of(paper_id),
            "highlights": highlights_of(lib, paper_id), "pdf_highlights": pdf_highlights_of(lib, paper_id),
            "facet_corrections": facet_corrections_of(lib, paper_id)}


# --- query terms ---------------------------------------------------------------------------------
_PHRASE = re.compile(r'"([^"]+)"')
_TERM = re.compile(r"[\w][\w\-']*", re.UNICODE)
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}


def query_spans(text: str, query: str, *, prefix: bool = True) -> list[tuple[int, int]]:
    """Character spans of ``text`` that match the words and "quoted phrases" of ``query``
    (case-insensitive, whole words; a word also matches as a prefix, so 'model' marks 'models'),
    sorted and merged where they overlap. FTS operators (AND, OR, NOT, NEAR, field:) are skipped."""
    if not text or not query or not query.strip():
        return []
    patterns = []
    for phrase in _PHRASE.findall(query):
        words = _TERM.findall(phrase)
        if words:
            patterns.append(r"\b" + r"\W+".join(re.escape(w) for w in words) + (r"\w*" if prefix else r"\b"))
    rest = _PHRASE.sub(" ", query)
    for raw in rest.split():
        raw = raw.split(":", 1)[1] if re.match(r"^\w+:", raw) else raw
        if raw in _OPERATORS:
            continue
        for w in _TERM.findall(raw.rstrip("*")):
            patterns.append(r"\b" + re.escape(w) + (r"\w*" if prefix else r"\b"))
    if not patterns:
        return []
    spans = sorted((m.start(), m.end()) for p in patterns for m in re.finditer(p, text, flags=re.IGNORECASE)
                   if m.end() > m.start())
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def highlight_query(lib, paper_id: int, query: str) -> list[tuple[int, int]]:
    """Spans of a paper's abstract matching ``query`` (for the desktop's term highlighting)."""
    return query_spans(_abstract(lib, paper_id), query)
