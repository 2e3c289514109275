"""Gap scores of different types are different quantities (a link-prediction estimate, growth times
thinness, a rate of later methods): one list may not compare them raw, nor each divided by its type's best
(a weak type's tail then outranks a strong type's middle by accident of its spread). A gap's score is its
standing among the gaps of its own type found in the same run, and the list, the JSON and the CLI say so."""

from __future__ import annotations

import json

import pytest


def _gaps(type_: str, raws):
    from gapscope.gaps.model import Gap

    return [Gap(type=type_, score=r, statement=f"{type_} {i}", method=None, problem=None, evidence=[],
                details={"raw_score": r}) for i, r in enumerate(raws)]


# raw scores as `gaps find` gave them on the 10,653-paper library (method x problem 0.377 ... 0.1725, thin and
# growing 0.428 ... 0.1945)
MXP = [0.377, 0.30, 0.25, 0.21, 0.1725]
THIN = [0.428, 0.1945]


def test_a_score_is_the_gaps_standing_among_its_own_type():
    from gapscope.gaps.standing import rank_gaps

    ranked = rank_gaps([_gaps("method_x_problem", MXP), _gaps("thin_growing", THIN)])
    by = {g.statement: g for g in ranked}
    # the 5th of 5 method x problem gaps and the 2nd of 2 thin, growing ones are each the last of their type
    assert by["method_x_problem 4"].details["rank_in_type"] == 5 and by["method_x_problem 4"].details["of_type"] == 5
    assert by["thin_growing 1"].details["rank_in_type"] == 2 and by["thin_growing 1"].details["of_type"] == 2
    assert by["method_x_problem 4"].score == pytest.approx(1 / 5) and by["thin_growing 1"].score == pytest.approx(1 / 2)
    assert by["method_x_problem 0"].score == by["thin_growing 0"].score == 1.0
    # the list: by standing, a tie by rank within the type; every type's best first
    assert [g.score for g in ranked] == sorted((g.score for g in ranked), reverse=True)
    assert {g.type for g in ranked[:2]} == {"method_x_problem", "thin_growing"}
    # the raw score is kept, and how the score was made is said with each gap
    assert all(g.details["score_scale"] == "standing_in_type" for g in ranked)
    assert by["thin_growing 1"].details["raw_score"] == 0.1945


def test_the_order_does_not_depend_on_how_a_type_spreads_its_raw_scores():
    """Dividing by the best keeps a type's spread: squaring one type's raw scores (same order within it)
    moved its gaps against the other type's. A standing in the type does not move."""
    from gapscope.gaps.standing import rank_gaps

    def order(thin):
        return [(g.type, g.statement) for g in rank_gaps([_gaps("method_x_problem", MXP), _gaps("thin_growing", thin)])]

    assert order(THIN) == order([r * r for r in THIN]) == order([r ** 0.25 for r in THIN])


def test_gaps_list_says_the_rank_in_type_and_json_carries_it(library):
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.gaps.standing import rank_gaps
    from gapscope.gaps.store import save_gaps

    save_gaps(library, rank_gaps([_gaps("method_x_problem", MXP), _gaps("thin_growing", THIN)]))
    run = lambda *a: CliRunner().invoke(main, ["--library", str(library.path), "gaps", "list", *a])  # noqa: E731
    r = run()
    assert r.exit_code == 0, r.output
    assert "score 0.500 (2nd of 2 thin, growing gaps)" in r.output, r.output
    assert "score 0.200 (5th of 5 method x problem gaps)" in r.output, r.output
    listed = json.loads(run("--json").output)
    last_thin = next(g for g in listed if g["statement"] == "thin_growing 1")
    assert (last_thin["rank_in_type"], last_thin["of_type"], last_thin["score_scale"]) == (2, 2, "standing_in_type")
