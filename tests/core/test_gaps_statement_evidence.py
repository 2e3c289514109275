"""A gap's statement agrees with its own evidence: a method x problem pair that some abstracts already
combine (named by the extractor, mentioned together in the text, or named together in an abstract another
source holds) says "only N abstracts combine them so far (e.g. “Title”)", never "none of them combines the
two", and lists them as the papers that already did both; an abstract only about both by meaning combines
nothing."""

from __future__ import annotations

import re

import pytest

from tests.core.test_gaps_closest import _synthetic_source, top_pair_and_params
from tests.core.test_gaps_rank import constructed_graph


def _pair(g):
    return g.details["method_concept"], g.details["problem_concept"]


def _consistent(g):
    n = g.details["combined_by"]["count"]
    if n == 0:      # none names both; those about both by meaning only are said apart (candidates.meaning_clause)
        return "yet none of them combines the two" in g.statement or (
            "yet none of them names the two together, though" in g.statement and "about both by meaning" in g.statement)
    said = re.search(r"yet only (one|\d+) abstracts? combines? them so far", g.statement)
    return said is not None and said.group(1) == ("one" if n == 1 else str(n)) and "none combines" not in g.statement


def test_a_pair_one_abstract_mentions_says_so_and_names_it():
    from gapscope.gaps.candidates import concept_gaps

    cs, dates, pv = constructed_graph(seed=2)
    listed = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv)
    assert listed and all(_consistent(g) for g in listed)
    g = listed[0]
    m, p = _pair(g)
    assert "yet none of them combines the two" in g.statement
    q = sorted(dates)[0]
    texts = {x: (f"{m} and {p}." if x == q else "nothing") for x in dates}
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, texts=texts,
                         titles=lambda ids: {int(i): f"Title {int(i)}" for i in ids})
    assert all(_consistent(x) for x in again)
    same = [x for x in again if _pair(x) == (m, p)]
    assert same, [_pair(x) for x in again]
    s = same[0]
    assert f"yet only one abstract combines them so far (e.g. \u201cTitle {q}\u201d)" in s.statement, s.statement
    assert s.roles[q] == "both" and s.details["combined_by"] == {"count": 1, "papers": [q]}
    # listed by the ranker's score, as before: the statement says what was done, the reader judges
    assert s.details["raw_score"] == g.details["raw_score"] and s.score == pytest.approx(g.score)
    assert [x.score for x in again] == sorted((x.score for x in again), reverse=True)


def test_only_abstracts_that_name_both_concepts_combine_a_pair_not_those_about_both_by_meaning(tmp_path):
    """The closest-work check reads abstracts "about both" by meaning (one named, the other close: a
    human-object interaction paper next to "human-AI collaboration"); enough of them make a pair established,
    but an abstract that names neither concept is no evidence that it combined them: the statement says none
    names the two together and counts them apart, as about both by meaning (it never denies them), and they are
    closest existing work, not papers that already did both. The same abstracts naming both concepts combine
    the pair."""
    from gapscope.gaps.candidates import concept_gaps
    from gapscope.gaps.closest import ClosestWork, ConceptVectors

    cs, dates, pv, _listed, m0, p0, params = top_pair_and_params()

    def listed_with(**kw):
        lib, src = _synthetic_source(tmp_path, cs, m0, p0, n_done=2, **kw)      # two about both: below the count
        try:
            again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0,
                                 closest=ClosestWork([src], ConceptVectors(pv), params))
        finally:
            lib.close()
        assert all(_consistent(g) for g in again)
        return next(x for x in again if _pair(x) == (m0.phrase, p0.phrase))

    g = listed_with()
    assert g.details["closest_check"]["done"] == 2 and g.details["combined_by"]["count"] == 0
    assert "yet none of them names the two together, though 2 abstracts close to the pair are about both by " \
           "meaning" in g.statement, g.statement
    about = [x for x in g.details["closest_work"] if x["did_both"]]
    assert len(about) == 2 and not any(x["names_both"] for x in about)
    assert "both" not in g.roles.values()
    # the same abstracts naming both concepts: both combine the pair, and the statement says where they are
    g = listed_with(abstract=f"We apply {m0.phrase} to {p0.phrase}, in words of our own.")
    assert g.details["combined_by"]["count"] == 2
    assert all(x["names_both"] for x in g.details["closest_work"] if x["did_both"])
    assert re.search(r"yet only 2 abstracts combine them so far \(all in the reference corpus; "
                     r"e\.g\. \u201cParaphrase [01]\u201d\)", g.statement), g.statement


