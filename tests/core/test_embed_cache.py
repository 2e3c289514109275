"""The vector cache: nothing is embedded twice, new papers embed only themselves, cancel keeps batches."""

import numpy as np
import pytest

from gapscope.embed import Encoder, embed_library, load_vectors
from gapscope.embed.store import abstract_text
from gapscope.jobs import CancelToken, Cancelled

from .facets_helpers import add_papers, arxiv_records


@pytest.fixture(scope="module")
def encoder():
    return Encoder(precision="fp32")


def test_second_run_embeds_nothing_and_new_papers_embed_only_themselves(library, shared_data, encoder):
    recs = arxiv_records(str(shared_data), 15)
    ids = add_papers(library, recs[:12])
    before = encoder.calls
    stats = embed_library(library, kinds=("abstract",), encoder=encoder)
    assert stats["embedded"] == 12 and encoder.calls - before == 12
    got_ids, vecs = load_vectors(library, "abstract", model_id=encoder.model_id)
    assert list(got_ids) == ids and vecs.shape == (12, encoder.dim) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
    # the stored (float16) vector is the encoder's vector
    direct = encoder.encode([abstract_text(*recs[0])])[0]
    assert float(direct @ vecs[0]) > 0.9999

    before = encoder.calls
    assert embed_library(library, kinds=("abstract",), encoder=encoder)["embedded"] == 0
    assert encoder.calls == before

    new = add_papers(library, recs[12:15])
    stats = embed_library(library, kinds=("abstract",), encoder=encoder)
    assert stats["embedded"] == 3 and encoder.calls - before == 3
    got_ids, _ = load_vectors(library, "abstract", model_id=encoder.model_id, paper_ids=new)
    assert list(got_ids) == new


def test_same_text_is_embedded_once(library, shared_data, encoder):
    title, abstract = arxiv_records(str(shared_data), 1)[0]
    add_papers(library, [(title, abstract), (title, abstract)])
    before = encoder.calls
    assert embed_library(library, kinds=("abstract",), encoder=encoder)["embedded"] == 1
    assert encoder.calls - before == 1
    assert len(load_vectors(library, "abstract", model_id=encoder.model_id)[0]) == 2


def test_cancel_between_batches_keeps_committed_chunks(library, shared_data, encoder, monkeypatch):
    import gapscope.embed.library as lib_mod

    monkeypatch.setattr(lib_mod, "CHUNK", 4)
    add_papers(library, arxiv_records(str(shared_data), 10))
    token = CancelToken()

    def progress(done, total, message=""):
        if done >= 4:
            token.cancel()

    with pytest.raises(Cancelled):
        embed_library(library, kinds=("abstract",), encoder=encoder, progress=progress, cancel=token)
    assert len(load_vectors(library, "abstract", model_id=encoder.model_id)[0]) == 4
    stats = embed_library(library, kinds=("abstract",), encoder=encoder)      # resumes
    assert stats["embedded"] == 6


def test_encoder_cancel_between_batches(shared_data, encoder):
    texts = [abstract_text(*r) for r in arxiv_records(str(shared_data), 6)]
    token = CancelToken()
    calls = []

    def progress(done, total, message=""):
        calls.append(done)
        if done > 0:
            token.cancel()

    with pytest.raises(Cancelled):
        encoder.encode(texts, batch_size=2, progress=progress, cancel=token)
    assert 0 < max(calls) < len(texts)


def test_cancel_while_the_texts_are_read_writes_nothing(library, shared_data, monkeypatch):
    """Reading and hashing every paper's texts is seconds on a big library before anything is encoded: a
    Cancel then stops before the vector cache and its mapping are touched (and before a model loads)."""
    import gapscope.embed.library as lib_mod
    import gapscope.embed.store as vstore

    add_papers(library, arxiv_records(str(shared_data), 5))
    token = CancelToken()
    real_texts, written = lib_mod.paper_kind_texts, []

    def texts_then_cancel(*args, **kwargs):
        out = real_texts(*args, **kwargs)
        token.cancel()
        return out

    def no_load(*args, **kwargs):
        written.append("the model loaded")
        raise AssertionError("the model loaded after the Cancel")

    monkeypatch.setattr(lib_mod, "paper_kind_texts", texts_then_cancel)
    monkeypatch.setattr(vstore, "put_mapping", lambda *a, **kw: written.append(a))
    monkeypatch.setattr("gapscope.embed.Encoder", no_load)
    monkeypatch.setattr("gapscope.embed.encoder.Encoder", no_load)
    with pytest.raises(Cancelled):
        embed_library(library, kinds=("abstract",), encoder=None, cancel=token)
    assert not written
