"""The PDF reader: open a paper's attached PDF, highlight a sentence, find it in the notes export after
the window closed; PDFs dropped on the window are attached (never a file inside the library)."""

from __future__ import annotations

import shutil

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

EACL = "cs/2023.eacl-main.121.pdf"
SENTENCE = "Human evaluation is a noisy process with many confounding variables."


def _attach_before_opening(lib_path, pdf):
    from gapscope.fulltext import attach_file
    from gapscope.store import Library

    lib = Library(lib_path)
    try:
        res = attach_file(lib, pdf)
        assert res.status == "new-paper", res
        return res.paper_id
    finally:
        lib.close()


def test_open_pdf_highlight_a_sentence_and_export_it(qtbot, lib_path, shared_data):
    from gapscope.exports import notes_markdown
    from gapscope.store import Library

    from .conftest import _open_window

    pid = _attach_before_opening(lib_path, shared_data / "pdfs" / EACL)
    w = _open_window(qtbot, lib_path)
    reader = w.reader
    assert reader.show_paper(pid) and reader.pages == 20
    assert reader.page_view.pixmap() is not None and not reader.page_view.pixmap().isNull()
    assert reader.find("confounding variables") and reader.page == 9          # page 10
    items = [reader.sentence_list.item(i) for i in range(reader.sentence_list.count())]
    target = next(it for it in items if it.data(Qt.UserRole) == SENTENCE)
    reader.sentence_list.setCurrentItem(target)
    reader.comment_edit.setText("the main limitation")
    with qtbot.waitSignal(reader.highlightSaved, timeout=20000):
        qtbot.mouseClick(reader.highlight_button, Qt.LeftButton)
    assert [h["text"] for h in reader.highlights] == [SENTENCE]
    assert reader.highlights[0]["rects"], "pdfium found the sentence's boxes on the page"
    assert reader.sentence_list.item(items.index(target)).text().startswith("★")
    w.close()

    lib = Library(lib_path)                    # after a restart: in the library and in the notes export
    try:
        md = notes_markdown(lib, [pid])
        assert f"“{SENTENCE}” (yellow, PDF page 10) — the main limitation" in md
    finally:
        lib.close()
    w2 = _open_window(qtbot, lib_path)
    try:
        assert w2.reader.show_paper(pid) and [h["text"] for h in w2.reader.highlights] == [SENTENCE]
    finally:
        w2.close()


def _drop(w, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    ev = QDropEvent(QPointF(100, 100), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    w.dropEvent(ev)
    return ev


def test_dropped_pdfs_are_attached_but_never_library_files(qtbot, tmp_path, shared_data):
    from gapscope.store import Library
    from gapscope_desktop.views.pdf_reader import dropped_pdfs

    libdir = tmp_path / "drop.gapscope"
    Library(libdir).close()
    inside = libdir / "files" / "stray.pdf"
    inside.parent.mkdir()
    shutil.copyfile(shared_data / "pdfs" / "odd" / "papermage-test-uu.pdf", inside)
    outside = tmp_path / "citesee.pdf"
    shutil.copyfile(shared_data / "pdfs" / "cs" / "2302.07302v1.pdf", outside)
    urls = [QUrl.fromLocalFile(str(p)) for p in (inside, libdir / "library.sqlite", outside, tmp_path / "x.txt")]
    assert dropped_pdfs(urls, libdir) == [outside]

    from gapscope_desktop.app import create_app
    from gapscope_desktop.main_window import MainWindow

    create_app(["test"])
    w = MainWindow(libdir)
    qtbot.addWidget(w)
    w.show()
    try:
        _drop(w, [inside, outside])
        qtbot.waitUntil(lambda: bool(w.last_attach), timeout=30000)
        assert [(r["file"], r["status"]) for r in w.last_attach] == [(str(outside), "new-paper")], w.last_attach
        qtbot.waitUntil(lambda: w.reader.path is not None and w.reader.paper_id == w.last_attach[0]["paper_id"],
                        timeout=10000)
        lib = Library(libdir)
        try:
            atts = lib.list_attachments()
            assert [a["original_name"] for a in atts] == [str(outside)]
            assert lib.get_paper(atts[0]["paper_id"]).title.startswith("CiteSee")
        finally:
            lib.close()
    finally:
        w.close()
