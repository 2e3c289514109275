"""find_gaps: read the latest maps (and the vectors they came from), detect, rank and store gaps."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Optional, Sequence

import numpy as np

from ..jobs import ProgressFn, check, report
from ..embed import load_vectors
from ..maps.build import paper_dates
from ..maps.model import Map
from ..maps.store import latest_map
from ..store.errors import MissingStep
from ..store.library import LibraryError
from ..vocabulary import MAP_FACET_EMBED_KIND, MAP_FACETS
from ..concepts.fields import library_fields
from ..concepts.members import named_in_text
from .candidates import concept_gaps, own_field_ids
from .concept_backtest import abstract_vectors
from .detect import method_x_problem, thin_growing, unaddressed_shortcoming
from .shortcoming_concepts import unaddressed_concepts
from .takes_on import work_sentences
from .span import SpanTooShort, require_growth_span
from .standing import rank_gaps
from .model import Gap
from .needs import not_looked_for
from .quotes import label_of, no_quote_note, pick_quotes, quotable
from .stale import made_with, out_of_date_notice
from .store import save_gaps


def detect_all(maps: Mapping[str, Map], dates: Mapping[int, Optional[str]], *,
               method_vecs: Optional[tuple] = None, topic_vecs: Optional[tuple] = None,
               problem_facet: str = "result", seed: int = 0, progress: Optional[ProgressFn] = None,
               cancel=None, concepts=None, shortcomings=None, notices: Optional[list] = None,
               paper_vecs: Optional[tuple] = None, texts: Optional[Mapping[int, str]] = None,
               mentions: Optional[Mapping[int, frozenset]] = None, reference=None,
               plausible_min: Optional[float] = None, closest=None, acronyms=None, world=None,
               titles=None, own_only: Optional[set] = None, named=None, held=None,
               fields: Sequence[str] = (), stating_ids: Optional[Sequence[int]] = None,
               works_on=None) -> list[Gap]:
    """All three detectors over maps already built; each runs when its inputs are there. With ``concepts``
    (a ConceptSet) the method x problem gaps are between concepts, clusters only name their topic;
    without, between map clusters. ``notices`` collects what was refused and why. ``reference`` (a
    gaps.reference.ReferenceCorpus): concept pairs its abstracts already combine are left out; ``world`` (a
    gaps.world_check.OpenAlexCheck): so are pairs enough works in OpenAlex mention together.
    ``plausible_min``: the plausibility floor of a concept pair (concepts/pair_rules.py; None: the default).
    ``titles`` (paper ids -> titles) names a paper that combines a concept pair already; ``own_only``: the
    papers whose shortcoming sentences are all their own limitations (detect.unaddressed_shortcoming).
    ``named`` (concepts -> {id: papers naming it in their title or abstract}) and ``held`` (arXiv ids -> the
    library's ids of those it holds) and ``fields`` (the library's arXiv categories, concepts/fields.py): see
    candidates.concept_gaps. ``shortcomings.many``, where the reader has it, reads the shortcoming sentences
    of many papers at once (all those of the shortcoming map: shortcoming_concepts.py). ``stating_ids``: the papers
    whose shortcoming sentences the concept-level detector reads where there is no shortcoming map (every paper
    with shortcoming vectors: the concepts need no map; gaps/needs.py); ``method_vecs`` may then hold ids alone.
    ``works_on`` (paper ids -> their title, objective and method sentences, takes_on.work_sentences): a later paper
    addressing a stated problem concept there takes it on (shortcoming_concepts.py, takes_on.py)."""
    groups = []
    if concepts is not None and concepts.concepts:
        topic_of = None
        if "topic" in maps:
            t = maps["topic"]
            labels = {c.id: c.label for c in t.clusters}
            topic_of = {p: (c, labels.get(c, str(c))) for p, c in t.assignments.items()}
        groups.append(concept_gaps(concepts, dates, shortcomings=shortcomings, topic_of=topic_of, notices=notices,
                                   seed=seed, paper_vecs=paper_vecs, texts=texts, mentions=mentions,
                                   reference=reference, progress=progress, cancel=cancel, closest=closest,
                                   acronyms=acronyms, world=world, titles=titles, named=named, held=held,
                                   fields=fields,
                                   **({} if plausible_min is None else {"plausible_min": plausible_min})))
    elif "method" in maps and problem_facet in maps:
        groups.append(method_x_problem(maps["method"], maps[problem_facet]))
    report(progress, 1, 3, "method x problem")
    check(cancel)
    stating = list(maps["shortcoming"].assignments) if "shortcoming" in maps else stating_ids
    if stating is not None and method_vecs is not None and concepts is not None and concepts.concepts \
            and shortcomings is not None:
        # one problem concept, not a map cluster (too broad, named by keywords): shortcoming_concepts.py
        try:
            groups.append(unaddressed_concepts(
                concepts, getattr(shortcomings, "many", shortcomings)(list(stating)), dates,
                {int(p) for p in method_vecs[0]}, own_only=own_only, mentions=mentions,
                in_aim=getattr(mentions, "in_aim", None), works_on=works_on,
                refused=own_field_ids(concepts, fields, acronyms), paper_vecs=paper_vecs,
                notices=notices, cancel=(lambda: check(cancel)) if cancel is not None else None))
        except SpanTooShort as exc:
            if notices is not None:
                notices.append(f"no 'unaddressed shortcoming' gaps: {exc}")
    elif "shortcoming" in maps and method_vecs is not None:
        try:
            groups.append(unaddressed_shortcoming(maps["shortcoming"], method_vecs[0], method_vecs[1], dates,
                                                  own_only=own_only, notices=notices))
        except SpanTooShort as exc:
            if notices is not None:
                notices.append(f"no 'unaddressed shortcoming' gaps: {exc}")
    report(progress, 2, 3, "unaddressed shortcomings")
    check(cancel)
    if "topic" in maps and topic_vecs is not None:
        try:
            require_growth_span({int(p): dates.get(int(p)) for p in topic_vecs[0]})
            named = concepts is not None and bool(concepts.concepts)
            groups.append(thin_growing(maps["topic"], topic_vecs[0], topic_vecs[1], dates, seed=seed,
                                       concepts=concepts if named else None, mentions=mentions,
                                       refused=own_field_ids(concepts, fields, acronyms) if named else frozenset(),
                                       notices=notices))
        except SpanTooShort as exc:
            if notices is not None:
                notices.append(f"no 'thin and growing' gaps: {exc}")
    report(progress, 3, 3, "thin and growing regions")
    return rank_gaps(groups)


def own_limitation_papers(lib, paper_ids) -> set[int]:
    """The papers whose shortcoming sentences (abstract and full text) are all their own limitations: stating
    such a shortcoming is no addressing it (detect.unaddressed_shortcoming)."""
    from ..facets.store import shortcoming_sentences

    return {int(p) for p, qs in shortcoming_sentences(lib, paper_ids).items()
            if qs and all(q["shortcoming"] == "own" for q in qs)}


def shortcoming_reader(lib):
    """paper ids -> their shortcoming sentences (any type but none; the user's corrections win), each with its
    type, the classifier's confidence, role and whether the user labelled it (``corrected``): the abstract's,
    then those of a labelled PDF's Limitations, Discussion, Future-work and Conclusion sections, the ones its
    shortcoming facet reads, with their "section" and "page". Which of them a gap quotes: gaps/quotes.py."""
    from ..facets import paper_sentences

    def read(pids):
        out: dict[int, list] = {}
        for pid in pids:
            s = [{"text": x["text"], "shortcoming": x["shortcoming"], "confidence": x["shortcoming_confidence"],
                  "role": x["role"], "corrected": x["shortcoming_corrected"]}
                 for x in paper_sentences(lib, int(pid)) if x["shortcoming"] != "none"]
            if s:
                out[int(pid)] = s
        for pid, parts in lib.fulltext_shortcoming_parts(pids).items():
            out.setdefault(int(pid), []).extend(
                {"text": r["text"], "shortcoming": r["shortcoming"], "confidence": r["confidence"], "role": r["role"],
                 "corrected": False, "section": r["section"] or "front matter", "section_kind": r["section_kind"],
                 "page": r["page"]}
                for _att, rows in parts for r in rows)
        return out

    def many(pids):
        """The same for thousands of papers in one read of the library (facets.store.shortcoming_sentences):
        reading them one paper at a time took minutes on 10,000 papers."""
        from ..facets.store import shortcoming_sentences

        return shortcoming_sentences(lib, pids)

    read.many = many
    return read


def find_gaps(lib, *, progress: Optional[ProgressFn] = None, cancel=None, problem_facet: str = "result",
              data: Optional[Mapping[str, tuple]] = None, save: bool = True, use_concepts: bool = True,
              notices: Optional[list] = None, reference=None, skipped_out: Optional[list] = None) -> list[Gap]:
    """Gaps from the latest method / result / shortcoming / topic maps of the library (build them first
    with :func:`gapscope.maps.build_maps`) and its concepts (extracted here when there are none yet).
    ``data`` = {facet: (ids, vecs, texts)} skips load_vectors. What was refused (a corpus too short for
    growth, ...) goes in ``notices`` and in the library setting ``gaps.notices``. ``reference``: a
    reference library's path (or a gaps.reference.ReferenceCorpus) for the "already done" check; None
    reads the ``gaps_reference`` setting (command line > environment > library > user file); False or ""
    turns it off. The plausibility floor of a concept pair and the reference count that makes a pair
    established are the settings ``gaps_plausible_min`` and ``gaps_established_min``. The gap types its inputs do
    not allow (a map or vectors missing: gaps/needs.py) go in ``skipped_out`` and the setting ``gaps.skipped``,
    each with why and the commands that allow it."""
    from ..settings import get as setting

    maps = {}
    for facet in MAP_FACETS:
        try:
            maps[facet] = latest_map(lib, facet)
        except LibraryError:
            pass
    if not maps:
        from ..steps import missing_for_gaps

        raise MissingStep(missing_for_gaps(lib) or "no maps yet: run `gapscope map` first")

    def vectors(facet, without_map: bool = False):
        """(ids, vectors) of the papers of ``facet``'s map; ``without_map``, where it has none, those a map would
        hold (the topic map's papers, or the whole library's, with vectors of the facet). None: no such papers."""
        if facet not in maps and not without_map:
            return None
        if data is not None and facet in data:
            ids, vecs = np.asarray(data[facet][0], dtype=np.int64), data[facet][1]
        else:
            # vectors only: the facet texts (every sentence of the library) are not needed here
            ids, vecs = load_vectors(lib, MAP_FACET_EMBED_KIND[facet])
            ids = np.asarray(ids, dtype=np.int64)
        within = maps[facet] if facet in maps else maps.get("topic")
        if within is not None:
            keep = np.isin(ids, np.fromiter(within.assignments, dtype=np.int64))
            ids, vecs = ids[keep], vecs[keep]
        return (ids, vecs) if len(ids) else None

    notices = notices if notices is not None else []
    concepts = _concepts_for_gaps(lib, notices, progress=progress, cancel=cancel) if use_concepts else None
    paper_vecs = mentions = acronyms = None
    off: dict = {}
    if concepts is not None and concepts.concepts:
        from ..concepts.acronyms import library_acronyms
        from ..concepts.pair_rules import concept_mentions

        # what each acronym concept stands for
        acronyms = library_acronyms(lib, concepts.concepts, progress=progress, cancel=cancel)

        paper_vecs = data["topic"][:2] if data is not None and "topic" in data else abstract_vectors(lib)
        # through the FTS index, as the backtest; minutes on a large library: it tells ``progress`` as it reads
        mentions = concept_mentions(lib, concepts.concepts, cancel=cancel, progress=progress)
        off = _in_sense_only(lib, concepts, acronyms, mentions, progress=progress, cancel=cancel)
    ref, opened = _reference(lib, reference) if concepts is not None and concepts.concepts else (None, False)
    world = None
    try:
        closest = (_closest(lib, ref, paper_vecs, notices, progress, cancel) if concepts is not None
                   and concepts.concepts else None)
        for source in ([ref] if ref is not None else []) + (list(closest.sources) if closest is not None else []):
            source.senses = acronyms or {}      # their abstracts are counted in the library's sense of an acronym
            source.progress, source.cancel = progress, cancel
        world = _world(lib, acronyms, cancel) if concepts is not None and concepts.concepts else None
        # the detectors' inputs: each a read of the library (seconds on 10,000 papers), cancel read between
        check(cancel)
        concept_level = concepts is not None and bool(concepts.concepts)
        # unaddressed shortcomings read method vectors, not the method map's clusters: without that map, those
        # of the papers it would hold; between concepts they need no shortcoming map either (gaps/needs.py)
        method_vecs = vectors("method", without_map=True) if "shortcoming" in maps or concept_level else None
        check(cancel)
        if "shortcoming" in maps:
            stating = [int(p) for p in maps["shortcoming"].assignments]
        else:
            sv = vectors("shortcoming", without_map=True) if concept_level else None
            stating = [int(p) for p in sv[0]] if sv is not None else None
        check(cancel)
        topic_vecs = vectors("topic")
        check(cancel)
        own_only = own_limitation_papers(lib, stating) if stating is not None else None
        check(cancel)
        skipped = not_looked_for(lib, maps=set(maps), concept_level=concept_level, problem_facet=problem_facet,
                                 method=method_vecs is not None, stating=bool(stating), topic=topic_vecs is not None)
        gaps = detect_all(maps, paper_dates(lib), method_vecs=method_vecs,
                          topic_vecs=topic_vecs, problem_facet=problem_facet, progress=progress, cancel=cancel,
                          concepts=concepts, shortcomings=shortcoming_reader(lib), notices=notices,
                          works_on=work_sentences(lib),
                          paper_vecs=paper_vecs, mentions=mentions, reference=ref,
                          plausible_min=setting("gaps_plausible_min", lib), closest=closest, acronyms=acronyms,
                          world=world, titles=lambda ids: {q.id: q.title for q in lib.get_papers(list(ids))},
                          own_only=own_only, stating_ids=stating,
                          named=lambda cs_: {k: v - off.get(k, frozenset())
                                             for k, v in named_in_text(lib, cs_, cancel=cancel).items()},
                          held=lambda ids: library_copies(lib, ids),
                          fields=library_fields(lib.primary_category_counts(), lib.count_papers()))
    finally:
        if opened:
            ref.close()
        if world is not None:
            world.close()
    check(cancel)           # what follows reads the library for the gaps found: seconds, then they are stored
    quote_shortcomings(lib, gaps)
    stamp = made_with(lib, maps, concepts=concepts is not None and bool(concepts.concepts))
    if stamp["inputs_stale"]:
        notices.append(out_of_date_notice(stamp["inputs_stale"]))
    for g in gaps:
        g.details["made_with"] = stamp

    from ..citations.gaps import annotate_gaps

    annotate_gaps(lib, gaps, maps)   # citation evidence of method x problem gaps, when the graph has data
    check(cancel)
    if skipped_out is not None:
        skipped_out[:] = skipped
    if save:
        save_gaps(lib, gaps, notices=notices, skipped=skipped)
    return gaps


def library_copies(lib, arxiv_ids) -> dict[str, int]:
    """{arXiv id: the library's paper id} of those of ``arxiv_ids`` the library holds."""
    out = {}
    for a in arxiv_ids:
        pid = lib.paper_with_ids(str(a), None)
        if pid is not None:
            out[str(a)] = int(pid)
    return out


def _in_sense_only(lib, concepts, acronyms, mentions, *, progress=None, cancel=None) -> dict:
    """{concept id: its papers that use an acronym in another sense than the library's} (concepts/acronyms.py,
    ``in_sense``: "ASR" as attack success rate where most of its papers define automatic speech recognition),
    taken out of the concept's papers and mentions for the listing: a gap counts, joins and quotes only the
    papers meaning what its statement says. The backtest reads the concepts as extracted. Cancelled, nothing is
    taken out (the concepts are changed only once every abstract was read)."""
    from ..concepts.acronyms import off_sense
    from ..concepts.members import paper_texts

    off = off_sense(acronyms or {}, mentions, lambda ids: paper_texts(lib, ids), progress=progress, cancel=cancel,
                    where=" in the library")
    for c in concepts.concepts:
        gone = off.get(c.id)
        if gone:
            c.papers = {p: side for p, side in c.papers.items() if p not in gone}
            c.scores = {p: sc for p, sc in c.scores.items() if p not in gone}
            mentions[c.id] = frozenset(mentions.get(c.id, frozenset()) - gone)
    return off


def _reference(lib, reference):
    """(the ReferenceCorpus to check gaps against or None, whether it was opened here)."""
    from .reference import ReferenceCorpus

    if isinstance(reference, ReferenceCorpus):
        return reference, False
    from ..settings import get

    if reference is None:
        reference = get("gaps_reference", lib)
    if not reference:
        return None, False
    if Path(reference).expanduser().resolve() == Path(lib.path).expanduser().resolve():
        raise LibraryError(f"the reference library {reference} is the library itself: give a bigger corpus")
    return ReferenceCorpus.open(reference, established=get("gaps_established_min", lib)), True


def _world(lib, acronyms, cancel):
    """The OpenAlex check (gaps/world_check.py) when the setting gaps_openalex_min is above 0, else None."""
    from ..settings import get
    from .world_check import OpenAlexCheck

    n = get("gaps_openalex_min", lib)
    return OpenAlexCheck.open(lib, n, cancel=cancel, acronyms=acronyms or {}) if n else None


def _closest(lib, ref, paper_vecs, notices, progress, cancel):
    """The paraphrase-aware "already done" check (gaps/closest.py) over the reference's and the library's
    abstract vectors; None when the setting gaps_closest_min is 0 or neither has vectors (a notice says so)."""
    from ..settings import get
    from .closest import open_closest

    if not get("gaps_closest_min", lib):
        return None
    return open_closest(lib, ref, paper_vecs=paper_vecs, notices=notices, progress=progress, cancel=cancel)


def _concepts_for_gaps(lib, notices: list, *, progress: Optional[ProgressFn] = None, cancel=None):
    """The library's concepts, extracted first when none were ever extracted (and the facets are there)."""
    from ..concepts import extract_concepts, load_concept_set

    concepts = load_concept_set(lib)
    if concepts.batch is None and lib.classified_paper_ids():
        report(progress, 0, 3, "extracting concepts")
        try:
            extract_concepts(lib, cancel=cancel)
            concepts = load_concept_set(lib)
        except LibraryError as exc:
            notices.append(f"gaps between map clusters, not concepts: {exc}")
    return concepts      # concepts out of date: find_gaps' out-of-date notice names them with the maps


def quote_shortcomings(lib, gaps: list[Gap], per_gap: int = 3) -> None:
    """An unaddressed-shortcoming gap quotes its evidence papers' shortcoming sentences (the words the
    papers use, with whose shortcoming each is and how sure): in ``details["quotes"]`` and at the end of the
    statement. Only sentences that state one are quoted, the surest first (gaps/quotes.py); a gap left with
    none says so and why (``details["quote_note"]``). The statement's example, the map cluster's
    representative, stays only when it may be quoted too."""
    from ..facets.store import shortcoming_sentences

    # a concept-level one quotes the sentences naming its concept already (shortcoming_concepts.py)
    wanted = [g for g in gaps if g.type == "unaddressed_shortcoming" and g.details.get("level") != "concept"]
    if not wanted:
        return
    examples = [int(ex["paper_id"]) for g in wanted if (ex := g.details.get("example")) and ex.get("paper_id")]
    sents = shortcoming_sentences(lib, [p for g in wanted for p, r in g.roles.items() if r == "shortcoming"]
                                  + examples)
    for g in wanted:
        ex = g.details.get("example")
        if ex:
            of = [int(ex["paper_id"])] if ex.get("paper_id") else list(sents)
            ok = {q["text"] for p in of for q in quotable(sents.get(p, []))}
            if not _one_of(ex.get("text") or "", ok):
                # a method sentence the classifier also flagged, one the user labelled none, or one too unsure
                g.statement = g.statement.replace(ex["in_statement"], "", 1)
                g.details["example"] = None
        stating = [p for p, r in g.roles.items() if r == "shortcoming"]
        # per paper: its surest abstract sentence, and its surest full-text one (with the section it is in)
        quotes = []
        for p in stating:
            ranked = quotable(sents.get(p, []))
            quotes += [{"paper_id": p, **q} for q in ([q for q in ranked if not q.get("section")][:1]
                                                      + [q for q in ranked if q.get("section")][:1])]
        quotes = pick_quotes(quotes, len(quotes))      # the surest first, one per paper before a paper's second
        g.details["quotes"] = quotes
        if quotes:
            g.statement += " Stated as: " + " / ".join(
                f"\u201c{q['text']}\u201d ({label_of(q)}"
                + (f", {q['section']} p. {q['page']}" if q.get("section") else "") + ")" for q in quotes[:per_gap])
        else:
            note = no_quote_note([q for p in stating for q in sents.get(p, [])], "of its papers")
            g.details["quote_note"] = note
            g.statement += f" {note[:1].upper()}{note[1:]}."


def _one_of(text: str, sentences: set[str]) -> bool:
    """Whether ``text`` is one of ``sentences``, or the start of one cut with "\u2026" (a map's representative)."""
    if text in sentences:
        return True
    cut = text[:-1].rstrip() if text.endswith("\u2026") else None
    return bool(cut) and any(s.startswith(cut) for s in sentences)
