"""A dark system theme: every text the views colour themselves (grey notes, warnings, facet colours on
their tints, highlights, links, map labels) keeps a WCAG contrast of at least 4.5 with what it is drawn
on, measured on the colours the widgets use; under the usual light palette the colours stay as they were,
and every tag and chip reads under both."""

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


def _abstract_tints(detail) -> int:
    """How many backgrounds besides the page's the abstract's own text is drawn on (facet tints, highlights);
    the legend's short chips above it ("method") are not counted."""
    base, shown = detail.browser.viewport().palette().base().color(), detail.shown[0]
    return len({bg.name() for t, _f, bg in text_runs(detail.browser)
                if bg != base and len(t.strip()) >= 12 and t.strip() in shown})


def open_everything(w, qtbot) -> list:
    """Every view with coloured text in it: a classified paper with tags, a note and highlights opened,
    a search that cannot run, each tab, the welcome page with a message, the Check Facet Labels and
    Collect dialogs (left open: the caller closes them). Returns the dialogs."""
    from gapscope.facets import paper_sentences

    from .library_data import write_aside

    pid = next(i for i in w.lib.list_paper_ids()[:50] if paper_sentences(w.lib, i))
    write_aside(w.lib.path, lambda lib: _annotate(lib, pid))
    w.library_view.search.setText(w.lib.get_paper(pid).title.split()[0])
    w.library_view._apply_search()
    qtbot.waitUntil(lambda: not w.library_view.loading, timeout=10000)
    w.open_paper(pid)
    qtbot.waitUntil(lambda: w.detail.paper is not None and w.detail.paper.id == pid and "to-read" in
                    w.detail.tags_label.text() and "ablation" in w.detail.notes_view.toPlainText(), timeout=10000)
    assert _abstract_tints(w.detail) >= 3, "the opened paper's abstract shows its facet tints and highlights"
    w.library_view.search.setText('title:"unbalanced')
    w.library_view._apply_search()
    qtbot.waitUntil(lambda: w.library_view.search.styleSheet() != "", timeout=10000)
    assert w.detail.paper is None      # a search that cannot run lists nothing, and so empties the details pane

    w.tabs.setCurrentIndex(1)
    tv = w.triage_view
    qtbot.waitUntil(lambda: not tv.loading and not tv.ranking and tv.current is not None, timeout=60000)
    w.tabs.setCurrentIndex(2)
    mv = w.maps_view
    qtbot.waitUntil(lambda: mv.map is not None, timeout=30000)
    mv.stale_label.setText("This map may be out of date.")
    w.tabs.setCurrentIndex(3)
    gv = w.gaps_view
    qtbot.waitUntil(lambda: gv.table.topLevelItemCount() > 0 or "No gaps" in gv.info.text(), timeout=10000)
    for index in (4, 5, 6):            # Experiments, Citations, Reader with nothing run, enriched or attached
        w.tabs.setCurrentIndex(index)
        qtbot.wait(200)
    w.welcome.set_message("The last library could not be opened.")
    w.act_check_facets.trigger()
    qtbot.waitUntil(lambda: bool(w.facet_review.rows), timeout=20000)
    from gapscope_desktop.dialogs.collect_dialog import CollectDialog, describe_report

    dlg = CollectDialog(w.tasks, w.lib.path, source="file", parent=w)
    dlg.status.setText(describe_report({"read": 2, "added": 1, "errors": ["line 2: no title"], "bad": 1}))
    # the paper back in the details pane (open_paper would clear the search), once nothing relists the failed
    # search, so the red search box and the tinted abstract are measured together
    qtbot.waitUntil(lambda: not w.library_view.loading, timeout=10000)
    w.detail.show_paper(pid)
    return [w.facet_review, dlg]


def measure(w, dialogs) -> list:
    """The coloured text runs of everything open_everything showed."""
    runs = _widget_runs(w.sidebar) + _widget_runs(w.lib_split)
    assert _abstract_tints(w.detail) >= 3, "facet tints and highlights are there to measure"
    mv = w.maps_view
    plot_bg = mv.plot.backgroundBrush().color()
    assert mv.labels
    runs += [(t.textItem.toPlainText(), t.textItem.defaultTextColor(), plot_bg) for t in mv.labels]
    for view in (w.triage_view, mv, w.gaps_view, w.experiments_view, w.graph_view, w.reader, w.welcome, *dialogs):
        runs += _widget_runs(view)
    return runs


