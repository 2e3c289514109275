"""The Library's Title column gets the most room by default: at 1280x800 it was 88-95 px while Authors
had a fixed 170 (and the other columns their fixed widths), the titles cut to a word or two. The narrow
columns are as wide as what they show, not cut either."""

from __future__ import annotations


def test_the_title_column_is_the_widest_at_1280_by_800(window, qtbot):
    from gapscope_desktop.views.paper_model import COL_TITLE, COLUMNS

    header = window.library_view.table.horizontalHeader()
    qtbot.waitUntil(lambda: window.width() == 1280 and header.width() > 0, timeout=5000)
    widths = {COLUMNS[c][0]: header.sectionSize(c) for c in range(len(COLUMNS))}
    title = widths.pop("Title")
    assert title > max(widths.values()), (title, widths)
    assert title >= 0.25 * header.width(), (title, widths, header.width())
    print("widths at 1280x800:", {"Title": title, **widths}, "of", header.width())     # measured, shown with -s


def test_the_narrow_columns_fit_what_they_show(window, qtbot):
    from gapscope_desktop.views.paper_model import COL_IDENT, COL_PDF, COL_PUBLISHED, COL_YEAR

    table = window.library_view.table
    header = table.horizontalHeader()
    fm = table.fontMetrics()
    for col, sample in ((COL_YEAR, "2025"), (COL_PUBLISHED, "2025-03-18"), (COL_IDENT, "2503.11731v1"),
                        (COL_PDF, "PDF")):
        assert header.sectionSize(col) >= fm.horizontalAdvance(sample) + 8, (col, header.sectionSize(col))
