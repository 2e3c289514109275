"""A table's sort arrow points the way its rows run: down (▼) when the largest comes first, up (▲) when
the smallest does. Qt hands the style "SortUp" for a descending sort, so Fusion drew ▲ over the Maps view's
Papers column sorted largest first (and over the papers list, the same way)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView, QTreeWidget, QTreeWidgetItem


def _arrow_rows(header, section: int) -> list[int]:
    """How many pixels of the sort arrow each row of the header holds, top to bottom: the pixels that
    change when the indicator is hidden."""
    with_arrow = header.grab().toImage()
    header.setSortIndicatorShown(False)
    without = header.grab().toImage()
    header.setSortIndicatorShown(True)
    x0 = header.sectionViewportPosition(section)
    x1 = x0 + header.sectionSize(section)
    rows = [sum(with_arrow.pixel(x, y) != without.pixel(x, y) for x in range(x0, x1))
            for y in range(with_arrow.height())]
    return [n for n in rows if n]


def _points_down(header, section: int) -> bool:
    rows = _arrow_rows(header, section)
    assert len(rows) >= 3, "no sort arrow drawn"
    return rows[0] > rows[-1]             # wide at the top, narrow at the bottom: ▼


def _shown(qtbot, view):
    view.setSortingEnabled(True)
    qtbot.addWidget(view)
    view.resize(400, 200)
    view.show()
    return view


def _tree(qtbot):
    tree = QTreeWidget()
    tree.setHeaderLabels(["Cluster", "Papers"])
    for name, n in (("a", 3), ("b", 30), ("c", 300)):
        item = QTreeWidgetItem([name, ""])
        item.setData(1, Qt.DisplayRole, n)
        tree.addTopLevelItem(item)
    return _shown(qtbot, tree), tree.header()


def _table(qtbot):
    model = QStandardItemModel(3, 2)
    for row, n in enumerate((3, 30, 300)):
        model.setItem(row, 1, QStandardItem(str(n)))
    table = QTableView()
    table.setModel(model)
    return _shown(qtbot, table), table.horizontalHeader()


@pytest.mark.parametrize("make", [_tree, _table], ids=["tree (Maps, Gaps)", "table (papers list)"])
def test_the_sort_arrow_points_the_way_the_rows_run(qtbot, make):
    from gapscope_desktop.app import create_app

    create_app(["test"])
    view, header = make(qtbot)
    view.sortByColumn(1, Qt.DescendingOrder)
    assert header.sortIndicatorOrder() == Qt.DescendingOrder
    assert _points_down(header, 1)
    view.sortByColumn(1, Qt.AscendingOrder)
    assert not _points_down(header, 1)
