"""Triage by keyboard on a real library: include, exclude with a reason, maybe, postpone, undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

pytest.importorskip("gapscope.triage")


def _wait_card(qtbot, view):
    """The card shown, and the ranking behind it (with the last decision learnt) ended."""
    qtbot.waitUntil(lambda: not view.loading and not view.ranking and view.current is not None, timeout=60000)
    return view.current


def test_triage_a_few_papers_by_keyboard(window, qtbot):
    from gapscope.triage import current_decisions, list_reasons

    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    assert view.card.isVisible()
    first = _wait_card(qtbot, view)
    title = " ".join(window.lib.get_paper(first).title.split())
    assert title in " ".join(view.card.toPlainText().split())

    qtbot.keyClick(view, Qt.Key_I)
    second = _wait_card(qtbot, view)
    assert second != first
    qtbot.keyClick(view, Qt.Key_2)  # exclude with the second reason
    third = _wait_card(qtbot, view)
    qtbot.keyClick(view, Qt.Key_M)
    fourth = _wait_card(qtbot, view)
    qtbot.keyClick(view, Qt.Key_P)
    _wait_card(qtbot, view)

    current = current_decisions(window.lib)
    assert current[first]["decision"] == "include"
    assert current[second]["decision"] == "exclude"
    assert current[second]["reason"] == list_reasons(window.lib)[1]
    assert current[third]["decision"] == "maybe"
    assert current[fourth]["decision"] == "postpone"
    assert view.progress.value() == 3  # include + exclude + maybe screened
    assert "Stopping estimate" in view.stop_label.text() or "stop" in view.stop_label.text()

    qtbot.keyClick(view, Qt.Key_U)
    _wait_card(qtbot, view)
    assert fourth not in current_decisions(window.lib)
    # the sidebar counts follow
    counts = {window.sidebar.topLevelItem(i).text(0): window.sidebar.topLevelItem(i)
              for i in range(window.sidebar.topLevelItemCount())}
    triage = counts["TRIAGE"]
    assert triage.child(0).text(1) == "1"  # Included


def test_a_reason_picked_with_the_mouse_does_not_leak_into_the_keys(window, qtbot):
    """Pick a reason in the drop-down with the mouse, then press I, E and 3 where the keyboard focus
    is: an include, an exclude without a reason, and an exclude with the third reason."""
    from PySide6.QtWidgets import QApplication

    from gapscope.triage import decision_log, list_reasons

    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    first = _wait_card(qtbot, view)
    combo = view.reason
    combo.showPopup()
    popup = combo.view()
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    index = combo.model().index(2, 0)
    rect = popup.visualRect(index)
    qtbot.mouseClick(popup.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=5000)
    # a window manager gives the window back its activation when the popup closes; offscreen Qt does not
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    assert view.armed_reason == list_reasons(window.lib)[1]  # picked (the 2nd reason), not yet used

    def press(key):
        target = QApplication.focusWidget()
        assert target is view.card  # the drop-down never keeps the keyboard
        qtbot.keyClick(target, key)

    press(Qt.Key_I)
    second = _wait_card(qtbot, view)
    press(Qt.Key_E)
    third = _wait_card(qtbot, view)
    press(Qt.Key_3)
    _wait_card(qtbot, view)

    log = decision_log(window.lib)
    assert [(r["paper_id"], r["decision"], r["reason"]) for r in log] == [
        (first, "include", None), (second, "exclude", None), (third, "exclude", list_reasons(window.lib)[2])]


def test_an_empty_scope_says_there_is_nothing_to_screen(window, qtbot):
    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    _wait_card(qtbot, view)
    view.set_scope(query="zzzqqqxxnotaword")
    qtbot.waitUntil(lambda: not view.loading and "Nothing to screen" in view.card.toPlainText(), timeout=60000)
    assert "stop" not in view.stop_label.text().lower().replace("stopping", "")
    assert view.progress.format() == "nothing to screen"


def test_one_include_gives_no_stopping_figure_but_says_what_the_estimate_needs(window, qtbot):
    from gapscope.triage.stopping import MIN_SCREENED

    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    _wait_card(qtbot, view)
    qtbot.keyClick(view, Qt.Key_I)
    _wait_card(qtbot, view)
    qtbot.waitUntil(lambda: view.progress.value() == 1, timeout=60000)
    text = view.stop_label.text()
    assert f"not estimable yet - screen at least {MIN_SCREENED - 1} more" in text, text
    assert "at most" not in text and "keep screening" not in text


def test_two_reviewers_screen_blind_and_see_kappa(window, qtbot):
    from gapscope.triage import decision_log

    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    _wait_card(qtbot, view)
    decided = []
    for name, keys in (("ann", (Qt.Key_I, Qt.Key_E, Qt.Key_E)), ("ben", (Qt.Key_I, Qt.Key_I, Qt.Key_E))):
        view.reviewer.setText(name)
        view.load_next()
        for key in keys:
            pid = _wait_card(qtbot, view)
            decided.append((name, pid))
            qtbot.keyClick(view, key)
        _wait_card(qtbot, view)
    # blind: ben starts where ann started (her decisions neither hide papers from him nor train his model)
    ann, ben = [p for n, p in decided if n == "ann"], [p for n, p in decided if n == "ben"]
    assert ben[0] == ann[0]
    assert {(r["reviewer"], r["paper_id"]) for r in decision_log(window.lib)} == set(decided)
    view.reviewer.setText("")
    view.load_next()
    _wait_card(qtbot, view)
    assert "Cohen's kappa" in view.stats_label.text()


def test_the_last_action_stays_shown_on_the_next_card(window, qtbot):
    """The confirmation of a key press is still there once the next paper is on the card, and says
    which paper; the next action replaces it."""
    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    first = _wait_card(qtbot, view)
    title = " ".join(window.lib.get_paper(first).title.split())
    qtbot.keyClick(view, Qt.Key_I)
    second = _wait_card(qtbot, view)
    assert second != first
    shown = view.message.text()
    assert shown.startswith(f"Included #{first} '") and shown.endswith("— Undo (U)"), shown
    assert title[:20] in shown
    qtbot.keyClick(view, Qt.Key_U)
    qtbot.waitUntil(lambda: view.message.text().startswith("Undone"), timeout=60000)
    on_card = _wait_card(qtbot, view)
    assert view.message.text().startswith(f"Undone: #{first} '") and view.message.text().endswith("no longer included")
    qtbot.keyClick(view, Qt.Key_M)
    qtbot.waitUntil(lambda: view.message.text().startswith("Marked maybe"), timeout=60000)
    _wait_card(qtbot, view)
    assert view.message.text().startswith(f"Marked maybe #{on_card} '")


def test_a_paper_decided_in_another_window_meanwhile_is_not_decided_again(window, qtbot, lib_path):
    """Two Triage views on one library file (two windows, each with its own connection), both showing
    the same paper: the first decision is kept, the second is refused with a message that says so, and
    the second view moves on to the next paper with counts that include the first decision."""
    from gapscope.store import Library
    from gapscope.triage import decision_log
    from gapscope_desktop.views.triage_view import TriageView

    a = window.triage_view
    window.tabs.setCurrentIndex(1)
    other = Library(lib_path)
    b = TriageView(window.tasks)
    qtbot.addWidget(b)
    try:
        b.set_library(other)
        b.show()
        b.activated()                      # as the window does when its tab is chosen
        pid = _wait_card(qtbot, a)
        assert _wait_card(qtbot, b) == pid
        qtbot.keyClick(a, Qt.Key_I)
        qtbot.waitUntil(lambda: a.message.text().startswith("Included"), timeout=60000)
        qtbot.keyClick(b, Qt.Key_E)
        qtbot.waitUntil(lambda: "decided elsewhere" in b.message.text(), timeout=60000)
        assert b.message.text().startswith(f"Paper #{pid} was just decided elsewhere (include, at ")
        assert b.message.text().endswith("; showing the next paper")
        assert _wait_card(qtbot, b) != pid
        assert b.message.text().startswith(f"Paper #{pid} was just decided elsewhere")   # still shown on the new card
        assert [(r["paper_id"], r["decision"]) for r in decision_log(window.lib)] == [(pid, "include")]
        assert b.stats_label.text().startswith("1 included")
    finally:
        qtbot.waitUntil(lambda: not window.tasks.running, timeout=60000)
        other.close()


def _sidebar_triage(window):
    items = {window.sidebar.topLevelItem(i).text(0): window.sidebar.topLevelItem(i)
             for i in range(window.sidebar.topLevelItemCount())}
    sec = next(v for k, v in items.items() if k.startswith("TRIAGE"))
    return sec.text(0), {sec.child(j).text(0): sec.child(j).text(1) for j in range(sec.childCount())}


def test_a_blank_reviewer_resolves_conflicts_and_never_votes_or_undoes_a_reviewers_decision(window, qtbot):
    """Two named reviewers disagree on a paper: with the reviewer field blank the card shows that
    conflict and says so, E records its resolution (not a third reviewer), the next card is another
    paper, and U undoes that resolution only, never a reviewer's own decision."""
    from gapscope.triage import agreement, conflicts, current_decisions, decide, decision_log

    from .library_data import write_aside

    lib = window.lib
    ids = lib.list_paper_ids()[:4]

    def arrange(other):
        for k, pid in enumerate(ids):
            decide(other, pid, "include" if k == 0 else "exclude", reviewer="ann")
            decide(other, pid, "include" if k in (0, 1) else "exclude", reviewer="bob")

    write_aside(lib.path, arrange)
    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    view.load_next()
    assert _wait_card(qtbot, view) == ids[1]
    shown = "Conflict: ann exclude, bob include — your decision resolves it"
    assert shown in view.rank_label.text() and shown in view.card.toPlainText()
    n = len(decision_log(lib))
    qtbot.keyClick(view, Qt.Key_E)
    qtbot.waitUntil(lambda: view.message.text().startswith("Resolved the conflict"), timeout=60000)
    assert _wait_card(qtbot, view) != ids[1]
    assert current_decisions(lib)[ids[1]]["origin"] == "resolution" and not conflicts(lib)
    assert agreement(lib)["reviewers"] == ["ann", "bob"]
    # not a conflict: the card says a name is needed, and a key press is refused, nothing written
    assert "enter your reviewer name" in view.rank_label.text()
    qtbot.keyClick(view, Qt.Key_I)
    qtbot.waitUntil(lambda: view.message.text().startswith("Not saved"), timeout=60000)
    assert "reviewer" in view.message.text() and len(decision_log(lib)) == n + 1
    write_aside(lib.path, lambda other: decide(other, ids[3], "include", reviewer="bob"))   # bob's is the latest now
    qtbot.keyClick(view, Qt.Key_U)
    qtbot.waitUntil(lambda: view.message.text().startswith("Undone"), timeout=60000)
    _wait_card(qtbot, view)
    assert current_decisions(lib, reviewer="bob")[ids[3]]["decision"] == "include"
    assert ids[1] in {c["paper_id"] for c in conflicts(lib)}       # the resolution was undone


