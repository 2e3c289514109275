"""Cancel on "Find gaps" stops the concept-mention reading it starts with (minutes on a large library) at
the next concept: the task ends cancelled, without reading the other concepts' mentions, and the gaps stay
as they were."""

from __future__ import annotations

import threading


def test_cancel_stops_find_gaps_in_the_concept_mentions(analysed_window, qtbot, monkeypatch):
    from PySide6.QtCore import Qt

    import gapscope.store.mentions as mentions

    w = analysed_window
    view = w.gaps_view
    w.tabs.setCurrentIndex(3)
    qtbot.waitUntil(lambda: not w.tasks.running, timeout=20000)
    before = view.table.topLevelItemCount()
    reached, clicked = threading.Event(), threading.Event()
    calls = {"before": 0, "after": 0}
    real = mentions.mention_query

    def held_query(forms, *a, **kw):                 # worker thread: the first query waits for the click
        calls["after" if clicked.is_set() else "before"] += 1
        if not reached.is_set():
            reached.set()
            clicked.wait(30)
        return real(forms, *a, **kw)

    monkeypatch.setattr(mentions, "mention_query", held_query)
    task = view.find_gaps(build_first=False)
    qtbot.waitUntil(reached.is_set, timeout=60000)
    assert w.task_progress.isVisible()
    qtbot.mouseClick(w.task_progress.cancel_button, Qt.LeftButton)
    clicked.set()
    qtbot.waitUntil(lambda: task.done, timeout=60000)
    assert task.outcome == "cancelled"
    assert calls == {"before": 1, "after": 0}        # no other concept's mentions were read
    assert "cancelled" in view.info.text()
    assert view.table.topLevelItemCount() == before
