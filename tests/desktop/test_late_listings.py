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


class Held:
    """Reads held back: ``late(fn)`` stands in for a task's function; it reads at once (``read`` is set
    then) and answers once the test calls ``set()``."""

    def __init__(self) -> None:
        self.read = threading.Event()
        self.released = threading.Event()

    def wait(self, timeout: float) -> None:
        self.released.wait(timeout)

    def set(self) -> None:
        self.released.set()

    def late(self, fn):
        def stand_in(*args, progress=None, cancel=None):
            out = fn(*args)
            self.read.set()
            self.released.wait(20)
            return out
        return stand_in


@pytest.fixture
def held():
    """Set at the end in any case, so that no worker is left waiting."""
    h = Held()
    yield h
    h.set()


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


def _build_ending_after_the_facet_changed(window, qtbot, monkeypatch, held, notes: list[str]):
    """Build maps on the topic map, the method facet chosen while the build runs, then the build let end
    (with ``notes``, what it reports): the Maps view once the build and the method map's listing ended."""
    from gapscope_desktop.views import maps_view

    def build(lib, facet, *, progress=None, cancel=None):
        held.wait(20)
        return maps_view.BuildResult(TOPIC_MAP, notes)     # built every map; shows the one it was asked for

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
    return view


def test_a_build_that_ends_after_the_facet_changed_shows_the_chosen_facets_map(window, qtbot, monkeypatch, held):
    view = _build_ending_after_the_facet_changed(window, qtbot, monkeypatch, held, [])
    assert view.current_facet() == "method" and view.map is None and "No map yet" in view.empty.text()


def test_a_build_that_ends_after_the_facet_changed_keeps_its_notes_for_its_facet(window, qtbot, monkeypatch, held):
    """What a build reported (a step it could not do) is not lost when the user chose another facet while it
    ran: the map of the facet chosen shows as it is, and the build's facet shows its notes when chosen again."""
    note = "PDFs not labelled (no model)"
    view = _build_ending_after_the_facet_changed(window, qtbot, monkeypatch, held, [note])
    assert view.current_facet() == "method" and view.map is None and note not in view.info.text()
    view.facet.setCurrentIndex(view.facet.findData("topic"))
    qtbot.waitUntil(lambda: view.map is not None, timeout=20000)
    _ended(qtbot, window, "Load map")
    assert view.info.text().startswith(view._summary(TOPIC_MAP)) and view.info.text().endswith(note)


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

    def find(lib, *, progress=None, cancel=None):
        _store(("Apply C to D.", 0.8))(lib)
        return real_load(lib)

    monkeypatch.setattr(gaps_view, "load_gaps", held.late(real_load))
    monkeypatch.setattr(gaps_view, "detect_gaps", find)
    w = _open_window(qtbot, lib_path)
    try:
        view = w.gaps_view
        w.tabs.setCurrentWidget(view)                      # the tab's listing: the gaps as they were...
        assert held.read.wait(20)                          # ...read, and delivered late
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
    w = _open_window(qtbot, lib_path)
    try:
        view = w.gaps_view
        monkeypatch.setattr(gaps_view, "load_gaps", held.late(real_load))
        w._open_gap(linked)                                # what History's "open gap" does
        monkeypatch.setattr(gaps_view, "load_gaps", real_load)   # (the tab's listing started: held)
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
    monkeypatch.setattr(experiments_view, "read_runs", held.late(real_read))
    view = window.experiments_view
    window.tabs.setCurrentWidget(view)                     # the history read as it is: no runs...
    monkeypatch.setattr(experiments_view, "read_runs", real_read)
    assert held.read.wait(20)                              # ...and delivered late
    write_aside(window.lib.path, lambda lib: lib.insert_run(
        run_id="r1", name="mlp", spec_path=None, spec="", folder="runs/r1", status="done", gap_id=None,
        created_at="2026-05-01T10:00:00+00:00", papers=[]))
    view.reload()                                          # what a run's end does
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() == 1, timeout=20000)
    held.set()
    _ended(qtbot, window, "Load runs")
    assert view.history.topLevelItemCount() == 1 and view.history.topLevelItem(0).text(0) == "r1"


def _slow_listing(monkeypatch, held):
    """The paper table's listings asked for from now on are held back; those asked for after the
    function it returns is called are not."""
    from gapscope_desktop.views import library_view

    real_list = library_view.list_ids
    monkeypatch.setattr(library_view, "list_ids", held.late(real_list))
    return lambda: monkeypatch.setattr(library_view, "list_ids", real_list)


def test_a_paper_chosen_while_the_list_is_read_again_stays_chosen(window, qtbot, monkeypatch, held):
    """The table read again slowly (the window refreshing after another process's change, say): the paper
    the user chooses meanwhile is still the one selected once the list lands, not the one before it."""
    _slow_listing(monkeypatch, held)
    lv = window.library_view
    lv.table.selectRow(1)
    lv.refresh()                                           # what the window's refresh does
    lv.table.selectRow(3)
    chosen = lv.model.paper_id(3)
    held.set()
    qtbot.waitUntil(lambda: not lv.loading, timeout=20000)
    assert lv.current_paper_id() == chosen and window.detail.paper.id == chosen


def test_the_paper_a_refresh_was_to_select_is_selected_by_a_newer_refresh_too(window, qtbot, monkeypatch, held):
    """A PDF attached selects its paper once the list is read again; a plain refresh asked for meanwhile
    lands in its place (the older answer is dropped) and selects that paper all the same."""
    fast_again = _slow_listing(monkeypatch, held)
    lv = window.library_view
    lv.table.selectRow(1)
    wanted = lv.model.paper_id(5)
    lv.refresh(select=wanted)                              # what an attached PDF does
    fast_again()
    lv.refresh()                                           # the sidebar, another process's change...
    qtbot.waitUntil(lambda: not lv.loading, timeout=20000)
    assert lv.current_paper_id() == wanted
    held.set()
    _ended(qtbot, window, "List papers")
    assert lv.current_paper_id() == wanted and window.detail.paper.id == wanted


def test_a_paper_chosen_after_a_refresh_was_asked_to_select_another_stays_chosen(window, qtbot, monkeypatch,
                                                                                  held):
    """A refresh asked to select a paper (an attached PDF's, an edited title's), the list read slowly, and
    the user chooses another paper meanwhile: the user's choice stays selected when the list lands."""
    _slow_listing(monkeypatch, held)
    lv = window.library_view
    lv.table.selectRow(1)
    lv.refresh(select=lv.model.paper_id(5))               # what an attached PDF does
    lv.table.selectRow(3)                                 # the user, while the list is read again
    chosen = lv.model.paper_id(3)
    held.set()
    qtbot.waitUntil(lambda: not lv.loading, timeout=20000)
    assert lv.current_paper_id() == chosen and window.detail.paper.id == chosen
