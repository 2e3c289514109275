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
    # how to go on, as a command to type: this run, in this library
    said = view.run_label.text()
    assert said.endswith(f"run --resume {view.run_id}") and str(window.lib.path) in said
    assert view.launch_button.isEnabled()
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() >= 1, timeout=20000)
    # the History tab speaks in words: headers a person reads, no raw column names or JSON
    head = view.history.headerItem()
    headers = [head.text(i) for i in range(view.history.columnCount())]
    assert headers == ["Run", "Name", "Status", "Gap", "Started", "Finished", "Data, model", "Result"]
    # the listing made when the run ended says how it ended
    qtbot.waitUntil(lambda: view.history.topLevelItem(0).text(2) == "Cancelled", timeout=20000)
    item = view.history.topLevelItem(0)
    cells = [item.text(i) for i in range(len(headers))]
    assert not any(c.startswith(("{", "[")) for c in cells) and "T" not in cells[4][10:]


def test_history_result_in_words():
    from gapscope_desktop.views.experiments_view import HISTORY_COLUMNS, _field_label

    run = {"id": "r1", "name": "mlp", "status": "succeeded", "gap_id": 3, "created_at": "2026-05-01T14:03:22+00:00",
           "finished_at": None, "metrics": {"accuracy": 0.91234, "macro_f1": 0.8},
           "setup": {"data": "iris", "model": "mlp"}}
    cells = [fmt(run) for _l, fmt in HISTORY_COLUMNS]
    assert cells == ["r1", "mlp", "Succeeded", "#3", "2026-05-01 14:03", "", "iris, mlp",
                     "accuracy 0.9123 · macro f1 0.8"]
    assert _field_label("metrics.val_accuracy") == "val accuracy" and _field_label("gap_id") == "Gap"


def test_history_lists_a_killed_run_as_interrupted_and_resumable(tmp_path):
    import json
    import platform
    import subprocess
    import sys

    from gapscope_desktop.views.experiments_view import read_runs, resumable

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "r1").mkdir()
    (tmp_path / "r1" / "status.json").write_text(json.dumps(
        {"run_id": "r1", "status": "running", "pid": dead.pid, "host": platform.node()}), encoding="utf-8")

    class Lib:
        def list_runs(self, gap_id=None, paper_id=None):
            return [{"id": "r1", "status": "running", "folder": str(tmp_path / "r1")},
                    {"id": "r2", "status": "done", "folder": str(tmp_path / "r2")}]

        def run_spec_text(self, run_id):
            return ""

    runs = read_runs(Lib())
    assert [r["status"] for r in runs] == ["interrupted", "done"]
    assert [resumable(r) for r in runs] == [True, False]


POINT_CLOUD_GAP = {"id": 1, "type": "method_x_problem", "score": 1.0,
                   "statement": "Apply \u201cdata augmentation\u201d to \u201cpoint cloud\u201d: 7 papers use it",
                   "method": {"cluster": 1, "label": "data augmentation", "keywords": []},
                   "problem": {"cluster": 2, "label": "point cloud", "keywords": ["point clouds"]},
                   "evidence": []}


def test_launch_refuses_the_drafted_placeholder_data_set_at_once(window):
    """No fitting data set: the draft's [data] is a placeholder. Launch starts nothing and says, in the core's
    words (those of `gapscope run`), the placeholder's reason and what to fill in."""
    from gapscope.experiments.spec import spec_from_text, unfilled_data
    from gapscope.experiments.store import specs_dir

    view = window.experiments_view
    window.tabs.setCurrentIndex(4)
    view.right.setCurrentIndex(1)
    view.draft_from_gap(dict(POINT_CLOUD_GAP))
    spec = spec_from_text(view.editor.toPlainText())
    assert spec["data"]["placeholder"]
    assert view.launch() is False
    assert view.process is None and not view.running and view.launch_button.isEnabled()
    said = view.run_label.text()
    assert said == unfilled_data(spec)
    assert spec["data"]["placeholder"] in said and "[data]" in said and "target" in said
    assert view.right.currentIndex() == 0              # shown where a run would have been
    d = specs_dir(window.experiments_view.lib.path)
    assert not d.exists() or not list(d.glob("spec-*.toml"))  # nothing written for a run that never started


