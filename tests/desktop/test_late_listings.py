"""A view shows what was asked for last. On a slow machine a listing can end after a newer one, or after
the result of a step that changed what it lists: it is then dropped, never shown over the newer one. Each
test holds one read back (a stand-in for the task's function that waits) to make its answer the late one."""

from __future__ import annotations

import threading

import pytest

from .conftest import _open_window
from .library_data import write_aside

# a map as the Maps view reads it (a dict works as well as gapscope.maps.Map)
TOPIC_MAP = {"id": 7, "facet": "topic", "coords": {1: (0.0, 0.0), 2: (1.0, 1.0)}, "assignments": {1: 0, 2: 0},
             "clusters": [{"id": 0, "label": "a topic", "size": 2}]}


@pytest.fixture
def held():
    """An event the held-back read waits for; set at the end in any case, so that no worker is left."""
    release = threading.Event()
    yield release
    release.set()


def _ended(qtbot, window, name):
    """Wait until every task called ``name`` has ended and been handled."""
    qtbot.waitUntil(lambda: not any(t.name == name for t in window.tasks.running), timeout=20000)


def test_a_map_still_loading_when_the_facet_changes_is_not_shown_for_the_new_facet(window, qtbot, monkeypatch,
                                                                                    held):
    from gapscope_desktop.views import maps_view

    def load_shown(lib, facet, *, progress=None, cancel=None):
        if facet == "topic":
            held.wait(20)                                  # the topic map is read slowly
            return maps_view.BuildResult(TOPIC_MAP, [])
        return maps_view.BuildResult(None, [])             # no method map yet

    monkeypatch.setattr(maps_view, "load_shown", load_shown)
    view = window.maps_view
    window.tabs.setCurrentWidget(view)                     # loads the topic map...
    view.facet.setCurrentIndex(view.facet.findData("method"))   # ...while the user picks the method map
    qtbot.waitUntil(lambda: "No map yet" in view.empty.text(), timeout=20000)
    held.set()
    _ended(qtbot, window, "Load map")
    assert view.current_facet() == "method" and view.map is None and "No map yet" in view.empty.text()


def test_a_build_that_ends_after_the_facet_changed_shows_the_chosen_facets_map(window, qtbot, monkeypatch, held):
    from gapscope_desktop.views import maps_view

    def build(lib, facet, *, progress=None, cancel=None):
        held.wait(20)
        return maps_view.BuildResult(TOPIC_MAP, [])        # built every map; shows the one it was asked for

    monkeypatch.setattr(maps_view, "build", build)
    monkeypatch.setattr(maps_view, "load_shown", lambda lib, facet, **kw: maps_view.BuildResult(
        TOPIC_MAP if facet == "topic" else None, []))
    view = window.maps_view
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.map is not None, timeout=20000)
    task = view.build_maps()
    view.facet.setCurrentIndex(view.facet.findData("method"))
    qtbot.waitUntil(lambda: "No map yet" in view.empty.text(), timeout=20000)
    held.set()
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    _ended(qtbot, window, "Load map")
    assert view.current_facet() == "method" and view.map is None and "No map yet" in view.empty.text()


def _gap(statement: str, score: float, pid: int):
    from gapscope.gaps.model import Gap

    return Gap(type="method_x_problem", score=score, statement=statement, method=None, problem=None,
               evidence=[pid], roles={pid: "method"}, details={"level": "concept"})


def _store(*gaps):
    def store(lib):
        from gapscope.gaps.store import save_gaps

        pid = lib._conn.execute("SELECT min(id) FROM papers").fetchone()[0]
        made = [_gap(s, score, pid) for s, score in gaps]
        save_gaps(lib, made)
        return [g.id for g in made]
    return store


def _statements(view):
    return [view.table.topLevelItem(i).text(4) for i in range(view.table.topLevelItemCount())]


def test_gaps_listed_before_find_gaps_and_delivered_after_it_do_not_replace_what_it_found(qtbot, lib_path,
                                                                                        monkeypatch, held):
    from gapscope_desktop.views import gaps_view

    write_aside(lib_path, _store(("Apply A to B.", 0.9)))
    real_load = gaps_view.load_gaps

    def slow_listing(lib, *, progress=None, cancel=None):
        gaps = real_load(lib)                              # read now...
        held.wait(20)                                      # ...delivered late
        return gaps

    def find(lib, *, progress=None, cancel=None):
        _store(("Apply C to D.", 0.8))(lib)
        return real_load(lib)

    monkeypatch.setattr(gaps_view, "load_gaps", slow_listing)
    monkeypatch.setattr(gaps_view, "detect_gaps", find)
    w = _open_window(qtbot, lib_path)
    try:
        view = w.gaps_view
        w.tabs.setCurrentWidget(view)                      # the tab's listing: the gaps as they were
        task = view.find_gaps(build_first=False)
        qtbot.waitUntil(lambda: task.done, timeout=20000)
        assert _statements(view) == ["Apply C to D."]
        held.set()
        _ended(qtbot, w, "Load gaps")
        assert _statements(view) == ["Apply C to D."] and view.current_gap()["statement"] == "Apply C to D."
    finally:
        w.close()


def test_a_run_link_answered_before_the_tabs_listing_selects_its_gap_not_the_best_one(qtbot, lib_path,
                                                                                     monkeypatch, held):
    """Experiments › History › open gap, the gap not the best one: the link is resolved while the tab's own
    listing is still on its way; that listing selects the linked gap, and no second listing moves it."""
    from gapscope_desktop.views import gaps_view

    best, linked = write_aside(lib_path, _store(("Apply A to B.", 0.9), ("Apply C to D.", 0.5)))
    real_load = gaps_view.load_gaps
    calls = []

    def first_listing_slow(lib, *, progress=None, cancel=None):
        calls.append(1)
        gaps = real_load(lib)
        if len(calls) == 1:
            held.wait(20)
        return gaps

    monkeypatch.setattr(gaps_view, "load_gaps", first_listing_slow)
    w = _open_window(qtbot, lib_path)
    try:
        view = w.gaps_view
        w._open_gap(linked)                                # what History's "open gap" does
        _ended(qtbot, w, "Find the linked gap")
        held.set()
        _ended(qtbot, w, "Load gaps")
        assert (view.current_gap() or {}).get("id") == linked != best
        assert view.link_label.isHidden()                  # the same gap: nothing to say about it
    finally:
        w.close()


def test_the_run_history_read_before_a_run_was_recorded_does_not_replace_a_newer_one(window, qtbot, monkeypatch,
                                                                                     held):
    from gapscope_desktop.views import experiments_view

    real_read = experiments_view.read_runs
    calls = []

    def first_read_slow(lib, *, progress=None, cancel=None):
        calls.append(1)
        runs = real_read(lib)
        if len(calls) == 1:
            held.wait(20)
        return runs

    monkeypatch.setattr(experiments_view, "read_runs", first_read_slow)
    view = window.experiments_view
    window.tabs.setCurrentWidget(view)                     # the history read as it is: no runs
    write_aside(window.lib.path, lambda lib: lib.insert_run(
        run_id="r1", name="mlp", spec_path=None, spec="", folder="runs/r1", status="done", gap_id=None,
        created_at="2026-05-01T10:00:00+00:00", papers=[]))
    view.reload()                                          # what a run's end does
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() == 1, timeout=20000)
    held.set()
    _ended(qtbot, window, "Load runs")
    assert view.history.topLevelItemCount() == 1 and view.history.topLevelItem(0).text(0) == "r1"
