"""The detail pane: one paper's header with links, its abstract coloured by facet role with the user's
highlights drawn on it (a search term's mark over a highlight's colour over the facet tint), tags, and the
notes with the highlights of the abstract and of its PDFs listed under them. Edits (tags, notes,
highlights) are saved at once through the core functions, on the writer queue. A highlight is made by
selecting words of the abstract (Highlight, Ctrl+H, or the context menu) and kept on the stored abstract's
offsets, whatever LaTeX the screen renders.

What is typed in the tag and note boxes is a draft of the paper shown: each paper keeps its own while
the window is open (switching back brings it back), a draft leaves its box only once it is saved, and
the window asks about unsaved drafts before it closes or opens another library (:meth:`unsaved_drafts`).
A tag's × removes it from the paper; a note's Edit and Delete links change it (Delete asks first).
The title is edited by the header's "Edit title" link or F2 (a record imported without a title shows
its placeholder, "[untitled] ...", with a link to set the real one); a title that could not be saved is
kept as the paper's title draft, shown over the header, until it is saved or discarded. The abstract is
edited the same way, by the "Edit abstract" link under it or Shift+F2, in a box of many lines: saved empty,
it is cleared (asked first); a changed abstract leaves the maps, concepts and gaps out of date (their views
say so) until the next analysis, and the highlights on words it no longer holds go into a note.

Every such draft, and the text typed into an Edit note / Edit title / Edit abstract / highlight-note box
while it is open, is also kept in the library's folder until it is saved or discarded (paper_drafts.py, drafts.py),
so a window killed meanwhile loses nothing: the next window offers it back."""

from __future__ import annotations

import html
from typing import Optional
from urllib.parse import unquote

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QInputDialog, QLabel, QLineEdit, QMessageBox, QPlainTextEdit,
                               QPushButton, QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from gapscope.models import tag_problem

from .. import paper_drafts, theme
from ..drafts import DraftKeeper
from ..library_paths import same_library
from ..widgets.confirm import highlight_may_go
from ..widgets.kept_box import ask_kept
from ..widgets.rows import right_aligned
from ..widgets.wrapping_label import WrappingLabel, breakable
from ..write_guard import set_enabled
from .paper_html import (abstract_cuts, abstract_edit_html, abstract_html, attachments_html, display_abstract,
                         highlights_html, legend_html, load_attachments, load_highlights, load_pdf_highlights,
                         load_runs, load_sentences, paper_header_html, pdf_highlights_html, query_terms, runs_html,
                         shown_tag, tag_chip_html)

DIALOG = "dialog"        # the keeper's key for the text typed in an open Edit note / title / abstract / note box
EDITED_FIELDS = ("title", "abstract")     # a paper's own fields: their drafts replace them (tags, notes are added)