def test_launched_specs_are_kept_inside_the_library_folder(qtbot, _library_template, tmp_path):
    """Each library keeps its own specs (NAME.gapscope/experiments/), not a folder beside it shared by every
    library there; a run recorded with a spec in the old place still lists with its spec path."""
    import shutil

    from tests.core._experiments_helpers import SMALL_IRIS

    from .conftest import _open_window

    folder = tmp_path / "mine.gapscope"
    folder.mkdir()
    shutil.copy(_library_template, folder / "library.sqlite")
    old_spec = tmp_path / "experiments" / "spec-20260101-000000.toml"   # where launches went before
    old_spec.parent.mkdir()
    old_spec.write_text(SMALL_IRIS, encoding="utf-8")
    from gapscope.store import Library

    lib = Library(folder)
    lib.insert_run(run_id="old-run", name="iris-small", spec_path=str(old_spec), spec=SMALL_IRIS,
                   folder=str(tmp_path / "runs" / "old-run"), status="done", gap_id=None,
                   created_at="2026-01-01T00:00:00+00:00", papers=[])
    lib.close()
    w = _open_window(qtbot, folder)
    try:
        view = w.experiments_view
        w.tabs.setCurrentIndex(4)
        view.editor.setPlainText(SMALL_IRIS.replace("epochs = 6", "epochs = 1").replace("folds = 3", "folds = 2"))
        assert view.launch()
        spec_arg = Path(view.process.cmd[view.process.cmd.index("run") + 1])
        assert spec_arg.parent == folder / "experiments" and spec_arg.is_file()
        assert sorted(p.name for p in old_spec.parent.iterdir()) == [old_spec.name]  # nothing new beside it
        qtbot.waitUntil(lambda: not view.running, timeout=120000)
        qtbot.waitUntil(lambda: view.history.topLevelItemCount() == 2, timeout=20000)
        runs = {it.data(0, 256)["id"]: it.data(0, 256) for it in
                (view.history.topLevelItem(i) for i in range(2))}
        assert runs["old-run"]["spec_path"] == str(old_spec)
        assert [r["spec_path"] for k, r in runs.items() if k != "old-run"] == [str(spec_arg)]
    finally:
        w.close()


def test_gap_label_cuts_a_long_statement_at_a_word_with_the_whole_in_a_tooltip(window):
    from PySide6.QtGui import QTextDocument

    from gapscope_desktop.views.experiments_view import GAP_LABEL_CHARS, clip_words

    view = window.experiments_view
    statement = ("Apply \u201cdata augmentation\u201d to \u201cpoint cloud\u201d: 7 papers in the library use data "
                 "augmentation and 20 address point cloud, yet only one paper combines them, while the related "
                 "method \u201csynthetic data\u201d has been applied to it (1 paper) <and more>.")
    assert statement[GAP_LABEL_CHARS - 2].isalpha() and statement[GAP_LABEL_CHARS - 1].isalpha()  # mid-word
    view.draft_from_gap(dict(POINT_CLOUD_GAP, statement=statement))
    doc = QTextDocument()
    doc.setHtml(view.gap_label.text())
    shown = doc.toPlainText().split(": ", 1)[1]
    assert shown.endswith("…") and len(shown) <= GAP_LABEL_CHARS
    kept = shown[:-1]
    assert statement.startswith(kept) and statement[len(kept)] == " "     # ends on a whole word
    doc.setHtml(view.gap_label.toolTip())
    assert doc.toPlainText() == statement                                   # all of it on hover
    assert clip_words("short statement", GAP_LABEL_CHARS) == "short statement"
    view.draft_from_gap(dict(POINT_CLOUD_GAP, statement="A short gap."))
    assert view.gap_label.text().endswith("A short gap.") and "…" not in view.gap_label.text()


