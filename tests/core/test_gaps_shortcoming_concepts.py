"""Unaddressed shortcomings named by one problem concept (gaps/shortcoming_concepts.py), on a constructed
library: papers, dates, shortcoming sentences and concepts made here."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from gapscope.concepts.model import Concept, ConceptSet

N = 200
DATES = {p: (date(2025, 1, 1) + timedelta(days=p)).isoformat() for p in range(1, N + 1)}


def _sentence(text: str) -> dict:
    return {"text": text, "shortcoming": "prior", "confidence": 0.99, "role": "background", "corrected": False}


def _concept(cid: int, phrase: str, papers) -> Concept:
    v = np.zeros(4, np.float32)
    v[cid % 4] = 1.0
    return Concept(id=cid, kind="problem", phrase=phrase, synonyms=[], vector=v,
                   papers={p: "problem" for p in papers})


def _library():
    """(concepts, sentences, in-aim papers): "catastrophic forgetting" stated by 20 early papers and taken on by
    one later; three problems stated by 10 and taken on by 15 later each; "vision encoders" stated by 8 of the
    100 papers naming it; "rely heavily" stated by 12 and taken on by none."""
    sentences: dict[int, list] = {}

    def state(papers, text):
        for p in papers:
            sentences.setdefault(p, []).append(_sentence(text))

    state(range(1, 21), "However, sequential fine-tuning still suffers from catastrophic forgetting of old tasks.")
    state(range(21, 31), "Models degrade badly under domain shift between sites.")
    state(range(31, 41), "Label noise in crowd annotations remains a serious obstacle.")
    state(range(41, 51), "Class imbalance hurts rare categories in existing detectors.")
    state(range(51, 59), "Large vision encoders are expensive to run on phones.")
    state(range(59, 71), "Current models rely heavily on spurious cues.")
    # noise: sentences naming nothing, and one naming a concept too unsure to quote
    state(range(71, 80), "Existing approaches fall short in many ways.")
    sentences[150] = [{**_sentence("Catastrophic forgetting is rarely measured."), "confidence": 0.6}]
    concepts = ConceptSet([
        _concept(1, "catastrophic forgetting", range(1, 21)),
        _concept(2, "domain shift", range(21, 31)),
        _concept(3, "label noise", range(31, 41)),
        _concept(4, "class imbalance", range(41, 51)),
        _concept(5, "vision encoders", list(range(51, 59)) + list(range(100, 192))),
        _concept(6, "rely heavily", range(59, 71)),
    ], batch=1)
    in_aim = {1: frozenset({150}), 2: frozenset(range(120, 135)), 3: frozenset(range(135, 150)),
              4: frozenset(range(150, 165)), 5: frozenset(range(100, 192)), 6: frozenset()}
    return concepts, sentences, in_aim


def test_an_unaddressed_shortcoming_is_one_concept_and_every_quote_names_it():
    from gapscope.gaps.shortcoming_concepts import unaddressed_concepts

    concepts, sentences, in_aim = _library()
    found = unaddressed_concepts(concepts, sentences, DATES, set(range(1, N + 1)), in_aim=in_aim)
    assert [g.problem.label for g in found] == ["catastrophic forgetting"]
    g = found[0]
    assert g.statement.startswith("20 papers state \u201ccatastrophic forgetting\u201d as a shortcoming")
    assert g.details["level"] == "concept" and g.details["stated_by"] == 20
    assert g.details["quotes"] and all("catastrophic forgetting" in q["text"] for q in g.details["quotes"])
    assert "fall short in many ways" not in g.statement and "rarely measured" not in g.statement
    assert {p for p, r in g.roles.items() if r == "shortcoming"} <= set(range(1, 21))


def test_a_concept_mostly_named_not_as_a_shortcoming_or_a_piece_of_the_sentence_ends_no_gap():
    """"vision encoders" is the subject of a complaint in 8 of the 100 papers naming it; "rely heavily" is words
    of the stating sentence: neither names a shortcoming, however few later papers take them on."""
    from gapscope.gaps.shortcoming_concepts import shortcoming_concept, unaddressed_concepts

    concepts, sentences, in_aim = _library()
    in_aim[5] = frozenset()          # taken on by none: still no gap, it names no shortcoming
    found = unaddressed_concepts(concepts, sentences, DATES, set(range(1, N + 1)), in_aim=in_aim)
    assert "vision encoders" not in {g.problem.label for g in found}
    assert not shortcoming_concept(concepts.concepts[5]) and shortcoming_concept(concepts.concepts[0])


def test_the_same_stating_papers_make_one_gap():
    """A second concept stated in the same sentences ("sequential fine-tuning") repeats the first: one gap."""
    from gapscope.gaps.shortcoming_concepts import unaddressed_concepts

    concepts, sentences, in_aim = _library()
    concepts.concepts.append(_concept(7, "sequential fine-tuning", range(1, 21)))
    found = unaddressed_concepts(concepts, sentences, DATES, set(range(1, N + 1)), in_aim=in_aim)
    assert len(found) == 1


def test_too_short_a_span_still_says_so():
    import pytest

    from gapscope.gaps.shortcoming_concepts import unaddressed_concepts
    from gapscope.gaps.span import SpanTooShort

    concepts, sentences, in_aim = _library()
    one_day = {p: "2025-03-01" for p in DATES}
    with pytest.raises(SpanTooShort):
        unaddressed_concepts(concepts, sentences, one_day, set(range(1, N + 1)), in_aim=in_aim)


def test_the_report_says_what_taking_on_a_concept_means():
    """A report's "why" of a concept-level shortcoming counts papers naming it, not methods close to a cluster."""
    from gapscope.gaps.shortcoming_concepts import unaddressed_concepts
    from gapscope.reports.explain import why_lines

    concepts, sentences, in_aim = _library()
    g = unaddressed_concepts(concepts, sentences, DATES, set(range(1, N + 1)), in_aim=in_aim)[0]
    text = " ".join(why_lines(g.type, 1.0, g.details, None, g.problem.label))
    n = g.details["close_later_methods"]
    assert f"{n} take{'s' if n == 1 else ''} it on (name it in their title or aim and propose a method)" in text, text
    assert "describe a method close to it" not in text


