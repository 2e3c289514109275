"""PDF text with its structure, read with pypdfium2 (Apache-2.0/BSD; see benchmarks/results/fulltext).

pdfium gives text runs with their boxes and fonts; we build lines from them, put two-column pages in
reading order (the left column, then the right), drop running headers, page numbers and line numbers,
cut paragraphs at vertical gaps and repair ligatures and end-of-line hyphens.
"""

from __future__ import annotations

import ctypes
import math
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..jobs import check, report
from .hyphens import Spellings, keeps_hyphen
from .pdfium_lock import PDFIUM_LOCK
from .superscripts import MARK_CHARS, char_size, raised_marks


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
    # the first two pages' lines in reading order, small type at a column's foot kept: where the abstract
    # is read (abstract.py); one at the foot of page 1 would pass for a footnote
    lead_lines: list[Line] = field(default_factory=list)

    def text(self) -> str:
        return "\n\n".join(p.text for s in self.sections for p in s.paragraphs)


_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st",
              "\ufb06": "st"}
_SOFT = "\x02\xad\ufffe"  # pdfium's mark for a hyphen it takes for a line-end hyphenation (and soft hyphens)


def clean(s: str) -> str:
    for k, v in _LIGATURES.items():
        s = s.replace(k, v)
    s = s.replace("\r", " ").replace("\n", " ").replace("\x00", "")
    s = "".join(ch for ch in s if ch in _SOFT or unicodedata.category(ch)[0] != "C")
    return re.sub(r"[ \t\u00a0]+", " ", s).strip()