def _open_spec(window, monkeypatch, spec):
    """File > Open… of the Experiments tab, answered with ``spec``: the view, showing it."""
    import gapscope_desktop.file_dialogs as file_dialogs

    monkeypatch.setattr(file_dialogs, "open_file_name", lambda *a, **k: str(spec))
    view = window.experiments_view
    window.tabs.setCurrentIndex(4)
    view.open_button.click()
    return view


def test_a_spec_opened_from_its_project_folder_reads_its_csv_there(window, qtbot, tmp_path, monkeypatch):
    """Open… a spec kept beside its data (`path = "data/t.csv"`), then Launch: the launched copy lives in the
    library's experiments/ folder, yet the run reads the CSV beside the opened file, as `gapscope run` would."""
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    rows = ["f1,f2,label"] + [f"{i % 7},{(i * 3) % 5},{'pos' if i % 7 > 3 else 'neg'}" for i in range(40)]
    (project / "data" / "t.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    spec = project / "spec.toml"
    spec.write_text("[data]\ndataset = 'csv'\npath = 'data/t.csv'\ntarget = 'label'\n[model]\nfamily = 'linear'\n"
                    "[train]\nepochs = 2\n[eval]\nfolds = 2\n", encoding="utf-8")
    view = _open_spec(window, monkeypatch, spec)
    assert "data/t.csv" in view.editor.toPlainText()
    assert view.launch()
    spec_arg = Path(view.process.cmd[view.process.cmd.index("run") + 1])
    assert spec_arg.parent != project                    # the copy launched from the library's folder
    qtbot.waitUntil(lambda: not view.running, timeout=120000)
    assert view.status == "done", view.run_label.text() + view.log.toPlainText()


def test_cancel_then_resume_from_the_history_finishes_the_same_run(window, qtbot):
    """A cancelled run is resumed from the History (its Resume button, or the row's context menu) as Launch
    runs: live progress, Cancel, and the same run id finishing in its own folder."""
    spec = ROOT / "resources" / "examples" / "digits-mlp.toml"
    if not spec.exists():
        pytest.skip("the example specs are not installed")
    view = window.experiments_view
    window.tabs.setCurrentIndex(4)
    view.editor.setPlainText(spec.read_text(encoding="utf-8").replace("epochs = 60", "epochs = 40")
                             .replace("early_stopping = 10", "early_stopping = 0").replace("folds = 5", "folds = 2"))
    assert view.launch()
    qtbot.waitUntil(lambda: view.epochs >= 2, timeout=120000)
    view.cancel()
    qtbot.waitUntil(lambda: not view.running, timeout=60000)
    assert view.status == "cancelled" and "Resume" in view.run_label.text()
    cancelled = view.run_id
    view.right.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() == 1
                    and view.history.topLevelItem(0).text(2) == "Cancelled", timeout=20000)
    assert not view.resume_button.isEnabled()                  # nothing selected yet
    view.history.topLevelItem(0).setSelected(True)
    assert view.resume_button.isEnabled()
    # the row's context menu offers the same
    rect = view.history.visualItemRect(view.history.topLevelItem(0))
    view._history_menu(rect.center())
    act = next(a for a in view._menu.actions() if a.text() == "Resume Run")
    assert act.isEnabled()
    view._menu.close()
    view.resume_button.click()
    assert view.running and view.process.cmd[-4:-2] == ["--resume", cancelled]
    assert not view.launch_button.isEnabled() and not view.resume_button.isEnabled()
    assert view.cancel_button.isEnabled() and view.right.currentIndex() == 0
    qtbot.waitUntil(lambda: view.epochs >= 1 or not view.running, timeout=120000)
    assert view.epochs >= 1, (view.status, view.run_label.text(), view.log.toPlainText(), view.events)
    qtbot.waitUntil(lambda: not view.running, timeout=300000)
    assert view.status == "done", view.run_label.text() + view.log.toPlainText()
    assert view.run_id == cancelled and view.events[0]["resumed"] is True
    view.right.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() == 1
                    and view.history.topLevelItem(0).text(2) == "Done", timeout=20000)
    assert view.history.topLevelItem(0).text(0) == cancelled
    view.history.topLevelItem(0).setSelected(True)
    assert not view.resume_button.isEnabled()                  # a finished run has nothing to resume


