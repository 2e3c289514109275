"""The page shown when no library is open: what GapScope does and the six ways to start, with the
recent libraries beside them. PDFs and bibliography files dropped on it go into the default library
(main_window.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMenu, QPushButton,
                               QScrollArea, QVBoxLayout, QWidget)

from gapscope.sample import SAMPLE_CATEGORY, SAMPLE_SIZE

from .. import theme

# (object name, button text, what it does): the signals below are emitted in this order of buttons
# ("addPdfs" opens a menu: PDF files, or a folder of them)
ACTIONS = [
    ("createLibrary", "Create library…", "A new, empty library folder (NAME.gapscope)."),
    ("openLibrary", "Open library…", "A library folder made earlier, here or with the gapscope command."),
    ("importFile", "Import a file…", "BibTeX, RIS, CSV or an arXiv snapshot, into your default library."),
    ("addPdfs", "Add PDFs…", "PDF files or a folder of them, into your default library (or drop them here)."),
    ("collectArxiv", "Collect from arXiv…", "Search arXiv and bring the papers into your default library."),
    ("trySample", "Try the sample library",
     f"{SAMPLE_SIZE} real arXiv papers ({SAMPLE_CATEGORY}, over 15 months), built offline, to try every step on."),
]


STEPS = ("<p><b>Then, in this window or with the <code>gapscope</code> command:</b></p><ol>"
         "<li><b>Maps &gt; Build maps</b> classifies every abstract's sentences, embeds and clusters them "
         "(<code>gapscope analyze</code>)</li>"
         "<li><b>Gaps &gt; Find gaps</b> lists what the maps show is missing, with the papers that prove it</li>"
         "<li><b>Triage</b> screens papers by keyboard, the most likely relevant first</li>"
         "<li><b>Experiments</b> drafts and runs a baseline for a gap; <b>File &gt; Export</b> writes the report "
         "(<code>gapscope report</code>)</li></ol>"
         "<p style='color:{tertiary};'>Help &gt; Documentation has the details; "
         "Help &gt; Keyboard Shortcuts the keys.</p>")


class WelcomePage(QScrollArea):
    """A scroll area, so that the page never makes the window's minimum size larger."""

    createLibrary = Signal()
    openLibrary = Signal()
    importFile = Signal()
    addPdfs = Signal(str)       # "files" or "folder"
    collectArxiv = Signal()
    trySample = Signal()
    openRecent = Signal(str)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        page = QWidget()
        self.message = QLabel()
        self.message.setObjectName("welcomeMessage")
        self.message.setWordWrap(True)
        theme.set_text_colour(self.message, "warning")
        self.message.hide()

        title = QLabel("<h1>Welcome to GapScope</h1>"
                       "<p>Collect papers, map what is known, find what is missing, and test it.</p>")
        title.setWordWrap(True)
        left = QVBoxLayout()
        left.addWidget(title)
        left.addWidget(self.message)
        self.buttons: dict[str, QPushButton] = {}
        fm = self.fontMetrics()             # sizes grow with the font (a large one, a 150 % display)
        for name, text, tip in ACTIONS:
            b = QPushButton(text)
            b.setObjectName(name)
            b.setMinimumWidth(fm.averageCharWidth() * 40)
            b.setMinimumHeight(round(fm.height() * 2.7))
            b.setToolTip(tip)
            if name == "addPdfs":
                b.setMenu(self._pdf_menu(b))
            else:
                b.clicked.connect(getattr(self, name).emit)
            self.buttons[name] = b
            row = QHBoxLayout()
            row.addWidget(b)
            note = QLabel(tip)
            theme.set_text_colour(note, "tertiary")
            note.setWordWrap(True)
            row.addWidget(note, 1)
            left.addLayout(row)
        left.addSpacing(24)
        steps = QLabel(STEPS.format(tertiary=theme.colour("tertiary")))
        steps.setObjectName("welcomeSteps")
        steps.setWordWrap(True)
        steps.setTextFormat(Qt.RichText)
        left.addWidget(steps)
        left.addStretch(1)

        self.recent = QListWidget()
        self.recent.setObjectName("recentLibraries")
        self.recent.itemActivated.connect(self._recent_chosen)
        self.recent_empty = QLabel("No library opened yet.")
        theme.set_text_colour(self.recent_empty, "faint")
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>Recent libraries</b>"))
        right.addWidget(self.recent)
        right.addWidget(self.recent_empty)
        right.addStretch(1)
        self.recent.setMaximumHeight(fm.lineSpacing() * 23)      # nine libraries
        self.recent.setSpacing(3)

        body = QWidget()
        body.setMaximumWidth(fm.averageCharWidth() * 196)
        body.setMinimumWidth(900)
        cols = QHBoxLayout(body)
        cols.setContentsMargins(0, 0, 0, 0)
        cols.addLayout(left, 3)
        cols.addSpacing(40)
        cols.addLayout(right, 2)
        # centred between stretches, not by alignment: an aligned widget is laid out narrower than the
        # width its wrapped labels' height was measured for, and a large font cut the page's end off
        outer = QHBoxLayout(page)
        outer.setContentsMargins(48, 40, 48, 32)
        outer.addStretch(1)
        outer.addWidget(body, 1000)
        outer.addStretch(1)
        self.setWidget(page)

    def _pdf_menu(self, parent: QWidget) -> QMenu:
        menu = QMenu(parent)
        for what, text in (("files", "PDF files…"), ("folder", "A folder of PDFs…")):
            act = menu.addAction(text)
            act.setData(what)
            act.triggered.connect(lambda _checked=False, w=what: self.addPdfs.emit(w))
        return menu

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for p in paths:
            item = QListWidgetItem(f"{Path(p).name}\n{Path(p).parent}")
            item.setData(Qt.UserRole, p)
            item.setToolTip(p)
            if not Path(p).exists():          # a stat only: the library file is never opened to check
                item.setForeground(theme.qcolor("heading"))
                item.setText(item.text() + "  (not found)")
            self.recent.addItem(item)
        self.recent_empty.setVisible(not paths)

    def set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _recent_chosen(self, item: QListWidgetItem) -> None:
        self.openRecent.emit(str(item.data(Qt.UserRole)))
