"""The related methods and problems a gap's statement names are concepts a reader can place: a bare word
("detecting", "diffusion") is never named, however close it is."""

from __future__ import annotations

import numpy as np


def _concept(cid, kind, phrase, vec, papers):
    from gapscope.concepts.model import Concept

    v = np.asarray(vec, dtype=np.float32)
    return Concept(id=cid, kind=kind, phrase=phrase, synonyms=[], vector=v / np.linalg.norm(v),
                   papers={p: kind for p in papers}, scores={p: 1.0 for p in papers})


def test_a_bare_word_is_no_related_concept_in_the_statement():
    from gapscope.gaps.candidates import statement
    from gapscope.gaps.concept_evidence import EvidenceGatherer, nameable

    method = _concept(1, "method", "YOLOv8", [1, 0, 0], [1, 2, 3])
    problem = _concept(2, "problem", "OOD detection", [0, 1, 0], [10, 11, 12])
    # both problems are as close to "OOD detection" and both have met YOLOv8; only the nameable one may speak
    bare = _concept(3, "problem", "detecting", [0, 1, 0.01], [1, 20])
    named = _concept(4, "problem", "anomaly detection", [0, 1, 0.02], [2, 21])
    assert not nameable(bare) and nameable(named) and nameable(method)
    ev = EvidenceGatherer([method, problem, bare, named], evidence_n=3, paper_vecs=None).gather(method, problem, 0)
    assert [c.phrase for c, _ in ev.near_problems] == ["anomaly detection"]
    s = statement(method, problem, 0, ev.near_methods, ev.near_problems)
    assert "“anomaly detection”" in s and "detecting”" not in s
    assert 2 in ev.bridge and 1 not in ev.bridge     # the bridge paper comes from the named neighbour only