def test_launch_refuses_a_missing_csv_without_recording_a_run(window, qtbot, tmp_path, monkeypatch):
    """A spec whose CSV is not there (or has a bad row): the runner refuses it before the run exists, so the
    History stays empty, the message names the file, and the spec copy made for the launch is not kept."""
    from gapscope.experiments.store import specs_dir

    project = tmp_path / "project"
    project.mkdir()
    spec = project / "spec.toml"
    spec.write_text("[data]\ndataset = 'csv'\npath = 'data/missing.csv'\ntarget = 'label'\n[model]\n"
                    "family = 'linear'\n[train]\nepochs = 1\n[eval]\nfolds = 2\n", encoding="utf-8")
    view = _open_spec(window, monkeypatch, spec)
    assert view.launch()
    qtbot.waitUntil(lambda: not view.running, timeout=120000)
    said = view.run_label.text()
    assert view.status == "refused", said
    assert said.startswith("Not started: ") and str(project / "data" / "missing.csv") in said
    assert "No run was recorded" in said and "exit code" not in said
    assert not list(specs_dir(window.lib.path).glob("spec-*.toml"))
    view.right.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.history_empty.isVisibleTo(view), timeout=20000)
    assert view.history.topLevelItemCount() == 0


def test_paper_details_name_the_runs_linked_to_the_paper(qtbot, lib_path):
    """A run links to its gap's evidence papers; the paper's details say so (nowhere else in the window did)."""
    from gapscope.store import Library

    from .conftest import _open_window

    with Library(lib_path) as lib:
        pid, other = [r[0] for r in lib._conn.execute("SELECT id FROM papers ORDER BY id LIMIT 2")]
        lib.insert_run(run_id="r-linked", name="mlp", spec_path=None, spec="", folder="runs/r-linked",
                       status="running", gap_id=12, created_at="2026-05-02T10:00:00+00:00", papers=[pid])
        lib.finish_run("r-linked", status="done", metrics={"accuracy": 0.91234}, message=None,
                       finished_at="2026-05-02T10:05:00+00:00")
    w = _open_window(qtbot, lib_path)
    w.detail.show_paper(pid)
    text = w.detail.browser.toPlainText()
    assert "Experiment runs" in text and "r-linked — Done, accuracy 0.9123, testing gap #12" in text
    w.detail.show_paper(other)
    assert "Experiment runs" not in w.detail.browser.toPlainText()


def _run(run_id: str, status: str, when: str):
    def insert(lib):
        lib.insert_run(run_id=run_id, name="mlp", spec_path=None, spec="", folder=f"runs/{run_id}", status=status,
                       gap_id=None, created_at=when, papers=[])
    return insert


def test_the_selected_run_stays_selected_when_another_process_changes_the_library(window, qtbot):
    """A run selected in the History (to resume or compare), and the gapscope command records a run: the
    History read again lists it, and the run the user chose is still the one selected."""
    from .library_data import write_aside

    for run_id, status, when in (("r-old", "done", "2026-05-01T10:00:00+00:00"),
                                 ("r-cancelled", "cancelled", "2026-05-02T10:00:00+00:00")):
        write_aside(window.lib.path, _run(run_id, status, when))
    view = window.experiments_view
    window.tabs.setCurrentWidget(view)
    view.right.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() == 2, timeout=20000)
    chosen = next(view.history.topLevelItem(i) for i in range(2)
                  if view.history.topLevelItem(i).text(0) == "r-cancelled")
    view.history.setCurrentItem(chosen)
    assert view.selected_run()["id"] == "r-cancelled" and view.resume_button.isEnabled()
    write_aside(window.lib.path, _run("r-cli", "done", "2026-05-03T10:00:00+00:00"))
    assert window.watch.check() is True                    # seen: the views load again by themselves
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() == 3, timeout=20000)
    qtbot.waitUntil(lambda: not any(t.name == "Load runs" for t in window.tasks.running), timeout=20000)
    assert (view.selected_run() or {}).get("id") == "r-cancelled" and view.resume_button.isEnabled()
    assert view.history.currentItem().text(0) == "r-cancelled"


