"""Maps, gaps and experiments on a real analysed library: build a map, select a cluster to filter the
table, open a gap and its evidence, draft an experiment from it, launch a short run and cancel it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from .loop_ticks import loop_ticks

pytest.importorskip("gapscope.maps")
pytest.importorskip("gapscope.gaps")


def test_map_shows_clusters_and_a_selection_filters_the_table(analysed_window, qtbot, shared_data, tmp_path):
    from gapscope.maps import latest_map

    w = analysed_window
    view = w.maps_view
    w.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: view.map is not None, timeout=30000)
    m = latest_map(w.lib, "topic")
    assert view.clusters.topLevelItemCount() == len(m.clusters)
    assert len(view.ids) == len(m.coords)
    assert view.clusters.topLevelItem(0).text(2) != ""  # stability shown per cluster
    item = view.clusters.topLevelItem(0)
    item.setSelected(True)
    cid = item.data(0, Qt.UserRole)
    members = set(m.members(cid))
    assert set(view.selected) == members
    qtbot.mouseClick(view.show_button, Qt.LeftButton)
    assert w.tabs.currentIndex() == 0
    qtbot.waitUntil(lambda: set(w.library_view.model.ids()) == members, timeout=10000)

    # a Shift-drag rectangle over the whole map selects every paper on it
    xs = [c[0] for c in m.coords.values()]
    ys = [c[1] for c in m.coords.values()]
    view._rect_selected(min(xs) - 1, min(ys) - 1, max(xs) + 1, max(ys) + 1)
    assert set(view.selected) == set(m.coords)

    # "Build maps" runs the core's analyze on the writer queue: with nothing new it changes nothing
    before = latest_map(w.lib, "topic").id
    view.facet.setCurrentIndex(0)
    task = view.build_maps()
    assert task.writes and not view.build_button.isEnabled()
    qtbot.waitUntil(lambda: task.done, timeout=300000)
    assert task.outcome == "succeeded", task.error
    assert view.map.id == latest_map(w.lib, "topic").id == before

    # new papers: the pipeline embeds them and maps again (vectors of the others are cached)
    from gapscope.ingest import import_file

    from .library_data import write_aside, write_slice

    more = write_slice(shared_data, tmp_path / "more.jsonl", 20, skip=600)
    write_aside(w.lib.path, lambda lib: import_file(lib, more, fmt="arxiv"))
    with loop_ticks() as ticks:
        task = view.build_maps()
        assert not view.build_button.isEnabled() and w.task_progress.isVisible()
        qtbot.waitUntil(lambda: task.done, timeout=300000)
    gaps = ticks.gaps
    print(f"Build maps on a worker: {len(gaps)} ticks, max gap {max(gaps)} ms")  # measured, not asserted
    assert task.outcome == "succeeded", task.error
    assert view.build_button.isEnabled()
    assert view.map.id == latest_map(w.lib, "topic").id != before

    # another facet: its map, or (no facet classifier yet) a clear empty state
    view.facet.setCurrentIndex(1)
    qtbot.waitUntil(lambda: (view.map is not None and view.map.facet == "method")
                    or (view.map is None and "No map yet" in view.empty.text()), timeout=30000)


def test_gap_evidence_opens_a_paper_and_drafts_an_experiment(analysed_window, qtbot):
    from gapscope.gaps import list_gaps

    w = analysed_window
    view = w.gaps_view
    gaps = list_gaps(w.lib)
    w.tabs.setCurrentIndex(3)
    if not gaps:
        qtbot.waitUntil(lambda: "No gaps" in view.info.text(), timeout=10000)
        pytest.skip("this slice yields no gaps")
    qtbot.waitUntil(lambda: view.table.topLevelItemCount() == len(gaps), timeout=10000)
    g = view.current_gap()
    assert g is not None and g["statement"] in view.detail.toPlainText()
    # the evidence papers, then the closest existing work (gaps/closest.py) not already listed
    from gapscope_desktop.views.gaps_view import closest_items

    assert view.evidence.count() == len(g["evidence"]) + len(closest_items(g["details"], {int(i): g["evidence_roles"].get(str(i), "") for i in g["evidence"]}))
    item = view.evidence.item(0)
    view._open_evidence(item)
    pid = item.data(Qt.UserRole)
    assert w.tabs.currentIndex() == 0
    qtbot.waitUntil(lambda: w.library_view.current_paper_id() == pid, timeout=10000)
    assert w.detail.paper.id == pid

    w.tabs.setCurrentIndex(3)
    pytest.importorskip("gapscope.experiments")
    qtbot.mouseClick(view.draft_button, Qt.LeftButton)
    assert w.tabs.currentIndex() == 4
    assert w.experiments_view.editor.toPlainText().strip()
    assert f"gap #{g['id']}" in w.experiments_view.gap_label.text()


def test_gaps_filter_by_type_and_topic_show_roles_and_turn_stale_after_a_map_rebuild(analysed_window, qtbot):
    from gapscope.gaps import list_gaps

    from gapscope.maps import build_maps

    from gapscope_desktop.views.gaps_view import ANY_TOPIC, ROLE_NAMES, closest_items

    from .library_data import write_aside

    w = analysed_window
    view = w.gaps_view
    gaps = list_gaps(w.lib)
    w.tabs.setCurrentIndex(3)
    if not gaps:
        pytest.skip("this slice yields no gaps")
    qtbot.waitUntil(lambda: view.table.topLevelItemCount() == len(gaps), timeout=10000)
    rows = lambda: [view.table.topLevelItem(i) for i in range(view.table.topLevelItemCount())  # noqa: E731
                    if not view.table.topLevelItem(i).isHidden()]
    assert "stale" not in view.info.text()
    view.type_filter.setCurrentIndex(view.type_filter.findData("method_x_problem"))
    assert len(rows()) == sum(g.type == "method_x_problem" for g in gaps)
    view.type_filter.setCurrentIndex(0)
    if view.topic_filter.count() > 1:
        view.topic_filter.setCurrentIndex(1)
        topic = view.topic_filter.currentData()
        # a gap without a topic stays under the topics of its evidence papers, or under every topic
        assert rows() and all(r.text(2) in (topic, ANY_TOPIC) or topic in r.toolTip(2) for r in rows())
        view.topic_filter.setCurrentIndex(0)
    assert len(rows()) == len(gaps)
    view.table.setCurrentItem(rows()[0])
    g = view.current_gap()
    names = [view.evidence.item(i).text().split(":")[0] for i in range(view.evidence.count())]
    assert names and set(names) <= set(ROLE_NAMES.values()) | {"Evidence"}
    assert len(names) == len(g["evidence"]) + len(closest_items(g["details"], {int(i): g["evidence_roles"].get(str(i), "") for i in g["evidence"]}))
    write_aside(w.lib.path, lambda lib: build_maps(lib, facets=("topic",)))   # the maps change under the gaps
    view.reload()
    qtbot.waitUntil(lambda: "stale" in view.info.text(), timeout=20000)
    assert view.table.topLevelItem(0).toolTip(0).startswith("Stale: ")


def test_map_banner_says_why_the_map_is_stale_after_an_import_and_rebuild_clears_it(analysed_window, qtbot,
                                                                                    shared_data, tmp_path):
    """Papers imported under a built map: the Maps view says the map may be out of date (the window
    refreshes it as after File > Import) and its "Rebuild" runs the maps' build, which clears it."""
    from gapscope.ingest import import_file
    from gapscope.maps import latest_map
    from gapscope.maps.stale import PAPERS_CHANGED

    from .library_data import write_aside, write_slice

    w = analysed_window
    view = w.maps_view
    w.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: view.map is not None, timeout=30000)
    assert not view.stale_banner.isVisible()
    before = view.map.id
    view.clusters.topLevelItem(0).setSelected(True)
    chosen = list(view.selected)

    more = write_slice(shared_data, tmp_path / "more.jsonl", 3, skip=700)
    write_aside(w.lib.path, lambda lib: import_file(lib, more, fmt="arxiv"))
    w.refresh_all()                                  # what the Import dialog does once it imported
    qtbot.waitUntil(view.stale_banner.isVisible, timeout=20000)
    assert PAPERS_CHANGED in view.stale_label.text()
    assert view.map.id == before and view.selected == chosen     # the same map: the selection stays

    qtbot.mouseClick(view.rebuild_button, Qt.LeftButton)
    assert not view.rebuild_button.isEnabled() and not view.build_button.isEnabled()
    qtbot.waitUntil(view.build_button.isEnabled, timeout=300000)
    assert "failed" not in view.info.text() and "cancelled" not in view.info.text(), view.info.text()
    assert not view.stale_banner.isVisible() and view.rebuild_button.isEnabled()
    assert view.map.id == latest_map(w.lib, "topic").id != before


def test_the_no_map_message_wraps_instead_of_widening_the_window(window, qtbot):
    """A library without maps: the Maps tab's message fits the window as it is, on as many lines as it
    needs (one long line made the window wider than the screen it was opened at, 1,640 px)."""
    w = window
    view = w.maps_view
    w.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.map is None and "No map yet" in view.empty.text(), timeout=30000)
    assert view.empty.isVisible() and view.empty.wordWrap()
    assert w.minimumSizeHint().width() <= 1280
    qtbot.wait(50)
    assert w.width() == 1280
