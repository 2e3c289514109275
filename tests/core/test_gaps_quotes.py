"""A gap quotes as a shortcoming only sentences that state one: sure enough, not what a paper does or aims at,
never one the user labelled none, the surest first, with how sure each is; a gap left with none says so."""

from __future__ import annotations

import numpy as np
import pytest

# an abstract of the 10,653-paper library (arXiv 2503.22175) as the classifier labelled it: the first sentence
# took "open" from the sentence after next (read alone it is "none"), at a confidence no threshold separates
AIMS = ("Continual learning (CL) aims to learn new tasks while retaining past knowledge, addressing the challenge "
        "of forgetting during task adaptation.")
STATES = ("However, research on enhancing the efficiency of these methods, especially in resource-constrained "
          "environments, remains limited, hindering their application in real-world continual learning.")
UNSURE = "The human perceptual system processes visual scenes through complementary frequency channels."
PROPOSE = "Inspired by this, we propose FDINet, a continual learning framework for the limited memory of edge devices."


def _sentences(lib, pid, rows):
    """(text, role, shortcoming, confidence) rows as the facet classifier stores them."""
    out, at = [], 0
    for i, (text, role, short, conf) in enumerate(rows):
        out.append((i, at, at + len(text), text, role, 0.9, short, conf))
        at += len(text) + 1
    lib.write_facet_sentences(pid, out, "test", f"h{pid}", "2026")


@pytest.fixture
def lib(tmp_path):
    from gapscope.store import Library

    lib = Library(tmp_path / "review.gapscope")
    yield lib
    lib.close()


def _paper(lib, title):
    with lib.transaction() as conn:
        return conn.execute("INSERT INTO papers (title, norm_title, added_at) VALUES (?, ?, '2026')",
                            (title, title.lower())).lastrowid


def test_quote_rules_on_constructed_sentences():
    from gapscope.gaps.quotes import QUOTE_MIN_CONFIDENCE, label_of, pick_quotes, quotable, why_not_quoted

    aims = {"text": AIMS, "shortcoming": "open", "confidence": 0.957, "role": "background"}
    states = {"text": STATES, "shortcoming": "prior", "confidence": 0.986, "role": "background"}
    unsure = {"text": UNSURE, "shortcoming": "prior", "confidence": 0.535, "role": "background"}
    propose = {"text": PROPOSE, "shortcoming": "prior", "confidence": 0.99, "role": "objective"}
    assert QUOTE_MIN_CONFIDENCE == 0.9
    assert why_not_quoted(aims) == "solves"               # the problem only as what CL addresses
    assert [label_of(s) for s in (states, {**states, "confidence": 0.998}, {**states, "confidence": 0.29},
                                  {**states, "corrected": True})] == [
        "prior 0.98", "prior 0.99", "prior 0.29", "prior, your label"]     # cut, never a certain-looking 1.00
    assert why_not_quoted(unsure) == "confidence"
    assert why_not_quoted(propose) == "role"
    assert why_not_quoted(states) is None
    assert why_not_quoted({**states, "shortcoming": "none"}) == "none"
    # the user's label wins, whatever the classifier said, and comes first
    mine = {**unsure, "corrected": True}
    assert [s["text"] for s in quotable([aims, unsure, states, mine, propose])] == [UNSURE, STATES]
    # a PDF's Limitations section says what it holds: its own limitations are quoted below the bar too
    lim = {"text": "Our study covers English only.", "shortcoming": "own", "confidence": 0.7, "role": "other",
           "section": "Limitations", "section_kind": "limitations"}
    assert why_not_quoted(lim) is None and why_not_quoted({**lim, "section_kind": "discussion"}) == "confidence"
    # the surest first, from as many papers as there are before one is quoted twice
    cands = [{"paper_id": 1, **states}, {"paper_id": 1, **states, "text": "x fails.", "confidence": 0.999},
             {"paper_id": 2, **states, "text": "y fails.", "confidence": 0.95},
             {"paper_id": 3, **aims}]
    assert [s["text"] for s in pick_quotes(cands, 2)] == ["x fails.", "y fails."]
    assert [s["text"] for s in pick_quotes(cands, 3)] == ["x fails.", "y fails.", STATES]


def test_a_solving_phrase_drops_a_sentence_only_when_it_states_nothing_else():
    from gapscope.gaps.quotes import only_solves

    assert only_solves(AIMS)
    assert only_solves("This study offers valuable insights into pretraining strategies, helping to bridge the "
                       "performance gap between high-resource and low-resource languages.")
    # a deficiency stated beside the solving phrase keeps the sentence
    assert not only_solves("Although recent token reduction methods mitigate this issue, they mainly target "
                           "single-turn VQA, leaving multi-turn VQA largely unexplored.")
    assert not only_solves("While recent efforts aim to address these challenges, they still fail on small objects.")
    assert not only_solves(STATES) and not only_solves("To address the high cost of existing methods, we propose X.")


