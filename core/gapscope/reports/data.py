"""Gathering a report: everything the renderers show, read from the library into one ReportData.

Each section reads its data through the module that owns it (maps, gaps, triage, experiments) when
that module and its tables are present, and otherwise records a plain ``missing`` message saying which
step has not been run yet. Nothing is invented: an empty section says so.
"""

from __future__ import annotations

import json
import platform
import shlex
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

from ..jobs import CancelToken, ProgressFn, check, report
from ..store.library import Library, LibraryError
from ..exports.text import paper_link
from ..textfmt import latex_to_text
from ..vocabulary import DEFAULT_REPORT_GAPS, MAP_FACETS
from ..textfmt import plural



@dataclass
class PaperRef:
    """A paper as a report cites it."""

    id: int
    title: str
    authors: list[str]
    year: Optional[int]
    arxiv_id: Optional[str]
    doi: Optional[str]

    @property
    def link(self) -> Optional[str]:
        return paper_link(self.arxiv_id, self.doi)

    @property
    def ident(self) -> str:
        return f"arXiv:{self.arxiv_id}" if self.arxiv_id else (f"doi:{self.doi}" if self.doi else f"#{self.id}")

    def meta(self, max_authors: int = 4) -> str:
        """Authors · year · identifier, as every format prints them under a title."""
        authors = "; ".join(self.authors[:max_authors]) + (" et al." if len(self.authors) > max_authors else "")
        return " · ".join(b for b in (authors, str(self.year) if self.year else "", self.ident) if b)


@dataclass
class Section:
    """A section's data, or why there is none (``missing``: the step that has not been run)."""

    missing: Optional[str] = None


@dataclass
class CorpusSection(Section):
    papers: int = 0
    with_abstract: int = 0
    arxiv: int = 0
    doi: int = 0
    imports: list[dict[str, Any]] = field(default_factory=list)   # the import / collect log, oldest first
    years: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    first_published: Optional[str] = None
    last_published: Optional[str] = None

    @property
    def undated(self) -> int:
        """Papers without a year: not in the papers-per-year table (which says so)."""
        return max(0, self.papers - sum(int(n) for n in self.years.values()))


@dataclass
class PrismaSection(Section):
    identified: int = 0                # records read by imports and collects, bad records left out
    unreadable: int = 0                # records an importer could not read (not counted as identified)
    duplicates_removed: int = 0
    after_dedup: int = 0               # unique papers in scope
    screened: int = 0
    excluded: int = 0
    excluded_by_reason: dict[str, int] = field(default_factory=dict)
    included: int = 0
    maybe: int = 0
    postponed: int = 0
    not_screened: int = 0
    conflicts: int = 0                 # papers two reviewers decided differently, not resolved yet
    awaiting: int = 0                  # dual screening: papers one reviewer has screened, awaiting another
    decisions_from: Optional[str] = None   # the collection whose decisions are counted (None: the whole library's)
    decisions_elsewhere: dict[str, int] = field(default_factory=dict)   # {collection: decisions} not counted here
    how_counted: list[str] = field(default_factory=list)
    triage_stats: Optional[dict[str, Any]] = None  # from gapscope.triage when present
    identification_notes: int = 0      # how many of ``how_counted`` explain the identification counts

    @property
    def not_screened_line(self) -> Optional[str]:
        """One line when no paper has a decision yet (a PRISMA flow of zeros and a table of blanks says
        nothing): the step not run, the command that runs it, and the identification counts, which stand."""
        if self.missing or self.screened or self.postponed or self.conflicts or self.awaiting:
            return None
        counts = (f"{self.identified:,} records identified, {self.unreadable:,} unreadable and "
                  f"{self.duplicates_removed:,} duplicates removed leave {self.after_dedup:,} papers to screen.")
        if self.decisions_elsewhere:
            # screened in collections that do not hold every paper (not counted here): say where, as `triage stats` does
            from ..triage.decisions import elsewhere_text

            return ("No paper has been screened yet in the whole library (each collection keeps its own decisions)"
                    + elsewhere_text(self.decisions_elsewhere, "gapscope report")
                    + " (in the desktop: File > Export…, scope “A collection”). " + counts)
        return ("No paper has been screened yet: screen papers with `gapscope triage next` and "
                "`gapscope triage decide` (or the desktop's Triage view). " + counts)

    def rows(self, indent: str = "  ") -> list[tuple[str, int]]:
        """The flow as (step, records) rows, in PRISMA order, for every renderer."""
        rows = [("Records identified", self.identified), ("Unreadable records (not counted)", self.unreadable),
                ("Duplicates removed", self.duplicates_removed), ("Records after duplicates removed", self.after_dedup),
                ("Records screened", self.screened), ("Excluded", self.excluded)]
        rows += [(f"{indent}excluded: {reason}", n) for reason, n in self.excluded_by_reason.items()]
        rows += [("Maybe", self.maybe), ("Not screened yet", self.not_screened), (f"{indent}of which postponed", self.postponed)]
        if self.conflicts:
            rows.append((f"{indent}of which reviewer conflicts not resolved", self.conflicts))
        if self.awaiting:
            rows.append((f"{indent}of which awaiting a second reviewer", self.awaiting))
        rows.append(("Included", self.included))
        return rows

    def as_text(self) -> str:
        """The flow as tab-separated lines (step, records) under a header: pasted into a spreadsheet it
        fills two columns; a PRISMA diagram tool takes the numbers from there."""
        return "\n".join(f"{step}\t{n}" for step, n in [("Step", "Records"), *self.rows()]) + "\n"


