"""The Gaps view reads as the app speaks: the stale count names the gaps' own reason, a stale gap's note
comes first in its detail and names the app's button (the core's reasons name the command line), the
statement has the room of the list, and a gap without a topic does not read as a topic of its own."""

from __future__ import annotations

from gapscope.gaps.stale import EARLIER_FINDER, FOUND_FROM


def _gap(gid, kind="method_x_problem", stale=(), **extra):
    return {"id": gid, "type": kind, "score": 1 - gid / 10, "statement": f"Apply “method {gid}” to “problem”.",
            "evidence": [], "evidence_roles": {}, "details": {"level": "concept"}, "stale": list(stale), "runs": [],
            **extra}


def _view(qtbot, library):
    from gapscope_desktop.views.gaps_view import GapsView

    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    return view


def test_the_stale_count_names_the_most_common_reason_of_the_gaps(qtbot, library):
    view = _view(qtbot, library)
    view.show_gaps([_gap(1, stale=[EARLIER_FINDER]), _gap(2, stale=[EARLIER_FINDER]), _gap(3)])
    assert view.info.text().startswith("3 gaps, 2 stale: found by an earlier version of the gap finder")
    assert "papers or maps" not in view.info.text() and "other changes" not in view.info.text()

    view.show_gaps([_gap(1, stale=[EARLIER_FINDER, "the topic map was rebuilt"]), _gap(2, stale=[EARLIER_FINDER]),
                    _gap(3, stale=[FOUND_FROM + "the topic map (papers were added or removed since)"])])
    text = view.info.text()
    assert text.startswith("3 gaps, 3 stale: found by an earlier version of the gap finder, and other changes")
    # every kind, counted, in the tooltip
    assert "1 gap: the topic map was rebuilt" in view.info.toolTip()
    assert "1 gap: found from inputs already out of date" in view.info.toolTip()


def test_a_stale_gaps_note_comes_first_in_the_apps_words(qtbot, library):
    view = _view(qtbot, library)
    view.show_gaps([_gap(1, stale=[EARLIER_FINDER])])
    view.table.setCurrentItem(view.table.topLevelItem(0))
    shown = view.detail.toPlainText()
    assert shown.startswith("Stale: found by an earlier version of GapScope's gap finder"), shown
    assert "“Find gaps”" in shown and "`" not in shown and "gaps find" not in shown
    assert shown.index("Stale:") < shown.index("Apply “method 1”")
    row = view.table.topLevelItem(0)
    assert row.toolTip(0).startswith("Stale: ") and "`" not in row.toolTip(0)
    assert not row.icon(0).isNull() and "stale" not in row.text(1)       # an icon, not "(stale)" in a column


def test_at_the_default_window_size_the_statement_column_is_the_widest(window, qtbot):
    view = window.gaps_view
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=20000)
    view.show_gaps([_gap(1, "unaddressed_shortcoming", stale=[EARLIER_FINDER],
                         evidence_topics=["3D reconstruction", "LiDAR / point cloud", "cropping"]),
                    _gap(2, stale=[EARLIER_FINDER], details={"level": "concept",
                                                            "topic": {"label": "remote sensing / earth observation"}})])
    qtbot.wait(50)
    widths = [view.table.columnWidth(i) for i in range(view.table.columnCount())]
    assert widths[4] == max(widths) and widths[4] > sum(widths[1:4]), widths


def test_a_gap_without_a_topic_names_where_its_papers_are(qtbot, library):
    view = _view(qtbot, library)
    view.show_gaps([_gap(1, "unaddressed_shortcoming", evidence_topics=["Vision", "LiDAR", "cropping"]),
                    _gap(2, "unaddressed_shortcoming", evidence_topics=["Vision"])])
    first, second = view.table.topLevelItem(0), view.table.topLevelItem(1)
    assert first.text(2) == "papers in: Vision +2" and second.text(2) == "papers in: Vision"
    assert "Evidence papers in: Vision, LiDAR, cropping." in first.toolTip(2)
    assert first.text(1) == "Shortcoming" and first.toolTip(1) == "Unaddressed shortcoming"
