"""The status bar's progress of "Find gaps" follows the concept-mention reading concept by concept (minutes on a
large library, once one unchanging message) through the callback the task hands the core."""

from __future__ import annotations

import re


def test_find_gaps_shows_the_concept_mentions_as_they_are_read(analysed_window, qtbot, monkeypatch):
    import gapscope_desktop.tasks as tasks

    w = analysed_window
    view = w.gaps_view
    w.tabs.setCurrentIndex(3)
    qtbot.waitUntil(lambda: not w.tasks.running, timeout=20000)
    monkeypatch.setattr(tasks, "_PROGRESS_INTERVAL_S", 0.0)     # every report reaches the widget
    bar = w.task_progress
    shows, seen = bar._progress, []

    def shown(done, total, message):
        shows(done, total, message)
        seen.append((bar.bar.value(), bar.bar.maximum(), bar.label.text()))

    bar._progress = shown                        # followed from before the task starts
    task = view.find_gaps(build_first=False)
    qtbot.waitUntil(lambda: task.done, timeout=120000)
    assert task.outcome != "cancelled"
    reading = [(v, m, text) for v, m, text in seen if "concept mentions in the abstracts: " in text]
    counts = [re.search(r"(\d+) of (\d+) concepts", text) for _, _, text in reading]
    # within a reading, not only its start and end: "n of N concepts" with 0 < n < N, the bar moving with it
    assert any(c and 0 < int(c.group(1)) < int(c.group(2)) for c in counts)
    assert len({v for v, _, _ in reading}) > 2
