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

    gap = {"id": 1, "type": "method_x_problem", "score": 0.9, "statement": "Apply A to B.", "evidence": [5, 6],
           "evidence_roles": {"5": "method", "6": "problem"}, "stale": [], "runs": [],
           "details": {"level": "concept", "closest_work": [
               {"source": "library", "id": 9, "title": "Near", "similarity": 0.7, "did_both": True},
               {"source": "library", "id": 5, "title": "Already listed", "similarity": 0.6},
               {"source": "reference", "id": 77, "title": "Elsewhere", "similarity": 0.6}]}}
    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps([gap])
    assert view.evidence_button.text() == "Show 3 in library" and view.evidence_button.isEnabled()
    with qtbot.waitSignal(view.showPapers) as sig:
        view.evidence_button.click()
    assert sig.args == [[5, 6, 9], "evidence of gap #1"]