@dataclass
class MapData:
    facet: str
    map_id: Optional[int]
    created_at: Optional[str]
    params: dict[str, Any]
    scope: dict[str, Any]
    n_papers: int
    clusters: list[dict[str, Any]]      # id, label, keywords, size, stability, sizes_by_year, representative
    points: list[tuple[float, float, int]]  # x, y, cluster
    time_note: Optional[str] = None     # why the clusters-over-time chart is not drawn (set with the figures)
    time_caption: Optional[str] = None  # what the clusters-over-time chart shows (set with the figures)
    first_date: Optional[str] = None    # the first and last publication dates of its papers: a month at
    last_date: Optional[str] = None     # either end may be covered only in part (coverage.py)

    @property
    def label_note(self) -> str:
        """What the cluster labels are made of (the map's params say; maps built before labels from
        concepts have keyword labels)."""
        return LABEL_NOTES.get(self.params.get("labels", "keywords"), LABEL_NOTES["keywords"])


LABEL_NOTES = {"concepts": "Labels: each cluster's most distinctive concepts.",
               "mixed": "Labels: each cluster's most distinctive concepts (its keywords where its papers have none).",
               "keywords": "Labels: each cluster's most distinctive keywords."}


@dataclass
class MapsSection(Section):
    maps: list[MapData] = field(default_factory=list)
    note: Optional[str] = None
    not_built: list[str] = field(default_factory=list)  # facets without a map


@dataclass
class GapData:
    id: Optional[int]
    type: str
    score: float
    statement: str
    method: Optional[dict[str, Any]]
    problem: Optional[dict[str, Any]]
    evidence: list[PaperRef]
    details: dict[str, Any] = field(default_factory=dict)
    headline: str = ""                                            # the statement as the report gives it
    title: str = ""                                               # its heading, a few words (explain.short_title)
    why: list[str] = field(default_factory=list)                  # what orders it and the counts, in sentences
    standing: str = ""                                            # its place among its kind (explain.standing_line)
    groups: list[Any] = field(default_factory=list)               # explain.EvidenceGroup: evidence by role
    stale: list[str] = field(default_factory=list)                # why it may no longer hold (gaps/stale.py)


@dataclass
class GapsSection(Section):
    gaps: list[GapData] = field(default_factory=list)
    total: int = 0                     # gaps found; the report shows the best ``len(gaps)`` of them
    # the gap types the latest find could not look for, as `gaps list` and the Gaps view say them (gaps/needs.py):
    # without them a type with no gap reads as one the library has none of
    skipped: list[str] = field(default_factory=list)


@dataclass
class RunData:
    id: str
    name: str
    status: str
    gap_id: Optional[int]
    metrics: dict[str, Any]
    created_at: Optional[str]
    finished_at: Optional[str]
    folder: Optional[str]
    seeds: list[Any]
    papers: list[PaperRef]
    curves_png: Optional[bytes] = None
    comparison: Optional[dict[str, Any]] = None
    env: dict[str, Any] = field(default_factory=dict)
    std: dict[str, Any] = field(default_factory=dict)      # each metric's standard deviation over seeds x folds
    setup: str = ""          # what the numbers were measured on: data, model, evaluation (from the spec)
    data_model: str = ""     # "iris, mlp", as `runs list` and `gaps show` say it (run_links.setup_text)
    # a finished run on other data than its gap's draft proposed: what that says about the gap (run_links)
    caveat: Optional[str] = None
    folds_done: Optional[int] = None     # folds finished (the run folder's status.json; None: no folder)
    folds_total: Optional[int] = None    # folds the spec asks for over all its seeds (None: not known)

    @property
    def is_result(self) -> bool:
        """Only a finished run's scores are its result; a cancelled, failed or running one has at most
        the scores of the folds it finished."""
        return self.status == "done"

    @property
    def folds_text(self) -> str:
        """'2 of 15 folds' (or what of it is known)."""
        if self.folds_done is None:
            return f"{self.folds_total} folds planned" if self.folds_total else ""
        return f"{self.folds_done} of {self.folds_total} folds" if self.folds_total else plural(self.folds_done, "fold")

    @property
    def status_text(self) -> str:
        """The status as the report shows it: 'done', or 'cancelled: 2 of 15 folds, not a result'."""
        if self.is_result:
            return self.status
        verdict = "not a result yet" if self.status == "running" else "not a result"
        return f"{self.status}: " + (f"{self.folds_text}, " if self.folds_text else "") + verdict

    @property
    def gap_cell(self) -> str:
        """The runs table's Gap cell: "#7", marked when the run's data are not those its gap's draft proposed
        (the caveat itself is under the run's heading)."""
        if self.gap_id is None:
            return ""
        return f"#{self.gap_id}" + (" (other data)" if self.caveat else "")

    @property
    def caveat_line(self) -> str:
        return f"Caveat: {self.caveat}." if self.caveat else ""

    def table_metric(self, name: str) -> str:
        """A metric in the runs table: a finished run's score; none for a run that did not finish (its
        partial scores are under its own heading, labelled so)."""
        return self.metric_text(name) if self.is_result else "—"

    @property
    def partial_line(self) -> str:
        """The scores of an unfinished run's finished folds, said to be partial ('' when it has none)."""
        if self.is_result or not self.metrics:
            return ""
        over = f"over the {plural(self.folds_done, 'finished fold')} only" if self.folds_done else "over its finished folds only"
        scores = ", ".join(f"{k} {self.metric_text(k)}" for k in sorted(self.metrics))
        return f"Partial scores, {over} (not the run's result): {scores}."

    def metric_text(self, name: str) -> str:
        """A metric as a reader needs it: the mean, and its spread over the seeds and folds when known."""
        from .labels import value

        mean, sd = self.metrics.get(name), self.std.get(name)
        if isinstance(mean, (int, float)) and isinstance(sd, (int, float)):
            return f"{mean:.4f} ± {sd:.4f}"
        return value(mean)


