"""The packed (padding-free) forward gives the model's own padded outputs; spans pool the right tokens;
_run takes another transformer; the worker threads leave torch's thread setting and no thread behind."""

import copy
import threading

import numpy as np
import pytest
import torch

from gapscope.embed import Encoder
from gapscope.embed.encoder import Window, _pool_spans
from gapscope.embed.store import abstract_text

from .facets_helpers import arxiv_records


@pytest.fixture(scope="module")
def texts(shared_data):
    out = [abstract_text(*r) for r in arxiv_records(str(shared_data), 10)]
    # equal lengths (one attention group), a one-word text and a text past the 256-token window
    return out + [out[0], out[0], "graphs", " ".join(out[:3])]


@pytest.fixture(scope="module")
def fp32():
    return Encoder(precision="fp32")


def _padded(enc, texts, **kw):
    enc.packed = False
    try:
        return enc.encode(texts, **kw)
    finally:
        enc.packed = True


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_packed_equals_padded_forward(texts, fp32, precision):
    enc = fp32 if precision == "fp32" else Encoder(device="cpu", precision="bf16")
    packed = enc.encode(texts, batch_size=4)
    padded = _padded(enc, texts, batch_size=4)
    cos = np.sum(packed * padded, axis=1)
    assert cos.min() > (0.99999 if precision == "fp32" else 0.999), cos
    assert np.allclose(np.linalg.norm(packed, axis=1), 1, atol=1e-5)


def test_batches_side_by_side_give_the_serial_vectors_and_leave_no_threads(texts, fp32):
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        serial = fp32.encode(texts, batch_size=2)
    finally:
        torch.set_num_threads(before)
    side = fp32.encode(texts, batch_size=2)
    assert np.abs(serial - side).max() < 1e-5
    assert torch.get_num_threads() == before
    assert not [t for t in threading.enumerate() if t.name.startswith("gapscope-embed")]


def test_spans_are_the_mean_of_their_tokens(texts, fp32):
    text = texts[1]
    spans = [(0, 40), (41, 120), (120, 121), (5, 5)]
    docs, vecs = fp32.encode_spans([text], [spans])
    tok = fp32.tokenizer(text, return_offsets_mapping=True, truncation=True, max_length=fp32.max_seq_length,
                         return_tensors="pt")
    offsets = tok.pop("offset_mapping")[0].tolist()
    with torch.inference_mode():
        hidden = fp32.transformer(**tok).last_hidden_state[0].float().numpy()
    for (cs, ce), got in zip(spans, vecs[0]):
        rows = [i for i, (a, b) in enumerate(offsets) if b > a and a < ce and b > cs]
        if not rows:                      # an empty span is a zero vector
            assert not np.any(got)
            continue
        want = hidden[rows].mean(axis=0)
        want /= np.linalg.norm(want)
        assert float(got @ want) > 0.99999
    want_doc = hidden.mean(axis=0)
    assert float(docs[0] @ (want_doc / np.linalg.norm(want_doc))) > 0.99999
    assert np.abs(docs[0] - fp32.encode([text])[0]).max() < 1e-5


@pytest.mark.parametrize("packed", [True, False])
def test_span_layers_pool_each_hidden_state(texts, fp32, packed):
    """span_layers: each span's vector is the pooled hidden states it names, end to end, each unit length,
    on the packed forward and on the model's own; the document vector stays the last layer's."""
    text = texts[2]
    spans = [(0, 60), (61, 150)]
    fp32.packed = packed
    try:
        docs, vecs = fp32.encode_spans([text], [spans], span_layers=[0, 2, 6])
        plain_docs, plain = fp32.encode_spans([text], [spans])
    finally:
        fp32.packed = True
    tok = fp32.tokenizer(text, return_offsets_mapping=True, truncation=True, max_length=fp32.max_seq_length,
                         return_tensors="pt")
    offsets = tok.pop("offset_mapping")[0].tolist()
    with torch.inference_mode():
        states = fp32.transformer(**tok, output_hidden_states=True).hidden_states
    d = fp32.dim
    assert vecs[0].shape == (2, 3 * d)
    for j, (cs, ce) in enumerate(spans):
        rows = [i for i, (a, b) in enumerate(offsets) if b > a and a < ce and b > cs]
        for k, layer in enumerate([0, 2, 6]):
            want = states[layer][0, rows].float().numpy().mean(axis=0)
            got = vecs[0][j, k * d:(k + 1) * d]
            assert float(got @ (want / np.linalg.norm(want))) > 0.99999, (j, layer)
    assert np.abs(vecs[0][:, 2 * d:] - plain[0]).max() < 1e-5
    assert np.abs(docs - plain_docs).max() < 1e-5
    with pytest.raises(ValueError, match="not 7"):
        fp32.encode_spans([text], [spans], span_layers=[2, 7])


def test_pool_spans_means_each_window_range():
    hidden = torch.arange(24, dtype=torch.float32).view(8, 3)
    got = _pool_spans(hidden, [0, 5], [[(0, 5), (1, 3)], [(0, 3), (2, 2)]]).numpy()
    h = hidden.numpy()
    assert np.allclose(got, [h[0:5].mean(0), h[1:3].mean(0), h[5:8].mean(0), np.zeros(3)])


def test_run_takes_another_transformer_and_sees_weight_changes(texts, fp32):
    other = copy.deepcopy(fp32.transformer)
    windows = [Window(w, [(0, len(w))], k) for k, w in enumerate(
        [[fp32.tokenizer.cls_token_id] + ids[:100] + [fp32.tokenizer.sep_token_id]
         for ids in fp32._tokenize(texts[:4])[0]])]
    own = np.stack([p[0] for p in fp32._run(windows, None, 4)])
    same = np.stack([p[0] for p in fp32._run(windows, None, 4, transformer=other)])
    assert np.abs(own - same).max() < 1e-5
    with torch.no_grad():
        other.encoder.layer[-1].output.dense.weight.mul_(0.5)      # trained in place between calls
    changed = np.stack([p[0] for p in fp32._run(windows, None, 4, transformer=other)])
    fp32.packed = False
    try:
        want = np.stack([p[0] for p in fp32._run(windows, None, 4, transformer=other)])
    finally:
        fp32.packed = True
    assert np.abs(changed - own).max() > 1e-3
    assert np.abs(changed - want).max() < 1e-4
    again = np.stack([p[0] for p in fp32._run(windows, None, 4)])
    assert np.abs(again - own).max() < 1e-6
