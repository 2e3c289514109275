"""A closest work that may combine a gap's pair in other words (gaps/other_words.py): it names one end, and
the extractor named in it a concept of the other end's kind whose papers read like the other end's
("Short Data, Long Context: Distilling Positional Knowledge" names knowledge distillation, and its problem is
"long-context", a concept apart from "long sequences"). A statement saying "none of them combines the two"
beside it in its own closest-work list names it."""

from __future__ import annotations

import numpy as np

from gapscope.concepts.model import Concept


def _concept(cid, kind, phrase, papers):
    return Concept(id=cid, kind=kind, phrase=phrase, synonyms=[], vector=np.ones(3, np.float32),
                   papers={q: kind for q in papers})


M = _concept(1, "method", "knowledge distillation", [5, 7])
P = _concept(2, "problem", "long sequences", [9])
LONG_CONTEXT = _concept(3, "problem", "long-context", [7])
FAR = _concept(4, "problem", "image quality", [5])
CLOSE_UNNAMED = _concept(6, "problem", "positional encodings", [5])    # its papers close, its name nothing alike
CONTENT = {1: np.array([1.0, 0, 0]), 2: np.array([0, 1.0, 0]), 3: np.array([0, 0.95, 0.312]),
           4: np.array([0, 0.3, 0.954]), 6: np.array([0, 0.96, 0.28])}
WORK = [{"source": "library", "id": 5, "title": "A survey of distillation", "similarity": 0.76, "did_both": False},
        {"source": "library", "id": 7, "title": "Short Data, Long Context", "similarity": 0.73, "did_both": False}]


def _find(work=WORK):
    from gapscope.gaps.other_words import in_other_words

    return in_other_words(work, M, P, ({5, 7}, {9}), {5: [M, FAR, CLOSE_UNNAMED], 7: [M, LONG_CONTEXT]},
                          lambda c: CONTENT[c.id])


def test_a_listed_work_naming_one_end_with_a_concept_close_to_the_other_is_found():
    got = _find()
    assert got is not None and got["id"] == 7 and got["concept"] == "long-context" and got["other"] == "long sequences"
    assert got["named"] == "knowledge distillation"


def test_a_work_about_both_already_or_with_no_close_concept_is_not():
    # its problems: "image quality", far from long sequences; "positional encodings", whose papers are close but
    # whose name shares no word with it (the extractor's concepts of one area are many, few of them other names)
    assert _find([WORK[0]]) is None
    assert _find([{**WORK[1], "did_both": True}]) is None   # counted already ("about both by meaning")


def test_the_statement_names_it_where_it_would_say_none_combines_the_two():
    from gapscope.gaps.candidates import statement

    s = statement(M, P, 0, [], [], other_words=_find())
    assert "yet none of them combines the two" in s
    assert "\u201cShort Data, Long Context\u201d names knowledge distillation with \u201clong-context\u201d, close to long sequences" in s, s
    assert "may combine the two in other words" in s, s