def test_the_card_says_what_ranks_it_and_the_sidebar_counts_the_screened_collection(window, qtbot):
    from gapscope.triage import decide

    from .library_data import write_aside

    lib = window.lib
    ids = lib.list_paper_ids()[:30]
    write_aside(lib.path, lambda other: other.add_to_collection("review", ids))
    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    view.set_scope(collection="review")
    _wait_card(qtbot, view)
    assert "library order" in view.rank_label.text()
    qtbot.keyClick(view, Qt.Key_I)
    _wait_card(qtbot, view)
    # the card after a decision comes from the ranking before it (unless the new ranking puts it first too)
    label = view.rank_label.text()
    assert ("Next in the ranking made before your last decision (library order)" in label
            or "Most similar to the included papers" in label), label
    view.load_next()                           # a card from a new ranking
    _wait_card(qtbot, view)
    assert "similar to the included papers" in view.rank_label.text()
    qtbot.waitUntil(lambda: _sidebar_triage(window)[1].get("Included") == "1", timeout=60000)
    assert _sidebar_triage(window)[0] == "TRIAGE · REVIEW"
    qtbot.keyClick(view, Qt.Key_P)
    _wait_card(qtbot, view)
    qtbot.keyClick(view, Qt.Key_E)
    _wait_card(qtbot, view)
    view.load_next()
    _wait_card(qtbot, view)
    assert "Ranked first by the model (probability of relevance" in view.rank_label.text()
    assert "with 1 found, 95% recall allows missing none" in view.stop_label.text()
    done = set(_decided(lib, "review"))
    write_aside(lib.path, lambda other: [decide(other, pid, "exclude", collection="review")   # all but the postponed
                                         for pid in ids if pid not in done])
    view.load_next()
    _wait_card(qtbot, view)
    assert view.rank_label.text().startswith("Postponed earlier: back at the end of the queue")


