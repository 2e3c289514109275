"""What a Ray actor builds and runs: the core's own chunk functions, so results match the local path."""

from __future__ import annotations

from typing import Any, Callable, Optional


def _encoder(encoder_args: dict[str, Any], precision: str, threads: Optional[int]):
    from ..embed import Encoder

    return Encoder(encoder_args.get("model"), device=encoder_args.get("device"), precision=precision,
                   threads=threads)


def embed_worker(encoder_args: dict[str, Any], precision: str = "auto",
                 threads: Optional[int] = None) -> Callable[[Any], Any]:
    """``(texts, batch_size) -> vectors`` with :func:`gapscope.embed.library.encode_texts`."""
    from ..embed.library import encode_texts

    encoder = _encoder(encoder_args, precision, threads)
    return lambda work: encode_texts(encoder, work[0], work[1])


def facets_worker(encoder_args: dict[str, Any], model, precision: str = "auto",
                  threads: Optional[int] = None) -> Callable[[Any], Any]:
    """``(texts, spans, sentence texts, batch_size) -> (docs, labels)`` with
    :func:`gapscope.facets.store.classify_texts`."""
    from ..facets.store import classify_texts

    encoder = _encoder(encoder_args, precision, threads)
    return lambda work: classify_texts(encoder, model, *work)
