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
