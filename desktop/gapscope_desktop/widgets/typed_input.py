"""Follow what is typed into a QInputDialog while it is open (QInputDialog.getText / getMultiLineText answer
only once closed): text typed into an Edit note or Edit title box is kept as a draft (drafts.py) before the
box is answered, so a window killed meanwhile does not lose it."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QInputDialog


class _Follow(QObject):
    def __init__(self, on_text: Callable[[str], None]) -> None:
        super().__init__()
        self.on_text = on_text
        self.seen: list = []

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Show and isinstance(obj, QInputDialog) and obj not in self.seen:
            self.seen.append(obj)
            obj.textValueChanged.connect(self.on_text)
        return False


@contextmanager
def following_input_dialog(on_text: Callable[[str], None]) -> Iterator[None]:
    """Inside the block, every change to the text of an input dialog that shows goes to ``on_text``."""
    app = QApplication.instance()
    follow = _Follow(on_text)
    app.installEventFilter(follow)
    try:
        yield
    finally:
        app.removeEventFilter(follow)
        for dialog in follow.seen:
            try:
                dialog.textValueChanged.disconnect(follow.on_text)
            except (RuntimeError, TypeError):  # the dialog is gone already
                pass
