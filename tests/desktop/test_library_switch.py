"""Another library opened: no view keeps showing (and offering to act on) what it read from the library
before, not even until its own listing has been read or its tab is next opened. A gap id, a run id, a
paper id on a map or in a list names something else in the new library."""

from __future__ import annotations

def _gap_shown(window, qtbot):
    """A gap selected in the Gaps view, with its evidence listed (one made up when the slice found none)."""
    from gapscope.gaps import list_gaps

    view = window.gaps_view
    window.tabs.setCurrentWidget(view)
    gaps = list_gaps(window.lib)
    if gaps:
        qtbot.waitUntil(lambda: view.table.topLevelItemCount() == len(gaps), timeout=20000)
    else:
        qtbot.waitUntil(lambda: not view.listing_on_its_way, timeout=20000)
        pid = window.library_view.model.paper_id(0)
        view.show_gaps([{"id": 7, "type": "missing_link", "statement": "A gap of this library.", "score": 0.5,
                         "evidence": [pid], "evidence_roles": {}, "details": {}}])
    assert view.current_gap() is not None and view.evidence.count() > 0 and view.draft_button.isEnabled()


def test_another_library_opened_shows_nothing_of_the_one_before(analysed_window, qtbot, lib_path):
    from .test_triage_view import _wait_card

    w = analysed_window
    maps = w.maps_view
    w.tabs.setCurrentWidget(maps)
    qtbot.waitUntil(lambda: maps.map is not None and maps.clusters.topLevelItemCount() > 0, timeout=30000)
    maps.clusters.topLevelItem(0).setSelected(True)             # papers chosen on the map
    assert maps.selected and maps.show_button.isEnabled()
    _gap_shown(w, qtbot)
    w.tabs.setCurrentWidget(w.triage_view)
    _wait_card(qtbot, w.triage_view)
    assert w.triage_view.stats_label.text() and w.triage_view.b_include.isEnabled()
    w.tabs.setCurrentIndex(0)
    w.library_view.table.selectRow(1)
    w.reader.status.setText("Selected: “a sentence of its PDF” — Ctrl+H highlights it.")

    assert w.open_library(lib_path)                               # the views of other tabs are not on screen
    assert maps.selected == [] and not maps.show_button.isEnabled()
    assert maps.clusters.topLevelItemCount() == 0 and maps.scatter.points().size == 0 and maps.labels == []
    gaps = w.gaps_view
    assert gaps.table.topLevelItemCount() == 0 and gaps.current_gap() is None
    assert gaps.evidence.count() == 0 and not gaps.draft_button.isEnabled() and not gaps.evidence_button.isEnabled()
    assert "Select a gap" in gaps.detail.toPlainText()
    triage = w.triage_view
    assert triage.stats_label.text() == "" and triage.stop_label.text() == "" and triage.card.toPlainText() == ""
    assert not any(b.isEnabled() for b in (triage.b_include, triage.b_exclude, triage.b_maybe, triage.reason))
    assert w.detail.paper is None and w.reader.status.text() == ""

    w.tabs.setCurrentWidget(maps)                                 # then each shows its own library's
    qtbot.waitUntil(lambda: not maps.listing_on_its_way and maps.empty.isVisible(), timeout=20000)
    w.tabs.setCurrentWidget(gaps)
    qtbot.waitUntil(lambda: not gaps.listing_on_its_way and "No gaps" in gaps.info.text(), timeout=20000)


def test_the_citation_graph_and_its_related_papers_go_with_their_library(window, qtbot, lib_path, tmp_path):
    """A graph drawn and a paper's related papers listed: another library opened leaves neither (its ids
    would open other papers there; a point hovered would ask a graph no longer kept)."""
    import shutil

    from gapscope.citations.figure import GraphFigure

    other = tmp_path / "other.sqlite"
    shutil.copy(lib_path, other)
    view = window.graph_view
    pids = [window.library_view.model.paper_id(r) for r in range(2)]
    view.show_graph(GraphFigure(nodes=[{"paper_id": p, "title": f"paper {p}", "year": 2025, "citations": 3,
                                        "cluster": None, "x": float(i), "y": 0.0} for i, p in enumerate(pids)],
                                edges=[(0, 1, 2)], total_papers=2))
    view._show_related([{"paper_id": pids[1], "title": "paper", "score": 0.5, "coupling": 2, "cocitation": 0,
                         "in_library": True}])
    assert view.scatter.points().size == 2 and view.related.topLevelItemCount() == 1

    assert window.open_library(other)
    assert view.scatter.points().size == 0 and view.related.topLevelItemCount() == 0 and view.selected is None
    assert view.figure is None and not view.info.text()

