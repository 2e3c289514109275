"""The Gaps view's runs line and the Experiments History say what a run was, as `gapscope gaps show` and
`gapscope runs list` do (one formatter in the core, gapscope.experiments.run_links): a finished run with its
data set, model and result, and when its data are not the problem's; a cancelled one apart, never as a run
that tested the gap."""

from __future__ import annotations

from tests.core.test_gap_run_links import _gap, _record, _spec


def _two_runs(lib):
    g = _gap(lib)
    _record(lib, "r-done", "done", g.id, _spec(gap_id=g.id), {"accuracy": 0.62, "macro_f1": 0.5541})
    _record(lib, "r-cancel", "cancelled", g.id, _spec(gap_id=g.id), when="2026-05-01T11:00:00+00:00")
    return g


def test_the_gaps_details_list_a_finished_run_with_what_it_ran_and_a_cancelled_one_apart(library):
    from PySide6.QtGui import QTextDocument

    from gapscope_desktop.views.gaps_view import load_gaps, run_links_html

    _two_runs(library)
    [g] = load_gaps(library)
    assert g["runs"] == ["r-done"]
    doc = QTextDocument()
    doc.setHtml(run_links_html(g["run_links"], "#888888", "#aa5500"))
    text = " ".join(doc.toPlainText().split())
    assert "r-done: iris, mlp; accuracy 0.6200" in text
    assert "run on iris (the draft's data set was a placeholder:" in text
    assert "not evidence about catastrophic forgetting" in text
    assert "Not finished: 1 cancelled, no result (r-cancel)" in text
    assert "Tested" not in text


def test_the_history_names_each_runs_data_set_and_model(library):
    from gapscope_desktop.views.experiments_view import HISTORY_COLUMNS, read_runs

    _two_runs(library)
    labels = [label for label, _f in HISTORY_COLUMNS]
    rows = {r["id"]: dict(zip(labels, (fmt(r) for _l, fmt in HISTORY_COLUMNS))) for r in read_runs(library)}
    assert rows["r-done"]["Data, model"] == "iris, mlp" == rows["r-cancel"]["Data, model"]


def test_the_historys_gap_cell_of_a_run_on_other_data_is_marked_and_says_why(library, qtbot, request):
    """The Gap column would read "#3" alike for an iris MLP and a run on the problem's own data: a finished run on
    other data than the draft proposed has a warning mark there, the caveat in the cell's tooltip."""
    from gapscope_desktop.views.experiments_view import HISTORY_COLUMNS, ExperimentsView, read_runs

    g = _two_runs(library)
    runs = read_runs(library)
    view = request.getfixturevalue("make_view")(ExperimentsView)     # the app guards writes from here on
    view._fill_history(runs, set(), None)
    col = [label for label, _f in HISTORY_COLUMNS].index("Gap")
    items = {view.history.topLevelItem(i).text(0): view.history.topLevelItem(i)
             for i in range(view.history.topLevelItemCount())}
    done, cancelled = items["r-done"], items["r-cancel"]
    assert done.text(col) == cancelled.text(col) == f"#{g.id}"
    tip = " ".join(done.toolTip(col).split())
    assert "run on iris (the draft's data set was a placeholder:" in tip
    assert "not evidence about catastrophic forgetting" in tip
    assert not done.icon(col).isNull()
    # a cancelled run tested nothing: no caveat about a result it does not have
    assert cancelled.icon(col).isNull() and "not evidence" not in cancelled.toolTip(col)