def test_a_problem_taken_on_nearly_as_often_as_the_typical_one_is_not_few():
    """"catastrophic forgetting" taken on by 13 later papers per 20 stating ones (0.65 against 0.80 typical)
    is no gap: under three quarters of the typical rate is "few"; a notice names it."""
    from gapscope.gaps.shortcoming_concepts import unaddressed_concepts

    concepts, sentences, in_aim = _library()
    in_aim[1] = frozenset(range(150, 163))      # 13 per 20 (stating it again counts for nothing)
    in_aim[2] = in_aim[3] = in_aim[4] = frozenset(range(185, 193))      # 8 per 10
    notices: list = []
    found = unaddressed_concepts(concepts, sentences, DATES, set(range(1, N + 1)), in_aim=in_aim, notices=notices)
    assert found == []
    assert any("\u201ccatastrophic forgetting\u201d" in n and "not under 75%" in n for n in notices), notices


def test_a_noun_ending_in_ly_may_name_a_shortcoming_an_adverb_may_not():
    """"anomaly detection" and "supply chain" are things that fall short; "rely heavily" is words of the
    stating sentence (an adverb, as concepts.quality reads one)."""
    from gapscope.gaps.shortcoming_concepts import shortcoming_concept

    assert shortcoming_concept(_concept(11, "anomaly detection", range(1, 6)))
    assert shortcoming_concept(_concept(12, "supply chain", range(1, 6)))
    assert not shortcoming_concept(_concept(13, "heavily engineered features", range(1, 6)))