def test_the_statement_says_where_the_abstracts_that_combine_the_pair_are():
    """After "N papers in the library mention X", "only 4 abstracts combine them" read as the library's, and a
    search of the library found one: the statement says how many are the reference corpus's."""
    from types import SimpleNamespace

    from gapscope.gaps.candidates import statement

    m = SimpleNamespace(phrase="preference optimization", n_papers=40)
    p = SimpleNamespace(phrase="credit assignment", n_papers=16)
    s = statement(m, p, 4, [], [], example="OSPO", in_library=1)
    assert "yet only 4 abstracts combine them so far (1 in the library, 3 in the reference corpus; e.g. “OSPO”)" in s
    assert "(in the reference corpus; e.g. “OSPO”)" in statement(m, p, 1, [], [], example="OSPO", in_library=0)
    assert "so far (e.g. “OSPO”)." in statement(m, p, 2, [], [], example="OSPO", in_library=2)
    assert "so far (e.g. “OSPO”)." in statement(m, p, 2, [], [], example="OSPO")      # where unknown: as before


def test_the_notice_names_the_check_that_left_pairs_out_not_an_unset_reference():
    from types import SimpleNamespace

    from gapscope.gaps.concept_evidence import EstablishedCheck

    closest = SimpleNamespace(sources=[SimpleNamespace(name="library")], checked=24,
                              params=SimpleNamespace(min_done=5))
    ec = EstablishedCheck(None, closest, {}, top=50)
    ec.left_out["dense"] = 1
    notes = ec.notices(kept=15, pool=23)
    last = notes[-1]
    assert "reference corpus" not in " ".join(notes), notes
    assert last.startswith("only 15 concept gaps among the best 23 candidates are not established practice")
    assert "1 by the closest-work check (abstracts of this library about both)" in last, last
    # with a reference set, each check is named with its own count
    ref = SimpleNamespace(path="ref.gapscope", n_papers=1000, checked=30, min_co_mentions=3)
    ec2 = EstablishedCheck(ref, closest, {}, top=50)
    ec2.left_out.update(phrase=2, dense=1)
    last = ec2.notices(kept=15, pool=23)[-1]
    assert "2 by the reference corpus" in last and "1 by the closest-work check" in last, last


def _shortcoming_map(members: dict[int, list[int]], dim: int = 8):
    """A shortcoming map of clusters along the first axes, each member at 0.9 of its centroid."""
    import numpy as np

    from gapscope.maps.model import Cluster, Map

    eye = np.eye(dim, dtype=np.float32)
    clusters = [Cluster(id=c, label=f"shortcoming {c}", keywords=[], representative=f"Example {c}.",
                        size=len(ps), stability=0.9, sizes_by_year={}, centroid=eye[c]) for c, ps in members.items()]
    assignments = {p: c for c, ps in members.items() for p in ps}
    return Map(facet="shortcoming", params={}, scope={}, clusters=clusters, assignments=assignments, coords={},
               sims={p: 0.9 for p in assignments})


def test_a_later_paper_stating_the_shortcoming_and_proposing_a_method_addresses_it():
    """Two later papers state shortcoming 0 ("LVLMs still suffer from object hallucination") and propose a
    method whose sentences read far from the shortcoming's centroid: they address it, are listed as such
    (not as stating it), and the statement says "only 2 ... address it"; a later paper stating only its own
    limitation does not address it."""
    import numpy as np

    from gapscope.gaps.detect import unaddressed_shortcoming

    early = "2025-01-{:02d}"
    members = {c: list(range(10 * c + 1, 10 * c + 7)) for c in range(4)}
    members[0] += [100, 101, 102]                        # later papers that state shortcoming 0
    dates = {p: early.format(1 + p % 28) for c in members for p in members[c] if p < 100}
    dates.update({100: "2025-05-02", 101: "2025-05-03", 102: "2025-05-04"})
    eye = np.eye(8, dtype=np.float32)
    ids, vecs = [100, 101, 102], [eye[7], eye[7], eye[7]]       # their method sentences: far from every centroid
    for c in (1, 2, 3):                                  # the other shortcomings: three later close methods each
        for k in range(3):
            ids.append(200 + 10 * c + k)
            vecs.append(eye[c])
            dates[ids[-1]] = "2025-06-01"
    for k in range(20):                                  # later methods about something else
        ids.append(400 + k)
        vecs.append(eye[6])
        dates[ids[-1]] = "2025-06-02"
    sm = _shortcoming_map(members)
    sm.sims.update({100: 0.99, 101: 0.99, 102: 0.99})   # the nearest members: first to be quoted as stating it
    found = {g.problem.cluster: g for g in unaddressed_shortcoming(sm, np.array(ids), np.stack(vecs), dates,
                                                                   own_only={102})}
    g = found[0]
    assert g.details["close_later_methods"] == 2 and g.details["stating_later_methods"] == 2
    assert "yet only 2 of the 32 papers listed after" in g.statement and " address it " in g.statement, g.statement
    assert g.roles[100] == g.roles[101] == "addresses"
    assert g.roles.get(102) == "shortcoming"             # its own limitation: it states it, does not address it
    assert all(r != "shortcoming" or p not in (100, 101) for p, r in g.roles.items())
    # a shortcoming no later paper addresses says none
    members[0] = members[0][:6]
    quiet = {x.problem.cluster: x for x in unaddressed_shortcoming(_shortcoming_map(members), np.array(ids[3:]),
                                                                   np.stack(vecs[3:]), dates)}
    assert quiet[0].details["close_later_methods"] == 0 and "yet none of the 29 papers" in quiet[0].statement


