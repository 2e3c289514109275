"""The plausibility floor of a concept gap (concepts/pair_rules.py, rule 5): a pair whose two concepts sit in
different neighbourhoods of the field is no gap, one in the same neighbourhood that nobody has joined stays;
the floor is the ``gaps_plausible_min`` setting and `gaps find` / `gaps show` say why a pair passed. Also the
``gaps_established_min`` setting of the reference check."""

from __future__ import annotations

import numpy as np
import pytest

from tests.core.test_gaps_rank import constructed_graph


def _group(cs, idx):
    """The topic group of each concept (constructed_graph: concept i belongs to group i % 4)."""
    return np.array([(cs.concepts[int(i)].id - 1) % 4 for i in idx])


def test_closeness_ranks_are_shares_of_the_other_concepts_further_away():
    from gapscope.concepts.pair_rules import closeness_ranks

    sim = np.array([[0.9, 0.5, 0.1],
                    [0.2, 0.6, 0.3]])
    rows, cols = closeness_ranks(sim)
    # row 0: problem 0 is closer to method 0 than both other problems, problem 2 than none
    assert rows[0].tolist() == [1.0, 0.5, 0.0]
    # column 0: method 0 is closer to problem 0 than the other method
    assert cols[:, 0].tolist() == [1.0, 0.0] and cols[:, 2].tolist() == [0.0, 1.0]


def test_a_pair_from_another_neighbourhood_is_dropped_and_one_from_the_same_kept():
    from gapscope.gaps.linkpred import candidates, pair_block

    cs, dates, pv = constructed_graph(seed=7)
    before = "2025-12-01"
    off = pair_block(cs, dates, before, min_support=3, paper_vecs=pv)
    on = pair_block(cs, dates, before, min_support=3, paper_vecs=pv, plausible_min=0.75)
    assert off.plausible_min == 0.0 and on.plausible_min == 0.75
    same = _group(cs, on.m_idx)[:, None] == _group(cs, on.p_idx)[None, :]
    was, now = candidates(off, 10**6), candidates(on, 10**6)
    # across the four groups (a method of one, a problem of another: "MRI" x "remote sensing") the pairs
    # fall under the floor; within one group ("point clouds" x "scene graph") they pass
    assert was[~same].sum() > 0 and now[~same].sum() < 0.2 * was[~same].sum()
    assert now[same].sum() >= 0.9 * was[same].sum()
    assert (on.plausibility[same] > on.plausibility[~same].max() - 0.3).mean() > 0.9
    # the floor only removes: every candidate left was one before
    assert not (now & ~was).any()


def test_the_floor_reads_only_papers_before_the_date():
    from gapscope.gaps.linkpred import pair_block
    from tests.core.test_gaps_rank import _without_after

    cs, dates, pv = constructed_graph(seed=8)
    before = "2025-09-01"
    full = pair_block(cs, dates, before, min_support=3, paper_vecs=pv, plausible_min=0.75)
    cs2, dates2, pv2 = _without_after(cs, dates, pv, before)
    cut = pair_block(cs2, dates2, before, min_support=3, paper_vecs=pv2, plausible_min=0.75)
    np.testing.assert_allclose(full.plausibility, cut.plausibility)


def test_gaps_carry_their_plausibility_and_shared_neighbours_and_the_setting_sets_the_floor(monkeypatch):
    from gapscope.gaps.candidates import concept_gaps, plausibility_line

    cs, dates, pv = constructed_graph(seed=2)
    off = concept_gaps(cs, dates, top=20, min_support=3, paper_vecs=pv, plausible_min=0.0)
    on = concept_gaps(cs, dates, top=20, min_support=3, paper_vecs=pv, plausible_min=0.75)
    low = [g for g in off if g.details["plausibility"]["plausibility"] < 0.75]
    assert low, "the constructed graph has implausible gaps when no floor is set"
    pairs_on = {(g.method.cluster, g.problem.cluster) for g in on}
    assert not pairs_on & {(g.method.cluster, g.problem.cluster) for g in low}
    for g in on:
        pl = g.details["plausibility"]
        assert pl["plausibility"] >= pl["floor"] == 0.75
        assert pl["plausibility"] == min(pl["problem_closer_than"], pl["method_closer_than"])
        names = pl["shared_neighbours"]
        assert len(names) == 3 and g.method.label not in names and g.problem.label not in names
        line = plausibility_line(pl, g.method.label, g.problem.label)
        assert line.startswith("plausible (") and "shared neighbours: " + ", ".join(names) in line
    # the same gaps through find's path, the floor from the setting
    from gapscope import settings

    monkeypatch.setenv("GAPSCOPE_GAPS_PLAUSIBLE_MIN", "0")
    assert settings.get("gaps_plausible_min") == 0.0
    monkeypatch.setenv("GAPSCOPE_GAPS_PLAUSIBLE_MIN", "1.5")
    with pytest.raises(settings.SettingError, match="GAPSCOPE_GAPS_PLAUSIBLE_MIN.*0 to 1"):
        settings.get("gaps_plausible_min")
    monkeypatch.delenv("GAPSCOPE_GAPS_PLAUSIBLE_MIN")
    assert settings.get("gaps_plausible_min") == 0.75


def test_the_library_settings_set_the_floor_and_the_established_count(library, tmp_path):
    from gapscope.gaps.find import _reference
    from gapscope.settings import SettingError, get
    from tests.core.test_gaps_reference import FILLER, make_reference

    ref_path = str(make_reference(tmp_path / "ref.gapscope", FILLER))
    ref, opened = _reference(library, ref_path)
    assert opened and ref.min_co_mentions == 3 and get("gaps_plausible_min", library) == 0.75
    ref.close()
    library.set_setting("gaps.plausible_min", "0.5")
    library.set_setting("gaps.established_min", "5")
    ref, _ = _reference(library, ref_path)
    assert ref.min_co_mentions == 5 and get("gaps_plausible_min", library) == 0.5
    ref.close()
    library.set_setting("gaps.established_min", "0")
    with pytest.raises(SettingError, match="gaps.established_min"):
        _reference(library, ref_path)


def test_the_backtest_ranks_the_pairs_above_the_floor_first_over_the_candidates_every_method_ranks():
    """The floor is GapScope's ranking, not the candidate set: the baselines rank the same candidates with
    the floor on or off, and GapScope's pairs above the floor come before all others."""
    from gapscope.gaps.concept_backtest import above_floor_first, backtest_concepts_at

    score = np.array([0.9, 0.1, 0.5, np.nan])
    above = np.array([False, True, True, False])
    ordered = above_floor_first(score, above)
    assert np.argsort(-ordered[:3]).tolist() == [2, 1, 0] and np.isnan(ordered[3])

    cs, dates, pv = constructed_graph(seed=7)
    off = backtest_concepts_at(cs, dates, "2025-09-01", min_support=3, paper_vecs=pv, plausible_min=0.0)
    on = backtest_concepts_at(cs, dates, "2025-09-01", min_support=3, paper_vecs=pv, plausible_min=0.75)
    assert on["candidates"] == off["candidates"] and on["baselines"] == off["baselines"]
    assert on["floor"]["candidates_above"] < off["floor"]["candidates_above"] == off["candidates"]
    assert on["floor"]["ranker_without_floor"] == off["floor"]["ranker_without_floor"]
