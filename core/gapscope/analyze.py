"""The whole analysis in one call: classify facet sentences, embed, map every facet, extract concepts, find
gaps, each step only where something is missing or changed since it last ran. ``gapscope analyze`` and the
Maps view's "Build maps" both run it; a second run with nothing new does nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from .jobs import CancelToken, Cancelled, ProgressFn, check, report, scaled
from .textfmt import plural
from .vocabulary import MAP_FACET_EMBED_KIND, MAP_FACETS


@dataclass
class StepResult:
    step: str                 # "pdf labels", "facets", "embed", "map:<facet>", "concepts", "gaps"
    ran: bool                 # False: it was up to date (or could not run: see detail)
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.step, "ran": self.ran, "detail": self.detail}


@dataclass
class AnalysisReport:
    steps: list[StepResult] = field(default_factory=list)
    maps: dict[str, int] = field(default_factory=dict)     # facet -> the current map's id
    gaps: Optional[int] = None                             # how many gaps the current batch holds
    notes: list[str] = field(default_factory=list)         # what could not be done, in words

    @property
    def ran(self) -> list[str]:
        return [s.step for s in self.steps if s.ran]

    def to_dict(self) -> dict[str, Any]:
        return {"steps": [s.to_dict() for s in self.steps], "ran": self.ran, "maps": self.maps, "gaps": self.gaps,
                "notes": self.notes}


def _fingerprint(*parts: Any) -> str:
    from .maps.stale import digest

    return digest(*parts)


def _shipped_facet_model_id() -> Optional[str]:
    """The id of the facet model classify_library would load (read from its head.json, without torch)."""
    from .facets.model import resource_dir

    try:
        return json.loads((resource_dir() / "head.json").read_text(encoding="utf-8")).get("id", "facets")
    except (OSError, ValueError):
        return None


def _needs_classify(lib) -> bool:
    from .embed.store import text_hash

    model_id = _shipped_facet_model_id()
    return any(fm is None or fm != model_id or ah != text_hash(abstract)
               for _pid, _t, abstract, fm, ah in lib.facet_state())


def _map_fingerprint(lib, facet: str) -> str:
    """The map's inputs: the embedding model and every paper's text hash of the facet's kind."""
    from .maps.stale import vectors_stamp

    return vectors_stamp(lib, facet)


def _gaps_fingerprint(lib, maps: dict, problem_facet: str) -> str:
    # the citation graph and the concepts too: a gap's citation evidence changes when enrichment changes
    # the graph, and its concepts when they are extracted again
    return _fingerprint("gaps", maps, problem_facet, lib.graph_stamp(), lib.latest_concept_batch())


def record_maps_built(lib, maps: dict) -> None:
    """Whole-library maps built outside analyze (`gapscope map` with its defaults) are what analyze would
    build: recorded as its own, so the next `analyze` does not cluster them again while nothing changed."""
    for f, m in maps.items():
        lib.record_analysis_input(f"map:{f}", _map_fingerprint(lib, f), m.id)


def record_gaps_found(lib, problem_facet: str) -> None:
    """The same for a `gapscope gaps find` with analyze's settings (no --reference / --openalex of its own)."""
    maps = {f: i for f in MAP_FACETS if (i := lib.latest_map_id(f)) is not None}
    lib.record_analysis_input("gaps", _gaps_fingerprint(lib, maps, problem_facet), lib.latest_gap_batch())


def _step(progress, start: float, end: float, label: str) -> Optional[ProgressFn]:
    sub = scaled(progress, start, end)
    if sub is None:
        return None

    def labelled(done: int, total: int, message: str = "") -> None:
        sub(done, total, f"{label}: {message}" if message else label)
    return labelled


