"""Facet sentences in the library: classify every abstract, read them back with user corrections."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from .. import settings
from ..jobs import CancelToken, ProgressFn, check, report
from .split import split_sentences

CHUNK = 256                  # abstracts per encoder pass and per commit: the unit of resume and cancel


def _hash(text: str) -> str:
    from ..embed.store import text_hash

    return text_hash(text)


def classify_library(lib, *, progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None,
                     model=None, encoder=None, paper_ids: Optional[Sequence[int]] = None, redo: bool = False,
                     batch_size: Optional[int] = None) -> dict[str, Any]:
    """Split and label the abstract of every paper not yet classified by this facet model (or whose
    abstract changed). One encoder pass per abstract also yields its ``abstract`` embedding, which
    goes into the vector cache, so a later ``embed_library`` does not encode abstracts again."""
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
    if encoder is None:
        from ..embed import Encoder

        enc_model = model.encoder_model
        encoder = Encoder(None if enc_model in (None, "all-MiniLM-L6-v2") else enc_model, device=settings.device(lib))
    cache_abstracts = encoder.model_id == library_model(lib)
    total = len(todo)
    report(progress, 0, total, "classifying")
    for s in range(0, total, CHUNK):
        check(cancel)
        chunk = todo[s:s + CHUNK]
        texts, spans, splits = [], [], []
        for pid, title, abstract in chunk:
            sents = split_sentences(abstract)
            body = abstract.strip()
            lead = len(abstract) - len(abstract.lstrip())
            text = vstore.abstract_text(title, abstract)
            shift = len(text) - len(body) - lead        # where the abstract starts inside the encoded text
            splits.append(sents)
            texts.append(text)
            spans.append([(a + shift, b + shift) for a, b, _ in sents])
        docs, vecs = encoder.encode_spans(texts, spans, batch_size=batch_size, cancel=cancel,
                                          span_layers=model.span_layers)
        preds = model.predict(docs, vecs, [[st.text for st in sents] for sents in splits])
        with lib.transaction():
            for (pid, title, abstract), sents, (labels, confs) in zip(chunk, splits, preds):
                lib.put_paper_sentences(
                    pid, [(st.start, st.end, st.text, lab, round(c, 4)) for st, lab, c in zip(sents, labels, confs)],
                    facet_model=model.model_id, abstract_hash=_hash(abstract))
                stats["sentences"] += len(sents)
            if cache_abstracts:
                hashes = [vstore.text_hash(t) for t in texts]
                vstore.put_vectors(lib, encoder.model_id, hashes, docs)
                vstore.put_mapping(lib, encoder.model_id, [(c[0], "abstract", h) for c, h in zip(chunk, hashes)])
        stats["classified"] += len(chunk)
        report(progress, s + len(chunk), total, f"classified {s + len(chunk)}/{total}")
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
