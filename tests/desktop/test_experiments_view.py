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
