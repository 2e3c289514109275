"""The PDF reader: a paper's attached PDF page by page (rendered with pypdfium2; PySide6-Essentials has
no QtPdf), zoom, find, text selection with the mouse, the page's sentences to pick from, and highlights
stored in the library.

The page fits the pane's width (it follows the pane as it is resized) until the user zooms: Zoom in / out and
Ctrl+= / Ctrl+- step through ZOOMS, "Fit width" and Ctrl+0 go back to fitting.
Press and drag over the page selects characters (pdfium's character boxes, read once per page);
Ctrl+H or the page's context menu highlights the selection (the note from the comment field, or asked
for); the context menu over a highlight removes it. A highlight is the text with its page and boxes,
saved through the writer queue and drawn on the page. ``show_sentence`` opens a paper at a full-text
sentence and selects it (a gap's evidence).
Every pdfium call goes through gapscope.fulltext.pagetext, under the process-wide pdfium lock.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QEvent, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence, QPainter, QPixmap, QTextDocument
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QMenu, QMessageBox, QPushButton, QScrollArea, QSplitter,
                               QStyle, QStyledItemDelegate, QVBoxLayout, QWidget)

from gapscope.fulltext.attach import CHECK_TAG
from gapscope.fulltext.locate import sentence_rects
from gapscope.fulltext.pagetext import PageText, find_page, page_text, render_page
from gapscope.textfmt import plural
from gapscope.vocabulary import SHORTCOMING_NAMES

from .. import paper_drafts, theme
from ..drafts import DraftKeeper
from ..widgets.confirm import highlight_may_go
from ..widgets.kept_box import ask_kept
from ..write_guard import hold_menu_writers, set_enabled

log = logging.getLogger(__name__)

DIALOG, COMMENT = "dialog", "comment"   # the keeper's keys: the note box open, the comment field

ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
BASE_SCALE = 1.5                     # pixels per PDF point at 100 % (a page as wide as it prints, on a usual screen)
FIT_MARGIN = 6                       # pixels left free on each side of a page fitted to the width
_COLOURS = {"yellow": QColor(255, 220, 0, 90), "green": QColor(80, 200, 80, 90), "red": QColor(240, 80, 80, 90)}
_SELECTION = QColor(40, 110, 250, 80)
PAGE_MIN_WIDTH = 320                 # below this a page is unreadable at any zoom
SIDE_MAX_WIDTH = 480                 # the sentence list's widest default; the user may drag it wider
DEFAULT_PAGE_SHARE = 0.7
SPLIT_KEY = "reader/pageShare"       # the page's share of the width, as the user last left it
# A shortcoming sentence's mark on the page, by type (distinct from highlights); on paper, so the same under
# any palette. Its tag in the list takes the theme's chip_ colours, of the same hues.
SHORTCOMING_COLOURS = {"own": QColor(200, 40, 40), "prior": QColor(200, 120, 0), "open": QColor(40, 110, 200)}
SENTENCE_FILTERS = (("All sentences", None), ("Shortcomings", ("own", "prior", "open")), ("Own limitations", ("own",)))
LABELS_ROLE = Qt.UserRole + 1        # a list item's (role, shortcoming)
HTML_ROLE = Qt.UserRole + 2          # sentence_html's arguments: SentenceDelegate draws them in the palette's colours


def sentence_html(section: str, role: str, shortcoming: str, text: str, marked: bool) -> str:
    """A sentence of the list as rich text: its section and role in grey, a coloured tag naming its
    shortcoming type ("own limitation", "prior work", "open problem"), then the sentence."""
    tag = ""
    if shortcoming in SHORTCOMING_COLOURS:
        chip, on_chip = theme.colour("chip_" + shortcoming), theme.colour("chip_text")
        tag = (f'<span style="color:{on_chip}; background-color:{chip}; font-size:small;">&nbsp;'
               f'{html.escape(SHORTCOMING_NAMES[shortcoming])}&nbsp;</span> ')
    grey = " · ".join(x for x in (section, role) if x)
    return (("★ " if marked else "") + tag
            + f'<span style="color:{theme.colour("faint")}; font-size:small;">[{html.escape(grey)}]</span> '
            + html.escape(text))


class SentenceDelegate(QStyledItemDelegate):
    """Draws a list item's rich text (LABELS_ROLE's tag and grey labels), wrapped to the list's width."""

    def _doc(self, option, index) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        parts = index.data(HTML_ROLE)       # made into rich text here, so that a new palette recolours it
        doc.setHtml(sentence_html(*parts) if parts else html.escape(index.data(Qt.DisplayRole) or ""))
        view = self.parent()
        doc.setTextWidth(max(80, (view.viewport().width() if view is not None else option.rect.width()) - 8))
        return doc

    def paint(self, painter, option, index) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.CE_ItemViewItem, option, painter, option.widget)
        doc = self._doc(option, index)
        painter.save()
        painter.translate(option.rect.left() + 4, option.rect.top() + 2)
        doc.drawContents(painter)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt override
        doc = self._doc(option, index)
        return QSize(int(doc.idealWidth()) + 8, int(doc.size().height()) + 4)


