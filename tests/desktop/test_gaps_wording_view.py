"""The Gaps view's lines agree in number: one abstract mentions both, two mention both."""

from __future__ import annotations


def test_the_gaps_view_says_one_abstract_mentions_both():
    from gapscope_desktop.views.gaps_view import tried_html

    assert "1 abstract mentions both" in tried_html("Already tried in the reference corpus", 1, "abstract", [])
    assert "2 abstracts mention both" in tried_html("Already tried in the reference corpus", 2, "abstract", [])


def test_shortcoming_sentences_name_their_paper_by_title_not_by_id(qtbot, library):
    """A shortcoming sentence and a quoted sentence end with the paper's title and year, not its library id
    (“[14421]” told a reader nothing)."""
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper
    from gapscope_desktop.views.gaps_view import GapsView

    ingest_papers(library, [Paper(title="Overcoming Catastrophic Forgetting in Visual Continual Learning", year=2026,
                                  source="test", source_key="p1")], kind="import", source="test", target="t")
    pid = library.list_paper_ids()[0]
    sentence = "Whether RFT overcomes forgetting remains an open problem."
    gap = {"id": 1, "type": "method_x_problem", "score": 0.9, "statement": "Apply A to B.", "evidence": [pid],
           "evidence_roles": {str(pid): "shortcoming"}, "stale": [], "runs": [],
           "details": {"level": "concept", "shortcoming_sentences": [{"paper_id": pid, "text": sentence}],
                       "quotes": [{"paper_id": pid, "text": sentence, "shortcoming": "forgetting"}]}}
    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps([gap])
    text = view.detail.toPlainText()
    assert f"{sentence} [Overcoming Catastrophic Forgetting in Visual Continual Learning, 2026]" in text
    assert f"[{pid}]" not in text
    quote = view.quotes.item(0).text()
    assert quote.endswith("[Overcoming Catastrophic Forgetting in Visual Continual Learning, 2026]")


def test_an_acronym_concept_shows_no_pieces_of_its_definition_as_synonyms(qtbot, library):
    """GRPO's synonyms were “relative policy optimization, group relative, group relative policy, optimization
    grpo”: pieces the extractor cut from its definition, shown as if they were other names; a real variant
    stays."""
    from gapscope_desktop.views.gaps_view import GapsView

    synonyms = ["relative policy optimization", "group relative", "optimization grpo", "grpo variants"]
    gap = {"id": 1, "type": "method_x_problem", "score": 0.9, "statement": "Apply A to B.", "evidence": [],
           "evidence_roles": {}, "stale": [], "runs": [],
           "method": {"label": "GRPO", "keywords": synonyms}, "problem": {"label": "credit assignment", "keywords": []},
           "details": {"level": "concept", "expansions": {"GRPO": "group relative policy optimization"}}}
    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps([gap])
    text = view.detail.toPlainText()
    assert "grpo variants" in text
    assert not any(s in text for s in synonyms[:3]), text


def test_a_concept_ending_in_its_acronym_is_named_with_brackets(qtbot, library):
    from gapscope_desktop.views.gaps_view import GapsView

    gap = {"id": 1, "type": "method_x_problem", "score": 0.9, "statement": "Apply A to B.", "evidence": [],
           "evidence_roles": {}, "stale": [], "runs": [], "method": {"label": "SAM", "keywords": []},
           "problem": {"label": "whole-slide images WSIs", "keywords": []}, "details": {"level": "concept"}}
    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps([gap])
    assert "Problem concept: whole-slide images (WSIs)" in view.detail.toPlainText()


def test_the_details_say_an_end_is_listed_under_its_other_name(qtbot, library):
    from gapscope_desktop.views.gaps_view import GapsView

    base = {"type": "method_x_problem", "evidence": [], "evidence_roles": {}, "stale": [], "runs": []}
    gaps = [{**base, "id": 7, "score": 0.9, "statement": "Apply LoRA to B.",
             "details": {"level": "concept", "method_concept": "LoRA", "problem_concept": "B",
                         "expansions": {"LoRA": "low-rank adaptation"}}},
            {**base, "id": 9, "score": 0.8, "statement": "Apply low-rank adaptation to C.",
             "details": {"level": "concept", "method_concept": "low-rank adaptation", "problem_concept": "C"}}]
    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps(gaps)
    assert "Also listed: “LoRA” is also listed as “low-rank adaptation” (gap #9)" in view.detail.toPlainText()


