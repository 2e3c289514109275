"""What a concept gap's statement claims about the work that combines its two ends: it never denies work the
gap's own closest-work check reads as about both (the count agrees with the "about both" list), and an end
is matched under all its names, the acronym written inside a longer phrase and its spelled-out form
included, so a pair the library in fact covers under other names is no gap."""

from __future__ import annotations

from tests.core.test_gaps_closest import _synthetic_source, top_pair_and_params
from tests.core.test_gaps_rank import constructed_graph
from tests.core.test_gaps_reference import _pair


def test_the_statement_counts_the_abstracts_about_both_by_meaning(tmp_path):
    from gapscope.gaps.candidates import concept_gaps
    from gapscope.gaps.closest import ClosestWork, ConceptVectors

    cs, dates, pv, listed, m0, p0, params = top_pair_and_params()
    lib, src = _synthetic_source(tmp_path, cs, m0, p0, n_done=2)      # below the 3 that make it done
    cw = ClosestWork([src], ConceptVectors(pv), params)
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, closest=cw)
    g = next(g for g in again if _pair(g) == (m0.phrase, p0.phrase))
    about = [x for x in g.details["closest_work"] if x["did_both"]]
    assert len(about) == 2 and not any(x["names_both"] for x in about)
    assert "none of them combines the two" not in g.statement
    assert "none of them names the two together" in g.statement
    assert "though 2 abstracts close to the pair are about both by meaning" in g.statement
    assert "\u201cParaphrase" in g.statement                     # one of them named as an example
    lib.close()


def test_the_statement_wording_for_works_about_both():
    from gapscope.concepts.model import Concept
    from gapscope.gaps.candidates import statement

    m = Concept(1, "method", "knowledge graph", [], None, {})
    p = Concept(2, "problem", "CoT prompting", [], None, {})
    assert "none of them combines the two." in statement(m, p, 0, [], [])
    s = statement(m, p, 0, [], [], by_meaning=1, meaning_example="TAG-EQA")
    assert "none of them names the two together, though 1 abstract close to the pair is about both by meaning" in s
    assert "(e.g. \u201cTAG-EQA\u201d)" in s
    s = statement(m, p, 2, [], [], by_meaning=3)
    assert "only 2 abstracts combine them so far, though 3 more abstracts close to the pair are about both" in s


def _defined(phrase, expansion):
    from gapscope.concepts.acronyms import DEFINED, AcronymReading

    return AcronymReading(phrase, 5, 3, ((expansion, 3),), DEFINED, ((1, 2, 3),))


def test_an_acronym_inside_a_longer_phrase_is_one_concept_with_its_spelled_out_forms():
    from gapscope.concepts.model import Concept
    from gapscope.gaps.aliases import acronym_compounds, one_concept_groups

    names = [("CoT", "problem"), ("CoT prompting", "problem"), ("chain-of-thought prompting", "problem"),
             ("Chain-of-Thought CoT prompting", "problem"), ("LLM", "method"), ("LLM reasoning", "problem"),
             ("CoT data", "method"), ("prompting", "problem")]
    cs = [Concept(k, kind, phrase, [], None, {100 * k + i: kind for i in range(k)})
          for k, (phrase, kind) in enumerate(names, 1)]
    readings = {1: _defined("CoT", "chain-of-thought"), 5: _defined("LLM", "large language model")}
    pairs = {frozenset(x) for x in acronym_compounds(cs, readings)}
    assert {frozenset({2, 3}), frozenset({2, 4}), frozenset({2, 1})} <= pairs
    groups = one_concept_groups(cs, readings)
    assert {k for k in groups if groups[k] == groups[2]} == {1, 2, 3, 4}
    # a problem of a model's ("LLM reasoning") is no model, nor is data ("CoT data") chain-of-thought itself
    assert 5 not in groups and 6 not in groups and 7 not in groups and 8 not in groups
    assert acronym_compounds(cs, {}) == []


def test_a_pair_the_abstracts_join_under_an_ends_other_name_is_no_gap():
    from gapscope.gaps.candidates import concept_gaps

    cs, dates, pv = constructed_graph(seed=0)
    mentions = {c.id: frozenset(c.papers) for c in cs.concepts}
    plain = concept_gaps(cs, dates, top=20, min_support=3, paper_vecs=pv, plausible_min=0.0, acronyms={},
                         mentions=mentions)
    by_phrase = {c.phrase: c for c in cs.concepts}
    m, p = by_phrase[plain[0].method.label], by_phrase[plain[0].problem.label]
    # another problem concept no paper names with the method: under its own phrase, "CoT", it is the
    # problem end's acronym ("CoT prompting"), and two abstracts of the method's write it
    q = next(c for c in cs.concepts if c.kind == "problem" and c.id != p.id and not set(c.papers) & set(m.papers))
    p.phrase, q.phrase = "CoT prompting", "CoT"
    mentions[q.id] = frozenset(set(q.papers) | set(sorted(m.papers)[:2]))
    kept = concept_gaps(cs, dates, top=20, min_support=3, paper_vecs=pv, plausible_min=0.0, acronyms={},
                        mentions=mentions)
    assert (m.phrase, "CoT prompting") in [_pair(g) for g in kept]     # without the reading: a gap
    notices: list = []
    again = concept_gaps(cs, dates, top=20, min_support=3, paper_vecs=pv, plausible_min=0.0, mentions=mentions,
                         acronyms={q.id: _defined("CoT", "chain-of-thought")}, notices=notices)
    assert again and (m.phrase, "CoT prompting") not in [_pair(g) for g in again]
    assert any("under other names" in n and "ended no gap" in n for n in notices), notices


