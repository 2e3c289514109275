"""The detail pane: one paper's header with links, its abstract coloured by facet role, tags and notes.
Edits (tags, notes) are saved at once through the core Library methods, on the writer queue."""

from __future__ import annotations

import html
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSplitter,
                               QTextBrowser, QVBoxLayout, QWidget)

from .paper_html import (abstract_html, highlights_html, legend_html, load_highlights, load_sentences,
                         paper_header_html, query_terms)


class DetailPane(QWidget):
    tagsChanged = Signal()
    noteAdded = Signal(int)

    def __init__(self, tasks, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.lib = None
        self.paper = None
        self.query = ""

        self.browser = QTextBrowser()
        self.browser.setObjectName("detailBrowser")
        self.browser.setOpenExternalLinks(True)
        self.browser.document().setDocumentMargin(10)

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
        QShortcut(QKeySequence("Ctrl+Return"), self.note_edit, activated=self._add_note)

        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(8, 4, 8, 8)
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
        body = (paper_header_html(p) + legend_html(sents) + abstract_html(p.abstract, sents, query_terms(self.query))
                + highlights_html(load_highlights(self.lib, p.id)))
        if p.abstract_truncated:
            body += '<p style="color:#a60; font-size:small;">The source gave a truncated abstract.</p>'
        self.browser.setHtml(body)
        self._render_tags()
        self._render_notes()

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