def map_concepts(lib, cancel: Optional[CancelToken] = None):
    """The library's latest concepts as map labels read them (each paper's concept phrases, method and
    problem alike, and the phrases' vectors; not the phrases concepts.quality finds are no concept) and the
    judge of which terms may name a cluster (concepts/label_terms.py), each phrase's kind and synonyms and
    the library's search for the papers naming a phrase (what a one-phrase label reads: maps/phrase_labels.py),
    and the judge of which concepts read as a technique or a task (gaps/label_ends.py: "X for Y"), or None when there are none. Read here and handed to the
    maps area, which may not import the concepts area (the layers contract). ``cancel`` stops the read
    (a second on a big library: its query stops, Library.cancellable)."""
    from .concepts import load_concept_set
    from .concepts.label_terms import label_judge
    from .concepts.quality import not_a_concept
    from .gaps.label_ends import technique_or_task
    from .maps import PaperConcepts

    with lib.cancellable(cancel):
        cs = load_concept_set(lib)
    check(cancel)
    if not cs.concepts:
        return None
    phrases: dict[int, list[str]] = {}
    vectors = {}
    kinds: dict[str, str] = {}
    synonyms: dict[str, list[str]] = {}
    for i, c in enumerate(cs.concepts):
        if i % 1000 == 999:
            check(cancel)
        if not_a_concept(c.phrase):      # "learning RL", "f1 score", "findings": no name for a cluster
            continue
        vectors.setdefault(c.phrase, c.vector)
        kinds.setdefault(c.phrase, c.kind)
        synonyms.setdefault(c.phrase, []).extend(c.synonyms)
        for pid in c.papers:
            phrases.setdefault(int(pid), []).append(c.phrase)
    judge = label_judge(_lazy_label_encoder(cancel), vectors)
    return PaperConcepts(phrases=phrases, vectors=vectors, batch=cs.batch, term_ok=judge,
                         prepare_terms=judge.prepare, kinds=kinds, synonyms=synonyms, naming=lib.papers_naming,
                         reads_as=_remembered(lambda phrases, cancel=None: technique_or_task(lib, cs, phrases,
                                                                                             cancel=cancel)))


def _remembered(judge):
    """``judge(phrases, cancel=None) -> {phrase: verdict}`` asked only for phrases it was not asked before: a
    relabel of four maps reads the library's mentions once for a phrase, not once a map."""
    seen: dict = {}

    def ask(phrases, cancel=None):
        new = [p for p in phrases if p not in seen]
        if new:
            seen.update(judge(new, cancel=cancel))
        return {p: seen[p] for p in phrases if p in seen}
    return ask


def _lazy_label_encoder(cancel: Optional[CancelToken] = None):
    """The concreteness model's encoder for map label terms: the vectors kept on disk by an earlier run
    (embed.phrase_cache), the encoder loaded only for a text not kept; None without the model. ``cancel``
    stops the load and the encoding (embed.encoder.load_encoder)."""
    from .concepts.concreteness import load_model
    from .embed.encoder import DEFAULT_MODEL
    from .embed.phrase_cache import kept_encoder

    model = load_model()
    if model is None:
        return None
    return kept_encoder(None if model.encoder == DEFAULT_MODEL else model.encoder, cancel=cancel)


def relabel_maps(lib, facets: Sequence[str] = MAP_FACETS, *, only_stale: bool = False) -> dict[str, int]:
    """Label the latest map of each facet again from the current concepts (keywords where there are none),
    without clustering again: the clusters, assignments and map ids stay. ``only_stale``: only maps
    whose labels came from another concept batch. Returns {facet: map id} of the maps relabelled."""
    from .maps import apply_labels, latest_map, save_labels
    from .maps.build import label_texts

    concepts = map_concepts(lib)
    batch = concepts.batch if concepts else None
    done: dict[str, int] = {}
    for f in facets:
        mid = lib.latest_map_id(f)
        if mid is None:
            continue
        params = json.loads(lib.map_row(mid)[2])
        if only_stale and "labels" in params and params.get("label_concept_batch") == batch:
            continue
        m = latest_map(lib, f)
        save_labels(lib, apply_labels(m, concepts, texts=label_texts(lib, m)))
        done[f] = mid
    return done


def maps_label_stale(lib, facets: Sequence[str] = MAP_FACETS) -> list[str]:
    """The facets whose latest map was not labelled from the latest concepts."""
    batch = lib.latest_concept_batch()
    out = []
    for f in facets:
        mid = lib.latest_map_id(f)
        if mid is None:
            continue
        params = json.loads(lib.map_row(mid)[2])
        if params.get("label_concept_batch") != batch:
            out.append(f)
    return out