def test_a_sentence_denying_the_concept_does_not_state_it():
    """Papers 1-8 of "catastrophic forgetting" write that their problem stems *not* from it: they deny it is the
    shortcoming, so only the 12 others state it, and no quote is a denial."""
    from gapscope.gaps.shortcoming_concepts import unaddressed_concepts

    concepts, sentences, in_aim = _library()
    denial = "The failure stems not from catastrophic forgetting but from a poor choice of learning rate."
    for p in range(1, 9):
        sentences[p] = [_sentence(denial)]
    g = unaddressed_concepts(concepts, sentences, DATES, set(range(1, N + 1)), in_aim=in_aim)[0]
    assert g.problem.label == "catastrophic forgetting" and g.details["stated_by"] == 12
    assert all(q["text"] != denial for q in g.details["quotes"]) and denial not in g.statement
    assert not {p for p, r in g.roles.items() if r == "shortcoming"} & set(range(1, 9))


def _works_on_typical(concepts, in_aim, texts):
    """Work sentences for the typical problems (domain shift, label noise, class imbalance): 8 later papers and 2
    earlier ones address each; and 2 earlier papers address catastrophic forgetting (a problem, no complaint)."""
    texts[2] = texts[3] = "Overcoming catastrophic forgetting with replay."
    for c in concepts.concepts[1:4]:
        texts.update({p: f"We propose a method for {c.phrase}." for p in sorted(in_aim[c.id])[:8]})
        texts.update({p: f"Towards {c.phrase}." for p in sorted(c.papers)[:2]})
    return {c.id: frozenset(c.papers) | frozenset(p for p, t in texts.items() if c.phrase in str(t).lower())
            for c in concepts.concepts}


def test_a_later_paper_stating_the_shortcoming_again_does_not_take_it_on():
    """The later papers stating "catastrophic forgetting" (12 to 20) only restate it in their background: they do
    not take it on (on the 10,653-paper library 10 of the 11 papers "taking on" high-resource languages only stated
    it again). Paper 18 states it too, and its own method sentence overcomes it: it alone takes it on, listed as
    addressing it, never as stating it, and not quoted; the statement says it is among the stating papers."""
    from gapscope.gaps.shortcoming_concepts import unaddressed_concepts

    concepts, sentences, in_aim = _library()
    taker = 18
    texts: dict = {p: [{"text": "We fine-tune the model on each new task.", "shortcoming": "none"}]
                   for p in range(1, 21)}
    texts[taker] = [{"text": "We overcome catastrophic forgetting with a rehearsal-free adapter.",
                     "shortcoming": "none"}]
    mentions = _works_on_typical(concepts, in_aim, texts)
    found = unaddressed_concepts(concepts, sentences, DATES, set(range(1, N + 1)), mentions=mentions,
                                 works_on=lambda ids: {p: texts[p] for p in ids if p in texts}, evidence_n=20)
    g = next(g for g in found if g.problem.label == "catastrophic forgetting")
    assert g.details["close_later_methods"] == 1, g.statement
    assert {p for p, r in g.roles.items() if r == "addresses"} == {taker}
    assert {p for p, r in g.roles.items() if r == "shortcoming"} == set(range(1, 21)) - {taker}
    assert taker not in {q["paper_id"] for q in g.details["quotes"]}
    assert "only 1 of the" in g.statement and "propose a method; it is among the 20 stating it)" in g.statement, \
        g.statement