def test_an_unaddressed_shortcoming_gap_quotes_what_states_one_and_says_when_none(lib):
    """The old quotes took each paper's first flagged sentence: the "aims to" one here, and the unsure one of
    the second paper. Now the first paper is quoted by its sentence that states a shortcoming, with its
    confidence, and a gap whose papers state none that surely says so and why."""
    from gapscope.gaps.find import quote_shortcomings
    from gapscope.gaps.model import Gap
    from gapscope.store.library import now_iso

    a, b = _paper(lib, "Efficient Continual Learning"), _paper(lib, "Frequency channels")
    _sentences(lib, a, [(AIMS, "background", "open", 0.957), (STATES, "background", "prior", 0.986),
                        (PROPOSE, "objective", "prior", 0.99)])
    _sentences(lib, b, [(UNSURE, "background", "prior", 0.535), (AIMS, "background", "open", 0.957)])
    example = f" (e.g. \u201c{AIMS}\u201d)"

    def gaps():
        return [Gap("unaddressed_shortcoming", 0.5, f"2 papers state \u201cforgetting\u201d{example}, yet none.",
                    None, None, [a, b], roles={a: "shortcoming", b: "shortcoming"},
                    details={"example": {"text": AIMS, "in_statement": example, "paper_id": a}}),
                Gap("unaddressed_shortcoming", 0.4, "1 paper states \u201cchannels\u201d, yet none.",
                    None, None, [b], roles={b: "shortcoming"})]
    one, none = gaps()
    quote_shortcomings(lib, [one, none])
    assert [q["text"] for q in one.details["quotes"]] == [STATES]
    assert one.statement == (f"2 papers state \u201cforgetting\u201d, yet none. Stated as: \u201c{STATES}\u201d "
                             "(prior 0.98)"), one.statement             # the "aims to" example is gone too
    assert none.details["quotes"] == []
    assert none.details["quote_note"] == ("no shortcoming sentence quoted: the 2 sentences of its papers flagged as one "
                                          "fall short of a quote (1 with confidence under 0.9, 1 a problem named only "
                                          "as what is solved)")
    assert none.statement.endswith(". No shortcoming sentence quoted: the 2 sentences of its papers flagged as one "
                                   "fall short of a quote (1 with confidence under 0.9, 1 a problem named only as "
                                   "what is solved)."), none.statement

    # the user's corrections win: the sure sentence labelled none is never quoted, the unsure one labelled
    # a shortcoming is, first, and says whose label it is
    lib.set_facet_correction(a, *lib.facet_sentence_spans(a)[1], None, "none", now_iso())
    lib.set_facet_correction(b, *lib.facet_sentence_spans(b)[0], None, "open", now_iso())
    one, none = gaps()
    quote_shortcomings(lib, [one, none])
    assert [q["text"] for q in one.details["quotes"]] == [UNSURE]
    assert f"\u201c{UNSURE}\u201d (open, your label)" in one.statement and STATES not in one.statement
    assert [q["text"] for q in none.details["quotes"]] == [UNSURE] and "quote_note" not in none.details


def test_a_concept_gap_quotes_the_surest_sentence_naming_it_and_says_when_none():
    from gapscope.concepts.model import Concept
    from gapscope.gaps.concept_evidence import shortcoming_quotes

    vec = np.array([1.0, 0.0], np.float32)
    method = Concept(1, "method", "KV cache", [], vec, {9: "method"}, {9: 1.0})
    # the papers most about continual learning first: the old quotes read them in that order
    problem = Concept(2, "problem", "continual learning", ["CL"], vec, {3: "problem", 4: "problem", 5: "problem"},
                      {3: 0.9, 4: 0.8, 5: 0.7})
    said = {3: [{"text": AIMS, "shortcoming": "open", "confidence": 0.957, "role": "background"},
                {"text": PROPOSE, "shortcoming": "prior", "confidence": 0.99, "role": "objective"}],
            4: [{"text": "Continual learning remains hard, it is unsure.", "shortcoming": "open", "confidence": 0.6,
                 "role": "background"}],
            5: [{"text": STATES, "shortcoming": "prior", "confidence": 0.986, "role": "background"}]}
    short, note = shortcoming_quotes(method, problem, lambda pids: {p: said[p] for p in pids if p in said})
    assert [(s["paper_id"], s["text"]) for s in short] == [(5, STATES)] and note is None
    assert short[0]["confidence"] == 0.986           # kept, for the views to show
    del said[5]
    short, note = shortcoming_quotes(method, problem, lambda pids: {p: said[p] for p in pids if p in said})
    assert short == []
    assert note == ("no shortcoming sentence quoted: the 3 sentences naming \u201ccontinual learning\u201d or "
                    "\u201cKV cache\u201d in the papers on \u201ccontinual learning\u201d flagged as one fall short of a "
                    "quote (1 a problem named only as what is solved, 1 a method or objective sentence, 1 with "
                    "confidence under 0.9)")
    short, note = shortcoming_quotes(method, problem, lambda pids: {})
    assert short == [] and "no sentence naming \u201ccontinual learning\u201d" in note and "is flagged as one" in note


