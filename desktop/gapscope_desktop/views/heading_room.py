"""Room in a split for the heading of a text pane: the Gaps view's details show the gap's statement as a
heading, and at 1024x700 a 140-word statement ran past the bottom of the pane, so the reader scrolled to
read the gap's one sentence. The pane grows (the split's other side gives up room, down to its least)
until the heading's last line shows; the user's split stands when the heading already fits."""

from __future__ import annotations

import math
from typing import Optional

from PySide6.QtWidgets import QSplitter, QTextBrowser


def heading_bottom(browser: QTextBrowser, level: int = 3) -> Optional[float]:
    """Where the first heading of ``level`` ends in the browser's document (document coordinates), None
    without one."""
    doc = browser.document()
    block = doc.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() == level:
            return doc.documentLayout().blockBoundingRect(block).bottom()
        block = block.next()
    return None


def make_room_for_heading(browser: QTextBrowser, split: QSplitter, level: int = 3) -> None:
    """Grow ``browser`` (the first pane of the vertical ``split``) until its heading shows without scrolling,
    taking the room from the second pane down to its minimum size; a heading that fits leaves the split."""
    bottom = heading_bottom(browser, level)
    sizes = split.sizes()
    if bottom is None or len(sizes) != 2 or sum(sizes) == 0:
        return
    chrome = browser.height() - browser.viewport().height()       # the frame, and a horizontal scroll bar
    short = math.ceil(bottom) + chrome + 2 - sizes[0]
    other = split.widget(1)
    spare = sizes[1] - max(other.minimumSizeHint().height(), other.minimumHeight())
    grow = min(short, spare)
    if grow > 0:
        split.setSizes([sizes[0] + grow, sizes[1] - grow])