def test_a_work_sentence_restating_the_shortcoming_does_not_address_it():
    """A sentence in a paper's objective or method role addresses the concept only as the paper's own work: one
    flagged as prior work's shortcoming with no word of the paper's own voice restates it; one naming the concept
    only as where others' work went ("unlike benchmarks focused on X") works on no X."""
    import re

    from gapscope.gaps.takes_on import addresses

    forgetting = re.compile(r"(?<!\w)(catastrophic forgetting)(?!\w)", re.I)
    assert not addresses({"text": "Existing continual learners fail to prevent catastrophic forgetting.",
                          "shortcoming": "prior"}, forgetting)
    assert addresses({"text": "To prevent catastrophic forgetting, we propose a rehearsal-free adapter.",
                      "shortcoming": "prior"}, forgetting)
    assert addresses({"text": "The adapter is trained to limit catastrophic forgetting.", "shortcoming": "none"},
                     forgetting)
    high = re.compile(r"(?<!\w)(high-resource languages)(?!\w)", re.I)
    assert not addresses({"text": "Unlike benchmarks that predominantly focus on high-resource languages, we build "
                                  "a Thai document benchmark.", "shortcoming": "none"}, high)


def test_a_work_sentence_focusing_its_own_work_on_the_concept_addresses_it():
    """"We focus on X", "this paper focuses on X", "a benchmark tailored to X": the favouring words say where the
    paper's own work goes, which is taking X on; only where others' work went ("existing benchmarks focus on X,
    ...", "we observe that existing methods focus on X") names no X worked on."""
    import re

    from gapscope.gaps.takes_on import addresses

    forgetting = re.compile(r"(?<!\w)(catastrophic forgetting)(?!\w)", re.I)
    low = re.compile(r"(?<!\w)(low-resource languages)(?!\w)", re.I)
    for text, rx in [("In this work, we focus on catastrophic forgetting in class-incremental learning.", forgetting),
                     ("This paper focuses on catastrophic forgetting in continual pre-training.", forgetting),
                     ("We present a tokenizer tailored to low-resource languages.", low),
                     ("We introduce a benchmark focused on low-resource languages.", low),
                     ("We present the most comprehensive benchmark focused on low-resource languages.", low)]:
        assert addresses({"text": text, "shortcoming": "none"}, rx), text
    for text, rx in [("Existing benchmarks focus on low-resource languages; we study code generation.", low),
                     ("We observe that existing methods focus on catastrophic forgetting and neglect plasticity.",
                      forgetting),
                     ("We find that most methods focus on low-resource languages.", low)]:
        assert not addresses({"text": text, "shortcoming": "none"}, rx), text


def test_later_papers_working_on_a_problem_concept_count_as_taking_it_on():
    """The in-aim reading holds method concepts only: read through it, a problem concept ("catastrophic
    forgetting") had no later paper naming it in its title or aim, only its later stating papers took it on
    (9 of 20), where 14 more later method papers address it in their objective or method sentences
    (``works_on``). Counted from those texts (14 of 20 against the typical 4 of 10), there is no shortfall:
    no gap; and where the count is still few, the statement says what it counted."""
    from gapscope.gaps.shortcoming_concepts import unaddressed_concepts

    concepts, sentences, in_aim = _library()
    del in_aim[1]          # as `gaps find` gives it: no entry for a problem concept
    texts = {p: "We propose a rehearsal-free method against catastrophic forgetting." for p in range(170, 184)}
    for c in concepts.concepts[1:4]:    # the typical problem: 4 later papers working on it per 10 stating
        in_aim[c.id] = frozenset(sorted(in_aim[c.id])[:4])
        texts.update({p: f"A method for {c.phrase}." for p in in_aim[c.id]})
    # the mentions: the papers naming each concept anywhere in their title or abstract
    mentions = {c.id: frozenset(c.papers) | in_aim.get(c.id, frozenset()) for c in concepts.concepts}
    mentions[1] = frozenset(concepts.concepts[0].papers) | frozenset(range(170, 184)) | {190}
    texts[190] = "A survey of continual learning."          # names it in no title, objective or method: not counted
    # earlier papers work on each: a problem, no complaint
    texts[2] = texts[3] = "Overcoming catastrophic forgetting with replay."
    for c in concepts.concepts[1:4]:
        texts.update({p: f"Towards {c.phrase}." for p in sorted(c.papers)[:2]})

    def works_on(ids):
        return {p: texts[p] for p in ids if p in texts}

    found = unaddressed_concepts(concepts, sentences, DATES, set(range(1, N + 1)), in_aim=in_aim,
                                 mentions=mentions, works_on=works_on)
    assert all(g.problem.label != "catastrophic forgetting" for g in found), [g.statement for g in found]
    for p in range(170, 183):
        del texts[p]        # one later paper works on it: 1 of 20 (stating it again is no taking it on), few
    g = next(g for g in unaddressed_concepts(concepts, sentences, DATES, set(range(1, N + 1)), in_aim=in_aim,
                                             mentions=mentions, works_on=works_on)
             if g.problem.label == "catastrophic forgetting")
    assert g.details["close_later_methods"] == 1, g.statement
    assert "address it in their title or their own objective or method sentences" in g.statement, g.statement