def _saved_page_share() -> float:
    from .. import settings

    try:
        share = float(settings.get(SPLIT_KEY) or DEFAULT_PAGE_SHARE)
    except (TypeError, ValueError):
        share = DEFAULT_PAGE_SHARE
    return share if 0.05 < share < 0.95 else DEFAULT_PAGE_SHARE


class PageView(QLabel):
    """The page image; press-drag-release reports the points (widget coordinates) to the reader."""

    dragged = Signal(QPoint, QPoint, bool)        # start, current, finished
    menuAsked = Signal(QPoint)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("pdfPage")
        self.setCursor(Qt.IBeamCursor)
        self.setContextMenuPolicy(Qt.CustomContextMenu)
        self.customContextMenuRequested.connect(self.menuAsked)
        self._start: Optional[QPoint] = None

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.LeftButton:
            self._start = event.position().toPoint()
            self.dragged.emit(self._start, self._start, False)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._start is not None:
            self.dragged.emit(self._start, event.position().toPoint(), False)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._start is not None and event.button() == Qt.LeftButton:
            self.dragged.emit(self._start, event.position().toPoint(), True)
            self._start = None
        super().mouseReleaseEvent(event)


# what the Reader says with nothing to show: what to do, the window's way (the CLI's `gapscope attach` is
# for the command line)
NO_PAPER = ("Select a paper in the Library to read its PDF here (the sidebar’s “With a PDF” lists the papers "
            "that have one).")
NO_PDF = ("No PDF attached to this paper. Drop its PDF onto the window, or choose File > Attach PDF… (a PDF "
          "is matched to its paper by DOI, arXiv id or title).")


