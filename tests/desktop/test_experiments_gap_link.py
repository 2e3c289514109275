"""The Experiments view names the gap of the spec in its editor: a spec opened after a drafted one is not
shown as testing the drafted spec's gap (its run records the opened spec's own gap, or none)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("gapscope.experiments")

ROOT = Path(__file__).resolve().parents[2]


def _draft_from_first_gap(window, qtbot) -> dict:
    gv = window.gaps_view
    window.tabs.setCurrentWidget(gv)
    qtbot.waitUntil(lambda: gv.current_gap() is not None, timeout=20000)
    gap = gv.current_gap()
    gv.draft_button.click()
    view = window.experiments_view
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is view, timeout=5000)
    assert f"gap #{gap['id']}" in view.gap_label.text()
    return gap


def _open(window, monkeypatch, spec: Path):
    import gapscope_desktop.file_dialogs as file_dialogs

    monkeypatch.setattr(file_dialogs, "open_file_name", lambda *a, **k: str(spec))
    view = window.experiments_view
    view.open_button.click()
    assert view.editor.toPlainText() == spec.read_text(encoding="utf-8")
    return view


def test_a_spec_opened_after_a_drafted_one_drops_the_drafted_gap(analysed_window, qtbot, monkeypatch):
    gap = _draft_from_first_gap(analysed_window, qtbot)
    view = _open(analysed_window, monkeypatch, ROOT / "resources" / "examples" / "iris-logistic.toml")
    assert view.gap is None
    assert "Testing" not in view.gap_label.text() and f"#{gap['id']}" not in view.gap_label.text()
    assert "No gap linked" in view.gap_label.text()


def test_a_spec_opened_names_its_own_gap(analysed_window, qtbot, monkeypatch, tmp_path):
    """A spec whose [source] gap_id is a gap of the library: that gap, with its statement; one the library
    does not hold: its id alone (the run records it), not the gap drafted before."""
    drafted = _draft_from_first_gap(analysed_window, qtbot)
    other = next(g for g in analysed_window.gaps_view.gaps if g["id"] != drafted["id"])
    text = (ROOT / "resources" / "examples" / "iris-logistic.toml").read_text(encoding="utf-8")
    spec = tmp_path / "linked.toml"
    spec.write_text(text + f"\n[source]\ngap_id = {other['id']}\n", encoding="utf-8")
    view = _open(analysed_window, monkeypatch, spec)
    assert view.gap["id"] == other["id"]
    shown = view.gap_label.text()
    assert f"gap #{other['id']}" in shown and other["statement"].split()[0] in shown

    spec.write_text(text + "\n[source]\ngap_id = 987654\n", encoding="utf-8")
    view = _open(analysed_window, monkeypatch, spec)
    assert view.gap == {"id": 987654, "statement": ""} and "gap #987654</a>" in view.gap_label.text()


def test_the_drafted_placeholder_gap_0_is_no_gap(window, qtbot, monkeypatch, tmp_path):
    """A spec drafted from a gap with no id holds the placeholder `gap_id = 0  # set the gap id`: gap ids
    start at 1, so the view says no gap is linked, never "Testing gap #0"."""
    text = (ROOT / "resources" / "examples" / "iris-logistic.toml").read_text(encoding="utf-8")
    spec = tmp_path / "placeholder.toml"
    spec.write_text(text + "\n[source]\ngap_id = 0  # set the gap id\n", encoding="utf-8")
    view = _open(window, monkeypatch, spec)
    assert view.gap is None
    assert "#0" not in view.gap_label.text() and "No gap linked" in view.gap_label.text()

    view.editor.document().setModified(False)
    assert view.draft_from_gap({"statement": "No method is tested on this problem.", "type": "method"})
    assert "gap #" not in view.gap_label.text() and "No gap linked" in view.gap_label.text()
