"""Facet labels for full-text sentences: the abstract classifier (gapscope.facets), run paragraph by
paragraph, so a Limitations or Discussion sentence gets its role and shortcoming type with the section
it stands in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Sequence

from .. import settings
from ..jobs import check, report
from ..vocabulary import FULLTEXT_SHORTCOMING_SECTIONS
from .nonprose import back_matter_heading, back_matter_sentence, fragment
from .section_prior import decide

if TYPE_CHECKING:
    import numpy as np

CHUNK = 64                     # paragraphs per encoder pass and per commit


def _as_labels(pred) -> list[tuple[str, Optional[str], float]]:
    """(role, shortcoming, confidence) per sentence from either facet model API: a list of
    SentenceLabel(role, role_confidence, shortcoming, shortcoming_confidence), or the older
    (labels, confidences) pair whose label 'limitation' marks a shortcoming."""
    if isinstance(pred, tuple) and len(pred) == 2 and isinstance(pred[0], list) and \
            (not pred[0] or isinstance(pred[0][0], str)):
        return [("other", "limitation", c) if lab == "limitation" else (lab, "none", c)
                for lab, c in zip(pred[0], pred[1])]
    out = []
    for lab in pred:
        conf = lab.shortcoming_confidence if lab.shortcoming != "none" else lab.role_confidence
        out.append((lab.role, lab.shortcoming, float(conf)))
    return out


def paragraphs_of(sentences: Sequence[dict[str, Any]], heading: bool = True
                  ) -> list[tuple[str, list[tuple[int, int]], list[dict]]]:
    """Group stored sentences back into paragraphs: (text, sentence spans in it, the sentences). With
    ``heading`` the text starts with the section's name, as an abstract is encoded after its title
    ("Limitations. Our findings may not generalize ...")."""
    groups: dict[tuple[int, int], list[dict]] = {}
    for s in sentences:
        groups.setdefault((s["section_pos"], s["paragraph"]), []).append(s)
    out = []
    for key in sorted(groups):
        name = groups[key][0].get("section") or ""
        text, spans = (f"{name}." if heading and name else ""), []
        for s in groups[key]:
            if text:
                text += " "
            spans.append((len(text), len(text) + len(s["text"])))
            text += s["text"]
        out.append((text, spans, groups[key]))
    return out


def _paragraph_labels(model, docs, vecs, chunk, section_prior: bool) -> list[list[tuple[str, Optional[str], float]]]:
    """(role, shortcoming, confidence) per sentence of each paragraph: from the classifier's
    probabilities with the section as a prior (section_prior.py), or its own labels for a model
    without ``probabilities``."""
    texts = [[x["text"] for x in ss] for _t, _sp, ss in chunk]
    if not hasattr(model, "probabilities"):
        return [_as_labels(pred) for pred in model.predict(docs, vecs, texts)]
    from ..vocabulary import SENTENCE_ROLES

    out = []
    for (_t, _sp, ss), (pr, ps) in zip(chunk, model.probabilities(docs, vecs, texts)):
        labels = []
        for j, sent in enumerate(ss):
            short, conf = decide(sent.get("section_kind"), sent["text"], ps[j], model.threshold,
                                 section_prior=section_prior)
            role = SENTENCE_ROLES[int(pr[j].argmax())]
            labels.append((role, short, conf if short != "none" else float(pr[j].max())))
        out.append(labels)
    return out


FRAGMENT, BACK_MATTER = "fragment", "back-matter"     # the role of a sentence that gets no facet label


def nonprose_mark(sentence: dict[str, Any], in_back_matter_paragraph: bool = False) -> Optional[str]:
    """``fragment`` for text that is not a sentence (a table cell, a row of numbers, a heading run into
    the text), ``back-matter`` for author contributions, funding, conflicts, guarantor or licence
    statements (their section, a paragraph opening on such a run-in heading, or the statement's own
    words inside a Discussion); None for a sentence to label (fulltext/nonprose.py)."""
    text = sentence["text"]
    if fragment(text):
        return FRAGMENT
    if sentence.get("section_kind") == "acknowledgements" or in_back_matter_paragraph or back_matter_sentence(text):
        return BACK_MATTER
    return None


def label_fulltext(lib, *, attachment_ids: Optional[Sequence[int]] = None, model=None, encoder=None,
                   redo: bool = False, kinds: Optional[Sequence[str]] = None, section_prior: bool = True,
                   progress=None, cancel=None) -> dict[str, Any]:
    """Label the full-text sentences of the attachments not yet labelled by this facet model (only the
    sections of ``kinds``, e.g. ("limitations", "discussion"), when given). With ``section_prior`` (the
    default) a Limitations, Discussion or Future-work section moves the shortcoming decision
    (section_prior.py). Fragments and back matter get the role ``fragment`` / ``back-matter`` and no
    shortcoming type (:func:`nonprose_mark`)."""
    from ..facets.model import load_model
    from ..jobs import abandonable

    model = model or abandonable(load_model, cancel, name="gapscope-model-load")   # seconds of torch imports
    todo = list(attachment_ids) if attachment_ids is not None else lib.unlabelled_fulltext_attachments(
        model.model_id if not redo else "")
    paras = []
    for att in todo:
        paras += paragraphs_of(lib.fulltext_sentences(att, kinds=kinds))
    stats = {"facet_model": model.model_id, "attachments": len(todo), "sentences": 0}
    if not paras:
        report(progress, 1, 1, "nothing to label")
        return stats
    if encoder is None:
        from ..embed.encoder import load_encoder

        enc_model = model.encoder_model
        encoder = load_encoder(None if enc_model in (None, "all-MiniLM-L6-v2") else enc_model,
                               device=settings.device(lib), cancel=cancel)
    from ..embed.library import library_model

    # the pooled shortcoming vectors are the base last layer's, as the abstracts' (facets/store.py), and
    # only worth keeping when the facet encoder is the library's embedding model
    pool = encoder.model_id == library_model(lib)
    layers = list(model.span_layers or [encoder.num_layers])
    wanted = layers + ([encoder.num_layers] if pool and encoder.num_layers not in layers else [])
    width = encoder.dim * len(layers)
    last_para = {ss[0]["attachment_id"]: i for i, (_t, _sp, ss) in enumerate(paras)}
    pooled: dict[int, list[tuple[tuple[int, int], str, "np.ndarray"]]] = {}
    for s in range(0, len(paras), CHUNK):
        check(cancel)
        chunk = paras[s:s + CHUNK]
        docs, vecs = encoder.encode_spans([t for t, _sp, _ss in chunk], [sp for _t, sp, _ss in chunk],
                                          cancel=cancel, span_layers=wanted,
                                          adapter=getattr(model, "adapter", None))
        head_vecs = [v[:, :width] for v in vecs]
        rows = []
        for (_t, _sp, ss), labels, v in zip(chunk, _paragraph_labels(model, docs, head_vecs, chunk, section_prior), vecs):
            back = bool(ss) and back_matter_heading(ss[0]["text"]) is not None
            for j, (sent, (role, short, conf)) in enumerate(zip(ss, labels)):
                mark = nonprose_mark(sent, back)
                if mark:                    # kept in the text, but neither labelled nor read by the maps
                    rows.append((sent["id"], mark, None, None, model.model_id))
                    continue
                rows.append((sent["id"], role, short, round(conf, 4), model.model_id))
                if pool and short != "none" and sent.get("section_kind") in FULLTEXT_SHORTCOMING_SECTIONS:
                    last = wanted.index(encoder.num_layers)
                    pooled.setdefault(sent["attachment_id"], []).append(
                        ((FULLTEXT_SHORTCOMING_SECTIONS.index(sent["section_kind"]), sent["id"]), sent["text"],
                         v[j, last * encoder.dim:(last + 1) * encoder.dim]))
        done = [a for a, i in last_para.items() if s <= i < s + len(chunk)]
        with lib.transaction():
            lib.set_fulltext_labels(rows)
            if pool:
                _put_fulltext_pooled(lib, encoder.model_id, [pooled.pop(a) for a in done if a in pooled])
        stats["sentences"] += len(rows)
        report(progress, s + len(chunk), len(paras), f"labelled {s + len(chunk)}/{len(paras)} paragraphs")
    return stats


def _put_fulltext_pooled(lib, model_id: str, per_attachment: list[list[tuple[tuple[int, int], str, "np.ndarray"]]]) -> None:
    """Each attachment's pooled shortcoming vector: the mean of its flagged sentences' vectors (those of the
    sections a paper's shortcoming facet reads), unit length, in the vector cache under ``pooled_hash`` of
    the sentences joined as ``Library.shortcoming_text_parts`` joins them (by section, Limitations first,
    then in reading order; the key orders them so): `gapscope embed` pools it with the abstract's
    (gapscope.embed.compose)."""
    import numpy as np

    from ..embed import store as vstore

    hashes, vecs = [], []
    for sents in per_attachment:
        sents = sorted(sents, key=lambda x: x[0])
        v = np.mean([x[2] for x in sents], axis=0)
        hashes.append(vstore.pooled_hash(" ".join(x[1] for x in sents)))
        vecs.append(v / max(float(np.linalg.norm(v)), 1e-12))
    if hashes:
        vstore.put_vectors(lib, model_id, hashes, np.stack(vecs).astype(np.float32))


def label_pending(lib, *, model=None, encoder=None, progress=None, cancel=None) -> dict[str, Any]:
    """Label every attachment with sentences no facet model labelled yet: this run's new PDFs and those
    of an earlier run stopped while labelling (its PDFs stay attached, so a second attach finds them
    "already attached" and would otherwise leave them unlabelled for good)."""
    todo = lib.unlabelled_fulltext_attachments()
    if not todo:
        report(progress, 1, 1, "nothing to label")
        return {"attachments": 0, "sentences": 0}
    return label_fulltext(lib, attachment_ids=todo, model=model, encoder=encoder, progress=progress, cancel=cancel)


def attach_and_label(lib, targets, *, label: bool = True, model=None, encoder=None, progress=None,
                     cancel=None) -> tuple[list, Optional[str]]:
    """Attach the PDFs named (or in the folders named), then label the sentences not labelled yet (the
    new ones, and any an earlier stopped run left) in the same job, as the desktop's drop and "Attach PDF" do. (results, a note when the labels could not be
    made, e.g. no facet model: the PDFs stay attached and `gapscope pdf label` labels them later)."""
    from ..jobs import scaled
    from .attach import attach_paths

    results = attach_paths(lib, targets, progress=scaled(progress, 0.0, 0.4 if label else 1.0), cancel=cancel)
    note = None
    if label and lib.unlabelled_fulltext_attachments():
        try:
            label_pending(lib, model=model, encoder=encoder, progress=scaled(progress, 0.4, 1.0), cancel=cancel)
        except FileNotFoundError as exc:           # no facet model installed: attached, not labelled
            note = f"the sentences were not labelled ({exc})"
    return results, note


def fetch_and_label(lib, paper_ids=None, *, refetch: bool = False, label: bool = True, progress=None,
                    cancel=None) -> tuple[list, Optional[str]]:
    """Download and attach the arXiv PDFs of ``paper_ids`` (None: every paper with an arXiv id and no
    PDF), then label the new ones' sentences in the same job: `gapscope pdf fetch` and the desktop's
    "Fetch arXiv PDFs". (results, a note when the labels could not be made)."""
    from ..jobs import scaled
    from .fetch import fetch_pdfs

    results = fetch_pdfs(lib, paper_ids, refetch=refetch, progress=scaled(progress, 0.0, 0.7 if label else 1.0),
                         cancel=cancel)
    note = None
    if label and lib.unlabelled_fulltext_attachments():       # the new PDFs, and any a stopped run left
        try:
            label_pending(lib, progress=scaled(progress, 0.7, 1.0), cancel=cancel)
        except FileNotFoundError as exc:           # no facet model installed: attached, not labelled
            note = f"the sentences were not labelled ({exc})"
    return results, note


def sections_with_sentences(lib, attachment_id: int) -> list[dict[str, Any]]:
    """``[{"name", "kind", "page", "sentences": [{"text", "role", "shortcoming", "page"}]}]`` in order."""
    secs = {s["position"]: dict(name=s["name"], kind=s["kind"], number=s["number"], page=s["page"], sentences=[])
            for s in lib.fulltext_sections(attachment_id)}
    for s in lib.fulltext_sentences(attachment_id):
        sec = secs.get(s["section_pos"])
        if sec is not None:
            sec["sentences"].append(dict(text=s["text"], role=s["role"], shortcoming=s["shortcoming"],
                                         confidence=s["confidence"], page=s["page"]))
    return [secs[k] for k in sorted(secs)]
