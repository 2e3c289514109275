"""Triage by keyboard on a real library: include, exclude with a reason, maybe, postpone, undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

pytest.importorskip("gapscope.triage")


def _wait_card(qtbot, view):
    qtbot.waitUntil(lambda: not view.loading and view.current is not None, timeout=60000)
    return view.current


def test_triage_a_few_papers_by_keyboard(window, qtbot):
    from gapscope.triage import current_decisions, list_reasons

    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    assert view.card.isVisible()
    first = _wait_card(qtbot, view)
    title = " ".join(window.lib.get_paper(first).title.split())
    assert title in " ".join(view.card.toPlainText().split())

    qtbot.keyClick(view, Qt.Key_I)
    second = _wait_card(qtbot, view)
    assert second != first
    qtbot.keyClick(view, Qt.Key_2)  # exclude with the second reason
    third = _wait_card(qtbot, view)
    qtbot.keyClick(view, Qt.Key_M)
    fourth = _wait_card(qtbot, view)
    qtbot.keyClick(view, Qt.Key_P)
    _wait_card(qtbot, view)

    current = current_decisions(window.lib)
    assert current[first]["decision"] == "include"
    assert current[second]["decision"] == "exclude"
    assert current[second]["reason"] == list_reasons(window.lib)[1]
    assert current[third]["decision"] == "maybe"
    assert current[fourth]["decision"] == "postpone"
    assert view.progress.value() == 3  # include + exclude + maybe screened
    assert "Stopping estimate" in view.stop_label.text() or "stop" in view.stop_label.text()

    qtbot.keyClick(view, Qt.Key_U)
    _wait_card(qtbot, view)
    assert fourth not in current_decisions(window.lib)
    # the sidebar counts follow
    counts = {window.sidebar.topLevelItem(i).text(0): window.sidebar.topLevelItem(i)
              for i in range(window.sidebar.topLevelItemCount())}
    triage = counts["TRIAGE"]
    assert triage.child(0).text(1) == "1"  # Included