def analyze(lib, *, facets: Sequence[str] = MAP_FACETS, gaps: bool = True, encoder=None,
            problem_facet: str = "result", progress: Optional[ProgressFn] = None,
            cancel: Optional[CancelToken] = None) -> AnalysisReport:
    """Bring the library's analysis up to date: facet sentences, vectors, one map per facet in
    ``facets``, and (``gaps``) the gaps. Each step runs only when its inputs changed since it last
    ran; the model loads only when something is to be encoded. When the sentences cannot be
    classified (no facet model) only the topic map is built, and ``notes`` says so."""
    from .embed import embed_library
    from .facets import classify_library
    from .maps import build_maps

    out = AnalysisReport()
    facets = [f for f in MAP_FACETS if f in facets]
    bounds = (0.0, 0.2, 0.5, 0.75 if gaps else 1.0, 0.9, 1.0)

    # 0. attached PDFs whose sentences were never labelled (an attach stopped while labelling, or run
    # with --no-facets): the shortcoming map reads their Limitations sentences
    _pdf_labels_step(lib, out, _step(progress, bounds[0], 0.05, "labelling PDF sentences"), cancel)
    check(cancel)

    # 1. facet sentences (they feed the method / result / limitation maps)
    wants_facets = any(f != "topic" for f in facets)
    if wants_facets and _needs_classify(lib):
        try:
            st = classify_library(lib, progress=_step(progress, 0.05, bounds[1], "classifying sentences"),
                                  cancel=cancel)
            out.steps.append(StepResult("facets", True, f"{plural(st['classified'], 'paper')} classified"))
        except Cancelled:
            raise
        except Exception as exc:  # noqa: BLE001 - e.g. no trained facet head yet: the topic map still works
            out.notes.append(f"facets not classified ({exc}): only the topic map")
            out.steps.append(StepResult("facets", False, f"not classified: {exc}"))
            facets = [f for f in facets if f == "topic"]
    elif wants_facets:
        out.steps.append(StepResult("facets", False, "every paper classified"))
    check(cancel)

    # 2. vectors (cached by text: only new or changed texts are encoded)
    kinds = tuple(dict.fromkeys(MAP_FACET_EMBED_KIND[f] for f in facets))
    if kinds:
        st = embed_library(lib, kinds=kinds, encoder=encoder,
                           progress=_step(progress, bounds[1], bounds[2], "embedding"), cancel=cancel)
        done = st["embedded"] + st.get("reused", 0)
        out.steps.append(StepResult("embed", bool(done), f"{plural(st['embedded'], 'text')} embedded, "
                                                           f"{plural(st.get('reused', 0), 'text')} given vectors from the facets pass"))
    check(cancel)

    # 3. maps whose inputs changed (or that were never built), or that say they are out of date (papers
    # added without a text of the facet, facet labels, a labelled PDF: what the Maps view's "Rebuild" clears)
    from .maps.stale import latest_maps_stale

    fingerprints = {f: _map_fingerprint(lib, f) for f in facets}
    outdated = latest_maps_stale(lib, facets, stamps=fingerprints)   # the stamps are read once
    stale = [f for f in facets
             if outdated[f] is None or outdated[f]
             or lib.analysis_input(f"map:{f}") != (fingerprints[f], lib.latest_map_id(f))]
    for f in facets:
        if f not in stale:
            out.steps.append(StepResult(f"map:{f}", False, "up to date"))
    if stale:
        try:
            ms = build_maps(lib, facets=tuple(stale), progress=_step(progress, bounds[2], bounds[3], "clustering"),
                            cancel=cancel, concepts=map_concepts(lib, cancel))
        except Cancelled as exc:   # the maps finished before the stop are kept: the next run need not redo them
            for f, m in (exc.state or {}).get("maps", {}).items():
                lib.record_analysis_input(f"map:{f}", fingerprints[f], m.id)
            raise
        for f in stale:
            m = ms.maps.get(f)
            if m is not None:
                lib.record_analysis_input(f"map:{f}", fingerprints[f], m.id)
                out.steps.append(StepResult(f"map:{f}", True, f"map {m.id}, {plural(len(m.assignments), 'paper')}, k={m.k}"))
            else:
                why = ms.skipped.get(f, "not built")
                out.steps.append(StepResult(f"map:{f}", False, f"not mapped ({why})"))
    out.maps = {f: i for f in MAP_FACETS if (i := lib.latest_map_id(f)) is not None}
    check(cancel)

    # 4. concepts (the method x problem gaps are between them), 5. gaps from the current maps and concepts
    if gaps:
        _concepts_step(lib, out, encoder, _step(progress, bounds[3], bounds[4], "concepts"), cancel)
        check(cancel)
    # maps are clustered before the concepts are (re)extracted, and `gapscope concepts` may have run since:
    # name the clusters by the current concepts (cheap: nothing is clustered again)
    relabelled = relabel_maps(lib, facets, only_stale=True)
    if relabelled:
        out.steps.append(StepResult("labels", True, "cluster labels from the current concepts: "
                                                    + ", ".join(relabelled)))
    if gaps:
        _gaps_step(lib, out, problem_facet, _step(progress, bounds[4], bounds[5], "finding gaps"), cancel)
    report(progress, 1, 1, "done")
    return out


