"""A calm, centred panel saying which part of the core a view is waiting for."""

from __future__ import annotations

import html
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class Unavailable(QWidget):
    def __init__(self, title: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("unavailable")
        self.title = title
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.RichText)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addStretch(2)

    def set_missing(self, names: list[str], hint: str = "") -> None:
        items = "<br>".join(f"<code>{html.escape(n)}</code>" for n in names)
        self.label.setText(
            f'<p style="font-size:15pt; color:#555;">{html.escape(self.title)} is not available yet</p>'
            f'<p style="color:#777;">This view needs a part of the GapScope core that is not installed:<br>{items}</p>'
            + (f'<p style="color:#777;">{html.escape(hint)}</p>' if hint else ""))

    def set_message(self, heading: str, text: str) -> None:
        self.label.setText(f'<p style="font-size:15pt; color:#555;">{html.escape(heading)}</p>'
                           f'<p style="color:#777;">{html.escape(text)}</p>')