def test_show_in_library_counts_and_shows_every_library_paper_of_the_evidence_list(qtbot, library):
    """The evidence list holds the closest existing work too; "Show in library" showed only the rest and
    did not say how many: it names the count and shows the library papers of the whole list."""
    from gapscope_desktop.views.gaps_view import GapsView

    a, b, c = _papers(library, 3)
    gap = {"id": 1, "type": "method_x_problem", "score": 0.9, "statement": "Apply A to B.", "evidence": [a, b],
           "evidence_roles": {str(a): "method", str(b): "problem"}, "stale": [], "runs": [],
           "details": {"level": "concept", "closest_work": [
               {"source": "library", "id": c, "title": "Near", "similarity": 0.7, "did_both": True},
               {"source": "library", "id": a, "title": "Already listed", "similarity": 0.6},
               {"source": "reference", "id": 77, "title": "Elsewhere", "similarity": 0.6}]}}
    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps([gap])
    assert view.evidence_button.text() == "Show 3 in library" and view.evidence_button.isEnabled()
    with qtbot.waitSignal(view.showPapers) as sig:
        view.evidence_button.click()
    assert sig.args == [[a, b, c], "evidence of gap #1"]


def _papers(library, n, arxiv=()):
    """``n`` papers in ``library`` (the first ones with the given arXiv ids), their ids in that order."""
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper

    arxiv = list(arxiv) + [None] * n
    ingest_papers(library, [Paper(title=f"Evidence paper {i}", year=2026, source="test", source_key=f"e{i}",
                                  arxiv_id=arxiv[i]) for i in range(n)], kind="import", source="test", target="t")
    by_title = {p.title: p.id for p in library.get_papers(library.list_paper_ids())}
    return [by_title[f"Evidence paper {i}"] for i in range(n)]


def test_show_in_library_counts_no_paper_removed_since(qtbot, library):
    """A stale gap's evidence may name a paper removed from the library since: the evidence list leaves it
    out, and so do the button's count and the papers it shows ("Show 3" showed 2)."""
    from gapscope_desktop.views.gaps_view import GapsView

    a, b = _papers(library, 2)
    gone = max(a, b) + 1000
    gap = {"id": 1, "type": "method_x_problem", "score": 0.9, "statement": "Apply A to B.", "evidence": [a, gone, b],
           "evidence_roles": {str(a): "method", str(gone): "method", str(b): "problem"}, "stale": ["papers"],
           "runs": [], "details": {"level": "concept", "closest_work": [
               {"source": "library", "id": gone + 1, "title": "Gone too", "similarity": 0.7}]}}
    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps([gap])
    assert view.evidence.count() == 3                   # a, b and the closest work's entry
    assert view.evidence_button.text() == "Show 2 in library"
    with qtbot.waitSignal(view.showPapers) as sig:
        view.evidence_button.click()
    assert sig.args == [[a, b], "evidence of gap #1"]


def test_closest_work_the_reference_lists_but_the_library_holds_counts_as_the_librarys(qtbot, library):
    """The closest-work check keeps one copy of a paper, often the reference corpus's: one the library holds
    too is not "not in this library", is not listed twice next to its evidence row, opens the library's
    paper and is among those "Show N in library" shows."""
    from gapscope_desktop.views.gaps_view import GapsView

    a, near = _papers(library, 2, arxiv=["2603.03749", "2510.04021"])
    gap = {"id": 1, "type": "method_x_problem", "score": 0.9, "statement": "Apply A to B.", "evidence": [a],
           "evidence_roles": {str(a): "both"}, "stale": [], "runs": [],
           "details": {"level": "concept", "closest_work": [
               {"source": "reference", "id": 11, "arxiv_id": "2603.03749", "title": "Evidence paper 0",
                "similarity": 0.8, "did_both": True},
               {"source": "reference", "id": 12, "arxiv_id": "2510.04021", "title": "Evidence paper 1",
                "similarity": 0.7},
               {"source": "reference", "id": 13, "arxiv_id": "2401.00001", "title": "Elsewhere", "similarity": 0.6}]}}
    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps([gap])
    rows = [view.evidence.item(i) for i in range(view.evidence.count())]
    assert [r.data(0x0100) for r in rows] == [a, near, None]
    assert "not in this library" not in rows[1].toolTip() and "not in this library" in rows[2].toolTip()
    assert view.evidence_button.text() == "Show 2 in library"
    with qtbot.waitSignal(view.showPapers) as sig:
        view.evidence_button.click()
    assert sig.args == [[a, near], "evidence of gap #1"]


