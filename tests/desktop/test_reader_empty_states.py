"""The Reader tab says what to do when it has no PDF to show: no paper chosen (once a blank page, with
Find in PDF… still on), or a paper without a PDF (once a command line to run, in backticks, in the GUI)."""

from __future__ import annotations


def _reader_text(reader) -> str:
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setHtml(reader.page_view.text())
    return doc.toPlainText()


def test_no_paper_chosen_says_to_choose_one_and_find_is_off(window, qtbot):
    reader = window.reader
    window.tabs.setCurrentWidget(reader)
    window.library_view.table.clearSelection()
    qtbot.waitUntil(lambda: reader.paper_id is None, timeout=5000)
    text = _reader_text(reader)
    assert "Select a paper in the Library" in text, text
    assert not reader.find_edit.isEnabled() and not reader.export_button.isEnabled()
    assert reader.find_edit.placeholderText() == "Find in PDF… (no PDF shown)"
    # the hint wraps to the pane: it was one line past the pane's edge, behind a horizontal scroll bar
    assert reader.page_view.width() <= reader.scroll.viewport().width()


def test_a_paper_without_a_pdf_offers_the_windows_way_to_attach_one(window, qtbot):
    reader = window.reader
    pid = window.library_view.model.ids()[0]
    assert not window.lib.attachments_of(pid)
    assert window.library_view.select_paper(pid)
    qtbot.waitUntil(lambda: reader.paper_id == pid, timeout=5000)
    text = _reader_text(reader)
    assert "File > Attach PDF…" in text and "Drop" in text, text
    assert "`" not in text and "gapscope attach" not in text
    assert not reader.find_edit.isEnabled()