def _pdf_labels_step(lib, out: AnalysisReport, progress, cancel) -> None:
    from .fulltext import label_pending

    todo = lib.unlabelled_fulltext_attachments()
    if not todo:
        return                          # nothing to say: most libraries have no PDFs
    try:
        st = label_pending(lib, progress=progress, cancel=cancel)
    except Cancelled:
        raise
    except FileNotFoundError as exc:    # no facet model installed: the PDFs stay attached, unlabelled
        out.notes.append(f"{plural(len(todo), 'PDF')} not labelled ({exc})")
        out.steps.append(StepResult("pdf labels", False, f"not labelled: {exc}"))
        return
    out.steps.append(StepResult("pdf labels", True, f"{plural(st['sentences'], 'sentence')} of {plural(st['attachments'], 'PDF')} labelled"))


def _concepts_step(lib, out: AnalysisReport, encoder, progress, cancel) -> None:
    """Extract the concepts when there are none, or the papers or facet labels changed since they were."""
    from .concepts import extract_concepts
    from .store import LibraryError

    if not lib.classified_paper_ids():
        out.steps.append(StepResult("concepts", False, "no facet sentences to read concepts from"))
        return
    fp = lib.library_fingerprint()
    batch = lib.latest_concept_batch()
    made_from = (lib.concept_run(batch) or {}).get("fingerprint") if batch is not None else None
    if made_from == fp or lib.analysis_input("concepts") == (fp, batch):
        out.steps.append(StepResult("concepts", False, "up to date"))
        return
    try:
        res = extract_concepts(lib, encoder=encoder, progress=progress, cancel=cancel)
    except LibraryError as exc:   # too few papers for shared phrases: the gaps fall back to map clusters
        lib.record_analysis_input("concepts", fp, batch)      # not tried again until the library changes
        out.notes.append(f"no concepts ({exc}): method x problem gaps between map clusters")
        out.steps.append(StepResult("concepts", False, f"not extracted: {exc}"))
        return
    lib.record_analysis_input("concepts", fp, res["batch"])
    out.steps.append(StepResult("concepts", True, f"{plural(res['concepts'], 'concept')} ({res['method_concepts']:,} method, "
                                                 f"{res['problem_concepts']:,} problem) from {plural(res['papers'], 'paper')}"))


def _gaps_step(lib, out: AnalysisReport, problem_facet: str, progress, cancel) -> None:
    from .gaps import find_gaps, list_gaps

    if not out.maps:
        out.steps.append(StepResult("gaps", False, "no maps to find gaps in"))
        return
    fp = _gaps_fingerprint(lib, out.maps, problem_facet)
    batch = lib.latest_gap_batch()
    if lib.analysis_input("gaps") == (fp, batch):
        out.gaps = len(list_gaps(lib))
        out.steps.append(StepResult("gaps", False, "up to date"))
        _note_skipped(lib, out)
        return
    found = find_gaps(lib, progress=progress, cancel=cancel, problem_facet=problem_facet)
    lib.record_analysis_input("gaps", fp, lib.latest_gap_batch())
    out.gaps = len(found)
    out.steps.append(StepResult("gaps", True, f"{plural(len(found), 'gap')} found"))
    _note_skipped(lib, out)


def _note_skipped(lib, out: AnalysisReport) -> None:
    """The gap types the find could not look for (`analyze --facet topic` builds no shortcoming map): said,
    for an empty type must not read as "none of these gaps" (gaps/needs.py)."""
    from .gaps.needs import skipped_text
    from .gaps.store import skipped_types

    out.notes += [skipped_text(s) for s in skipped_types(lib)]