def _page_lines(page, tp, index: int, raw) -> tuple[list[Line], str]:
    """The page's lines: pdfium's text order (which keeps a citation's punctuation where it belongs),
    cut into physical lines wherever a character leaves the row or jumps back or far to the right
    (pdfium does not always mark a line end); each line with its box and the font of its middle
    character."""
    width, height = page.get_size()
    text = tp.get_text_range()
    n = min(len(text), tp.count_chars())
    lft, bot, rgt, top = (ctypes.c_double() for _ in range(4))
    lines: list[list] = []           # [chars, indices, x0, x1, ylo, yhi]
    bottoms: dict[int, float] = {}   # the box bottom of each digit and mark character, by index
    cur: list = []
    side: list[str] = []

    def close() -> None:
        nonlocal cur
        if cur and "".join(cur[0]).strip():
            lines.append(cur)
        cur = []

    for i in range(n):
        ch = text[i]
        if ch in "\r\n":
            close()
            continue
        if ch.isspace() or ch == "\x02":
            if cur:
                cur[0].append(ch)
                cur[1].append(-1)             # no box of its own
            elif side:
                side.append(" ")
            continue
        raw.FPDFText_GetCharBox(tp, i, ctypes.byref(lft), ctypes.byref(rgt), ctypes.byref(bot), ctypes.byref(top))
        l, r, b, t = lft.value, rgt.value, bot.value, top.value
        if cur:
            h = max(cur[5] - cur[4], t - b, 1.0)
            mid = (b + t) / 2
            off_row = not (cur[4] - 0.35 * h <= mid <= cur[5] + 0.35 * h)
            if off_row or l < cur[3] - 2 * h or l - cur[3] > 3 * h:
                close()
        if not cur:
            if abs(math.sin(raw.FPDFText_GetCharAngle(tp, i))) > 0.5:
                side.append(ch)               # vertical text (the arXiv stamp in the margin)
                continue
            cur = [[], [], l, r, b, t]
        else:
            cur[3] = max(cur[3], r)
            cur[2] = min(cur[2], l)
        cur[0].append(ch)
        cur[1].append(i)
        if ch in MARK_CHARS:
            bottoms[i] = b                    # a superscript mark's is raised (superscripts.py)
    close()
    out: list[Line] = []
    ox, oy = ctypes.c_double(), ctypes.c_double()
    for chars, idx, x0, x1, lo, hi in lines:
        if not clean("".join(chars)):
            continue
        boxed = [i for i in idx if i >= 0]
        mid = boxed[len(boxed) // 2]
        size = char_size(raw, tp, mid)
        weight = raw.FPDFText_GetFontWeight(tp, mid)
        # the baseline of the middle character: glyph boxes vary with ascenders and descenders
        base = oy.value if raw.FPDFText_GetCharOrigin(tp, mid, ctypes.byref(ox), ctypes.byref(oy)) else lo
        marks = raised_marks(chars, idx, size, base, bottoms, raw, tp)
        t = clean("".join(c for k, c in enumerate(chars) if k not in marks))
        y1 = height - base
        out.append(Line(index, x0, y1 - size * 0.75, x1, y1, t, round(size, 1), weight >= 600))
    return _merge_same_row(out), clean("".join(side))


def _merge_same_row(lines: list[Line]) -> list[Line]:
    """pdfium breaks a line where a run of smaller type (small caps, a superscript) starts: join
    pieces that sit on one row next to each other."""
    out: list[Line] = []
    for ln in lines:
        if out:
            p = out[-1]
            midy = (ln.y0 + ln.y1) / 2
            gap = ln.x0 - p.x1
            if p.y0 - 1 <= midy <= p.y1 + 1 and -1 <= gap < max(6.0, ln.size):
                tight = gap < 0.12 * ln.size or (abs(ln.size - p.size) > 1 and gap < 0.3 * ln.size)
                glued = ln.text[:1] in ",.;:)]" and gap < 0.3 * ln.size
                sep = "" if tight or glued else " "
                keep = p if len(p.text) >= len(ln.text) else ln
                out[-1] = Line(p.page, p.x0, min(p.y0, ln.y0), max(p.x1, ln.x1), max(p.y1, ln.y1),
                               p.text + sep + ln.text, keep.size, keep.bold)
                continue
        out.append(ln)
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
    """Every page's lines in reading order, and the PDF's metadata (with ``margins``: each page's
    vertical text, such as the arXiv stamp; ``page1``: page 1's lines top to bottom, before running
    headers and footnotes are dropped; ``lead_lines``: the first two pages' lines, footnotes not dropped)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    path = Path(path)
    try:
        with PDFIUM_LOCK:
            doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise UnreadablePdf(f"{path}: the PDF is encrypted (a password is needed)") from exc
        if path.is_file() and path.stat().st_size == 0:        # a download or copy that never got its bytes
            raise UnreadablePdf(f"{path}: an empty file (0 bytes), not a PDF") from exc
        raise UnreadablePdf(f"{path}: not a readable PDF ({msg})") from exc
    except OSError as exc:
        raise UnreadablePdf(f"{path}: cannot open ({exc})") from exc
    try:
        with PDFIUM_LOCK:
            n = len(doc)
            meta = {k: v for k, v in doc.get_metadata_dict().items() if v} if n else {}
        if n == 0:
            raise UnreadablePdf(f"{path}: the PDF has no pages")
        pages, heights, widths, margins = [], [], [], []
        for i in range(n):
            check(cancel)
            with PDFIUM_LOCK:            # one page at a time, so the reader can draw in between
                page = doc[i]
                try:
                    tp = page.get_textpage()
                    width, height = page.get_size()
                    lines, margin = _page_lines(page, tp, i, raw)
                    pages.append(_reading_order(lines, width))
                    margins.append(margin)
                    heights.append(height)
                    widths.append(width)
                    tp.close()
                except pdfium.PdfiumError:
                    pages.append([])
                    margins.append("")
                    heights.append(792.0)
                    widths.append(612.0)
                finally:
                    page.close()
            report(progress, i + 1, n, f"page {i + 1}/{n}")
    finally:
        with PDFIUM_LOCK:
            doc.close()
    if sum(len(p) for p in pages) < 3:
        raise UnreadablePdf(f"{path}: no text in the PDF ({n} pages; a scan without a text layer?)")
    # page 1 as printed, its header and footnotes too: where a paper's dates stand ("Received ...")
    meta["page1"] = [ln.text for ln in sorted(pages[0], key=lambda ln: ln.y0)] if pages else []
    pages = _drop_margins(pages, heights)
    meta["margins"] = margins
    meta["lead_lines"] = [ln for page in pages[:2] for ln in page]
    return drop_footnotes(pages, widths, heights, body_size(pages)), meta


def drop_footnotes(pages: list[list[Line]], widths: list[float], heights: list[float], body: float) -> list[list[Line]]:
    """Drop the footnotes: the run of lines in smaller type at the bottom of each column (they would
    otherwise cut a paragraph that goes on in the next column)."""
    from .nonprose import back_matter_heading

    out = []
    for p, (lines, w, h) in enumerate(zip(pages, widths, heights)):
        drop: set[int] = set()
        mid = w / 2
        for col in (lambda ln: ln.x1 <= mid + 4, lambda ln: ln.x0 >= mid - 4,
                    lambda ln: ln.x0 < mid - 4 and ln.x1 > mid + 4):
            members = sorted((ln for ln in lines if col(ln)), key=lambda ln: -ln.y0)
            run = []
            for ln in members:
                if ln.size < body - 1.0 and ln.y0 > 0.6 * h:
                    run.append(ln)
                else:
                    break
            if run and not _back_matter_run(run, lines, pages[p + 1:], body, back_matter_heading):
                drop.update(id(ln) for ln in run)
        out.append([ln for ln in lines if id(ln) not in drop])
    return out


def _back_matter_run(run: list[Line], lines: list[Line], later: list[list[Line]], body: float, heading) -> bool:
    """A small-type run at the foot of a column that is the paper's back matter (Springer sets
    "Acknowledgements ... Funding ... Contribution statement ..." so after the Discussion), not a
    footnote: it opens on a back-matter heading and what is read after it is small type too (it goes
    on in the next column or page), or nothing. Dropped, its continuation would join the Discussion."""
    top = run[-1]
    if not heading(top.text):
        return False
    pos = max(i for i, ln in enumerate(lines) if any(ln is r for r in run))
    after = lines[pos + 1:] or next((pg for pg in later if pg), [])
    return not after or after[0].size < body - 1.0


def body_size(pages: list[list[Line]]) -> float:
    # the first pages only: a long appendix in another layout (a datasheet form) must not set it
    sizes = [ln.size for lines in pages[:8] for ln in lines for _ in range(max(1, len(ln.text) // 20))]
    return statistics.mode(sizes) if sizes else 10.0


def extract(path: str | Path, *, progress=None, cancel=None) -> Document:
    """Read a PDF into pages, sections and paragraphs (raises :class:`UnreadablePdf`)."""
    from .sections import build_sections

    pages, meta = read_lines(path, progress=progress, cancel=cancel)
    lead = meta.pop("lead_lines", [])
    return Document(str(path), len(pages), build_sections(pages, body_size(pages)),
                    pages[0] if pages else [], meta, lead)


def join_lines(texts: list[str], spelled: Optional[Spellings] = None) -> str:
    """Join a paragraph's lines, repairing hyphenation at line ends ("classi-" + "fication") and keeping
    a hyphen that is the word's own ("EF-" + "1A", "protein-" + "protein"; ``spelled``: how the document
    spells its words elsewhere, see hyphens.py)."""
    out = ""
    for t in texts:
        if not out:
            out = t
            continue
        if out[-1] in _SOFT:
            out = out[:-1] + ("-" if keeps_hyphen(out[:-1], t, spelled) else "") + t
        elif out.endswith("-") and len(out) > 1 and out[-2].isalnum() and t[:1].isalnum():
            out += t              # pdfium marks hyphenation itself; a hyphen it left is the word's own
        else:
            out += " " + t
    return re.sub(f"[{_SOFT}]", "-", out)        # one left inside a line was a real hyphen
