"""The fast path gives the vectors of plain SentenceTransformer.encode; bf16 stays within cosine 0.999."""

import numpy as np

from gapscope.embed import Encoder
from gapscope.embed.store import abstract_text

from .facets_helpers import arxiv_records


def test_fast_path_matches_plain_encode_and_bf16_is_close(shared_data):
    texts = [abstract_text(*r) for r in arxiv_records(str(shared_data), 12)]
    texts.append("short one")
    fp32 = Encoder(precision="fp32")
    plain = fp32.st.encode(texts, convert_to_numpy=True, normalize_embeddings=True)
    fast = fp32.encode(texts, batch_size=4)
    assert np.min(np.sum(plain * fast, axis=1)) > 0.99999
    bf16 = Encoder(device="cpu", precision="bf16").encode(texts)
    cos = np.sum(plain * bf16, axis=1)
    assert cos.min() >= 0.999, cos


def test_span_vectors_cover_sentences_past_the_window(shared_data):
    enc = Encoder(precision="fp32")
    sent = "We evaluate the proposed sparse attention model on four long document benchmarks."
    text = " ".join([sent] * 40)                  # ~600 tokens: needs three windows
    spans = [(i * (len(sent) + 1), i * (len(sent) + 1) + len(sent)) for i in range(40)]
    docs, vecs = enc.encode_spans([text], [spans])
    assert vecs[0].shape == (40, enc.dim)
    assert np.all(np.abs(np.linalg.norm(vecs[0], axis=1) - 1) < 1e-4)
    assert float(docs[0] @ enc.encode([text])[0]) > 0.9999          # same as plain encode (truncated)
    assert float(vecs[0][-1] @ vecs[0][0]) > 0.8                      # the last sentences were pooled too