def _defined(phrase, expansion):
    from gapscope.concepts.acronyms import DEFINED, AcronymReading

    return AcronymReading(phrase, 5, 3, ((expansion, 3),), DEFINED, ((1, 2, 3),))


def test_an_acronym_and_its_expansion_are_one_concept_in_the_gap_list():
    from collections import Counter

    from gapscope.concepts.acronyms import same_concepts
    from gapscope.gaps.candidates import concept_gaps

    cs, dates, pv = constructed_graph(seed=0)
    plain = concept_gaps(cs, dates, top=20, min_support=3, paper_vecs=pv, plausible_min=0.0, acronyms={})
    by_phrase = {c.phrase: c for c in cs.concepts}
    leads = Counter(x for g in plain for x in _pair(g))
    # the idea one concept leads two gaps with, written also as another concept's phrase
    a = next(x for x, n in leads.items() if n == 2)
    b = next(x for x, n in leads.items() if n >= 1 and x != a and (a, x) not in map(_pair, plain)
             and (x, a) not in map(_pair, plain))
    ca, cb = by_phrase[a], by_phrase[b]
    ca.phrase, cb.phrase = "SFT", "Supervised Fine-Tunings"        # case and plural aside, its expansion
    readings = {ca.id: _defined("SFT", "supervised fine-tuning")}
    assert same_concepts(cs.concepts, readings) == {ca.id: max((ca, cb), key=lambda c: (c.n_papers, c is ca)).id,
                                                    cb.id: max((ca, cb), key=lambda c: (c.n_papers, c is ca)).id}
    assert same_concepts(cs.concepts, {}) == {}
    again = concept_gaps(cs, dates, top=20, min_support=3, paper_vecs=pv, plausible_min=0.0, acronyms=readings)
    assert again
    # one idea leads at most two gaps, under either name
    assert sum(1 for g in again for x in _pair(g) if x in ("SFT", "Supervised Fine-Tunings")) <= 2
    # and is never paired with itself: a listed pair's ends made an acronym and its expansion
    m, p = next(_pair(g) for g in plain if not {a, b} & set(_pair(g)))
    cm, cp = by_phrase[m], by_phrase[p]
    cm.phrase, cp.phrase = "LoRA", "low-rank adaptation"
    assert ("LoRA", "low-rank adaptation") in [
        _pair(g) for g in concept_gaps(cs, dates, top=20, min_support=3, paper_vecs=pv, plausible_min=0.0,
                                       acronyms=readings)]
    readings[cm.id] = _defined("LoRA", "low-rank adaptation")
    third = concept_gaps(cs, dates, top=20, min_support=3, paper_vecs=pv, plausible_min=0.0, acronyms=readings)
    assert third and ("LoRA", "low-rank adaptation") not in [_pair(g) for g in third]