@dataclass
class ExperimentsSection(Section):
    runs: list[RunData] = field(default_factory=list)      # the finished ones first
    comparisons: list[dict[str, Any]] = field(default_factory=list)

    @property
    def finished(self) -> list[RunData]:
        return [r for r in self.runs if r.is_result]

    @property
    def unfinished(self) -> list[RunData]:
        """The runs that did not finish: they tested nothing, and are listed apart."""
        return [r for r in self.runs if not r.is_result]

    @property
    def unfinished_line(self) -> str:
        """"Not finished, no result: 1 cancelled, no result (ID)." in `gaps show`'s words; "" when all finished."""
        from ..experiments.run_links import unfinished_text

        counted = unfinished_text([{"id": r.id, "status": r.status, "finished": False} for r in self.unfinished])
        return f"Not finished: {counted}." if counted else ""


@dataclass
class IncludedSection(Section):
    papers: list[PaperRef] = field(default_factory=list)   # the first `limit`, in library order
    total: int = 0
    unresolved: int = 0     # reviewer conflicts not resolved: not included (the PRISMA counts agree)
    awaiting: int = 0       # dual screening: papers one reviewer has screened: not included either

    @property
    def unresolved_note(self) -> str:
        """' N papers the reviewers decided differently ... are not listed.' or ''."""
        note = ""
        if self.unresolved:
            verb = plural(self.unresolved, "is", number=False)
            note = (f" {plural(self.unresolved, 'paper')} the reviewers decided differently {verb} not resolved yet and"
                    f" {verb} not listed (`gapscope triage conflicts`).")
        if self.awaiting:
            verb = plural(self.awaiting, "is", number=False)
            note += (f" {plural(self.awaiting, 'paper')} only one reviewer has screened {verb} awaiting a second"
                     f" reviewer and {verb} not listed.")
        return note


@dataclass
class NotesSection(Section):
    notes: list[dict[str, Any]] = field(default_factory=list)        # paper, body, updated_at
    highlights: list[dict[str, Any]] = field(default_factory=list)   # paper, text, comment, color, where
    left_out: str = ""            # when the lists stop at the limit: says so, and where they all are


@dataclass
class ReportData:
    title: str
    generated_at: str
    scope: dict[str, Any]
    corpus: CorpusSection
    prisma: PrismaSection
    maps: MapsSection
    gaps: GapsSection
    experiments: ExperimentsSection
    included: IncludedSection
    notes: NotesSection
    reproducibility: dict[str, Any]
    citations: Any = None   # gapscope.citations.report.CitationsSection: the graph figure, most-cited references
    undrawn: list[Any] = field(default_factory=list)   # pdf.Undrawn: set when the PDF is written (what it left out)


# --- helpers ---------------------------------------------------------------------------------------------

def paper_refs(lib: Library, ids: list[int]) -> list[PaperRef]:
    # titles as a reader sees them: LaTeX rendered as text (every format takes its titles from here)
    return [PaperRef(p.id, latex_to_text(p.title), p.authors, p.year, p.arxiv_id, p.doi) for p in lib.get_papers(ids)]


def library_name(path: Any) -> str:
    """The library as a report names it: its folder's name without ``.gapscope`` ("L10"), not the local
    path (a report is sent to others)."""
    p = Path(str(path))
    name = p.parent.name if p.suffix == ".sqlite" else p.name    # a library given by its database file
    return name[: -len(".gapscope")] if name.endswith(".gapscope") and len(name) > len(".gapscope") else name


def _scope_ids(lib: Library, collection: Optional[str]) -> Optional[set[int]]:
    if collection is None:
        return None
    lib.collection_id(collection)  # raises LibraryError naming the collection when it does not exist
    return set(lib.list_paper_ids(collection=collection))


# --- sections --------------------------------------------------------------------------------------------

def gather_corpus(lib: Library, collection: Optional[str]) -> CorpusSection:
    sec = CorpusSection(**lib.corpus_counts(collection), imports=lib.import_rows(collection))
    if not sec.papers:
        sec.missing = "The library holds no papers yet: run `gapscope import FILE` or `gapscope collect`."
    return sec


def prisma_flow(lib: Library, collection: Optional[str] = None) -> PrismaSection:
    """The PRISMA counts of the screening report (identified, duplicates removed, screened, ...) and how
    they are counted, without the triage statistics: `gapscope imports --prisma` and the window's Import
    History show these."""
    return gather_prisma(lib, collection, gather_corpus(lib, collection), triage_stats=False)


