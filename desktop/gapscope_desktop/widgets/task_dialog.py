"""The layout the task dialogs (collect, export) share: a form, a progress bar hidden until a task
runs, a rich-text status line, and the buttons at the bottom right. The status line may be a long
report (an import's refused records, each as written): the dialog grows to show it, up to most of the
screen, and scrolls the rest."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (QDialog, QFormLayout, QFrame, QLabel, QProgressBar, QPushButton, QScrollArea,
                               QVBoxLayout)

from .rows import right_aligned

SCREEN_SHARE = 0.85      # the most of the screen's height a dialog grows to for its report


class StatusLabel(QLabel):
    """The status line; it says when its text changed, so that its dialog can grow to show it."""

    changed = Signal()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.changed.emit()


class StatusArea(QScrollArea):
    """Holds the status line: as tall as its text (so a short one needs no scrolling), a long one
    scrolls; a new text grows the dialog (never shrinks it: the user may have made it taller)."""

    def __init__(self, status: StatusLabel) -> None:
        super().__init__()
        self.status = status
        self.setWidget(status)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        status.changed.connect(self._text_changed)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        width = self.viewport().width() if self.isVisible() else self.status.sizeHint().width()
        height = self.status.heightForWidth(width) if self.status.text() else 0
        return QSize(super().sizeHint().width(), max(0, height))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, 0)

    def _text_changed(self) -> None:
        self.updateGeometry()
        QTimer.singleShot(0, self, self.fit_window)     # once the label has laid out its new text; not once gone

    def fit_window(self) -> None:
        """Make the dialog as tall as its report needs, up to :data:`SCREEN_SHARE` of its screen."""
        dialog = self.window()
        if not dialog.isVisible() or dialog.isMaximized():
            return
        need = self.status.heightForWidth(self.viewport().width()) - self.viewport().height()
        screen = dialog.screen().availableGeometry().height() if dialog.screen() else 800
        most = int(screen * SCREEN_SHARE) - (dialog.frameGeometry().height() - dialog.height())
        height = min(dialog.height() + max(0, need), max(dialog.height(), most))
        if height > dialog.height():
            dialog.resize(dialog.width(), height)


def progress_and_status() -> tuple[QProgressBar, QLabel]:
    bar = QProgressBar()
    bar.hide()
    status = StatusLabel()
    status.setWordWrap(True)
    status.setTextFormat(Qt.RichText)
    status.setAlignment(Qt.AlignLeft | Qt.AlignTop)
    status.setTextInteractionFlags(Qt.TextSelectableByMouse)     # a refused record's text, copied to fix it
    return bar, status


def lay_out(dialog: QDialog, form: QFormLayout, bar: QProgressBar, status: QLabel, *buttons: QPushButton) -> None:
    lay = QVBoxLayout(dialog)
    lay.addLayout(form)
    lay.addWidget(bar)
    lay.addWidget(StatusArea(status) if isinstance(status, StatusLabel) else status, 1)
    lay.addLayout(right_aligned(*buttons))
