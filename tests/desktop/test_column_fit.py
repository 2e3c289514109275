"""A column width the user dragged wins over the views' automatic fit (a refresh, a filter, a resized table)
and comes back after a restart; a double click on the column's edge fits it again (widgets/column_fit.py)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from .conftest import _close_at_teardown, _open_window


def _drag_edge(header, col: int, by: int) -> None:
    """The user drags the right edge of column ``col`` by ``by`` pixels with the mouse."""
    x = header.sectionViewportPosition(col) + header.sectionSize(col) - 1
    y = header.height() // 2
    vp = header.viewport()
    QTest.mousePress(vp, Qt.LeftButton, Qt.NoModifier, QPoint(x, y))
    for step in range(1, 5):
        QTest.mouseMove(vp, QPoint(x + by * step // 4, y))
    QTest.mouseRelease(vp, Qt.LeftButton, Qt.NoModifier, QPoint(x + by, y))


def _gaps_table(window, qtbot):
    gv = window.gaps_view
    window.tabs.setCurrentWidget(gv)
    qtbot.waitUntil(lambda: gv.table.isVisible() and gv.table.viewport().width() > 300, timeout=10000)
    return gv


def _resized(window, qtbot, table, width: int) -> None:
    """The window made ``width`` wide, and the table with it (the fit runs when the table's width changes)."""
    before = table.viewport().width()
    window.resize(width, 800)
    qtbot.waitUntil(lambda: table.viewport().width() != before, timeout=3000)


def test_a_gaps_column_dragged_keeps_its_width_through_a_refit_and_a_restart(window, qtbot, lib_path):
    gv = _gaps_table(window, qtbot)
    header = gv.table.header()
    fitted_topic = header.sectionSize(2)
    wanted = header.sectionSize(1) + 90
    _drag_edge(header, 1, 90)
    assert header.sectionSize(1) == wanted
    # what made the widths jump back: the table resized (a scroll bar shown by a refresh or a filter)
    _resized(window, qtbot, gv.table, 1100)
    gv.type_filter.setCurrentIndex(gv.type_filter.count() - 1)
    _resized(window, qtbot, gv.table, 1280)
    assert header.sectionSize(1) == wanted
    assert header.sectionSize(2) == fitted_topic              # a column not dragged is still fitted
    window._close_approved = True
    window.close()                                            # a restart, on the same private settings

    w2 = _open_window(qtbot, lib_path)
    try:
        gv2 = _gaps_table(w2, qtbot)
        h2 = gv2.table.header()
        assert h2.sectionSize(1) == wanted
        h2.sectionHandleDoubleClicked.emit(1)                 # a double click on its edge: fitted again
        assert h2.sectionSize(1) < wanted
        _resized(w2, qtbot, gv2.table, 1100)
        assert h2.sectionSize(1) < wanted
    finally:
        _close_at_teardown(w2)


def test_the_shared_fit_keeps_a_dragged_width_in_any_table_it_fits(qtbot):
    """The helper the Maps, Experiments and citation tables fit through: the table fitted again after the
    user's drag keeps it, and a new table under the same name (the next session) starts from it."""
    from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

    from gapscope_desktop.widgets.column_fit import ColumnFit, contents_width

    def table():
        t = QTreeWidget()
        t.setHeaderLabels(["Cluster", "Papers", "Stability"])
        t.addTopLevelItem(QTreeWidgetItem(["a cluster", "12", "0.9"]))
        qtbot.addWidget(t)
        t.resize(600, 300)
        t.show()
        fit = ColumnFit(t, "test-table", lambda: {0: 200, 1: contents_width(t, 1)})
        fit.apply()
        return t, fit

    t, fit = table()
    auto = t.header().sectionSize(1)
    _drag_edge(t.header(), 1, 70)
    fit.apply()
    assert t.header().sectionSize(1) == auto + 70 and t.header().sectionSize(0) == 200
    t2, _fit2 = table()
    assert t2.header().sectionSize(1) == auto + 70
