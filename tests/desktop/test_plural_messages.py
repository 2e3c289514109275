"""The window's counts agree with their nouns ("1 file ... was missing"), never "file(s)"."""

from __future__ import annotations

from pathlib import Path

from gapscope.store.backup import BackupReport
from gapscope_desktop.dialogs.backup import summary
from gapscope_desktop.views.maps_view import stability_tip
from gapscope_desktop.views.pdf_reader import attach_summary


def test_a_backup_summary_counts_the_missing_files():
    report = BackupReport(library=Path("/backups/lib"), database=Path("/backups/lib/library.sqlite"),
                          missing=["the PDF file of paper 3 is missing: /x.pdf"])
    assert "1 file the library refers to was missing and is not in the backup:" in summary(report)
    report.missing.append("the PDF file of paper 4 is missing: /y.pdf")
    assert "2 files the library refers to were missing and are not in the backup:" in summary(report)


def test_the_stability_tip_and_the_attach_line_count_in_words():
    assert "clustered 1 more time with" in stability_tip(1) and "clustered 3 more times with" in stability_tip(3)
    line, failed = attach_summary([{"status": "unreadable", "file": "a.pdf", "message": "a.pdf: not a PDF"}])
    assert line.startswith("Attached 0 of 1 PDF;") and failed == ["a.pdf: not a PDF"]


def test_the_attach_line_says_a_pdf_became_a_new_paper():
    """A PDF that matched no library paper made one: the line says so and names the tag to check it by,
    where it once read as a plain "Attached 1 of 2 PDFs"."""
    from gapscope.fulltext import CHECK_TAG

    line, _failed = attach_summary([{"status": "new-paper", "file": "good.pdf", "paper_id": 7, "labelled": True},
                                    {"status": "attached", "file": "other.pdf", "paper_id": 3}])
    assert line.startswith(f'Attached 2 of 2 PDFs (1 matched no library paper: it is a new paper tagged "{CHECK_TAG}")')
    line, _failed = attach_summary([{"status": "new-paper", "file": f"{n}.pdf", "paper_id": n} for n in (1, 2)])
    assert "(2 matched no library paper: they are new papers tagged" in line
    line, _failed = attach_summary([{"status": "attached", "file": "other.pdf", "paper_id": 3}])
    assert line == "Attached 1 of 1 PDF"
