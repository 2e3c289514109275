"""PDF text with its structure, read with pypdfium2 (Apache-2.0/BSD; see benchmarks/results/fulltext).

pdfium gives text runs with their boxes and fonts; we build lines from them, put two-column pages in
reading order (the left column, then the right), drop running headers, page numbers and line numbers,
cut paragraphs at vertical gaps and repair ligatures and end-of-line hyphens.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..jobs import check, report


class UnreadablePdf(Exception):
    """A PDF we cannot read text from; the message names the file and why."""


@dataclass
class Line:
    page: int            # 0-based
    x0: float
    y0: float            # top, measured down from the top of the page
    x1: float
    y1: float
    text: str
    size: float          # font size of the line's longest run
    bold: bool

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Paragraph:
    page: int
    text: str


@dataclass
class Section:
    name: str            # the heading as printed, without its number ("" for the front matter)
    kind: str            # canonical: introduction, method, results, discussion, limitations ... or "other"
    page: int            # 0-based page of the heading
    number: str = ""     # "3", "3.1", "A" ... as printed
    level: int = 1
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Document:
    path: str
    pages: int
    sections: list[Section]
    first_page_lines: list[Line]
    metadata: dict

    def text(self) -> str:
        return "\n\n".join(p.text for s in self.sections for p in s.paragraphs)


_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st",
              "\ufb06": "st"}
_SOFT = "\x02\xad"        # pdfium marks a hyphen it thinks is a line-end hyphenation with \x02


def clean(s: str) -> str:
    for k, v in _LIGATURES.items():
        s = s.replace(k, v)
    s = s.replace("\r", " ").replace("\n", " ").replace("\ufffe", "").replace("\x00", "")
    s = "".join(ch for ch in s if ch in _SOFT or unicodedata.category(ch)[0] != "C")
    return re.sub(r"[ \t\u00a0]+", " ", s).strip()


def _page_lines(page, tp, index: int, raw) -> list[Line]:
    """Merge pdfium's text runs into lines (runs on one baseline and close together)."""
    width, height = page.get_size()
    runs = []
    for i in range(tp.count_rects()):
        left, bottom, right, top = tp.get_rect(i)
        text = tp.get_text_bounded(left, bottom, right, top)
        if not text or not text.strip():
            continue
        ci = raw.FPDFText_GetCharIndexAtPos(tp, left + min(2.0, (right - left) / 2), (top + bottom) / 2, 3, 3)
        size = raw.FPDFText_GetFontSize(tp, ci) if ci >= 0 else (top - bottom)
        weight = raw.FPDFText_GetFontWeight(tp, ci) if ci >= 0 else 400
        runs.append([left, height - top, right, height - bottom, text, size, weight >= 600])
    runs.sort(key=lambda r: (round(r[1] / 2), r[0]))
    lines: list[list] = []
    for r in runs:
        for ln in reversed(lines[-6:]):
            mid = (r[1] + r[3]) / 2
            same_row = ln[1] - 1 <= mid <= ln[3] + 1
            if same_row and 0 <= r[0] - ln[2] < max(8.0, r[5] * 1.2):
                gap = r[0] - ln[2]                          # small caps: "L" + "ONG" are one word
                tight = gap < 0.12 * r[5] or (abs(r[5] - ln[5]) > 1 and gap < 0.3 * r[5])
                sep = "" if tight or ln[4].endswith((" ", "-")) or r[4].startswith(" ") else " "
                ln[4] += sep + r[4]
                ln[2] = max(ln[2], r[2])
                ln[1], ln[3] = min(ln[1], r[1]), max(ln[3], r[3])
                if len(r[4]) > ln[7]:
                    ln[5], ln[6], ln[7] = r[5], r[6], len(r[4])
                break
        else:
            lines.append(r + [len(r[4])])
    out = []
    for x0, y0, x1, y1, text, size, bold, _n in lines:
        t = clean(text)
        if t:
            out.append(Line(index, x0, y0, x1, y1, t, round(size, 1), bold))
    return out


def _reading_order(lines: list[Line], width: float) -> list[Line]:
    """Two columns: the lines left of the middle, then those right of it; a full-width line (title,
    a wide figure caption) stays where it is between the column blocks."""
    mid = width / 2
    left = [ln for ln in lines if ln.x1 <= mid + 4]
    right = [ln for ln in lines if ln.x0 >= mid - 4]
    if len(left) < 8 or len(right) < 8:
        return sorted(lines, key=lambda ln: (ln.y0, ln.x0))
    out: list[Line] = []
    full = sorted([ln for ln in lines if ln.x1 > mid + 4 and ln.x0 < mid - 4], key=lambda ln: ln.y0)
    cols = sorted(left, key=lambda ln: ln.y0), sorted(right, key=lambda ln: ln.y0)
    # cut the page at each full-width line: above it, left column then right column
    top = -1.0
    for f in full + [None]:
        bottom = f.y0 if f is not None else float("inf")
        for col in cols:
            out += [ln for ln in col if top <= ln.y0 < bottom]
        if f is not None:
            out.append(f)
            top = f.y0
    return out