class DetailPane(QWidget):
    tagsChanged = Signal()
    noteAdded = Signal(int)
    notesChanged = Signal(int)          # a note of this paper was edited or deleted
    titleChanged = Signal(int)          # the user gave this paper a new title
    abstractChanged = Signal(int)       # the user set, replaced or cleared this paper's abstract
    pdfHighlightAsked = Signal(int, int, int, str)   # paper id, its PDF (attachment id), page (1-based), text
    pdfAsked = Signal(int, int)         # paper id, its PDF (attachment id): open it in the Reader
    said = Signal(str)                  # a line for the status bar (what an undo or a redo did)
    draftNotKept = Signal(str)          # the drafts cannot be written to the library's folder: why

    def __init__(self, tasks, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.setAccessibleName("Paper details")
        self.lib = None
        self.paper = None
        self.query = ""
        # (paper id, "tag" | "note" | "title" | "abstract"): the text typed
        self.drafts: dict[tuple[int, str], str] = {}
        self.draft_origins: dict[tuple[int, str], str] = {}   # a title or abstract draft's key: what it was typed over
        self.drafts_library = None                      # the library the drafts belong to
        self.saving: set[tuple[int, str]] = set()       # drafts on the writer queue, not saved yet
        self.note_edits: dict[int, str] = {}            # note id: its edit on the writer queue, not saved yet
        # paper id: (what, line) of each change that could not be saved for it, said under its notes at
        # every redraw (an abstract edit saved meanwhile redraws the pane) until another paper is shown
        self.refusals: dict[int, list[tuple[str, str]]] = {}
        # the drafts, the text of an open edit box and the edits being saved, kept on disk (paper_drafts.py)
        self.kept = DraftKeeper(paper_drafts.PREFIX, "the unsaved notes and titles", self)
        self.kept.failed.connect(self.draftNotKept)

        self.browser = QTextBrowser()
        self.browser.setObjectName("detailBrowser")
        self.browser.setOpenLinks(False)          # web links go to the browser, highlight:remove/ID here
        self.browser.anchorClicked.connect(self._link)
        self.browser.document().setDocumentMargin(10)
        self.browser.setContextMenuPolicy(Qt.CustomContextMenu)
        self.browser.customContextMenuRequested.connect(self._context_menu)
        self.shown = ("", [])                     # the abstract as shown, and each character's source span
        self.highlights: list[dict] = []
        self.pdf_highlights: list[dict] = []         # the Reader's, listed with their page

        self.act_highlight = QAction("Highlight", self)
        self.act_highlight.setShortcut(QKeySequence("Ctrl+H"))
        self.act_highlight.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.act_highlight.setStatusTip("Highlight the words selected in the abstract")
        self.act_highlight.triggered.connect(lambda: self.highlight_selection())
        self.act_highlight_note = QAction("Highlight with a Note…", self)
        self.act_highlight_note.setShortcut(QKeySequence("Ctrl+Shift+H"))
        self.act_highlight_note.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.act_highlight_note.triggered.connect(self._highlight_with_note)
        self.act_edit_title = QAction("Edit Title…", self)
        self.act_edit_title.setShortcut(QKeySequence(Qt.Key_F2))
        self.act_edit_title.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.act_edit_title.setStatusTip("Change the title of the paper shown")
        self.act_edit_title.triggered.connect(lambda: self.ask_edit_title())
        self.act_edit_abstract = QAction("Edit Abstract…", self)
        self.act_edit_abstract.setShortcut(QKeySequence("Shift+F2"))
        self.act_edit_abstract.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.act_edit_abstract.setStatusTip("Set, change or clear the abstract of the paper shown")
        self.act_edit_abstract.triggered.connect(lambda: self.ask_edit_abstract())
        # Edit > Undo: the shown paper's latest title or abstract edit, kept in the library (so after a
        # restart too); Ctrl+Z while the pane or the paper list has the focus (the window adds it there)
        self.act_undo_edit = QAction("Undo Edit", self)
        self.act_undo_edit.setObjectName("undoPaperEdit")
        self.act_undo_edit.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.act_undo_edit.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.act_undo_edit.setStatusTip("Put back the title and abstract the paper shown had before its last edit")
        self.act_undo_edit.triggered.connect(lambda: self.undo_edit())
        # Edit > Redo: the edit the last undo took back, made again (Ctrl+Shift+Z, or the platform's own)
        self.act_redo_edit = QAction("Redo Edit", self)
        self.act_redo_edit.setObjectName("redoPaperEdit")
        self.act_redo_edit.setShortcuts(QKeySequence.StandardKey.Redo)
        self.act_redo_edit.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.act_redo_edit.setStatusTip("Make again the edit of the paper shown that Undo took back")
        self.act_redo_edit.triggered.connect(lambda: self.redo_edit())
        self.undoing: Optional[int] = None              # the paper whose undo or redo is on the writer queue
        self.addAction(self.act_highlight)
        self.addAction(self.act_highlight_note)
        self.addAction(self.act_undo_edit)
        self.addAction(self.act_redo_edit)
        self.addAction(self.act_edit_title)
        self.addAction(self.act_edit_abstract)
        self.highlight_button = QPushButton("Highlight")
        self.highlight_button.setObjectName("highlightButton")
        self.highlight_button.setToolTip("Select words in the abstract, then Highlight (Ctrl+H; "
                                         "Ctrl+Shift+H adds a note)")
        self.highlight_button.clicked.connect(lambda: self.highlight_selection())
        self.highlight_button.setEnabled(False)
        # its own "on" and "off" through the write guard: one said while read-only is kept for later
        self.browser.selectionChanged.connect(
            lambda: set_enabled(self.highlight_button, self.selection_span() is not None))

        self.tags_label = WrappingLabel()        # never cut off, and never wider than the pane
        self.tags_label.setTextFormat(Qt.RichText)
        self.tags_label.setTextInteractionFlags(Qt.LinksAccessibleByMouse | Qt.LinksAccessibleByKeyboard)
        self.tags_label.linkActivated.connect(self._tag_link)
        self.tag_edit = QLineEdit(placeholderText="Add tag…")
        self.tag_edit.setObjectName("tagEdit")
        self.tag_edit.returnPressed.connect(self._add_tag)
        self.tag_edit.textChanged.connect(lambda _t: self._draft_changed("tag"))

        self.notes_view = QTextBrowser()
        self.notes_view.setObjectName("notesView")
        self.notes_view.setOpenLinks(False)        # note:edit/ID and note:delete/ID are handled here
        self.notes_view.anchorClicked.connect(self._note_link)
        self.note_edit = QPlainTextEdit(placeholderText="Write a note — Ctrl+Enter saves it")
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setMaximumHeight(self.note_edit.fontMetrics().lineSpacing() * 5 + 20)   # five lines
        self.note_edit.textChanged.connect(lambda: self._draft_changed("note"))
        self.save_note = QPushButton("Add note")
        self.save_note.clicked.connect(self._add_note)
        QShortcut(QKeySequence("Ctrl+Return"), self.note_edit, activated=self._add_note).setWhatsThis(
            "Save the note being written")

        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(8, 4, 8, 8)
        mark_row = QHBoxLayout()
        mark_hint = QLabel("Select words in the abstract to highlight them.")
        mark_hint.setWordWrap(True)
        theme.set_text_colour(mark_hint, "tertiary")
        mark_row.addWidget(mark_hint, 1)
        mark_row.addWidget(self.highlight_button)
        bl.addLayout(mark_row)
        tag_row = QHBoxLayout()
        tag_row.addWidget(QLabel("<b>Tags</b>"))
        tag_row.addWidget(self.tags_label, 1)
        tag_row.addWidget(self.tag_edit)
        bl.addLayout(tag_row)
        bl.addWidget(QLabel("<b>Notes</b>"))
        bl.addWidget(self.notes_view, 1)
        bl.addWidget(self.note_edit)
        bl.addLayout(right_aligned(self.save_note))

        self.splitter = QSplitter(Qt.Vertical)
        self.splitter.addWidget(self.browser)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.show_paper(None)

    def set_library(self, lib) -> None:
        # drafts stay through a reload of the same library (after a failure) and while none is open;
        # another library's papers are not theirs (the window asked about them before opening it)
        if lib is not None and not same_library(lib.path, self.drafts_library):
            self.drafts.clear()
            self.draft_origins.clear()
            self.saving.clear()
            self.note_edits.clear()
            self.refusals.clear()
            self.kept.let_go()          # the old library's kept drafts stay in its folder, not followed here
        if lib is not None:
            self.drafts_library = lib.path
            self.kept.set_folder(paper_drafts.drafts_dir(lib.path))
        self.lib = lib
        self.show_paper(None)

    def writers(self) -> list:
        """The controls that write to the library (held off while it is read-only)."""
        return [self.tag_edit, self.note_edit, self.save_note, self.highlight_button, self.act_highlight,
                self.act_highlight_note, self.act_edit_title, self.act_edit_abstract, self.act_undo_edit,
                self.act_redo_edit]

    def set_query(self, query: str) -> None:
        self.query = query
        if self.paper is not None:
            self._render()

    def show_paper(self, paper_id: Optional[int]) -> None:
        left = self.paper.id if self.paper is not None else None
        if left is not None and left != paper_id:
            self.refusals.pop(left, None)        # said while the paper was shown: the task log keeps it
        enabled = paper_id is not None and self.lib is not None
        self.paper = self.lib.get_paper(paper_id) if enabled else None
        self._load_drafts()
        self._undo_state()
        if not enabled:
            self.shown = ("", [])
            self.highlights = []
            self.pdf_highlights = []
            self.browser.setHtml(f'<p style="color:{theme.colour("faint")}; margin-top:40px;" align="center">'
                                 'Select a paper to see its '
                                 'abstract, tags and notes.</p>')
            self.tags_label.clear()
            self.notes_view.clear()
            return
        self._render()

    # --- drafts: what is typed in the tag and note boxes, per paper --------------------------------
    def _editor_text(self, kind: str) -> str:
        return self.tag_edit.text() if kind == "tag" else self.note_edit.toPlainText()

    def _load_drafts(self) -> None:
        """Fill the boxes with the shown paper's own drafts (nothing without a paper); a draft being
        saved stays in its box, read-only, until it is saved."""
        pid = self.paper.id if self.paper is not None else None
        for kind, box in (("tag", self.tag_edit), ("note", self.note_edit)):
            text = self.drafts.get((pid, kind), "")
            if self._editor_text(kind) != text:
                box.blockSignals(True)       # loading a draft is not typing one
                if kind == "note":
                    box.setPlainText(text)
                else:
                    box.setText(text)
                box.blockSignals(False)
            box.setReadOnly((pid, kind) in self.saving)
            set_enabled(box, pid is not None)       # through the write guard, as every writing control
        set_enabled(self.save_note, pid is not None and (pid, "note") not in self.saving)

    def _draft_changed(self, kind: str) -> None:
        if self.paper is None:
            return
        text = self._editor_text(kind)
        if text.strip():
            self.drafts[(self.paper.id, kind)] = text
        else:
            self.drafts.pop((self.paper.id, kind), None)
        self._keep((self.paper.id, kind))

    # --- drafts kept on disk (paper_drafts.py): written as typed (drafts.KEEP_EVERY_MS), gone once saved ----
    def _title_of(self, paper_id: int) -> str:
        if self.paper is not None and self.paper.id == paper_id:
            return self.paper.title
        try:
            return self.lib.get_paper(paper_id).title if self.lib is not None else ""
        except Exception:  # noqa: BLE001 - a name for the draft file only
            return ""

    def _draft_data(self, key: tuple[int, str]) -> dict:
        pid, kind = key
        return paper_drafts.draft_data(pid, kind, self.drafts[key], self.draft_origins.get(key, ""),
                                       paper_title=self._title_of(pid))

    def _keep(self, key: tuple[int, str]) -> None:
        """The draft ``key`` as it is now, to its file (or its file removed: saved, discarded, emptied)."""
        if self.drafts.get(key, "").strip():
            self.kept.keep(key, self._draft_data(key))
        else:
            self.draft_origins.pop(key, None)
            self.kept.drop(key)

    def _keep_all(self) -> None:
        for key in self.kept.keys():
            if isinstance(key, tuple) and isinstance(key[0], int) and key not in self.drafts:
                self._keep(key)
        for key in list(self.drafts):
            self._keep(key)

    def _keep_in_flight(self, paper_id: int, field: str, text: str, started_from: str = "", **more) -> str:
        """Text on its way to the library (a note edit, a highlight's note): kept until its save answers (the
        key returned, to drop then); the edit box it came from, if any, has closed."""
        return self.kept.keep_until_saved(paper_drafts.draft_data(
            paper_id, field, text, started_from, paper_title=self._title_of(paper_id), **more), replacing=DIALOG)

    def restore_draft(self, paper_id: int, kind: str, text: str, path, started_from: str = "") -> str:
        """A draft kept by an earlier window (its file at ``path``) back as the paper's unsaved ``kind``
        ("note", "tag" or "title"); a note joins a note being typed. Returns "" or why it was not restored."""
        key = (paper_id, kind)
        now, text = self.drafts.get(key, "").strip(), text.strip()
        if kind == "note":
            text = f"{now}\n\n{text}" if now and text not in now else (now or text)
        elif now and now != text:
            return (f"The paper's {kind} box holds another {kind} not saved yet (“{now}”): save or clear it, "
                    "then restore this one.")
        self.drafts[key] = text
        if kind in EDITED_FIELDS:
            self.draft_origins[key] = started_from
        self.kept.take_over(key, path, self._draft_data(key))
        if self.paper is not None and self.paper.id == paper_id:
            self._load_drafts()
            self._render()
        return ""

    def forget_deleted_papers(self) -> None:
        """Papers were deleted: their drafts (and the files keeping them) go with them, not asked about on
        close nor offered by the next window."""
        from gapscope.store import LibraryError

        if self.lib is None:
            return
        gone = set()
        for pid in {key[0] for key in list(self.drafts) + list(self.kept.keys()) if isinstance(key, tuple)}:
            try:
                self.lib.get_paper(pid)
            except LibraryError:
                gone.add(pid)
        for key in [k for k in list(self.drafts) if k[0] in gone and k not in self.saving]:
            del self.drafts[key]
            self._keep(key)
        for key in [k for k in self.kept.keys() if isinstance(k, tuple) and k[0] in gone and k not in self.saving]:
            self.kept.drop(key)

    def unsaved_drafts(self) -> list[tuple[int, str, str]]:
        """``(paper id, "tag" | "note" | "title" | "abstract", text)`` of each draft not saved and not being
        saved."""
        return [(pid, kind, text) for (pid, kind), text in self.drafts.items()
                if text.strip() and (pid, kind) not in self.saving]

    def save_drafts(self) -> list:
        """Save every unsaved draft to its paper (on the writer queue); returns the tasks."""
        tasks = [self.save_draft(pid, kind) for pid, kind, _t in self.unsaved_drafts()]
        return [t for t in tasks if t is not None]

    def discard_drafts(self) -> None:
        for pid, kind, _t in self.unsaved_drafts():
            del self.drafts[(pid, kind)]
        self._keep_all()
        self._load_drafts()
        if self.paper is not None:
            self._render()                # a title or abstract draft shown over the header goes

    def save_draft(self, paper_id: int, kind: str):
        """Save the paper's tag, note, title or abstract draft; it leaves its box only once saved (a failure
        leaves it there to try again). Returns the task, or None when there is nothing to save."""
        key = (paper_id, kind)
        body = self.drafts.get(key, "").strip()
        if not body or key in self.saving or self.drafts_library is None:
            return None
        held = kind == "tag" and self.lib is not None and same_library(self.lib.path, self.drafts_library) \
            and self.lib.has_tag(body)
        if kind == "tag" and (why := tag_problem(body, held=held)):      # said, and the draft kept to shorten
            line = f"The tag was not added: {why}"
            self._refuse(paper_id, "tag", line)
            self.said.emit(line)
            return None
        self.saving.add(key)
        self.kept.flush()                      # on disk as it goes: "Saving…" is not yet saved
        self._refresh_paper(paper_id, kind)
        name, fn = {"tag": ("Add tag", _add_tag), "note": ("Add note", _add_note),
                    "title": ("Edit title", _set_title), "abstract": ("Edit abstract", _set_abstract)}[kind]
        return self.tasks.save(name, fn, paper_id, body, library=self.drafts_library,
                               on_result=lambda _r: self._draft_saved(key, body),
                               on_error=lambda m, _t: self._draft_failed(key, m))

    def _draft_saved(self, key: tuple[int, str], body: str) -> None:
        self.saving.discard(key)
        self._forget_refusal(key[0], _REFUSED_DRAFT.get(key[1], key[1]))     # saved now: no longer true
        rest = self.drafts.pop(key, "").strip()
        if key[1] in EDITED_FIELDS:
            rest = "" if rest == body else rest       # another text typed meanwhile stays to be saved
        else:
            # text added to the draft while it was saved (a failed note edit's) stays in the box
            rest = rest[len(body):].strip() if rest.startswith(body) else rest
        if rest:
            self.drafts[key] = rest
        self._keep(key)
        self._refresh_paper(key[0], key[1])
        if key[1] == "tag":
            self.tagsChanged.emit()
        elif key[1] == "title":
            self.titleChanged.emit(key[0])
        elif key[1] == "abstract":
            self.abstractChanged.emit(key[0])
        else:
            self.noteAdded.emit(key[0])

    def _draft_failed(self, key: tuple[int, str], message: str) -> None:
        self.saving.discard(key)
        self._refresh_paper(key[0], key[1])
        if key[1] in EDITED_FIELDS:
            message += f" (the {key[1]} is kept over the paper's details: Edit {key[1]} saves it)"
        self._not_saved(_REFUSED_DRAFT.get(key[1], key[1]), message, key[0])

    def _refresh_paper(self, paper_id: int, kind: str = "") -> None:
        """Show the paper's tags, notes and boxes again (the whole paper for a title or an abstract), when it
        is still the one on screen."""
        if self.paper is not None and self.paper.id == paper_id and self.lib is not None:
            if kind in EDITED_FIELDS:
                self.show_paper(paper_id)       # read again: its title or abstract may have changed
                return
            self._load_drafts()
            self._render_tags()
            self._render_notes()

    def annotations_changed(self, paper_id: int) -> None:
        """Highlights of ``paper_id`` were made or removed elsewhere (the Reader): shown again if on screen."""
        if self.paper is not None and self.paper.id == paper_id and self.lib is not None:
            self._render()

    def _render(self) -> None:
        p = self.paper
        sents = load_sentences(self.lib, p.id)
        self.highlights = load_highlights(self.lib, p.id)
        self.pdf_highlights = load_pdf_highlights(self.lib, p.id)
        self.shown = display_abstract(p.abstract or "", abstract_cuts(sents or [], self.highlights))
        body = (paper_header_html(p, editable=self._writable()) + attachments_html(load_attachments(self.lib, p.id))
                + legend_html(sents)
                + abstract_html(p.abstract, sents, query_terms(self.query), self.highlights)
                + abstract_edit_html(bool((p.abstract or "").strip()), self._writable())
                + runs_html(load_runs(self.lib, p.id)))
        if p.abstract_truncated:
            body += (f'<p style="color:{theme.colour("caution")}; font-size:small;">'
                     'The source gave a truncated abstract.</p>')
        self.browser.setHtml(self._draft_html(p.id, "title") + self._draft_html(p.id, "abstract") + body)
        self._render_tags()
        self._render_notes()

    def _draft_html(self, paper_id: int, kind: str) -> str:
        """A title or abstract typed for the paper and not saved (its save failed, or it was restored), over
        the header."""
        key = (paper_id, kind)
        draft = self.drafts.get(key, "").strip()
        if not draft:
            return ""
        state = ("saving…" if key in self.saving else f'not saved: <a href="{kind}:edit">Edit {kind}</a> saves it, '
                 f'<a href="{kind}:discard">Discard</a> forgets it')
        shown = html.escape(draft if len(draft) <= 600 else draft[:600] + "…").replace("\n", "<br>")
        return f'<p style="color:{theme.colour("warning")};">{kind.capitalize()} {state}<br>“{shown}”</p>'

    def discard_title_draft(self, paper_id: int, kind: str = "title") -> None:
        key = (paper_id, kind)
        if key in self.saving:
            return
        self.drafts.pop(key, None)
        self._keep(key)
        self._refresh_paper(paper_id, kind)

    # --- highlights ------------------------------------------------------------------------------
    def _abstract_block(self):
        shown = self.shown[0]
        if not shown:
            return None
        block = self.browser.document().begin()
        while block.isValid():
            if block.text() == shown:
                return block
            block = block.next()
        return None

    def selection_span(self) -> Optional[tuple[int, int]]:
        """The stored abstract's ``(start, end)`` under the selection, or None when nothing of the
        abstract is selected. A selection that runs past the abstract is cut to it."""
        cursor = self.browser.textCursor()
        block = self._abstract_block() if self.paper is not None else None
        if block is None or not cursor.hasSelection():
            return None
        shown, spans = self.shown
        a = max(0, _characters(shown, cursor.selectionStart() - block.position()))
        b = min(len(shown), _characters(shown, cursor.selectionEnd() - block.position()))
        while a < b and shown[a].isspace():
            a += 1
        while b > a and shown[b - 1].isspace():
            b -= 1
        if a >= b:
            return None
        return spans[a][0], spans[b - 1][1]

    def highlight_selection(self, comment: str = "", color: str = "yellow"):
        """Save the selected words of the abstract as a highlight (on the writer queue); returns the
        task, or None when nothing of the abstract is selected."""
        span = self.selection_span()
        if span is None or self.paper is None or not self._writable():
            return None
        pid = self.paper.id
        # a note typed for the highlight is not lost with a failed save: it goes to the note box, quoting
        # the words it was about
        words = " ".join((self.paper.abstract or "")[span[0]:span[1]].split())
        kept = f"“{words}”: {comment.strip()}" if comment.strip() else ""
        flying = self._keep_in_flight(pid, "comment", comment.strip(), quote=words) if kept else None
        # the words on screen go with it: an abstract edit saved first (it may wait behind a long job on the
        # writer queue) would put the span on other words
        made_on = (self.paper.abstract or "")[span[0]:span[1]]
        return self.tasks.save("Highlight", _add_highlight, pid, span[0], span[1], color, comment, made_on,
                               library=self.lib.path,
                               on_result=lambda _h: self._saved(pid, self._render, lambda: None, flying),
                               on_error=lambda m, _t: self._note_change_failed(pid, "highlight", m, kept, flying))

    def _highlight_with_note(self) -> None:
        span = self.selection_span()
        if span is None or self.paper is None:
            return
        words = " ".join((self.paper.abstract or "")[span[0]:span[1]].split())
        answered = self._ask_in_box(lambda start: QInputDialog.getText(self, "Highlight with a note", "Note:",
                                                                       QLineEdit.Normal, start),
                                    "", "Highlight with a note", "highlight's note",
                                    paper_id=self.paper.id, field="comment", started_from="", quote=words)
        if answered is None:
            return                             # kept for the next window, the box closed under it
        note, ok = answered
        if ok:
            self.highlight_selection(comment=note.strip())
        self.kept.drop(DIALOG)

    def ask_remove_highlight(self, highlight_id: int) -> None:
        """The "remove" link: asks first when the highlight carries a note (there is no undo); nothing is
        asked of a read-only library, where nothing could be removed."""
        if self.paper is None or not self._writable():
            return
        hit = next((h for h in self.highlights if h.get("id") == highlight_id), None)
        if highlight_may_go(self, hit.get("comment") if hit is not None else None):
            self.remove_highlight(highlight_id)

    def remove_highlight(self, highlight_id: int):
        if self.paper is None or not self._writable():
            return None
        pid = self.paper.id
        return self.tasks.save("Remove highlight", _remove_highlight, highlight_id, library=self.lib.path,
                               on_result=lambda _r: self._saved(pid, self._render, lambda: None),
                               on_error=lambda m, _t: self._not_saved("highlight removal", m, pid))

    def _link(self, url: QUrl) -> None:
        if url.toString() in ("title:edit", "abstract:edit"):
            (self.ask_edit_title if url.toString() == "title:edit" else self.ask_edit_abstract)()
            return
        if url.toString() in ("title:discard", "abstract:discard"):
            if self.paper is not None:
                self.discard_title_draft(self.paper.id, url.scheme())
            return
        if url.scheme() == "highlight":
            action, _, ident = url.path().partition("/")
            if action == "remove" and ident.isdigit():
                self.ask_remove_highlight(int(ident))
            return
        if url.scheme() == "pdf":
            action, _, ident = url.path().partition("/")
            if action == "open" and ident.isdigit() and self.paper is not None:
                self.pdfAsked.emit(self.paper.id, int(ident))
            return
        if url.scheme() == "pdfhighlight":
            action, _, ident = url.path().partition("/")
            hit = next((h for h in self.pdf_highlights if str(h["id"]) == ident), None)
            if action == "show" and hit is not None and self.paper is not None:
                self.pdfHighlightAsked.emit(self.paper.id, int(hit["attachment_id"]), int(hit["page"]), hit["text"])
            return
        QDesktopServices.openUrl(url)

    def _context_menu(self, pos) -> None:
        menu = self.browser.createStandardContextMenu(pos)
        can = self.selection_span() is not None
        menu.addSeparator()
        for a in (self.act_highlight, self.act_highlight_note):
            set_enabled(a, can)
            menu.addAction(a)
        if self.paper is not None:
            menu.addAction(self.act_edit_title)
            menu.addAction(self.act_edit_abstract)
        menu.exec(self.browser.mapToGlobal(pos))
        for a in (self.act_highlight, self.act_highlight_note):
            set_enabled(a, True)

    # --- the title ---------------------------------------------------------------------------------
    def ask_edit_title(self) -> None:
        """Ask for the shown paper's title (a placeholder starts the box empty; a title draft, the box
        starts from it) and save it."""
        from gapscope.editing import EditError, clean_title
        from gapscope.models import is_untitled

        if self.paper is None or not self._writable() or (self.paper.id, "title") in self.saving:
            return
        # the paper asked about: the pane may show another one by the time the box is answered (a list
        # read again behind the modal box selects the paper it was asked to)
        pid, current = self.paper.id, self.paper.title
        draft = self.drafts.get((pid, "title"), "")
        answered = self._ask_in_box(
            lambda start: QInputDialog.getText(self, "Edit title", "Title:", QLineEdit.Normal, start),
            draft or ("" if is_untitled(current) else current), "Edit title", "title",
            paper_id=pid, field="title", started_from=current)
        if answered is None:
            return                             # kept for the next window, the box closed under it
        text, ok = answered
        if not ok:
            self.kept.drop(DIALOG)             # a title draft from before stays as it was
            return
        try:
            title = clean_title(text)
        except EditError as exc:
            self.kept.drop(DIALOG)
            QMessageBox.warning(self, "Edit title", f"The title was not changed: {exc}.")
            return
        if title != current:
            self.edit_title(title, pid, started_from=current)
        else:
            if draft:
                self.discard_title_draft(pid)      # the title as it is: nothing left to save
            self.said.emit(f"No change: paper #{pid}'s title is already this text.")
        self.kept.drop(DIALOG)

    def edit_title(self, title: str, paper_id: Optional[int] = None, started_from: Optional[str] = None):
        """Save ``title`` as paper ``paper_id``'s (the shown paper's by default), on the writer queue;
        returns the task. Until it is saved it is the paper's title draft: a failed save keeps it so."""
        return self._edit_field("title", title, paper_id, started_from)

    def _edit_field(self, kind: str, text: str, paper_id: Optional[int], started_from: Optional[str]):
        """Save ``text`` as the paper's ``kind`` (one of EDITED_FIELDS) through its draft (see edit_title)."""
        if paper_id is None and self.paper is not None:
            paper_id = self.paper.id
        if paper_id is None or not self._writable() or (paper_id, kind) in self.saving:
            return None
        if started_from is None:
            started_from = (self._title_of(paper_id) if kind == "title"
                            else self.lib.get_paper(paper_id).abstract or "")
        self._set_draft((paper_id, kind), text, started_from)
        return self.save_draft(paper_id, kind)          # written to its draft file as it goes

    def _set_draft(self, key: tuple[int, str], text: str, started_from: str) -> None:
        self.drafts[key] = text
        self.draft_origins[key] = started_from
        self._keep(key)

    # --- the abstract ------------------------------------------------------------------------------
    def ask_edit_abstract(self) -> None:
        """The Edit abstract box (many lines), starting from the abstract (or its draft): saved changed, it
        is the paper's abstract; saved empty, the abstract is cleared once the user says so."""
        from gapscope.editing import EditError, clean_abstract

        if self.paper is None or not self._writable() or (self.paper.id, "abstract") in self.saving:
            return
        pid, current = self.paper.id, self.paper.abstract or ""
        draft = self.drafts.get((pid, "abstract"), "")
        answered = self._ask_in_box(
            lambda start: QInputDialog.getMultiLineText(self, "Edit abstract", "Abstract (save it empty to clear it):",
                                                        start),
            draft or current, "Edit abstract", "abstract", paper_id=pid, field="abstract", started_from=current)
        if answered is None:
            return                             # kept for the next window, the box closed under it
        text, ok = answered
        if not ok:
            self.kept.drop(DIALOG)
            return
        if not text.strip():
            self.kept.drop(DIALOG)
            if current.strip() and QMessageBox.question(
                    self, "Clear abstract", "Clear this paper's abstract? Highlights on it are kept in a note; "
                    "the maps and gaps built from it show as out of date until the next analysis.",
                    QMessageBox.Yes | QMessageBox.No, QMessageBox.No) == QMessageBox.Yes:
                if draft:
                    self.discard_title_draft(pid, "abstract")     # cleared: no abstract typed is left to save
                self.clear_abstract(pid)
            return
        try:
            abstract = clean_abstract(text)
        except EditError as exc:
            QMessageBox.warning(self, "Edit abstract", f"The abstract was not changed: {exc}.")
            self._hold_draft(pid, "abstract", text, current)    # not lost: Edit abstract opens on it
            self.kept.drop(DIALOG)
            return
        if abstract != current.strip():
            self.edit_abstract(abstract, pid, started_from=current)
        else:       # saved as it is: nothing written (nor its check tag taken off: that is the tag's own ×)
            if draft:
                self.discard_title_draft(pid, "abstract")     # the abstract as it is: nothing left to save
            self.said.emit(f"No change: paper #{pid}'s abstract is already this text.")
        self.kept.drop(DIALOG)

    def _hold_draft(self, paper_id: int, kind: str, text: str, started_from: str) -> None:
        """``text`` as the paper's unsaved ``kind`` draft, over its details (and kept on disk)."""
        self._set_draft((paper_id, kind), text, started_from)
        self._refresh_paper(paper_id, kind)

    def edit_abstract(self, abstract: str, paper_id: Optional[int] = None, started_from: Optional[str] = None):
        """Save ``abstract`` as paper ``paper_id``'s (the shown paper's by default), on the writer queue, as
        :meth:`edit_title` does a title; returns the task."""
        return self._edit_field("abstract", abstract, paper_id, started_from)

    def clear_abstract(self, paper_id: int):
        """Take the paper's abstract away (on the writer queue); returns the task."""
        if not self._writable():
            return None
        return self.tasks.save("Clear abstract", _clear_abstract, paper_id, library=self.lib.path,
                               on_result=lambda _r: (self._refresh_paper(paper_id, "abstract"),
                                                     self.abstractChanged.emit(paper_id)),
                               on_error=lambda m, _t: self._not_saved("abstract change", m, paper_id))

    # --- undoing and redoing an edit of the title or abstract ----------------------------------------------
    def _undo_state(self) -> None:
        """Edit > Undo and Redo name what they would take back or make again of the shown paper (off when
        nothing, or while an edit, an undo or a redo is on its way: they would act on another edit than the
        one shown)."""
        pid = self.paper.id if self.paper is not None else None
        busy = self.undoing is not None or any((pid, k) in self.saving for k in EDITED_FIELDS)
        for act, verb, edit in ((self.act_undo_edit, "Undo", self.lib.latest_paper_edit(pid) if pid is not None
                                 else None),
                                (self.act_redo_edit, "Redo", self.lib.next_paper_redo(pid) if pid is not None
                                 else None)):
            named = " and ".join(f.capitalize() for f in EDITED_FIELDS
                                 if edit is not None and edit[f"new_{f}"] is not None)
            act.setText(f"{verb} {named} Edit" if named else f"{verb} Edit")
            set_enabled(act, bool(named) and not busy)

    def undo_edit(self):
        """Take back the shown paper's latest edit of its title and abstract (on the writer queue), only while
        it is still its latest (another window or the gapscope command may have edited it since); returns the
        task, or None when there is nothing to undo."""
        return self._edit_back("undo")

    def redo_edit(self):
        """Make again the shown paper's edit that the last undo took back (on the writer queue), only while it
        is still the next to redo; returns the task, or None when there is nothing to redo."""
        return self._edit_back("redo")

    def _edit_back(self, verb: str):
        if self.paper is None or not self._writable() or self.undoing is not None:
            return None
        pid = self.paper.id
        if any((pid, k) in self.saving for k in EDITED_FIELDS):
            return None                         # an edit on its way: this would act on the one before it
        edit = self.lib.latest_paper_edit(pid) if verb == "undo" else self.lib.next_paper_redo(pid)
        if edit is None:
            self.said.emit(self._nothing_to(verb, pid))
            return None
        self.undoing = pid
        self._undo_state()
        return self.tasks.save(f"{verb.capitalize()} edit", _undo_edit if verb == "undo" else _redo_edit, pid,
                               edit["id"], library=self.lib.path,
                               on_result=lambda r: self._edit_is_back(pid, r, verb),
                               on_error=lambda m, _t: self._back_ended(pid, m, verb))

    def _nothing_to(self, verb: str, pid: int) -> str:
        """Why an undo or redo does nothing: a paper whose edits are all undone was edited all the same."""
        if verb == "redo":
            return f"Nothing to redo: the title and abstract of paper #{pid} have no undone edit to make again."
        if self.lib.paper_edits(pid):           # edited, and every edit undone already
            return f"Nothing left to undo: every edit of paper #{pid}'s title and abstract is undone."
        return f"Nothing to undo: the title and abstract of paper #{pid} were not edited."

    def _edit_is_back(self, paper_id: int, back, verb: str) -> None:
        if isinstance(back, str):               # no longer the edit to undo or redo, or the text changed since
            self._back_ended(paper_id, back, verb)
            return
        self.undoing = None
        self._refresh_paper(paper_id, "abstract")       # the whole paper read again
        self._undo_state()
        if back.title is not None:
            self.titleChanged.emit(paper_id)
        if back.abstract is not None:
            self.abstractChanged.emit(paper_id)
        self.said.emit(_back_line(paper_id, back, verb))

    def _back_ended(self, paper_id: int, why: str, verb: str) -> None:
        """The undo or redo did not happen: say why, under the paper's notes (and in the status bar)."""
        self.undoing = None
        self._refresh_paper(paper_id, "abstract")       # the paper as it is now (edited elsewhere, say)
        self._undo_state()
        line = f"{'Not undone' if verb == 'undo' else 'Not redone'}: {why}"
        self._refuse(paper_id, verb, line)
        self.said.emit(line)

    def _writable(self) -> bool:
        return self.lib is not None and not self.lib.read_only

    def _render_tags(self) -> None:
        tags = self.lib.tags_of(self.paper.id)
        remove = self._writable()
        faint = theme.colour("faint")
        chips = [tag_chip_html(t, remove) for t in tags]
        draft = self.drafts.get((self.paper.id, "tag"), "").strip()
        if (self.paper.id, "tag") in self.saving and draft not in tags:
            shown = html.escape(breakable(shown_tag(draft)))
            chips.append(f'<span style="color:{faint};"><i>{shown} (saving…)</i></span>')
        self.tags_label.setText(" ".join(chips) or f'<span style="color:{faint};">none</span>')
        tip = ["× removes a tag from this paper"] if tags and remove else []
        tip += [f"“{html.escape(shown_tag(t))}” is “{html.escape(breakable(t))}”"      # shortened: whole here
                for t in tags if shown_tag(t) != t]
        self.tags_label.setToolTip("".join(f"<p>{t}</p>" for t in tip))

    def _render_notes(self) -> None:
        notes = self.lib.notes_of(self.paper.id)
        edit = self._writable()
        faint = theme.colour("faint")
        parts = [f'<p><span style="color:{faint}; font-size:small;">'
                 f'{html.escape(n["updated_at"][:16].replace("T", " "))}'
                 + (f' &nbsp;<a href="note:edit/{n["id"]}">Edit</a> &nbsp;<a href="note:delete/{n["id"]}">Delete</a>'
                    if edit else "")
                 + f'</span><br>{html.escape(n["body"]).replace(chr(10), "<br>")}</p>' for n in notes]
        if (self.paper.id, "note") in self.saving:
            draft = self.drafts.get((self.paper.id, "note"), "").strip()
            parts.append(f'<p style="color:{faint};"><i>Saving…</i><br>'
                         f'{html.escape(draft).replace(chr(10), "<br>")}</p>')
        said = "".join(_refusal_html(line) for _what, line in self.refusals.get(self.paper.id, []))
        # the user's own words on the paper in one place: the notes, then the highlights of the abstract (also
        # drawn on it above) and of its PDFs, each with its note and its remove / show link
        marks = highlights_html(self.highlights, removable=edit) + pdf_highlights_html(self.pdf_highlights)
        self.notes_view.setHtml(("".join(parts) or f'<p style="color:{faint};">No notes yet.</p>') + marks + said)

    def _add_tag(self) -> None:
        if self.paper is not None:
            self.save_draft(self.paper.id, "tag")

    def _add_note(self) -> None:
        if self.paper is not None:
            self.save_draft(self.paper.id, "note")

    # --- removing a tag, editing and deleting a note ------------------------------------------------
    def _tag_link(self, link: str) -> None:
        action, _, name = link.partition("/")
        if action == "tag:remove" and name:
            self.remove_tag(unquote(name))

    def remove_tag(self, name: str):
        """Take the tag off the shown paper (the tag stays on its other papers)."""
        if self.paper is None or not self._writable():
            return None
        pid = self.paper.id
        return self.tasks.save("Remove tag", _remove_tag, pid, name, library=self.lib.path,
                               on_result=lambda _n: self._saved(pid, self._render_tags, self.tagsChanged.emit),
                               on_error=lambda m, _t: self._not_saved("tag removal", m, pid))

    def _note_link(self, url: QUrl) -> None:
        if url.scheme() in ("highlight", "pdfhighlight"):      # the highlights listed under the notes
            self._link(url)
            return
        action, _, ident = url.toString().partition("/")
        if not ident.isdigit():
            return
        if action == "note:edit":
            self.ask_edit_note(int(ident))
        elif action == "note:delete":
            self.ask_delete_note(int(ident))

    def _note(self, note_id: int) -> Optional[dict]:
        if self.paper is None:
            return None
        return next((n for n in self.lib.notes_of(self.paper.id) if n["id"] == note_id), None)

    def ask_edit_note(self, note_id: int, text: Optional[str] = None, kept_path=None) -> None:
        """The Edit note box, starting from the note (or from ``text``: an edit kept by an earlier window,
        its file at ``kept_path``, which follows the box from here on; cancelled, it may stay kept)."""
        note = self._note(note_id)
        if note is None:
            return
        pid = self.paper.id
        # an edit still waiting for the library's lock is where the next one begins (and what it expects)
        now = self.note_edits.get(note_id, note["body"])
        if kept_path is not None:
            self.kept.adopt(DIALOG, kept_path)
        answered = self._ask_in_box(
            lambda start: QInputDialog.getMultiLineText(self, "Edit note", "Note:", start),
            now if text is None else text, "Edit note", "note", restored=kept_path is not None,
            paper_id=pid, field="note_edit", started_from=now, note_id=note_id)
        if answered is None:
            return                              # kept for later
        body, ok = answered
        if not ok or body.strip() == now.strip():
            self.kept.drop(DIALOG)
            return
        if body.strip():
            self.edit_note(note_id, body.strip(), expected=now, paper_id=pid)
        else:                                   # emptied: that is a delete, asked as one
            self.kept.drop(DIALOG)
            self.ask_delete_note(note_id)

    def _ask_in_box(self, ask, start: str, title: str, what: str, *, restored: bool = False, paper_id: int,
                    field: str, started_from: str, **more) -> Optional[tuple[str, bool]]:
        """The edit box ``ask(text)`` (an Edit note / Edit title / note box): what is typed into it is kept as a
        draft (DIALOG) while it is open, and not lost by its Cancel (kept_box.ask_kept)."""
        paper_title = self._title_of(paper_id)
        return ask_kept(self, self.kept, DIALOG, ask, start, lambda text: paper_drafts.draft_data(
            paper_id, field, text, started_from, paper_title=paper_title, **more)
            if text.strip() and text.strip() != started_from.strip() else None,
            title=title, what=what, started_from=started_from, restored=restored)

    def ask_delete_note(self, note_id: int) -> None:
        note = self._note(note_id)
        if note is None:
            return
        now = self.note_edits.get(note_id, note["body"])
        preview = now if len(now) <= 200 else now[:200] + "…"
        answer = QMessageBox.question(self, "Delete note", f"Delete this note?\n\n{preview}",
                                      QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        if answer == QMessageBox.Yes:
            self.delete_note(note_id, expected=now)

    def edit_note(self, note_id: int, body: str, expected: Optional[str] = None, paper_id: Optional[int] = None):
        """Replace the note's text; ``expected``, the text the edit began from: a note changed or deleted
        elsewhere meanwhile is not written over. A failed edit's text goes to the note box of its paper
        (``paper_id``, the paper the edit box was opened on: by default the one shown)."""
        if self.paper is None or not self._writable():
            return None
        pid = paper_id if paper_id is not None else self.paper.id
        flying = self._keep_in_flight(pid, "note_edit", body, expected or "", note_id=note_id)
        task = self._note_change("Edit note", _update_note, note_id, body, expected, what="note change", typed=body,
                                 flying=flying, paper_id=pid)
        if task is not None:
            self.note_edits[note_id] = body
        return task

    def delete_note(self, note_id: int, expected: Optional[str] = None):
        return self._note_change("Delete note", _delete_note, note_id, expected, what="note deletion")

    def _note_change(self, name: str, fn, *args, what: str, typed: str = "", flying: Optional[str] = None,
                     paper_id: Optional[int] = None):
        if self.paper is None or not self._writable():
            return None
        pid, note_id = paper_id if paper_id is not None else self.paper.id, args[0]

        def ended() -> None:
            if typed and self.note_edits.get(note_id) == typed:
                del self.note_edits[note_id]

        return self.tasks.save(name, fn, *args, library=self.lib.path,
                               on_result=lambda _r: (ended(), self._saved(pid, self._render_notes,
                                                                          lambda: self.notesChanged.emit(pid), flying)),
                               on_error=lambda m, _t: (ended(), self._note_change_failed(pid, what, m, typed, flying)))

    def _note_change_failed(self, paper_id: int, what: str, message: str, typed: str,
                            flying: Optional[str] = None) -> None:
        """A note edit (or a highlight's note) that could not be saved (changed elsewhere meanwhile, the
        library locked or full): what the user typed is not thrown away but kept as the paper's note draft,
        to save as a new note (or copy back), and asked about on close as any draft."""
        if typed.strip():
            key = (paper_id, "note")
            draft = self.drafts.get(key, "").strip()
            self.drafts[key] = f"{draft}\n\n{typed.strip()}" if draft else typed.strip()
            self._keep(key)
            self.kept.flush()                 # kept as a note draft before its copy on its way goes
            message += " (your text is kept in the note box below)"
        if flying is not None:
            self.kept.drop(flying)
        self._refresh_paper(paper_id)         # the notes as they are now (changed elsewhere, say)
        self._not_saved(what, message, paper_id)

    def _saved(self, paper_id: int, render, announce, flying: Optional[str] = None) -> None:
        if flying is not None:
            self.kept.drop(flying)            # saved: its kept copy goes
        if self.paper is not None and self.paper.id == paper_id:   # still on screen
            render()
        announce()

    def _not_saved(self, what: str, message: str, paper_id: Optional[int] = None) -> None:
        """Say under the notes that a change of paper ``paper_id`` (by default the one shown) was not saved,
        now and at each redraw of that paper's notes until another paper is shown."""
        self._refuse(paper_id, what, f"The {what} was not saved: {message}")

    def _refuse(self, paper_id: Optional[int], what: str, line: str) -> None:
        if paper_id is None and self.paper is not None:
            paper_id = self.paper.id
        if paper_id is not None:
            self.refusals.setdefault(paper_id, []).append((what, line))
        self.notes_view.append(_refusal_html(line))

    def _forget_refusal(self, paper_id: int, what: str) -> None:
        kept = [r for r in self.refusals.get(paper_id, []) if r[0] != what]
        if kept:
            self.refusals[paper_id] = kept
        else:
            self.refusals.pop(paper_id, None)


_REFUSED_DRAFT = {"title": "title change", "abstract": "abstract change"}   # a draft's kind, as a refusal names it


def _refusal_html(line: str) -> str:
    return f'<p style="color:{theme.colour("warning")};">{html.escape(line)}</p>'


def _back_line(paper_id: int, back, verb: str) -> str:
    """The status bar's line for an undo or a redo (editing.UndoneEdit, RedoneEdit)."""
    from gapscope.textfmt import plural

    fields = " and ".join(f for f, v in (("title", back.title), ("abstract", back.abstract)) if v is not None)
    when = back.edited_at[:16].replace("T", " ")
    line = (f"Undone: paper #{paper_id}'s {fields} as before the edit of {when}" if verb == "undo"
            else f"Redone: paper #{paper_id}'s {fields} as the edit of {when} set it")
    if back.restored:
        line += f"; {plural(back.restored, 'mark')} back on their words"
    if back.superseded:     # a correction made since on the same words stands; the note keeps the older one
        line += (f"; {plural(back.superseded, 'facet correction')} not put back (a newer one on the same words "
                 "stands; the note keeps it)")
    if back.abstract is not None:
        line += "; its facet labels are redone by the next analysis"
    return line + "."


# Writer-queue side (a worker with its own Library).
def _add_tag(lib, paper_id: int, name: str, *, progress=None, cancel=None) -> int:
    return lib.add_tag([paper_id], name)


def _remove_tag(lib, paper_id: int, name: str, *, progress=None, cancel=None) -> int:
    return lib.remove_tag([paper_id], name)


def _set_title(lib, paper_id: int, title: str, *, progress=None, cancel=None) -> str:
    from gapscope.editing import set_title

    return set_title(lib, paper_id, title)


def _set_abstract(lib, paper_id: int, text: str, *, progress=None, cancel=None):
    from gapscope.editing import set_abstract

    return set_abstract(lib, paper_id, text)


def _undo_edit(lib, paper_id: int, edit_id: int, *, progress=None, cancel=None):
    """The edit undone (editing.UndoneEdit), or a sentence saying why not: it is no longer the paper's
    latest, or the paper's text changed since."""
    from gapscope.editing import NotUndone, undo_edit

    try:
        return undo_edit(lib, paper_id, edit_id)
    except NotUndone as exc:
        return str(exc)


def _redo_edit(lib, paper_id: int, edit_id: int, *, progress=None, cancel=None):
    """The edit made again (editing.RedoneEdit), or a sentence saying why not, as :func:`_undo_edit`."""
    from gapscope.editing import NotRedone, redo_edit

    try:
        return redo_edit(lib, paper_id, edit_id)
    except NotRedone as exc:
        return str(exc)


def _clear_abstract(lib, paper_id: int, *, progress=None, cancel=None):
    from gapscope.editing import clear_abstract

    return clear_abstract(lib, paper_id)


def _characters(text: str, units: int) -> int:
    """How many of ``text``'s characters the first ``units`` UTF-16 units hold (Qt's positions count a
    character outside the Basic Multilingual Plane, 𝒪 or an emoji, as two; Python's offsets, which
    highlights are stored in, as one)."""
    if units <= 0 or text.isascii():
        return units
    return len(text.encode("utf-16-le")[:2 * units].decode("utf-16-le", errors="ignore"))


def _add_note(lib, paper_id: int, body: str, *, progress=None, cancel=None) -> int:
    return lib.add_note(paper_id, body)


def _update_note(lib, note_id: int, body: str, expected: Optional[str] = None, *, progress=None,
                 cancel=None) -> None:
    lib.update_note(note_id, body, expected=expected)


def _delete_note(lib, note_id: int, expected: Optional[str] = None, *, progress=None, cancel=None) -> None:
    lib.delete_note(note_id, expected=expected)


def _add_highlight(lib, paper_id: int, start: int, end: int, color: str, comment: str, made_on: str, *,
                   progress=None, cancel=None) -> int:
    from gapscope.triage.annotate import add_highlight

    return add_highlight(lib, paper_id, start, end, color, comment, made_on=made_on)


def _remove_highlight(lib, highlight_id: int, *, progress=None, cancel=None) -> None:
    from gapscope.triage.annotate import remove_highlight

    remove_highlight(lib, highlight_id)
