"""Setup shared by the tests of what a listed gap's ends may be (test_gaps_concept_ends.py,
test_gaps_method_ends.py): concepts read from a few abstracts' sentences, the gaps listed from the
constructed concept graph, and the checks that a refused end is left out of a listing."""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

from tests.core.test_gaps_rank import constructed_graph


def concept_corpus(texts: Mapping[str, Sequence[str]], kind: str, synonyms: Optional[Mapping[str, list]] = None):
    """Concepts of ``kind`` (ids 1, 2 ... in ``texts``' order), each mentioned in its sentences, one paper a
    sentence (ids 100 * concept id + 0, 1 ...): (concepts, text by paper id, the papers of each concept id)."""
    from gapscope.concepts.model import Concept

    by_paper, among, concepts = {}, {}, []
    for k, (phrase, sents) in enumerate(texts.items(), 1):
        ids = [100 * k + i for i in range(len(sents))]
        by_paper.update(zip(ids, sents))
        among[k] = set(ids)
        concepts.append(Concept(k, kind, phrase, (synonyms or {}).get(phrase, []), None, {p: kind for p in ids}))
    return concepts, by_paper, among


def listed_gaps(**options):
    """The constructed concept graph (seed 2) and the gaps listed from it with ``options``:
    (concepts, dates, paper vectors, gaps)."""
    from gapscope.gaps.candidates import concept_gaps

    cs, dates, pv = constructed_graph(seed=2)
    return cs, dates, pv, concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, **options)


def assert_left_out(cs, dates, pv, reading, side: str, end, related, notice: str) -> None:
    """Listed with the mentions ``reading``, no gap has ``end`` or ``related`` at its ``side`` (method or
    problem) end, none names ``related`` as a related concept of that side or in its statement, and a
    notice saying ``notice`` names ``end``."""
    from gapscope.gaps.candidates import concept_gaps

    notices: list = []
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, notices=notices, mentions=reading)
    assert again and all(getattr(g, side).cluster not in (end.id, related.id) for g in again)
    assert all(x["concept"] != related.phrase for g in again for x in g.details[f"predicting_{side}s"])
    assert all(f"\u201c{related.phrase}\u201d" not in g.statement for g in again)
    assert any(notice in n and f"\u201c{end.phrase}\u201d" in n for n in notices), notices
