"""A library analysed step by step lacks some maps: `gaps find` says which gap types it could not look for, why,
and the commands that allow them (gaps/needs.py), instead of listing none of them without a word; between concepts
an unaddressed shortcoming needs no map at all."""

from __future__ import annotations

import json

import pytest

from .maps_fixtures import cs_rows, mapped_library  # noqa: F401 (cs_rows is a fixture)
from .test_gaps_shortcoming_concepts import DATES, N, _library


@pytest.fixture(scope="module")
def no_shortcoming_map(tmp_path_factory, cs_rows):
    """500 papers with topic, method and result maps (stand-in vectors), no shortcoming map, no concepts."""
    lib, data, _ = mapped_library(tmp_path_factory.mktemp("stepwise") / "lib.sqlite", cs_rows[:500],
                                  ("topic", "method", "result"))
    yield lib, data
    lib.close()


@pytest.fixture
def cli(no_shortcoming_map, monkeypatch):
    """The CLI over that library, its vector loader replaced by the stand-in vectors."""
    from click.testing import CliRunner

    import gapscope.gaps.find as find_mod
    from gapscope.cli import main

    lib, data = no_shortcoming_map
    monkeypatch.setattr(find_mod, "load_vectors", lambda _lib, kind, *a, **kw: data[
        "topic" if kind == "abstract" else kind][:2])
    return lambda *a: CliRunner().invoke(main, ["--library", str(lib.path), *a])


def test_gaps_find_says_unaddressed_shortcomings_were_not_looked_for_and_how_to_allow_them(cli):
    r = cli("gaps", "find", "-q")
    assert r.exit_code == 0, r.output
    assert "warning: no 'unaddressed shortcoming' gaps were looked for: the library has no shortcoming map" in r.output
    assert "`gapscope map --facet shortcoming`, then `gapscope gaps find`" in r.output
    assert "'method x problem' gaps were looked for" not in r.output       # its maps are there

    r = cli("gaps", "find", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert any(g["type"] == "method_x_problem" for g in out["gaps"])
    assert [s["type"] for s in out["skipped"]] == ["unaddressed_shortcoming"]
    skip = out["skipped"][0]
    assert "no shortcoming map" in skip["reason"]
    assert skip["commands"][-2:] == ["gapscope map --facet shortcoming", "gapscope gaps find"]


def test_gaps_list_repeats_what_the_saved_find_did_not_look_for(cli):
    assert cli("gaps", "find", "-q").exit_code == 0
    r = cli("gaps", "list", "--limit", "1")
    assert r.exit_code == 0, r.output
    assert "no 'unaddressed shortcoming' gaps were looked for" in r.output
    r = cli("gaps", "list", "--type", "unaddressed_shortcoming")
    assert "no 'unaddressed shortcoming' gaps were looked for" in r.output
    r = cli("gaps", "list", "--type", "thin_growing")
    assert "were looked for" not in r.output


class _Mentions(dict):
    """concept mentions with the papers naming each in their title or aim (shortcoming_concepts.py's in_aim)."""


def test_concept_level_shortcomings_need_no_shortcoming_map():
    """Between concepts the shortcoming map only listed the papers to read: with the papers holding shortcoming
    vectors in its place (``stating_ids``), the same gaps come without it."""
    from gapscope.gaps.find import detect_all

    concepts, sentences, in_aim = _library()
    mentions = _Mentions()
    mentions.in_aim = in_aim
    ids = list(range(1, N + 1))
    found = detect_all({}, DATES, concepts=concepts, shortcomings=lambda pids: {p: sentences[p] for p in pids
                                                                                 if p in sentences},
                       method_vecs=(ids, None), stating_ids=sorted(sentences), mentions=mentions, notices=[])
    assert [g.problem.label for g in found if g.type == "unaddressed_shortcoming"] == ["catastrophic forgetting"]


def test_what_is_not_looked_for_follows_the_inputs(no_shortcoming_map):
    """The types and the steps named for each shape of inputs (no vectors stored in this library: embed first)."""
    from gapscope.gaps.needs import not_looked_for, skipped_text

    library = no_shortcoming_map[0]
    full = dict(maps={"topic", "method", "result", "shortcoming"}, problem_facet="result", method=True,
                stating=True, topic=True)
    assert not_looked_for(library, concept_level=False, **full) == []
    assert not_looked_for(library, concept_level=True, **{**full, "maps": {"topic"}}) == []
    # between concepts, only the shortcoming and method vectors
    [s] = not_looked_for(library, concept_level=True, **{**full, "maps": {"topic"}, "stating": False})
    assert s["type"] == "unaddressed_shortcoming" and s["reason"] == "no shortcoming vectors"
    assert s["commands"] == ["gapscope facets", "gapscope embed", "gapscope gaps find"]
    # without concepts, the maps whose clusters it reads; a topic map for the regions
    kinds = {s["type"]: s for s in not_looked_for(library, concept_level=False, **{**full, "maps": {"shortcoming"}})}
    assert set(kinds) == {"method_x_problem", "thin_growing"}
    assert "gapscope map --facet method --facet result" in kinds["method_x_problem"]["commands"]
    assert "gapscope map --facet topic" in kinds["thin_growing"]["commands"]
    assert skipped_text(kinds["thin_growing"]).startswith("no 'thin and growing' gaps were looked for: the library "
                                                          "has no topic map (its clusters are the regions): run `")


def test_analyze_notes_the_gap_types_its_find_did_not_look_for(library):
    """`analyze --facet topic` builds no shortcoming map: its report says which types were not looked for."""
    from gapscope.analyze import AnalysisReport, _note_skipped
    from gapscope.gaps.needs import skipped_entry

    out = AnalysisReport()
    _note_skipped(library, out)
    assert out.notes == []
    library.set_setting("gaps.skipped", [skipped_entry("unaddressed_shortcoming", "the library has no shortcoming map",
                                                       ["gapscope map --facet shortcoming"])])
    _note_skipped(library, out)
    assert out.notes == ["no 'unaddressed shortcoming' gaps were looked for: the library has no shortcoming map: run "
                         "`gapscope map --facet shortcoming`, then `gapscope gaps find`"]