def test_a_shortcoming_on_an_unstable_cluster_says_so_and_ranks_lower():
    import numpy as np

    from gapscope.gaps.detect import SHORTCOMING_WEAK_BELOW, UNSTABLE_FACTOR, unaddressed_shortcoming
    from gapscope.maps.cluster import UNSTABLE_BELOW

    members = {c: list(range(10 * c + 1, 10 * c + 7)) for c in range(4)}
    dates = {p: "2025-01-{:02d}".format(1 + p % 28) for c in members for p in members[c]}
    eye = np.eye(8, dtype=np.float32)
    ids, vecs = [], []
    for k in range(24):        # later methods: four close to shortcoming 1, four to 2, one to 3, none to 0
        ids.append(300 + k)
        vecs.append(eye[1] if k < 4 else eye[2] if k < 8 else eye[3] if k == 8 else eye[6])
        dates[ids[-1]] = "2025-06-01"
    sm = _shortcoming_map(members)
    steady = {g.problem.cluster: g for g in unaddressed_shortcoming(sm, np.array(ids), np.stack(vecs), dates)}
    sm.clusters[0].stability = 0.2
    shaky = {g.problem.cluster: g for g in unaddressed_shortcoming(sm, np.array(ids), np.stack(vecs), dates)}
    assert SHORTCOMING_WEAK_BELOW < 0.2 < UNSTABLE_BELOW
    assert "\u201cshortcoming 0\u201d (unstable cluster: stability 0.20)" in shaky[0].statement, shaky[0].statement
    assert "unstable cluster" not in steady[0].statement and "unstable cluster" not in shaky[3].statement
    assert shaky[0].details["unstable"] and shaky[0].details["stability"] == 0.2 and not shaky[3].details["unstable"]
    assert shaky[0].score == pytest.approx(UNSTABLE_FACTOR * steady[0].score)
    assert shaky[3].score == pytest.approx(steady[3].score)
    # a shortcoming addressed as often as the typical one or more is no gap
    assert set(shaky) == {0, 3} and all(g.details["rate"] < g.details["typical_rate"] for g in shaky.values())
    # a cluster this weak ("datasets, training", 4 papers, stability 0.05) states no one shortcoming: no gap
    sm.clusters[0].stability = 0.05
    notices: list = []
    weak = {g.problem.cluster for g in unaddressed_shortcoming(sm, np.array(ids), np.stack(vecs), dates,
                                                               notices=notices)}
    assert 0 not in weak and 3 in weak
    assert any("too unstable" in n and "\u201cshortcoming 0\u201d (0.05)" in n for n in notices), notices


def test_an_input_modality_is_no_problem_end():
    """"RGB" written as what papers take in ("RGB images", "from RGB", "RGB cameras") far more than as a
    problem is data, not a problem: no gap's problem end; a field named as both ("remote sensing
    images" / "for remote sensing") stays."""
    from gapscope.concepts.model import Concept
    from gapscope.concepts.pair_rules import ConceptMentions, inputs
    from gapscope.concepts.roles import input_papers
    from gapscope.gaps.candidates import concept_gaps

    texts = {1: "Depth from RGB images with a transformer.", 2: "We fuse RGB frames and LiDAR scans.",
             3: "Given RGB input, we predict poses.", 4: "Monocular RGB cameras on drones.",
             5: "RGB and thermal fusion for tracking.", 6: "A survey of RGB.",
             11: "Remote sensing images of crops.", 12: "Foundation models for remote sensing.",
             13: "Remote sensing data at scale.", 14: "Challenges for remote sensing.", 15: "Remote sensing, surveyed."}
    rgb = Concept(1, "problem", "RGB", [], None, {p: "problem" for p in range(1, 7)})
    rs = Concept(2, "problem", "remote sensing", [], None, {p: "problem" for p in range(11, 16)})
    among = {1: set(range(1, 7)), 2: set(range(11, 16))}
    as_input = input_papers(texts, {1: ["RGB"], 2: ["remote sensing"]}, among)
    assert as_input == {1: {1, 2, 3, 4}, 2: {11, 13}}
    as_task = {1: frozenset(), 2: frozenset({12, 14})}
    assert inputs([rgb, rs], {k: frozenset(v) for k, v in among.items()}, as_input, as_task).tolist() == [True, False]

    # the listing: the top pair's problem end made an input modality is no longer an end
    cs, dates, pv = constructed_graph(seed=2)
    plain = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv)
    p = cs.by_id()[plain[0].problem.cluster]
    men = {c.id: frozenset(c.papers) for c in cs.concepts}
    some = sorted(p.papers)[: len(p.papers) // 2]
    notices: list = []
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, notices=notices,
                         mentions=ConceptMentions(men, as_task={}, as_input={p.id: frozenset(some)}))
    assert again and all(g.problem.cluster != p.id for g in again)
    assert any("write as an input" in n and f"\u201c{p.phrase}\u201d" in n for n in notices), notices