def gather_prisma(lib: Library, collection: Optional[str], corpus: CorpusSection, *,
                  triage_stats: bool = True) -> PrismaSection:
    sec = PrismaSection()
    if collection is None:
        # Counted from the records kept, not from the log's reads: an import killed and run again, or
        # a file imported twice, reads the same records again, and they are one record each.
        counts = lib.identified_records()
        sec.unreadable = counts["unreadable"]
        own, own_only = counts["own_export"], counts["own_export_only"]
        sec.identified = counts["source_records"] - own + own_only
        sec.how_counted.append(
            "Identified = distinct source records (one per record of a file or a collect; a record read again "
            "by a re-import or a resumed collect counts once), unreadable records left out. Duplicates removed = "
            "identified records that matched a paper already in the library (same arXiv id, DOI or "
            "near-identical title).")
        if own:
            sec.how_counted.append(
                f"{own} records were read back from GapScope's own exports (BibTeX, RIS or CSL-JSON files this "
                f"program wrote): they are papers a library already held, not a new source, and are not counted "
                f"as identified" + (f", except one for each of the {own_only} papers that came only from such "
                                    f"an export." if own_only else "."))
        # Papers that reached the library without an import or collect (an older library, a tool writing
        # directly) are counted as identified once each, so the flow adds up.
        direct = counts["direct"]
        if direct:
            sec.identified += direct
            sec.how_counted.append(f"{direct} papers have no import or collect in the log (added directly); "
                                   "each counts as one identified record.")
        sec.duplicates_removed = max(0, sec.identified - corpus.papers)
        sec.identification_notes = len(sec.how_counted)
        from ..triage.decisions import decisions_elsewhere, whole_library_screening

        sec.decisions_from = whole_library_screening(lib)
        if sec.decisions_from is None:
            sec.decisions_elsewhere = decisions_elsewhere(lib)
            sec.how_counted.append("Screening counts use the whole-library decisions (not those made inside a collection).")
        else:
            sec.how_counted.append(
                f"Screening counts use the decisions made in collection {sec.decisions_from!r}, which holds every "
                f"paper of the library (the whole library has no decisions of its own; gapscope triage screens "
                f"there with -c {shlex.quote(sec.decisions_from)}).")
    else:
        n_records = lib.count_source_records(collection)
        sec.identified = n_records
        sec.duplicates_removed = max(0, n_records - corpus.papers)
        sec.how_counted.append(
            f"Identified = source records (one per source that reported a paper) of the papers in collection "
            f"{collection!r}; duplicates removed = those records minus the collection's unique papers. Records "
            f"read back from GapScope's own exports count only for a paper that has no other record.")
        # unreadable records of the imports that brought the collection's papers (the latest read of each
        # file, as for the whole library): a record that could not be read is in no collection, but was lost
        latest: dict[tuple, dict] = {}
        for imp in corpus.imports:
            latest[(imp["kind"], imp["source"], imp["target"])] = imp
        sec.unreadable = sum(int(imp.get("errors") or 0) for imp in latest.values())
        if sec.unreadable:
            sec.how_counted.append(f"Unreadable records = records the imports of this collection's papers could "
                                   f"not read ({sec.unreadable}); they are not counted as identified.")
        sec.identification_notes = len(sec.how_counted)
        sec.decisions_from = collection
        sec.how_counted.append(f"Screening counts use the decisions made in collection {collection!r}.")
    sec.after_dedup = corpus.papers
    # The resolved decision of each paper (gapscope.triage): its latest live decision, or with two
    # reviewers their shared decision or the resolution of their conflict; open conflicts and papers only
    # one reviewer has screened (awaiting a second) are left out.
    from ..triage import awaiting_second, conflicts as triage_conflicts, current_decisions

    try:
        in_scope = set(lib.list_paper_ids(collection=collection))
        decided_in = sec.decisions_from
        resolved = {pid: d for pid, d in current_decisions(lib, decided_in).items() if pid in in_scope}
        open_conflicts = [c for c in triage_conflicts(lib, decided_in) if c["paper_id"] in in_scope]
        awaiting = [a for a in awaiting_second(lib, decided_in) if a["paper_id"] in in_scope]
    except LibraryError:  # an unknown collection: nothing screened in it
        resolved, open_conflicts, awaiting = {}, [], []
    for d in resolved.values():
        decision, reason = d["decision"], (d["reason"] or "").strip() or "no reason given"
        if decision != "postpone":  # postponed: put off, not screened (as gapscope.triage counts it)
            sec.screened += 1
        if decision == "include":
            sec.included += 1
        elif decision == "exclude":
            sec.excluded += 1
            sec.excluded_by_reason[reason] = sec.excluded_by_reason.get(reason, 0) + 1
        elif decision == "maybe":
            sec.maybe += 1
        else:
            sec.postponed += 1
    sec.conflicts = len(open_conflicts)
    if sec.conflicts:
        sec.how_counted.append(f"{sec.conflicts} papers the two reviewers decided differently are not resolved yet: "
                               "they count as not screened (`gapscope triage conflicts`).")
    sec.awaiting = len(awaiting)
    if sec.awaiting:
        sec.how_counted.append(f"{sec.awaiting} papers only one of the reviewers has screened await a second "
                               "reviewer: with two reviewers a paper is included or excluded when they agree or a "
                               "conflict is resolved, so these count as not screened.")
    sec.excluded_by_reason = dict(sorted(sec.excluded_by_reason.items(), key=lambda kv: (-kv[1], kv[0])))
    sec.not_screened = max(0, sec.after_dedup - sec.screened)
    sec.how_counted.append("Screened = papers with a current decision (the latest one not undone; with two "
                           "reviewers, their agreed or resolved decision) of include, exclude or maybe; 'maybe' is "
                           "screened but neither included nor excluded; 'postponed' papers count as not screened yet.")
    from .. import triage

    try:
        stats = triage.triage_stats(lib, collection=sec.decisions_from) if triage_stats else None
    except LibraryError:  # an unknown collection: the counts above still stand
        stats = None
    from ..triage.stopping import POINT_ESTIMATE_KEYS, add_readiness, describe

    if stats is not None:
        add_readiness(stats)
    if stats is not None and not stats.get("empty"):
        ag = stats.get("agreement")
        if ag:
            kappa = "undefined (one category only)" if ag["kappa"] is None else f"{ag['kappa']:.2f}"
            sec.how_counted.append(f"Two reviewers screened blind: {ag['reviewers'][0]} and {ag['reviewers'][1]} "
                                   f"both decided {ag['papers']} papers and agreed on {ag['agreed']}; Cohen's kappa {kappa}.")
        sec.how_counted += ["Stopping: " + line for line in describe(stats["stopping"], stats["unseen"])]
        sec.how_counted.append("Stopping rule: " + stats["stopping"]["rule"])
    if stats is not None:
        flat: dict[str, Any] = {}
        for k, v in stats.items():  # one level of nesting flattened: stopping.estimated_recall ...
            if k == "decisions_elsewhere":
                continue
            if isinstance(v, dict) and k != "exclusion_reasons":
                flat.update({f"{k}.{k2}": v2 for k2, v2 in v.items()})
            elif k != "exclusion_reasons":
                flat[k] = v
        if flat.get("stopping.estimable") is False:
            # figures without enough decisions behind them are not shown as figures (stopping.readiness)
            # the bound stays when only its width held the estimate back: the text gives it as the interval
            only_wide = not flat.get("stopping.needs_screened") and not flat.get("stopping.needs_relevant")
            hidden = POINT_ESTIMATE_KEYS + ("p_value",) + (
                () if only_wide else ("unseen_relevant_upper", "recall_lower_bound"))
            for k in hidden:
                # the point estimate is None by then (stopping.add_readiness): said in words all the same
                if flat.get(f"stopping.{k}") is not None or k in POINT_ESTIMATE_KEYS:
                    flat[f"stopping.{k}"] = "not estimable yet"
        sec.triage_stats = flat
    if not sec.identified and not corpus.papers:
        sec.missing = "Nothing has been imported or collected yet: run `gapscope import FILE` or `gapscope collect`."
    return sec


