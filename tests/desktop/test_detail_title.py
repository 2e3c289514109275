"""A paper's title can be edited in the detail pane (the header's link, F2, or the context menu): a
record imported without a title shows its "[untitled] ..." placeholder with a link to set the real
one, the list shows the new title at once, and an empty title is refused by name."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QInputDialog, QMessageBox

ABSTRACT = ("Methylphenidate was given to forty children with attention deficit disorder in a crossover trial "
            "and their teachers rated the effect on classroom behaviour over eight weeks.")


def _add_untitled(lib_path, tmp_path) -> int:
    from gapscope.ingest import import_file
    from gapscope.store import Library

    csv = tmp_path / "untitled.csv"
    csv.write_text(f'title,abstract,doi\n,"{ABSTRACT}",10.1000/adhd.1\n', encoding="utf-8")
    with Library(lib_path) as lib:
        return import_file(lib, csv).added_ids[0]


def _typed(monkeypatch, answers: list):
    """QInputDialog.getText answers from ``answers``; the texts it was opened with are kept."""
    opened: list[str] = []

    def get_text(parent, title, label, mode=None, text="", *a, **k):
        opened.append(text)
        return answers.pop(0), True

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    return opened


def test_a_placeholder_title_is_set_from_the_detail_pane(qtbot, lib_path, tmp_path, monkeypatch):
    from .conftest import _close_at_teardown, _open_window

    pid = _add_untitled(lib_path, tmp_path)
    window = _open_window(qtbot, lib_path)
    try:
        detail, lv = window.detail, window.library_view
        assert lv.select_paper(pid) and detail.paper.id == pid
        shown = detail.browser.toPlainText()
        assert "[untitled] Methylphenidate" in shown and "No title came with this record: Set the title" in shown
        warned: list[str] = []
        monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: warned.append(text))
        opened = _typed(monkeypatch, ["   ", "Methylphenidate and classroom behaviour: a crossover trial"])
        detail.browser.anchorClicked.emit(QUrl("title:edit"))       # the header's link
        assert opened == [""]            # the box starts empty, not with the placeholder
        assert warned == ["The title was not changed: a title cannot be empty."]
        detail.browser.anchorClicked.emit(QUrl("title:edit"))
        qtbot.waitUntil(lambda: window.lib.get_paper(pid).title.startswith("Methylphenidate and"), timeout=10000)
        row = lambda: lv.model.row_of(pid)  # noqa: E731
        qtbot.waitUntil(lambda: row() >= 0 and lv.model.index(row(), 0).data(Qt.DisplayRole) ==
                        "Methylphenidate and classroom behaviour: a crossover trial", timeout=10000)
        qtbot.waitUntil(lambda: "No title came" not in detail.browser.toPlainText(), timeout=10000)
        assert detail.browser.toPlainText().startswith("Methylphenidate and classroom behaviour")
        # F2 edits a real title too, starting from it
        opened = _typed(monkeypatch, ["Methylphenidate in the classroom"])
        detail.browser.setFocus()
        qtbot.keyClick(detail.browser, Qt.Key_F2)
        assert opened == ["Methylphenidate and classroom behaviour: a crossover trial"]
        qtbot.waitUntil(lambda: window.lib.get_paper(pid).title == "Methylphenidate in the classroom", timeout=10000)
    finally:
        _close_at_teardown(window)


def test_the_title_goes_to_the_paper_it_was_typed_for_when_the_pane_moved_on_meanwhile(window, qtbot, monkeypatch):
    """The title box is modal, but the window's own work goes on behind it: a list read again may select
    another paper before the box is answered. The title is saved on the paper the box was opened for."""
    lv, detail = window.library_view, window.detail
    asked, other = lv.model.paper_id(2), lv.model.paper_id(6)
    assert lv.select_paper(asked) and detail.paper.id == asked
    other_title = window.lib.get_paper(other).title

    def answered_after_the_pane_moved_on(parent, title, label, mode=None, text="", *a, **k):
        lv.select_paper(other)                             # what a refresh landing behind the box does
        assert detail.paper.id == other
        return "A title typed for the first paper", True

    monkeypatch.setattr(QInputDialog, "getText", answered_after_the_pane_moved_on)
    detail.ask_edit_title()
    qtbot.waitUntil(lambda: not any(t.name == "Edit title" for t in window.tasks.running), timeout=10000)
    assert window.lib.get_paper(asked).title == "A title typed for the first paper"
    assert window.lib.get_paper(other).title == other_title


def test_the_header_links_a_papers_pubmed_record():
    from gapscope.models import Paper
    from gapscope_desktop.views.paper_html import paper_header_html

    shown = paper_header_html(Paper(title="Tic exacerbation during stimulant treatment", pmid="10637679"))
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/10637679/">PMID:10637679</a>' in shown


def test_a_searchs_field_names_and_left_out_words_are_not_marked():
    """"au:hopper -graph" marks hopper only: before, "au" marked every word starting so ("automatic") and the
    word the search leaves out was marked as found."""
    from gapscope_desktop.views.paper_html import mark_terms, query_terms

    assert query_terms("au:hopper -graph ti:diffusion") == ["hopper", "diffusion"]
    assert query_terms("abs:transformers NOT attention Author:Turing") == ["transformers", "Turing"]
    assert query_terms("covid-19 in-context learning") == ["covid-19", "in-context", "learning"]
    assert "<span" not in mark_terms("Automatic graph time series", query_terms("au:hopper -graph ti:x"))


def test_a_left_out_phrase_is_not_marked():
    """`translation -"machine translation"` finds papers without that phrase: marking "machine" in them
    (and "translation" twice over) would show as found what the search left out."""
    from gapscope_desktop.views.paper_html import query_terms

    assert query_terms('translation -"machine translation"') == ["translation"]
    assert query_terms('graph -title:"neural nets" NOT "deep learning"') == ["graph"]
