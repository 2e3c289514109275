"""The section as a prior on the full-text shortcoming decision, and attach + label in one job."""

from __future__ import annotations

import pytest

from gapscope.fulltext.section_prior import decide, not_a_shortcoming

THRESHOLD = 0.3          # the shipped facet model's


def test_a_limitations_section_lowers_the_bar_and_makes_a_flagged_sentence_own():
    p = [0.85, 0.1, 0.04, 0.01]            # P(any) 0.15: under the model's threshold, the type "prior"
    text = "The annotators were all from one country."
    assert decide("introduction", text, p, THRESHOLD) == ("none", pytest.approx(0.85))
    assert decide("limitations", text, p, THRESHOLD, section_prior=False)[0] == "none"
    short, conf = decide("limitations", text, p, THRESHOLD)
    assert short == "own" and conf > THRESHOLD
    # Discussion: a milder shift (0.15 is not enough there, 0.26 is) and the classifier's type kept
    assert decide("discussion", text, p, THRESHOLD)[0] == "none"
    assert decide("discussion", text, [0.74, 0.2, 0.05, 0.01], THRESHOLD)[0] == "prior"
    assert decide("introduction", text, [0.74, 0.2, 0.05, 0.01], THRESHOLD)[0] == "none"


def test_no_own_limitation_where_papers_do_not_state_them():
    from gapscope.fulltext.sections import heading_kind

    p = [0.2, 0.1, 0.1, 0.6]                # flagged, the type "own"
    text = "The sample size was small and drawn from a single centre."
    for kind in ("method", "results", "introduction", "abstract", "references"):
        assert decide(kind, text, p, THRESHOLD)[0] == "none"
    for kind in ("limitations", "discussion", "conclusion", "other", None):   # "other": a subsection heading
        assert decide(kind, text, p, THRESHOLD)[0] == "own"
    assert decide("method", text, p, THRESHOLD, section_prior=False)[0] == "own"
    # a shortcoming of prior work stays where it is stated (Related work, Introduction)
    assert decide("background", "Existing parsers fail on scanned pages.", [0.2, 0.6, 0.1, 0.1], THRESHOLD)[0] == "prior"
    assert heading_kind("Results and Discussion") == "discussion"


def test_future_work_pointers_and_thanks_get_no_shift():
    assert not_a_shortcoming("Designing such schemes is an interesting direction for future research.")
    assert not_a_shortcoming("We thank the annotators.")
    assert not_a_shortcoming("Limitations")
    assert not not_a_shortcoming("Our findings may not generalize to other domains.")
    p = [0.8, 0.15, 0.04, 0.01]
    assert decide("limitations", "In future work we will study other languages.", p, THRESHOLD)[0] == "none"


def test_a_concession_in_a_limitations_section_is_own():
    from gapscope.fulltext.section_prior import concessive

    p = [0.95, 0.03, 0.01, 0.01]           # the classifier sees no shortcoming at all
    text = ("While participants did not point to too many highlights, we did observe an increase in "
            "highlighted citations over the week.")
    assert concessive(text) and concessive("Finally, although our work focuses on discovery, ...")
    assert not concessive("The annotators worked while reading.")
    assert decide("limitations", "While true,", p, THRESHOLD)[0] == "none"      # a fragment states nothing
    short, conf = decide("limitations", text, p, THRESHOLD)
    assert short == "own" and conf == pytest.approx(decide("limitations", text, p, THRESHOLD)[1])
    # only in a Limitations section, only with the prior, and not for a future-work pointer
    assert decide("discussion", text, p, THRESHOLD)[0] == "none"
    assert decide("limitations", text, p, THRESHOLD, section_prior=False)[0] == "none"
    assert decide("limitations", "While the slider helps, a future direction is to infer the context.", p,
                  THRESHOLD)[0] == "none"


def test_attach_and_label_keeps_the_pdfs_when_there_is_no_facet_model(tmp_path, shared_data, monkeypatch):
    from gapscope.facets import model as facet_model
    from gapscope.fulltext import attach_and_label
    from gapscope.store import Library

    def no_model(*_a, **_k):
        raise FileNotFoundError("no facet model in /nowhere")

    monkeypatch.setattr(facet_model, "load_model", no_model)
    with Library(tmp_path / "l.gapscope") as lib:
        results, note = attach_and_label(lib, [shared_data / "pdfs" / "cs" / "2304.02623v1.pdf"])
        assert [r.status for r in results] == ["new-paper"]
        assert note and "no facet model" in note
        assert lib.fulltext_sentences(results[0].attachment_id)
