"""A word-wrapped label that is never cut off, and text that may break anywhere."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

ZERO_WIDTH_SPACE = "\u200b"
BREAK_AFTER = "/-_.:=&?"      # where a URL or a hyphenated tag breaks best
LONGEST_RUN = 16              # a run this long without a break point gets one


def breakable(text: str) -> str:
    """``text`` with invisible break points after "/" "-" "." ... and inside long runs without one, so a
    word-wrapped label can wrap it (a 300-character word once set its minimum width to 2,150 px)."""
    out, run = [], 0
    for ch in text:
        out.append(ch)
        run = 0 if ch.isspace() else run + 1
        if ch in BREAK_AFTER or run >= LONGEST_RUN:
            out.append(ZERO_WIDTH_SPACE)
            run = 0
    return "".join(out)


class WrappingLabel(QLabel):
    """Word-wrapped; at least as tall as its text needs at its width. A layout squeezed smaller than that
    (a splitter dragged, or restored, small) gives a wrapped label one line's height, and cuts off its
    last lines otherwise."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.setWordWrap(True)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self._fit()

    def clear(self) -> None:
        super().clear()
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        need = self.heightForWidth(self.width()) if self.text() else 0
        if need != self.minimumHeight():
            self.setMinimumHeight(max(0, need))
