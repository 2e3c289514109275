"""Launch a short experiment run from the spec editor, watch the live loss curve, cancel it."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("gapscope.experiments")

ROOT = Path(__file__).resolve().parents[2]


def test_launch_watch_and_cancel_a_run(window, qtbot):
    spec = ROOT / "resources" / "examples" / "digits-mlp.toml"
    if not spec.exists():
        pytest.skip("the example specs are not installed")
    view = window.experiments_view
    window.tabs.setCurrentIndex(4)
    assert view.editor.isVisible()
    text = spec.read_text(encoding="utf-8")
    view.editor.setPlainText(text)
    assert view.launch()
    from gapscope.experiments.process import RunProcess

    # the core's runner process (the `gapscope run` command line), not a copy of it in the view
    assert isinstance(view.process, RunProcess) and view.process.cmd[-4:] == ["run", view.process.cmd[-3],
                                                                              "--events", "jsonl"]
    qtbot.waitUntil(lambda: view.epochs >= 2, timeout=120000)
    assert view.curves and all(len(xs) >= 1 for xs, _ys in view.points.values())
    view.cancel()
    qtbot.waitUntil(lambda: not view.running, timeout=60000)
    assert view.status == "cancelled"
    assert view.launch_button.isEnabled()
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() >= 1, timeout=20000)
    # the History tab speaks in words: headers a person reads, no raw column names or JSON
    head = view.history.headerItem()
    headers = [head.text(i) for i in range(view.history.columnCount())]
    assert headers == ["Run", "Name", "Status", "Gap", "Started", "Finished", "Result"]
    # the listing made when the run ended says how it ended
    qtbot.waitUntil(lambda: view.history.topLevelItem(0).text(2) == "Cancelled", timeout=20000)
    item = view.history.topLevelItem(0)
    cells = [item.text(i) for i in range(len(headers))]
    assert not any(c.startswith(("{", "[")) for c in cells) and "T" not in cells[4][10:]


def test_history_result_in_words():
    from gapscope_desktop.views.experiments_view import HISTORY_COLUMNS, _field_label

    run = {"id": "r1", "name": "mlp", "status": "succeeded", "gap_id": 3, "created_at": "2026-05-01T14:03:22+00:00",
           "finished_at": None, "metrics": {"accuracy": 0.91234, "macro_f1": 0.8}}
    cells = [fmt(run) for _l, fmt in HISTORY_COLUMNS]
    assert cells == ["r1", "mlp", "Succeeded", "#3", "2026-05-01 14:03", "", "accuracy 0.9123 · macro f1 0.8"]
    assert _field_label("metrics.val_accuracy") == "val accuracy" and _field_label("gap_id") == "Gap"
