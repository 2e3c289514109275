"""Where a sentence of the full text sits on its page: the boxes a highlight covers."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from .pdfium_lock import PDFIUM_LOCK


def sentence_rects(path: Path, page_index: int, text: str) -> list[list[float]]:
    """Boxes (PDF points, origin bottom left) of ``text`` on a page: pdfium's search for its first and its
    last words (a sentence may be hyphenated or wrapped, which an exact search would miss)."""
    import pypdfium2 as pdfium

    words = text.split()
    if not words:
        return []
    with PDFIUM_LOCK:
        return _rects(pdfium, path, page_index, words)


def _rects(pdfium, path: Path, page_index: int, words: list[str]) -> list[list[float]]:
    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[page_index]
        tp = page.get_textpage()

        def find(fragment: str, after: int = 0) -> Optional[tuple[int, int]]:
            searcher = tp.search(fragment, index=after, match_case=True)
            try:
                return searcher.get_next()
            finally:
                searcher.close()

        head = find(" ".join(words[:5]))
        if head is None:
            return []
        tail = find(" ".join(words[-3:]), head[0]) if len(words) > 5 else None
        start, end = head[0], (tail[0] + tail[1] if tail else head[0] + head[1])
        n = tp.count_rects(start, end - start)
        return [list(tp.get_rect(i)) for i in range(n)]
    finally:
        doc.close()
