"""An attach stopped while labelling leaves PDFs attached but unlabelled: the next attach labels them
(they are "already attached" by then), `analyze` has a step for them, and `stats` and the diagnostics
say how many there are and which command labels them."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from click.testing import CliRunner

from gapscope.facets.model import SentenceLabel
from gapscope.fulltext import attach as attach_mod
from gapscope.fulltext import extract as extract_mod
from gapscope.jobs import Cancelled, CancelToken

from .fulltext_helpers import cached_extract

PDFS = ("cs/2023.eacl-main.121.pdf", "cs/2302.07302v1.pdf", "cs/1903.10676.pdf")


class _Model:
    """A facet model that labels every sentence "result"; ``stop_after`` chunks, it stops the run as a
    cancel (or a kill) in the middle of the labelling would."""
    model_id, encoder_model, span_layers, threshold = "stub-facets", None, None, 0.3

    def __init__(self, stop_after=None, cancel=None):
        self.calls, self.stop_after, self.cancel = 0, stop_after, cancel

    def predict(self, docs, vecs, texts):
        self.calls += 1
        if self.stop_after is not None and self.calls > self.stop_after:
            if self.cancel is not None:
                self.cancel.cancel()
            raise Cancelled("stopped while labelling")
        return [[SentenceLabel("result", 0.9, "none", 0.9) for _ in t] for t in texts]


class _Encoder:
    model_id, num_layers, dim = "stub-encoder", 1, 4

    def __init__(self, *_a, **_kw):
        pass

    def encode_spans(self, texts, spans, **_kw):
        return [np.zeros(self.dim) for _ in texts], [np.ones((len(sp), self.dim)) for sp in spans]


@pytest.fixture
def pdf_folder(tmp_path, shared_data, monkeypatch):
    monkeypatch.setattr(attach_mod, "extract", cached_extract(extract_mod.extract))
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for rel in PDFS:
        shutil.copyfile(shared_data / "pdfs" / rel, folder / rel.split("/")[-1])
    return folder


@pytest.fixture
def stub_models(monkeypatch):
    """The CLI's labelling loads the facet model and its encoder: stubs, so no model is needed."""
    monkeypatch.setattr("gapscope.facets.model.load_model", lambda *a, **k: _Model())
    monkeypatch.setattr("gapscope.embed.Encoder", _Encoder)


def _stopped_attach(path, folder):
    """Attach the folder's PDFs and stop in the middle of labelling them (after the first chunk)."""
    from gapscope.fulltext import attach_and_label
    from gapscope.store import Library

    lib = Library(path)
    cancel = CancelToken()
    try:
        with pytest.raises(Cancelled):
            attach_and_label(lib, [folder], model=_Model(stop_after=1, cancel=cancel), encoder=_Encoder(),
                             cancel=cancel)
        left = lib.unlabelled_fulltext_attachments()
        assert left, "the stop came before every PDF was labelled"
        return len(left)
    finally:
        lib.close()


def test_a_second_attach_labels_what_a_stopped_one_left(tmp_path, pdf_folder, stub_models):
    from gapscope.cli import main
    from gapscope.store import Library

    path = tmp_path / "review.gapscope"
    left = _stopped_attach(path, pdf_folder)
    runner = CliRunner()

    out = runner.invoke(main, ["-L", str(path), "stats"])
    assert out.exit_code == 0, out.output
    assert f"{left} PDF{'s' if left != 1 else ''} not labelled yet: `gapscope pdf label`" in out.output

    out = runner.invoke(main, ["-L", str(path), "diagnostics"])
    assert "not labelled yet: `gapscope pdf label`" in out.output

    out = runner.invoke(main, ["-L", str(path), "attach", str(pdf_folder), "--quiet"])
    assert out.exit_code == 0, out.output
    assert out.output.count("already-attached") == len(PDFS)
    lib = Library(path)
    try:
        assert lib.unlabelled_fulltext_attachments() == []
        assert lib.stats()["pdfs_not_labelled"] == 0
    finally:
        lib.close()
    assert "not labelled yet" not in runner.invoke(main, ["-L", str(path), "stats"]).output


def test_analyze_labels_the_pdfs_a_stopped_attach_left(tmp_path, pdf_folder, stub_models, monkeypatch):
    """`analyze` is not "up to date" while PDFs wait for their labels: its first step labels them."""
    from gapscope.analyze import analyze
    from gapscope.store import Library

    path = tmp_path / "review.gapscope"
    assert _stopped_attach(path, pdf_folder)

    def stop(*_a, **_kw):                   # only the first step is under test: stop at the second
        raise Cancelled("stopped at the facets step")

    monkeypatch.setattr("gapscope.analyze._needs_classify", lambda lib: True)
    monkeypatch.setattr("gapscope.facets.classify_library", stop)
    lib = Library(path)
    try:
        with pytest.raises(Cancelled, match="facets step"):
            analyze(lib, gaps=False)
        assert lib.unlabelled_fulltext_attachments() == []
        assert lib.stats()["pdfs_not_labelled"] == 0
    finally:
        lib.close()
