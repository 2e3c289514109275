"""Full text: PDFs attached to papers, their sections and sentences, labelled by the facet classifier."""

from __future__ import annotations

from .attach import CHECK_TAG, AttachResult, attach_file, attach_paths, stored_path
from .extract import Document, UnreadablePdf, extract
from .label import label_fulltext, sections_with_sentences

__all__ = ["CHECK_TAG", "AttachResult", "Document", "UnreadablePdf", "attach_file", "attach_paths", "extract",
           "label_fulltext", "sections_with_sentences", "stored_path"]