def _map_from_module(lib: Library, facet: str) -> Optional[MapData]:
    from .. import maps
    from .coverage import date_span

    try:
        m = maps.latest_map(lib, facet)
    except LibraryError:
        return None
    clusters = []
    for c in m.clusters:
        clusters.append({"id": c.id, "label": c.label, "label_kind": getattr(c, "label_kind", "keywords"),
                         "concepts": list(getattr(c, "concepts", None) or []),
                         "keywords": list(c.keywords or []), "size": c.size,
                         "stability": c.stability, "sizes_by_year": dict(c.sizes_by_year or {}),
                         "sizes_by_month": dict(getattr(c, "sizes_by_month", None) or {}),
                         "representative": c.representative})
    points = [(float(xy[0]), float(xy[1]), m.assignments.get(pid, -1)) for pid, xy in m.coords.items()
              if xy and xy[0] is not None and xy[1] is not None]
    first, last = date_span((d, y) for pid, d, y in lib.paper_dates() if pid in m.assignments)
    return MapData(facet=facet, map_id=getattr(m, "id", None), created_at=getattr(m, "created_at", None),
                   params=dict(getattr(m, "params", {}) or {}), scope=dict(getattr(m, "scope", {}) or {}),
                   n_papers=len(m.assignments), clusters=clusters, points=points,
                   first_date=first, last_date=last)


def gather_maps(lib: Library) -> MapsSection:
    sec = MapsSection()
    for facet in MAP_FACETS:
        m = _map_from_module(lib, facet)
        if m is None:
            sec.not_built.append(facet)
        else:
            sec.maps.append(m)
    if not sec.maps:
        sec.missing = "No maps have been built in this library: run `gapscope map`."
    return sec


def gather_gaps(lib: Library, limit: Optional[int] = 25) -> GapsSection:
    from .. import gaps

    from ..gaps.needs import skipped_text
    from ..gaps.stale import stale_reasons
    from ..gaps.store import skipped_types
    from .explain import body_text, evidence_groups, headline, short_title, standing_line, why_lines

    sec = GapsSection()
    found = gaps.list_gaps(lib)
    sec.total = len(found)
    sec.skipped = [skipped_text(e) for e in skipped_types(lib)]
    for g in sorted(found, key=lambda g: -float(g.score))[:limit]:
        d = g.to_dict()
        details = d.get("details") or {}
        ids = [int(p) for p in d.get("evidence", [])]
        quoted = [int(q["paper_id"]) for q in (details.get("quotes") or []) + (details.get("shortcoming_sentences") or [])]
        refs = {r.id: r for r in paper_refs(lib, list(dict.fromkeys(ids + quoted)))}
        roles = {int(k): v for k, v in (d.get("evidence_roles") or {}).items()}
        method, problem = d.get("method") or {}, d.get("problem") or {}
        title = short_title(d["type"], d["statement"], method.get("label"), problem.get("label"))
        said = headline(d["statement"], details)
        # said once: the heading, the statement without the heading's words, then only what it does not say
        sec.gaps.append(GapData(id=d.get("id"), type=d["type"], score=float(d["score"]), statement=d["statement"],
                                method=d.get("method"), problem=d.get("problem"),
                                evidence=[refs[i] for i in ids if i in refs], details=details,
                                headline=body_text(title, said) if title != said else said, title=title,
                                why=why_lines(d["type"], float(d["score"]), details, method.get("label"),
                                              problem.get("label"), statement=said,
                                              listed=Counter(roles.get(i) for i in ids if i in refs)),
                                standing=standing_line(d["type"], float(d["score"]), details),
                                groups=evidence_groups(ids, roles, details, refs, PaperRef.meta,
                                                       _held(lib, details)),
                                # marked as `gaps list` and the Gaps view mark it: never shown as current
                                stale=stale_reasons(lib, g)))
    if not sec.gaps:
        sec.missing = "No gaps have been found in this library: run `gapscope gaps find` (after `gapscope map`)."
    return sec