def _decided(lib, collection):
    from gapscope.triage import current_decisions

    return current_decisions(lib, collection)


def test_undo_takes_back_the_windows_own_decision_not_a_later_one_from_the_cli(window, qtbot):
    """The window includes a paper, the CLI then excludes another: Undo undoes the window's include
    (and says which paper), never the CLI's exclude. When the CLI has decided the window's paper again
    since, Undo refuses and says so."""
    from gapscope.triage import current_decisions, decide

    from .library_data import write_aside

    lib = window.lib
    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    first = _wait_card(qtbot, view)
    qtbot.keyClick(view, Qt.Key_I)
    qtbot.waitUntil(lambda: view.message.text().startswith("Included"), timeout=60000)
    _wait_card(qtbot, view)
    other = next(p for p in lib.list_paper_ids() if p not in (first, view.current))
    write_aside(lib.path, lambda o: decide(o, other, "exclude"))
    qtbot.keyClick(view, Qt.Key_U)
    qtbot.waitUntil(lambda: view.message.text().startswith("Undone"), timeout=60000)
    assert view.message.text().startswith(f"Undone: #{first} '")
    _wait_card(qtbot, view)
    now = current_decisions(lib)
    assert first not in now and now[other]["decision"] == "exclude"

    second = view.current
    qtbot.keyClick(view, Qt.Key_I)
    qtbot.waitUntil(lambda: view.message.text().startswith("Included"), timeout=60000)
    _wait_card(qtbot, view)
    write_aside(lib.path, lambda o: decide(o, second, "maybe"))
    qtbot.keyClick(view, Qt.Key_U)
    qtbot.waitUntil(lambda: view.message.text().startswith("Not undone"), timeout=60000)
    assert view.message.text().startswith(f"Not undone: #{second} '")
    assert "was decided again since (maybe at " in view.message.text()
    assert current_decisions(lib)[second]["decision"] == "maybe"
    qtbot.keyClick(view, Qt.Key_U)              # the window's history is spent: nothing of the CLI's is undone
    qtbot.waitUntil(lambda: view.message.text().startswith("Nothing to undo"), timeout=60000)
    assert current_decisions(lib)[other]["decision"] == "exclude"


