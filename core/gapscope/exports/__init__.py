"""Bibliography and annotation exports of any selection of papers: BibTeX, RIS, CSL-JSON (all three
import into Zotero), a CSV table (spreadsheets), and notes with highlights as Markdown or JSON."""

from __future__ import annotations

from .bibtex import to_bibtex
from .csljson import to_csl_json
from .csv_table import to_csv
from .notes import notes_json, notes_markdown
from .ris import to_ris
from .selection import included_ids, select_ids

EXPORT_FORMATS = ("bibtex", "ris", "csljson", "csv", "notes-md", "notes-json")


def export_text(lib, fmt: str, paper_ids: list[int], *, keep_math: bool = False, tags_notes: bool = True) -> str:
    """The export of ``paper_ids`` (in that order) as text in ``fmt`` (one of EXPORT_FORMATS).
    ``keep_math``: BibTeX only, write ``$...$`` spans as LaTeX math (see bibtex.tex_escape).
    ``tags_notes``: BibTeX and RIS carry each paper's tags and notes (what Zotero reads as its tags and
    notes), the CSV table its tags column; False leaves them out."""
    tags_of = lib.tags_of if tags_notes else None
    notes_of = (lambda pid: [n["body"] for n in lib.notes_of(pid)]) if tags_notes else None
    if fmt == "notes-md":
        return notes_markdown(lib, paper_ids)
    if fmt == "notes-json":
        return notes_json(lib, paper_ids)
    papers = lib.get_papers(paper_ids)
    if fmt == "bibtex":
        return to_bibtex(papers, keep_math=keep_math, tags_of=tags_of, notes_of=notes_of)
    if fmt == "ris":
        return to_ris(papers, tags_of=tags_of, notes_of=notes_of)
    if fmt == "csljson":
        return to_csl_json(papers)
    if fmt == "csv":
        return to_csv(papers, tags_of)
    raise ValueError(f"unknown export format {fmt!r} (choose {', '.join(EXPORT_FORMATS)})")


__all__ = ["EXPORT_FORMATS", "export_text", "included_ids", "notes_json", "notes_markdown", "select_ids",
           "to_bibtex", "to_csl_json", "to_csv", "to_ris"]