def _held(lib: Library, details: dict) -> dict[str, int]:
    """{arXiv id: library paper id} of a gap's closest existing work found in another source (the reference
    corpus) that the library holds too: a library paper is reported as in the library."""
    from ..gaps.find import library_copies

    return library_copies(lib, [p["arxiv_id"] for p in details.get("closest_work") or []
                                if p.get("source") != "library" and p.get("arxiv_id")])


def run_setup(spec_text: str, spread: bool = True) -> str:
    """One line saying what a run's numbers were measured on: its data and model in `runs show`'s words
    (run_links.setup_line), then its evaluation, read from its spec ("" when the spec cannot be read);
    ``spread``: its scores are shown ± their standard deviation (a finished run's; one cancelled or failed
    has no spread, and maybe not all its results)."""
    import tomllib

    from ..experiments import run_links

    try:
        spec = tomllib.loads(spec_text or "")
    except tomllib.TOMLDecodeError:
        return ""
    ev = spec.get("eval") if isinstance(spec.get("eval"), dict) else {}
    parts = [x for x in (run_links.setup_line(run_links.run_setup(spec)),) if x]
    split, folds, seeds = ev.get("split"), ev.get("folds"), ev.get("seeds")
    kfold = split == "kfold" and isinstance(folds, int) and folds > 0
    how = f"{folds}-fold cross-validation" if kfold else str(split or "")
    n_seeds = len(seeds) if isinstance(seeds, list) else 0
    if n_seeds:
        how += f"{' × ' if how else ''}{n_seeds} seed{'s' if n_seeds != 1 else ''}"
    if how and not spread:
        parts.append(f"evaluation: {how}")
    elif how:
        results = folds * n_seeds if kfold and n_seeds else None
        parts.append(f"evaluation: {how} (scores: mean ± standard deviation over "
                     + (f"the {results} results)" if results else "the results)"))
    return "; ".join(parts)


def planned_folds(spec_text: str) -> Optional[int]:
    """The folds a run's spec asks for over all its seeds (k-fold: folds x seeds, another split: one per
    seed); None when the spec does not say."""
    import tomllib

    try:
        ev = tomllib.loads(spec_text or "").get("eval")
    except tomllib.TOMLDecodeError:
        return None
    if not isinstance(ev, dict) or not isinstance(ev.get("seeds"), list) or not ev["seeds"]:
        return None
    folds = ev.get("folds") if ev.get("split") == "kfold" else 1
    return folds * len(ev["seeds"]) if isinstance(folds, int) and folds > 0 else None


def _spec_seeds(spec_text: str) -> list[Any]:
    import tomllib

    try:
        spec = tomllib.loads(spec_text or "")
    except tomllib.TOMLDecodeError:
        return []
    found: list[Any] = []

    def walk(d: Any) -> None:
        if isinstance(d, dict):
            for k, v in d.items():
                if k in ("seed", "seeds"):
                    found.extend(v if isinstance(v, list) else [v])
                else:
                    walk(v)
    walk(spec)
    return found


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def gather_experiments(lib: Library, collection: Optional[str]) -> ExperimentsSection:
    from ..experiments.run_links import run_link, setup_text
    from ..experiments.runner import row_status
    from ..gaps import stored_gap_dict

    sec = ExperimentsSection()
    gaps: dict[int, Optional[dict[str, Any]]] = {}
    rows = lib.report_run_rows(collection)
    for rid, name, status, gap_id, metrics, created, finished, folder, spec in rows:
        paper_ids = lib.run_paper_ids(rid)
        # a row still "running" whose process is gone reads "interrupted", as `runs list` says it
        run = RunData(id=rid, name=name, status=row_status({"status": status, "folder": folder}), gap_id=gap_id,
                      metrics=json.loads(metrics or "{}"), created_at=created, finished_at=finished, folder=folder,
                      seeds=_spec_seeds(spec), papers=paper_refs(lib, paper_ids), folds_total=planned_folds(spec))
        if folder:
            f = Path(folder)
            status_json = _read_json(f / "status.json")
            if isinstance(status_json, dict) and isinstance(status_json.get("folds"), list):
                run.folds_done = len(status_json["folds"])
            result = _read_json(f / "result.json")
            if isinstance(result, dict) and isinstance(result.get("std"), dict):
                run.std = result["std"]
            curves = f / "curves.png"
            if curves.is_file():
                run.curves_png = curves.read_bytes()
            for name_ in ("env.json", "environment.json"):
                env = _read_json(f / name_)
                if isinstance(env, dict):
                    run.env = env
                    break
            for name_ in ("comparison.json", "compare.json"):
                cmp_ = _read_json(f / name_)
                if isinstance(cmp_, dict):
                    run.comparison = cmp_
                    break
        run.setup = run_setup(spec, spread=bool(run.std))     # ± only where the run's folder gave a spread
        if gap_id is not None and gap_id not in gaps:       # each gap read once, however many runs it has
            gaps[gap_id] = stored_gap_dict(lib, gap_id)
        link = run_link({"id": rid, "status": run.status, "spec": spec, "metrics": run.metrics}, gaps.get(gap_id))
        run.data_model, run.caveat = setup_text(link), link["caveat"]
        sec.runs.append(run)
    # the finished runs first, the others apart after them, as a gap lists its runs (they tested nothing)
    sec.runs.sort(key=lambda r: not r.is_result)
    _compare_runs(sec.runs)
    if not sec.runs and collection is not None and lib.report_run_rows(None):
        # the library has runs, none linked to this collection's papers: "none run yet" would be untrue
        n = len(lib.report_run_rows(None))
        sec.missing = (f"No experiment run of this library is linked to a paper of collection “{collection}” "
                       f"(the library has {n} run{'s' if n != 1 else ''}: `gapscope runs list`). A run drafted "
                       "from a gap (`gapscope runs draft --gap ID`) is linked to the gap's evidence papers.")
    elif not sec.runs:
        sec.missing = ("No experiments have been run from this library yet. To test a gap, draft an experiment "
                       "from it (the Gaps view's “Draft experiment…” button, or `gapscope runs draft --gap ID -o "
                       "spec.toml`) and run it (`gapscope run spec.toml`).")
    return sec


