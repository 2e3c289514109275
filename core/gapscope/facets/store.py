"""Facet sentences in the library: classify every abstract, read them back with user corrections."""

from __future__ import annotations

import contextlib
from typing import Any, Optional, Sequence

from .. import settings
from ..jobs import CancelToken, ChunkRunner, ProgressFn, check, local_runner, report
from ..store.library import now_iso
from ..vocabulary import FACET_TEXT_LABELS, FULLTEXT_SHORTCOMING_SECTIONS
from .split import split_sentences

CHUNK = 256                  # abstracts per encoder pass and per commit: the unit of resume and cancel


def _hash(text: str) -> str:
    from ..embed.store import text_hash

    return text_hash(text)


def paper_spans(title: str, abstract: str):
    """(the encoded text "title. abstract", each sentence's span in it, the sentences with their offsets
    into the abstract)."""
    from ..embed import store as vstore

    sents = split_sentences(abstract)
    body = abstract.strip()
    lead = len(abstract) - len(abstract.lstrip())
    text = vstore.abstract_text(title, abstract)
    shift = len(text) - len(body) - lead        # where the abstract starts inside the encoded text
    return text, [(a + shift, b + shift) for a, b, _ in sents], sents


def facet_encoder_args(lib, model) -> dict[str, Any]:
    """The keyword arguments of the facet model's :class:`Encoder`, the same here and on a cluster worker."""
    enc_model = model.encoder_model
    return {"model": None if enc_model in (None, "all-MiniLM-L6-v2") else enc_model, "device": settings.device(lib)}


def prepare_chunk(rows: Sequence[tuple[int, str, str]]):
    """(texts to encode, sentence spans inside them, sentence splits) of (paper id, title, abstract) rows."""
    texts, spans, splits = [], [], []
    for pid, title, abstract in rows:
        text, sp, sents = paper_spans(title, abstract)
        splits.append(sents)
        texts.append(text)
        spans.append(sp)
    return texts, spans, splits


def classify_texts(encoder, model, texts, spans, splits, batch_size: Optional[int] = None, pooled: bool = False, *,
                   cancel: Optional[CancelToken] = None):
    """One chunk's (document vectors, labels per text, pooled facet vectors per text or None): one
    encoder pass and the facet head. The unit of work of the local path and of a cluster worker alike
    (only these, not the wide sentence vectors, go back to the writer)."""
    layers = model.span_layers or [encoder.num_layers]
    wanted = list(layers)
    if pooled and encoder.num_layers not in wanted:
        # the facet vectors pool the base last layer even when the head reads an adapted one
        wanted.append(encoder.num_layers)
    docs, vecs = encoder.encode_spans(texts, spans, batch_size=batch_size, cancel=cancel,
                                      span_layers=wanted, adapter=model.adapter)
    width = encoder.dim * len(layers)
    preds = model.predict(docs, [v[:, :width] for v in vecs], [[st.text for st in sents] for sents in splits])
    pools = None
    if pooled:
        last = wanted.index(encoder.num_layers)
        pools = [pooled_facet_vectors(sents, v, labels, encoder.dim, last)
                 for sents, v, labels in zip(splits, vecs, preds)]
    return docs, preds, pools


