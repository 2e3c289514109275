"""The Gaps view names what a concept gap's acronym ends stand for (concepts/acronyms.py), from the gap's
details: the expansion, how many of the defining papers give it."""

from __future__ import annotations


def test_gaps_view_shows_the_acronym_expansion_of_a_concept_gap(qtbot, library):
    from gapscope_desktop.views.gaps_view import GapsView

    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    var = {"phrase": "VAR", "papers": 9, "defining_papers": 6, "dominant": "visual autoregressive modeling",
           "expansions": [["visual autoregressive modeling", 5], ["vision autoregressive model", 1]], "verdict": "defined"}
    view.show_gaps([{"id": 1, "type": "method_x_problem", "score": 0.9, "evidence": [], "evidence_roles": {},
                     "statement": "Apply \u201cflow matching\u201d to \u201cVAR (visual autoregressive modeling)\u201d: ...",
                     "details": {"level": "concept", "expansions": {"VAR": "visual autoregressive modeling"},
                                 "acronyms": {"VAR": var}}},
                    {"id": 2, "type": "method_x_problem", "score": 0.8, "statement": "Apply C to D.",
                     "evidence": [], "evidence_roles": {}, "details": {"level": "concept"}}])
    text = view.detail.toPlainText()
    assert "VAR (visual autoregressive modeling)" in text
    assert "Acronyms: VAR: visual autoregressive modeling (5 of the 6 papers that define it, 1 other reading)" in text
    view.table.setCurrentItem(view.table.topLevelItem(1))
    assert "Acronyms" not in view.detail.toPlainText()


def test_gaps_view_says_which_neighbours_met_the_problem_and_which_the_method(qtbot, library):
    """"Predicting neighbours" names the related methods applied to the problem apart from the related
    problems the method was applied to: one list of both read as if all were methods."""
    from gapscope_desktop.views.gaps_view import GapsView

    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps([{"id": 1, "type": "method_x_problem", "score": 0.9, "evidence": [], "evidence_roles": {},
                     "statement": "Apply \u201cRAG\u201d to \u201cdialogue state tracking\u201d: ...",
                     "details": {"level": "concept", "method_concept": "RAG",
                                 "problem_concept": "dialogue state tracking",
                                 "predicting_methods": [{"concept": "reinforcement learning", "papers_with_problem": 2}],
                                 "predicting_problems": [{"concept": "machine translation", "papers_with_method": 1}]}}])
    text = view.detail.toPlainText()
    assert ("Methods related to \u201cRAG\u201d have already been applied to \u201cdialogue state tracking\u201d: "
            "reinforcement learning (2 papers).") in text, text
    assert ("\u201cRAG\u201d has been applied to problems related to \u201cdialogue state tracking\u201d: "
            "machine translation (1 paper).") in text, text