def test_a_stated_phrase_no_paper_ever_works_on_is_no_unaddressed_problem():
    """Counted by what papers work on, a complaint no paper names in its title, objective or method sentences
    ("label noise" here, as "major bottleneck" on the 10,653-paper library) is taken on only by its later
    stating papers: it looks unaddressed, but it is no problem a paper can take on by name. A stated problem
    that earlier papers worked on ("catastrophic forgetting": papers 2 and 3) and later ones take on little
    is the gap; a notice names the others."""
    from gapscope.gaps.shortcoming_concepts import unaddressed_concepts

    concepts, sentences, in_aim = _library()
    texts = {2: "Overcoming catastrophic forgetting with replay.", 3: "Catastrophic forgetting, revisited."}
    for c in concepts.concepts[1:4]:
        if c.phrase != "label noise":      # domain shift and class imbalance: worked on before and after
            texts.update({p: f"A method for {c.phrase}." for p in sorted(in_aim[c.id])[:8]})
            texts.update({p: f"Towards {c.phrase}." for p in sorted(c.papers)[:2]})
    mentions = {c.id: frozenset(c.papers) | frozenset(p for p, t in texts.items() if c.phrase in t)
                for c in concepts.concepts}
    notices: list = []
    found = unaddressed_concepts(concepts, sentences, DATES, set(range(1, N + 1)), mentions=mentions,
                                 works_on=lambda ids: {p: texts[p] for p in ids if p in texts}, notices=notices)
    assert [g.problem.label for g in found] == ["catastrophic forgetting"], [g.statement for g in found]
    assert any("\u201clabel noise\u201d" in n and "is a complaint" in n for n in notices), notices


def test_a_degree_word_before_a_complaint_noun_names_no_shortcoming():
    """"primary bottleneck", "major challenge": how big the complaint is, not what falls short (a
    "memory bottleneck" is a thing)."""
    from gapscope.gaps.shortcoming_concepts import shortcoming_concept

    assert not shortcoming_concept(_concept(14, "primary bottleneck", range(1, 6)))
    assert not shortcoming_concept(_concept(15, "major challenges", range(1, 6)))
    assert shortcoming_concept(_concept(16, "memory bottleneck", range(1, 6)))


def test_too_few_left_after_the_complaints_says_the_complaints_were_set_apart():
    """Four problems are stated by 10 or more papers, two of them complaints no earlier paper works on by name:
    the notice that ends the detector must not say only two problems are stated so often."""
    from gapscope.gaps.shortcoming_concepts import unaddressed_concepts

    concepts, sentences, in_aim = _library()
    texts = {2: "Overcoming catastrophic forgetting with replay.", 3: "Catastrophic forgetting, revisited."}
    c = next(x for x in concepts.concepts if x.phrase == "class imbalance")
    texts.update({p: f"A method for {c.phrase}." for p in sorted(in_aim[c.id])[:8]})
    texts.update({p: f"Towards {c.phrase}." for p in sorted(c.papers)[:2]})
    mentions = {c.id: frozenset(c.papers) | frozenset(p for p, t in texts.items() if c.phrase in t.lower())
                for c in concepts.concepts}
    notices: list = []
    assert unaddressed_concepts(concepts, sentences, DATES, set(range(1, N + 1)), mentions=mentions,
                                works_on=lambda ids: {p: texts[p] for p in ids if p in texts}, notices=notices) == []
    last = notices[-1]
    assert "only 2 problem concepts" in last and "complaints" in last, notices