def test_an_undo_that_fails_to_save_can_be_tried_again(window, qtbot, monkeypatch):
    import gapscope_desktop.views.triage_view as triage_view

    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    _wait_card(qtbot, view)
    qtbot.keyClick(view, Qt.Key_I)
    qtbot.waitUntil(lambda: view.message.text().startswith("Included"), timeout=60000)
    _wait_card(qtbot, view)
    before = list(view.history)

    def disk_full(lib, decision_id, *, progress=None, cancel=None):
        raise OSError("disk full")

    monkeypatch.setattr(triage_view, "_undo", disk_full)
    view.undo()
    qtbot.waitUntil(lambda: "Not saved" in view.message.text(), timeout=20000)
    assert view.history == before and before


def test_a_big_scope_says_its_features_are_built_and_a_newer_ranking_stops_the_older(window, qtbot, monkeypatch,
                                                                                      tmp_path):
    """The first ranking of a big library builds its features (tens of seconds, in a child process): the
    card says so, and a ranking asked for meanwhile (another scope) cancels the older one."""
    from gapscope.triage import scope_features

    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "triage-cache"))   # nothing built yet
    monkeypatch.setattr(scope_features, "CHILD_FROM", 10)            # 400 papers count as big here
    view = window.triage_view
    said = []
    says = view._ranking_says
    monkeypatch.setattr(view, "_ranking_says", lambda d, t, m: (said.append(m), says(d, t, m)))
    window.tabs.setCurrentWidget(view)
    first = view.rank_task
    view.load_next()
    assert view.rank_task is not first
    _wait_card(qtbot, view)
    qtbot.waitUntil(lambda: first.done, timeout=60000)
    assert first.outcome == "cancelled"
    assert any(m.startswith("Building the screening features of 400 papers") for m in said)


def _hold_rankings_after_the_first(monkeypatch):
    """(release, rankings): the rankings after the first wait until ``release`` is set (the card must not
    wait for them); ``rankings`` lists the scope of each ranking asked for."""
    import threading

    import gapscope_desktop.views.triage_view as triage_view

    release, rankings = threading.Event(), []
    real_fetch = triage_view.fetch_next

    def slow_ranker(*a, **k):
        rankings.append(a[1])
        if len(rankings) > 1:
            release.wait(60)                  # held until the test lets it go
        return real_fetch(*a, **k)

    monkeypatch.setattr(triage_view, "fetch_next", slow_ranker)
    return release, rankings


def _include_the_first_card(qtbot, view) -> tuple[int, int]:
    """(first, second): the first card included with I, and the next paper of its ranking, now on the card."""
    first = _wait_card(qtbot, view)
    second = view.upcoming[0][0]["paper_id"]
    qtbot.keyClick(view, Qt.Key_I)
    qtbot.waitUntil(lambda: view.current == second and not view.loading, timeout=60000)
    return first, second


def test_the_next_paper_comes_at_once_while_the_scope_is_ranked_again(window, qtbot, monkeypatch):
    """After a decision the next card is the next paper of the last ranking, shown while the new ranking
    (held back here) runs; a second decision meanwhile takes the one after. The scope's features are
    loaded once for all the decisions, and again when the scope changes."""
    from gapscope.triage import current_decisions, queue

    loads = []
    real_load = queue.load_scope_features
    monkeypatch.setattr(queue, "load_scope_features", lambda *a, **k: (loads.append(a[1]), real_load(*a, **k))[1])
    release, rankings = _hold_rankings_after_the_first(monkeypatch)
    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    try:
        first, second = _include_the_first_card(qtbot, view)
        assert view.ranking and not release.is_set()      # the new ranking has not ended
        assert "Next in the ranking made before your last decision" in view.rank_label.text()
        assert view.message.text().startswith(f"Included #{first} ")
        third = view.upcoming[0][0]["paper_id"]
        qtbot.keyClick(view, Qt.Key_E)
        qtbot.waitUntil(lambda: view.current == third and not view.loading, timeout=60000)
        assert view.ranking
    finally:
        release.set()
    _wait_card(qtbot, view)
    now = current_decisions(window.lib)
    assert now[first]["decision"] == "include" and now[second]["decision"] == "exclude"
    assert view.current not in (first, second) and view.progress.value() == 2
    for key in (Qt.Key_E, Qt.Key_M, Qt.Key_E):
        qtbot.keyClick(view, key)
        _wait_card(qtbot, view)
    assert len(loads) == 1 and len(rankings) >= 4
    word = window.lib.get_paper(view.current).title.split()[0]
    view.set_scope(query=word)
    _wait_card(qtbot, view)
    assert len(loads) == 2


