"""A palette that changes while GapScope runs (the system's colour scheme switched) takes effect at once:
the texts the dark-palette test measures read at 4.5:1 right after a dark palette is set on the shown
window, the light colours come back with the light palette, and what the reader had (a selection, a
scroll position, a half-typed note, the current paper) stays."""

from __future__ import annotations

from PySide6.QtGui import QPalette, QTextCursor, QTextDocument
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyleOptionViewItem

from .readability import dark_palette, unreadable
from .test_dark_palette import measure, open_everything


def _key(runs) -> list:
    return [(text, fg.name(), bg.name()) for text, fg, bg in runs]


def test_a_palette_set_while_running_recolours_what_is_shown(analysed_window, qtbot, qapp):
    from gapscope_desktop import theme

    w = analysed_window
    light_palette = QPalette(qapp.palette())
    assert not theme.is_dark()
    dialogs = open_everything(w, qtbot)
    w.tabs.setCurrentIndex(0)
    light = _key(measure(w, dialogs))
    # what the reader has: a selection in the abstract, a scroll position, a note half typed
    browser, table = w.detail.browser, w.library_view.table
    cursor = browser.textCursor()
    cursor.setPosition(3)
    cursor.setPosition(25, QTextCursor.KeepAnchor)
    browser.setTextCursor(cursor)
    selected = browser.textCursor().selectedText()
    bar = browser.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    scrolled = bar.value()
    w.detail.note_edit.setPlainText("half a note")
    row = table.currentIndex().row()
    try:
        qapp.setPalette(dark_palette())
        assert theme.is_dark()
        dark = measure(w, dialogs)
        assert len(dark) == len(light) > 100
        bad = unreadable(dark)
        assert not bad, "\n".join(bad)
        assert browser.textCursor().selectedText() == selected and bar.value() == scrolled
        assert w.detail.note_edit.toPlainText() == "half a note" and table.currentIndex().row() == row
        assert qapp.palette().color(QPalette.AlternateBase).lightnessF() < 0.5, "alternate rows dark too"
    finally:
        qapp.setPalette(light_palette)
    assert _key(measure(w, dialogs)) == light
    assert browser.textCursor().selectedText() == selected and w.detail.note_edit.toPlainText() == "half a note"
    for d in dialogs:
        d.close()


def test_the_reader_draws_its_sentences_in_the_palette_in_use(qapp):
    """The sentence list keeps a sentence's parts, not its rich text: its delegate renders them as it
    paints, so a new palette recolours the list without listing the page again."""
    from gapscope_desktop import theme
    from gapscope_desktop.views.pdf_reader import HTML_ROLE, SentenceDelegate, sentence_html

    view = QListWidget()
    delegate = SentenceDelegate(view)
    item = QListWidgetItem("[Results · result · prior work] We extend it.")
    parts = ["Results", "result", "prior", "We extend it.", False]
    item.setData(HTML_ROLE, parts)
    view.addItem(item)
    light_palette = QPalette(qapp.palette())
    drawn = []
    try:
        for pal in (light_palette, dark_palette()):
            qapp.setPalette(pal)
            doc = delegate._doc(QStyleOptionViewItem(), view.model().index(0, 0))
            expected = QTextDocument()
            expected.setHtml(sentence_html(*parts))
            drawn.append(doc.toHtml())
            assert doc.toHtml() == expected.toHtml()
            assert theme.colour("chip_prior") in doc.toHtml()
    finally:
        qapp.setPalette(light_palette)
    assert drawn[0] != drawn[1]


def test_every_theme_colour_maps_to_the_dark_palette_and_back(qapp):
    """The map from one palette's colours to another's is by value: no two names may share a value
    under one palette and not under the other, or a colour would come back as another name's."""
    from gapscope_desktop import theme
    from gapscope_desktop.theme_live import WIDGET_TEXT, ColourMap

    light, dark = QPalette(qapp.palette()), dark_palette()
    assert not theme.is_dark(light)
    there, back = ColourMap(light, dark), ColourMap(dark, light)
    for names, forth, home in ((WIDGET_TEXT, there.text, back.text), (list(theme.FILL), there.fill, back.fill)):
        for name in names:
            assert home[forth[theme.colour(name, light)]] == theme.colour(name, light), name
