"""Bibliography and annotation exports of any selection of papers: BibTeX, RIS, CSL-JSON (all three
import into Zotero), a CSV table (spreadsheets), and notes with highlights as Markdown or JSON."""

from __future__ import annotations

from dataclasses import dataclass

from .bibtex import to_bibtex
from .csljson import to_csl_json
from .csv_table import to_csv
from .notes import annotations, annotations_json, annotations_markdown, notes_json, notes_markdown
from .ris import to_ris
from .selection import included_ids, select_ids

EXPORT_FORMATS = ("bibtex", "ris", "csljson", "csv", "notes-md", "notes-json")


@dataclass(frozen=True)
class Rendered:
    """An export's text and how many papers it holds: the notes formats leave out a paper with no note or
    highlight, so a count of the papers chosen would overstate the file."""

    text: str
    papers: int


def export_text(lib, fmt: str, paper_ids: list[int], *, keep_math: bool = False, tags_notes: bool = True) -> str:
    """The export of ``paper_ids`` (in that order) as text in ``fmt`` (one of EXPORT_FORMATS)."""
    return render_export(lib, fmt, paper_ids, keep_math=keep_math, tags_notes=tags_notes).text


def render_export(lib, fmt: str, paper_ids: list[int], *, keep_math: bool = False,
                  tags_notes: bool = True) -> Rendered:
    """The export of ``paper_ids`` (in that order) in ``fmt`` (one of EXPORT_FORMATS), with its count.
    ``keep_math``: BibTeX only, write ``$...$`` spans as LaTeX math (see bibtex.tex_escape).
    ``tags_notes``: BibTeX and RIS carry each paper's tags and notes (what Zotero reads as its tags and
    notes), the CSV table its tags column; False leaves them out."""
    tags_of = lib.tags_of if tags_notes else None
    notes_of = (lambda pid: [n["body"] for n in lib.notes_of(pid)]) if tags_notes else None
    if fmt in ("notes-md", "notes-json"):
        items = annotations(lib, paper_ids)
        text = annotations_markdown(lib, items) if fmt == "notes-md" else annotations_json(items)
        return Rendered(text, len(items))
    papers = lib.get_papers(paper_ids)
    if fmt == "bibtex":
        return Rendered(to_bibtex(papers, keep_math=keep_math, tags_of=tags_of, notes_of=notes_of), len(papers))
    if fmt == "ris":
        return Rendered(to_ris(papers, tags_of=tags_of, notes_of=notes_of), len(papers))
    if fmt == "csljson":
        return Rendered(to_csl_json(papers), len(papers))
    if fmt == "csv":
        return Rendered(to_csv(papers, tags_of), len(papers))
    raise ValueError(f"unknown export format {fmt!r} (choose {', '.join(EXPORT_FORMATS)})")


__all__ = ["EXPORT_FORMATS", "Rendered", "export_text", "render_export", "included_ids", "notes_json",
           "notes_markdown", "select_ids", "to_bibtex", "to_csl_json", "to_csv", "to_ris"]
