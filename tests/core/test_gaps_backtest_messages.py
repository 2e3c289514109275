"""What the concept backtest tells a researcher about its own footing: the span on each side of a date
it refuses, and scores that rest on too few filled pairs to compare the rankers."""

from __future__ import annotations

import pytest

from tests.core.test_gaps_rank import constructed_graph


@pytest.mark.parametrize("before, said", [
    ("2027-04-01", "468 days before 2027-04-01 and 0 after"),     # past the last paper: the whole span before
    ("2024-01-01", "0 days before 2024-01-01 and 468 after"),     # before the first: the whole span after
    ("2025-04-01", "12 days before 2025-04-01 and 456 after"),
])
def test_a_refused_date_counts_only_the_days_that_hold_papers(before, said):
    from gapscope.gaps.span import SpanTooShort, require_backtest_span

    dates = {1: "2025-03-20", 2: "2025-09-01", 3: "2026-07-01"}
    with pytest.raises(SpanTooShort) as exc:
        require_backtest_span(dates, before)
    assert "span 2025-03-20 .. 2026-07-01 (468 days)" in str(exc.value)
    assert said in str(exc.value), str(exc.value)


def test_scores_on_a_few_filled_pairs_come_with_a_warning():
    from gapscope.commands.maps import side_by_side
    from gapscope.gaps.concept_backtest import MIN_FILLED_FOR_SCORES, backtest_concepts_at, few_filled_warning

    assert few_filled_warning(MIN_FILLED_FOR_SCORES, 500) is None
    one = few_filled_warning(1, 27)
    assert one.startswith("only 1 of the 27 candidate pairs was filled after the date") and "means little" in one
    cs, dates, pv = constructed_graph(seed=7)
    enough = backtest_concepts_at(cs, dates, "2025-09-01", min_support=3, paper_vecs=pv, m=1)
    assert enough["filled_candidates"] >= MIN_FILLED_FOR_SCORES and enough["warning"] is None
    assert "warning" not in side_by_side([enough])
    none = backtest_concepts_at(cs, dates, "2025-09-01", min_support=3, paper_vecs=pv, m=3)
    assert none["filled_candidates"] == 0
    assert none["warning"].startswith(f"none of the {none['candidates']} candidate pairs was filled")
    assert f"  warning: {none['warning']}" in side_by_side([none]).splitlines()
