"""A line edit's placeholder read whole: a short placeholder, the full explanation as its tooltip, and a
minimum width that fits the placeholder (a squeezed row cut "reviewer (blank: one reviewer)" to
"reviewer (blank: …")."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLineEdit, QStyle, QStyleOptionFrame

TEXT_MARGIN = 2          # QLineEdit's own margin on each side of its text (qlineedit_p.h: horizontalMargin)
ICON_SIZE = 16           # the clear button's icon in a line edit of the usual height
ICON_ROOM = ICON_SIZE + 6 + ICON_SIZE // 4   # its width and gap (qlineedit_p.h: SideWidgetParameters)


def text_room(edit: QLineEdit, content_width: int) -> int:
    """The width ``edit`` needs for ``content_width`` pixels of text: its frame, margins and clear button."""
    margins = edit.textMargins()
    room = content_width + 2 * TEXT_MARGIN + margins.left() + margins.right()
    if edit.isClearButtonEnabled():
        room += ICON_ROOM       # reserved even while empty: the button fades in as soon as one types
    opt = QStyleOptionFrame()
    edit.initStyleOption(opt)
    return edit.style().sizeFromContents(QStyle.CT_LineEdit, opt, QSize(room, edit.sizeHint().height()),
                                         edit).width()


def fit_placeholder(edit: QLineEdit, placeholder: str, tooltip: str) -> None:
    """Show ``placeholder`` in ``edit`` whole (its minimum width fits it) and ``tooltip`` on hover."""
    edit.setPlaceholderText(placeholder)
    edit.setToolTip(tooltip)
    edit.setMinimumWidth(text_room(edit, edit.fontMetrics().horizontalAdvance(placeholder)))
