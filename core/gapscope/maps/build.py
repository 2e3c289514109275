"""Build a map from arrays (pure) and from a library (thin wrapper that reads and stores)."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any, Iterable, Mapping, Optional, Sequence

import numpy as np

from ..jobs import Cancelled, ProgressFn, check, report, scaled
from .cluster import (K_SEED, choose_k, cluster_stability, normalize, spherical_kmeans, stability_runs)
from .labels import (CONCEPT_KEEP, CONCEPT_LABEL_N, CONCEPT_MIN_COVER, PaperConcepts, concept_labels, ctfidf_keywords,
                     filled_terms, label_from_concepts, label_from_keywords, label_keywords, redundant,
                     representative_sentence)
from .layout import layout_2d
from .kind_labels import TECHNIQUE_MIN_COVER, shortcoming_labels, technique_candidates, techniques_only
from .phrase_labels import (PHRASE_CANDIDATES, PHRASE_MIN_COVER, best_phrase, eligible, papers_naming, phrase_label,
                            several_words, written)
from ..vocabulary import MAP_FACET_EMBED_KIND, MAP_FACETS
from .model import Cluster, Map, MapSet
from ..textfmt import plural

LABEL_DOCS = 40
# Keywords kept per cluster: a label shows the first three the judge takes (label_keywords), and with six
# it took fewer than three for some clusters of the 10,653-paper library ("SOTA, generalization")
KEYWORD_KEEP = 10
WIDESPREAD_KEY = "widespread_keywords"      # in Map.params


def make_map(facet: str, ids: np.ndarray, vecs: np.ndarray, texts: Mapping[int, str],
             dates: Mapping[int, Optional[str]], *, k: Optional[int] = None, seed: int = 0,
             stability_seeds: int = 3, model: str = "unknown", scope: Optional[dict] = None,
             concepts: Optional[PaperConcepts] = None, origins: Optional[Mapping[int, str]] = None,
             progress: Optional[ProgressFn] = None, cancel=None) -> Map:
    """Cluster ``vecs`` (one row per paper id in ``ids``) and describe each cluster.

    ``texts`` give the keywords (the facet's sentences, or title + abstract for topics); ``concepts``,
    when given, the labels (:func:`apply_labels`); ``dates`` (ISO, from ``papers.published``) the sizes
    over time; ``origins`` where a paper's text begins when that is not its abstract ("Limitations
    p. 10": its full text), said beside a representative sentence taken from it."""
    ids = np.asarray(ids, dtype=np.int64)
    if len(ids) != len(vecs):
        raise ValueError(f"{len(ids)} ids but {len(vecs)} vectors")
    if len(ids) < 2:
        raise ValueError(f"a {facet} map needs at least 2 papers with {facet} text, got {len(ids)}")
    from threadpoolctl import threadpool_limits

    from .cluster import _threads

    with threadpool_limits(limits=_threads(len(ids))):
        return _make_map(facet, ids, vecs, texts, dates, k=k, seed=seed, stability_seeds=stability_seeds,
                         model=model, scope=scope, concepts=concepts, origins=origins or {}, progress=progress,
                         cancel=cancel)


def _keyword_terms(keywords: Sequence[str], concepts: Sequence[str], widespread: Sequence[str],
                   term_ok) -> list[str]:
    """A keyword label's terms: the keywords the judge takes; where it leaves fewer than three, the cluster's
    ranked concepts (even named by few members) complete them, then the keywords all the library writes
    ("layers"); where none is left, its best keywords as they are."""
    terms = filled_terms(label_keywords(keywords, term_ok, fallback=False), concepts, CONCEPT_LABEL_N)
    terms = filled_terms(terms, label_keywords(widespread, term_ok, fallback=False), CONCEPT_LABEL_N)
    return terms or label_keywords(list(keywords) + list(widespread), term_ok)


def _cover(phrases, members, paper_phrases) -> float:
    """The largest share of ``members`` that name one of ``phrases``."""
    named = [set(paper_phrases.get(int(p)) or ()) for p in members]
    return max((sum(ph in n for n in named) / max(len(named), 1) for ph in phrases), default=0.0)


def apply_labels(m: Map, concepts: Optional[PaperConcepts], *, texts: Optional[Mapping[int, str]] = None,
                 cancel=None) -> Map:
    """(Re)label ``m``'s clusters in place, keeping its clusters and assignments: each cluster is named by one
    phrase from its distinctive concepts (:func:`phrase_labels.phrase_label`: "gaussian splatting for view
    synthesis") where one of them covers PHRASE_MIN_COVER of its papers; else, as before, by its 1-3 most
    distinctive concept phrases (:func:`concept_labels`) where one of them is named by CONCEPT_MIN_COVER of the
    members, else by its keywords (those ``concepts.term_ok`` takes, one spelling each: :func:`label_keywords`).
    A method or a shortcoming map with its members' ``texts`` (the facet's sentences) is labelled by what its
    clusters hold (kind_labels.py): a method cluster from its method concepts only, a paper naming one where
    its method sentences write it; a shortcoming cluster by the complaint its sentences state, then its area.
    ``m.params`` records what the labels are made of.
    ``cancel``: read as the concepts are ranked (:func:`concept_labels`) and the papers naming them are read."""
    ids = sorted(c.id for c in m.clusters)
    members: dict[int, list[int]] = {c: [] for c in ids}
    for p, c in m.assignments.items():
        members.setdefault(c, []).append(int(p))
    # the batch read, kept before a method map narrows the concepts: none of the method kind leaves them empty,
    # and a map recording no batch reads as labelled from old concepts at every analyze (analyze.maps_label_stale)
    batch = concepts.batch if concepts else None
    techniques = bool(concepts) and texts is not None and m.facet == "method"
    if techniques:
        concepts = techniques_only(concepts, texts)
    term_ok = concepts.term_ok if concepts is not None else None
    widespread = m.params.get(WIDESPREAD_KEY) or {}
    ranked = (concept_labels([sorted(members[c]) for c in ids], concepts.phrases, vectors=concepts.vectors,
                             term_ok=term_ok, cancel=cancel)
              if concepts else [[] for _ in ids])
    by_id = dict(zip(ids, ranked))
    phrased = {}
    if concepts:
        candidates = dict(zip(ids, concept_labels([sorted(members[c]) for c in ids], concepts.phrases,
                                                  term_ok=term_ok, top_n=PHRASE_CANDIDATES, distinct=False,
                                                  cancel=cancel)))
        if techniques:          # a method map's labels, lists too, name techniques only
            by_id, candidates = technique_candidates([by_id, candidates], concepts, cancel)
        phrased = _phrase_labels(candidates, members, concepts, cancel,
                                 min_cover=TECHNIQUE_MIN_COVER if techniques else PHRASE_MIN_COVER)
    if texts is not None and m.facet == "shortcoming":
        areas = {c: written(p.phrases[0]) for c, p in phrased.items()}
        phrased.update(shortcoming_labels(members, texts, areas, term_ok, cancel=cancel))
    for c in m.clusters:
        c.concepts = list(by_id.get(c.id) or [])
        if c.concepts and _cover(c.concepts[:CONCEPT_LABEL_N], members[c.id], concepts.phrases) < CONCEPT_MIN_COVER:
            c.concepts = []             # named by too few members to speak for the cluster: keywords
    if concepts is not None and concepts.prepare_terms is not None:
        concepts.prepare_terms([k for c in m.clusters if not c.concepts and c.id not in phrased
                                for k in list(c.keywords) + list(widespread.get(str(c.id)) or [])], keyword=True)
    for c in m.clusters:
        got = phrased.get(c.id)
        if got is not None:         # one phrase; the tooltip's concepts start with those it names
            c.label = got.label
            c.concepts = list(dict.fromkeys(got.phrases + [p for p in by_id.get(c.id) or []
                                                           if not any(redundant(p, q) for q in got.phrases)]))
            c.concepts = c.concepts[:CONCEPT_KEEP]
            continue
        c.label = label_from_concepts(c.concepts) if c.concepts else label_from_keywords(
            _keyword_terms(c.keywords, by_id.get(c.id) or [], widespread.get(str(c.id)) or [], term_ok))
    if concepts and concepts.naming is not None:
        listed = {c.id: c for c in m.clusters if c.id not in phrased and ", " in c.label}
        for cid, got in _list_phrases(listed, members, by_id, concepts, cancel, techniques=techniques).items():
            listed[cid].label = got.label          # the list stays in the hover (concepts, keywords)
            phrased[cid] = got
    m.params["labels"] = m.label_kind
    m.params["label_concept_batch"] = batch
    m.params["concept_phrases"] = {str(c.id): c.concepts for c in m.clusters if c.concepts}
    # the share of each phrase-labelled cluster's papers that name its label's first concept
    m.params["label_cover"] = {str(c): round(p.cover, 3) for c, p in sorted(phrased.items())}
    return m


def _list_phrases(listed: Mapping[int, Cluster], members: Mapping[int, Sequence[int]],
                  ranked: Mapping[int, Sequence[str]], concepts: PaperConcepts, cancel=None, *,
                  techniques: bool = False) -> dict:
    """{cluster id: PhraseLabel} of the ``listed`` clusters (still labelled by a list) whose best phrase of several
    words names them (phrase_labels.best_phrase): of the list, then its other keywords the judge takes and its
    ``ranked`` concepts; on a method map (``techniques``) only its method concepts: a keyword there is as often
    the area ("object detection") as the technique."""
    ok = concepts.term_ok or (lambda t, keyword=False: True)
    terms = {c: [*cl.label.split(", "), *(k for k in cl.keywords if ok(k, keyword=True)), *(ranked.get(c) or [])]
             for c, cl in listed.items()}
    if techniques:
        terms = {c: [t for t in ts if concepts.kinds.get(t) == "method"] for c, ts in terms.items()}
    candidates = sorted({t for ts in terms.values() for t in ts if several_words(t)})
    if not candidates:
        return {}
    in_map = {int(p) for ps in members.values() for p in ps}
    named = {ph: ids & in_map for ph, ids in papers_naming(candidates, {}, concepts.synonyms, concepts.naming,
                                                            cancel=cancel).items()}
    out = {}
    for c, ts in terms.items():
        got = best_phrase(ts, members.get(c) or [], named)
        if got is not None:
            out[c] = got
    return out


def _phrase_labels(ranked: Mapping[int, Sequence[str]], members: Mapping[int, Sequence[int]],
                   concepts: PaperConcepts, cancel=None, *, min_cover: float = PHRASE_MIN_COVER) -> dict:
    """{cluster id: PhraseLabel} of the clusters one of whose ranked concepts covers ``min_cover`` of them."""
    candidates = sorted({ph for phs in ranked.values() for ph in phs})
    wanted = set(candidates)
    assigned: dict[str, set] = {}
    for pid, phs in concepts.phrases.items():
        for ph in phs:
            if ph in wanted:
                assigned.setdefault(ph, set()).add(int(pid))
    check(cancel)
    named = papers_naming(candidates, assigned, concepts.synonyms, concepts.naming, cancel=cancel)
    in_map = {int(p) for ps in members.values() for p in ps}      # a map of part of the library: that part
    named = {ph: ids & in_map for ph, ids in named.items()}
    reads = _reads(ranked, members, named, concepts, cancel)
    out = {}
    for c, phs in ranked.items():
        got = phrase_label(phs, members.get(c) or [], named, concepts.kinds, concepts.synonyms, reads=reads,
                           min_cover=min_cover)
        if got is not None:
            out[c] = got
    return out


def _reads(ranked: Mapping[int, Sequence[str]], members: Mapping[int, Sequence[int]], named: Mapping[str, set],
           concepts: PaperConcepts, cancel=None) -> dict[str, bool]:
    """Whether each concept that may name a cluster beside one of the other kind reads as its kind says (a
    technique, a task: ``concepts.reads_as``), asked once for every cluster; {} without the judge."""
    if concepts.reads_as is None:
        return {}
    paired: set[str] = set()
    for c, phs in ranked.items():
        ok = [ph for ph, _ in eligible(phs, members.get(c) or [], named)]
        if {concepts.kinds.get(ph) for ph in ok} >= {"method", "problem"}:
            paired.update(ok)
    return dict(concepts.reads_as(sorted(paired), cancel=cancel)) if paired else {}


def _make_map(facet, ids, vecs, texts, dates, *, k, seed, stability_seeds, model, scope, concepts, origins,
              progress, cancel) -> Map:
    x = normalize(vecs)
    t0 = time.perf_counter()
    silhouettes: dict[int, float] = {}
    if k is None:
        def choosing(done: int, total: int, message: str = "") -> None:   # a log line names the facet
            report(progress, done, total, f"{facet}: choosing k, {message}")

        k, silhouettes = choose_k(x, seed=K_SEED, progress=scaled(choosing if progress else None, 0.0, 0.5),
                                  cancel=cancel)
        k_auto = True
    else:
        k_auto = False
    asked = k
    k = int(max(1, min(k, len(ids))))         # no more clusters than papers
    check(cancel)
    res = spherical_kmeans(x, k, seed=seed, cancel=cancel)
    report(progress, 600, 1000, f"{facet}: k-means k={k}")
    others = stability_runs(x, k, seed, runs=stability_seeds, cancel=cancel) if stability_seeds else []
    stab = cluster_stability(res.labels, k, others, cancel=cancel)
    report(progress, 800, 1000, f"{facet}: stability over {len(others)} seeds")
    check(cancel)
    report(progress, 820, 1000, f"{facet}: layout")
    xy, cxy = layout_2d(x, res.labels, res.centroids, seed=seed)
    check(cancel)

    members: list[np.ndarray] = [np.flatnonzero(res.labels == c) for c in range(k)]
    # labels read the members nearest each centroid: the core of the cluster, and seconds for 75k papers
    cores = [m[np.argsort(-res.sims[m])[:LABEL_DOCS]] for m in members]
    widespread: list[list[str]] = []
    report(progress, 850, 1000, f"{facet}: keywords of {k} clusters")

    def keywording(done: int, total: int, message: str = "") -> None:      # a log line names the facet
        report(progress, done, total, f"{facet}: {message}")

    keywords = ctfidf_keywords([[texts.get(int(ids[i]), "") for i in m] for m in cores], top_n=KEYWORD_KEEP,
                               seed=seed, cancel=cancel, widespread=widespread,
                               progress=scaled(keywording if progress else None, 0.85, 0.9))
    widespread += [[] for _ in range(k - len(widespread))]         # no terms at all: none
    clusters = []
    for c in range(k):
        m = members[c]
        years: Counter = Counter()
        months: Counter = Counter()
        for i in m:
            d = dates.get(int(ids[i])) or ""
            if len(d) >= 4:
                years[d[:4]] += 1
            if len(d) >= 7:
                months[d[:7]] += 1
        rep_paper, rep = None, ""
        if len(m):
            best = m[np.argmax(res.sims[m])]
            rep_paper = int(ids[best])
            rep = representative_sentence(texts.get(rep_paper, ""))
        clusters.append(Cluster(
            id=c, label=label_from_keywords(label_keywords(keywords[c])), keywords=keywords[c], representative=rep,
            size=int(len(m)), stability=float(stab[c]), sizes_by_year=dict(sorted(years.items())),
            sizes_by_month=dict(sorted(months.items())), representative_paper=rep_paper,
            x=float(cxy[c, 0]), y=float(cxy[c, 1]), centroid=res.centroids[c],
            representative_where=origins.get(rep_paper, "") if rep else ""))
    check(cancel)
    params = {"k": k, "k_auto": k_auto, "seed": seed, "model": model, "algorithm": "faiss spherical k-means",
              "niter": 20, "label_docs": LABEL_DOCS, "stability_seeds": stability_seeds, "silhouette": {str(a): round(b, 4) for a, b in silhouettes.items()},
              "layout": "mds-centroids+pca-offsets", "seconds": round(time.perf_counter() - t0, 3),
              # each cluster's keywords all the library writes, kept out of ``keywords``: a label's last resort
              WIDESPREAD_KEY: {str(c): w for c, w in enumerate(widespread) if w}}
    if not k_auto and asked != k:
        params["k_asked"] = int(asked)       # the user's --k, more than the papers allowed
    wheres = {str(c.id): c.representative_where for c in clusters if c.representative_where}
    if wheres:
        params["representative_where"] = wheres
    m = Map(facet=facet, params=params, scope=scope or {}, clusters=clusters,
            assignments={int(p): int(c) for p, c in zip(ids, res.labels)},
            coords={int(p): (float(a), float(b)) for p, (a, b) in zip(ids, xy)},
            sims={int(p): float(s) for p, s in zip(ids, res.sims)})
    report(progress, 900, 1000, f"{facet}: labels of {k} clusters")
    m = apply_labels(m, concepts, texts=texts, cancel=cancel)
    report(progress, 1000, 1000, f"{facet}: {k} clusters")
    return m


# --- library wrappers ------------------------------------------------------------------------------
def scope_paper_ids(lib, *, collection: Optional[str] = None, query: Optional[str] = None,
                    paper_ids: Optional[Iterable[int]] = None, before: Optional[str] = None) -> tuple[Optional[list[int]], dict]:
    """The subset a map covers (None = whole library) and its description for the ``scope`` column."""
    scope: dict[str, Any] = {}
    ids: Optional[set[int]] = None
    if paper_ids is not None:
        ids = set(int(p) for p in paper_ids)
        scope["paper_ids"] = len(ids)
    if collection:
        names = [n for n, _ in lib.list_collections()]
        if collection not in names:
            from ..store import LibraryError

            raise LibraryError(f"no collection named {collection!r} ("
                               + (f"the library has {', '.join(repr(n) for n in names)})" if names
                                  else "the library has no collections)"))
    if collection or query:
        sel = set(lib.list_paper_ids(collection=collection, query=query))
        ids = sel if ids is None else ids & sel
        if collection:
            scope["collection"] = collection
        if query:
            scope["query"] = query
    if before:
        from ..dates import iso_day

        before = iso_day(before)          # compared as text: only an ISO day sorts right
        sel = lib.ids_published_before(before)
        ids = sel if ids is None else ids & sel
        scope["before"] = before
    if not scope:
        scope["library"] = True
    return (sorted(ids) if ids is not None else None), scope


def scope_words(scope: Mapping[str, Any]) -> str:
    """A map's scope for people: "collection 'x', matching 'q', listed before 2025-03-01"."""
    parts = []
    if "paper_ids" in scope:
        parts.append(f"{scope['paper_ids']} given papers")
    if "collection" in scope:
        parts.append(f"collection {scope['collection']!r}")
    if "query" in scope:
        parts.append(f"matching {scope['query']!r}")
    if "before" in scope:
        parts.append(f"listed before {scope['before']}")
    return ", ".join(parts) or "the whole library"


def paper_dates(lib, ids: Optional[Sequence[int]] = None) -> dict[int, Optional[str]]:
    rows = lib.paper_dates()
    wanted = set(ids) if ids is not None else None
    return {pid: (pub or (str(year) if year else None)) for pid, pub, year in rows
            if wanted is None or pid in wanted}


def topic_texts(lib, ids: Optional[Sequence[int]] = None) -> dict[int, str]:
    wanted = set(ids) if ids is not None else None
    return {pid: f"{t}. {a}" for pid, t, a in lib.paper_title_abstracts()
            if wanted is None or pid in wanted}


def embedding_model(lib, kind: str) -> str:
    """The model id the library's vectors came from (asked of the embed area), else "unknown"."""
    try:
        from .. import embed

        fn = getattr(embed, "library_model", None)
        if fn is not None:
            return str(fn(lib) or "unknown")
    except Exception:  # noqa: BLE001 - the embed area may be absent or the library not embedded yet
        pass
    return "unknown"


def load_facet_data(lib, facet: str, ids: Optional[Sequence[int]], *, cancel=None):
    """(ids, vecs, texts) for one facet from the library (embed + facets areas); ``cancel`` is read between
    the vectors and the texts (each a second on a big library) and while the texts are read (their query
    stops: Library.cancellable)."""
    from ..embed import load_vectors

    kind = MAP_FACET_EMBED_KIND[facet]
    pids, vecs = load_vectors(lib, kind, paper_ids=list(ids) if ids is not None else None)
    check(cancel)
    with lib.cancellable(cancel):
        if facet == "topic":
            texts = topic_texts(lib, pids.tolist())
        else:
            from ..facets import facet_texts

            texts = {int(p): d.get(facet, "") for p, d in facet_texts(lib, pids.tolist()).items()}
    check(cancel)
    return np.asarray(pids, dtype=np.int64), vecs, texts


def label_texts(lib, m: Map, *, cancel=None) -> Optional[dict[int, str]]:
    """The texts a relabel of ``m`` reads (apply_labels): its members' method or shortcoming sentences; None for
    the other facets, whose labels read none."""
    if m.facet not in ("method", "shortcoming"):
        return None
    from ..facets import facet_texts

    with lib.cancellable(cancel):
        got = facet_texts(lib, sorted(m.assignments))
    return {int(p): d.get(m.facet, "") for p, d in got.items()}


def text_origins(lib, facet: str, ids: Sequence[int]) -> dict[int, str]:
    """Where each paper's ``facet`` text begins when not in its abstract: a shortcoming text may begin in
    the paper's full text (its Limitations, Discussion ...; gapscope.facets.store.shortcoming_origins)."""
    if facet != "shortcoming":
        return {}
    from ..facets.store import shortcoming_origins

    return shortcoming_origins(lib, ids)


def build_maps(lib, facets: Sequence[str] = MAP_FACETS, paper_ids: Optional[Iterable[int]] = None,
               k: Optional[int] = None, seed: int = 0, *, progress: Optional[ProgressFn] = None, cancel=None,
               collection: Optional[str] = None, query: Optional[str] = None, before: Optional[str] = None,
               stability_seeds: int = 3, data: Optional[Mapping[str, tuple]] = None, save: bool = True,
               concepts: Optional[PaperConcepts] = None) -> MapSet:
    """Build (and store) one map per facet over the library or a subset of it, labelled from ``concepts``
    where given (the caller reads them: maps may not import the concepts area), else by keywords.

    ``data`` may hand in ``{facet: (ids, vecs, texts)}`` directly (tests, benchmarks); otherwise the
    vectors come from :func:`gapscope.embed.load_vectors` and the texts from the facets area.

    Cancelled: each map is stored as it is made, so the exception's ``state["maps"]`` holds those kept (the
    caller says so, and records them: a rerun or `analyze` need not cluster them again)."""
    from .stale import made_from
    from .store import save_map

    facets = tuple(facets)
    for f in facets:
        if f not in MAP_FACETS:
            raise ValueError(f"unknown facet {f!r}; choose from {', '.join(MAP_FACETS)}")
    ids, scope = scope_paper_ids(lib, collection=collection, query=query, paper_ids=paper_ids, before=before)
    if ids is not None and not ids:
        raise ValueError(f"no papers in scope: {scope_words(scope)}")
    dates = paper_dates(lib, ids)
    out = MapSet(maps={})
    missing: list[str] = []
    for i, facet in enumerate(facets):
        if cancel is not None and cancel.cancelled:
            raise Cancelled(state={"maps": dict(out.maps)})
        t = time.perf_counter()
        given = data is not None and facet in data
        made = made_from(lib, facet, vectors=not given)   # read before the data: a change meanwhile shows
        if given:
            pids, vecs, texts = data[facet]
            pids = np.asarray(pids, dtype=np.int64)
            if ids is not None:
                keep = np.isin(pids, np.asarray(ids, dtype=np.int64))
                pids, vecs = pids[keep], vecs[keep]
            model = "given"
        else:
            try:
                pids, vecs, texts = load_facet_data(lib, facet, ids, cancel=cancel)
            except Cancelled as exc:
                raise Cancelled(str(exc), state={"maps": dict(out.maps)}) from exc
            model = embedding_model(lib, MAP_FACET_EMBED_KIND[facet])
        origins = text_origins(lib, facet, pids.tolist()) if len(pids) >= 2 else {}
        if len(pids) < 2:
            from ..steps import missing_for_vectors

            why = missing_for_vectors(lib, MAP_FACET_EMBED_KIND[facet]) if data is None else None
            out.skipped[facet] = why or f"{plural(len(pids), 'paper')} in scope {plural(len(pids), 'has', number=False)} {facet} vectors"
            if why:
                missing.append(why)
            continue
        try:
            m = make_map(facet, pids, vecs, texts, dates, k=k, seed=seed, stability_seeds=stability_seeds,
                         model=model, scope=scope, concepts=concepts, origins=origins,
                         progress=scaled(progress, i / len(facets), (i + 1) / len(facets)),
                         cancel=cancel)
        except Cancelled as exc:
            raise Cancelled(str(exc), state={"maps": dict(out.maps)}) from exc
        m.params["made_from"] = made          # what says when the map is out of date (maps/stale.py)
        if facet == "shortcoming" and data is None:
            m.params["fulltext"] = lib.fulltext_shortcoming_stamp()   # what it read of the full text
        if save:
            save_map(lib, m)
        out.maps[facet] = m
        out.timings[facet] = round(time.perf_counter() - t, 3)
    if not out.maps:
        if missing:
            from ..store.errors import MissingStep

            raise MissingStep("nothing to map: " + "; ".join(dict.fromkeys(out.skipped.values())))
        raise ValueError("nothing to map: " + "; ".join(dict.fromkeys(out.skipped.values())))   # each reason once
    return out
