"""The detail pane: one paper's header with links, its abstract coloured by facet role, the user's
highlights, tags and notes. Edits (tags, notes, highlights) are saved at once through the core functions,
on the writer queue. A highlight is made by selecting words of the abstract (Highlight, Ctrl+H, or the
context menu) and kept on the stored abstract's offsets, whatever LaTeX the screen renders."""

from __future__ import annotations

import html
from typing import Optional

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QInputDialog, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from .paper_html import (abstract_cuts, abstract_html, display_abstract, highlights_html, legend_html,
                         load_highlights, load_sentences, paper_header_html, query_terms)


class DetailPane(QWidget):
    tagsChanged = Signal()
    noteAdded = Signal(int)

    def __init__(self, tasks, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.setAccessibleName("Paper details")
        self.lib = None
        self.paper = None
        self.query = ""

        self.browser = QTextBrowser()
        self.browser.setObjectName("detailBrowser")
        self.browser.setOpenLinks(False)          # web links go to the browser, highlight:remove/ID here
        self.browser.anchorClicked.connect(self._link)
        self.browser.document().setDocumentMargin(10)
        self.browser.setContextMenuPolicy(Qt.CustomContextMenu)
        self.browser.customContextMenuRequested.connect(self._context_menu)
        self.shown = ("", [])                     # the abstract as shown, and each character's source span
        self.highlights: list[dict] = []

        self.act_highlight = QAction("Highlight", self)
        self.act_highlight.setShortcut(QKeySequence("Ctrl+H"))
        self.act_highlight.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.act_highlight.setStatusTip("Highlight the words selected in the abstract")
        self.act_highlight.triggered.connect(lambda: self.highlight_selection())
        self.act_highlight_note = QAction("Highlight with a Note…", self)
        self.act_highlight_note.setShortcut(QKeySequence("Ctrl+Shift+H"))
        self.act_highlight_note.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.act_highlight_note.triggered.connect(self._highlight_with_note)
        self.addAction(self.act_highlight)
        self.addAction(self.act_highlight_note)
        self.highlight_button = QPushButton("Highlight")
        self.highlight_button.setObjectName("highlightButton")
        self.highlight_button.setToolTip("Select words in the abstract, then Highlight (Ctrl+H; "
                                         "Ctrl+Shift+H adds a note)")
        self.highlight_button.clicked.connect(lambda: self.highlight_selection())
        self.highlight_button.setEnabled(False)
        self.browser.selectionChanged.connect(
            lambda: self.highlight_button.setEnabled(self.selection_span() is not None))

        self.tags_label = QLabel()
        self.tags_label.setWordWrap(True)
        self.tags_label.setTextFormat(Qt.RichText)
        self.tag_edit = QLineEdit(placeholderText="Add tag…")
        self.tag_edit.returnPressed.connect(self._add_tag)

        self.notes_view = QTextBrowser()
        self.notes_view.setObjectName("notesView")
        self.note_edit = QPlainTextEdit(placeholderText="Write a note — Ctrl+Enter saves it")
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setMaximumHeight(90)
        self.save_note = QPushButton("Add note")
        self.save_note.clicked.connect(self._add_note)
        QShortcut(QKeySequence("Ctrl+Return"), self.note_edit, activated=self._add_note).setWhatsThis(
            "Save the note being written")

        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(8, 4, 8, 8)
        mark_row = QHBoxLayout()
        mark_row.addWidget(QLabel('<span style="color:#666;">Select words in the abstract to highlight them.</span>'), 1)
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
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_note)
        bl.addLayout(row)

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
        self.lib = lib
        self.show_paper(None)

    def set_query(self, query: str) -> None:
        self.query = query
        if self.paper is not None:
            self._render()

    def show_paper(self, paper_id: Optional[int]) -> None:
        enabled = paper_id is not None and self.lib is not None
        for w in (self.tag_edit, self.note_edit, self.save_note):
            w.setEnabled(enabled)
        if not enabled:
            self.paper = None
            self.shown = ("", [])
            self.highlights = []
            self.browser.setHtml('<p style="color:#888; margin-top:40px;" align="center">Select a paper to see its '
                                 'abstract, tags and notes.</p>')
            self.tags_label.clear()
            self.notes_view.clear()
            return
        self.paper = self.lib.get_paper(paper_id)
        self._render()

    def _render(self) -> None:
        p = self.paper
        sents = load_sentences(self.lib, p.id)
        self.highlights = load_highlights(self.lib, p.id)
        self.shown = display_abstract(p.abstract or "", abstract_cuts(sents or [], self.highlights))
        body = (paper_header_html(p) + legend_html(sents)
                + abstract_html(p.abstract, sents, query_terms(self.query), self.highlights)
                + highlights_html(self.highlights))
        if p.abstract_truncated:
            body += '<p style="color:#a60; font-size:small;">The source gave a truncated abstract.</p>'
        self.browser.setHtml(body)
        self._render_tags()
        self._render_notes()

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
        a = max(0, cursor.selectionStart() - block.position())
        b = min(len(shown), cursor.selectionEnd() - block.position())
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
        if span is None or self.paper is None or self.lib is None:
            return None
        pid = self.paper.id
        return self.tasks.save("Highlight", _add_highlight, pid, span[0], span[1], color, comment,
                               library=self.lib.path,
                               on_result=lambda _h: self._saved(pid, self._render, lambda: None),
                               on_error=lambda m, _t: self._not_saved("highlight", m))

    def _highlight_with_note(self) -> None:
        if self.selection_span() is None:
            return
        note, ok = QInputDialog.getText(self, "Highlight with a note", "Note:")
        if ok:
            self.highlight_selection(comment=note.strip())

    def remove_highlight(self, highlight_id: int):
        if self.paper is None or self.lib is None:
            return None
        pid = self.paper.id
        return self.tasks.save("Remove highlight", _remove_highlight, highlight_id, library=self.lib.path,
                               on_result=lambda _r: self._saved(pid, self._render, lambda: None),
                               on_error=lambda m, _t: self._not_saved("highlight removal", m))

    def _link(self, url: QUrl) -> None:
        if url.scheme() == "highlight":
            action, _, ident = url.path().partition("/")
            if action == "remove" and ident.isdigit():
                self.remove_highlight(int(ident))
            return
        QDesktopServices.openUrl(url)

    def _context_menu(self, pos) -> None:
        menu = self.browser.createStandardContextMenu(pos)
        can = self.selection_span() is not None
        menu.addSeparator()
        for a in (self.act_highlight, self.act_highlight_note):
            a.setEnabled(can)
            menu.addAction(a)
        menu.exec(self.browser.mapToGlobal(pos))
        for a in (self.act_highlight, self.act_highlight_note):
            a.setEnabled(True)

    def _render_tags(self) -> None:
        tags = self.lib.tags_of(self.paper.id)
        self.tags_label.setText(" ".join(
            f'<span style="background-color:#e8eef7; color:#234;">&nbsp;{html.escape(t)}&nbsp;</span>' for t in tags)
            or '<span style="color:#888;">none</span>')

    def _render_notes(self) -> None:
        notes = self.lib.notes_of(self.paper.id)
        if not notes:
            self.notes_view.setHtml('<p style="color:#888;">No notes yet.</p>')
            return
        self.notes_view.setHtml("".join(
            f'<p><span style="color:#888; font-size:small;">{html.escape(n["updated_at"][:16].replace("T", " "))}'
            f'</span><br>{html.escape(n["body"]).replace(chr(10), "<br>")}</p>' for n in notes))

    def _add_tag(self) -> None:
        name = self.tag_edit.text().strip()
        if not name or self.paper is None:
            return
        self.tag_edit.clear()
        pid = self.paper.id
        self.tasks.save("Add tag", _add_tag, pid, name, library=self.lib.path,
                        on_result=lambda _n: self._saved(pid, self._render_tags, self.tagsChanged.emit),
                        on_error=lambda m, _t: self._not_saved("tag", m))

    def _add_note(self) -> None:
        body = self.note_edit.toPlainText().strip()
        if not body or self.paper is None:
            return
        self.note_edit.clear()
        pid = self.paper.id
        self.tasks.save("Add note", _add_note, pid, body, library=self.lib.path,
                        on_result=lambda _n: self._saved(pid, self._render_notes, lambda: self.noteAdded.emit(pid)),
                        on_error=lambda m, _t: self._not_saved("note", m))

    def _saved(self, paper_id: int, render, announce) -> None:
        if self.paper is not None and self.paper.id == paper_id:   # still on screen
            render()
        announce()

    def _not_saved(self, what: str, message: str) -> None:
        self.notes_view.append(f'<p style="color:#a04000;">The {what} was not saved: {html.escape(message)}</p>')


# Writer-queue side (a worker with its own Library).
def _add_tag(lib, paper_id: int, name: str, *, progress=None, cancel=None) -> int:
    return lib.add_tag([paper_id], name)


def _add_note(lib, paper_id: int, body: str, *, progress=None, cancel=None) -> int:
    return lib.add_note(paper_id, body)


def _add_highlight(lib, paper_id: int, start: int, end: int, color: str, comment: str, *,
                   progress=None, cancel=None) -> int:
    from gapscope.triage.annotate import add_highlight

    return add_highlight(lib, paper_id, start, end, color, comment)


def _remove_highlight(lib, highlight_id: int, *, progress=None, cancel=None) -> None:
    from gapscope.triage.annotate import remove_highlight

    remove_highlight(lib, highlight_id)
