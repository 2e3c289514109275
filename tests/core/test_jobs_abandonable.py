"""jobs.abandonable: a long call that reads no token (a model load) does not hold up a Cancel. The caller
ends Cancelled at once; the call finishes on its own thread and what it returns is dropped."""

from __future__ import annotations

import threading

import pytest


def test_a_cancel_during_the_load_ends_the_caller_and_drops_the_result():
    from gapscope.jobs import CancelToken, Cancelled, abandonable

    token = CancelToken()
    started, release, ended = threading.Event(), threading.Event(), threading.Event()

    def load():
        started.set()
        release.wait(30)
        ended.set()
        return "the model"

    def cancel_once_started():
        started.wait(30)
        token.cancel()

    canceller = threading.Thread(target=cancel_once_started)
    canceller.start()
    try:
        with pytest.raises(Cancelled):
            abandonable(load, token, name="test-load")
        assert not ended.is_set()                  # the caller did not wait for the load
    finally:
        release.set()
        canceller.join()
    loader = [t for t in threading.enumerate() if t.name == "test-load"]
    for t in loader:
        t.join(30)
    assert ended.is_set() and not any(t.is_alive() for t in loader)


def test_not_cancelled_the_load_gives_its_result_or_its_error():
    from gapscope.jobs import CancelToken, abandonable

    assert abandonable(lambda: 42, CancelToken()) == 42
    with pytest.raises(FileNotFoundError, match="no model"):
        abandonable(lambda: (_ for _ in ()).throw(FileNotFoundError("no model")), CancelToken())


def test_without_a_token_the_load_runs_in_the_callers_thread():
    from gapscope.jobs import abandonable

    assert abandonable(threading.current_thread, None) is threading.current_thread()


def test_load_encoder_without_a_token_is_the_encoder(monkeypatch):
    import gapscope.embed as embed
    from gapscope.embed.encoder import load_encoder
    from gapscope.jobs import CancelToken, Cancelled

    made = []

    class StandIn:
        def __init__(self, model=None, **kwargs):
            made.append((model, kwargs, threading.current_thread()))

    monkeypatch.setattr(embed, "Encoder", StandIn)
    assert isinstance(load_encoder("m", device="cpu"), StandIn)
    assert made == [("m", {"device": "cpu"}, threading.current_thread())]
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):                 # asked to stop before it began: nothing is loaded
        load_encoder(cancel=token)
    assert len(made) == 1