def test_the_loss_axis_reads_the_losses_as_they_are(window, qtbot):
    """Losses of 0.45-0.70 read as such, not as 450-700 under a "loss (x0.001)" label (pyqtgraph's SI
    prefix scaling of a unitless axis)."""
    view = window.experiments_view
    window.tabs.setCurrentWidget(view)
    view.right.setCurrentIndex(0)                          # the live run's curves, on screen
    view._reset_curves()
    for x, y in ((1, 0.703), (2, 0.571), (3, 0.452)):
        view._add_point("train_loss", x, y)
    axis = view.plot.getAxis("left")
    # the axis takes the losses' range (not its first 0-1) when the plot is next drawn: only then could it
    # choose a prefix
    qtbot.waitUntil(lambda: view.plot.isVisible() and 0.3 < axis.range[0] <= 0.452 and 0.703 <= axis.range[1] < 0.9,
                    timeout=10000)
    assert axis.autoSIPrefixScale == 1.0
    assert "x0.001" not in axis.labelString() and "loss" in axis.labelString()


def _history_ids(view) -> list[str]:
    return [view.history.topLevelItem(i).text(0) for i in range(view.history.topLevelItemCount())]


def test_another_library_opened_clears_the_history_its_comparison_selection_and_resume_at_once(
        window, qtbot, lib_path, tmp_path):
    """Runs chosen in one library's History (compared, one to resume) and a gap linked: another library
    opened shows none of them, not even until its own History is read, and Resume is off; then its own
    runs are listed. The spec typed in the editor stays."""
    import shutil

    from .library_data import write_aside

    other = tmp_path / "other.sqlite"
    shutil.copy(lib_path, other)
    for run_id, status, when in (("r-old", "done", "2026-05-01T10:00:00+00:00"),
                                 ("r-cancelled", "cancelled", "2026-05-02T10:00:00+00:00")):
        write_aside(lib_path, _run(run_id, status, when))
    write_aside(other, _run("r-other", "cancelled", "2026-06-01T10:00:00+00:00"))
    view = window.experiments_view
    window.tabs.setCurrentWidget(view)
    view.right.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() == 2, timeout=20000)
    for i in range(2):
        view.history.topLevelItem(i).setSelected(True)
    assert "r-old" in view.compare.toPlainText() and "r-cancelled" in view.compare.toPlainText()
    view.gap = {"id": 3, "statement": "A gap of this library."}
    view._show_gap()
    view.editor.setPlainText("# my spec")

    assert window.open_library(other)
    assert _history_ids(view) == [] and view.runs == [] and view.selected_run() is None
    assert "r-old" not in view.compare.toPlainText() and "r-cancelled" not in view.compare.toPlainText()
    assert not view.resume_button.isEnabled()
    assert "gap #3" not in view.gap_label.text() and view.editor.toPlainText() == "# my spec"
    qtbot.waitUntil(lambda: _history_ids(view) == ["r-other"], timeout=20000)

    view.history.topLevelItem(0).setSelected(True)       # a run to resume: Resume on
    assert view.resume_button.isEnabled()
    assert window.open_library(lib_path)
    assert _history_ids(view) == [] and view.selected_run() is None and not view.resume_button.isEnabled()
    assert view.resume() is False                          # nothing selected: nothing resumed
    qtbot.waitUntil(lambda: sorted(_history_ids(view)) == ["r-cancelled", "r-old"], timeout=20000)


