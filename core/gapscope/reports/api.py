"""The two calls the desktop's Export action makes (`dialogs/export_dialog.py` looks them up by name):
one for the gap report, one for a bibliography or notes export of the selected papers."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from ..jobs import CancelToken, ProgressFn, check, report
from ..store.library import Library
from .data import DEFAULT_REPORT_GAPS, ReportData
from ..outfiles import write_atomic
from .write import write_report


@dataclass(frozen=True)
class PapersWritten:
    """What a paper export wrote: ``papers`` in the file, ``with_nothing`` chosen but left out (a notes
    export writes only the papers with a note or a highlight)."""

    papers: int
    with_nothing: int = 0

    def left_out(self) -> str:
        """Says how many chosen papers had nothing to write ("" when every one is in the file)."""
        from ..textfmt import plural

        return f"{plural(self.with_nothing, 'paper')} had no notes or highlights" if self.with_nothing else ""


_REPORT_ALIASES = {"html": "html", "htm": "html", "md": "md", "markdown": "md", "pdf": "pdf"}


def export_report(lib: Library, path: str | os.PathLike, fmt: str = "html", *, collection: Optional[str] = None,
                  title: Optional[str] = None, progress: Optional[ProgressFn] = None,
                  cancel: Optional[CancelToken] = None, max_gaps: Optional[int] = DEFAULT_REPORT_GAPS) -> ReportData:
    """Write the gap report (``fmt``: html, md / markdown, pdf) of the library or one collection, with its
    ``max_gaps`` best gaps (None: all)."""
    if fmt not in _REPORT_ALIASES:
        raise ValueError(f"unknown report format {fmt!r} (choose html, md or pdf)")
    return write_report(lib, _REPORT_ALIASES[fmt], path, collection=collection, title=title, progress=progress,
                        cancel=cancel, max_gaps=max_gaps)


def export_bibliography(lib: Library, path: str | os.PathLike, fmt: str = "bibtex",
                        paper_ids: Optional[Sequence[int]] = None, *, progress: Optional[ProgressFn] = None,
                        cancel: Optional[CancelToken] = None) -> int:
    """Write ``paper_ids`` (None: the whole library) as bibtex, ris, csljson, notes-md or notes-json;
    returns how many papers were written (a notes export leaves out the papers with none)."""
    from ..exports import EXPORT_FORMATS, render_export

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose {', '.join(EXPORT_FORMATS)})")
    # an empty list chooses no paper (as export_papers' ids=[]): None alone is the whole library
    ids = list(paper_ids) if paper_ids is not None else lib.list_paper_ids()
    report(progress, 0, 2, f"writing {fmt}")
    rendered = render_export(lib, fmt, ids)
    check(cancel)
    write_atomic(Path(path), rendered.text.encode("utf-8"))
    report(progress, 2, 2, "done")
    return rendered.papers


def export_papers(lib: Library, path: str | os.PathLike, fmt: str = "bibtex", *, collection: Optional[str] = None,
                  tag: Optional[str] = None, query: Optional[str] = None,
                  ids: Optional[Sequence[str | int]] = None, included: bool = False, keep_math: bool = False,
                  tags_notes: bool = True, progress: Optional[ProgressFn] = None,
                  cancel: Optional[CancelToken] = None) -> PapersWritten:
    """`gapscope export FORMAT -o PATH` with its filters (they combine; none: the whole library):
    write the chosen papers as bibtex, ris, csljson, notes-md or notes-json; returns how many the file
    holds and how many had nothing to write (notes formats). The CLI
    and the desktop's Export dialog both call this. Raises LibraryError for an unknown collection or id."""
    from ..exports import EXPORT_FORMATS, render_export, select_ids

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose {', '.join(EXPORT_FORMATS)})")
    report(progress, 0, 3, "choosing papers")
    chosen = select_ids(lib, collection=collection, tag=tag, query=query, ids=ids, included=included)
    check(cancel)
    report(progress, 1, 3, f"writing {len(chosen)} papers as {fmt}")
    rendered = render_export(lib, fmt, chosen, keep_math=keep_math, tags_notes=tags_notes)
    check(cancel)
    write_atomic(Path(path), rendered.text.encode("utf-8"))
    report(progress, 3, 3, "done")
    return PapersWritten(rendered.papers, len(chosen) - rendered.papers)
