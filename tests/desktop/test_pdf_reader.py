"""The PDF reader: open a paper's attached PDF, highlight a sentence, find it in the notes export after
the window closed; PDFs dropped on the window are attached (never a file inside the library)."""

from __future__ import annotations

import shutil

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QStyleOptionViewItem

from tests import replay_server as replay

replay_server = replay.replay_server  # the fixture

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
        qtbot.waitUntil(lambda: bool(w.last_attach), timeout=180000)      # attach + facet labels, one task
        assert [(r["file"], r["status"]) for r in w.last_attach] == [(str(outside), "new-paper")], w.last_attach
        assert w.last_attach[0]["labelled"] and w.last_attach[0]["label_note"] is None
        qtbot.waitUntil(lambda: w.reader.path is not None and w.reader.paper_id == w.last_attach[0]["paper_id"],
                        timeout=10000)
        lib = Library(libdir)
        try:
            atts = lib.list_attachments()
            assert [a["original_name"] for a in atts] == [str(outside)]
            assert lib.get_paper(atts[0]["paper_id"]).title.startswith("CiteSee")
            sents = lib.fulltext_sentences(atts[0]["id"])
            # labelled in the same task (fragments and back matter get a role and no shortcoming type)
            from gapscope.fulltext.label import BACK_MATTER, FRAGMENT

            assert sents and all(s["role"] for s in sents)
            assert all(s["shortcoming"] for s in sents if s["role"] not in (FRAGMENT, BACK_MATTER))
            lim = lib.fulltext_sentences(atts[0]["id"], kinds=["limitations"])
            assert any(s["shortcoming"] == "own" for s in lim)
        finally:
            lib.close()
    finally:
        w.close()