def classify_library(lib, *, progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None,
                     model=None, encoder=None, paper_ids: Optional[Sequence[int]] = None, redo: bool = False,
                     batch_size: Optional[int] = None, runner: Optional[ChunkRunner] = None,
                     encoder_model_id: Optional[str] = None, chunk: Optional[int] = None) -> dict[str, Any]:
    """Split the abstract of every paper not yet classified by this facet model (or whose abstract
    changed) and give each sentence a role and a shortcoming type. One encoder pass per abstract also
    yields its ``abstract`` embedding, which goes into the vector cache, so a later ``embed_library``
    does not encode abstracts again.

    ``runner`` (e.g. gapscope.cluster's): computes the chunks elsewhere. It is called with an iterable
    of ``(texts, spans, sentence splits, batch_size, pooled)`` and yields ``(index, result)`` in any
    order, each result being :func:`classify_texts` of that chunk; this process stays the one writer
    and commits each as it arrives. ``encoder_model_id``: the runner's encoder model id."""
    from ..embed import store as vstore
    from ..embed.library import library_model
    from ..jobs import abandonable
    from .model import load_model

    model = model or abandonable(load_model, cancel, name="gapscope-model-load")   # seconds of torch imports
    rows = lib.facet_state()
    wanted = None if paper_ids is None else set(int(i) for i in paper_ids)
    todo = [(pid, title, abstract) for pid, title, abstract, fm, ah in rows
            if (wanted is None or pid in wanted)
            and (redo or fm != model.model_id or ah != _hash(abstract))]
    n_papers = len(rows) if wanted is None else len(wanted)
    stats = {"facet_model": model.model_id, "papers": n_papers, "classified": 0, "sentences": 0,
             "skipped_up_to_date": n_papers - len(todo)}
    if not todo:
        report(progress, 1, 1, "all papers classified")
        return stats
    if runner is None:
        if encoder is None:
            from ..embed.encoder import load_encoder

            encoder = load_encoder(**facet_encoder_args(lib, model), cancel=cancel)
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
            yield texts, spans, splits, batch_size, cache_abstracts

    report(progress, 0, total, "classifying")
    check(cancel)
    with contextlib.closing(iter(runner(work()))) as results:
        for i, (docs, preds, pools) in results:
            part, (texts, _, splits) = chunks[i], prepared.pop(i)
            stamp = now_iso()
            with lib.transaction():
                # a paper whose text changed since it was read (an edit in another process) is left to the
                # next run: these sentences, cut at the old offsets, would count as the new abstract's
                now = lib.title_abstracts_of([pid for pid, _t, _a in part])
                same = [now.get(pid) == (title, abstract) for pid, title, abstract in part]
                for (pid, title, abstract), sents, labels, kept in zip(part, splits, preds, same):
                    if not kept:
                        continue
                    lib.write_facet_sentences(
                        pid, [(j, st.start, st.end, st.text, lab.role, round(lab.role_confidence, 4),
                               lab.shortcoming, round(lab.shortcoming_confidence, 4))
                              for j, (st, lab) in enumerate(zip(sents, labels))],
                        model.model_id, _hash(abstract), stamp)
                    stats["sentences"] += len(sents)
                if cache_abstracts:
                    hashes = [vstore.text_hash(t) for t in texts]
                    vstore.put_vectors(lib, enc_id, hashes, docs)
                    vstore.put_mapping(lib, enc_id, [(c[0], "abstract", h) for c, h, kept in zip(part, hashes, same)
                                                     if kept])
                    if pools is not None:
                        _put_pooled(lib, enc_id, pools)
            stats["classified"] += len(part)
            report(progress, stats["classified"], total, f"classified {stats['classified']}/{total}")
            check(cancel)
    return stats


def pooled_facet_vectors(sents, vecs, labels, dim: int, last: int) -> dict[str, tuple[str, "np.ndarray"]]:
    """{kind: (facet text, vector)}: each facet's sentences joined (as ``facet_texts`` joins them) and the
    mean of their last-layer vectors from the one pass, unit length."""
    import numpy as np

    out = {}
    for kind in FACET_TEXT_LABELS:
        sel = [j for j, lab in enumerate(labels)
               if (lab.shortcoming != "none" if kind == "shortcoming" else lab.role == kind)]
        if sel:
            v = vecs[sel, last * dim:(last + 1) * dim].mean(axis=0)
            out[kind] = (" ".join(sents[j].text for j in sel), v / max(float(np.linalg.norm(v)), 1e-12))
    return out


def _put_pooled(lib, model_id: str, pools) -> None:
    """Pooled facet vectors of a chunk (:func:`pooled_facet_vectors` per paper) into the vector cache, keyed
    by ``pooled_hash`` of the facet text: a later ``embed_library`` maps them instead of encoding the
    texts again (setting facets.vectors)."""
    import numpy as np

    from ..embed import store as vstore

    hashes, rows = [], []
    for per_paper in pools:
        for kind, (text, vec) in per_paper.items():
            hashes.append(vstore.pooled_hash(text))
            rows.append(vec)
    if hashes:
        vstore.put_vectors(lib, model_id, hashes, np.stack(rows).astype(np.float32))


