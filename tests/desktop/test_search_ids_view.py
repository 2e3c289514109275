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