class PdfReader(QWidget):
    """Shows one paper's PDF. ``show_paper`` opens its latest readable attachment, or the one asked for (a
    highlight's: a paper may have several PDFs)."""

    highlightSaved = Signal(int)      # paper id: one of its highlights was saved or removed
    draftNotKept = Signal(str)        # the comment typed cannot be kept in the library's folder: why

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
        self.zoom = 1.0                                  # the page's scale / BASE_SCALE
        self.fit_width = True                            # the page follows the pane's width (until a zoom)
        self.highlights: list[dict] = []
        self.pages_read: dict[int, int] = {}          # attachment id: the page last shown (this session)
        self.text: Optional[PageText] = None          # the shown page's characters (for selection)
        self.selection: Optional[tuple[int, int]] = None
        self._scale = 1.5
        self._page_height = 0.0
        self._image: Optional[QImage] = None           # the page without overlays

        self.prev_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        self.page_label = QLabel()
        # words, not a bare "−" and "+", at no cost in width (a push button is 80 px wide at least)
        self.zoom_out = QPushButton("Zoom out")
        self.zoom_in = QPushButton("Zoom in")
        # what a screen reader says and a hover shows, with the keys; the arrows alone say nothing to either
        for button, name, keys in ((self.prev_button, "Previous page", ""), (self.next_button, "Next page", ""),
                                   (self.zoom_out, "Zoom out", "Ctrl+-"), (self.zoom_in, "Zoom in", "Ctrl+=")):
            button.setAccessibleName(name)
            button.setToolTip(f"{name} ({keys})" if keys else name)
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("pdfZoom")
        self.fit_button = QPushButton("Fit width")
        self.fit_button.setCheckable(True)
        self.fit_button.setChecked(True)
        self.fit_button.setToolTip("Fit the page to the pane's width, following it as it is resized (Ctrl+0)")
        self.find_edit = QLineEdit(placeholderText="Find in PDF…")
        self.prev_button.clicked.connect(lambda: self.set_page(self.page - 1))
        self.next_button.clicked.connect(lambda: self.set_page(self.page + 1))
        self.zoom_out.clicked.connect(lambda: self.step_zoom(-1))
        self.zoom_in.clicked.connect(lambda: self.step_zoom(1))
        self.fit_button.clicked.connect(lambda _on: self.fit_to_width())
        # the usual PDF reader keys; Ctrl++ too, for keyboards where + needs no Shift
        self.zoom_actions = []
        for keys, slot in ((("Ctrl+=", "Ctrl++"), lambda: self.step_zoom(1)), (("Ctrl+-",), lambda: self.step_zoom(-1)),
                           (("Ctrl+0",), lambda: self.fit_to_width())):
            act = QAction(self)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            self.zoom_actions.append(act)
        self.find_edit.returnPressed.connect(lambda: self.find(self.find_edit.text()))
        self.export_button = QPushButton("Export annotated PDF…")
        self.export_button.setToolTip("A copy of this PDF with its highlights as standard PDF annotations "
                                      "(Zotero, Acrobat and browsers show them); the library's copy is untouched")
        self.export_button.clicked.connect(self._ask_export)
        bar = QHBoxLayout()
        for w in (self.prev_button, self.page_label, self.next_button, self.zoom_out, self.zoom_label, self.zoom_in,
                  self.fit_button):
            bar.addWidget(w)
        bar.addWidget(self.find_edit, 1)
        bar.addWidget(self.export_button)

        self.page_view = PageView()
        self.page_view.setAlignment(Qt.AlignHCenter | Qt.AlignTop)
        self.page_view.setWordWrap(True)        # what it says with no page to show fits the pane (a page is a pixmap)
        self.page_view.dragged.connect(self._drag)
        self.page_view.menuAsked.connect(self._page_menu)
        self.highlight_action = QAction("Highlight selection", self)
        self.highlight_action.setShortcut(QKeySequence("Ctrl+H"))
        self.highlight_action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.highlight_action.triggered.connect(lambda: self.highlight_selection())
        self.addAction(self.highlight_action)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.page_view)
        self.scroll.setWidgetResizable(True)
        # A resize of the page's pane re-fits the page once the resizing pauses (a drag sends many).
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(40)
        self._refit.timeout.connect(self._follow_width)
        self.scroll.installEventFilter(self)

        self.sentence_list = QListWidget()
        self.sentence_list.setObjectName("pdfSentences")
        self.sentence_list.setWordWrap(True)
        self.sentence_list.setItemDelegate(SentenceDelegate(self.sentence_list))
        self.sentence_filter = QComboBox()
        for name, _kinds in SENTENCE_FILTERS:
            self.sentence_filter.addItem(name)
        self.sentence_filter.setToolTip("Show every sentence of the page, only those stating a shortcoming, or "
                                        "only the paper's own limitations")
        self.sentence_filter.currentIndexChanged.connect(lambda _i: self._filter_sentences())
        self.mark_shortcomings = QCheckBox("Mark on page")
        self.mark_shortcomings.setChecked(True)
        self.mark_shortcomings.setToolTip("Underline the shortcoming sentences on the page in their tag's colour")
        self.mark_shortcomings.toggled.connect(lambda _on: self._paint())
        self._shortcoming_marks: list[tuple[list, QColor]] = []     # the page's shortcoming sentences' boxes
        self.comment_edit = QLineEdit(placeholderText="Comment (optional)")
        # the comment typed, and a highlight's note on its way to the library, kept in the library's folder
        # until saved (paper_drafts.py): a window killed meanwhile loses neither
        self.kept = DraftKeeper(paper_drafts.PREFIX, "the unsaved highlight notes", self)
        self.kept.failed.connect(self.draftNotKept)
        self.comment_edit.textChanged.connect(self._comment_typed)
        self.highlight_button = QPushButton("Highlight sentence")
        self.highlight_button.clicked.connect(self.highlight_selected)
        self.status = QLabel()
        self.status.setWordWrap(True)
        side = QWidget()
        sl = QVBoxLayout(side)
        sl.setContentsMargins(4, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(QLabel("<b>Sentences on this page</b>"), 1)
        head.addWidget(self.sentence_filter)
        head.addWidget(self.mark_shortcomings)
        sl.addLayout(head)
        sl.addWidget(self.sentence_list, 1)
        sl.addWidget(self.comment_edit)
        sl.addWidget(self.highlight_button)
        sl.addWidget(self.status)

        # The sentence list's size hint (long wrapped lines) would otherwise win over stretch factors and
        # squeeze the page to a sliver: the split follows a share of the width, the user's once moved.
        self.scroll.setMinimumWidth(PAGE_MIN_WIDTH)
        self.sentence_list.setMinimumWidth(160)
        self.split = QSplitter(Qt.Horizontal)
        self.split.setObjectName("pdfReaderSplit")
        self.split.addWidget(self.scroll)
        self.split.addWidget(side)
        self.split.setChildrenCollapsible(False)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 1)
        self.split.splitterMoved.connect(self._split_moved)
        self._page_share = _saved_page_share()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.split, 1)
        self.show_paper(None)

    # --- the split between page and sentences -----------------------------------------------------------
    def split_sizes(self, width: int) -> list[int]:
        """The page's and the sentence list's widths for a split ``width`` pixels wide: the page's share
        (the user's last, or most of it), the list at most SIDE_MAX_WIDTH unless the user made it wider."""
        side = round(width * (1 - self._page_share))
        if self._page_share == DEFAULT_PAGE_SHARE:
            side = min(side, SIDE_MAX_WIDTH)
        page = max(min(PAGE_MIN_WIDTH, width), width - side)
        return [page, max(0, width - page)]

    def _apply_split(self) -> None:
        width = self.split.width() - self.split.handleWidth()
        if width > 0:
            self.split.setSizes(self.split_sizes(width))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._apply_split()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._apply_split()

    def _split_moved(self, _pos: int, _index: int) -> None:
        """The user dragged the handle: keep that share, here and in the settings for the next start."""
        page, side = self.split.sizes()
        if page + side > 0:
            self._page_share = page / (page + side)
            from .. import settings

            settings.put(SPLIT_KEY, round(self._page_share, 4))

    # --- what is shown --------------------------------------------------------------------------------
    def writers(self) -> list:
        return [self.highlight_action, self.highlight_button]

    def set_library(self, lib) -> None:
        self.lib = lib
        if lib is not None:
            folder = paper_drafts.drafts_dir(lib.path)
            if self.kept.folder is not None and folder != self.kept.folder:
                self.kept.let_go()      # the comment kept stays in the old library's folder, offered there
            self.kept.set_folder(folder)
        self.highlights = []
        self.pages_read = {}               # another library's attachment ids
        self.status.clear()                # it spoke of the previous library's PDF (a selection, a find)
        self.show_paper(None)

    def show_paper(self, paper_id: Optional[int], attachment_id: Optional[int] = None) -> bool:
        """Open the paper's PDF (``attachment_id``: that one of its PDFs, when it can be read; else its
        latest); False (with a hint on the page) when it has none that can be read."""
        from gapscope.fulltext import MissingPdf, existing_stored_path

        self.paper_id, self.attachment, self.path, self.pages = paper_id, None, None, 0
        self.text, self.selection = None, None
        atts = self.lib.attachments_of(paper_id) if (self.lib is not None and paper_id is not None) else []
        readable = [a for a in atts if a["status"] == "extracted"]
        readable.sort(key=lambda a: a["id"] == attachment_id)       # the one asked for last, the rest in order
        missing = None
        if readable:
            try:
                self.path = existing_stored_path(self.lib, readable[-1])
                self.attachment = readable[-1]
                self.pages = self.attachment["pages"] or 0
            except MissingPdf as exc:          # the library's copy is gone: say which, not a traceback
                missing = str(exc)
                log.warning("%s", exc)
        for w in (self.prev_button, self.next_button, self.zoom_in, self.zoom_out, self.fit_button, self.find_edit,
                  self.highlight_button, self.comment_edit, self.export_button, *self.zoom_actions):
            set_enabled(w, self.path is not None)     # Highlight through the write guard (held while read-only)
        # an empty line edit looks the same on or off in some styles: its placeholder says it
        self.find_edit.setPlaceholderText("Find in PDF…" if self.path is not None else "Find in PDF… (no PDF shown)")
        if self.path is None:
            self.page_view.setPixmap(QPixmap())
            self.sentence_list.clear()
            self._shortcoming_marks, self._image = [], None
            hint = (NO_PAPER if paper_id is None else missing[0].upper() + missing[1:] if missing else
                    "The PDF attached to this paper cannot be read." if atts else NO_PDF)
            self.page_view.setText(f'<p style="color:{theme.colour("faint")}; margin:40px 24px 0 24px;">'
                                   f'{html.escape(hint)}</p>')
            self.page_label.setText("")
            self.zoom_label.setText("")
            return False
        self.page = 0
        self._load_highlights()
        # back at the page the user left this PDF on (reading two papers side by side, in turns)
        self.set_page(self.pages_read.get(self.attachment["id"], 0))
        return True

    def set_page(self, index: int) -> None:
        if self.path is None:
            return
        self.page = max(0, min(index, self.pages - 1))
        self.pages_read[self.attachment["id"]] = self.page
        self.page_label.setText(f"page {self.page + 1} / {self.pages}")
        self.text, self.selection = page_text(self.path, self.page), None
        self._render()
        self._list_sentences()

    # --- zoom -----------------------------------------------------------------------------------------
    def step_zoom(self, step: int) -> None:
        """The next zoom of ZOOMS above (``step`` > 0) or below the page's present one (fitted or not);
        the page stops following the pane's width."""
        if self.path is None:
            return
        if step > 0:
            self.zoom = min((z for z in ZOOMS if z > self.zoom + 0.005), default=ZOOMS[-1])
        else:
            self.zoom = max((z for z in ZOOMS if z < self.zoom - 0.005), default=ZOOMS[0])
        self.fit_width = False
        self.fit_button.setChecked(False)
        self._render()

    def fit_to_width(self) -> None:
        """Fit the page to the pane's width, and keep it fitted as the pane is resized."""
        self.fit_width = True
        self.fit_button.setChecked(True)
        if self.path is not None:
            self._render()

    def fit_width_pixels(self) -> int:
        """The page's width when fitted: the pane's inside, less a vertical scroll bar's width whether one
        shows or not (so that its coming and going does not make the page flip between two widths)."""
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        return max(100, self.scroll.contentsRect().width() - bar - 2 * FIT_MARGIN)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if obj is self.scroll and event.type() == QEvent.Resize and self.fit_width and self.path is not None:
            self._refit.start()
        return super().eventFilter(obj, event)

    def _follow_width(self) -> None:
        if self.fit_width and self.path is not None and self._image is not None \
                and abs(self._image.width() - self.fit_width_pixels()) > 1:     # pdfium rounds the width
            self._render()

    def _render(self) -> None:
        """Draw the page (pdfium, under its lock), fitted to the pane's width or at the user's zoom, then
        the overlays."""
        if self.fit_width:
            page = render_page(self.path, self.page, width=self.fit_width_pixels())
            self.zoom = page.scale / BASE_SCALE
        else:
            page = render_page(self.path, self.page, self.zoom * BASE_SCALE)
        self._scale, self._page_height = page.scale, page.page_height
        fmt = QImage.Format_RGB888 if page.channels == 3 else QImage.Format_RGBA8888
        self._image = QImage(page.data, page.width, page.height, page.stride, fmt).copy()
        self.zoom_label.setText(f"{round(self.zoom * 100)} %")
        self._paint()

    def _paint(self) -> None:
        """The page image with the highlights and the current selection drawn over it."""
        if self._image is None:
            return
        image = self._image.copy()
        painter = QPainter(image)
        if self.mark_shortcomings.isChecked():
            for rects, colour in self._shortcoming_marks:
                self._underline(painter, rects, colour)
        for hl in self.highlights:
            if hl["page"] == self.page + 1:
                self._fill(painter, hl["rects"], _COLOURS.get(hl["color"], _COLOURS["yellow"]))
        if self.selection is not None and self.text is not None:
            self._fill(painter, self.text.rects(*self.selection), _SELECTION)
        painter.end()
        self.page_view.setPixmap(QPixmap.fromImage(image))

    def _fill(self, painter: QPainter, rects, colour: QColor) -> None:
        sc, h = self._scale, self._page_height
        for x0, y0, x1, y1 in rects:
            painter.fillRect(int(x0 * sc), int((h - y1) * sc), max(1, int((x1 - x0) * sc)),
                             max(1, int((y1 - y0) * sc)), colour)

    def _underline(self, painter: QPainter, rects, colour: QColor) -> None:
        """A shortcoming sentence's mark: a faint tint and a line under each of its lines, so it stays
        apart from the highlights (filled) and the selection (blue)."""
        tint = QColor(colour)
        tint.setAlpha(30)
        self._fill(painter, rects, tint)
        sc, h = self._scale, self._page_height
        for x0, y0, x1, _y1 in rects:
            painter.fillRect(int(x0 * sc), int((h - y0) * sc), max(1, int((x1 - x0) * sc)), 2, colour)

    # --- selection with the mouse ---------------------------------------------------------------------
    def to_pdf(self, point: QPoint) -> tuple[float, float]:
        """A point of the page view (widget pixels) in PDF points (origin bottom left)."""
        pm = self.page_view.pixmap()
        cr = self.page_view.contentsRect()
        x_off = cr.x() + max(0, (cr.width() - pm.width()) // 2)
        return (point.x() - x_off) / self._scale, self._page_height - (point.y() - cr.y()) / self._scale

    def to_view(self, x: float, y: float) -> QPoint:
        """The inverse of :meth:`to_pdf`."""
        pm = self.page_view.pixmap()
        cr = self.page_view.contentsRect()
        x_off = cr.x() + max(0, (cr.width() - pm.width()) // 2)
        return QPoint(int(round(x * self._scale + x_off)), int(round((self._page_height - y) * self._scale + cr.y())))

    def _drag(self, start: QPoint, current: QPoint, finished: bool) -> None:
        if self.text is None:
            return
        a = self.text.index_at(*self.to_pdf(start))
        b = self.text.index_at(*self.to_pdf(current))
        self.selection = (a, b) if a is not None and b is not None and (a != b or finished and start != current) \
            else None
        self._paint()
        if finished:
            text = self.selected_text()
            self.status.setText(f"Selected: “{text[:80]}{'…' if len(text) > 80 else ''}” — Ctrl+H highlights it."
                                if text else "")

    def selected_text(self) -> str:
        return self.text.selected(*self.selection) if self.text is not None and self.selection else ""

    def select_sentence(self, sentence: str) -> bool:
        """Select ``sentence`` on the page shown (False when it is not on it)."""
        found = self.text.find(sentence) if self.text is not None else None
        self.selection = found
        self._paint()
        if found is not None:
            top = self.to_view(0, self.text.rects(*found)[0][3])
            self.scroll.ensureVisible(0, top.y(), 0, 120)
        return found is not None

    def show_sentence(self, paper_id: int, page: Optional[int], sentence: str,
                      attachment_id: Optional[int] = None) -> bool:
        """Open the paper's PDF (``attachment_id``: that one, as a highlight's "show" asks) at ``page``
        (1-based; searched when None or wrong) with ``sentence`` selected: the jump from a gap's evidence
        or a highlight."""
        other_pdf = attachment_id is not None and (self.attachment or {}).get("id") != attachment_id
        if paper_id != self.paper_id or self.path is None or other_pdf:
            if not self.show_paper(paper_id, attachment_id):
                return False
        if page:
            self.set_page(page - 1)
        if self.select_sentence(sentence):
            self.status.setText(f"p. {self.page + 1}: the sentence is selected.")
            return True
        words = " ".join(sentence.split()[:6])
        other = find_page(self.path, words, self.page)
        if other is not None:
            self.set_page(other)
            if self.select_sentence(sentence):
                self.status.setText(f"p. {self.page + 1}: the sentence is selected.")
                return True
        self.status.setText("The sentence was not found on the page; the page is shown.")
        return False

    def page_menu(self, pos: Optional[QPoint] = None) -> QMenu:
        """The page's context menu: highlight the mouse selection, with or without a note; over a
        highlight (``pos``, page view pixels), remove it."""
        menu = QMenu(self)
        act = menu.addAction("Highlight selection")
        act.setEnabled(bool(self.selection))
        act.triggered.connect(lambda: self.highlight_selection())
        note = menu.addAction("Highlight with a note…")
        note.setEnabled(bool(self.selection))
        note.triggered.connect(self._highlight_with_note)
        writers = [act, note]
        hit = self.highlight_at(pos) if pos is not None else None
        if hit is not None:
            menu.addSeparator()
            text = hit["text"]
            remove = menu.addAction(f"Remove highlight “{text[:40]}{'…' if len(text) > 40 else ''}”")
            remove.triggered.connect(lambda: self.ask_remove_highlight(hit))
            writers.append(remove)
        hold_menu_writers(self.lib, writers)
        return menu

    def _page_menu(self, pos: QPoint) -> None:
        self.page_menu(pos).exec(self.page_view.mapToGlobal(pos))

    def highlight_at(self, pos: QPoint) -> Optional[dict]:
        """The highlight of the shown page under ``pos`` (page view pixels), if any."""
        if self.page_view.pixmap() is None or self.page_view.pixmap().isNull():
            return None
        x, y = self.to_pdf(pos)
        for hl in reversed(self.highlights):          # the latest drawn on top
            if hl["page"] == self.page + 1 and any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in hl["rects"]):
                return hl
        return None

    def ask_remove_highlight(self, hit: dict):
        """The menu's Remove: asks first when the highlight carries a note (as the paper details do)."""
        return self.remove_highlight(hit["id"]) if highlight_may_go(self, hit.get("comment")) else None

    def remove_highlight(self, highlight_id: int):
        """Delete a PDF highlight (through the writer queue); the page and the list show it gone."""
        if self.lib is None or self.lib.read_only:
            self.status.setText("Not removed: this library is read-only.")
            return None
        pid = self.paper_id
        return self.tasks.save("Remove highlight", _remove_pdf_highlight, highlight_id, library=self.lib.path,
                               on_result=lambda _r: self._highlight_saved(pid, "Highlight removed."),
                               on_error=lambda m, _t: self.status.setText(f"The highlight was not removed: {m}"))

    def _highlight_with_note(self) -> None:
        pid, words = self.paper_id, " ".join(self.selected_text().split())
        answered = ask_kept(self, self.kept, DIALOG,
                            lambda start: QInputDialog.getText(self, "Highlight", "Note (optional):",
                                                               QLineEdit.Normal, start),
                            "", lambda t: self._comment_data(t, pid, words), title="Highlight",
                            what="highlight's note")
        if answered is None:
            return                              # kept for the next window, the box closed under it
        text, ok = answered
        if ok:
            self.highlight_selection(text)
        self.kept.drop(DIALOG)

    # --- the comment typed, kept (paper_drafts.py) ------------------------------------------------------
    def _comment_data(self, text: str, paper_id: Optional[int], quote: str = "") -> Optional[dict]:
        if not text.strip() or paper_id is None:
            return None
        title = ""
        try:
            title = self.lib.get_paper(paper_id).title
        except Exception:  # noqa: BLE001 - a name for the draft file only
            pass
        return paper_drafts.draft_data(paper_id, "comment", text, paper_title=title, quote=quote)

    def _comment_typed(self) -> None:
        data = self._comment_data(self.comment_edit.text(), self.paper_id)
        if data is None:
            self.kept.drop(COMMENT)
        else:
            self.kept.keep(COMMENT, data)

    def _comment_on_its_way(self, paper_id: Optional[int], comment: str, quote: str) -> Optional[str]:
        """A highlight's note sent to be saved: kept until the save answers (the key to drop then)."""
        data = self._comment_data(comment, paper_id, quote)
        return self.kept.keep_until_saved(data, replacing=DIALOG) if data is not None else None

    def restore_comment(self, paper_id: int, text: str, path) -> bool:
        """A comment kept by an earlier window back in the comment field, when this paper's PDF is shown
        (False: it is not); its file follows the field from here on."""
        if paper_id != self.paper_id or self.path is None:
            return False
        now = self.comment_edit.text().strip()
        self.comment_edit.blockSignals(True)           # one write, below, for the joined text
        self.comment_edit.setText(f"{now} {text.strip()}" if now and text.strip() not in now else (now or text.strip()))
        self.comment_edit.blockSignals(False)
        self.kept.take_over(COMMENT, path, self._comment_data(self.comment_edit.text(), paper_id))
        return True

    def _settled(self, key: Optional[str]) -> None:
        if key is not None:
            self.kept.drop(key)

    def _ask_export(self) -> None:
        from ..file_dialogs import save_file_name

        if self.paper_id is None or self.path is None:
            return
        dest = save_file_name(self, "Export annotated PDF", f"{self.paper_id}-annotated.pdf", "PDF (*.pdf)")
        if dest:
            self.export_annotated(dest)

    def export_annotated(self, dest: str):
        """Write the annotated copy on a worker (`gapscope export annotated-pdf`); the status line says
        what was written. Returns the task."""
        from gapscope.fulltext.annotated import export_annotated_pdf

        def done(result: dict) -> None:
            self.status.setText(f"Wrote {result['file']} with {plural(result['highlights'], 'highlight')}.")

        def write(lib, paper_id, path, *, progress=None, cancel=None):   # one file: nothing to report
            return export_annotated_pdf(lib, paper_id, path)

        return self.tasks.run("Export annotated PDF", write, self.paper_id, dest,
                              library=self.lib.path, on_result=done,
                              on_error=lambda msg, _detail: self.status.setText(f"Export failed: {msg}"))

    def _list_sentences(self) -> None:
        """The page's sentences with their section, role and shortcoming type; the shortcoming sentences'
        boxes for the marks on the page."""
        self.sentence_list.clear()
        self._shortcoming_marks = []
        marked = {h["text"] for h in self.highlights if h["page"] == self.page + 1}
        for s in self.lib.fulltext_sentences(self.attachment["id"]):
            if s["page"] != self.page + 1:
                continue
            section, role = s["section"] or "front matter", s.get("role") or ""
            short = s.get("shortcoming") if s.get("shortcoming") in SHORTCOMING_COLOURS else ""
            named = f" · {SHORTCOMING_NAMES[short]}" if short else ""
            star = s["text"] in marked
            item = QListWidgetItem(("★ " if star else "") + f"[{section}{' · ' + role if role else ''}{named}] "
                                   + s["text"])
            item.setData(Qt.UserRole, s["text"])
            item.setData(LABELS_ROLE, (role, short))
            item.setData(HTML_ROLE, [section, role, short, s["text"], star])
            self.sentence_list.addItem(item)
            found = self.text.find(s["text"]) if short and self.text is not None else None
            if found is not None:
                self._shortcoming_marks.append((self.text.rects(*found), SHORTCOMING_COLOURS[short]))
        self._filter_sentences()
        self._paint()

    def _filter_sentences(self) -> None:
        """Hide the sentences the filter leaves out (All / Shortcomings / Own limitations)."""
        kinds = SENTENCE_FILTERS[max(0, self.sentence_filter.currentIndex())][1]
        for i in range(self.sentence_list.count()):
            item = self.sentence_list.item(i)
            _role, short = item.data(LABELS_ROLE) or ("", "")
            item.setHidden(kinds is not None and short not in kinds)

    def _load_highlights(self) -> None:
        self.highlights = [h for h in self.lib.pdf_highlights(self.paper_id)
                           if self.attachment and h["attachment_id"] == self.attachment["id"]]

    def find(self, text: str) -> bool:
        """Go to the next page (after the one shown, wrapping) whose text holds ``text``."""
        if self.path is None or not text.strip():
            return False
        i = find_page(self.path, text, (self.page + 1) % max(self.pages, 1))
        if i is None:
            self.status.setText(f"“{text}” is not in this PDF")
            return False
        self.set_page(i)
        self.status.setText(f"found on page {i + 1}")
        return True

    # --- highlights ------------------------------------------------------------------------------------
    def highlight_selected(self) -> None:
        item = self.sentence_list.currentItem()
        if item is None or self.path is None:
            self.status.setText("Pick a sentence in the list first.")
            return
        text = item.data(Qt.UserRole)
        rects = sentence_rects(self.path, self.page, text)
        pid, att, page, comment = self.paper_id, self.attachment["id"], self.page + 1, self.comment_edit.text().strip()
        flying = self._comment_on_its_way(pid, comment, " ".join(text.split()))
        self.comment_edit.clear()
        self.tasks.save("Highlight", _add_pdf_highlight, pid, att, page, text, rects, comment,
                        library=self.lib.path, on_result=lambda _id: self._highlight_saved(pid, flying=flying),
                        on_error=lambda m, _t: self._highlight_failed(m, comment, flying))

    def highlight_selection(self, note: Optional[str] = None) -> bool:
        """Highlight the text selected with the mouse; the note is ``note`` or the comment field."""
        text = self.selected_text()
        if self.lib is None or self.lib.read_only:
            self.status.setText("Not highlighted: this library is read-only.")
            return False
        if not text or self.path is None:
            self.status.setText("Select text on the page first (press and drag).")
            return False
        rects = self.text.rects(*self.selection)
        comment = (note if note is not None else self.comment_edit.text()).strip()
        pid, att, page = self.paper_id, self.attachment["id"], self.page + 1
        flying = self._comment_on_its_way(pid, comment, " ".join(text.split()))
        self.comment_edit.clear()
        self.tasks.save("Highlight", _add_pdf_highlight, pid, att, page, text, rects, comment,
                        library=self.lib.path, on_result=lambda _id: self._highlight_saved(pid, flying=flying),
                        on_error=lambda m, _t: self._highlight_failed(m, comment, flying))
        return True

    def _highlight_failed(self, message: str, comment: str, flying: Optional[str] = None) -> None:
        """A highlight that was not saved (the library locked too long, a full disk): the note typed for it
        goes back to the comment field instead of being lost with it."""
        if comment:
            now = self.comment_edit.text().strip()
            self.comment_edit.setText(f"{now} {comment}" if now and comment not in now else (now or comment))
            self.kept.flush()                   # kept as the field's before its copy on its way goes
            message += " (its note is back in the comment field)"
        self._settled(flying)
        self.status.setText(f"The highlight was not saved: {message}")

    def _highlight_saved(self, paper_id: int, message: str = "Highlight saved.", flying: Optional[str] = None) -> None:
        self._settled(flying)
        if paper_id == self.paper_id and self.path is not None:
            self._load_highlights()
            self.selection = None
            self._paint()
            self._list_sentences()
            self.status.setText(message)
        self.highlightSaved.emit(paper_id)


# Writer-queue side (a worker with its own Library).
def _add_pdf_highlight(lib, paper_id: int, attachment_id: int, page: int, text: str, rects, comment: str, *,
                       progress=None, cancel=None) -> int:
    return lib.add_pdf_highlight(paper_id, attachment_id, page, text, rects, comment=comment)


def _remove_pdf_highlight(lib, highlight_id: int, *, progress=None, cancel=None) -> None:
    lib.remove_pdf_highlight(highlight_id)


def dropped_pdfs(urls, library_path: Optional[Path]) -> list[Path]:
    """The local PDF files and folders among dropped URLs (a folder: the PDFs in it, found by the attach,
    as `gapscope attach folder/` does), by name and ``stat`` only (nothing is opened here), never the
    open library's folder or anything inside it (docs/architecture.md, "Library file safety")."""
    root = None
    if library_path is not None and (Path(library_path).suffix == ".gapscope" or Path(library_path).is_dir()):
        root = Path(library_path).resolve()
    out = []
    for url in urls:
        if not url.isLocalFile():
            continue
        p = Path(url.toLocalFile())
        if root is not None and (p.resolve() == root or root in p.resolve().parents):
            continue
        if p.suffix.lower() == ".pdf" or p.is_dir() and not is_library_folder(p):
            out.append(p)
    return out


def is_library_folder(p: Path) -> bool:
    """A GapScope library (its folder): dropped, it is opened, never read as a folder of PDFs."""
    return p.is_dir() and (p.suffix == ".gapscope" or (p / "library.sqlite").is_file())


def dropped_library(urls) -> Optional[Path]:
    """The first GapScope library folder among dropped URLs (None: none)."""
    for url in urls:
        if url.isLocalFile() and is_library_folder(p := Path(url.toLocalFile())):
            return p
    return None


def attach_dropped(lib, paths: list[str], *, progress=None, cancel=None) -> list[dict]:
    """Writer-queue side of a drop or "Attach PDF": attach the PDFs (matched to papers, or new papers to
    check) and label their sentences with the facet classifier, in the same task."""
    from gapscope.fulltext import attach_and_label

    results, note = attach_and_label(lib, paths, progress=progress, cancel=cancel)
    return [dict(r.to_dict(), labelled=note is None and r.status in ("attached", "new-paper"), label_note=note)
            for r in results]


ATTACHED = ("attached", "new-paper", "already-attached")


def attach_summary(results: list[dict]) -> tuple[str, list[str]]:
    """What came of an attach: the status bar line, and one line per file that was not attached (or
    whose text could not be read), naming the file and why."""
    done = [r for r in results if r["status"] in ATTACHED]
    failed = [r.get("message") or f"{r['file']}: {r['status']}" for r in results if r["status"] not in ATTACHED]
    labelled = sum(bool(r.get("labelled")) for r in results)
    note = next((r["label_note"] for r in results if r.get("label_note")), None)
    new = sum(r["status"] == "new-paper" for r in results)
    # a PDF of no library paper is a paper added: said, with the tag that finds it to check
    made = (f" ({new} matched no library paper: {'it is a new paper' if new == 1 else 'they are new papers'}"
            f" tagged \"{CHECK_TAG}\")" if new else "")
    line = (f"Attached {len(done)} of {plural(len(results), 'PDF')}" + made
            + (f", {labelled} labelled" if labelled else "")
            + (f"; {note}" if note else "") + "".join(f"; {m}" for m in failed[:3])
            + (f"; {len(failed) - 3} more not attached" if len(failed) > 3 else ""))
    return line, failed


def show_attach_failures(parent: QWidget, failed: list[str], total: int) -> QMessageBox:
    """One box for a whole drop, listing every file that failed and why; not modal, so the window (and
    the next drop) is not blocked."""
    box = QMessageBox(QMessageBox.Warning, "PDFs not attached",
                      f"{len(failed)} of {plural(total, 'file')} could not be attached or read:", QMessageBox.Ok, parent)
    box.setInformativeText("\n".join(failed))
    box.setWindowModality(Qt.NonModal)
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.show()
    return box


def fetch_pdfs_task(lib, paper_ids, *, progress=None, cancel=None) -> list[dict]:
    """Writer-queue side of File > Fetch arXiv PDFs: download, attach and label, in one task."""
    from gapscope.fulltext import fetch_and_label

    results, note = fetch_and_label(lib, paper_ids, progress=progress, cancel=cancel)
    return [dict(r.to_dict(), label_note=note) for r in results]