def paper_sentences(lib, paper_id: int) -> list[dict[str, Any]]:
    """The sentences of a paper's abstract: each with ``role`` and ``shortcoming`` (the user's correction
    wins), the classifier's confidences and whether each label is a correction."""
    out = []
    for r in lib.effective_sentences(paper_id):
        r.pop("paper_id")
        out.append(r)
    return out


def uncertain_sentences(lib, role: Optional[str] = None, shortcoming: Optional[str] = None,
                        below: Optional[float] = None, limit: int = 50, paper_id: Optional[int] = None,
                        by: str = "either") -> list[dict[str, Any]]:
    """The classifier's least certain labels across the library (or one paper), lowest confidence first:
    the sentences worth checking first (the confidence tracks accuracy; see docs/facets.md). ``by``: rank by
    the role's confidence, the shortcoming's, or either (the lower). A sentence the user corrected is
    settled and left out; ``role`` / ``shortcoming`` keep one label only, ``below`` the labels under
    that confidence."""
    if by not in ("role", "shortcoming", "either"):
        raise ValueError(f"unknown ranking {by!r}")
    return lib.uncertain_facet_sentences(role=role, shortcoming=shortcoming, below=below, by=by, limit=limit,
                                         paper_id=paper_id)


def facet_texts(lib, paper_ids: Optional[Sequence[int]] = None) -> dict[int, dict[str, str]]:
    """{paper_id: {"method": ..., "result": ..., "shortcoming": ...}} (see Library.facet_texts)."""
    return lib.facet_texts(paper_ids)


def shortcoming_sentences(lib, paper_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """{paper_id: its shortcoming sentences (text, type, the classifier's confidence, role, ``corrected``: the
    type is the user's)}: the evidence a shortcoming gap quotes (gaps/quotes.py picks which).
    The abstract's come first; then those of an attached PDF's full text, each with its ``section``, its
    ``section_kind`` and ``page`` (the paper's own Limitations section: type ``own``, first; then the other
    sections the shortcoming map reads)."""
    wanted = set(int(i) for i in paper_ids)
    out: dict[int, list[dict[str, Any]]] = {}
    for r in lib.effective_sentences():
        if r["paper_id"] in wanted and r["shortcoming"] != "none":
            out.setdefault(r["paper_id"], []).append(
                {"text": r["text"], "shortcoming": r["shortcoming"], "confidence": r["shortcoming_confidence"],
                 "role": r["role"], "corrected": r["shortcoming_corrected"]})
    full = lib.fulltext_shortcomings(sorted(wanted), exclude=("none",))
    # those the shortcoming map reads first (Limitations, then Discussion, Future work, Conclusion)
    full.sort(key=lambda r: (r["paper_id"], r["section_kind"] != "limitations",
                             r["section_kind"] not in FULLTEXT_SHORTCOMING_SECTIONS, r["shortcoming"] != "own", r["id"]))
    for r in full:
        out.setdefault(r["paper_id"], []).append(
            {"text": r["text"], "shortcoming": r["shortcoming"], "confidence": r["confidence"],
             "section": r["section"] or "front matter", "section_kind": r["section_kind"], "page": r["page"],
             "role": r["role"], "corrected": False})
    return out


def shortcoming_origins(lib, paper_ids: Optional[Sequence[int]] = None) -> dict[int, str]:
    """{paper_id: "Limitations p. 10"} for the papers whose shortcoming text (``facet_texts``) begins in their
    full text, not their abstract (the abstract states none): where its first sentence stands, so a map
    cluster represented by it names the section."""
    out = {}
    for pid, parts in lib.fulltext_shortcoming_parts(paper_ids).items():
        if any(r["shortcoming"] != "none" for r in lib.effective_sentences(pid)):
            continue
        first = parts[0][1][0]
        out[pid] = f"{first['section'] or 'front matter'} p. {first['page']}"
    return out


def facet_counts(lib) -> dict[str, dict[str, int]]:
    return lib.facet_label_counts()
