"""The bar over the views that lists the paper drafts an earlier window kept and did not save (a note, a tag,
a title, a note's edit, a highlight's note: paper_drafts.py): which paper, which field, the start of the text,
and for one that cannot be put back, why. Restore puts the selected one back, unsaved, where it was typed;
Discard removes it; Copy Text puts its text on the clipboard; Later hides the bar (the drafts stay, and are
offered again when the library is next opened)."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QApplication, QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout, QWidget)

from .. import theme
from ..write_guard import set_enabled

HEADING = "Typed in GapScope and not saved when it last closed:"


class KeptDraftsBar(QFrame):
    restoreAsked = Signal(object, object)   # the PaperDraft, its Check (paper_drafts.py)
    discardAsked = Signal(object)           # the PaperDraft

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("keptDraftsBar")
        self.setStyleSheet(theme.banner_sheet("keptDraftsBar"))
        self.label = QLabel(HEADING)
        self.list = QListWidget()
        self.list.setObjectName("keptDraftsList")
        self.list.setMaximumHeight(96)        # a few rows; more scroll
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(lambda _r: self._update_buttons())
        self.restore_button = QPushButton("Restore")
        self.restore_button.setObjectName("restorePaperDraft")
        self.restore_button.setToolTip("Put the selected text back, unsaved, where it was typed")
        self.restore_button.clicked.connect(self._restore)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setObjectName("discardPaperDraft")
        self.discard_button.clicked.connect(self._discard)
        self.copy_button = QPushButton("Copy Text")
        self.copy_button.clicked.connect(self._copy)
        self.later_button = QPushButton("Later")
        self.later_button.setToolTip("Hide this bar; the texts are offered again when the library is next opened")
        self.later_button.clicked.connect(self.hide)
        buttons = QVBoxLayout()
        for b in (self.restore_button, self.discard_button, self.copy_button, self.later_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        text = QVBoxLayout()
        text.addWidget(self.label)
        text.addWidget(self.list, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(text, 1)
        layout.addLayout(buttons)
        self.hide()

    def offer(self, rows: list) -> None:
        """``rows``: ``(PaperDraft, Check, line)``, newest first. Shown when there is any."""
        self.list.clear()
        for draft, check, line in rows:
            item = QListWidgetItem(line + (f" — {check.says}" if check.says and not draft.problem else ""))
            item.setData(Qt.UserRole, (draft, check))
            item.setToolTip(draft.text)
            if check.status == "blocked":
                item.setForeground(theme.qcolor("error"))
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.setVisible(bool(rows))
        self._update_buttons()

    def lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def current(self):
        item = self.list.currentItem()
        return item.data(Qt.UserRole) if item is not None else None

    def take_current(self) -> None:
        """The selected draft was restored or discarded: it leaves the list (the bar, once empty)."""
        self.list.takeItem(self.list.currentRow())
        if not self.list.count():
            self.hide()
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.current()
        set_enabled(self.restore_button, row is not None and row[1].status != "blocked")
        for b in (self.discard_button, self.copy_button):
            b.setEnabled(row is not None)

    def _restore(self) -> None:
        row = self.current()
        if row is not None and row[1].status != "blocked":
            self.restoreAsked.emit(*row)

    def _discard(self) -> None:
        row = self.current()
        if row is not None:
            self.discardAsked.emit(row[0])

    def _copy(self) -> None:
        row = self.current()
        if row is not None:
            QApplication.clipboard().setText(row[0].text)
