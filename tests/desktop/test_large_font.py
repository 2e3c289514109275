"""A large font (a user's accessibility setting; text the size a 150 % display gives): the window still
fits a screen 1280 pixels wide, long lines wrap instead of widening it, no button or wrapped label is
cut, the sidebar's names are whole, the welcome page shows its last line, the dialogs fit the screen
with their buttons whole."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont

from .readability import clipped

SCALE = 1.6          # the usual 9 pt becomes 14.4 pt
SCREEN_WIDTH = 1280  # a 1920-pixel screen at 150 %, a common laptop


@pytest.fixture
def large_font(qapp):
    before = QFont(qapp.font())
    big = QFont(before)
    big.setPointSizeF(before.pointSizeF() * SCALE)
    qapp.setFont(big)
    yield big
    qapp.setFont(before)


def _sidebar_cut(sb) -> list[str]:
    """The sidebar's names whole ("Postpon…" was cut: their column never grew with the sidebar), and its counts."""
    cut = [f"sidebar: its names need {sb.sizeHintForColumn(0)} px, have {sb.columnWidth(0)}"] \
        if sb.sizeHintForColumn(0) > sb.columnWidth(0) else []
    # the counts are right-aligned in their column: it must lie inside the sidebar and hold them
    names, counts, room = sb.columnWidth(0), sb.columnWidth(1), sb.viewport().width()
    if names + counts > room + 1 or counts < sb.sizeHintForColumn(1):
        cut.append(f"sidebar: the counts are cut (columns {names} + {counts} px in {room}, counts need "
                   f"{sb.sizeHintForColumn(1)})")
    return cut


def test_the_sidebar_shows_its_names_and_counts_whole_when_widened(window, qtbot):
    for side in (220, 400, 300):
        window.main_split.setSizes([side, 1280 - side])
        qtbot.wait(50)
        assert not _sidebar_cut(window.sidebar), side


def test_every_view_fits_and_nothing_is_cut_at_a_large_font(large_font, analysed_window, qtbot):
    w = analysed_window
    assert w.font().pointSizeF() == pytest.approx(large_font.pointSizeF())
    cut = _sidebar_cut(w.sidebar)
    waits = {1: lambda: w.triage_view.current is not None and not w.triage_view.ranking,
             2: lambda: w.maps_view.map is not None,
             3: lambda: w.gaps_view.table.topLevelItemCount() > 0 or "No gaps" in w.gaps_view.info.text()}
    for index in range(w.tabs.count()):
        w.tabs.setCurrentIndex(index)
        qtbot.waitUntil(waits.get(index, lambda: True), timeout=60000)
        qtbot.wait(100)                                   # the layout settles
        cut += [f"{w.tabs.tabText(index)}: {c}" for c in clipped(w)]
    # every tab's longest line (the map's summary, the triage keys, the gap count) wraps
    assert w.minimumSizeHint().width() <= SCREEN_WIDTH, w.minimumSizeHint()
    # the note box shows a few lines of the large text, not a pixel height made for the small one
    assert w.detail.note_edit.maximumHeight() >= 4 * w.detail.note_edit.fontMetrics().lineSpacing()

    from gapscope_desktop.dialogs.collect_dialog import CollectDialog
    from gapscope_desktop.dialogs.preferences_dialog import PreferencesDialog

    w.act_check_facets.trigger()
    qtbot.waitUntil(lambda: bool(w.facet_review.rows), timeout=20000)
    for name, dlg in (("Check Facet Labels", w.facet_review), ("Preferences", PreferencesDialog(w, lib=w.lib)),
                      ("Collect", CollectDialog(w.tasks, w.lib.path, source="arxiv", parent=w))):
        assert dlg.sizeHint().width() <= SCREEN_WIDTH, (name, dlg.sizeHint())
        dlg.resize(dlg.sizeHint().expandedTo(dlg.size()))
        dlg.show()
        qtbot.wait(100)
        cut += [f"{name}: {c}" for c in clipped(dlg)]
        dlg.close()

    w.show_welcome()                      # its steps' last lines were cut off (the page did not scroll)
    qtbot.wait(100)
    cut += [f"welcome: {c}" for c in clipped(w)]
    assert not cut, "\n".join(cut)
