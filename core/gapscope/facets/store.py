"""Facet sentences in the library: classify every abstract, read them back with user corrections."""

from __future__ import annotations

import contextlib
from typing import Any, Optional, Sequence

from .. import settings
from ..jobs import CancelToken, ChunkRunner, ProgressFn, check, local_runner, report
from .split import split_sentences

CHUNK = 256                  # abstracts per encoder pass and per commit: the unit of resume and cancel


def _hash(text: str) -> str:
    from ..embed.store import text_hash

    return text_hash(text)


def facet_encoder_args(lib, model) -> dict[str, Any]:
    """The keyword arguments of the facet model's :class:`Encoder`, the same here and on a cluster worker."""
    enc_model = model.encoder_model
    return {"model": None if enc_model in (None, "all-MiniLM-L6-v2") else enc_model, "device": settings.device(lib)}


def prepare_chunk(rows: Sequence[tuple[int, str, str]]):
    """(texts to encode, sentence spans inside them, sentence splits) of (paper id, title, abstract) rows."""
    from ..embed import store as vstore

    texts, spans, splits = [], [], []
    for pid, title, abstract in rows:
        sents = split_sentences(abstract)
        body = abstract.strip()
        lead = len(abstract) - len(abstract.lstrip())
        text = vstore.abstract_text(title, abstract)
        shift = len(text) - len(body) - lead        # where the abstract starts inside the encoded text
        splits.append(sents)
        texts.append(text)
        spans.append([(a + shift, b + shift) for a, b, _ in sents])
    return texts, spans, splits


def classify_texts(encoder, model, texts, spans, sentence_texts, batch_size: Optional[int] = None, *,
                   cancel: Optional[CancelToken] = None):
    """One chunk's (document vectors, [(labels, confidences)] per text): one encoder pass and the facet
    head. The unit of work of the local path and of a cluster worker alike."""
    docs, vecs = encoder.encode_spans(texts, spans, batch_size=batch_size, cancel=cancel,
                                      span_layers=model.span_layers)
    return docs, model.predict(docs, vecs, sentence_texts)


def classify_library(lib, *, progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None,
                     model=None, encoder=None, paper_ids: Optional[Sequence[int]] = None, redo: bool = False,
                     batch_size: Optional[int] = None, runner: Optional[ChunkRunner] = None,
                     encoder_model_id: Optional[str] = None, chunk: Optional[int] = None) -> dict[str, Any]:
    """Split and label the abstract of every paper not yet classified by this facet model (or whose
    abstract changed). One encoder pass per abstract also yields its ``abstract`` embedding, which
    goes into the vector cache, so a later ``embed_library`` does not encode abstracts again.

    ``runner`` (e.g. gapscope.cluster's): computes the chunks elsewhere. It is called with an iterable
    of ``(texts, spans, sentence texts, batch_size)`` and yields ``(index, result)`` in any order, each
    result being :func:`classify_texts` of that chunk; this process stays the one writer and commits
    each as it arrives. ``encoder_model_id``: the runner's encoder model id (for the vector cache)."""
    from ..embed import store as vstore
    from ..embed.library import library_model
    from .model import load_model

    model = model or load_model()
    rows = lib.facet_states()
    wanted = None if paper_ids is None else set(int(i) for i in paper_ids)
    todo = [(pid, title, abstract) for pid, title, abstract, fm, ah in rows
            if (wanted is None or pid in wanted)
            and (redo or fm != model.model_id or ah != _hash(abstract))]
    stats = {"facet_model": model.model_id, "papers": len(rows) if wanted is None else len(wanted),
             "classified": 0, "sentences": 0, "skipped_up_to_date": (len(rows) if wanted is None else len(wanted)) - len(todo)}
    if not todo:
        report(progress, 1, 1, "all papers classified")
        return stats
    if runner is None:
        if encoder is None:
            from ..embed import Encoder

            encoder = Encoder(**facet_encoder_args(lib, model))
        runner = local_runner(lambda work: classify_texts(encoder, model, *work, cancel=cancel))
    enc_id = encoder.model_id if encoder is not None else (encoder_model_id or model.encoder_model or "all-MiniLM-L6-v2")
    cache_abstracts = enc_id == library_model(lib)
    total = len(todo)
    chunk = chunk or CHUNK
    chunks = [todo[s:s + chunk] for s in range(0, total, chunk)]
    prepared: dict[int, tuple] = {}

    def work():
        for i, part in enumerate(chunks):
            prepared[i] = prepare_chunk(part)
            texts, spans, splits = prepared[i]
            yield texts, spans, [[st.text for st in sents] for sents in splits], batch_size

    report(progress, 0, total, "classifying")
    check(cancel)
    with contextlib.closing(iter(runner(work()))) as results:
        for i, (docs, preds) in results:
            part, (texts, _, splits) = chunks[i], prepared.pop(i)
            with lib.transaction():
                for (pid, title, abstract), sents, (labels, confs) in zip(part, splits, preds):
                    lib.put_paper_sentences(
                        pid, [(st.start, st.end, st.text, lab, round(c, 4)) for st, lab, c in zip(sents, labels, confs)],
                        facet_model=model.model_id, abstract_hash=_hash(abstract))
                    stats["sentences"] += len(sents)
                if cache_abstracts:
                    hashes = [vstore.text_hash(t) for t in texts]
                    vstore.put_vectors(lib, enc_id, hashes, docs)
                    vstore.put_mapping(lib, enc_id, [(c[0], "abstract", h) for c, h in zip(part, hashes)])
            stats["classified"] += len(part)
            report(progress, stats["classified"], total, f"classified {stats['classified']}/{total}")
            check(cancel)
    return stats


def paper_sentences(lib, paper_id: int) -> list[dict[str, Any]]:
    """The sentences of a paper's abstract with their effective label (the user's correction wins)."""
    return lib.sentences_of(paper_id)


def uncertain_sentences(lib, label: Optional[str] = None, below: Optional[float] = None, limit: int = 50,
                        paper_id: Optional[int] = None) -> list[dict[str, Any]]:
    """The classifier's least certain labels across the library (or one paper), lowest confidence first:
    the sentences worth checking first (the confidence tracks accuracy; see docs/facets.md). A sentence
    the user corrected is settled and left out; ``label`` keeps one facet label only, ``below`` the labels
    under that confidence."""
    return lib.uncertain_sentences(label=label, below=below, limit=limit, paper_id=paper_id)


def facet_texts(lib, paper_ids: Optional[Sequence[int]] = None) -> dict[int, dict[str, str]]:
    """{paper_id: {"method": ..., "result": ..., "limitation": ...}} (see Library.facet_texts)."""
    return lib.facet_texts(paper_ids)


def facet_counts(lib) -> dict[str, int]:
    return lib.facet_label_counts()