def _build_until_cancelled(monkeypatch, tmp_path) -> None:
    """Nothing built yet, 400 papers counted as big (the child build), and a build that runs until cancelled."""
    import time

    from gapscope import jobs
    from gapscope.triage import scope_features

    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "triage-cache"))
    monkeypatch.setattr(scope_features, "CHILD_FROM", 10)

    def endless_build(texts, emb, *, cancel=None, on_wait=None):
        while True:
            jobs.check(cancel)
            on_wait()
            time.sleep(0.05)

    monkeypatch.setattr(scope_features, "build_in_child", endless_build)


def test_a_first_build_shows_its_steps_and_can_be_cancelled(window, qtbot, monkeypatch, tmp_path):
    """The first ranking of a big scope builds its features: a bar says which step of how many, Cancel
    stops it (no card; Rank again), and Rank again ranks."""
    from gapscope.triage import scope_features

    real_build = scope_features.build_in_child
    _build_until_cancelled(monkeypatch, tmp_path)
    view = window.triage_view
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.build_bar.isVisible() and "Building" in view.build_bar.format(), timeout=60000)
    assert view.build_bar.format().startswith(f"Step {scope_features.STEP_FEATURES + 1} of {scope_features.STEPS}: "
                                              "Building the screening features of 400 papers")
    assert view.b_cancel_rank.isVisible() and view.current is None
    qtbot.mouseClick(view.b_cancel_rank, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.rank_label.text().startswith("Ranking cancelled"), timeout=60000)
    assert not view.build_bar.isVisible() and view.b_rank_again.isVisible() and view.current is None
    assert not view.ranking and not view.loading
    monkeypatch.setattr(scope_features, "build_in_child", real_build)
    qtbot.mouseClick(view.b_rank_again, Qt.LeftButton)
    _wait_card(qtbot, view)
    assert not view.b_rank_again.isVisible() and not view.build_bar.isVisible()


def test_a_collection_made_in_the_sidebar_while_screening_keeps_a_card_on_screen(window, qtbot):
    """The sidebar sits beside the Triage tab: a collection made there (the lists change) ranks the scope
    again and shows a card, not an empty card that waits for the tab to be opened again."""
    view = window.triage_view
    window.tabs.setCurrentWidget(view)
    _wait_card(qtbot, view)
    ranking = view.rank_task
    window.sidebar.new_collection("to read later")
    qtbot.waitUntil(lambda: view.collection.findData("to read later") >= 0, timeout=20000)
    assert view.rank_task is not ranking                  # ranked again for the lists as they are now
    _wait_card(qtbot, view)
    assert view.card.toPlainText().strip() and view.b_include.isEnabled()


def test_a_ranking_dropped_with_its_library_takes_its_bar_and_cancel_with_it(window, qtbot, monkeypatch, tmp_path):
    """A first build under way when the library is read again (another library, the lists changed): its end
    is dropped, so the bar and Cancel it showed go at once, not once a later ranking ends."""
    _build_until_cancelled(monkeypatch, tmp_path)
    view = window.triage_view
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.build_bar.isVisible() and "Building" in view.build_bar.format(), timeout=60000)
    building = view.rank_task
    view.library_changed(window.lib)
    assert not view.build_bar.isVisible() and not view.b_cancel_rank.isVisible()
    assert "Building" not in view.rank_label.text()
    qtbot.waitUntil(lambda: building.done, timeout=60000)
    assert building.outcome == "cancelled"


def _card_text(view):
    return " ".join(view.card.toPlainText().split())


def _screening_then_library_tab(window, qtbot):
    """A card on screen in Triage (its ranking ended), then the Library tab: (the view, the card's paper,
    the ranking task that put it there)."""
    view = window.triage_view
    window.tabs.setCurrentWidget(view)
    pid = _wait_card(qtbot, view)
    rankings = view.rank_task
    window.tabs.setCurrentIndex(0)
    return view, pid, rankings


def test_a_title_edited_in_the_detail_pane_shows_on_the_card_at_once(window, qtbot):
    """F2 in the Library tab on the paper the Triage card shows: back on Triage the card has the new title,
    the same paper still on it (no ranking in between)."""
    view, pid, rankings = _screening_then_library_tab(window, qtbot)
    lv = window.library_view
    assert lv.select_paper(pid) and window.detail.paper.id == pid
    window.detail.edit_title("Screening cards that follow their edits", pid)
    qtbot.waitUntil(lambda: window.lib.get_paper(pid).title == "Screening cards that follow their edits",
                    timeout=10000)
    qtbot.waitUntil(lambda: not any(t.name == "Edit title" for t in window.tasks.running), timeout=10000)
    window.tabs.setCurrentWidget(view)
    assert "Screening cards that follow their edits" in _card_text(view)
    assert view.current == pid and view.rank_task is rankings


