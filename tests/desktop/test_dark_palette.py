"""A dark system theme: every text the views colour themselves (grey notes, warnings, facet colours on
their tints, highlights, links, map labels) keeps a WCAG contrast of at least 4.5 with what it is drawn
on, measured on the colours the widgets use; under the usual light palette the colours stay as they were."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette, QTextDocument
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QTextEdit, QTreeWidget

from .readability import dark_palette, document_runs, item_runs, text_runs, unreadable


@pytest.fixture
def dark(qapp):
    """The application palette a dark theme gives, as create_app styles it; the light one back after."""
    from gapscope_desktop.style import apply_style, style_sheet

    before = QPalette(qapp.palette())
    qapp.setPalette(dark_palette())
    apply_style(qapp)
    yield
    qapp.setPalette(before)
    qapp.setStyleSheet(style_sheet(before))


def _annotate(lib, pid: int) -> None:
    from gapscope.triage.annotate import add_highlight, add_note

    lib.add_tag([pid], "to-read")
    add_note(lib, pid, "Check the ablation.")
    add_highlight(lib, pid, 0, 30, "yellow", "key claim")
    add_highlight(lib, pid, 40, 70, "green", "")


def _widget_runs(root) -> list:
    runs = []
    for cls in (QLabel, QTextEdit, QLineEdit):
        for w in root.findChildren(cls):
            runs += text_runs(w)
    for b in root.findChildren(QAbstractButton):
        if b.styleSheet():                      # a button that colours its own text (Include, Exclude)
            runs += text_runs(b)
    for tree in root.findChildren(QTreeWidget):
        runs += item_runs(tree)
    return runs


def test_every_coloured_text_reads_on_a_dark_palette(dark, analysed_window, qtbot):
    from gapscope.facets import paper_sentences
    from gapscope_desktop import theme

    from .library_data import write_aside

    w = analysed_window
    assert theme.is_dark()
    runs = []
    # Library: a classified paper with tags, a note and highlights; a search that cannot run
    pid = next(i for i in w.lib.list_paper_ids()[:50] if paper_sentences(w.lib, i))
    write_aside(w.lib.path, lambda lib: _annotate(lib, pid))
    w.library_view.search.setText(w.lib.get_paper(pid).title.split()[0])
    w.library_view._apply_search()
    qtbot.waitUntil(lambda: not w.library_view.loading, timeout=10000)
    w.open_paper(pid)
    qtbot.waitUntil(lambda: w.detail.paper is not None and w.detail.paper.id == pid and "to-read" in
                    w.detail.tags_label.text() and "ablation" in w.detail.notes_view.toPlainText(), timeout=10000)
    runs += _widget_runs(w.sidebar) + _widget_runs(w.lib_split)
    abstract = [r for r in text_runs(w.detail.browser) if r[2] != w.detail.browser.viewport().palette().base().color()]
    assert len({bg.name() for _t, _f, bg in abstract}) >= 3, "facet tints and highlights are there to measure"
    w.library_view.search.setText('title:"unbalanced')
    w.library_view._apply_search()
    qtbot.waitUntil(lambda: w.library_view.search.styleSheet() != "", timeout=10000)
    runs += text_runs(w.library_view.search)

    # Triage: the card with its facet colours, the Include / Exclude buttons, the estimate
    w.tabs.setCurrentIndex(1)
    tv = w.triage_view
    qtbot.waitUntil(lambda: not tv.loading and not tv.ranking and tv.current is not None, timeout=60000)
    runs += _widget_runs(tv)

    # Maps: the list's stability colours, the banner, the labels on the plot
    w.tabs.setCurrentIndex(2)
    mv = w.maps_view
    qtbot.waitUntil(lambda: mv.map is not None, timeout=30000)
    mv.stale_label.setText("This map may be out of date.")
    runs += _widget_runs(mv)
    plot_bg = mv.plot.backgroundBrush().color()
    runs += [(t.textItem.toPlainText(), t.textItem.defaultTextColor(), plot_bg) for t in mv.labels]
    assert mv.labels

    # Gaps and their evidence
    w.tabs.setCurrentIndex(3)
    gv = w.gaps_view
    qtbot.waitUntil(lambda: gv.table.topLevelItemCount() > 0 or "No gaps" in gv.info.text(), timeout=10000)
    runs += _widget_runs(gv)

    # Experiments, Citations, Reader as they are with nothing run, enriched or attached
    for index, view in ((4, w.experiments_view), (5, w.graph_view), (6, w.reader)):
        w.tabs.setCurrentIndex(index)
        qtbot.wait(200)
        runs += _widget_runs(view)
    from gapscope_desktop.views.pdf_reader import sentence_html

    doc = QTextDocument()
    doc.setHtml(sentence_html("Results", "result", "none", "We find a gap.", False))
    base = w.reader.sentence_list.palette().color(QPalette.Base)
    runs += document_runs(doc, w.reader.sentence_list.palette().color(QPalette.Text), base)

    # the welcome page (a message on it), the dialogs
    w.welcome.set_message("The last library could not be opened.")
    runs += _widget_runs(w.welcome)
    w.act_check_facets.trigger()
    qtbot.waitUntil(lambda: bool(w.facet_review.rows), timeout=20000)
    runs += _widget_runs(w.facet_review)
    w.facet_review.close()
    from gapscope_desktop.dialogs.collect_dialog import CollectDialog, describe_report

    dlg = CollectDialog(w.tasks, w.lib.path, source="file", parent=w)
    dlg.status.setText(describe_report({"read": 2, "added": 1, "errors": ["line 2: no title"], "bad": 1}))
    runs += _widget_runs(dlg)
    dlg.close()

    assert len(runs) > 100
    bad = unreadable(runs)
    assert not bad, "\n".join(bad)


def test_the_light_palette_keeps_the_usual_colours(qapp):
    from gapscope_desktop import theme
    from gapscope_desktop.app import create_app

    create_app(["test"])
    assert not theme.is_dark()
    assert [theme.colour(n) for n in ("secondary", "warning", "tint_method", "highlight_yellow")] == \
        ["#555555", "#a04000", "#e7effb", "#fff3a3"]
    assert qapp.palette().color(QPalette.Link).name() == "#1f5fbf"
    assert "background: #f3f4f6" in qapp.styleSheet()
