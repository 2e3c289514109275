"""Text of a real PDF that is not a sentence of the paper's argument (a table's header cell run into the
Conclusion, a row of numbers) or that is back matter (author contributions, a guarantor statement, funding)
gets no facet label and stays out of the shortcoming map and a gap's quotes, while staying in the text."""

from __future__ import annotations

import numpy as np
import pytest

from gapscope.facets.model import SentenceLabel
from gapscope.fulltext import attach as attach_mod
from gapscope.fulltext.label import BACK_MATTER, FRAGMENT, label_fulltext, sections_with_sentences
from gapscope.fulltext.nonprose import back_matter_heading, back_matter_sentence, fragment


PASA = "cs/pasa-2501.10120.pdf"
DIABETOLOGIA = "bio/10.1007%2Fs00125-024-06103-w.pdf"


@pytest.fixture
def lib(pdf_library):
    return pdf_library


class _FlagsEverything:
    """A facet model that calls every sentence the paper's own shortcoming: whatever is kept from the
    maps is kept by the rule under test, not by the classifier."""
    model_id, encoder_model, span_layers, threshold = "flags-everything", None, None, 0.3

    def predict(self, docs, vecs, texts):
        return [[SentenceLabel("result", 0.9, "own", 0.9) for _ in t] for t in texts]


class _Encoder:
    model_id, num_layers, dim = "stub-encoder", 1, 4

    def encode_spans(self, texts, spans, **_kw):
        return [np.zeros(self.dim) for _ in texts], [np.ones((len(sp), self.dim)) for sp in spans]


def _label(lib, att):
    label_fulltext(lib, attachment_ids=[att], model=_FlagsEverything(), encoder=_Encoder())
    return {s["text"]: s for sec in sections_with_sentences(lib, att) for s in sec["sentences"]}


def _section_of(lib, att, needle):
    return next(sec for sec in sections_with_sentences(lib, att) if any(needle in s["text"] for s in sec["sentences"]))


def test_a_table_header_run_into_the_conclusion_is_a_fragment(lib, shared_data):
    """PaSa's Conclusion is followed on the next page by Table 8, whose header cell "AutoScholarQuery"
    was read as the Conclusion's last sentence and, labelled `own`, labelled a shortcoming cluster."""
    res = attach_mod.attach_file(lib, shared_data / "pdfs" / PASA)
    conclusion = _section_of(lib, res.attachment_id, "underscore PaSa")
    assert conclusion["kind"] == "conclusion"
    cell = conclusion["sentences"][-1]["text"]
    assert cell == "AutoScholarQuery" and fragment(cell)          # still in the text, for the reader
    labels = _label(lib, res.attachment_id)
    assert labels[cell]["role"] == FRAGMENT and labels[cell]["shortcoming"] is None
    prose = [s["text"] for s in conclusion["sentences"][:-1]]
    assert prose and all(labels[t]["shortcoming"] == "own" for t in prose)
    mapped = [r["text"] for r in lib.fulltext_shortcomings(None, exclude=("none",))]
    assert cell not in mapped and set(prose) <= set(mapped)
    assert all(not fragment(t) for t in prose)


def test_back_matter_is_its_own_section_and_never_a_shortcoming(lib, shared_data):
    """The Diabetologia article sets its back matter as run-in paragraphs in small type after the
    Discussion ("Funding NV and FMA are supported ...", "Contribution statement ..."); it was taken for
    footnotes and dropped, and its continuation on the next page, with "FMA is the guarantor of the
    electrophysiological studies", joined the Discussion and was labelled `own`."""
    res = attach_mod.attach_file(lib, shared_data / "pdfs" / DIABETOLOGIA)
    att = res.attachment_id
    secs = sections_with_sentences(lib, att)
    back = _section_of(lib, att, "is the guarantor")
    assert back["kind"] == "acknowledgements" and back["name"] == "Contribution statement"
    names = {s["name"]: s["kind"] for s in secs}
    assert names["Funding"] == names["Data availability"] == "acknowledgements"
    discussion = [s["text"] for sec in secs if sec["kind"] == "discussion" for s in sec["sentences"]]
    assert discussion and not any("guarantor" in t or "Creative Commons" in t or "supported by" in t
                                  for t in discussion)
    # the Methods go on after the run-in "Ethics statement" that opens them
    ethics = _section_of(lib, att, "Our research studies followed")
    assert ethics["kind"] == "acknowledgements"
    assert secs[secs.index(ethics) + 1]["kind"] == "method"

    labels = _label(lib, att)
    mapped = {r["text"] for r in lib.fulltext_shortcomings(None, exclude=("none",))}
    assert all(labels[s["text"]]["role"] in (BACK_MATTER, FRAGMENT) and s["text"] not in mapped
               for s in back["sentences"])
    assert any(t in mapped for t in discussion)


def test_back_matter_statements_are_known_inside_a_discussion(lib, shared_data):
    """A library whose PDF was read before back matter had its own section (the guarantor statement in
    the Discussion): labelling it again still keeps the statement out."""
    res = attach_mod.attach_file(lib, shared_data / "pdfs" / DIABETOLOGIA)
    att = res.attachment_id
    sections = lib.fulltext_sections(att)
    disc = next(s["position"] for s in sections if s["kind"] == "discussion")
    old = [dict(s, kind="references" if s["kind"] == "references" else "discussion") for s in sections]
    sentences = [dict(s, section_pos=disc) if s["section_kind"] == "acknowledgements" else s
                 for s in lib.fulltext_sentences(att)]
    lib.put_fulltext(att, res.paper_id, old, sentences)
    labels = _label(lib, att)
    guarantor = next(t for t in labels if "is the guarantor of" in t)
    contributions = next(t for t in labels if t.startswith("Contribution statement"))
    assert labels[guarantor]["role"] == labels[contributions]["role"] == BACK_MATTER
    assert labels[guarantor]["shortcoming"] is None
    mapped = {r["text"] for r in lib.fulltext_shortcomings(None, exclude=("none",))}
    assert guarantor not in mapped and contributions not in mapped


def test_run_in_headings_and_statements():
    assert back_matter_heading("Funding NV and FMA are supported by UKRI.") == "Funding"
    assert back_matter_heading("Conflicts of Interest: The authors declare no conflicts of interest.")
    assert back_matter_heading("Funding agencies rarely pay for replication studies.") is None
    assert back_matter_sentence("LHP is the guarantor of this work.")
    assert not back_matter_sentence("The sample was small and drawn from one clinic.")
    assert fragment("0.45 0.67 0.81 Recall@20") and fragment("Method Recall Precision Google")
    assert not fragment("Flow began immediately after frame 1.")
