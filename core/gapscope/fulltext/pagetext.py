"""A page as the reader needs it: its image, and its characters with their boxes for selecting text
with the mouse. Every pdfium call holds the process-wide lock (pdfium_lock.py); what comes back is
plain Python, so selecting while dragging calls pdfium no more."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .extract import clean
from .pdfium_lock import PDFIUM_LOCK

Box = tuple[float, float, float, float]           # left, bottom, right, top in PDF points


@dataclass
class RenderedPage:
    data: bytes          # pixel rows, ``stride`` bytes each
    width: int
    height: int
    stride: int
    channels: int        # 3 (RGB) or 4 (RGBA)
    page_height: float   # in PDF points, to turn PDF y (from the bottom) into image rows
    scale: float


def render_page(path: str | Path, index: int, scale: Optional[float] = None, *,
                width: Optional[int] = None) -> RenderedPage:
    """Page ``index`` (0-based) drawn at ``scale`` pixels per PDF point, or ``width`` pixels wide (the
    scale that fits the page to that width: a reader's fit-to-width)."""
    import pypdfium2 as pdfium

    if (scale is None) == (width is None):
        raise ValueError("give either the scale or the width")
    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(str(path))
        try:
            page = doc[index]
            if width is not None:
                scale = max(1, width) / max(1.0, page.get_width())
            bitmap = page.render(scale=scale, rev_byteorder=True)
            try:
                return RenderedPage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                                    bitmap.n_channels, page.get_height(), scale)
            finally:
                bitmap.close()
        finally:
            doc.close()


@dataclass
class PageText:
    """pdfium's text of one page, character by character, with each character's box (generated
    characters such as line breaks have none)."""

    text: str
    boxes: list[Optional[Box]]

    def index_at(self, x: float, y: float, tolerance: float = 6.0) -> Optional[int]:
        """The character at (x, y) in PDF points, or the nearest one within ``tolerance`` points."""
        best, best_d = None, tolerance
        for i, b in enumerate(self.boxes):
            if b is None:
                continue
            dx = max(b[0] - x, 0.0, x - b[2])
            dy = max(b[1] - y, 0.0, y - b[3])
            d = max(dx, dy)
            if d == 0.0:
                return i
            if d < best_d:
                best, best_d = i, d
        return best

    def selected(self, a: int, b: int) -> str:
        """The text from character ``a`` to ``b`` (inclusive, either order), lines joined and line-end
        hyphenation repaired as in the extraction."""
        a, b = min(a, b), max(a, b)
        s = self.text[a:b + 1]
        s = re.sub(r"[\x02\ufffe\xad]\s*(?:\r?\n)\s*", "", s)      # hyphenated at a line end: join
        s = re.sub(r"-\r?\n", "-", s)
        return clean(s)

    def rects(self, a: int, b: int) -> list[list[float]]:
        """Boxes of characters ``a``..``b`` merged into one rectangle per line (PDF points), as a
        highlight annotation stores them."""
        a, b = min(a, b), max(a, b)
        out: list[list[float]] = []
        for bx in self.boxes[a:b + 1]:
            if bx is None:
                continue
            l, bot, r, t = bx
            if out:
                cur = out[-1]
                h = max(cur[3] - cur[1], t - bot, 1.0)
                same_line = abs((cur[1] + cur[3]) / 2 - (bot + t) / 2) < 0.5 * h and l >= cur[0] - h
                if same_line:
                    cur[0], cur[1], cur[2], cur[3] = min(cur[0], l), min(cur[1], bot), max(cur[2], r), max(cur[3], t)
                    continue
            out.append([l, bot, r, t])
        return out

    def find(self, sentence: str) -> Optional[tuple[int, int]]:
        """(first, last) character of ``sentence`` on the page, matched with whitespace and line-end
        hyphens ignored; None when it is not there."""
        want = re.sub(r"\W+", "", sentence).lower()
        if not want:
            return None
        keep = [(i, ch.lower()) for i, ch in enumerate(self.text) if ch.isalnum()]
        flat = "".join(c for _i, c in keep)
        k = flat.find(want)
        if k < 0:
            return None
        first, last = keep[k][0], keep[k + len(want) - 1][0]
        tail = sentence.rstrip()[-1:]
        if tail and not tail.isalnum() and self.text[last + 1:last + 2] == tail:
            last += 1                      # the closing full stop, bracket or quote
        return first, last


def page_text(path: str | Path, index: int) -> PageText:
    """The characters and boxes of page ``index`` (0-based)."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(str(path))
        try:
            tp = doc[index].get_textpage()
            text = tp.get_text_range()
            n = min(len(text), tp.count_chars())
            boxes: list[Optional[Box]] = []
            for i in range(n):
                if text[i] in "\r\n" or text[i].isspace():
                    boxes.append(None)
                    continue
                boxes.append(tuple(tp.get_charbox(i)))
            return PageText(text[:n], boxes)
        finally:
            doc.close()


def page_count(path: str | Path) -> int:
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(str(path))
        try:
            return len(doc)
        finally:
            doc.close()


def find_page(path: str | Path, text: str, start: int = 0) -> Optional[int]:
    """The first page from ``start`` on (wrapping) whose text holds ``text`` (any case)."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(str(path))
        try:
            n = len(doc)
            for k in range(n):
                i = (start + k) % n
                if text.lower() in doc[i].get_textpage().get_text_range().lower():
                    return i
            return None
        finally:
            doc.close()
