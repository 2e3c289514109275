"""embed.encoder.load_encoder keeps one Encoder per process for each (model, device, precision, threads): the
seconds of imports and weights are paid once, by the GUI's jobs and by a CLI command that encodes twice."""

from __future__ import annotations

import threading

import pytest


@pytest.fixture
def stand_in(monkeypatch):
    """gapscope.embed.Encoder replaced by a class that records each load; the cache is empty before and after."""
    import gapscope.embed as embed
    from gapscope.embed.encoder import clear_encoder_cache

    made = []

    class StandIn:
        gate = None                  # a threading.Event the load waits for, when a test sets one

        def __init__(self, model=None, **kwargs):
            if StandIn.gate is not None:
                StandIn.gate.wait(30)
            made.append((model, kwargs))

    StandIn.made = made
    monkeypatch.setattr(embed, "Encoder", StandIn)
    clear_encoder_cache()
    yield StandIn
    clear_encoder_cache()


def test_a_second_load_is_the_same_encoder_and_a_cleared_cache_loads_anew(stand_in):
    from gapscope.embed.encoder import clear_encoder_cache, load_encoder

    first = load_encoder("m", device="cpu")
    assert load_encoder("m", device="cpu") is first
    assert stand_in.made == [("m", {"device": "cpu"})]
    clear_encoder_cache()
    assert load_encoder("m", device="cpu") is not first
    assert len(stand_in.made) == 2


def test_other_arguments_are_another_encoder(stand_in):
    from gapscope.embed.encoder import load_encoder

    base = load_encoder("m", device="cpu")
    assert load_encoder("m", device="cpu", precision="auto") is base      # the default spelled out
    assert load_encoder("other", device="cpu") is not base
    assert load_encoder("m", device="cpu", precision="fp32") is not base
    assert load_encoder("m", device="cpu", threads=1) is not base


def test_two_threads_asking_at_once_load_it_once(stand_in):
    from gapscope.embed.encoder import load_encoder

    stand_in.gate = threading.Event()
    got = []
    workers = [threading.Thread(target=lambda: got.append(load_encoder("m", device="cpu"))) for _ in range(2)]
    for w in workers:
        w.start()
    stand_in.gate.set()
    for w in workers:
        w.join(30)
    assert len(got) == 2 and got[0] is got[1]
    assert len(stand_in.made) == 1


def test_a_cancelled_load_ends_the_caller_and_is_kept_for_the_next(stand_in):
    from gapscope.embed.encoder import load_encoder
    from gapscope.jobs import CancelToken, Cancelled

    stand_in.gate = threading.Event()
    token = CancelToken()
    threading.Timer(0.2, token.cancel).start()
    with pytest.raises(Cancelled):
        load_encoder("m", device="cpu", cancel=token)
    assert stand_in.made == []                   # the caller did not wait for the load
    stand_in.gate.set()
    again = load_encoder("m", device="cpu", cancel=CancelToken())
    assert load_encoder("m", device="cpu") is again
    assert len(stand_in.made) == 1               # the abandoned load was the one kept


def _held(ref) -> bool:
    import gc

    gc.collect()
    return ref() is not None


def test_a_model_loaded_with_other_settings_lets_the_old_one_go(stand_in):
    """A changed device preference (or precision) in a long GUI session: the encoder of the old setting
    (on the GPU, say) is not held for the rest of the process."""
    import weakref

    from gapscope.embed.encoder import load_encoder

    old = weakref.ref(load_encoder("m", device="cpu", precision="fp32"))
    assert _held(old)
    load_encoder("m", device="cpu", precision="bf16")
    assert not _held(old)


def test_the_device_preference_and_the_device_it_resolves_to_are_one_encoder(stand_in, monkeypatch):
    """The facets ask for settings.device() ("cpu"), the concepts for the preference ("auto", here the
    CPU): one encoder, not two copies of one model (nor two that push each other out)."""
    from gapscope import settings
    from gapscope.embed.encoder import load_encoder

    monkeypatch.setenv("GAPSCOPE_DEVICE", "auto")
    monkeypatch.setattr(settings, "resolve_device", lambda preference, source="": "cpu")
    assert load_encoder("m") is load_encoder("m", device="cpu")
    assert len(stand_in.made) == 1


def test_only_the_latest_models_are_held(stand_in):
    import weakref

    from gapscope.embed.encoder import ENCODERS_KEPT, load_encoder

    first = weakref.ref(load_encoder("m0", device="cpu"))
    for k in range(1, ENCODERS_KEPT):
        load_encoder(f"m{k}", device="cpu")
    load_encoder("m0", device="cpu")              # used again: the latest
    assert _held(first)
    load_encoder("one more", device="cpu")
    assert _held(first) and len(stand_in.made) == ENCODERS_KEPT + 1
