"""Which papers have a PDF, seen from the Library: a narrow PDF column (sorted like the others, and a
"With a PDF" entry in the sidebar), and the detail pane naming the file, its pages and how to open it.
A column layout saved before the column existed still restores."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QUrl

EACL = "cs/2023.eacl-main.121.pdf"
CITESEE = "cs/2302.07302v1.pdf"


def _attach(lib_path, pdfs) -> dict[int, Path]:
    """Attach real PDFs before the window opens: {paper id: the file attached}."""
    from gapscope.fulltext import attach_file
    from gapscope.store import Library

    lib = Library(lib_path)
    try:
        out = {}
        for pdf in pdfs:
            res = attach_file(lib, pdf)
            assert res.status == "new-paper", res
            out[res.paper_id] = pdf
        return out
    finally:
        lib.close()


def _pdf_column() -> int:
    from gapscope_desktop.views.paper_model import COLUMNS

    return [h for h, _k in COLUMNS].index("PDF")


def _marked(w) -> set[int]:
    model, col = w.library_view.model, _pdf_column()
    return {model.paper_id(r) for r in range(model.rowCount()) if model.data(model.index(r, col))}


def test_the_pdf_column_marks_exactly_the_papers_with_a_pdf_and_sorts_them_first(qtbot, lib_path, shared_data):
    from .conftest import _open_window

    attached = _attach(lib_path, [shared_data / "pdfs" / EACL, shared_data / "pdfs" / CITESEE])
    w = _open_window(qtbot, lib_path)
    model, col = w.library_view.model, _pdf_column()
    assert model.headerData(col, Qt.Horizontal) == "PDF"
    assert model.rowCount() == w.lib.count_papers() > len(attached)
    assert _marked(w) == set(attached)
    eacl = next(pid for pid, f in attached.items() if f.name == Path(EACL).name)
    tip = model.data(model.index(model.row_of(eacl), col), Qt.ToolTipRole)
    assert "2023.eacl-main.121.pdf" in tip and "20 pages" in tip
    header = w.library_view.table.horizontalHeader()
    assert not header.isSectionHidden(col) and header.sectionSize(col) < header.sectionSize(0)

    header.setSortIndicator(col, Qt.AscendingOrder)          # a click on the header: the PDFs first
    qtbot.waitUntil(lambda: w.library_view.filter.order == "pdf" and not w.library_view.loading, timeout=10000)
    assert {model.paper_id(r) for r in range(len(attached))} == set(attached)


def test_the_sidebar_lists_the_papers_with_a_pdf(qtbot, lib_path, shared_data):
    from .conftest import _open_window

    attached = _attach(lib_path, [shared_data / "pdfs" / EACL, shared_data / "pdfs" / CITESEE])
    w = _open_window(qtbot, lib_path)
    library = w.sidebar.topLevelItem(0)
    entry = next(library.child(i) for i in range(library.childCount()) if library.child(i).text(0) == "With a PDF")
    assert entry.text(1) == "2"
    w.sidebar.itemClicked.emit(entry, 0)
    qtbot.waitUntil(lambda: not w.library_view.loading and w.library_view.model.rowCount() == 2, timeout=10000)
    assert set(w.library_view.model.ids()) == set(attached)
    assert "with a PDF" in w.library_view.filter.describe()


def test_the_detail_pane_names_the_pdf_its_pages_and_opens_it_in_the_reader(qtbot, lib_path, shared_data):
    from .conftest import _open_window

    (pid,) = _attach(lib_path, [shared_data / "pdfs" / EACL])
    w = _open_window(qtbot, lib_path)
    w.open_paper(pid)
    qtbot.waitUntil(lambda: w.detail.paper is not None and w.detail.paper.id == pid, timeout=10000)
    text = w.detail.browser.toPlainText()
    assert "PDF: 2023.eacl-main.121.pdf, 20 pages" in text and "Open in the Reader" in text
    att = w.lib.attachments_of(pid)[0]
    w.detail._link(QUrl(f"pdf:open/{att['id']}"))
    assert w.tabs.currentWidget() is w.reader
    assert w.reader.paper_id == pid and w.reader.pages == 20

    other = next(i for i in w.library_view.model.ids() if i != pid)       # a paper without one: not a word
    w.open_paper(other)
    qtbot.waitUntil(lambda: w.detail.paper is not None and w.detail.paper.id == other, timeout=10000)
    assert "PDF:" not in w.detail.browser.toPlainText()


def test_a_column_layout_saved_before_the_pdf_column_still_restores(qtbot, lib_path):
    """A user's saved widths and sort (six columns, before PDF came) are kept; the new column shows, narrow."""
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from gapscope_desktop import settings
    from gapscope_desktop.views.paper_model import COL_AUTHORS, COL_YEAR

    from .conftest import _open_window

    old = QTableView()
    old.setModel(QStandardItemModel(0, 6, old))
    old.horizontalHeader().resizeSection(COL_AUTHORS, 333)
    old.horizontalHeader().setSortIndicator(COL_YEAR, Qt.DescendingOrder)
    settings.settings().setValue("window/paperTable", QByteArray(old.horizontalHeader().saveState()))
    old.deleteLater()

    w = _open_window(qtbot, lib_path)
    header = w.library_view.table.horizontalHeader()
    assert header.sectionSize(COL_AUTHORS) == 333
    assert header.sortIndicatorSection() == COL_YEAR and w.library_view.filter.order == "year"
    col = _pdf_column()
    assert not header.isSectionHidden(col) and 0 < header.sectionSize(col) < 80
    assert header.visualIndex(col) == header.visualIndex(0) + 1         # beside the title, as in a fresh window
