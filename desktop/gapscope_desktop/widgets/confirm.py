"""Questions asked before the user's own writing goes for good."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def highlight_may_go(parent: QWidget, comment: str | None) -> bool:
    """A highlight that carries a note is the user's writing: asked about first (there is no undo);
    a bare one may go at once. True when it may be removed."""
    comment = (comment or "").strip()
    if not comment:
        return True
    note = comment if len(comment) <= 200 else comment[:200] + "…"
    answer = QMessageBox.question(parent, "Remove highlight", f"Remove this highlight and its note?\n\n{note}",
                                  QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
    return answer == QMessageBox.Yes