def _answer_questions(monkeypatch, answer):
    """QMessageBox.question answered with ``answer``; returns the (title, text) of each question asked."""
    from PySide6.QtWidgets import QMessageBox

    asked = []

    def question(parent, title, text, *a, **k):
        asked.append((title, text))
        return answer

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def test_a_hand_edited_spec_is_not_replaced_by_a_new_draft_without_asking(window, qtbot, monkeypatch):
    """The user filled in the drafted spec (their CSV, their target) and then clicks "Draft experiment…" on
    another gap: Cancel keeps their spec, Discard replaces it; an unedited draft is replaced without a question."""
    from PySide6.QtWidgets import QMessageBox

    view = window.experiments_view
    asked = _answer_questions(monkeypatch, QMessageBox.Cancel)
    window._draft_experiment(dict(POINT_CLOUD_GAP))
    assert asked == [] and "gap #1" in view.editor.toPlainText()
    window.tabs.setCurrentIndex(0)
    window._draft_experiment(dict(POINT_CLOUD_GAP, id=2))            # nothing edited: no question
    assert asked == [] and "gap #2" in view.editor.toPlainText()
    window.tabs.setCurrentIndex(0)
    qtbot.keyClicks(view.editor, "# my data: runs/ours.csv")
    edited = view.editor.toPlainText()
    window._draft_experiment(dict(POINT_CLOUD_GAP, id=3))
    assert len(asked) == 1 and "not saved" in asked[0][1]
    assert view.editor.toPlainText() == edited and window.tabs.currentIndex() == 0   # kept, and stayed put
    _answer_questions(monkeypatch, QMessageBox.Discard)
    window._draft_experiment(dict(POINT_CLOUD_GAP, id=3))
    assert "gap #3" in view.editor.toPlainText() and "runs/ours.csv" not in view.editor.toPlainText()


def test_closing_the_window_asks_about_a_hand_edited_spec(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    view = window.experiments_view
    window._draft_experiment(dict(POINT_CLOUD_GAP))
    qtbot.keyClicks(view.editor, "# tuned by hand")
    asked = _answer_questions(monkeypatch, QMessageBox.Cancel)
    window.close()
    assert len(asked) == 1 and window.isVisible() and "# tuned by hand" in view.editor.toPlainText()
    # saved: no more question
    saved = window.lib.path.parent / "tuned.toml"
    import gapscope_desktop.file_dialogs as file_dialogs

    monkeypatch.setattr(file_dialogs, "save_file_name", lambda *a, **k: str(saved))
    assert view._save_spec() and "# tuned by hand" in saved.read_text(encoding="utf-8")
    assert not view.spec_edited()


def test_a_save_that_fails_keeps_the_spec_file_whole(window, monkeypatch):
    """Save as… over a spec: a failure on the way (full disk, Ctrl-C) leaves the old file as it was, not
    half of the new one, and says it could not write."""
    from PySide6.QtWidgets import QMessageBox

    import gapscope.outfiles as outfiles
    import gapscope_desktop.file_dialogs as file_dialogs

    view = window.experiments_view
    window._draft_experiment(dict(POINT_CLOUD_GAP))
    saved = window.lib.path.parent / "mine.toml"
    saved.write_text("# my spec, edited\n", encoding="utf-8")
    monkeypatch.setattr(file_dialogs, "save_file_name", lambda *a, **k: str(saved))
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: warned.append(a[2])))

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outfiles.os, "replace", full_disk)
    assert not view._save_spec()
    assert saved.read_text(encoding="utf-8") == "# my spec, edited\n" and "No space left" in warned[0]
    assert sorted(p.name for p in saved.parent.iterdir() if p.name.startswith(".mine")) == []


def test_one_run_selected_in_the_history_shows_its_results(qtbot, lib_path):
    """Reading a finished run's results needs no terminal: selecting it shows its model card (data, model,
    the scores of each seed and fold); a run without one says what is known and why there is no more."""
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.store import Library

    from .conftest import _open_window

    spec = ROOT / "resources" / "examples" / "breast-cancer-logistic.toml"
    r = CliRunner().invoke(main, ["--library", str(lib_path), "run", str(spec), "-q", "--set", "train.epochs=1",
                                  "--set", "eval.seeds=[0]", "--set", "eval.folds=2"])
    assert r.exit_code == 0, r.output
    with Library(lib_path) as lib:
        lib.insert_run(run_id="r-nofolder", name="lost", spec_path=None, spec="", folder="runs/r-nofolder",
                       status="running", gap_id=None, created_at="2026-01-01T10:00:00+00:00", papers=[])
        lib.finish_run("r-nofolder", status="done", metrics={"accuracy": 0.5}, message=None,
                       finished_at="2026-01-01T10:05:00+00:00")
    w = _open_window(qtbot, lib_path)
    view = w.experiments_view
    w.tabs.setCurrentIndex(4)
    view.right.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() == 2, timeout=20000)
    items = {view.history.topLevelItem(i).text(1): view.history.topLevelItem(i)
             for i in range(view.history.topLevelItemCount())}
    items["breast-cancer-logistic"].setSelected(True)
    shown = view.compare.toPlainText()
    assert "Model card: breast-cancer-logistic" in shown and "2-fold" in shown and "accuracy" in shown
    view.history.clearSelection()
    items["lost"].setSelected(True)
    shown = view.compare.toPlainText()
    assert "accuracy 0.5" in shown and "No results file" in shown


