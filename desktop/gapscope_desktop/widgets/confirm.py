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


def cancelled_edit(parent: QWidget, title: str, restored: bool, what: str = "note") -> str:
    """An edit box cancelled (Cancel, Escape, its close button) holding text that would go: what becomes of
    that text. A text restored from an earlier window: "keep" (the default: it stays a kept draft, offered
    again) or "discard"; a text typed here: "edit" (the default: back to the box) or "discard"."""
    if restored:
        text = ("Keep the restored text for later?\n\nIt was typed before GapScope last closed and is not saved. "
                "Kept, it is offered again in the list of unsaved texts.")
        keep_label, keep_answer = "Keep for Later", "keep"
    else:
        text = f"Discard what was typed for this {what}?\n\nIt is not saved."
        keep_label, keep_answer = "Keep Editing", "edit"
    box = QMessageBox(QMessageBox.Question, title, text, QMessageBox.NoButton, parent)
    discard = box.addButton("Discard", QMessageBox.DestructiveRole)
    keep = box.addButton(keep_label, QMessageBox.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)              # Escape again keeps the text: only the Discard button loses it
    box.exec()
    return "discard" if box.clickedButton() is discard else keep_answer
