"""The Triage tab's top row keeps the progress ("1 of 252 screened") whole: a long map cluster chip is
elided instead."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

pytest.importorskip("gapscope.triage")

LONG_LABEL = ("attention deficit hyperactivity disorder; methylphenidate; atomoxetine; children and "
              "adolescents; randomised controlled trials")


def _map_over_every_paper(lib):
    from gapscope.store.library import now_iso

    with lib.transaction() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM papers")]
        mid = conn.execute("INSERT INTO maps (facet, created_at) VALUES ('topic', ?)", (now_iso(),)).lastrowid
        conn.execute("INSERT INTO clusters (map_id, cluster, label, size) VALUES (?, 0, ?, ?)",
                     (mid, LONG_LABEL, len(ids)))
        for pid in ids:
            conn.execute("INSERT INTO map_assignments (map_id, paper_id, cluster) VALUES (?, ?, 0)", (mid, pid))
    return mid


@pytest.mark.parametrize("width", [1280, 900])
def test_the_progress_stays_on_one_line_beside_a_long_cluster_chip(window, qtbot, width):
    from .library_data import write_aside

    mid = write_aside(window.lib.path, _map_over_every_paper)
    window.resize(width, 800)
    view = window.triage_view
    window.tabs.setCurrentIndex(1)
    view.set_scope(cluster=(mid, 0, LONG_LABEL))
    qtbot.waitUntil(lambda: not view.loading and not view.ranking and view.current is not None
                    and view.progress.maximum() > 1, timeout=60000)
    qtbot.keyClick(view, Qt.Key_I)
    qtbot.waitUntil(lambda: not view.loading and not view.ranking and view.progress.value() == 1, timeout=60000)
    qtbot.wait(50)                                          # the layout settles
    text = view.progress.text()
    assert text.startswith("1 of ")
    fm = view.progress.fontMetrics()
    # the text is drawn inside the bar's frame: it must fit there, with room to spare
    assert fm.horizontalAdvance(text) + 2 * fm.averageCharWidth() <= view.progress.contentsRect().width(), \
        (text, view.progress.width())
    # the chip gives way: elided, the whole label in its tooltip, and it still undoes the narrowing
    chip = view.cluster_chip
    assert chip.isVisible() and chip.text() != f"cluster: {LONG_LABEL}  ✕" and "…" in chip.text()
    assert LONG_LABEL in chip.toolTip()
    assert chip.fontMetrics().horizontalAdvance(chip.text()) <= chip.width()


@pytest.mark.parametrize("width", [1280, 900])
def test_the_search_and_reviewer_placeholders_are_read_whole_with_the_full_text_on_hover(qtbot, make_view, width):
    """The top row squeezed "search within (optional)" to "search within (op…" and "reviewer (blank: one
    reviewer)" to "reviewer (blank: …": short placeholders now fit their boxes, the full text on hover."""
    from PySide6.QtWidgets import QStyle, QStyleOptionFrame

    from gapscope_desktop.views.triage_view import TriageView
    from gapscope_desktop.widgets.placeholder_fit import ICON_ROOM, TEXT_MARGIN

    view = make_view(TriageView, (width - 230, 700))     # the window less its sidebar
    qtbot.wait(50)
    for edit, meaning in ((view.query, "optional"), (view.reviewer, "blank: one reviewer")):
        # the text area as QLineEdit draws it: its contents less the text margins and the clear button
        opt = QStyleOptionFrame()
        edit.initStyleOption(opt)
        area = edit.style().subElementRect(QStyle.SE_LineEditContents, opt, edit).width() - 2 * TEXT_MARGIN
        area -= ICON_ROOM if edit.isClearButtonEnabled() else 0
        text = edit.placeholderText()
        assert text and edit.fontMetrics().horizontalAdvance(text) <= area, (text, area, edit.width())
        assert meaning in edit.toolTip() and text.lower() in edit.toolTip().lower()
