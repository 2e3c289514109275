"""Facet sentences in the library: classify every abstract, read them back with user corrections."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from .. import settings
from ..jobs import CancelToken, ProgressFn, check, report
from ..store.facets import EFFECTIVE_SENTENCES
from ..store.library import now_iso
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
    rows = lib.conn.execute(
        "SELECT p.id, p.title, p.abstract, f.facet_model, f.abstract_hash FROM papers p"
        " LEFT JOIN paper_facets f ON f.paper_id = p.id ORDER BY p.id").fetchall()
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
        with lib.transaction() as conn:
            for (pid, title, abstract), sents, (labels, confs) in zip(chunk, splits, preds):
                conn.execute("DELETE FROM sentences WHERE paper_id = ?", (pid,))
                conn.executemany(
                    "INSERT INTO sentences (paper_id, idx, start, end, text, label, confidence) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(pid, i, st.start, st.end, st.text, lab, round(c, 4))
                     for i, (st, lab, c) in enumerate(zip(sents, labels, confs))])
                conn.execute(
                    "INSERT INTO paper_facets (paper_id, facet_model, abstract_hash, classified_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(paper_id) DO UPDATE SET facet_model = excluded.facet_model,"
                    " abstract_hash = excluded.abstract_hash, classified_at = excluded.classified_at",
                    (pid, model.model_id, _hash(abstract), now_iso()))
                stats["sentences"] += len(sents)
            if cache_abstracts:
                hashes = [vstore.text_hash(t) for t in texts]
                vstore.put_vectors(conn, encoder.model_id, hashes, docs)
                vstore.put_mapping(conn, encoder.model_id, [(c[0], "abstract", h) for c, h in zip(chunk, hashes)])
        stats["classified"] += len(chunk)
        report(progress, s + len(chunk), total, f"classified {s + len(chunk)}/{total}")
    return stats


def paper_sentences(lib, paper_id: int) -> list[dict[str, Any]]:
    """The sentences of a paper's abstract with their effective label (the user's correction wins)."""
    return [dict(idx=i, start=a, end=b, text=t, label=lab, confidence=c, corrected=bool(k))
            for _, i, a, b, t, lab, c, k in lib.conn.execute(EFFECTIVE_SENTENCES + " WHERE s.paper_id = ? ORDER BY s.idx",
                                                             (paper_id,))]


def uncertain_sentences(lib, label: Optional[str] = None, below: Optional[float] = None, limit: int = 50,
                        paper_id: Optional[int] = None) -> list[dict[str, Any]]:
    """The classifier's least certain labels across the library (or one paper), lowest confidence first:
    the sentences worth checking first (the confidence tracks accuracy; see docs/facets.md). A sentence
    the user corrected is settled and left out; ``label`` keeps one facet label only, ``below`` the labels
    under that confidence."""
    where: list[str] = ["1"]
    args: list[Any] = []
    if below is not None:
        where.append("s.confidence < ?")
        args.append(float(below))
    if label is not None:
        where.append("s.label = ?")
        args.append(label)
    if paper_id is not None:
        where.append("s.paper_id = ?")
        args.append(int(paper_id))
    # the top of the list first, then the titles: joining papers before the LIMIT reads every title
    sql = ("SELECT s.paper_id, p.title, s.idx, s.start, s.end, s.text, s.label, s.confidence FROM"
           " (SELECT * FROM sentences s WHERE " + " AND ".join(where) +
           " AND NOT EXISTS (SELECT 1 FROM facet_corrections c"
           " WHERE c.paper_id = s.paper_id AND c.start = s.start AND c.end = s.end)"
           " ORDER BY s.confidence, s.paper_id, s.idx LIMIT ?) s"
           " JOIN papers p ON p.id = s.paper_id ORDER BY s.confidence, s.paper_id, s.idx")
    args.append(int(limit))
    return [dict(paper_id=pid, title=title, idx=i, start=a, end=b, text=t, label=lab, confidence=c)
            for pid, title, i, a, b, t, lab, c in lib.conn.execute(sql, args)]


def facet_texts(lib, paper_ids: Optional[Sequence[int]] = None) -> dict[int, dict[str, str]]:
    """{paper_id: {"method": ..., "result": ..., "limitation": ...}} (see Library.facet_texts)."""
    return lib.facet_texts(paper_ids)


def facet_counts(lib) -> dict[str, int]:
    return {lab: n for lab, n in lib.conn.execute(
        "SELECT coalesce(c.label, s.label) AS l, count(*) FROM sentences s LEFT JOIN facet_corrections c"
        " ON c.paper_id = s.paper_id AND c.start = s.start AND c.end = s.end GROUP BY l ORDER BY l")}
