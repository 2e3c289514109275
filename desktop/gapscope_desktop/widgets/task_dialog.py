"""The layout the task dialogs (collect, export) share: a form, a progress bar hidden until a task
runs, a rich-text status line, and the buttons at the bottom right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout

from .rows import right_aligned


def progress_and_status() -> tuple[QProgressBar, QLabel]:
    bar = QProgressBar()
    bar.hide()
    status = QLabel()
    status.setWordWrap(True)
    status.setTextFormat(Qt.RichText)
    return bar, status


def lay_out(dialog: QDialog, form: QFormLayout, bar: QProgressBar, status: QLabel, *buttons: QPushButton) -> None:
    lay = QVBoxLayout(dialog)
    lay.addLayout(form)
    lay.addWidget(bar)
    lay.addWidget(status)
    lay.addLayout(right_aligned(*buttons))
