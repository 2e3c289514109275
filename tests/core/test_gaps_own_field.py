"""The library's own field ends no gap: "NLP" in a library of cs.CL papers is the whole library, which the
generic rule (spread over the library's topics) misses when the library is one field (concepts/fields.py)."""

from __future__ import annotations


def test_the_fields_are_the_categories_holding_a_quarter_of_the_papers():
    from gapscope.concepts.fields import library_fields

    assert library_fields({"cs.CL": 300}, 300) == ["cs.CL"]
    # the 74,566-paper cs file: vision and language are its fields, cs.AI (16%) is not
    assert library_fields({"cs.AI": 16, "cs.CL": 28, "cs.CV": 47, "cs.IT": 2}, 100) == ["cs.CV", "cs.CL"]
    assert library_fields({"cs.CL": 10}, 100) == []            # most papers without a category (BibTeX, Scholar)
    assert library_fields({}, 0) == []


def test_a_concept_naming_the_field_under_any_of_its_names():
    from gapscope.concepts.fields import field_names, names_field

    cl = field_names(["cs.CL"])
    for forms in (["NLP"], ["natural language processing"], ["Natural-Language Processing"], ["NLP tasks"],
                  ["computational linguistics"], ["language processing", "natural language processing"]):
        assert names_field(forms, cl), forms
    # a part of the field, or another field, is a concept
    for forms in (["clinical NLP"], ["natural language"], ["computer vision"], ["NLP models"], ["tasks"]):
        assert not names_field(forms, cl), forms
    assert names_field(["computer vision"], field_names(["cs.CV"]))
    assert not names_field(["NLP"], field_names([]))


def test_a_concept_naming_the_field_ends_no_gap_and_is_named_as_no_related_concept(monkeypatch):
    """On the constructed graph, the problem end of the first gap made the name of the library's field: no gap
    names it, at either end or as a related problem, and a notice says why."""
    from gapscope.concepts import fields
    from gapscope.gaps.candidates import concept_gaps
    from tests.core.gap_ends_helpers import listed_gaps

    cs, dates, pv, plain = listed_gaps()
    p = cs.by_id()[plain[0].problem.cluster]
    assert any(g.problem.cluster == p.id for g in plain)
    monkeypatch.setitem(fields.FIELD_NAMES, "cs.XX", (p.phrase,))
    notices: list = []
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, notices=notices, fields=["cs.XX"])
    assert again and all(p.id not in (g.method.cluster, g.problem.cluster) for g in again)
    assert all(x["concept"] != p.phrase for g in again for x in g.details["predicting_problems"])
    assert any("library's own field (cs.XX" in n and f"\u201c{p.phrase}\u201d" in n for n in notices), notices
    # a library whose fields have no name for it lists it as before
    same = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, fields=["cs.CV"])
    assert [(g.method.cluster, g.problem.cluster) for g in same] == [(g.method.cluster, g.problem.cluster) for g in plain]


def test_the_sample_library_is_one_field_and_its_nlp_concepts_name_it(library):
    """The shipped sample: all its papers are cs.CL, so "NLP" and "natural language processing" (both concepts
    of its analysis) are its field."""
    from gapscope.concepts.fields import field_names, library_fields, names_field
    from gapscope.sample import SAMPLE_CATEGORY, build_sample_library

    build_sample_library(library)
    fields = library_fields(library.primary_category_counts(), library.count_papers())
    assert fields == [SAMPLE_CATEGORY] == ["cs.CL"]
    names = field_names(fields)
    assert names_field(["NLP"], names) and names_field(["natural language processing"], names)
    assert not names_field(["clinical NLP"], names)


def test_a_short_field_name_counts_only_in_the_fields_sense():
    """"CV" is cross-validation to the papers of a cs.CV library that define it so, "ML" maximum likelihood:
    the acronym names that, not the field, and the concept stays; "CV" its papers define as computer vision, or
    that none defines, names the field."""
    import numpy as np

    from gapscope.concepts.acronyms import DEFINED, AcronymReading
    from gapscope.concepts.fields import field_names, names_field
    from gapscope.concepts.model import Concept, ConceptSet
    from gapscope.gaps.candidates import own_field_ids

    cv, ml = field_names(["cs.CV"]), field_names(["cs.LG"])
    assert not names_field(["CV"], cv, ["cross-validation"]) and not names_field(["cross-validation", "cv"], cv,
                                                                                   ["cross-validation"])
    assert not names_field(["ML"], ml, ["maximum likelihood"])
    assert names_field(["CV"], cv, ["computer vision"]) and names_field(["CV"], cv) and names_field(["CV tasks"], cv)
    assert names_field(["ML"], ml, ["ML models"])          # no other sense spelt: the field

    def concept(cid, phrase, synonyms=()):
        return Concept(cid, "problem", phrase, list(synonyms), np.zeros(4, np.float32), {cid: "problem"})

    cs = ConceptSet([concept(1, "CV"), concept(2, "CV"), concept(3, "CV"), concept(4, "cross-validation", ["cv"]),
                        concept(5, "computer vision", ["cv"])])
    readings = {1: AcronymReading("CV", 9, 4, (("cross-validation", 4),), DEFINED, ((1, 2, 3, 4),)),
                2: AcronymReading("CV", 9, 4, (("computer vision", 4),), DEFINED, ((1, 2, 3, 4),))}
    assert own_field_ids(cs, ["cs.CV"], readings) == {2, 3, 5}
    assert own_field_ids(cs, ["cs.CV"]) == {1, 2, 3, 5}