def test_every_reference_abstract_naming_both_is_counted_not_only_those_listed():
    """A large reference corpus lists a few of the abstracts that name both concepts (its examples) while
    more of them, still below the count that makes the pair established, name both: the statement counts
    them all."""
    from types import SimpleNamespace

    from gapscope.gaps.candidates import combined_by

    ev = SimpleNamespace(method=SimpleNamespace(id=1), problem=SimpleNamespace(id=2), both=[])
    listed = [{"id": 10 + k, "title": f"Ref {k}", "year": 2025, "arxiv_id": f"2501.0000{k}"} for k in range(5)]
    ref = {"co_mentions": 12, "min_co_mentions": 20, "established": False, "papers": listed}
    got = combined_by(ev, None, None, ref=ref)
    assert got["count"] == 12 and got["papers"] == [] and got["example"] == "Ref 0"
    # one of the listed is the library's: counted once, as the library's
    listed[0]["library_id"] = 7
    assert combined_by(ev, None, None, ref=ref) == {"count": 12, "papers": [7], "example": "Ref 0", "example_apart": False}


def test_a_reference_abstract_the_library_holds_counts_as_the_librarys_only_when_it_names_the_two_as_phrases():
    """With the library's members known, a reference abstract the library holds (its copy not among the papers
    the members say name both) is the library's combining work only when one of its sentences names the two
    as phrases ("together"), not when the mention index found their words near each other."""
    from types import SimpleNamespace

    from gapscope.gaps.candidates import combined_by

    ev = SimpleNamespace(method=SimpleNamespace(id=1), problem=SimpleNamespace(id=2), both=[])
    paper = {"id": 10, "title": "Ours", "year": 2026, "arxiv_id": "2601.00001", "library_id": 7, "together": True}
    ref = {"co_mentions": 1, "min_co_mentions": 3, "established": False, "papers": [paper]}
    members = ({3}, {5})                     # no library paper the members find names both
    assert combined_by(ev, None, None, members=members, ref=ref)["papers"] == [7]
    paper["together"] = False
    assert combined_by(ev, None, None, members=members, ref=ref)["papers"] == []


def test_two_old_style_arxiv_papers_are_two_works():
    """One paper across sources is its arXiv id without its version; an old-style id's archive may hold a
    "v" ("solv-int", "math.CV") and names no version."""
    from gapscope.gaps.closest import work_key

    assert work_key({"arxiv_id": "2501.01234v2"}, "reference", 1) == work_key({"arxiv_id": "2501.01234"}, "library", 9)
    assert work_key({"arxiv_id": "math.CV/0301001"}, "reference", 1) != work_key({"arxiv_id": "math.CV/0302002"},
                                                                                  "reference", 2)
    assert work_key({"arxiv_id": "solv-int/9901001"}, "reference", 1) == "arxiv:solv-int/9901001"


def _statement_count(g) -> int:
    if "yet none of them combines the two" in g.statement:
        return 0
    said = re.search(r"yet only (one|\d+) abstracts? combines? them so far", g.statement).group(1)
    return 1 if said == "one" else int(said)


def _line_counts(line: str) -> tuple[int, int, int]:
    """(naming both, more about both by meaning only, about both of the nearest) as the closest line says them."""
    def num(pattern):
        x = re.search(pattern, line).group(1)
        return 0 if x == "no" else int(x)

    return (num(r"(no|\d+) abstracts? names? both concepts"),
            num(r"(no|\d+)(?: more| other) (?:is|are) about both by meaning"),
            num(r"(\d+) of the nearest (?:is|are) about both"))


