"""Full text: PDFs attached to papers, their sections and sentences, labelled by the facet classifier."""

from __future__ import annotations

from .bibtex import attach_bibtex_files
from .attach import CHECK_TAG, AttachResult, MissingPdf, attach_file, attach_paths, existing_stored_path, stored_path
from .extract import Document, UnreadablePdf
from .extract import extract as extract_pdf
from .label import attach_and_label, fetch_and_label, label_fulltext, label_pending, sections_with_sentences

__all__ = ["attach_and_label", "fetch_and_label", "CHECK_TAG", "AttachResult", "attach_bibtex_files", "Document", "UnreadablePdf", "attach_file", "attach_paths", "extract_pdf",
           "label_fulltext", "label_pending", "sections_with_sentences", "stored_path", "existing_stored_path", "MissingPdf"]