def test_the_complaint_notice_counts_only_papers_proposing_a_method():
    """Papers with no method sentences (surveys, position papers) that name "label noise" in their titles are
    not counted as working on it: the notice must not say fewer than 2 papers name it there."""
    from gapscope.gaps.shortcoming_concepts import unaddressed_concepts

    concepts, sentences, in_aim = _library()
    texts = {2: "Overcoming catastrophic forgetting with replay.", 3: "Catastrophic forgetting, revisited.",
             4: "Label noise: a survey.", 5: "Label noise, a position paper."}      # no method sentences
    for c in concepts.concepts[1:4]:
        if c.phrase != "label noise":
            texts.update({p: f"A method for {c.phrase}." for p in sorted(in_aim[c.id])[:8]})
            texts.update({p: f"Towards {c.phrase}." for p in sorted(c.papers)[:2]})
    mentions = {c.id: frozenset(c.papers) | frozenset(p for p, t in texts.items() if c.phrase in t.lower())
                for c in concepts.concepts}
    notices: list = []
    unaddressed_concepts(concepts, sentences, DATES, set(range(1, N + 1)) - {4, 5}, mentions=mentions,
                         works_on=lambda ids: {p: texts[p] for p in ids if p in texts}, notices=notices)
    said = next(n for n in notices if "\u201clabel noise\u201d" in n)
    assert "papers proposing a method" in said, said


def test_a_concept_named_only_as_the_focus_of_the_complaint_is_no_shortcoming():
    """The 10,653-paper library's papers complain that work focuses on "high-resource languages", leaving others
    out: "high-resource languages" is where the work went, not what falls short, and ends no gap however few
    later papers take it on (it led the unaddressed shortcomings). Here 20 papers write so of "catastrophic
    forgetting"."""
    from gapscope.gaps.shortcoming_concepts import unaddressed_concepts

    concepts, sentences, in_aim = _library()
    focus = ("However, existing benchmarks predominantly focus on catastrophic forgetting, leaving forward transfer "
             "insufficiently understood.")
    for p in range(1, 21):
        sentences[p] = [_sentence(focus)]
    found = unaddressed_concepts(concepts, sentences, DATES, set(range(1, N + 1)), in_aim=in_aim)
    assert all(g.problem.label != "catastrophic forgetting" for g in found), [g.statement for g in found]


def test_a_stating_paper_whose_work_answers_its_statement_takes_it_on():
    """Continual-learning papers of the 10,653-paper library state catastrophic forgetting, then describe their
    method without naming it again: paper 19's method sentence answers the statement just before it ("To address
    this, we propose ..."), paper 20's names its head ("we mitigate forgetting"): both take it on. Paper 17 states
    it, then proposes something else with no reference back to it: it does not; nor does paper 16, whose method
    answers a statement that names no forgetting. A paper that does not state it needs the full name."""
    from gapscope.gaps.shortcoming_concepts import unaddressed_concepts

    concepts, sentences, in_aim = _library()
    stated = "However, sequential fine-tuning still suffers from catastrophic forgetting of old tasks."
    texts: dict = {p: [{"text": "We fine-tune the model on each new task.", "shortcoming": "none"}]
                   for p in range(1, 21)}
    texts[16] = [{"text": "To address this, we propose a faster tokenizer.", "shortcoming": "none",
                  "after": "Tokenizers are slow."}]
    texts[17] = [{"text": "We study tabular reasoning with rationales.", "shortcoming": "none", "after": stated}]
    texts[19] = [{"text": "To address this, we propose a replay buffer.", "shortcoming": "none", "after": stated}]
    texts[20] = [{"text": "We mitigate forgetting with a frozen backbone.", "shortcoming": "none"}]
    texts[195] = [{"text": "We mitigate forgetting with a frozen backbone.", "shortcoming": "none"}]   # states nothing
    mentions = _works_on_typical(concepts, in_aim, texts)
    mentions[1] = mentions[1] | {195}
    found = unaddressed_concepts(concepts, sentences, DATES, set(range(1, N + 1)), mentions=mentions,
                                 works_on=lambda ids: {p: texts[p] for p in ids if p in texts}, evidence_n=20)
    g = next(g for g in found if g.problem.label == "catastrophic forgetting")
    assert {p for p, r in g.roles.items() if r == "addresses"} == {19, 20}, g.statement
    assert g.details["close_later_methods"] == 2