def test_an_empty_live_plot_says_what_it_will_show_and_epochs_read_whole(qtbot, make_view):
    """With no run drawn, the live plot's place says what will be drawn there (an empty plot read epochs
    0.1 ... 0.9); once drawn, the epoch axis has ticks at whole epochs only, however far it is zoomed."""
    from gapscope_desktop.views.experiments_view import ExperimentsView

    view = make_view(ExperimentsView, (1100, 700))
    view._ensure_plot()
    qtbot.wait(20)
    assert view.curves_empty.isVisible() and not view.plot.isVisible()
    assert "epoch" in view.curves_empty.text() and "Launch" in view.curves_empty.text()
    for x, y in ((1, 0.70), (2, 0.57)):
        view._add_point("train_loss", x, y)
    qtbot.waitUntil(view.plot.isVisible, timeout=5000)
    assert not view.curves_empty.isVisible()
    axis = view.plot.getAxis("bottom")
    for lo, hi in ((0.0, 1.0), (0.6, 1.4), (0.5, 2.5), (0.0, 37.0)):
        ticks = [v for _spacing, values in axis.tickValues(lo, hi, 600) for v in values]
        assert ticks and all(float(v).is_integer() for v in ticks), (lo, hi, ticks)
    view._reset_curves()                                   # a new run, before its first epoch
    assert view.curves_empty.isVisible() and not view.plot.isVisible()


def test_the_no_runs_hint_names_the_button_that_starts_a_run_by_its_text(qtbot, make_view):
    """The hint shown while the history is empty says which button to press: one the view has, as it reads."""
    import re

    from PySide6.QtWidgets import QPushButton

    from gapscope_desktop.views.experiments_view import ExperimentsView

    view = make_view(ExperimentsView, (1100, 700))
    hint = view.history_empty.text()
    named = re.search(r"then (\w+)", hint)
    assert named, hint
    buttons = {b.text() for b in view.findChildren(QPushButton)}
    assert named.group(1) in buttons and named.group(1) == view.launch_button.text(), (hint, buttons)


class _ExitReportedLate:
    """A runner process whose exit the view's waiter sees only a while after the kill (a loaded machine
    preempting that thread): until ``reported`` is set, at most 2 s."""

    def __init__(self) -> None:
        import threading

        self.killed = threading.Event()
        self.reported = threading.Event()
        self.waits = 0

    def start(self):
        return self

    def kill(self) -> None:
        self.killed.set()

    cancel = kill

    def wait(self, timeout=None) -> int:
        self.waits += 1
        first = self.waits == 1               # the waiter's call; the view's own comes second
        self.killed.wait(timeout)
        if first:
            self.reported.wait(2)
        return -9


def test_no_thread_of_a_run_outlives_the_view_shutdown(qtbot, make_view):
    """The thread that waits for the runner's exit is joined when the view shuts down (the window
    closing): left running, it emitted into a view already deleted, or into Qt at interpreter exit."""
    import threading

    from gapscope_desktop.views.experiments_view import ExperimentsView

    view = make_view(ExperimentsView)
    before = set(threading.enumerate())
    p = _ExitReportedLate()
    assert view._start(p, "Running…")
    assert view.running
    view.shutdown()
    left = [t.name for t in set(threading.enumerate()) - before if t.is_alive()]
    p.reported.set()
    assert left == []
