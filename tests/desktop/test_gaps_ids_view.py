"""The Gaps view names each gap by its id, the number an experiment run's link, `gapscope gaps show N` and
`gapscope runs draft --gap N` use; the table's first column is only the rank by score."""

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
    assert first.text(0) == "1"                                     # the rank
    view.table.setCurrentItem(first)
    assert view.detail.toPlainText().startswith("Gap #272 ")
    view.table.setCurrentItem(view.table.topLevelItem(1))
    assert view.detail.toPlainText().startswith("Gap #31 ")
    assert "rank" in view.table.headerItem().toolTip(0).lower()