def _own_writes_done(window, qtbot) -> None:
    """The window's own writes (the screened list it keeps) ended: a change another process makes while one is
    under way is taken for the window's own (library_watch), so a test's change from a terminal comes after."""
    qtbot.waitUntil(lambda: not any(t.writes for t in window.tasks.running), timeout=20000)


def test_a_title_edited_by_the_cli_shows_on_the_card_when_the_window_sees_the_change(window, qtbot):
    """`gapscope papers edit --title` on the paper on the card while the user screens: the change is seen,
    and the card shows the new title at once (screening is not disturbed: the same paper, no ranking)."""
    from gapscope.editing import set_title

    from .library_data import write_aside

    view = window.triage_view
    window.tabs.setCurrentWidget(view)
    pid = _wait_card(qtbot, view)
    rankings = view.rank_task
    _own_writes_done(window, qtbot)
    write_aside(window.lib.path, lambda lib: set_title(lib, pid, "A title the command line gave"))
    assert window.watch.check() is True
    assert "A title the command line gave" in _card_text(view)
    assert view.current == pid and view.rank_task is rankings


def test_a_tag_added_in_the_detail_pane_keeps_the_card_and_its_ranking(window, qtbot):
    """Screening the whole library, the user tags a paper in the Library tab: back on Triage the same card is
    on screen (no ranking in between: on a big library a first ranking builds its features for minutes),
    and the new tag is one Triage can screen."""
    view, pid, rankings = _screening_then_library_tab(window, qtbot)
    lv = window.library_view
    other = next(p for p in lv.model.ids() if p != pid)
    assert lv.select_paper(other) and window.detail.paper.id == other
    qtbot.keyClicks(window.detail.tag_edit, "methods")
    with qtbot.waitSignal(window.detail.tagsChanged, timeout=10000):
        qtbot.keyClick(window.detail.tag_edit, Qt.Key_Return)
    assert view.tag.findData("methods") >= 0
    window.tabs.setCurrentWidget(view)
    assert view.current == pid and view.rank_task is rankings and view.b_include.isEnabled()
    assert " ".join(window.lib.get_paper(pid).title.split()) in " ".join(view.card.toPlainText().split())


def test_a_tag_taken_off_a_paper_of_the_tag_screened_ranks_that_tag_again(window, qtbot):
    """Screening the papers of a tag, the user takes the tag off one of them in the Library tab: the scope
    changed, so Triage ranks it again (the paper taken off is no longer one to screen there)."""
    from .library_data import write_aside

    ids = window.library_view.model.ids()[:3]
    write_aside(window.lib.path, lambda lib: lib.add_tag(ids, "to-read"))
    view = window.triage_view
    view.refresh_lists(window.lib)
    window.tabs.setCurrentWidget(view)
    view.tag.setCurrentIndex(view.tag.findData("to-read"))
    pid = _wait_card(qtbot, view)
    assert pid in ids
    window.tabs.setCurrentIndex(0)
    lv = window.library_view
    assert lv.select_paper(pid) and window.detail.paper.id == pid
    with qtbot.waitSignal(window.detail.tagsChanged, timeout=10000):
        window.detail.tags_label.linkActivated.emit("tag:remove/to-read")
    assert view.current is None and view.tag.currentData() == "to-read"
    window.tabs.setCurrentWidget(view)
    assert _wait_card(qtbot, view) in set(ids) - {pid}


def test_another_processs_change_seen_from_another_tab_keeps_the_card(window, qtbot):
    """Screening, then in the Library tab while `gapscope` in a terminal files papers into a collection: the
    window reads the library again by itself, and back on Triage the same card is there (the ranking under
    way is not cancelled: on a big library a first one builds its features for minutes), with the new
    collection offered."""
    from .library_data import write_aside

    view, pid, rankings = _screening_then_library_tab(window, qtbot)
    _own_writes_done(window, qtbot)
    ids = window.library_view.model.ids()[:2]
    write_aside(window.lib.path, lambda lib: lib.add_to_collection("from the terminal", ids))
    assert window.watch.check() is True
    assert view.collection.findData("from the terminal") >= 0
    window.tabs.setCurrentWidget(view)
    assert view.current == pid and view.rank_task is rankings and view.b_include.isEnabled()


def _reopened_on_triage(qtbot, path):
    """A window on the library at ``path`` (a restart), on the Triage tab with its card shown."""
    from gapscope_desktop.main_window import MainWindow

    w = MainWindow(path)
    qtbot.addWidget(w)
    w.show()
    w.tabs.setCurrentIndex(1)
    _wait_card(qtbot, w.triage_view)
    return w


