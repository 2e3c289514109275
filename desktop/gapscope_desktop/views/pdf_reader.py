"""The PDF reader: a paper's attached PDF page by page (rendered with pypdfium2; PySide6-Essentials has
no QtPdf), zoom, find, the page's sentences to pick from, and highlights stored in the library.

A highlight is a sentence of the full text (as `gapscope pdf text` shows it) with its page and the
boxes pdfium finds it in; it is saved through the writer queue and drawn on the page.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
                               QScrollArea, QSplitter, QVBoxLayout, QWidget)

from gapscope.fulltext.locate import sentence_rects

ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
_COLOURS = {"yellow": QColor(255, 220, 0, 90), "green": QColor(80, 200, 80, 90), "red": QColor(240, 80, 80, 90)}


class PdfReader(QWidget):
    """Shows one paper's PDF. ``show_paper`` opens its latest readable attachment."""

    highlightSaved = Signal(int)      # paper id

    def __init__(self, tasks, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfReader")
        self.tasks = tasks
        self.lib = None
        self.paper_id: Optional[int] = None
        self.attachment: Optional[dict] = None
        self.path: Optional[Path] = None
        self.pages = 0
        self.page = 0
        self.zoom = 1.0
        self.highlights: list[dict] = []

        self.prev_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        self.page_label = QLabel()
        self.zoom_out = QPushButton("−")
        self.zoom_in = QPushButton("+")
        self.find_edit = QLineEdit(placeholderText="Find in PDF…")
        self.prev_button.clicked.connect(lambda: self.set_page(self.page - 1))
        self.next_button.clicked.connect(lambda: self.set_page(self.page + 1))
        self.zoom_out.clicked.connect(lambda: self._step_zoom(-1))
        self.zoom_in.clicked.connect(lambda: self._step_zoom(1))
        self.find_edit.returnPressed.connect(lambda: self.find(self.find_edit.text()))
        bar = QHBoxLayout()
        for w in (self.prev_button, self.page_label, self.next_button, self.zoom_out, self.zoom_in):
            bar.addWidget(w)
        bar.addWidget(self.find_edit, 1)

        self.page_view = QLabel()
        self.page_view.setAlignment(Qt.AlignHCenter | Qt.AlignTop)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.page_view)
        self.scroll.setWidgetResizable(True)

        self.sentence_list = QListWidget()
        self.sentence_list.setObjectName("pdfSentences")
        self.sentence_list.setWordWrap(True)
        self.comment_edit = QLineEdit(placeholderText="Comment (optional)")
        self.highlight_button = QPushButton("Highlight sentence")
        self.highlight_button.clicked.connect(self.highlight_selected)
        self.status = QLabel()
        self.status.setWordWrap(True)
        side = QWidget()
        sl = QVBoxLayout(side)
        sl.setContentsMargins(4, 0, 0, 0)
        sl.addWidget(QLabel("<b>Sentences on this page</b>"))
        sl.addWidget(self.sentence_list, 1)
        sl.addWidget(self.comment_edit)
        sl.addWidget(self.highlight_button)
        sl.addWidget(self.status)

        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.scroll)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self.show_paper(None)

    # --- what is shown --------------------------------------------------------------------------------
    def set_library(self, lib) -> None:
        self.lib = lib
        self.show_paper(None)

    def show_paper(self, paper_id: Optional[int]) -> bool:
        """Open the paper's PDF; False (with a hint on the page) when it has none that can be read."""
        from gapscope.fulltext import stored_path

        self.paper_id, self.attachment, self.path, self.pages = paper_id, None, None, 0
        atts = self.lib.attachments_of(paper_id) if (self.lib is not None and paper_id is not None) else []
        readable = [a for a in atts if a["status"] == "extracted"]
        if readable:
            self.attachment = readable[-1]
            self.path = stored_path(self.lib, self.attachment)
            self.pages = self.attachment["pages"] or 0
        for w in (self.prev_button, self.next_button, self.zoom_in, self.zoom_out, self.find_edit,
                  self.highlight_button, self.comment_edit):
            w.setEnabled(self.path is not None)
        if self.path is None:
            self.page_view.setPixmap(QPixmap())
            self.sentence_list.clear()
            hint = ("The PDF attached to this paper cannot be read." if atts else
                    "No PDF attached. Drag a PDF onto the window, or run `gapscope attach FILE`.")
            self.page_view.setText(f'<p style="color:#888; margin-top:40px;">{html.escape(hint)}</p>'
                                   if paper_id is not None else "")
            self.page_label.setText("")
            return False
        self.page = 0
        self._load_highlights()
        self.set_page(0)
        return True

    def set_page(self, index: int) -> None:
        if self.path is None:
            return
        self.page = max(0, min(index, self.pages - 1))
        self.page_label.setText(f"page {self.page + 1} / {self.pages}")
        self._render()
        self._list_sentences()

    def _step_zoom(self, step: int) -> None:
        i = min(range(len(ZOOMS)), key=lambda k: abs(ZOOMS[k] - self.zoom))
        self.zoom = ZOOMS[max(0, min(len(ZOOMS) - 1, i + step))]
        self._render()

    def _render(self) -> None:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(self.path))
        try:
            page = doc[self.page]
            scale = self.zoom * 1.5
            height = page.get_height()
            bitmap = page.render(scale=scale, rev_byteorder=True)
            w, h = bitmap.width, bitmap.height
            image = QImage(bitmap.buffer, w, h, bitmap.stride, QImage.Format_RGB888 if bitmap.n_channels == 3
                           else QImage.Format_RGBA8888).copy()
        finally:
            doc.close()
        painter = QPainter(image)
        for hl in self.highlights:
            if hl["page"] != self.page + 1:
                continue
            for x0, y0, x1, y1 in hl["rects"]:
                painter.fillRect(int(x0 * scale), int((height - y1) * scale), int((x1 - x0) * scale),
                                 int((y1 - y0) * scale), _COLOURS.get(hl["color"], _COLOURS["yellow"]))
        painter.end()
        self.page_view.setPixmap(QPixmap.fromImage(image))

    def _list_sentences(self) -> None:
        self.sentence_list.clear()
        marked = {h["text"] for h in self.highlights if h["page"] == self.page + 1}
        for s in self.lib.fulltext_sentences(self.attachment["id"]):
            if s["page"] != self.page + 1:
                continue
            label = f"[{s['section'] or 'front matter'}] {s['text']}"
            item = QListWidgetItem(("★ " if s["text"] in marked else "") + label)
            item.setData(Qt.UserRole, s["text"])
            self.sentence_list.addItem(item)

    def _load_highlights(self) -> None:
        self.highlights = [h for h in self.lib.pdf_highlights(self.paper_id)
                           if self.attachment and h["attachment_id"] == self.attachment["id"]]

    def find(self, text: str) -> bool:
        """Go to the next page (after the one shown, wrapping) whose text holds ``text``."""
        import pypdfium2 as pdfium

        if self.path is None or not text.strip():
            return False
        doc = pdfium.PdfDocument(str(self.path))
        try:
            for k in range(1, self.pages + 1):
                i = (self.page + k) % self.pages
                if text.lower() in doc[i].get_textpage().get_text_range().lower():
                    self.set_page(i)
                    self.status.setText(f"found on page {i + 1}")
                    return True
        finally:
            doc.close()
        self.status.setText(f"“{text}” is not in this PDF")
        return False

    # --- highlights ------------------------------------------------------------------------------------
    def highlight_selected(self) -> None:
        item = self.sentence_list.currentItem()
        if item is None or self.path is None:
            self.status.setText("Pick a sentence in the list first.")
            return
        text = item.data(Qt.UserRole)
        rects = sentence_rects(self.path, self.page, text)
        pid, att, page, comment = self.paper_id, self.attachment["id"], self.page + 1, self.comment_edit.text().strip()
        self.comment_edit.clear()
        self.tasks.save("Highlight", _add_pdf_highlight, pid, att, page, text, rects, comment,
                        library=self.lib.path, on_result=lambda _id: self._highlight_saved(pid),
                        on_error=lambda m, _t: self.status.setText(f"The highlight was not saved: {m}"))

    def _highlight_saved(self, paper_id: int) -> None:
        if paper_id == self.paper_id and self.path is not None:
            self._load_highlights()
            self._render()
            self._list_sentences()
            self.status.setText("Highlight saved.")
        self.highlightSaved.emit(paper_id)


