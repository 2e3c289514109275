"""Small layouts the panes and dialogs share."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget


def right_aligned(*widgets: QWidget) -> QHBoxLayout:
    """A row holding ``widgets`` at its right end (a pane's or a dialog's buttons)."""
    row = QHBoxLayout()
    row.addStretch(1)
    for w in widgets:
        row.addWidget(w)
    return row
