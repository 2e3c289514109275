"""Facet sentences in the library: classify every abstract, read them back with user corrections."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from ..jobs import CancelToken, ProgressFn, check, report
from ..store.library import now_iso
from ..vocabulary import FACET_TEXT_LABELS
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


def classify_library(lib, *, progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None,
                     model=None, encoder=None, paper_ids: Optional[Sequence[int]] = None, redo: bool = False,
                     batch_size: Optional[int] = None) -> dict[str, Any]:
    """Split the abstract of every paper not yet classified by this facet model (or whose abstract
    changed) and give each sentence a role and a shortcoming type. One encoder pass per abstract also
    yields its ``abstract`` embedding, which goes into the vector cache, so a later ``embed_library``
    does not encode abstracts again."""
    from ..embed import store as vstore
    from ..embed.library import library_model
    from .model import load_model

    model = model or load_model()
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
    if encoder is None:
        from ..embed import Encoder

        enc_model = model.encoder_model
        encoder = Encoder(None if enc_model in (None, "all-MiniLM-L6-v2") else enc_model)
    cache_abstracts = encoder.model_id == library_model(lib)
    layers = model.span_layers or [encoder.num_layers]
    last = layers.index(encoder.num_layers) if encoder.num_layers in layers else None
    total = len(todo)
    report(progress, 0, total, "classifying")
    for s in range(0, total, CHUNK):
        check(cancel)
        chunk = todo[s:s + CHUNK]
        texts, spans, splits = [], [], []
        for pid, title, abstract in chunk:
            text, sp, sents = paper_spans(title, abstract)
            splits.append(sents)
            texts.append(text)
            spans.append(sp)
        docs, vecs = encoder.encode_spans(texts, spans, batch_size=batch_size, cancel=cancel,
                                          span_layers=model.span_layers)
        preds = model.predict(docs, vecs, [[st.text for st in sents] for sents in splits])
        stamp = now_iso()
        with lib.transaction():
            for (pid, title, abstract), sents, labels in zip(chunk, splits, preds):
                lib.write_facet_sentences(
                    pid, [(i, st.start, st.end, st.text, lab.role, round(lab.role_confidence, 4),
                                 lab.shortcoming, round(lab.shortcoming_confidence, 4))
                                for i, (st, lab) in enumerate(zip(sents, labels))],
                    model.model_id, _hash(abstract), stamp)
                stats["sentences"] += len(sents)
            if cache_abstracts:
                hashes = [vstore.text_hash(t) for t in texts]
                vstore.put_vectors(lib, encoder.model_id, hashes, docs)
                vstore.put_mapping(lib, encoder.model_id, [(c[0], "abstract", h) for c, h in zip(chunk, hashes)])
                if last is not None:
                    _put_pooled(lib, encoder, chunk, splits, vecs, preds, last)
        stats["classified"] += len(chunk)
        report(progress, s + len(chunk), total, f"classified {s + len(chunk)}/{total}")
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


def _put_pooled(lib, encoder, chunk, splits, vecs, preds, last: int) -> None:
    """Pooled facet vectors of a chunk into the vector cache, keyed by ``pooled_hash`` of the facet text: a
    later ``embed_library`` maps them instead of encoding the texts again (setting facets.vectors)."""
    import numpy as np

    from ..embed import store as vstore

    hashes, rows = [], []
    for (pid, _t, _a), sents, v, labels in zip(chunk, splits, vecs, preds):
        for kind, (text, vec) in pooled_facet_vectors(sents, v, labels, encoder.dim, last).items():
            h = vstore.pooled_hash(text)
            hashes.append(h)
            rows.append(vec)
    if hashes:
        vstore.put_vectors(lib, encoder.model_id, hashes, np.stack(rows).astype(np.float32))


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
    """{paper_id: its shortcoming sentences (text, type, confidence)}: the evidence a shortcoming gap quotes."""
    wanted = set(int(i) for i in paper_ids)
    out: dict[int, list[dict[str, Any]]] = {}
    for r in lib.effective_sentences():
        if r["paper_id"] in wanted and r["shortcoming"] != "none":
            out.setdefault(r["paper_id"], []).append(
                {"text": r["text"], "shortcoming": r["shortcoming"], "confidence": r["shortcoming_confidence"]})
    return out


def facet_counts(lib) -> dict[str, dict[str, int]]:
    return lib.facet_label_counts()
