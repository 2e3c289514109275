"""Gap reports (HTML / Markdown / PDF) and bibliography exports (BibTeX / RIS / CSL-JSON, notes).

Gathering (:mod:`.data`, a :class:`ReportData` read from the library) is separate from rendering
(:mod:`.html`, :mod:`.markdown`, :mod:`.pdf`): a renderer never queries the library, and every text
that came from outside (titles, abstracts, notes, labels) is escaped by the renderer that writes it.
matplotlib and fpdf2 are imported inside the functions that use them.
"""

from __future__ import annotations

from .api import PapersWritten, export_bibliography, export_papers, export_report
from .data import ReportData, build_report_data
from .write import REPORT_FORMATS, write_report

__all__ = ["PapersWritten", "REPORT_FORMATS", "ReportData", "build_report_data", "export_bibliography",
           "export_papers", "export_report", "write_report"]