def _compare_runs(runs: list[RunData]) -> None:
    """Within each gap, every later finished run against the first one (its baseline), paired by
    (seed, fold), through gapscope.experiments when it is installed. A comparison file already in a
    run folder is kept as it is."""
    from ..experiments.compare import CompareError, compare_runs

    by_gap: dict[Any, list[RunData]] = {}
    for r in runs:
        if r.status == "done" and r.folder:
            by_gap.setdefault(r.gap_id, []).append(r)
    for group in by_gap.values():
        if len(group) < 2:
            continue
        status = {r.id: _read_json(Path(r.folder) / "status.json") for r in group}
        base = group[0]
        for r in group[1:]:
            if r.comparison is not None or not isinstance(status[r.id], dict) or not isinstance(status[base.id], dict):
                continue
            try:
                res = compare_runs({"run_id": r.id, "folds": status[r.id].get("folds", [])},
                                   {"run_id": base.id, "folds": status[base.id].get("folds", [])})
            except (CompareError, KeyError, ValueError, TypeError):
                continue
            keep = ("metric", "variant", "baseline", "n", "mean_variant", "mean_baseline", "mean_diff", "ci",
                    "t_p", "wilcoxon_p", "cohen_dz", "rank_biserial", "wins", "losses", "ties", "warnings", "summary")
            r.comparison = {k: res[k] for k in keep if k in res}


def gather_included(lib: Library, collection: Optional[str], limit: int = 500) -> IncludedSection:
    sec = IncludedSection()
    from ..exports.selection import included_ids
    from ..triage import awaiting_count, unresolved_count

    ids = included_ids(lib, collection)
    sec.papers = paper_refs(lib, ids[:limit])
    sec.total = len(ids)
    sec.unresolved = unresolved_count(lib, collection)
    sec.awaiting = awaiting_count(lib, collection)
    if not ids:
        sec.missing = "No paper has been included yet: screen papers with `gapscope triage next` and `gapscope triage decide`." + sec.unresolved_note
    return sec


def gather_notes(lib: Library, collection: Optional[str], limit: int = 500) -> NotesSection:
    sec = NotesSection()
    # one row past the limit says whether some were left out (the report then says where they all are)
    rows = lib.note_rows(collection, limit + 1)
    hrows = lib.highlight_rows(collection, limit + 1)
    prows = lib.pdf_highlight_rows(collection, limit + 1)  # made in the Reader: as much the user's as the rest
    cut = [what for what, got in (("notes", rows), ("abstract highlights", hrows), ("PDF highlights", prows))
           if len(got) > limit]
    rows, hrows, prows = rows[:limit], hrows[:limit], prows[:limit]
    if cut:
        scope = f" --collection {shlex.quote(collection)}" if collection else ""     # inside the command
        sec.left_out = (f"Only the first {limit} {' and '.join(cut)} are listed here; the notes export "
                        f"(`gapscope export notes-md -o notes.md{scope}`) holds them all.")
    refs = {r.id: r for r in paper_refs(lib, sorted({r[0] for r in rows} | {r[0] for r in hrows}
                                                    | {r[0] for r in prows}))}
    sec.notes = [{"paper": refs.get(pid), "body": body, "updated_at": t} for pid, body, t in rows]
    abstract_hl = [(pid, 0, {"paper": refs.get(pid), "text": latex_to_text(abstract[s:e]), "comment": comment,
                             "color": color, "where": "abstract"})
                   for pid, s, e, color, comment, abstract in hrows]
    pdf_hl = [(pid, page, {"paper": refs.get(pid), "text": text, "comment": comment, "color": color,
                           "where": pdf_page(page, name, pdfs)})
              for pid, page, text, color, comment, name, pdfs in prows]
    # by paper, each paper's abstract highlights first, then its PDF's page by page (a stable sort)
    sec.highlights = [h for _pid, _page, h in sorted(abstract_hl + pdf_hl, key=lambda t: (t[0], t[1]))]
    if not rows and not hrows and not prows:
        sec.missing = "No notes or highlights yet."
    return sec


def pdf_page(page: int, original_name: str, pdfs: int) -> str:
    """Where a PDF highlight is: its page, and the PDF's file name when the paper has several PDFs."""
    from ..triage.annotate import pdf_name

    return f"PDF page {page}" + (f" of {pdf_name(original_name)}" if pdfs > 1 else "")


