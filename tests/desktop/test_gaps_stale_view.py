"""The Gaps view's stale marks follow what the gaps were found from, in the same session: "Build maps"
refreshes them, and "Find gaps" on out-of-date maps or concepts asks to build them first (gaps found
from them anyway are stale at once). Gaps are stored through the core; the slow steps are stand-ins."""

from __future__ import annotations

from .conftest import _open_window
from .library_data import write_aside


def _first_paper(lib) -> int:
    return lib._conn.execute("SELECT min(id) FROM papers").fetchone()[0]


def store_gap(lib) -> int:
    """One gap stamped with what the library is now (no maps: only the library and concepts are checked)."""
    from gapscope.gaps.model import Gap
    from gapscope.gaps.stale import made_with
    from gapscope.gaps.store import save_gaps

    pid = _first_paper(lib)
    g = Gap(type="method_x_problem", score=0.9, statement="Apply A to B.", method=None, problem=None,
            evidence=[pid], roles={pid: "method"}, details={"level": "concept", "made_with": made_with(lib, {})})
    save_gaps(lib, [g])
    return g.id


def correct_a_label(lib) -> None:
    """A facet label corrected: the library the gaps (and concepts) read is another one."""
    from gapscope.store.library import now_iso

    lib.set_facet_correction(_first_paper(lib), 0, 20, "method", None, now_iso())


def test_build_maps_marks_the_gaps_stale_in_the_same_session(qtbot, lib_path, monkeypatch):
    from gapscope_desktop.views import maps_view

    write_aside(lib_path, store_gap)
    w = _open_window(qtbot, lib_path)
    try:
        view = w.gaps_view
        w.tabs.setCurrentIndex(3)
        qtbot.waitUntil(lambda: view.table.topLevelItemCount() == 1, timeout=10000)
        assert "stale" not in view.info.text()

        def build(lib, facet, *, progress=None, cancel=None):      # the pipeline relabels a sentence
            correct_a_label(lib)
            return maps_view.BuildResult(None, [])

        monkeypatch.setattr(maps_view, "build", build)
        w.tabs.setCurrentIndex(2)
        task = w.maps_view.build_maps()
        qtbot.waitUntil(lambda: task.done, timeout=20000)
        assert task.outcome == "succeeded", task.error
        w.tabs.setCurrentIndex(3)
        qtbot.waitUntil(lambda: "1 stale" in view.info.text(), timeout=10000)
        assert view.table.topLevelItem(0).toolTip(0).startswith("Stale: ")
    finally:
        w.close()


def test_find_gaps_on_out_of_date_inputs_asks_and_marks_the_gaps_stale(qtbot, lib_path, monkeypatch):
    from gapscope.gaps.stale import CONCEPTS_OUT_OF_DATE, FOUND_FROM
    from gapscope.store.library import now_iso

    from gapscope_desktop.views import gaps_view

    def concepts_then_change(lib):
        lib.save_concepts([], {"extractor": "stand-in"}, now_iso())
        correct_a_label(lib)

    write_aside(lib_path, concepts_then_change)
    w = _open_window(qtbot, lib_path)
    try:
        view = w.gaps_view
        w.tabs.setCurrentIndex(2)                   # the Maps view loaded: nothing pending there
        qtbot.waitUntil(lambda: not w.tasks.running, timeout=20000)
        w.tabs.setCurrentIndex(3)
        qtbot.waitUntil(lambda: not w.tasks.running, timeout=20000)
        asked, ran = [], []
        monkeypatch.setattr(view, "ask_build_first", lambda late: asked.append(late) or answer[0])

        def stand_in(name):
            def step(lib, *, progress=None, cancel=None):
                ran.append(name)
                store_gap(lib)
                return gaps_view.load_gaps(lib)
            return step

        monkeypatch.setattr(gaps_view, "detect_gaps", stand_in("find"))
        monkeypatch.setattr(gaps_view, "build_and_detect", stand_in("build, then find"))

        answer = [None]                              # Cancel: nothing runs
        assert view.find_gaps() is None and asked == [[CONCEPTS_OUT_OF_DATE]] and not ran

        answer = [False]                             # find them anyway: stale at once, and why
        task = view.find_gaps()
        qtbot.waitUntil(lambda: task.done, timeout=20000)
        assert ran == ["find"] and "1 stale" in view.info.text()
        assert view.table.topLevelItem(0).toolTip(0).startswith(f"Stale: {FOUND_FROM}{CONCEPTS_OUT_OF_DATE}")

        answer = [True]                              # build first: the Maps view learns its maps changed
        assert not w.maps_view.pending
        task = view.find_gaps()
        qtbot.waitUntil(lambda: task.done, timeout=20000)
        assert ran == ["find", "build, then find"] and w.maps_view.pending
    finally:
        w.close()


def test_a_run_link_opens_the_same_gap_found_again_or_says_it_is_gone(qtbot, lib_path):
    """Experiments > History > open gap, after gaps were found again: the gap found again under its new id,
    or no gap at all with why; the gap's details name the runs that tested it."""
    from tests.core.test_gap_identity import found_twice

    first, again = write_aside(lib_path, found_twice)
    w = _open_window(qtbot, lib_path)
    try:
        view = w.gaps_view
        w._open_gap(first[0].id)                         # what History's "open gap" does
        # the listing alone may select the same gap first (it is the best one): wait for the link's note too
        note = f"Gap #{first[0].id} was found again as gap #{again[0].id}"
        qtbot.waitUntil(lambda: note in view.link_label.text(), timeout=10000)
        qtbot.waitUntil(lambda: (view.current_gap() or {}).get("id") == again[0].id, timeout=10000)
        assert "Runs: (Experiments › History)\nr1" in view.detail.toPlainText()

        w._open_gap(first[1].id)                         # gone: nothing selected, and why
        qtbot.waitUntil(lambda: "no longer in the list" in view.link_label.text(), timeout=10000)
        assert view.current_gap() is None and not view.draft_button.isEnabled()
        assert "“Apply RAG to hallucination.”" in view.link_label.text() and "found again on 20" in view.link_label.text()
    finally:
        w.close()


def test_a_finished_run_shows_in_its_gaps_details_without_a_refresh(qtbot, lib_path):
    """A run launched from a drafted gap records itself from the runner's own process; back in the Gaps
    view the gap's details name it (they kept the runs listed before the run)."""
    gap_id = write_aside(lib_path, store_gap)
    w = _open_window(qtbot, lib_path)
    try:
        view = w.gaps_view
        w.tabs.setCurrentIndex(3)
        qtbot.waitUntil(lambda: view.table.topLevelItemCount() == 1, timeout=10000)
        view.table.setCurrentItem(view.table.topLevelItem(0))
        assert "Runs:" not in view.detail.toPlainText()
        w.tabs.setCurrentIndex(4)

        def record_run(other):                    # what the runner process writes when the run ends
            other.insert_run(run_id="r-gap", name="mlp", spec_path=None, spec="", folder="runs/r-gap",
                             status="running", gap_id=gap_id, created_at="2026-05-02T10:00:00+00:00", papers=[])
            other.finish_run("r-gap", status="done", metrics={"accuracy": 0.9}, message=None,
                             finished_at="2026-05-02T10:05:00+00:00")

        write_aside(lib_path, record_run)
        w.experiments_view.runFinished.emit(0, "done")
        w.tabs.setCurrentIndex(3)
        qtbot.waitUntil(lambda: view.current_gap() is not None
                        and "Runs: (Experiments › History)\nr-gap: accuracy 0.9000" in view.detail.toPlainText(),
                        timeout=10000)
    finally:
        w.close()