# a gap's closest existing work: 7 about both by meaning (listed under "predicting neighbours" too), 8 the
# nearest (listed as a method-side paper too), 9 a reference paper naming both
CLOSEST = [{"source": "library", "id": 7, "arxiv_id": "2501.00007", "title": "About both", "year": 2025,
            "similarity": 0.74, "to_method": 0.7, "to_problem": 0.7, "did_both": True, "names_both": False},
           {"source": "library", "id": 8, "arxiv_id": None, "title": "Only near", "year": 2025,
            "similarity": 0.73, "to_method": 0.6, "to_problem": 0.3, "did_both": False, "names_both": False},
           {"source": "reference", "id": 40, "arxiv_id": "2502.00040", "title": "Names both", "year": 2025,
            "similarity": 0.72, "to_method": 0.7, "to_problem": 0.7, "did_both": True, "names_both": True}]


def test_the_report_lists_the_closest_work_about_both_as_gaps_show_does():
    """The report (and the Gaps view) left out a work about both when it was listed under another role
    (predicting neighbours), where `gaps show` listed it "closest (about both)"; one function picks them now."""
    from gapscope.reports.explain import closest_items

    d = {"closest_work": CLOSEST}
    items = closest_items(d, {7, 8})
    assert [x.title for x in items] == ["About both", "Names both"]
    assert "about both the method and the problem by meaning" in items[0].meta
    from gapscope.gaps.closest import closest_entries

    shown = closest_entries(d, listed={7, 8})
    assert [(x["id"], x["mark"]) for x in shown] == [(7, "about both"), (40, "names both")]
    assert [x["id"] for x in closest_entries(d)] == [7, 8, 40]


def test_gaps_show_and_runs_draft_say_a_gap_is_from_an_earlier_find(library):
    """`gaps show 2` showed a gap of an earlier `gaps find` as if it were current ("1st of 2"); it and
    `runs draft --gap 2` now say it is from an earlier find, when, and where it is listed now."""
    import json

    from click.testing import CliRunner

    from gapscope.cli import main
    from tests.core.test_gap_identity import found_twice

    first, again = found_twice(library)
    lib = ["--library", str(library.path)]
    gone = CliRunner().invoke(main, [*lib, "gaps", "show", str(first[1].id)])
    assert gone.exit_code == 0, gone.output
    head = gone.output.splitlines()[0]
    assert head.startswith(f"NOTE: gap #{first[1].id} is from an earlier `gaps find` (")
    assert "not in the current list" in head and "the current list has no such gap" in head
    moved = json.loads(CliRunner().invoke(main, [*lib, "gaps", "show", str(first[0].id), "--json"]).stdout)
    assert f"listed now as gap #{again[0].id}" in moved["superseded"]
    now = CliRunner().invoke(main, [*lib, "gaps", "show", str(again[1].id)])
    assert "earlier" not in now.output
    draft = CliRunner().invoke(main, [*lib, "runs", "draft", "--gap", str(first[1].id)])
    assert f"note: gap #{first[1].id} is from an earlier `gaps find`" in draft.stderr
    from gapscope.gaps.identity import superseded_note

    assert superseded_note(library, again[0].id) is None and superseded_note(library, 999) is None


def test_a_work_listed_as_having_done_both_is_not_listed_again_as_closest_work():
    """The "both" row already says the paper combined the two: its closest-work entry would repeat it; under
    another role (a neighbour) the about-both entry is still listed."""
    from gapscope.gaps.closest import closest_entries

    d = {"closest_work": [{"source": "library", "id": 7, "title": "Did both", "similarity": 0.8, "did_both": True},
                          {"source": "library", "id": 8, "title": "Neighbour about both", "similarity": 0.7,
                           "did_both": True}]}
    assert [p["id"] for p in closest_entries(d, {7: "both", 8: "neighbour"})] == [8]
    assert [p["id"] for p in closest_entries(d, {7, 8})] == [7, 8]