def _drag_over(qtbot, reader, first: int, last: int) -> None:
    """Press on the middle of character ``first``, move to character ``last``, release (real mouse events)."""
    from PySide6.QtTest import QTest

    def centre(i):
        b = reader.text.boxes[i]
        return reader.to_view((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)

    view = reader.page_view
    qtbot.mousePress(view, Qt.LeftButton, pos=centre(first))
    QTest.mouseMove(view, centre((first + last) // 2))
    QTest.mouseMove(view, centre(last))
    qtbot.mouseRelease(view, Qt.LeftButton, pos=centre(last))


def _eacl_at_limitations(qtbot, lib_path, shared_data):
    """The EACL paper attached, then (its id, the window, the Reader) at its Limitations page."""
    pid = _attach_before_opening(lib_path, shared_data / "pdfs" / EACL)
    return (pid, *_reader_at_limitations(qtbot, lib_path, pid))


def _reader_at_limitations(qtbot, lib_path, pid):
    """The window with the Reader showing the EACL paper's page 10 (its Limitations section)."""
    from .conftest import _open_window

    w = _open_window(qtbot, lib_path)
    w.tabs.setCurrentWidget(w.reader)
    assert w.reader.show_paper(pid)
    w.reader.set_page(9)
    return w, w.reader


def _resized(qtbot, w, size):
    """The window at ``size``, once the Reader's split has laid itself out."""
    w.resize(*size)
    qtbot.waitUntil(lambda: w.reader.split.sizes()[0] > 0)


def test_select_a_sentence_with_the_mouse_highlight_with_ctrl_h_and_export(qtbot, lib_path, shared_data):
    from gapscope.exports import notes_markdown
    from gapscope.store import Library

    pid, w, reader = _eacl_at_limitations(qtbot, lib_path, shared_data)
    try:
        first, last = reader.text.find(SENTENCE)                     # where the characters are, not the selection
        _drag_over(qtbot, reader, first, last)
        assert reader.selected_text() == SENTENCE
        reader.comment_edit.setText("selected by hand")
        reader.page_view.setFocus()
        with qtbot.waitSignal(reader.highlightSaved, timeout=20000):
            qtbot.keyClick(reader.page_view, Qt.Key_H, Qt.ControlModifier)
        assert [(h["text"], h["page"]) for h in reader.highlights] == [(SENTENCE, 10)]
        rects = reader.highlights[0]["rects"]
        assert rects and all(60 < r[0] < r[2] < 300 for r in rects)     # the left column of page 10
        # a drag that ends where it started selects nothing, and Ctrl+H then saves nothing
        _drag_over(qtbot, reader, first, first)
        assert reader.selected_text() == "" and not reader.highlight_selection()
        # the highlight goes into an exported copy of the PDF as a standard annotation
        out = lib_path.parent / "annotated.pdf"
        task = reader.export_annotated(str(out))
        qtbot.waitUntil(lambda: task.done, timeout=30000)
        assert task.outcome == "succeeded", task.error
        assert "with 1 highlight." in reader.status.text()
    finally:
        w.close()
    from pypdf import PdfReader

    annots = [a.get_object() for a in PdfReader(out).pages[9].get("/Annots", [])]
    assert [a["/Contents"] for a in annots if a["/Subtype"] == "/Highlight"] == ["selected by hand"]
    lib = Library(lib_path)
    try:
        assert f"“{SENTENCE}” (yellow, PDF page 10) — selected by hand" in notes_markdown(lib, [pid])
    finally:
        lib.close()


def test_a_gaps_evidence_sentence_opens_the_reader_at_its_place(qtbot, lib_path, shared_data):
    """A gap quoting a Limitations sentence: double-clicking the quote shows page 10 with it selected."""
    from gapscope.gaps.find import quote_shortcomings
    from gapscope.gaps.model import Gap
    from gapscope.store import Library

    from .conftest import _open_window

    pid = _attach_before_opening(lib_path, shared_data / "pdfs" / EACL)
    lib = Library(lib_path)
    try:
        att = lib.attachments_of(pid)[0]["id"]
        lim = lib.fulltext_sentences(att, kinds=["limitations"])
        target = next(s for s in lim if s["text"].startswith("Our findings may not generalize"))
        lib.set_fulltext_labels([(target["id"], "result", "own", 0.9, "test")])
        gap = Gap("unaddressed_shortcoming", 0.5, "A gap.", None, None, [pid], roles={pid: "shortcoming"})
        quote_shortcomings(lib, [gap])
        gap.id = 1
        d = gap.to_dict()
    finally:
        lib.close()
    w = _open_window(qtbot, lib_path)
    try:
        w.tabs.setCurrentWidget(w.gaps_view)
        # its own load of the (empty) gaps first, shown: `busy` turns False before its result is delivered
        qtbot.waitUntil(lambda: not w.tasks.running, timeout=20000)
        w.gaps_view.show_gaps([d])
        w.gaps_view.select_gap(1)
        quotes = w.gaps_view.quotes
        item = next(quotes.item(i) for i in range(quotes.count()) if "Limitations p. 10" in quotes.item(i).text())
        quotes.scrollToItem(item)
        where = quotes.visualItemRect(item).center()
        qtbot.mouseClick(quotes.viewport(), Qt.LeftButton, pos=where)     # a double-click starts with a press
        qtbot.mouseDClick(quotes.viewport(), Qt.LeftButton, pos=where)
        reader = w.reader
        assert w.tabs.currentWidget() is reader
        assert reader.paper_id == pid and reader.page == 9
        assert reader.selected_text() == target["text"]
        assert reader.selection and reader.text.rects(*reader.selection)
    finally:
        w.close()


def test_fetch_arxiv_pdfs_of_the_selection_attaches_labels_and_reports_failures(qtbot, tmp_path, shared_data,
                                                                                 replay_server, monkeypatch):
    """File > Fetch arXiv PDFs on two selected papers: one PDF served (attached and labelled in the same
    task), one the server does not have (its 404 named in the status line); the unselected paper is left."""
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper
    from gapscope.store import Library

    from .conftest import _open_window

    pdf = (shared_data / "pdfs" / "cs" / "2304.02623v1.pdf").read_bytes()
    replay_server.add("/pdf/2304.02623", pdf, content_type="application/pdf")
    monkeypatch.setenv("GAPSCOPE_ARXIV_PDF_URL", replay_server.url + "/pdf")
    libdir = tmp_path / "fetch.gapscope"
    with Library(libdir) as lib:
        lib.set_setting("collect.arxiv_interval_s", 0)
        rep = ingest_papers(lib, [Paper(title=t, arxiv_id=a, source="test", source_key=a) for t, a in (
            ("Beyond summarization", "2304.02623"), ("Gone", "2301.99999"), ("Left alone", "2302.07302"))],
            kind="import", source="test", target="test")
    ids = rep.added_ids
    w = _open_window(qtbot, libdir)
    try:
        monkeypatch.setattr(w.library_view, "selected_ids", lambda: ids[:2])
        task = w.fetch_pdfs()
        assert task.writes                                     # on the writer queue, not the GUI thread
        qtbot.waitUntil(lambda: task.done, timeout=180000)
        assert task.outcome == "succeeded", task.error
        by = {r["arxiv_id"]: r for r in w.last_fetch}
        assert set(by) == {"2304.02623", "2301.99999"}
        assert by["2304.02623"]["status"] == "attached" and by["2301.99999"]["status"] == "failed"
        message = w.statusBar().currentMessage()
        assert "Fetched 1 of 2 PDFs" in message and "arXiv 2301.99999" in message and "404" in message
        assert not any(p.startswith("/pdf/2302.07302") for p, _q, _m in replay_server.log)
    finally:
        w.close()
    with Library(libdir) as lib:
        att = lib.attachments_of(by["2304.02623"]["paper_id"])
        assert len(att) == 1 and att[0]["status"] == "extracted"
        from gapscope.fulltext import sections_with_sentences

        labelled = [x for s in sections_with_sentences(lib, att[0]["id"]) for x in s["sentences"] if x["shortcoming"]]
        assert labelled                                        # labelled in the same task


def test_the_page_context_menu_highlights_the_selection_with_a_note(qtbot, lib_path, shared_data, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    pid, w, reader = _eacl_at_limitations(qtbot, lib_path, shared_data)
    try:
        menu = reader.page_menu()
        assert [a.text() for a in menu.actions()] == ["Highlight selection", "Highlight with a note…"]
        assert not any(a.isEnabled() for a in menu.actions())      # nothing selected: nothing to highlight
        first, last = reader.text.find(SENTENCE)
        _drag_over(qtbot, reader, first, last)
        menu = reader.page_menu()
        assert all(a.isEnabled() for a in menu.actions())
        monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("noisy, but needed", True)))
        with qtbot.waitSignal(reader.highlightSaved, timeout=20000):
            menu.actions()[1].trigger()
        assert [(h["text"], h["page"], h["comment"]) for h in reader.highlights] == \
            [(SENTENCE, 10, "noisy, but needed")]
    finally:
        w.close()


def test_escape_after_typing_a_highlights_note_asks_and_keep_editing_brings_the_note_back(
        qtbot, lib_path, shared_data):
    from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

    from .conftest import answer_boxes

    pid, w, reader = _eacl_at_limitations(qtbot, lib_path, shared_data)
    try:
        first, last = reader.text.find(SENTENCE)
        _drag_over(qtbot, reader, first, last)
        opened: list[str] = []

        def type_then_escape(box):
            qtbot.keyClicks(box.findChild(QLineEdit), "noisy, but needed")
            qtbot.keyClick(box.findChild(QLineEdit), Qt.Key_Escape)

        def ok(box):
            opened.append(box.textValue())
            box.accept()

        answer_boxes((QInputDialog, type_then_escape), (QMessageBox, "Keep Editing"), (QInputDialog, ok))
        with qtbot.waitSignal(reader.highlightSaved, timeout=20000):
            reader.page_menu().actions()[1].trigger()
        assert opened == ["noisy, but needed"]
        assert [(h["text"], h["comment"]) for h in reader.highlights] == [(SENTENCE, "noisy, but needed")]
    finally:
        w.close()


def test_the_context_menu_over_a_highlight_removes_it_from_the_page_the_list_and_the_library(
        qtbot, lib_path, shared_data):
    """A highlight made by mistake can be taken back: right-click on it, Remove highlight."""
    from gapscope.store import Library

    pid, w, reader = _eacl_at_limitations(qtbot, lib_path, shared_data)
    try:
        first, last = reader.text.find(SENTENCE)
        _drag_over(qtbot, reader, first, last)
        with qtbot.waitSignal(reader.highlightSaved, timeout=20000):
            assert reader.highlight_selection()
        (hl,) = reader.highlights
        x0, y0, x1, y1 = hl["rects"][0]
        on_it = reader.to_view((x0 + x1) / 2, (y0 + y1) / 2)
        assert [a.text() for a in reader.page_menu(QPoint(2, 2)).actions()] == \
            ["Highlight selection", "Highlight with a note…"]                  # the margin: nothing to remove
        remove = [a for a in reader.page_menu(on_it).actions() if a.text().startswith("Remove highlight")]
        assert len(remove) == 1 and remove[0].isEnabled() and "Human evaluation" in remove[0].text()
        with qtbot.waitSignal(reader.highlightSaved, timeout=20000):
            remove[0].trigger()
        assert reader.highlights == [] and reader.status.text() == "Highlight removed."
        texts = [reader.sentence_list.item(i).text() for i in range(reader.sentence_list.count())]
        assert not any(t.startswith("★") for t in texts)
    finally:
        w.close()
    lib = Library(lib_path)
    try:
        assert lib.pdf_highlights(pid) == []
    finally:
        lib.close()


def test_a_broken_file_beside_a_good_pdf_adds_no_paper_and_the_failure_stays_shown(qtbot, window, shared_data,
                                                                                    tmp_path, monkeypatch):
    """The summary is not replaced by the paper count the refresh writes, the box lists the failed file
    and why, the sidebar counts the new paper, and the broken file made none."""
    import gapscope.fulltext as fulltext

    attach_only = fulltext.attach_and_label      # the facet labels are not what this test is about
    monkeypatch.setattr(fulltext, "attach_and_label", lambda lib, paths, **kw: attach_only(lib, paths, label=False,
                                                                                            **kw))
    w = window
    before = w.lib.count_papers()
    broken = tmp_path / "broken.pdf"
    broken.write_text("these are my notes, not a PDF")
    good = tmp_path / "citesee.pdf"
    shutil.copyfile(shared_data / "pdfs" / "cs" / "2302.07302v1.pdf", good)
    w.attach_pdfs([broken, good])
    qtbot.waitUntil(lambda: bool(w.last_attach), timeout=60000)
    assert [r["status"] for r in w.last_attach] == ["unreadable", "new-paper"], w.last_attach
    assert w.lib.count_papers() == before + 1
    # the list refresh (which writes the paper count) has run: the summary is still what the bar shows
    qtbot.waitUntil(lambda: w.library_view.model.rowCount() == before + 1 and not w.tasks.running, timeout=10000)
    message = w.statusBar().currentMessage()
    assert message.startswith("Attached 1 of 2 PDFs") and f"{broken}: not a readable PDF" in message, message
    box = w.attach_failures
    assert box.isVisible() and not box.isModal()
    assert box.text() == "1 of 2 files could not be attached or read:"
    assert box.informativeText().startswith(f"{broken}: not a readable PDF")
    all_papers = w.sidebar.topLevelItem(0).child(0)
    assert (all_papers.text(0), all_papers.text(1)) == ("All papers", f"{before + 1:,}")
    box.close()


def test_a_dropped_folder_attaches_the_pdfs_in_it_but_never_the_library_folder(qtbot, window, shared_data,
                                                                               tmp_path, monkeypatch):
    """A folder of PDFs dropped on the window is taken (as `gapscope attach folder/`), its PDFs attached
    and a broken one named; the open library's own folder is never taken."""
    import gapscope.fulltext as fulltext
    from PySide6.QtGui import QDragEnterEvent

    from gapscope_desktop.views.pdf_reader import dropped_pdfs

    attach_only = fulltext.attach_and_label      # the facet labels are not what this test is about
    monkeypatch.setattr(fulltext, "attach_and_label", lambda lib, paths, **kw: attach_only(lib, paths, label=False,
                                                                                            **kw))
    w = window
    folder = tmp_path / "papers"
    (folder / "more").mkdir(parents=True)
    shutil.copyfile(shared_data / "pdfs" / "cs" / "2302.07302v1.pdf", folder / "more" / "citesee.pdf")
    (folder / "broken.pdf").write_text("these are my notes, not a PDF")
    (folder / "notes.txt").write_text("not a PDF either, and not taken for one")
    libdir = tmp_path / "other.gapscope"
    libdir.mkdir()
    assert dropped_pdfs([QUrl.fromLocalFile(str(libdir))], libdir) == []
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    enter = QDragEnterEvent(QPoint(100, 100), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    w.dragEnterEvent(enter)
    assert enter.isAccepted()
    before = w.lib.count_papers()
    assert _drop(w, [folder]).isAccepted()
    qtbot.waitUntil(lambda: bool(w.last_attach), timeout=60000)
    assert [(r["file"], r["status"]) for r in w.last_attach] == [
        (str(folder / "broken.pdf"), "unreadable"), (str(folder / "more" / "citesee.pdf"), "new-paper")]
    assert w.lib.count_papers() == before + 1
    assert w.attach_failures.informativeText().startswith(f"{folder / 'broken.pdf'}: not a readable PDF")
    w.attach_failures.close()


def test_attach_pdf_takes_several_files_chosen_at_once(qtbot, window, shared_data, tmp_path, monkeypatch):
    """File > Attach PDF lets the user pick many PDFs in one go (the dialog answered as Qt's own does
    in its several-files mode), and attaches every one."""
    import gapscope.fulltext as fulltext
    from PySide6.QtWidgets import QFileDialog

    attach_only = fulltext.attach_and_label
    monkeypatch.setattr(fulltext, "attach_and_label", lambda lib, paths, **kw: attach_only(lib, paths, label=False,
                                                                                            **kw))
    picked = []
    for name, src in (("citesee.pdf", "cs/2302.07302v1.pdf"), ("eacl.pdf", EACL)):
        shutil.copyfile(shared_data / "pdfs" / src, tmp_path / name)
        picked.append(str(tmp_path / name))
    modes = []
    monkeypatch.setattr(QFileDialog, "exec", lambda dlg: modes.append(dlg.fileMode()) or QFileDialog.Accepted)
    monkeypatch.setattr(QFileDialog, "selectedFiles",
                        lambda dlg: picked if dlg.fileMode() == QFileDialog.ExistingFiles else picked[:1])
    window.act_attach_pdf.trigger()
    qtbot.waitUntil(lambda: bool(window.last_attach), timeout=60000)
    assert modes == [QFileDialog.ExistingFiles]
    assert [(r["file"], r["status"]) for r in window.last_attach] == [(p, "new-paper") for p in picked]
    # one action, one entry of the Import History: its records are the two files
    log = [e for e in window.lib.imports_log(lists=False) if e["source"] == "pdf"]
    assert [(e["target"], e["read"], e["added"], e["status"]) for e in log] == [(f"2 PDF files in {tmp_path.resolve()}", 2, 2, "done")]


def test_a_missing_stored_pdf_is_named_on_the_page(qtbot, lib_path, shared_data):
    from gapscope.fulltext import stored_path
    from gapscope.store import Library

    from .conftest import _open_window

    pid = _attach_before_opening(lib_path, shared_data / "pdfs" / EACL)
    lib = Library(lib_path)
    try:
        gone = stored_path(lib, lib.attachments_of(pid)[0])
    finally:
        lib.close()
    gone.unlink()                              # deleted by hand, or a library copied without its files
    w = _open_window(qtbot, lib_path)
    try:
        assert not w.reader.show_paper(pid)
        shown = w.reader.page_view.text()
        assert f"paper {pid} is missing" in shown and gone.name in shown and "gapscope attach" in shown
        assert not w.reader.export_button.isEnabled()
    finally:
        w.close()


def test_the_page_gets_most_of_the_width_and_the_users_split_is_remembered(qtbot, lib_path, shared_data):
    """The sentence list's long lines must not squeeze the page into a sliver; a dragged split stays."""
    pid, w, reader = _eacl_at_limitations(qtbot, lib_path, shared_data)
    try:
        for size in ((1280, 800), (1400, 900)):
            _resized(qtbot, w, size)
            page, side = reader.split.sizes()
            assert page >= 0.6 * (page + side), (size, page, side)
            assert reader.scroll.viewport().width() >= 0.6 * reader.width()
        handle = reader.split.handle(1)
        start = handle.rect().center()
        qtbot.mousePress(handle, Qt.LeftButton, pos=start)
        qtbot.mouseMove(handle, start - QPoint(150, 0))
        qtbot.mouseRelease(handle, Qt.LeftButton, pos=start - QPoint(150, 0))
        moved = reader.split.sizes()
        assert moved[0] < page - 50, (moved, page)
    finally:
        w.close()
    w2, reader2 = _reader_at_limitations(qtbot, lib_path, pid)
    try:
        _resized(qtbot, w2, (1400, 900))
        again = reader2.split.sizes()
        share = moved[0] / sum(moved)
        assert abs(again[0] / sum(again) - share) < 0.03, (again, moved)
    finally:
        w2.close()


def test_the_sentence_list_shows_roles_and_shortcomings_filters_them_and_marks_them_on_the_page(
        qtbot, lib_path, shared_data):
    from gapscope.store import Library
    from gapscope_desktop.views.pdf_reader import LABELS_ROLE, SHORTCOMING_COLOURS

    pid = _attach_before_opening(lib_path, shared_data / "pdfs" / EACL)
    lib = Library(lib_path)
    try:
        att = lib.attachments_of(pid)[0]["id"]
        lim = [s for s in lib.fulltext_sentences(att, kinds=["limitations"]) if s["page"] == 10]
        own, prior, plain = lim[0], lim[1], lim[2]
        lib.set_fulltext_labels([(own["id"], "result", "own", 0.9, "test"),
                                 (prior["id"], "background", "prior", 0.9, "test"),
                                 (plain["id"], "method", "none", 0.9, "test")])
    finally:
        lib.close()
    w, reader = _reader_at_limitations(qtbot, lib_path, pid)
    try:
        items = {reader.sentence_list.item(i).data(Qt.UserRole): reader.sentence_list.item(i)
                 for i in range(reader.sentence_list.count())}
        assert "result · own limitation]" in items[own["text"]].text()
        assert "background · prior work]" in items[prior["text"]].text()
        assert "· method]" in items[plain["text"]].text() and "limitation" not in items[plain["text"]].text()
        assert items[own["text"]].data(LABELS_ROLE) == ("result", "own")

        def shown():
            return {t for t, it in items.items() if not it.isHidden()}

        reader.sentence_filter.setCurrentText("Own limitations")
        assert shown() == {own["text"]}
        reader.sentence_filter.setCurrentText("Shortcomings")
        assert shown() == {own["text"], prior["text"]}
        reader.sentence_filter.setCurrentText("All sentences")
        assert len(shown()) == len(items)

        # the shortcoming sentences are marked on the page in their tag's colour, apart from highlights
        first, last = reader.text.find(own["text"])
        x0, y0, x1, _y1 = reader.text.rects(first, last)[0]
        spot = reader.page_view.pixmap().toImage()
        sc, h = reader._scale, reader._page_height
        at = (int((x0 + x1) / 2 * sc), int((h - y0) * sc) + 1)
        assert spot.pixelColor(*at) == SHORTCOMING_COLOURS["own"]
        reader.mark_shortcomings.setChecked(False)
        assert reader.page_view.pixmap().toImage().pixelColor(*at) != SHORTCOMING_COLOURS["own"]
    finally:
        w.close()


def test_the_sentence_rows_follow_the_lists_width_when_the_split_is_dragged(qtbot, lib_path, shared_data):
    """A long sentence wraps to the list's width: a wider list gives its row fewer lines, a narrower more."""
    pid, w, reader = _eacl_at_limitations(qtbot, lib_path, shared_data)
    try:
        _resized(qtbot, w, (1400, 900))
        sl = reader.sentence_list
        longest = max((sl.item(i) for i in range(sl.count())), key=lambda it: len(it.text()))

        def height_after_drag(dx: int) -> int:
            handle = reader.split.handle(1)
            start = handle.rect().center()
            qtbot.mousePress(handle, Qt.LeftButton, pos=start)
            qtbot.mouseMove(handle, start + QPoint(dx, 0))
            qtbot.mouseRelease(handle, Qt.LeftButton, pos=start + QPoint(dx, 0))
            sl.executeDelayedItemsLayout()          # what the next paint would do
            return sl.visualItemRect(longest).height()

        def rows_fit() -> None:                     # every row as high as its sentence needs at this width
            sl.executeDelayedItemsLayout()
            opt = QStyleOptionViewItem()
            opt.font = sl.font()
            for i in range(sl.count()):
                item = sl.item(i)
                needs = sl.itemDelegate().sizeHint(opt, sl.indexFromItem(item)).height()
                assert sl.visualItemRect(item).height() == needs, (i, sl.viewport().width())

        rows_fit()                                  # the scroll bar that came with the rows narrowed them
        narrow = height_after_drag(200)
        wide = height_after_drag(-600)
        assert reader.split.sizes()[1] > 600, reader.split.sizes()
        assert wide < narrow, (wide, narrow)
        rows_fit()
    finally:
        w.close()


def test_the_page_fits_the_panes_width_and_follows_it_until_zoomed(qtbot, lib_path, shared_data):
    """Fit-to-width is the default and follows the pane as the window is resized; + / Ctrl+= and − / Ctrl+-
    zoom (the page then keeps its size), Fit width / Ctrl+0 fit it again."""
    _pid, w, reader = _eacl_at_limitations(qtbot, lib_path, shared_data)
    page_width = lambda: reader.page_view.pixmap().width()  # noqa: E731
    fits = lambda: abs(page_width() - reader.fit_width_pixels()) <= 1  # noqa: E731
    try:
        _resized(qtbot, w, (1100, 800))
        qtbot.waitUntil(fits, timeout=10000)
        narrow = page_width()
        assert narrow <= reader.scroll.viewport().width()               # no sideways scrolling when fitted
        assert reader.fit_button.isChecked() and reader.zoom_label.text() == f"{round(reader.zoom * 100)} %"
        _resized(qtbot, w, (1700, 900))
        qtbot.waitUntil(lambda: page_width() > narrow + 100 and fits(), timeout=10000)
        wide, fitted_zoom = page_width(), reader.zoom
        # the selection keeps its place on the page at the new width
        first, last = reader.text.find(SENTENCE)
        _drag_over(qtbot, reader, first, last)
        assert reader.selected_text() == SENTENCE

        reader.page_view.setFocus()
        qtbot.keyClick(reader.page_view, Qt.Key_Equal, Qt.ControlModifier)            # Ctrl+=
        assert not reader.fit_button.isChecked() and reader.zoom > fitted_zoom
        zoomed = page_width()
        assert zoomed > wide
        _resized(qtbot, w, (1300, 850))                  # zoomed: the page keeps its size
        qtbot.waitUntil(lambda: reader.fit_width_pixels() < wide - 100, timeout=10000)
        assert not reader._refit.isActive() and page_width() == zoomed       # no re-fit queued either
        qtbot.keyClick(reader.page_view, Qt.Key_Minus, Qt.ControlModifier)            # Ctrl+-
        qtbot.keyClick(reader.page_view, Qt.Key_Minus, Qt.ControlModifier)
        assert page_width() < zoomed
        qtbot.keyClick(reader.page_view, Qt.Key_0, Qt.ControlModifier)                # Ctrl+0
        assert reader.fit_button.isChecked() and fits()
        _resized(qtbot, w, (1700, 900))
        qtbot.waitUntil(lambda: abs(page_width() - wide) <= 1, timeout=10000)
        # another page, and the buttons, keep the mode
        reader.set_page(0)
        assert fits()
        reader.zoom_in.click()
        assert not reader.fit_button.isChecked()
        reader.fit_button.click()
        assert reader.fit_button.isChecked() and fits()
    finally:
        w.close()


def test_the_papers_details_list_its_pdf_highlights_and_show_one_in_the_reader(qtbot, lib_path, shared_data):
    """A highlight made in the Reader appears in the paper's details (under its notes) at once (page and note), and its
    "show" link opens the Reader at that page with the text selected; removed, it leaves the details."""
    from PySide6.QtCore import QUrl

    pid, w, reader = _eacl_at_limitations(qtbot, lib_path, shared_data)
    try:
        w.detail.show_paper(pid)
        assert "Highlights in the PDF" not in w.detail.notes_view.toPlainText()
        first, last = reader.text.find(SENTENCE)
        _drag_over(qtbot, reader, first, last)
        reader.comment_edit.setText("a limitation to cite")
        with qtbot.waitSignal(reader.highlightSaved, timeout=20000):
            assert reader.highlight_selection()
        shown = w.detail.notes_view.toPlainText()
        assert "Highlights in the PDF" in shown and SENTENCE in shown and "(p. 10)" in shown
        assert "a limitation to cite" in shown
        (hl,) = w.detail.pdf_highlights
        reader.set_page(0)
        w.tabs.setCurrentIndex(0)
        w.detail._link(QUrl(f"pdfhighlight:show/{hl['id']}"))
        assert w.tabs.currentWidget() is reader and reader.page == 9 and reader.selected_text() == SENTENCE
        with qtbot.waitSignal(reader.highlightSaved, timeout=20000):
            reader.remove_highlight(hl["id"])
        assert "Highlights in the PDF" not in w.detail.notes_view.toPlainText()
    finally:
        w.close()


def test_the_reader_goes_back_to_the_page_a_pdf_was_left_on(qtbot, lib_path, shared_data):
    """Reading two papers in turns: each opens again where it was left, not at its first page."""
    from .conftest import _open_window

    a = _attach_before_opening(lib_path, shared_data / "pdfs" / EACL)
    b = _attach_before_opening(lib_path, shared_data / "pdfs" / "cs" / "2304.02623v1.pdf")
    w = _open_window(qtbot, lib_path)
    try:
        reader = w.reader
        assert reader.show_paper(a) and reader.page == 0
        reader.set_page(6)
        assert reader.show_paper(b) and reader.page == 0
        reader.set_page(2)
        assert reader.show_paper(a) and reader.page == 6 and reader.page_label.text() == "page 7 / 20"
        assert reader.show_paper(b) and reader.page == 2
    finally:
        w.close()


def test_removing_a_pdf_highlight_that_carries_a_note_asks_first(qtbot, lib_path, shared_data, monkeypatch):
    """The note is the user's writing: the page menu's Remove asks (as the paper details do) and No keeps it."""
    from PySide6.QtWidgets import QMessageBox

    _pid, w, reader = _eacl_at_limitations(qtbot, lib_path, shared_data)
    try:
        first, last = reader.text.find(SENTENCE)
        _drag_over(qtbot, reader, first, last)
        reader.comment_edit.setText("the limitation we build on")
        with qtbot.waitSignal(reader.highlightSaved, timeout=20000):
            assert reader.highlight_selection()
        (hl,) = reader.highlights
        x0, y0, x1, y1 = hl["rects"][0]
        on_it = reader.to_view((x0 + x1) / 2, (y0 + y1) / 2)
        asked, reply = [], [QMessageBox.No]
        monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: asked.append(a[2]) or reply[0]))
        remove = [a for a in reader.page_menu(on_it).actions() if a.text().startswith("Remove highlight")]
        remove[0].trigger()
        assert len(asked) == 1 and "the limitation we build on" in asked[0]
        assert "Remove highlight" not in [t.name for t in w.tasks.running]               # No: nothing removed
        assert len(reader.highlights) == 1
        reply[0] = QMessageBox.Yes
        with qtbot.waitSignal(reader.highlightSaved, timeout=20000):
            [a for a in reader.page_menu(on_it).actions() if a.text().startswith("Remove highlight")][0].trigger()
        assert reader.highlights == []
    finally:
        w.close()


def test_show_on_a_highlight_opens_the_pdf_it_was_made_in_not_the_latest(qtbot, lib_path, shared_data):
    """A paper with two PDFs (its paper, then a second file attached to it): "show" on a highlight made in
    the first opens the first at its page with the text selected, not the latest PDF; a highlight in the
    latest one opens that."""
    from PySide6.QtCore import QUrl

    from gapscope.fulltext import attach_file
    from gapscope.store import Library

    from .conftest import _open_window

    pid = _attach_before_opening(lib_path, shared_data / "pdfs" / EACL)
    lib = Library(lib_path)
    try:
        later = attach_file(lib, shared_data / "pdfs" / "cs" / "2304.02623v1.pdf", paper_id=pid)
        assert later.status == "attached"
        first_att, last_att = (a["id"] for a in lib.attachments_of(pid))
        assert last_att == later.attachment_id
        old_hl = lib.add_pdf_highlight(pid, first_att, 10, SENTENCE, comment="in the first PDF")
        page1 = lib.fulltext_sentences(last_att)[0]
        new_hl = lib.add_pdf_highlight(pid, last_att, page1["page"], page1["text"])
    finally:
        lib.close()
    w = _open_window(qtbot, lib_path)
    try:
        reader = w.reader
        w.detail.show_paper(pid)
        assert reader.show_paper(pid) and reader.attachment["id"] == last_att       # the latest, by default
        w.detail._link(QUrl(f"pdfhighlight:show/{old_hl}"))
        assert w.tabs.currentWidget() is reader and reader.attachment["id"] == first_att
        assert reader.pages == 20 and reader.page == 9 and reader.selected_text() == SENTENCE
        assert [h["id"] for h in reader.highlights] == [old_hl]                     # that PDF's highlights
        w.detail._link(QUrl(f"pdfhighlight:show/{new_hl}"))
        assert reader.attachment["id"] == last_att and reader.page == page1["page"] - 1
        assert [h["id"] for h in reader.highlights] == [new_hl]
    finally:
        w.close()


def test_a_highlight_that_fails_to_save_puts_its_note_back_in_the_comment_field(qtbot, lib_path, shared_data,
                                                                                monkeypatch):
    import gapscope_desktop.views.pdf_reader as pdf_reader

    def refuse(*_a, **_k):
        raise OSError("the disk is full")

    monkeypatch.setattr(pdf_reader, "_add_pdf_highlight", refuse)
    pid, w, reader = _eacl_at_limitations(qtbot, lib_path, shared_data)
    try:
        first, last = reader.text.find(SENTENCE)
        _drag_over(qtbot, reader, first, last)
        reader.comment_edit.setText("a limitation to cite")
        assert reader.highlight_selection()
        qtbot.waitUntil(lambda: "not saved" in reader.status.text(), timeout=20000)
        assert "the disk is full" in reader.status.text()
        assert reader.comment_edit.text() == "a limitation to cite" and reader.highlights == []
    finally:
        w.close()


def test_the_page_and_zoom_buttons_say_what_they_do_to_a_screen_reader_and_on_hover(make_view):
    """The zoom buttons read "Zoom out" / "Zoom in" (not a bare "–" and "+"), and every page and zoom button
    has an accessible name and a tooltip, the zoom ones with their keys."""
    from gapscope_desktop.views.pdf_reader import PdfReader

    reader = make_view(PdfReader)
    want = {reader.prev_button: ("Previous page", None), reader.next_button: ("Next page", None),
            reader.zoom_out: ("Zoom out", "Ctrl+-"), reader.zoom_in: ("Zoom in", "Ctrl+=")}
    for button, (name, keys) in want.items():
        assert button.accessibleName() == name and button.toolTip().startswith(name)
        assert keys is None or keys in button.toolTip()
    assert reader.zoom_out.text() == "Zoom out" and reader.zoom_in.text() == "Zoom in"
    # the keys the tooltips name are the ones that zoom
    bound = {k.toString() for act in reader.zoom_actions for k in act.shortcuts()}
    assert {"Ctrl+-", "Ctrl+="} <= bound