_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)


def _drop_margins(pages: list[list[Line]], heights: list[float]) -> list[list[Line]]:
    """Drop page numbers, line numbers (bioRxiv) and running headers/footers (the same text near the
    top or bottom on several pages, digits ignored)."""
    def key(ln: Line) -> str:
        return re.sub(r"\d+", "#", ln.text.lower())

    margin_counts: dict[str, int] = {}
    for lines, h in zip(pages, heights):
        for k in {key(ln) for ln in lines if ln.y0 < 0.08 * h or ln.y1 > 0.92 * h}:
            margin_counts[k] = margin_counts.get(k, 0) + 1
    repeated = {k for k, n in margin_counts.items() if n >= 3 and len(pages) >= 3}
    out = []
    for lines, h in zip(pages, heights):
        keep = []
        for ln in lines:
            if _PAGE_NUMBER.match(ln.text):
                continue
            if (ln.y0 < 0.08 * h or ln.y1 > 0.92 * h) and key(ln) in repeated:
                continue
            keep.append(ln)
        out.append(keep)
    return out


def read_lines(path: str | Path, *, progress=None, cancel=None) -> tuple[list[list[Line]], dict]:
    """Every page's lines in reading order, and the PDF's metadata."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    path = Path(path)
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise UnreadablePdf(f"{path}: the PDF is encrypted (a password is needed)") from exc
        raise UnreadablePdf(f"{path}: not a readable PDF ({msg})") from exc
    except OSError as exc:
        raise UnreadablePdf(f"{path}: cannot open ({exc})") from exc
    try:
        n = len(doc)
        if n == 0:
            raise UnreadablePdf(f"{path}: the PDF has no pages")
        meta = {k: v for k, v in doc.get_metadata_dict().items() if v}
        pages, heights = [], []
        for i in range(n):
            check(cancel)
            page = doc[i]
            try:
                tp = page.get_textpage()
                width, height = page.get_size()
                pages.append(_reading_order(_page_lines(page, tp, i, raw), width))
                heights.append(height)
                tp.close()
            except pdfium.PdfiumError:
                pages.append([])
                heights.append(792.0)
            finally:
                page.close()
            report(progress, i + 1, n, f"page {i + 1}/{n}")
    finally:
        doc.close()
    if sum(len(p) for p in pages) < 3:
        raise UnreadablePdf(f"{path}: no text in the PDF ({n} pages; a scan without a text layer?)")
    return _drop_margins(pages, heights), meta


def body_size(pages: list[list[Line]]) -> float:
    # the first pages only: a long appendix in another layout (a datasheet form) must not set it
    sizes = [ln.size for lines in pages[:8] for ln in lines for _ in range(max(1, len(ln.text) // 20))]
    return statistics.mode(sizes) if sizes else 10.0


def extract(path: str | Path, *, progress=None, cancel=None) -> Document:
    """Read a PDF into pages, sections and paragraphs (raises :class:`UnreadablePdf`)."""
    from .sections import build_sections

    pages, meta = read_lines(path, progress=progress, cancel=cancel)
    return Document(str(path), len(pages), build_sections(pages, body_size(pages)),
                    pages[0] if pages else [], meta)


def join_lines(texts: list[str]) -> str:
    """Join a paragraph's lines, repairing hyphenation at line ends ("classi-" + "fication")."""
    out = ""
    for t in texts:
        if not out:
            out = t
            continue
        if out[-1] in _SOFT:
            out = out[:-1] + t
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and t[:1].islower():
            out = out[:-1] + t
        else:
            out += " " + t
    return out.replace("\x02", "").replace("\xad", "")


def first_page_text(doc: Document) -> str:
    return "\n".join(ln.text for ln in doc.first_page_lines)


def largest_lines(lines: list[Line], height_limit: Optional[float] = None) -> list[Line]:
    if not lines:
        return []
    top = max(ln.size for ln in lines if height_limit is None or ln.y0 < height_limit) if lines else 0
    return [ln for ln in lines if ln.size >= top - 0.2 and (height_limit is None or ln.y0 < height_limit)]
