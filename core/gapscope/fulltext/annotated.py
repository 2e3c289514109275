"""A copy of a paper's PDF with its highlights written in as standard PDF highlight annotations (what
Zotero, Acrobat and browsers show), the comment as the annotation's text. The stored file is left as it is."""

from __future__ import annotations

import ctypes
import io
from pathlib import Path
from typing import Any

from ..outfiles import write_atomic
from ..store.base import LibraryError
from .attach import existing_stored_path
from .pdfium_lock import PDFIUM_LOCK

_COLOURS = {"yellow": (255, 220, 0), "green": (80, 200, 80), "red": (240, 80, 80), "blue": (90, 150, 250)}


def _set_text(raw, annot, key: str, value: str) -> None:
    buf = (value + "\x00").encode("utf-16-le")
    raw.FPDFAnnot_SetStringValue(annot, key.encode("ascii"), ctypes.cast(ctypes.create_string_buffer(buf, len(buf)),
                                                                         ctypes.POINTER(raw.FPDF_WCHAR)))


def export_annotated_pdf(lib, paper_id: int, dest: str | Path) -> dict[str, Any]:
    """Write the paper's latest readable PDF with its highlights to ``dest``; returns what was written."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    atts = [a for a in lib.attachments_of(paper_id) if a["status"] == "extracted"]
    if not atts:
        raise LibraryError(f"paper {paper_id} has no readable PDF attached")
    att = atts[-1]
    highlights = [h for h in lib.pdf_highlights(paper_id) if h["attachment_id"] == att["id"]]
    dest = Path(dest)
    src = existing_stored_path(lib, att)
    with PDFIUM_LOCK:
        return _write(pdfium, raw, src, dest, highlights, paper_id, att)


def _write(pdfium, raw, src: Path, dest: Path, highlights: list, paper_id: int, att: dict) -> dict[str, Any]:
    doc = pdfium.PdfDocument(str(src))
    written = 0
    try:
        for h in highlights:
            if not h["rects"] or not 1 <= h["page"] <= len(doc):
                continue
            page = doc[h["page"] - 1]
            annot = raw.FPDFPage_CreateAnnot(page, raw.FPDF_ANNOT_HIGHLIGHT)
            r, g, b = _COLOURS.get(h["color"], _COLOURS["yellow"])
            raw.FPDFAnnot_SetColor(annot, raw.FPDFANNOT_COLORTYPE_Color, r, g, b, 255)
            for x0, y0, x1, y1 in h["rects"]:
                quad = raw.FS_QUADPOINTSF(x0, y1, x1, y1, x0, y0, x1, y0)
                raw.FPDFAnnot_AppendAttachmentPoints(annot, ctypes.byref(quad))
            xs = [v for rc in h["rects"] for v in (rc[0], rc[2])]
            ys = [v for rc in h["rects"] for v in (rc[1], rc[3])]
            raw.FPDFAnnot_SetRect(annot, ctypes.byref(raw.FS_RECTF(min(xs), max(ys), max(xs), min(ys))))
            _set_text(raw, annot, "Contents", h["comment"] or h["text"])
            _set_text(raw, annot, "T", "GapScope")
            raw.FPDFPage_CloseAnnot(annot)
            page.close()
            written += 1
        buf = io.BytesIO()
        doc.save(buf)
        write_atomic(dest, buf.getvalue())    # whole or not at all, an ordinary file's permissions (not 0600)
    finally:
        doc.close()
    return {"paper_id": paper_id, "file": str(dest), "highlights": written, "source": att["original_name"]}