def test_the_closest_line_counts_as_the_statement_and_labels_the_reading_by_meaning(tmp_path):
    """A gap said "only one abstract combines them" and then "closest existing work: 2 abstracts about both"
    (or 0): two counts of one thing. Now the closest line repeats the statement's count as the abstracts
    naming both, and says apart how many more the check reads as about both by meaning only: a library
    abstract naming both that the check finds far in meaning (0 about both), and two paraphrases naming
    neither (2 more)."""
    from gapscope.gaps.candidates import concept_gaps
    from gapscope.gaps.closest import ClosestWork, ConceptVectors, closest_line

    cs, dates, pv, _listed, m0, p0, params = top_pair_and_params()
    q = sorted(dates)[0]
    texts = {x: (f"{m0.phrase} and {p0.phrase}." if x == q else "nothing") for x in dates}

    def listed_with(n_done):
        lib, src = _synthetic_source(tmp_path, cs, m0, p0, n_done=n_done)
        try:
            again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, texts=texts,
                                 closest=ClosestWork([src], ConceptVectors(pv), params))
        finally:
            lib.close()
        return next(x for x in again if _pair(x) == (m0.phrase, p0.phrase))

    for n_done, more in ((0, 0), (2, 2)):
        g = listed_with(n_done)
        line = closest_line(g.details)
        named, extra, near = _line_counts(line)
        assert named == _statement_count(g) == g.details["combined_by"]["count"] == 1, (g.statement, line)
        assert extra == more and near == g.details["closest_check"]["done"], line
        # the count behind "done" is named by its setting, as Preferences labels it
        assert "done at 3 (Preferences \u201cGap done at (abstracts about both by meaning)\u201d)" in line, line


def test_an_abstract_whose_words_only_come_near_each_other_combines_nothing():
    """The mention index matches a concept's words near each other in any order ("MRI-to-CT synthesis and
    sparse-view CT" for "view synthesis"): such an abstract names no "view synthesis" a search of the
    library finds, and the statement must not count it as combining the pair, whichever check saw it."""
    from types import SimpleNamespace

    from gapscope.gaps.candidates import combined_by

    ev = SimpleNamespace(method=SimpleNamespace(id=1), problem=SimpleNamespace(id=2), both=[])
    near = {1: frozenset({8, 9}), 2: frozenset({8, 9})}          # words near each other: 8 and 9
    named = ({8, 9, 11}, {9, 12})                                 # named as phrases (the counts' papers): only 9
    cw = {"named_both": [{"source": "library", "id": 8, "title": "Drifting, words near"},
                         {"source": "library", "id": 9, "title": "Names both"}]}
    got = combined_by(ev, cw, near, members=named)
    assert got["papers"] == [9] and got["count"] == 1 and got["example"] == "Names both", got
    # without the phrase reading (no members), the mentions still count, as before
    assert combined_by(ev, None, near)["papers"] == [8, 9]


class _OneLibraryWork:
    """A closest-work check that finds one library work about both by meaning whose words for both ends the
    mention index matches (names_both), while a search for the two phrases finds only one end in it."""

    def __init__(self, m, p, work: int):
        from types import SimpleNamespace

        self.m, self.p, self.work = m, p, work
        self.checked, self.params, self.sources = 0, SimpleNamespace(min_done=3), [SimpleNamespace(name="library")]

    def check(self, m, p):
        self.checked += 1
        if (m.id, p.id) != (self.m.id, self.p.id):
            return {"established": False, "done": 0, "min_done": 3, "done_library": [], "done_elsewhere": 0,
                    "sources": ["library"], "named_both": [], "done_unnamed": [], "closest_work": []}
        w = {"source": "library", "id": self.work}
        return {"established": False, "done": 1, "min_done": 3, "done_library": [self.work], "done_elsewhere": 0,
                "sources": ["library"], "named_both": [{**w, "arxiv_id": None, "title": "Words near", "year": 2026}],
                "done_unnamed": [], "closest_work": [{**w, "arxiv_id": None, "title": "Words near", "year": 2026,
                                                      "similarity": 0.8, "did_both": True, "names_both": True}]}


def test_a_work_about_both_whose_naming_both_is_not_counted_is_said_about_both_by_meaning():
    """The check marks a library work "names both" from the mention index (words near each other); the gap
    counts it as combining nothing (no phrase search finds both in it) and lists it as "about both". The
    statement and the closest line must then count it as about both by meaning, not say none is."""
    from gapscope.gaps.candidates import concept_gaps
    from gapscope.gaps.closest import closest_entries, closest_line

    cs, dates, pv, _listed, m0, p0, _params = top_pair_and_params()
    work = min(set(m0.papers) - set(p0.papers))
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0,
                         closest=_OneLibraryWork(m0, p0, work))
    g = next(x for x in again if _pair(x) == (m0.phrase, p0.phrase))
    assert g.details["combined_by"]["count"] == 0
    assert [e["mark"] for e in closest_entries(g.details)] == ["about both"]
    assert "yet none of them names the two together, though 1 abstract close to the pair is about both by meaning " \
           "(e.g. \u201cWords near\u201d)" in g.statement, g.statement
    assert _line_counts(closest_line(g.details))[:2] == (0, 1), closest_line(g.details)
