"""A paper's text typed in the window and not saved yet, kept in the library's folder (drafts.py): a note or
tag typed in the detail pane's boxes, a title, an abstract, the edit of a note, a highlight's note (the
Reader's comment field, or the box asking for it). One JSON file per draft in ``NAME.gapscope/unsaved/`` (``NAME-unsaved/``
beside a plain database file): the paper's id and title, the field, the text, the text it started from (a
note's, title's or abstract's as it was when the edit began) and when it was kept.

When the library is opened next, each kept draft is checked against the library before it is offered: one
whose text the library already holds (saved after all) goes quietly; one whose paper is gone, or whose note
or title was changed since by another window or the gapscope command, says so and is not put over it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from . import drafts

PREFIX = "paper"
# the fields a kept draft can be of, as the window names them
FIELDS = {"note": "Note", "tag": "Tag", "title": "Title", "abstract": "Abstract", "note_edit": "Edit of a note",
          "comment": "Highlight note"}


def drafts_dir(library_path: str | Path) -> Path:
    """``NAME.gapscope/unsaved/`` (``NAME-unsaved/`` beside a plain database file); not created here."""
    from gapscope.store.library import is_library_folder

    p = Path(library_path).expanduser()
    return p / "unsaved" if is_library_folder(p) else p.with_name(p.stem + "-unsaved")


def draft_data(paper_id: int, field: str, text: str, started_from: str = "", *, paper_title: str = "",
               note_id: Optional[int] = None, quote: str = "") -> dict:
    """What a paper draft's file holds (besides when and by whom it was written). ``quote``: the words a
    highlight's note is about (the highlight itself is not kept)."""
    return {"paper_id": paper_id, "field": field, "text": text, "started_from": started_from,
            "paper_title": paper_title, "note_id": note_id, "quote": quote}


@dataclass
class PaperDraft:
    path: Path
    paper_id: Optional[int] = None
    field: str = ""
    text: str = ""
    started_from: str = ""
    paper_title: str = ""                  # as it was when the text was typed (names a paper deleted since)
    note_id: Optional[int] = None          # the note an edit was of
    quote: str = ""
    kept_at: str = ""
    problem: str = ""                      # the file cannot be read: it is left as it is
    pid: Optional[int] = None              # the process that wrote it, on ``host``
    host: str = ""

    @property
    def open_elsewhere(self) -> bool:
        """Still typed in another window open on the library: not left over, not to be offered here."""
        return drafts.open_elsewhere(self.pid, self.host, self.path)


def read(kept: drafts.KeptFile) -> PaperDraft:
    if kept.problem:
        return PaperDraft(kept.path, problem=kept.problem)
    data = kept.data
    pid, field = data.get("paper_id"), data.get("field")
    if not isinstance(pid, int) or field not in FIELDS:
        return PaperDraft(kept.path, text=data["text"], pid=kept.writer[0], host=kept.writer[1],
                          problem=f"{kept.path} names no paper or field GapScope knows; it is left where it is")

    def text(key: str) -> str:
        return data.get(key) if isinstance(data.get(key), str) else ""

    note_id = data.get("note_id") if isinstance(data.get("note_id"), int) else None
    writer, host = kept.writer
    return PaperDraft(kept.path, pid, field, data["text"], text("started_from"), text("paper_title"), note_id,
                      text("quote"), text("kept_at"), pid=writer, host=host)


def list_drafts(library_path: str | Path) -> list[PaperDraft]:
    """The library's kept paper drafts, newest first."""
    return [read(k) for k in drafts.list_drafts(drafts_dir(library_path))]


@dataclass
class Check:
    """What a kept draft is against the library now. ``status``: "restore" (as it was typed), "as_note" (its
    note was changed or deleted since: restored as a new note, the other change kept), "saved" (the library
    holds it already), "blocked" (it cannot be put back: ``says`` why)."""
    status: str
    says: str = ""


def check(lib, d: PaperDraft) -> Check:
    from gapscope.store import LibraryError

    if d.problem:
        return Check("blocked", d.problem)
    try:
        paper = lib.get_paper(d.paper_id)
    except LibraryError:
        return Check("blocked", "the paper was deleted since: the text is not put anywhere")
    typed = d.text.strip()
    if d.field == "note":
        return Check("saved") if any(n["body"].strip() == typed for n in lib.notes_of(paper.id)) else Check("restore")
    if d.field == "tag":
        return Check("saved") if typed in lib.tags_of(paper.id) else Check("restore")
    if d.field == "title":
        now = " ".join(paper.title.split())
        if now == " ".join(typed.split()):
            return Check("saved")
        if d.started_from and now != " ".join(d.started_from.split()):
            return Check("blocked", f"the title was changed since, to “{_short(now)}”: that title is kept")
        return Check("restore")
    if d.field == "abstract":
        now = (paper.abstract or "").strip()
        if now == typed:
            return Check("saved")
        if now != d.started_from.strip():
            since = f", to “{_short(now)}”: that abstract is kept" if now else " (cleared): that is kept"
            return Check("blocked", "the abstract was changed since" + since)
        return Check("restore")
    if d.field == "note_edit":
        note = next((n for n in lib.notes_of(paper.id) if n["id"] == d.note_id), None)
        if note is not None and note["body"].strip() == typed:
            return Check("saved")
        if note is None:
            return Check("as_note", "the note was deleted since: Restore puts the text in the note box as a new note")
        if note["body"] != d.started_from:
            return Check("as_note", "the note was changed since: Restore puts the text in the note box as a new "
                                    "note, the change kept")
        return Check("restore")
    if d.field == "comment":              # a highlight's note: saved when a highlight of the paper carries it
        held = [h["comment"] for h in lib.highlights_with_ids(paper.id)] + \
               [h["comment"] for h in lib.pdf_highlights(paper.id)]
        return Check("saved") if any((c or "").strip() == typed for c in held) else Check("restore")
    return Check("restore")


def describe(lib, d: PaperDraft) -> str:
    """One line for the list of kept drafts: the field, the paper, when, and the start of the text."""
    if d.problem:
        return d.problem
    title = d.paper_title
    try:
        title = lib.get_paper(d.paper_id).title
    except Exception:  # noqa: BLE001 - gone: the title it had when the text was typed names it
        pass
    what = FIELDS[d.field]
    when = f", {d.kept_at}" if d.kept_at else ""
    return f"{what} on “{_short(title) or f'paper {d.paper_id}'}” (#{d.paper_id}{when}): “{_short(d.text, 90)}”"


def _short(text: str, n: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[:n - 1] + "…"
