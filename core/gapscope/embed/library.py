"""Embed a library's texts through the cache: only texts never embedded by this model are encoded."""

from __future__ import annotations

import contextlib
from typing import Any, Optional, Sequence

import numpy as np

from ..jobs import CancelToken, ChunkRunner, ProgressFn, check, local_runner, report
from .. import settings
from ..vocabulary import EMBED_KINDS
from . import store
from .encoder import DEFAULT_MODEL

CHUNK = 1024                 # texts encoded (and committed) together: the unit of resume and cancel


FACET_VECTORS = ("pooled", "encoded")


def facet_vectors_mode(lib) -> str:
    """How facet texts get their vectors (setting ``facets.vectors``): ``pooled`` (default) = the mean of
    the sentences' vectors from the abstract's one encoder pass, made by ``gapscope facets``; a text with
    no pooled vector (a correction changed it) is encoded on its own. ``encoded`` = every facet text
    encoded on its own, a second pass (benchmarks/shortcomings/README.md compares the two)."""
    return settings.library_value(lib, "facets.vectors")     # a bad stored value: a warning, the default


def library_model(lib) -> str:
    """The model the library's vectors are made with (setting ``embed.model``), default all-MiniLM-L6-v2."""
    return settings.library_value(lib, "embed.model")


def paper_kind_texts(lib, kinds: Sequence[str], paper_ids: Optional[Sequence[int]] = None) -> dict[str, dict[int, str]]:
    """{kind: {paper_id: text}}; a paper without that text (no shortcoming sentence ...) is left out."""
    out: dict[str, dict[int, str]] = {}
    wanted = None if paper_ids is None else set(int(i) for i in paper_ids)
    if "abstract" in kinds:
        out["abstract"] = {pid: store.abstract_text(t, a) for pid, t, a in lib.paper_title_abstracts()
                           if wanted is None or pid in wanted}
    facet_kinds = [k for k in kinds if k != "abstract"]
    if facet_kinds:
        ft = lib.facet_texts(paper_ids)
        for k in facet_kinds:
            out[k] = {pid: d[k] for pid, d in ft.items() if d.get(k)}
    for k in kinds:
        out.setdefault(k, {})
    return out


def library_encoder_args(lib, model: Optional[str] = None) -> dict[str, Any]:
    """How to build the library's encoder anywhere (this process or a cluster worker): the keyword
    arguments of :class:`Encoder` for model ``model`` (default: the library's ``embed.model``)."""
    model = model or library_model(lib)
    return {"model": model_source(lib, model), "device": settings.device(lib)}


def model_source(lib, model: str) -> Optional[str]:
    """What :class:`Encoder` loads for ``model``: None for the default model, else where it was loaded
    from when the library was embedded with it (setting ``embed.model_path``), else its name."""
    if model == DEFAULT_MODEL:
        return None
    return settings.library_value(lib, "embed.model_path") or model


def encode_texts(encoder, texts: Sequence[str], batch_size: Optional[int] = None, *,
                 cancel: Optional[CancelToken] = None) -> np.ndarray:
    """One chunk's vectors: the unit of work of the local path and of a cluster worker alike."""
    return encoder.encode(list(texts), batch_size=batch_size, cancel=cancel)


