"""The Library's search box finds a paper by its arXiv id as the table shows it or as pasted (arXiv:,
version, address); an id no paper of the library has lists nothing and says which id."""

from __future__ import annotations


def _search(window, qtbot, text: str) -> list[int]:
    lv = window.library_view
    lv.search.setText(text)
    lv._apply_search()
    qtbot.waitUntil(lambda: not lv.loading, timeout=10000)
    return [lv.model.paper_id(r) for r in range(lv.model.rowCount())]


def test_the_search_box_finds_a_paper_by_its_arxiv_id_and_names_an_id_no_paper_has(window, qtbot):
    paper = next(p for p in window.lib.get_papers(window.lib.list_paper_ids()) if p.arxiv_id)
    for typed in (paper.arxiv_id, f"arXiv:{paper.arxiv_id}v1", f"https://arxiv.org/abs/{paper.arxiv_id}"):
        assert _search(window, qtbot, typed) == [paper.id], typed
    assert _search(window, qtbot, "2506.99999") == []
    assert "No paper in this library has the arXiv id 2506.99999" in window.library_view.filter_label.text()


def test_an_id_left_out_is_not_named_as_why_nothing_was_found(tmp_path):
    """"-2506.99999 graph" finds nothing because no paper says "graph": the empty list must not blame the id
    the search leaves out (no paper has it, and none was asked for)."""
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper
    from gapscope.store import Library
    from gapscope_desktop.views.library_view import Filter, list_ids

    lib = Library(tmp_path / "ids.gapscope")
    try:
        ingest_papers(lib, [Paper(title="Point clouds", abstract="Irregular points.", source="t", source_key="a")],
                      kind="import", source="t", target="test")
        assert list_ids(lib, Filter(query="-2506.99999 graph")).missing == []
        assert list_ids(lib, Filter(query="2506.99999 points")).missing == ["the arXiv id 2506.99999"]
    finally:
        lib.close()
