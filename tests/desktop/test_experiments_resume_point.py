"""The Experiments view's Resume runs `gapscope run --resume` as the command line does: a run cancelled in the
middle of a fold continues that fold at its next epoch (its finished folds kept), and the view says where."""

from __future__ import annotations

import pytest

pytest.importorskip("gapscope.experiments")

SPEC = """
name = "iris-resume"
[data]
dataset = "iris"
[model]
family = "mlp"
hidden = [16]
[train]
epochs = 12
batch_size = 16
lr = 0.01
early_stopping = 0
[eval]
folds = 3
seeds = [0]
"""
STOP_FOLD, STOP_EPOCH = 1, 7


class _CancelAtEpoch:
    """Cancelled once the runner has sent the epoch event of (fold, epoch): the fold stops right after it."""

    def __init__(self) -> None:
        self.cancelled = False

    def emit(self, ev: dict) -> None:
        if ev["event"] == "epoch" and (ev["fold"], ev["epoch"]) == (STOP_FOLD, STOP_EPOCH):
            self.cancelled = True


def test_resume_from_the_history_continues_the_fold_where_it_was_cancelled(qtbot, lib_path, tmp_path):
    from gapscope.experiments.runner import run_spec
    from gapscope.experiments.spec import load_spec
    from gapscope.experiments.store import default_runs_dir

    from .conftest import _close_at_teardown, _open_window

    # cancelled by an earlier session (the command line), before the window opens
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    stop = _CancelAtEpoch()
    c = run_spec(load_spec(spec), runs_dir=default_runs_dir(lib_path), library_path=str(lib_path), emit=stop.emit,
                 cancel=stop)
    assert c["status"] == "cancelled"
    window = _open_window(qtbot, lib_path)
    try:
        _resume_from_the_history(window, qtbot)
    finally:
        _close_at_teardown(window)


def _resume_from_the_history(window, qtbot) -> None:
    view = window.experiments_view
    window.tabs.setCurrentWidget(view)
    view.reload()
    view.right.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() == 1, timeout=20000)
    view.history.topLevelItem(0).setSelected(True)
    view.resume_button.click()
    qtbot.waitUntil(lambda: not view.running, timeout=300000)
    assert view.status == "done", view.run_label.text() + view.log.toPlainText()
    epochs = [(e["fold"], e["epoch"]) for e in view.events if e.get("event") == "epoch"]
    assert epochs[0] == (STOP_FOLD, STOP_EPOCH + 1) and (0, 1) not in epochs
    assert f"resuming fold 2/3 (seed 0 fold 1) at epoch {STOP_EPOCH + 1}/12; 1 finished fold kept" \
        in view.log.toPlainText()