def measure_everything(w, qtbot) -> list:
    """The coloured text runs of every view (open_everything, measure) and of a Reader sentence; the
    dialogs closed after."""
    from gapscope_desktop.views.pdf_reader import sentence_html

    dialogs = open_everything(w, qtbot)
    runs = measure(w, dialogs)
    doc = QTextDocument()
    doc.setHtml(sentence_html("Results", "result", "none", "We find a gap.", False))
    base = w.reader.sentence_list.palette().color(QPalette.Base)
    runs += document_runs(doc, w.reader.sentence_list.palette().color(QPalette.Text), base)
    for d in dialogs:
        d.close()
    return runs


def test_every_coloured_text_reads_on_a_dark_palette(dark, analysed_window, qtbot):
    from gapscope_desktop import theme

    assert theme.is_dark()
    runs = measure_everything(analysed_window, qtbot)
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


def test_every_tag_and_chip_of_the_reader_and_details_reads_in_both_palettes(qapp):
    """The Reader's shortcoming tags ("prior work" was white on orange, 3.4:1) and the details pane's
    facet and shortcoming chips, tinted sentences and tag chips with their × (3.9:1), each at 4.5:1 under the light palette
    and a dark one. The dark-palette test missed the Reader's tags: it drew a sentence with no
    shortcoming, and their colours were the page marks' own, not the theme's."""
    from gapscope_desktop import theme
    from gapscope_desktop.views.paper_html import abstract_html, legend_html, tag_chip_html
    from gapscope_desktop.views.pdf_reader import SHORTCOMING_COLOURS, sentence_html

    roles = ("background", "objective", "method", "result", "other")
    sentences = [{"role": r, "shortcoming": s, "start": 0, "end": 0} for r in roles for s in ("none", "own")]
    light_palette = QPalette(qapp.palette())
    try:
        for pal in (light_palette, dark_palette()):
            qapp.setPalette(pal)
            base, text = pal.color(QPalette.Base), pal.color(QPalette.Text)
            docs = [sentence_html("Results", "result", kind, "We extend it.", True) for kind in SHORTCOMING_COLOURS]
            docs.append(legend_html(sentences))
            docs.append(tag_chip_html("to-read", True))
            docs.append(_tinted_abstract(abstract_html, roles))
            runs = []
            for source in docs:
                doc = QTextDocument()
                doc.setHtml(source)
                runs += document_runs(doc, text, base)
            # the grey "[section · role]" beside a tag is plain text, the light theme's old faint grey
            chips = [r for r in runs if r[1].name() != theme.colour("faint")]
            assert len({bg.name() for _t, _f, bg in chips}) >= 8, "every tint and chip is measured"
            bad = unreadable(chips)
            assert not bad, f"{'dark' if theme.is_dark() else 'light'}:\n" + "\n".join(bad)
    finally:
        qapp.setPalette(light_palette)


def _tinted_abstract(abstract_html, roles) -> str:
    """An abstract of one sentence per facet role, each a shortcoming, with a highlight of each colour."""
    text = " ".join(f"This is the {r} sentence." for r in roles)
    sentences, pos = [], 0
    for r in roles:
        s = f"This is the {r} sentence."
        sentences.append({"role": r, "shortcoming": "own", "start": pos, "end": pos + len(s)})
        pos += len(s) + 1
    marks = [{"id": i, "start": sentences[i]["start"], "end": sentences[i]["start"] + 4, "color": c, "comment": ""}
             for i, c in enumerate(("yellow", "green", "blue", "red", "purple"))]
    return abstract_html(text, sentences, ["sentence"], marks)


def test_a_selected_row_reads_under_both_palettes(qapp):
    """The selection's blue under the palette's selected text: 4.2:1 under the light palette (white),
    3.7:1 under a dark one, before the blue was darkened to fit."""
    from gapscope_desktop.style import apply_style, style_sheet
    from gapscope_desktop.theme import contrast

    before = QPalette(qapp.palette())
    try:
        for pal in (QPalette(before), dark_palette()):
            qapp.setPalette(pal)
            apply_style(qapp)
            now = qapp.palette()
            assert contrast(now.color(QPalette.Highlight), now.color(QPalette.HighlightedText)) >= 4.5
    finally:
        qapp.setPalette(before)
        qapp.setStyleSheet(style_sheet(before))
