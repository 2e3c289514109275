"""embed.phrase_cache: short texts' vectors kept on disk by the encoder that made them; the encoder is loaded
only for a text not kept, and a damaged file costs an encoding, nothing else."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def stand_in(monkeypatch):
    """gapscope.embed.Encoder replaced by one that records its loads and the texts it encodes."""
    import gapscope.embed as embed
    from gapscope.embed.encoder import clear_encoder_cache

    class StandIn:
        loads, encoded = [], []

        def __init__(self, model=None, **kwargs):
            StandIn.loads.append(model)

        def encode(self, texts, cancel=None):
            StandIn.encoded.append(list(texts))
            return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)

    monkeypatch.setattr(embed, "Encoder", StandIn)
    clear_encoder_cache()
    yield StandIn
    clear_encoder_cache()


def test_kept_texts_need_no_encoder(stand_in):
    from gapscope.embed.encoder import clear_encoder_cache
    from gapscope.embed.phrase_cache import kept_encoder

    first = kept_encoder(None)(["cache", "kv", "cache"])
    assert first.tolist() == [[5, 1, 0], [2, 1, 0], [5, 1, 0]]
    assert stand_in.encoded == [["cache", "kv"]]
    clear_encoder_cache()                                 # a new process
    again = kept_encoder(None)
    assert again(["kv", "cache"]).tolist() == [[2, 1, 0], [5, 1, 0]]
    assert stand_in.loads == [None] and stand_in.encoded == [["cache", "kv"]]
    assert again(["kv", "pruning"]).tolist() == [[2, 1, 0], [7, 1, 0]]
    assert stand_in.loads == [None, None] and stand_in.encoded[-1] == ["pruning"]      # only the new text


def test_a_damaged_file_is_encoded_afresh(stand_in):
    from gapscope.embed.phrase_cache import PhraseVectors, encoder_key, kept_encoder

    kept_encoder(None)(["cache"])
    path = PhraseVectors(encoder_key(None)).path
    path.write_bytes(b"not a zip")
    assert kept_encoder(None)(["cache"]).tolist() == [[5, 1, 0]]
    assert len(stand_in.encoded) == 2
    assert PhraseVectors(encoder_key(None)).get(["cache"])["cache"].tolist() == [5, 1, 0]     # written again


def test_another_model_or_device_is_another_file(monkeypatch, tmp_path):
    from gapscope.embed.phrase_cache import encoder_key

    base = encoder_key(None)
    assert encoder_key(str(tmp_path)) != base
    monkeypatch.setenv("GAPSCOPE_DEVICE", "cpu")
    assert encoder_key(None) != base


def test_two_writers_of_one_file_keep_each_others_vectors(stand_in):
    """Two processes (the GUI and a CLI relabel) read the file, then each writes what it encoded: the
    second write keeps the first's vectors instead of writing its own older view over them."""
    from gapscope.embed.phrase_cache import PhraseVectors, encoder_key

    key = encoder_key(None)
    one, two = PhraseVectors(key), PhraseVectors(key)
    assert one.get(["a"]) == {} and two.get(["b"]) == {}          # both read the (missing) file first
    one.put({"a": np.ones(3, np.float32)})
    two.put({"b": np.zeros(3, np.float32)})
    assert set(PhraseVectors(key).get(["a", "b"])) == {"a", "b"}


def test_kept_vectors_of_another_width_are_encoded_again(stand_in):
    """A file whose vectors the encoder cannot have made (another model under the same path, a file
    written wrong) costs an encoding, not a failed relabel."""
    from gapscope.embed.phrase_cache import PhraseVectors, encoder_key, kept_encoder

    PhraseVectors(encoder_key(None)).put({"cache": np.ones(5, np.float32)})
    assert kept_encoder(None)(["cache", "kv"]).tolist() == [[5, 1, 0], [2, 1, 0]]
    assert PhraseVectors(encoder_key(None)).get(["cache"])["cache"].tolist() == [5, 1, 0]