def test_shortcoming_sentences_show_how_sure_and_a_gap_quoting_none_says_why(qtbot, library):
    """A quoted shortcoming sentence shows its type and the classifier's confidence (or that it is the user's
    label); a concept gap whose papers state no shortcoming surely enough says so instead of showing nothing."""
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper
    from gapscope_desktop.views.gaps_view import GapsView

    ingest_papers(library, [Paper(title="Continual Learning on the Edge", year=2026, source="test", source_key="p1")],
                  kind="import", source="test", target="t")
    pid = library.list_paper_ids()[0]
    sentence = "Whether RFT overcomes forgetting remains an open problem."
    note = ("no shortcoming sentence quoted: the 2 sentences naming “continual learning” or “KV cache” in the papers "
            "on “continual learning” flagged as one fall short of a quote (2 with confidence under 0.9)")
    base = {"type": "method_x_problem", "score": 0.9, "statement": "Apply A to B.", "evidence": [pid],
            "evidence_roles": {str(pid): "problem"}, "stale": [], "runs": []}
    quoting = {**base, "id": 1, "details": {"level": "concept", "shortcoming_sentences": [
        {"paper_id": pid, "text": sentence, "shortcoming": "open", "confidence": 0.964}]}}
    mine = {**base, "id": 2, "details": {"level": "concept", "shortcoming_sentences": [
        {"paper_id": pid, "text": sentence, "shortcoming": "prior", "confidence": 0.6, "corrected": True}]}}
    silent = {**base, "id": 3, "details": {"level": "concept", "shortcoming_sentences": [], "quote_note": note}}
    shortfall = {**base, "id": 4, "type": "unaddressed_shortcoming", "statement": "1 paper states it.",
                 "details": {"quotes": [{"paper_id": pid, "text": sentence, "shortcoming": "open",
                                         "confidence": 0.964}]}}
    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps([quoting, mine, silent, shortfall])
    view.select_gap(1)
    assert f"{sentence} [Continual Learning on the Edge, 2026; open 0.96]" in view.detail.toPlainText()
    view.select_gap(2)
    assert f"{sentence} [Continual Learning on the Edge, 2026; prior, your label]" in view.detail.toPlainText()
    view.select_gap(3)
    assert f"Shortcomings stated: {note}" in " ".join(view.detail.toPlainText().split())
    view.select_gap(4)
    assert view.quotes.item(0).text().startswith(f"“{sentence}”  (open 0.96, abstract)")


RANKER = {"train_pairs": 666542, "train_positive": 1093, "train_before": "2026-04-03", "model": "lr"}


def test_the_gaps_view_says_what_a_score_is_as_the_report_does(qtbot, library):
    """The score's tooltip says what the report's introduction says (a ranking, not a probability), and a
    concept pair's details say what orders it: the learnt model, whose output is no chance of being combined
    (the report had called the standing "a model's estimate that the two will be combined")."""
    from gapscope.gaps.standing import SCALE
    from gapscope_desktop.views.gaps_view import SCORE_TIP, GapsView

    assert "not a probability" in SCORE_TIP
    gap = {"id": 1, "type": "method_x_problem", "score": 1.0, "statement": "Apply A to B.", "evidence": [],
           "evidence_roles": {}, "stale": [], "runs": [],
           "details": {"level": "concept", "ranker": RANKER, "raw_score": 0.1009, "rank_in_type": 1, "of_type": 50,
                       "score_scale": SCALE}}
    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps([gap])
    text = " ".join(view.detail.toPlainText().split())
    assert "ordered by a model learnt from this library: of 666,542 concept pairs" in text, text
    assert "(0.101) only orders the pairs; it is not the chance that the two will be combined" in text, text
    assert "estimate that the two will be combined" not in text
    from gapscope.vocabulary import SCORE_MEANING        # the report's wording, word for word

    assert SCORE_TIP.startswith(SCORE_MEANING)