def _version(dist: str) -> Optional[str]:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def gather_reproducibility(lib: Library, maps: MapsSection, gaps: GapsSection, exps: ExperimentsSection,
                           generated_at: str) -> dict[str, Any]:
    from .. import __version__

    out: dict[str, Any] = {
        "gapscope": __version__,
        "generated_at": generated_at,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "packages": {d: _version(d) for d in ("torch", "sentence-transformers", "faiss-cpu", "numpy",
                                                "scikit-learn", "matplotlib", "fpdf2", "bibtexparser")},
        "library": str(lib.path),                  # the full path: in the reproducibility appendix only
        "library_name": library_name(lib.path),
        "schema_migrations": lib.applied_migrations(),
        "counts": {k: v for k, v in lib.stats().items() if k not in ("path", "years", "top_categories")},
    }
    out["packages"] = {k: v for k, v in out["packages"].items() if v}
    models: set[str] = set()
    out["maps"] = []
    for m in maps.maps:
        model = m.params.get("model")
        if model:
            models.add(str(model))
        out["maps"].append({"facet": m.facet, "map_id": m.map_id, "created_at": m.created_at,
                            "params": m.params, "scope": m.scope, "papers": m.n_papers})
    # Model ids recorded by the embedding and facet steps.
    models.update(str(m) for m in lib.embed_models_used())
    models.update(str(m) for m in lib.facet_models_used())
    out["models"] = sorted(models)
    out["gaps"] = sorted({json.dumps(g.details.get("params"), sort_keys=True) for g in gaps.gaps
                          if isinstance(g.details, dict) and g.details.get("params")})
    from .explain import gap_settings_rows

    out["gap_settings"] = gap_settings_rows(gaps.gaps)      # said once here, not beside every gap
    out["runs"] = [{"id": r.id, "seeds": r.seeds, "env": r.env} for r in exps.runs]
    return out


def build_report_data(lib: Library, *, collection: Optional[str] = None, title: Optional[str] = None,
                      progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None,
                      max_gaps: Optional[int] = DEFAULT_REPORT_GAPS) -> ReportData:
    """Read everything a gap report shows: the ``max_gaps`` best gaps (None: all). Raises LibraryError for
    an unknown collection."""
    _scope_ids(lib, collection)
    generated = datetime.now(timezone.utc).isoformat(timespec="seconds")
    steps = 7
    report(progress, 0, steps, "corpus")
    corpus = gather_corpus(lib, collection)
    check(cancel)
    report(progress, 1, steps, "screening")
    prisma = gather_prisma(lib, collection, corpus)
    check(cancel)
    report(progress, 2, steps, "maps")
    maps = gather_maps(lib)
    if collection is not None and maps.maps:
        maps.note = ("Maps and gaps cover the scope they were built over (see each map's parameters), "
                     f"not only collection {collection!r}.")
    check(cancel)
    report(progress, 3, steps, "gaps")
    gaps = gather_gaps(lib, limit=max_gaps)
    check(cancel)
    report(progress, 4, steps, "experiments")
    exps = gather_experiments(lib, collection)
    check(cancel)
    report(progress, 5, steps, "included papers and notes")
    included = gather_included(lib, prisma.decisions_from)     # the decisions the screening counts
    notes = gather_notes(lib, collection)
    repro = gather_reproducibility(lib, maps, gaps, exps, generated)
    ts = prisma.triage_stats or {}
    if ts.get("model.text") and prisma.screened:
        # the screening ranked papers with this model and stopped (or not) by this rule
        repro["screening_model"] = ts["model.text"]
        repro["screening_features"] = ts.get("model.features")
        repro["stopping_rule"] = (f"buscar hypergeometric test, recall target {ts.get('stopping.target_recall', 0):.0%} "
                                  f"at {ts.get('stopping.confidence', 0):.0%} confidence")
    from ..citations.report import citation_section

    citations = citation_section(lib, collection)
    report(progress, steps, steps, "done")
    scope = {"collection": collection} if collection else {"library": True}
    name = library_name(lib.path)
    return ReportData(title=title or (f"Gap report: {name}, collection {collection}" if collection else f"Gap report: {name}"),
                      generated_at=generated, scope=scope, corpus=corpus, prisma=prisma, maps=maps, gaps=gaps,
                      experiments=exps, included=included, notes=notes, reproducibility=repro, citations=citations)


__all__ = ["ReportData", "PaperRef", "build_report_data", "paper_refs"]


def reproducibility_rows(r: dict[str, Any]) -> list[tuple[str, Any]]:
    """The reproducibility facts as (what, value) rows, for every renderer, in words."""
    from .labels import label, value

    migrations = list(r.get("schema_migrations", []))
    rows = [("GapScope", r.get("gapscope")), ("Generated", r.get("generated_at")), ("Python", r.get("python")),
            ("Platform", r.get("platform")), ("Library", r.get("library")),
            ("Library schema", f"{len(migrations)} migrations" + (f", the latest {migrations[-1]}" if migrations else "")),
            ("Models", ", ".join(r.get("models", []) + (["screening: logistic regression, "
                                                          + str(r.get("screening_features"))]
                                                         if r.get("screening_model") else [])) or "none used yet")]
    if r.get("screening_model"):
        rows += [("Screening ranking model", r["screening_model"]), ("Screening stopping rule", r.get("stopping_rule"))]
    rows += [(f"Package {k}", v) for k, v in r.get("packages", {}).items()]
    rows += [(f"Library: {label(k).lower()}", value(v)) for k, v in r.get("counts", {}).items()]
    return rows