def test_the_reader_gives_each_sentence_its_labels_and_corrections(lib):
    """find.shortcoming_reader: every flagged sentence with its type, confidence, role and whether the user
    labelled it; one corrected to none is not among them."""
    from gapscope.gaps.find import shortcoming_reader
    from gapscope.store.library import now_iso

    a = _paper(lib, "Efficient Continual Learning")
    _sentences(lib, a, [(AIMS, "background", "open", 0.957), (STATES, "background", "prior", 0.986),
                        (UNSURE, "background", "none", 0.9)])
    lib.set_facet_correction(a, *lib.facet_sentence_spans(a)[0], None, "none", now_iso())
    lib.set_facet_correction(a, *lib.facet_sentence_spans(a)[2], None, "prior", now_iso())
    assert shortcoming_reader(lib)([a]) == {a: [
        {"text": STATES, "shortcoming": "prior", "confidence": 0.986, "role": "background", "corrected": False},
        {"text": UNSURE, "shortcoming": "prior", "confidence": 0.9, "role": "background", "corrected": True}]}


def test_gaps_show_prints_how_sure_each_quote_is_and_why_none_is(lib, capsys):
    from gapscope.commands.maps import _print_gap
    from gapscope.gaps.model import Gap

    note = "no shortcoming sentence quoted: no sentence naming “a” or “b” in the papers on “b” is flagged as one"
    quoting = Gap("method_x_problem", 0.9, "Apply “a” to “b”.", None, None, [], roles={},
                  details={"level": "concept", "shortcoming_sentences": [
                      {"paper_id": 7, "text": STATES, "shortcoming": "prior", "confidence": 0.986}]})
    silent = Gap("method_x_problem", 0.8, "Apply “a” to “c”.", None, None, [], roles={},
                 details={"level": "concept", "shortcoming_sentences": [], "quote_note": note})
    # as gaps found before quotes had labels keep them: the text alone
    stored = Gap("method_x_problem", 0.7, "Apply “a” to “d”.", None, None, [], roles={},
                 details={"level": "concept", "shortcoming_sentences": [{"paper_id": 8, "text": AIMS}]})
    _print_gap(quoting, lib, full=True)
    _print_gap(silent, lib, full=True)
    _print_gap(stored, lib, full=True)
    out = capsys.readouterr().out
    assert f"shortcoming (7, prior 0.98): {STATES[:200]}" in out
    assert f"shortcoming (8): {AIMS}" in out
    assert f"shortcoming: {note}" in out and "quote_note" not in out


def test_an_unaddressed_gap_quotes_other_papers_before_a_papers_second_sentence(lib, monkeypatch):
    """A paper with a sure abstract sentence and a sure one in its PDF's Discussion does not fill the statement's
    quotes while another paper states the shortcoming too."""
    import gapscope.facets.store as facet_store
    from gapscope.gaps.find import quote_shortcomings
    from gapscope.gaps.model import Gap

    a, b = _paper(lib, "Two sentences"), _paper(lib, "One sentence")
    said = {a: [{"text": "A fails on X.", "shortcoming": "prior", "confidence": 0.99, "role": "background",
                 "corrected": False},
                {"text": "A also fails on Y.", "shortcoming": "prior", "confidence": 0.98, "role": "background",
                 "corrected": False, "section": "Discussion", "section_kind": "discussion", "page": 7}],
            b: [{"text": "B fails on X.", "shortcoming": "prior", "confidence": 0.95, "role": "background",
                 "corrected": False}]}
    monkeypatch.setattr(facet_store, "shortcoming_sentences", lambda lib, pids: {p: said[p] for p in pids if p in said})
    gap = Gap("unaddressed_shortcoming", 0.5, "2 papers state \u201cX\u201d, yet none.", None, None, [a, b],
              roles={a: "shortcoming", b: "shortcoming"})
    quote_shortcomings(lib, [gap], per_gap=2)
    assert [q["text"] for q in gap.details["quotes"]] == ["A fails on X.", "B fails on X.", "A also fails on Y."]
    assert "\u201cA fails on X.\u201d (prior 0.99) / \u201cB fails on X.\u201d (prior 0.95)" in gap.statement
