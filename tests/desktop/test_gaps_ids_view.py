"""The Gaps view names each gap by its id, the number an experiment run's link, `gapscope gaps show N` and
`gapscope runs draft --gap N` use, in its details and in the table's first column (the rows are in score
order; a row's tooltip gives its rank): the column showed the rank 1..54 beside ids 105..158."""

from __future__ import annotations


def test_gap_details_name_the_gap_id_runs_link_to_not_its_rank(qtbot, library):
    from gapscope_desktop.views.gaps_view import GapsView

    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps([{"id": 272, "type": "method_x_problem", "score": 0.9, "statement": "Apply A to B.",
                     "evidence": [], "evidence_roles": {}, "details": {"level": "concept"}},
                    {"id": 31, "type": "method_x_problem", "score": 0.5, "statement": "Apply C to D.",
                     "evidence": [], "evidence_roles": {}, "details": {"level": "concept"}}])
    first = view.table.topLevelItem(0)
    assert first.text(0) == "272"                                   # the id, not the rank
    assert "1 of 2 by score" in first.toolTip(0)
    view.table.setCurrentItem(first)
    assert view.detail.toPlainText().startswith("Gap #272 ")
    view.table.setCurrentItem(view.table.topLevelItem(1))
    assert view.detail.toPlainText().startswith("Gap #31 ")
    assert view.table.topLevelItem(1).text(0) == "31"
    assert "gapscope gaps show N" in view.table.headerItem().toolTip(0)
