"""The Gaps view's "Closest existing work" group: the abstracts nearest a concept pair (gaps/closest.py) beside
the evidence roles, with year, arXiv id and similarity; one of the library opens, one of the reference does not."""

from __future__ import annotations


def test_gaps_view_lists_the_closest_existing_work_beside_the_roles(qtbot, library):
    from gapscope_desktop.views.gaps_view import ROLE_NAMES, GapsView

    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    closest = [{"source": "reference", "id": 7, "arxiv_id": "2506.07652", "title": "FMaMIL: Multi-Instance Learning for "
                "Weakly Supervised Lesion Segmentation", "year": 2025, "similarity": 0.71, "to_method": 0.6,
                "to_problem": 0.58, "did_both": True},
               {"source": "library", "id": 3, "arxiv_id": None, "title": "A nearby paper", "year": 2026,
                "similarity": 0.64, "to_method": 0.5, "to_problem": 0.4, "did_both": False}]
    check = {"established": False, "done": 1, "min_done": 3, "sources": ["reference", "library"]}
    view.show_gaps([{"id": 1, "type": "method_x_problem", "score": 0.9, "statement": "Apply A to B.",
                     "evidence": [], "evidence_roles": {},
                     "details": {"level": "concept", "closest_work": closest, "closest_check": check}},
                    {"id": 2, "type": "method_x_problem", "score": 0.8, "statement": "Apply C to D.",
                     "evidence": [], "evidence_roles": {}, "details": {"level": "concept"}}])
    items = [view.evidence.item(i) for i in range(view.evidence.count())]
    assert [i.text().split(":")[0] for i in items] == [ROLE_NAMES["closest"]] * 2 == ["Closest existing work"] * 2
    assert "2025" in items[0].text() and "arXiv 2506.07652" in items[0].text() and "similarity 0.71" in items[0].text()
    assert "(about both)" in items[0].text() and "(about both)" not in items[1].text()
    assert "not in this library" in items[0].toolTip()
    assert ("Closest existing work in the reference and this library: 1 of the nearest is about both by meaning, "
            "done at 3 (Preferences \u201cGap done at (abstracts about both by meaning)\u201d)") in view.detail.toPlainText()
    opened = []
    view.openPaper.connect(opened.append)
    view._open_evidence(items[0])            # a reference paper: nothing to open here
    view._open_evidence(items[1])            # a library paper opens
    assert opened == [3]
    view.table.setCurrentItem(view.table.topLevelItem(1))
    assert view.evidence.count() == 0 and "Closest existing work" not in view.detail.toPlainText()


def _view_with_paper(qtbot, library, title: str, arxiv_id: str):
    """A Gaps view over ``library`` holding one paper: (the view, the paper's id)."""
    from tests.core.maps_fixtures import insert_papers

    from gapscope_desktop.views.gaps_view import GapsView

    row = {"title": title, "abstract": "We combine A and B.", "published": "2026-01-02", "arxiv_id": arxiv_id,
           "categories": "cs.LG"}
    (pid,) = insert_papers(library, [row])
    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    return view, pid


def test_closest_work_does_not_repeat_a_listed_paper_and_no_empty_sentence_box(qtbot, library):
    view, pid = _view_with_paper(qtbot, library, "Both at once", "2601.00001")
    closest = [{"source": "library", "id": pid, "title": "Both at once", "year": 2026, "similarity": 0.8},
               {"source": "reference", "id": 9, "title": "Elsewhere", "year": 2025, "similarity": 0.7}]
    quote = {"paper_id": pid, "text": "B remains unsolved.", "shortcoming": "open problem"}
    view.show_gaps([{"id": 1, "type": "method_x_problem", "score": 0.9, "statement": "Apply A to B.",
                     "evidence": [pid], "evidence_roles": {str(pid): "both"},
                     "details": {"level": "concept", "closest_work": closest}},
                    {"id": 2, "type": "unaddressed_shortcoming", "score": 0.8, "statement": "B is open.",
                     "evidence": [pid], "evidence_roles": {str(pid): "shortcoming"}, "details": {"quotes": [quote]}}])
    texts = [view.evidence.item(i).text() for i in range(view.evidence.count())]
    assert len(texts) == 2 and texts[0].startswith("Already did both") and "Elsewhere" in texts[1]
    assert view.quotes.isHidden() and view.quotes_label.isHidden()     # no sentence: no empty box
    view.table.setCurrentItem(view.table.topLevelItem(1))
    assert not view.quotes.isHidden() and view.quotes.count() == 1


def test_the_score_says_it_ranks_the_gap_within_its_type(qtbot, library):
    """Scores are standings within a gap's type (gaps/standing.py): the details and the Score column say
    which rank of how many gaps of which type; the column's header says what a score is."""
    from gapscope_desktop.views.gaps_view import GapsView

    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps([{"id": 1, "type": "thin_growing", "score": 0.5, "statement": "A region.", "evidence": [],
                     "evidence_roles": {}, "details": {"rank_in_type": 2, "of_type": 2,
                                                       "score_scale": "standing_in_type", "raw_score": 0.1945}}])
    view.table.setCurrentItem(view.table.topLevelItem(0))
    assert "score 0.500 (2nd of 2 thin, growing gaps)" in view.detail.toPlainText()
    assert view.table.topLevelItem(0).toolTip(3).startswith("2nd of 2 thin, growing gaps.")
    assert "of its own kind" in view.table.headerItem().toolTip(3)       # the report's words (vocabulary.SCORE_MEANING)
    assert "not a probability" in view.table.headerItem().toolTip(3)


def test_closest_work_about_both_is_listed_though_listed_under_another_role(qtbot, library):
    """A work about both listed as a predicting neighbour too was left out of the closest work, where
    `gaps show` and the report list it "about both" (gaps/closest.closest_entries for all three)."""
    view, pid = _view_with_paper(qtbot, library, "Both by meaning", "2601.00002")
    closest = [{"source": "library", "id": pid, "title": "Both by meaning", "year": 2026, "similarity": 0.8,
                "did_both": True}]
    view.show_gaps([{"id": 1, "type": "method_x_problem", "score": 0.9, "statement": "Apply A to B.",
                     "evidence": [pid], "evidence_roles": {str(pid): "neighbour"},
                     "details": {"level": "concept", "closest_work": closest}}])
    texts = [view.evidence.item(i).text() for i in range(view.evidence.count())]
    assert len(texts) == 2 and texts[1].startswith("Closest existing work") and "(about both)" in texts[1]