def embed_library(lib, kinds: Sequence[str] = EMBED_KINDS, encoder=None, *, progress: Optional[ProgressFn] = None,
                  cancel: Optional[CancelToken] = None, paper_ids: Optional[Sequence[int]] = None,
                  batch_size: Optional[int] = None, model_id: Optional[str] = None,
                  runner: Optional[ChunkRunner] = None, chunk: Optional[int] = None) -> dict[str, Any]:
    """Make sure every paper's texts of ``kinds`` have a vector of the encoder's model.

    The model is loaded only when something is missing. Work is committed every ``chunk`` (default CHUNK) texts,
    so a cancelled or interrupted run resumes where it stopped. Returns counts per kind.

    ``runner`` (e.g. gapscope.cluster's): computes the chunks elsewhere. It is called with an iterable
    of ``(texts, batch_size)`` and yields ``(index, vectors)`` in any order, each vectors being
    :func:`encode_texts` of that chunk; this process stays the one writer and commits each as it
    arrives. ``model_id`` names the runner's model (default: the library's)."""
    for k in kinds:
        if k not in EMBED_KINDS:
            raise ValueError(f"unknown kind {k!r}; choose from {', '.join(EMBED_KINDS)}")
    model = encoder.model_id if encoder is not None else (model_id or library_model(lib))
    texts = paper_kind_texts(lib, kinds, paper_ids)
    check(cancel)                                # reading and hashing the texts is seconds on a big library
    have = store.cached_hashes(lib, model)
    check(cancel)
    pooled = facet_vectors_mode(lib) == "pooled"
    stats: dict[str, Any] = {"model": model, "kinds": {}}
    if pooled and "shortcoming" in kinds:
        # a paper with a labelled PDF: its abstract's and its full text's shortcoming vectors, pooled together
        from .compose import compose_shortcoming_vectors

        stats["composed"] = compose_shortcoming_vectors(lib, model, texts["shortcoming"], have, paper_ids)
    todo: dict[str, str] = {}                    # hash -> text, each missing text once
    mapping_now: list[tuple[int, str, str]] = []
    pending: list[tuple[int, str, str]] = []
    for k in kinds:
        check(cancel)
        cur = store.current_mapping(lib, model, k)
        n_new = 0
        for pid, t in texts[k].items():
            h = store.text_hash(t)
            if pooled and k != "abstract" and store.pooled_hash(t) in have:
                h = store.pooled_hash(t)
            if h in have:
                if cur.get(pid) != h:
                    mapping_now.append((pid, k, h))
            else:
                if h not in todo:
                    todo[h] = t
                    n_new += 1
                pending.append((pid, k, h))
        # papers that lost their text of this kind (e.g. no shortcoming sentence any more)
        scope = set(texts[k]) if paper_ids is None else set(int(i) for i in paper_ids)
        mapping_now += [(pid, k, "") for pid in cur if pid not in texts[k] and pid in scope]
        stats["kinds"][k] = {"texts": len(texts[k]), "to_embed": n_new}
    if mapping_now:
        store.put_mapping(lib, model, mapping_now)
    # texts given a vector made earlier (the facets pass pools facet vectors and embeds abstracts)
    stats["reused"] = sum(1 for r in mapping_now if r[2])
    items = sorted(todo.items(), key=lambda kv: len(kv[1]))   # similar lengths share a chunk
    stats["embedded"] = 0
    if items:
        if runner is None:
            if encoder is None:
                from .encoder import load_encoder

                encoder = load_encoder(**library_encoder_args(lib, model), cancel=cancel)
            runner = local_runner(lambda work: encode_texts(encoder, work[0], work[1], cancel=cancel))
        by_hash: dict[str, list[tuple[int, str, str]]] = {}
        for row in pending:
            by_hash.setdefault(row[2], []).append(row)
        total = len(items)
        chunk = chunk or CHUNK
        chunks = [items[s:s + chunk] for s in range(0, total, chunk)]
        report(progress, 0, total, "embedding")
        check(cancel)
        with contextlib.closing(iter(runner(([t for _, t in c], batch_size) for c in chunks))) as results:
            for i, vecs in results:
                part = chunks[i]
                with lib.transaction():
                    store.put_vectors(lib, model, [h for h, _ in part], vecs)
                    store.put_mapping(lib, model, [r for h, _ in part for r in by_hash.get(h, [])])
                stats["embedded"] += len(part)
                report(progress, stats["embedded"], total, f"embedded {stats['embedded']}/{total}")
                check(cancel)
    else:
        report(progress, 1, 1, "nothing to embed")
    return stats


def load_vectors(lib, kind: str, model_id: Optional[str] = None,
                 paper_ids: Optional[Sequence[int]] = None) -> tuple[np.ndarray, np.ndarray]:
    """(paper ids int64, L2-normalised float32 vectors) of one kind, sorted by paper id."""
    if kind not in EMBED_KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose from {', '.join(EMBED_KINDS)}")
    ids, vecs = store.load(lib, kind, model_id or library_model(lib), paper_ids)
    if len(vecs):
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    return ids, vecs