def _close_when_warm(qtbot, w) -> None:
    qtbot.waitUntil(lambda: w.warm_up_task is not None and w.warm_up_task.done, timeout=20000)
    w._close_approved = True
    w.close()


def test_the_scope_and_reviewer_screened_last_come_back_after_a_restart(window, qtbot, lib_path, tmp_path):
    """Screening goes on after a restart where it stopped: the search it was narrowed to and the reviewer's
    name come back with the library (not the whole library under no name, whose counts and stopping
    estimate are another scope's); another library does not take them (the search is kept in the library
    itself, so this one is copied before it was screened)."""
    import shutil

    other = tmp_path / "other" / "library.sqlite"
    other.parent.mkdir()
    qtbot.waitUntil(lambda: not window.tasks.active(), timeout=20000)     # no write under way: a whole copy
    shutil.copy(lib_path, other)
    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    _wait_card(qtbot, view)
    view.query.setText("diffusion")
    view.reviewer.setText("ann")
    view._scope_edited()
    _wait_card(qtbot, view)
    narrowed = view.stats["total"]
    assert 0 < narrowed < window.lib.count_papers()
    window._close_approved = True
    window.close()

    w2 = _reopened_on_triage(qtbot, lib_path)
    v2 = w2.triage_view
    assert (v2.query.text(), v2.reviewer.text()) == ("diffusion", "ann")
    assert v2.stats["total"] == narrowed and v2.stats["reviewer"] == "ann"
    w2._close_approved = True
    w2.close()

    w3 = _reopened_on_triage(qtbot, other)
    assert (w3.triage_view.query.text(), w3.triage_view.reviewer.text()) == ("", "")
    _close_when_warm(qtbot, w3)


def test_whole_library_chosen_last_wins_over_the_collection_holding_the_decisions(window, qtbot, lib_path):
    """A library whose decisions all sit in one collection opens on it, unless the researcher chose the whole
    library last: that choice comes back after a restart."""
    from gapscope.triage import decide

    from .library_data import write_aside

    lib = window.lib
    ids = lib.list_paper_ids()[:30]
    write_aside(lib.path, lambda other: (other.add_to_collection("review", ids),
                                         decide(other, ids[0], "include", collection="review")))
    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    view.set_scope(collection="review")
    _wait_card(qtbot, view)
    view.set_scope(collection=None)             # deliberately the whole library
    _wait_card(qtbot, view)
    assert view.collection.currentData() is None and view.stats["collection"] is None
    window._close_approved = True
    window.close()

    w2 = _reopened_on_triage(qtbot, lib_path)
    v2 = w2.triage_view
    assert v2.collection.currentData() is None and v2.stats["collection"] is None
    _close_when_warm(qtbot, w2)


def test_the_card_gives_the_stats_words_for_a_wide_bound_and_counts_papers_awaiting_a_second_reviewer():
    # the card reads stopping.describe, as `triage stats` does: the bound, not an estimate that flips
    from gapscope.triage.stopping import assess, describe
    from gapscope_desktop.views.triage_view import _fmt_stats

    record = [int(c) for c in "01111001111111111111101000011010001110110"] + [0]
    a = assess(record, 600)
    stop = {"estimated_relevant_unseen": a.estimate, "unseen_relevant_upper": a.upper, "relevant_found": a.found,
            "suggest_stop": a.stop, "p_value": a.p_value, "target_recall": a.target_recall, "confidence": a.confidence,
            "recall_lower_bound": a.recall_lower, "irrelevant_in_a_row": 2, "streak_threshold": 50, "allowed_missing": 1}
    stats = {"include": 27, "exclude": 15, "maybe": 0, "postpone": 0, "unseen": 558, "total": 600, "screened": 42,
             "awaiting_second": 3, "stopping": stop}
    summary, _, text, _ = _fmt_stats(stats)
    assert text == "\n".join(describe(stop, 558, 42))
    assert f"at most {a.upper} of the 558 unseen" in text and "too wide" not in text
    assert f"an estimated {a.estimate}" not in text
    assert "3 awaiting a second reviewer" in summary


def test_the_card_never_says_recall_so_far_at_least_0_percent_after_relevant_papers_were_found():
    # 36 found of 40 screened in 10,653 papers: the bound leaves recall below 1 %; the header said "at least 0%"
    from gapscope.triage.stopping import assess
    from gapscope_desktop.views.triage_view import _fmt_stats

    a = assess([1] * 36 + [0] * 4, 10653)
    stop = {"estimated_relevant_unseen": a.estimate, "unseen_relevant_upper": a.upper, "relevant_found": a.found,
            "suggest_stop": a.stop, "p_value": a.p_value, "target_recall": a.target_recall, "confidence": a.confidence,
            "recall_lower_bound": a.recall_lower, "irrelevant_in_a_row": 4, "streak_threshold": 532,
            "allowed_missing": 1}
    stats = {"include": 36, "exclude": 4, "maybe": 0, "postpone": 0, "unseen": 10613, "total": 10653, "screened": 40,
             "stopping": stop}
    _, _, text, _ = _fmt_stats(stats)
    assert "recall so far at least 0." in text and "at least 0%" not in text, text


