"""``embed`` and ``facets`` of a library on Ray: the core's writer loop here, its chunks on Ray actors."""

from __future__ import annotations

import functools
from typing import Any, Optional, Sequence

from ..jobs import CancelToken, ProgressFn
from ..vocabulary import EMBED_KINDS
from .pool import RayChunkRunner
from .workers import embed_worker, facets_worker


def _device_preference(lib, device: Optional[str]) -> str:
    """The device as asked for (command line, else env / library / user setting), left for each worker to
    resolve: "auto" on a GPU worker is its GPU, not what this (maybe GPU-less) machine has."""
    from ..settings import Settings

    return device or Settings(lib).lookup("device")[0]


def _actor_gpus(encoder_args: dict[str, Any]) -> float:
    """One GPU per actor when CUDA is asked for (Ray hides the GPUs from actors that reserve none)."""
    return 1.0 if str(encoder_args.get("device") or "").startswith("cuda") else 0.0


def embed_library_ray(lib, kinds: Sequence[str] = EMBED_KINDS, *, actors: int = 2, cpus_per_actor: int = 1,
                      device: Optional[str] = None, precision: str = "auto",
                      batch_size: Optional[int] = None, chunk: Optional[int] = None,
                      progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None,
                      runner: Optional[RayChunkRunner] = None) -> dict[str, Any]:
    """:func:`gapscope.embed.embed_library` with its chunks encoded by ``actors`` Ray actors (Ray must be
    initialised: see :func:`gapscope.cluster.ray_session`), with the library's model (setting
    ``embed.model``). Each actor runs ``cpus_per_actor`` torch threads, or one GPU when the device is CUDA."""
    from ..embed.library import embed_library, library_model, model_source

    model_id = library_model(lib)
    args = {"model": model_source(lib, model_id), "device": _device_preference(lib, device)}
    if runner is None:
        runner = RayChunkRunner(functools.partial(embed_worker, args, precision, cpus_per_actor),
                                actors=actors, cpus=cpus_per_actor, gpus=_actor_gpus(args))
    return embed_library(lib, kinds, progress=progress, cancel=cancel, batch_size=batch_size,
                         model_id=model_id,
                         runner=runner, chunk=chunk)


def classify_library_ray(lib, *, model=None, actors: int = 2, cpus_per_actor: int = 1,
                         device: Optional[str] = None, precision: str = "auto", redo: bool = False,
                         batch_size: Optional[int] = None, chunk: Optional[int] = None,
                         paper_ids: Optional[Sequence[int]] = None, progress: Optional[ProgressFn] = None,
                         cancel: Optional[CancelToken] = None,
                         runner: Optional[RayChunkRunner] = None) -> dict[str, Any]:
    """:func:`gapscope.facets.classify_library` with its chunks encoded and labelled by Ray actors (the
    facet head travels to the actors with the encoder's settings)."""
    import os

    from ..facets.model import load_model
    from ..facets.store import classify_library

    model = model or load_model()
    enc_model = model.encoder_model
    args = {"model": None if enc_model in (None, "all-MiniLM-L6-v2") else enc_model,
            "device": _device_preference(lib, device)}
    enc_id = "all-MiniLM-L6-v2" if args["model"] is None else os.path.basename(str(args["model"]).rstrip("/"))
    if runner is None:
        runner = RayChunkRunner(functools.partial(facets_worker, args, model, precision, cpus_per_actor),
                                actors=actors, cpus=cpus_per_actor, gpus=_actor_gpus(args))
    return classify_library(lib, model=model, redo=redo, batch_size=batch_size, paper_ids=paper_ids,
                            progress=progress, cancel=cancel, runner=runner, encoder_model_id=enc_id, chunk=chunk)


def embed_corpus_ray(path, out, *, actors: int = 2, cpus_per_actor: int = 1, device: Optional[str] = None,
                     precision: str = "auto", shard_size: Optional[int] = None, batch_size: Optional[int] = None,
                     limit: Optional[int] = None, progress: Optional[ProgressFn] = None,
                     cancel: Optional[CancelToken] = None, runner: Optional[RayChunkRunner] = None) -> dict[str, Any]:
    """:func:`gapscope.embed.corpus.embed_corpus` with each shard encoded by a Ray actor (the bundled
    model; ``device`` as asked, resolved on each worker) and written here as it comes back."""
    from ..embed.corpus import SHARD_SIZE, embed_corpus

    args = {"model": None, "device": device or "auto"}
    if runner is None:
        runner = RayChunkRunner(functools.partial(embed_worker, args, precision, cpus_per_actor),
                                actors=actors, cpus=cpus_per_actor, gpus=_actor_gpus(args))
    return embed_corpus(path, out, shard_size=shard_size or SHARD_SIZE, runner=runner, batch_size=batch_size,
                        limit=limit, progress=progress, cancel=cancel)
