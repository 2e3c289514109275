"""A paper's abstract can be edited in the detail pane (the "Edit abstract" link under it, Shift+F2, the
context menu): saved changed, the pane shows it and the Maps view says the map built from the old one is
out of date; saved empty, it is cleared once the user says so; Cancel after typing asks before the text
goes; a save that fails keeps the text as the paper's abstract draft."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QInputDialog, QMessageBox, QPlainTextEdit

from .conftest import answer_boxes

NEW = ("We re-estimate the effect of class size on reading scores with a regression discontinuity design. "
       "Smaller classes raise scores by a tenth of a standard deviation.")


def _kept(lib_path) -> list:
    from gapscope_desktop.paper_drafts import list_drafts

    return list_drafts(lib_path)


def _typed(monkeypatch, answers: list):
    """QInputDialog.getMultiLineText answers ``(text, ok)`` from ``answers``; the texts it opened with are kept."""
    opened: list[str] = []

    def get_text(parent, title, label, text="", *a, **k):
        opened.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QInputDialog, "getMultiLineText", get_text)
    return opened


def test_an_abstract_is_edited_from_its_link_and_the_map_built_from_it_shows_out_of_date(
        analysed_window, qtbot, monkeypatch):
    from gapscope.maps.stale import latest_maps_stale

    window = analysed_window
    detail, lv = window.detail, window.library_view
    pid = lv.model.paper_id(3)
    assert lv.select_paper(pid) and detail.paper.id == pid
    old = window.lib.get_paper(pid).abstract
    assert "Edit abstract" in detail.browser.toPlainText()
    assert latest_maps_stale(window.lib, ("topic",))["topic"] == []
    window.maps_view.pending = window.gaps_view.pending = False
    opened = _typed(monkeypatch, [(f"  {NEW}\n", True)])
    with qtbot.waitSignal(detail.abstractChanged, timeout=10000):
        detail.browser.anchorClicked.emit(QUrl("abstract:edit"))      # the link under the abstract
    assert opened == [old]                                             # the box starts from the abstract
    assert window.lib.get_paper(pid).abstract == NEW
    qtbot.waitUntil(lambda: "regression discontinuity" in detail.browser.toPlainText(), timeout=10000)
    assert latest_maps_stale(window.lib, ("topic",))["topic"]          # its vectors went with the old abstract
    assert window.maps_view.pending and window.gaps_view.pending      # they say so when next shown

    # emptied and saved: asked first, then cleared; the pane offers to add one
    _typed(monkeypatch, [("   ", True)])
    answer_boxes((QMessageBox, "Yes"))
    with qtbot.waitSignal(detail.abstractChanged, timeout=10000):
        detail.browser.setFocus()
        qtbot.keyClick(detail.browser, Qt.Key_F2, Qt.ShiftModifier)
    assert window.lib.get_paper(pid).abstract == ""
    qtbot.waitUntil(lambda: "Add an abstract" in detail.browser.toPlainText(), timeout=10000)


def test_cancel_after_typing_an_abstract_asks_and_keep_editing_brings_the_text_back(window, qtbot, lib_path):
    detail, lv = window.detail, window.library_view
    assert lv.select_paper(lv.model.paper_id(2))
    pid, before = detail.paper.id, detail.paper.abstract
    opened: list[str] = []

    def type_then_cancel(box):
        edit = box.findChild(QPlainTextEdit)
        edit.moveCursor(QTextCursor.End)
        qtbot.keyClicks(edit, " Corrected.")
        box.reject()

    def ok(box):
        opened.append(box.textValue())
        box.accept()

    answer_boxes((QInputDialog, type_then_cancel), (QMessageBox, "Keep Editing"), (QInputDialog, ok))
    with qtbot.waitSignal(detail.abstractChanged, timeout=10000):
        detail.ask_edit_abstract()
    assert opened == [before + " Corrected."]
    assert window.lib.get_paper(pid).abstract == before + " Corrected."
    qtbot.waitUntil(lambda: _kept(lib_path) == [], timeout=10000)

    # Discard: the abstract stays as it was, nothing kept
    answer_boxes((QInputDialog, type_then_cancel), (QMessageBox, "Discard"))
    detail.ask_edit_abstract()
    assert window.lib.get_paper(pid).abstract == before + " Corrected." and _kept(lib_path) == []
    assert detail.unsaved_drafts() == []


def test_an_abstract_whose_save_fails_is_kept_as_a_draft_until_saved(window, qtbot, lib_path, monkeypatch):
    import gapscope_desktop.views.detail_pane as detail_pane

    real = detail_pane._set_abstract

    def refuse(*_a, **_k):
        raise OSError("the disk is full")

    monkeypatch.setattr(detail_pane, "_set_abstract", refuse)
    detail, lv = window.detail, window.library_view
    pid = lv.model.paper_id(2)
    assert lv.select_paper(pid)
    before = window.lib.get_paper(pid).abstract
    detail.edit_abstract(NEW, pid)
    qtbot.waitUntil(lambda: not any(t.name == "Edit abstract" for t in window.tasks.running), timeout=10000)
    assert window.lib.get_paper(pid).abstract == before
    assert detail.unsaved_drafts() == [(pid, "abstract", NEW)]
    assert [d.field for d in _kept(lib_path)] == ["abstract"]          # on disk too, for a killed window
    shown = detail.browser.toPlainText()
    assert "Abstract not saved: Edit abstract saves it, Discard forgets it" in shown
    assert "the disk is full" in detail.notes_view.toPlainText()
    # the next Edit abstract opens on the draft, and saves it
    monkeypatch.setattr(detail_pane, "_set_abstract", real)
    opened = _typed(monkeypatch, [(NEW, True)])
    with qtbot.waitSignal(detail.abstractChanged, timeout=10000):
        detail.ask_edit_abstract()
    assert opened == [NEW] and window.lib.get_paper(pid).abstract == NEW
    assert detail.unsaved_drafts() == []
    qtbot.waitUntil(lambda: _kept(lib_path) == [], timeout=10000)


def test_a_kept_abstract_is_offered_back_only_over_the_abstract_it_was_typed_on(tmp_path):
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper
    from gapscope.store import Library

    from gapscope_desktop.paper_drafts import PaperDraft, check

    with Library(tmp_path / "lib.sqlite") as lib:
        pid = ingest_papers(lib, [Paper(title="Class size", abstract="Old words.", source="csv", source_key="1")],
                            kind="import", source="csv", target="x.csv").added_ids[0]
        typed = PaperDraft(tmp_path / "d.json", pid, "abstract", NEW, started_from="Old words.")
        assert check(lib, typed).status == "restore"
        lib.set_paper_abstract(pid, NEW, expected="Old words.")
        assert check(lib, typed).status == "saved"                  # saved just before the window was killed
        lib.set_paper_abstract(pid, "", expected=NEW)
        assert check(lib, typed).status == "blocked" and "cleared" in check(lib, typed).says


def test_a_highlight_made_while_an_abstract_edit_waits_on_the_writer_queue_does_not_land_on_other_words(
        window, qtbot):
    """Analyze (any long write) holds the writer queue: an abstract edit waits behind it, the pane still shows
    the old abstract, and a highlight made on it then would be written after the edit, at offsets that hold
    other words. It is refused, and the pane says why."""
    import threading

    from .test_first_launch import _select_shown

    detail, lv = window.detail, window.library_view
    pid = lv.model.paper_id(2)
    assert lv.select_paper(pid)
    old = window.lib.get_paper(pid).abstract
    go = threading.Event()

    def long_job(_lib, *, progress=None, cancel=None):
        go.wait(60)         # released by the test; the bound only keeps a failing test from hanging

    job = window.tasks.write("Long job", long_job, library=window.lib.path)
    edit = detail.edit_abstract("Background first, a sentence of some length. " + old, pid)
    shown, spans = detail.shown                                 # the old abstract, still on screen
    a = shown.index(shown.split()[3])
    _select_shown(detail, a, a + len(shown.split()[3]))
    span = detail.selection_span()
    assert span is not None
    words = old[span[0]:span[1]]
    mark = detail.highlight_selection()
    go.set()
    qtbot.waitUntil(lambda: job.done and edit.done and mark.done, timeout=60000)
    abstract = window.lib.get_paper(pid).abstract
    assert abstract.startswith("Background first")
    assert all(abstract[h["start"]:h["end"]] == words for h in window.lib.highlights_with_ids(pid))
    assert mark.outcome == "failed"
    # it says why in the pane's notes, whichever of the edit's redraw and the refusal comes first
    qtbot.waitUntil(lambda: "changed since" in detail.notes_view.toPlainText(), timeout=60000)


def test_a_refused_highlight_is_still_said_after_an_abstract_edit_redraws_the_pane(window, qtbot, monkeypatch):
    """The pane says why a highlight was refused under the paper's notes; an abstract edit saved afterwards
    redraws the whole pane, and the message stays (until another paper is shown)."""
    import gapscope_desktop.views.detail_pane as detail_pane
    from gapscope.store import LibraryError

    from .test_first_launch import _select_shown

    def refuse(_lib, paper_id, *_a, **_k):
        raise LibraryError(f"the abstract of paper {paper_id} changed since its words were shown: nothing was "
                           "highlighted (select the words again)")

    monkeypatch.setattr(detail_pane, "_add_highlight", refuse)
    detail, lv = window.detail, window.library_view
    pid, other = lv.model.paper_id(2), lv.model.paper_id(3)
    assert lv.select_paper(pid)
    old = window.lib.get_paper(pid).abstract
    word = detail.shown[0].split()[3]
    a = detail.shown[0].index(word)
    _select_shown(detail, a, a + len(word))
    mark = detail.highlight_selection()
    qtbot.waitUntil(lambda: mark.done, timeout=10000)
    assert mark.outcome == "failed"
    said = "The highlight was not saved: the abstract of paper"
    assert said in detail.notes_view.toPlainText()
    with qtbot.waitSignal(detail.abstractChanged, timeout=10000):
        detail.edit_abstract("Background first, a sentence of some length. " + old, pid)
    assert "Background first" in detail.browser.toPlainText()             # the pane was drawn again
    assert said in detail.notes_view.toPlainText()
    assert lv.select_paper(other) and said not in detail.notes_view.toPlainText()
    assert lv.select_paper(pid) and said not in detail.notes_view.toPlainText()    # said once it was seen


def test_an_abstract_saved_as_it_is_writes_nothing_and_says_no_change(window, qtbot, monkeypatch):
    """Saved unchanged, nothing is written, a guessed abstract's check tag neither (no edit would be kept for
    an undo to put it back): the status bar says "No change"."""
    from gapscope.models import CHECK_ABSTRACT_TAG

    detail, lv = window.detail, window.library_view
    pid = lv.model.paper_id(2)
    job = window.tasks.write("Tag", lambda lib, **_k: lib.add_tag([pid], CHECK_ABSTRACT_TAG), library=window.lib.path)
    qtbot.waitUntil(lambda: job.done, timeout=10000)
    assert lv.select_paper(pid)
    current = window.lib.get_paper(pid).abstract
    saved = []
    detail.abstractChanged.connect(saved.append)
    _typed(monkeypatch, [(current, True)])
    detail.ask_edit_abstract()
    assert "No change" in window.statusBar().currentMessage()
    assert not any(t.name == "Edit abstract" for t in window.tasks.running) and saved == []
    assert CHECK_ABSTRACT_TAG in window.lib.tags_of(pid) and window.lib.paper_edits(pid) == []
    assert not detail.act_undo_edit.isEnabled()
