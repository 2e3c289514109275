"""Feature sets for training and evaluation, cached under /tmp (see features.cached)."""

from __future__ import annotations

import numpy as np

from .data import LabelledAbstract, LimitationSentence
from .features import abstract_features, cached, sentence_features


def _layers_tag(tag: str, span_layers) -> str:
    return tag + ("-L" + "_".join(str(i) for i in span_layers) if span_layers else "")


def abstracts_arrays(encoder, abstracts: list[LabelledAbstract], tag: str, *, progress=None, cancel=None,
                     span_layers=None, adapter=None) -> dict:
    """{"doc": (N, d), "sent": (M, d * layers), "offsets": (N+1,)} for labelled abstracts (``adapter``: see
    Encoder.encode_spans; its digest is part of the cache key)."""
    from .adapter import adapter_key

    def compute():
        docs, sents = abstract_features(encoder, [a.text for a in abstracts], [a.spans for a in abstracts],
                                        progress=progress, cancel=cancel, span_layers=span_layers, adapter=adapter)
        offsets = np.cumsum([0] + [len(s) for s in sents]).astype(np.int64)
        return {"doc": docs, "sent": np.concatenate(sents).astype(np.float32), "offsets": offsets}

    payload = [a.text + "\x1f" + repr(a.spans) for a in abstracts]
    return cached(encoder, _layers_tag(tag, span_layers) + adapter_key(adapter), payload, compute)


def window_state_arrays(encoder, abstracts: list[LabelledAbstract], tag: str, layer: int, *, progress=None,
                        cancel=None) -> dict:
    """Encoder.window_states of labelled abstracts at hidden state ``layer``, through the /tmp cache: what
    fine-tuning the layers above it reads instead of running the encoder again."""
    payload = [a.text + "\x1f" + repr(a.spans) for a in abstracts]
    return cached(encoder, f"{tag}-H{int(layer)}", payload,
                  lambda: encoder.window_states([a.text for a in abstracts], [a.spans for a in abstracts], layer,
                                                progress=progress, cancel=cancel))


def sentences_arrays(encoder, sentences: list[LimitationSentence], tag: str, *, progress=None, cancel=None,
                     span_layers=None) -> dict:
    def compute():
        docs, sents = sentence_features(encoder, [s.text for s in sentences], progress=progress, cancel=cancel,
                                        span_layers=span_layers)
        return {"doc": docs, "sent": sents}

    # "+doc": these arrays hold the one-sentence documents' vectors too (older caches do not)
    return cached(encoder, _layers_tag(tag + "+doc", span_layers), [s.text for s in sentences], compute)


def split_by_offsets(sent: np.ndarray, offsets: np.ndarray) -> list[np.ndarray]:
    return [sent[offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1)]
