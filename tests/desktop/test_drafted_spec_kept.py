"""A spec drafted from a gap (Gaps > Draft experiment) is a draft like an unsent e-mail: kept in the library's
folder until it is saved, launched or discarded, edited or not. Closing the window asks nothing about an
unedited one and keeps it; the next window on the library lists the kept specs (one per gap drafted) and lets
the user restore or discard each."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

GAP = {"id": 1, "type": "method_x_problem", "score": 1.0,
       "statement": "Apply \u201cdata augmentation\u201d to \u201cpoint cloud\u201d: 7 papers use it",
       "method": {"cluster": 1, "label": "data augmentation", "keywords": []},
       "problem": {"cluster": 2, "label": "point cloud", "keywords": ["point clouds"]},
       "evidence": []}
OTHER_GAP = dict(GAP, id=2, statement="Apply \u201ccontrastive learning\u201d to \u201ccatastrophic forgetting\u201d",
                 method={"cluster": 3, "label": "contrastive learning", "keywords": []},
                 problem={"cluster": 4, "label": "catastrophic forgetting", "keywords": []})


def _open(qtbot, lib_path):
    from .conftest import _open_window

    w = _open_window(qtbot, lib_path)
    w.tabs.setCurrentWidget(w.experiments_view)
    return w


def _close_as_the_user(w, monkeypatch) -> None:
    """The window's close button: nothing unsaved that was typed, so nothing may be asked."""
    def asked(*args, **kwargs):
        raise AssertionError(f"asked at close: {args[1:3]}")

    monkeypatch.setattr(QMessageBox, "question", asked)
    w.close()
    assert w._closed
    monkeypatch.undo()


def _kept(lib_path) -> list:
    from gapscope_desktop.spec_drafts import list_drafts

    return list_drafts(lib_path)


def test_an_unedited_drafted_spec_is_kept_when_the_window_closes_and_restored_next_time(qtbot, lib_path,
                                                                                          monkeypatch):
    w = _open(qtbot, lib_path)
    view = w.experiments_view
    assert view.draft_from_gap(dict(GAP))
    drafted = view.editor.toPlainText()
    assert drafted.strip() and not view.spec_edited()
    _close_as_the_user(w, monkeypatch)
    assert [(d.text, (d.gap or {}).get("id")) for d in _kept(lib_path)] == [(drafted, 1)]

    w2 = _open(qtbot, lib_path)
    view = w2.experiments_view
    assert view.draft_banner.isVisible() and "drafted for gap #1" in view.draft_label.text()
    assert view.restore_draft()
    assert view.editor.toPlainText() == drafted and "gap #1" in view.gap_label.text()
    _close_as_the_user(w2, monkeypatch)              # still not edited, still not saved: kept again
    assert [d.text for d in _kept(lib_path)] == [drafted]


def test_specs_drafted_for_two_gaps_are_both_listed_and_one_can_be_discarded(qtbot, lib_path, monkeypatch):
    w = _open(qtbot, lib_path)
    view = w.experiments_view
    assert view.draft_from_gap(dict(GAP))
    assert view.draft_from_gap(dict(OTHER_GAP))      # the first one is set aside, not lost
    assert view.draft_from_gap(dict(OTHER_GAP))      # drafting the same gap again keeps one draft of it
    _close_as_the_user(w, monkeypatch)
    assert sorted((d.gap or {}).get("id") for d in _kept(lib_path)) == [1, 2]

    w2 = _open(qtbot, lib_path)
    view = w2.experiments_view
    listed = [view.draft_choice.itemText(i) for i in range(view.draft_choice.count())]
    assert len(listed) == 2 and any("gap #1" in t for t in listed) and any("gap #2" in t for t in listed)
    assert view.draft_choice.isVisible()
    view.draft_choice.setCurrentIndex(next(i for i, t in enumerate(listed) if "gap #1" in t))
    assert "gap #1" in view.draft_label.text()
    view.discard_draft_button.click()
    assert [(d.gap or {}).get("id") for d in _kept(lib_path)] == [2]
    assert view.draft_banner.isVisible() and "gap #2" in view.draft_label.text()


def test_a_drafted_spec_saved_or_discarded_is_no_longer_kept(qtbot, lib_path, monkeypatch, tmp_path):
    import gapscope_desktop.file_dialogs as file_dialogs

    w = _open(qtbot, lib_path)
    view = w.experiments_view
    assert view.draft_from_gap(dict(GAP))
    view.keep_draft()
    assert len(_kept(lib_path)) == 1
    monkeypatch.setattr(file_dialogs, "save_file_name", lambda *a, **kw: str(tmp_path / "saved.toml"))
    assert view._save_spec()
    assert _kept(lib_path) == []
    monkeypatch.undo()
    _close_as_the_user(w, monkeypatch)
    assert _kept(lib_path) == []
