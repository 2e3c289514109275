"""Sort arrows that point the way the rows run: ▼ over a column sorted largest first, ▲ smallest first.

QHeaderView hands the style "SortUp" for a descending sort and "SortDown" for an ascending one, and Fusion
draws SortUp as ▲: the Maps view's Papers column, sorted largest first, showed ▲. Every table and tree in the window gets its arrow from here."""

from __future__ import annotations

from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOptionHeader

_FLIPPED = {QStyleOptionHeader.SortIndicator.SortUp: QStyleOptionHeader.SortIndicator.SortDown,
            QStyleOptionHeader.SortIndicator.SortDown: QStyleOptionHeader.SortIndicator.SortUp}


class SortArrowStyle(QProxyStyle):
    """The style named (GapScope uses "Fusion") with the header's sort arrow turned to match the order."""

    def drawPrimitive(self, element, option, painter, widget=None) -> None:  # noqa: N802 (Qt's name)
        if element == QStyle.PE_IndicatorHeaderArrow and isinstance(option, QStyleOptionHeader):
            option = QStyleOptionHeader(option)
            option.sortIndicator = _FLIPPED.get(option.sortIndicator, option.sortIndicator)
        super().drawPrimitive(element, option, painter, widget)