def _subject_vectors(shared: range, scattered: range, dim: int = 24, seed: int = 0) -> tuple:
    """(ids, vectors) of papers 1..N: four areas (paper p in area p % 4); the ``shared`` papers also share one
    subject direction, the ``scattered`` ones each a direction of their own."""
    rng = np.random.default_rng(seed)
    ids = np.arange(1, N + 1)
    v = rng.normal(0, 0.35, (N, dim))
    v[np.arange(N), ids % 4] += 1.0
    for p in shared:
        v[p - 1, 4] += 1.2
    for i, p in enumerate(scattered):
        v[p - 1, 5 + i % (dim - 5)] += 1.2
    return ids, v.astype(np.float32)


def _with_a_complaint_every_area_makes():
    """The constructed library plus "computational cost": stated by 20 papers of all four areas, each about a
    subject of its own, and taken on by none; "catastrophic forgetting"'s 20 papers span the areas too but
    are one subject."""
    concepts, sentences, in_aim = _library()
    for p in range(80, 100):
        sentences.setdefault(p, []).append(_sentence("The computational cost of these models is prohibitive."))
    concepts.concepts.append(_concept(7, "computational cost", range(80, 100)))
    in_aim[7] = frozenset()
    return concepts, sentences, in_aim, _subject_vectors(shared=range(1, 21), scattered=range(80, 100))


def test_a_complaint_spread_over_every_area_without_a_shared_subject_is_no_unaddressed_shortcoming():
    from gapscope.gaps.shortcoming_concepts import unaddressed_concepts

    concepts, sentences, in_aim, vecs = _with_a_complaint_every_area_makes()
    notices: list = []
    found = unaddressed_concepts(concepts, sentences, DATES, set(range(1, N + 1)), in_aim=in_aim,
                                 paper_vecs=vecs, notices=notices)
    assert [g.problem.label for g in found] == ["catastrophic forgetting"]
    assert any("generic" in n and "\u201ccomputational cost\u201d (20 stating)" in n for n in notices)


def test_without_abstract_vectors_no_complaint_is_judged_generic():
    from gapscope.gaps.shortcoming_concepts import unaddressed_concepts

    concepts, sentences, in_aim, _ = _with_a_complaint_every_area_makes()
    found = unaddressed_concepts(concepts, sentences, DATES, set(range(1, N + 1)), in_aim=in_aim)
    assert "computational cost" in [g.problem.label for g in found]


def test_papers_of_one_subject_across_areas_are_specific_scattered_ones_generic():
    from gapscope.gaps.generic_complaints import PaperSubjects

    subjects = PaperSubjects(_subject_vectors(shared=range(1, 21), scattered=range(80, 100)))
    assert subjects.generic(range(80, 100)) is not None            # every area, no shared subject
    assert subjects.generic(range(1, 21)) is None                  # every area, one subject
    assert subjects.generic(range(4, 200, 4)) is None              # one area: not spread
    assert subjects.generic(range(80, 90)) is None                 # too few papers to judge