# Writer-queue side (a worker with its own Library).
def _add_pdf_highlight(lib, paper_id: int, attachment_id: int, page: int, text: str, rects, comment: str, *,
                       progress=None, cancel=None) -> int:
    return lib.add_pdf_highlight(paper_id, attachment_id, page, text, rects, comment=comment)


def dropped_pdfs(urls, library_path: Optional[Path]) -> list[Path]:
    """The local PDF files among dropped URLs, by name only (nothing is opened here), never one inside
    the open library's folder (docs/architecture.md, "Library file safety")."""
    root = None
    if library_path is not None and (Path(library_path).suffix == ".gapscope" or Path(library_path).is_dir()):
        root = Path(library_path).resolve()
    out = []
    for url in urls:
        if not url.isLocalFile():
            continue
        p = Path(url.toLocalFile())
        if p.suffix.lower() != ".pdf" or (root is not None and root in p.resolve().parents):
            continue
        out.append(p)
    return out


def attach_dropped(lib, paths: list[str], *, progress=None, cancel=None) -> list[dict]:
    """Writer-queue side of a drop: attach the PDFs (matched to papers, or new papers to check)."""
    from gapscope.fulltext import attach_paths

    return [r.to_dict() for r in attach_paths(lib, paths, progress=progress, cancel=cancel)]
