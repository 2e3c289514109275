"""The abstract's saved highlights are drawn on it in the detail pane in their colour, over the facet tint (the
role keeps its text colour) and under a search term's mark; the Notes box lists them with the notes; a
highlight made or removed elsewhere (`gapscope annotate`, the Reader) shows once the pane is told. Checked on
the document's character formats, not on pixels."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor, QTextDocument

ABSTRACT = ("Since the point cloud data is inherently irregular and unstructured, learning on it is hard. "
            "We propose BAGLayer, a graph layer for point clouds.")
SPLIT = ABSTRACT.index("We propose")
SENTENCES = [{"role": "background", "shortcoming": "none", "start": 0, "end": SPLIT - 1},
             {"role": "method", "shortcoming": "none", "start": SPLIT, "end": len(ABSTRACT)}]


def _format_at(doc: QTextDocument, shown: str, text: str, offset: int = 1):
    """The character format of the ``offset``-th character of ``text`` where the document shows it."""
    block = doc.begin()
    while block.isValid() and block.text() != shown:
        block = block.next()
    assert block.isValid(), "the abstract's paragraph is in the document"
    cursor = QTextCursor(doc)
    cursor.setPosition(block.position() + shown.index(text) + offset + 1)     # the format before the cursor
    return cursor.charFormat()


def _background(fmt) -> str:
    return fmt.background().color().name() if fmt.background().style() else ""


def test_a_highlight_is_drawn_over_the_facet_tint_and_under_the_search_mark(qapp):
    from gapscope_desktop import theme
    from gapscope_desktop.views.paper_html import abstract_html, display_abstract

    marks = [{"id": 1, "start": 0, "end": 60, "color": "yellow", "comment": "why irregular?"},
             {"id": 2, "start": ABSTRACT.index("a graph layer"), "end": len(ABSTRACT) - 1, "color": "green"}]
    doc = QTextDocument()
    doc.setHtml(abstract_html(ABSTRACT, SENTENCES, ["irregular", "BAGLayer"], marks))
    shown = display_abstract(ABSTRACT)[0]
    fill = theme.highlight_fill("yellow")
    assert fill != theme.facet_tint("background")
    inside = _format_at(doc, shown, "point cloud")
    assert _background(inside) == fill                                   # the review's case: the tint hid it
    assert inside.foreground().color().name() == theme.facet_colour("background").lower()   # the role still shows
    assert inside.toolTip() == "why irregular?"
    assert _background(_format_at(doc, shown, "irregular")) == theme.colour("search_mark").lower()
    assert _background(_format_at(doc, shown, "learning on it")) == theme.facet_tint("background").lower()
    assert _background(_format_at(doc, shown, "graph layer")) == theme.highlight_fill("green").lower()
    assert _background(_format_at(doc, shown, "BAGLayer")) == theme.colour("search_mark").lower()


@pytest.fixture
def library(tmp_path):
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper
    from gapscope.store import Library

    from .library_data import write_aside

    path = tmp_path / "library.sqlite"
    write_aside(path, lambda lib: ingest_papers(lib, [Paper(title="BAGNet", abstract=ABSTRACT, source="t",
                                                            source_key="b")], kind="import", source="t", target="t"))
    lib = Library(path)
    yield lib
    lib.close()


@pytest.fixture
def pane(make_view, library, monkeypatch):
    from gapscope_desktop.views import detail_pane
    from gapscope_desktop.views.detail_pane import DetailPane

    monkeypatch.setattr(detail_pane, "load_sentences", lambda lib, pid: [dict(s) for s in SENTENCES])
    view = make_view(DetailPane, (700, 900))
    view.set_library(library)
    return view


def test_the_pane_draws_the_highlights_lists_them_in_the_notes_box_and_follows_changes_made_elsewhere(
        pane, library, qtbot):
    from gapscope.triage.annotate import add_highlight, remove_highlight
    from gapscope_desktop import theme

    from .library_data import write_aside

    [pid] = library.list_paper_ids()
    hid = write_aside(library.path, lambda lib: add_highlight(lib, pid, 0, 60, "yellow", ""))
    note = write_aside(library.path, lambda lib: lib.add_note(pid, "compare with PointNet"))
    pane.set_query("BAGLayer")
    pane.show_paper(pid)
    shown = pane.shown[0]
    assert _background(_format_at(pane.browser.document(), shown, "point cloud")) == theme.highlight_fill("yellow")
    assert _background(_format_at(pane.browser.document(), shown, "BAGLayer")) == theme.colour("search_mark").lower()
    listed = pane.notes_view.toPlainText()
    assert "compare with PointNet" in listed and ABSTRACT[:40] in listed
    assert f"highlight:remove/{hid}" in pane.notes_view.toHtml() and note

    # made and removed elsewhere (the CLI, the Reader): the window tells the pane, which reads them again
    other = write_aside(library.path, lambda lib: add_highlight(lib, pid, SPLIT, SPLIT + 20, "blue", "the method"))
    pane.annotations_changed(pid)
    assert _background(_format_at(pane.browser.document(), pane.shown[0], "We propose")) == theme.highlight_fill("blue")
    assert "the method" in pane.notes_view.toPlainText()
    write_aside(library.path, lambda lib: remove_highlight(lib, hid))
    pane.annotations_changed(pid)
    assert _background(_format_at(pane.browser.document(), pane.shown[0], "point cloud")) == \
        theme.facet_tint("background").lower()
    assert ABSTRACT[:40] not in pane.notes_view.toPlainText() and other


def test_view_refresh_shows_a_highlight_the_command_made_meanwhile(window, qtbot):
    """The review's path: `gapscope annotate highlight` while the window is open, then View > Refresh."""
    from gapscope.triage.annotate import add_highlight

    from .library_data import write_aside

    lv, detail = window.library_view, window.detail
    pid = next(i for i in (lv.model.paper_id(r) for r in range(lv.model.rowCount()))
               if len(window.lib.get_paper(i).abstract or "") > 80)
    assert lv.select_paper(pid) and detail.paper.id == pid and detail.highlights == []
    write_aside(window.lib.path, lambda lib: add_highlight(lib, pid, 0, 60, "yellow", "made in a terminal"))
    window.act_refresh.trigger()
    qtbot.waitUntil(lambda: len(detail.highlights) == 1, timeout=10000)
    assert "made in a terminal" in detail.notes_view.toPlainText()


def test_a_pasted_id_or_address_marks_no_words_of_the_abstract():
    """"https://arxiv.org/abs/2506.00475" found its paper by the id: "abs" and "org" are not search terms
    (they would mark "abstract", "organisation")."""
    from gapscope_desktop.views.paper_html import query_terms

    assert query_terms("https://arxiv.org/abs/2506.00475v2") == []
    assert query_terms("doi.org/10.1145/3292500.3330701 graph") == ["graph"]
    assert query_terms("arXiv: 2506.00475 pooling") == ["pooling"]
    assert query_terms("2506.00475 OR graph") == ["2506", "00475", "graph"]     # refused search: as typed