def test_a_reason_picked_for_one_card_never_goes_with_the_exclude_button_on_a_later_card(window, qtbot):
    """Pick the third reason and press Exclude, press E on the next card, then press the Exclude button on
    the card after that: that exclude has no reason (the next cards come from the ranking already made)."""
    from gapscope.triage import decision_log, list_reasons

    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    first = _wait_card(qtbot, view)
    view.reason.setCurrentIndex(3)
    view.reason.activated.emit(3)
    assert view.armed_reason == list_reasons(window.lib)[2]
    view.b_exclude.click()
    second = _wait_card(qtbot, view)
    shown = (view.reason.currentIndex(), view.b_exclude.text())     # on the next card
    qtbot.keyClick(view, Qt.Key_E)
    third = _wait_card(qtbot, view)
    view.b_exclude.click()
    _wait_card(qtbot, view)
    log = decision_log(window.lib)
    assert [(r["paper_id"], r["decision"], r["reason"]) for r in log] == [
        (first, "exclude", list_reasons(window.lib)[2]), (second, "exclude", None), (third, "exclude", None)]
    assert shown == (0, "Exclude  (E)")         # the drop-down and the button say no reason is picked


def _counts_line(view) -> dict[str, int]:
    """{'included': 1, 'not screened': 399, ...} from the counts line."""
    out = {}
    for part in view.stats_label.text().split("  ·  "):
        number, _, label = part.partition(" ")
        if number.replace(",", "").isdigit():
            out[label] = int(number.replace(",", ""))
    return out


def test_the_counts_and_the_bar_follow_each_decision_and_undo_before_the_ranking_ends(window, qtbot, monkeypatch):
    from gapscope.triage import triage_stats

    release, _rankings = _hold_rankings_after_the_first(monkeypatch)
    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    try:
        _wait_card(qtbot, view)
        start = _counts_line(view)
        _first, second = _include_the_first_card(qtbot, view)
        assert view.ranking and not release.is_set()
        now = _counts_line(view)
        assert now["included"] == start["included"] + 1 and now["not screened"] == start["not screened"] - 1
        assert view.progress.value() == 1 and view.progress.text().startswith("1 of ")
        qtbot.keyClick(view, Qt.Key_P)
        qtbot.waitUntil(lambda: view.current != second and not view.loading, timeout=60000)
        now = _counts_line(view)
        assert now["postponed"] == start["postponed"] + 1 and now["not screened"] == start["not screened"] - 1
        qtbot.keyClick(view, Qt.Key_U)
        qtbot.waitUntil(lambda: view.message.text().startswith("Undone") and not view.loading, timeout=60000)
        assert _counts_line(view)["postponed"] == start["postponed"]
        assert view.progress.value() == 1
    finally:
        release.set()
    _wait_card(qtbot, view)
    exact = triage_stats(window.lib)
    assert _counts_line(view)["included"] == exact["include"] and view.progress.value() == exact["screened"]


def test_undo_puts_the_undone_paper_back_on_the_card_to_decide_again(window, qtbot, monkeypatch):
    """With the next cards already ranked, Undo shows the undone paper at once (not the next one), the
    card it replaced comes after it, and a key decides it again."""
    from gapscope.triage import current_decisions

    release, _rankings = _hold_rankings_after_the_first(monkeypatch)
    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    try:
        first, second = _include_the_first_card(qtbot, view)
        qtbot.keyClick(view, Qt.Key_U)
        qtbot.waitUntil(lambda: view.message.text().startswith("Undone") and not view.loading, timeout=60000)
        assert view.current == first
        assert window.lib.get_paper(first).title.split()[0] in view.card.toPlainText()
        assert "decide this paper again" in view.rank_label.text()
        assert view.upcoming[0][0]["paper_id"] == second
    finally:
        release.set()
    assert _wait_card(qtbot, view) == first
    qtbot.keyClick(view, Qt.Key_E)
    _wait_card(qtbot, view)
    assert current_decisions(window.lib)[first]["decision"] == "exclude"


def test_the_bar_groups_its_numbers_as_the_counts_line_does(window):
    view = window.triage_view
    view._show_stats({"total": 10653, "screened": 11, "unseen": 10642, "include": 5, "exclude": 6, "maybe": 0,
                      "postpone": 0, "stopping": {}})
    assert view.progress.text() == "11 of 10,653 screened"
    assert "10,642 not screened" in view.stats_label.text()
