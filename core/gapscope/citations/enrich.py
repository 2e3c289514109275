"""`gapscope enrich`: ids, venue, citation count, open-access link, references and citing works of
library papers from OpenAlex and Semantic Scholar, into the local citation graph.

Per paper and source the work is split into steps (lookup, references, citations); each step commits
with what it found and is recorded in ``enrich_steps``. A rerun skips the steps done (the cache: a
done step is never fetched again unless ``refresh``), so an interrupted or killed run continues where
it stopped, and nothing is stored twice (works are found by any of their ids).

Which source gives what: both lookups run (ids, venue, counts and the open-access link are merged).
Semantic Scholar gives the edges, each reference and citing work with its ids, 1,000 per request;
OpenAlex gives them where Semantic Scholar has none (paper unknown there, or its references elided),
its referenced works resolved to DOIs and titles 50 per request.

Endpoints and keys resolve through :mod:`gapscope.settings` (environment > library > user settings >
default): ``$GAPSCOPE_OPENALEX_URL`` / ``$GAPSCOPE_S2_URL`` > settings ``citations.openalex_url`` /
``citations.s2_url`` > the public hosts; ``$GAPSCOPE_OPENALEX_API_KEY`` / ``$GAPSCOPE_S2_API_KEY`` >
settings ``citations.openalex_api_key`` / ``citations.s2_api_key`` (never in the code, never printed in full).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

from ..jobs import Cancelled, CancelToken, ProgressFn, check, report
from ..sources.polite import FetchError, GaveUp, NotTheSource, PoliteFetcher
from ..store.citations import VIA_OPENALEX, VIA_S2
from .sources import (DEFAULT_OPENALEX_URL, DEFAULT_S2_URL, OPENALEX_IDS_PER_FILTER, KeyRefused, NotFound, OpenAlex,
                      SemanticScholar, WorkRecord)

SOURCES = ("openalex", "s2")
STEPS = ("lookup", "references", "citations")
ENDPOINT_DEFAULT = {"openalex": DEFAULT_OPENALEX_URL, "s2": DEFAULT_S2_URL}
DONE = ("done", "not_found")


def setting(lib, key: str) -> Any:
    """A citations.* library setting (declared with its default and range in gapscope.settings); a stored
    value that is not valid is replaced by the default, with a warning naming the key."""
    from .. import settings

    return settings.library_value(lib, key)


def endpoint(lib, source: str) -> str:
    """The source's host: $GAPSCOPE_<SOURCE>_URL > library setting > user settings > the public one."""
    from .. import settings

    return str(settings.get(f"{source}_url", lib) or ENDPOINT_DEFAULT[source]).rstrip("/")


def api_key(lib, source: str) -> Optional[str]:
    """The source's API key: $GAPSCOPE_<SOURCE>_API_KEY > library setting > user settings; None without one."""
    from .. import settings

    return settings.get(f"{source}_api_key", lib) or None


@dataclass
class PaperEnrichment:
    paper_id: int
    title: str
    ids: dict[str, Any] = field(default_factory=dict)
    references: int = 0            # stored edges to the works it cites
    citations: int = 0             # stored edges from the works citing it
    fetched: list[str] = field(default_factory=list)   # steps fetched in this run ("s2 references")
    failed: list[str] = field(default_factory=list)    # "s2 citations: HTTP 503 ..." (this run or before)
    not_found: list[str] = field(default_factory=list)  # sources without this paper

    def to_dict(self) -> dict[str, Any]:
        return {"paper_id": self.paper_id, "title": self.title, "ids": self.ids, "references": self.references,
                "citations": self.citations, "fetched": self.fetched, "not_found": self.not_found,
                "failed": self.failed}


@dataclass
class EnrichReport:
    papers: list[PaperEnrichment] = field(default_factory=list)
    requests: int = 0
    retries: int = 0
    waited_s: float = 0.0
    refused: dict[str, str] = field(default_factory=dict)   # source -> why it was given up for this run
    cancelled: bool = False
    unresolved: int = 0      # S2 entries listed by title only (no id): not stored

    @property
    def failed(self) -> list[PaperEnrichment]:
        return [p for p in self.papers if p.failed]

    def to_dict(self) -> dict[str, Any]:
        return {"papers": [p.to_dict() for p in self.papers], "requests": self.requests, "retries": self.retries,
                "waited_s": round(self.waited_s, 1), "refused": self.refused, "cancelled": self.cancelled,
                "unresolved": self.unresolved, "failed": len(self.failed)}


def make_client(lib, source: str, sleep: Callable[[float], None] = time.sleep, *,
                cancel: Optional[CancelToken] = None, purpose: str = "citation enrichment",
                max_retries: Optional[int] = None, timeout_s: Optional[float] = None):
    """The OpenAlex or Semantic Scholar client with the library's endpoint, key, spacing, retries and
    timeout (at most ``max_retries`` and ``timeout_s`` when given)."""
    from ..collect import cancellable

    interval = float(setting(lib, f"citations.{source}_interval_s"))
    retries, timeout = int(setting(lib, "citations.max_retries")), float(setting(lib, "citations.timeout_s"))
    f = PoliteFetcher(min_interval=interval, timeout=timeout if timeout_s is None else min(timeout, timeout_s),
                      max_retries=retries if max_retries is None else min(retries, max_retries),
                      backoff_base=max(interval, 1.0),
                      sleep=cancellable(sleep, cancel=cancel), user_agent=f"GapScope (literature review tool; {purpose})",
                      cancel=cancel)
    if source == "openalex":
        return OpenAlex(f, endpoint(lib, source), api_key(lib, source), setting(lib, "citations.openalex_mailto"))
    return SemanticScholar(f, endpoint(lib, source), api_key(lib, source))


def make_clients(lib, sleep: Callable[[float], None] = time.sleep, *,
                 cancel: Optional[CancelToken] = None) -> dict[str, Any]:
    return {source: make_client(lib, source, sleep, cancel=cancel) for source in SOURCES}


class _Enricher:
    def __init__(self, lib, clients: dict[str, Any], rep: EnrichReport, refresh: bool, max_citing: int,
                 cancel: Optional[CancelToken]) -> None:
        self.lib, self.clients, self.rep, self.refresh = lib, clients, rep, refresh
        self.max_citing, self.cancel = max_citing, cancel

    # -- one paper ----------------------------------------------------------------------------------
    def paper(self, pid: int, doi: Optional[str], arxiv_id: Optional[str], title: str) -> PaperEnrichment:
        res = PaperEnrichment(pid, title)
        steps = self.lib.enrich_steps_of(pid)
        doi = doi or (f"10.48550/arxiv.{arxiv_id}" if arxiv_id else None)
        work = self.lib.upsert_work({"doi": doi, "arxiv_id": arxiv_id}, {"title": title}, paper_id=pid)

        found: dict[str, dict] = {}
        for source in SOURCES:
            st = steps.get((source, "lookup"))
            if st and st["status"] in DONE and not self.refresh:
                if st["status"] == "done":
                    found[source] = st["raw"] or {}
                continue
            self._run(res, source, "lookup", lambda s=source: self._lookup(pid, s, doi, arxiv_id, found))

        steps = self.lib.enrich_steps_of(pid)
        for step in ("references", "citations"):
            st = {s: steps.get((s, step), {}) for s in SOURCES}
            s2_done = st["s2"].get("status") in DONE
            settled = all(st[s].get("status") in DONE for s in found)
            if not self.refresh and ((s2_done and st["s2"].get("count")) or st["openalex"].get("status") == "done"
                                     or settled):
                continue   # done before: the cache
            # Semantic Scholar first: its edges come with ids. OpenAlex where S2 gave nothing.
            got = st["s2"].get("count") if s2_done and not self.refresh else None
            if "s2" in found and got is None:
                got = self._run(res, "s2", step, lambda st=step: self._s2_edges(pid, work, found["s2"], st))
            if not got and "openalex" in found:
                self._run(res, "openalex", step, lambda st=step: self._openalex_edges(pid, work, found["openalex"], st))

        for (source, step), st in self.lib.enrich_steps_of(pid).items():
            if st["status"] == "failed" and f"{source} {step}: {st['message']}" not in res.failed:
                res.failed.append(f"{source} {step}: {st['message']}")
            if step == "lookup" and st["status"] == "not_found" and source not in res.not_found:
                res.not_found.append(source)
        w = self.lib.works([self.lib.work_of_paper(pid) or work])
        row = next(iter(w.values()), {})
        res.ids = {k: row.get(k) for k in ("doi", "arxiv_id", "s2_id", "openalex_id", "corpus_id") if row.get(k)}
        res.references, res.citations = self.lib.citation_counts_of(row.get("id", work))
        return res

    def _run(self, res: PaperEnrichment, source: str, step: str, fn: Callable[[], Optional[int]]) -> Optional[int]:
        if source in self.rep.refused:
            return None
        check(self.cancel)
        try:
            n = fn()
        except Cancelled:
            raise
        except NotFound as exc:
            self.lib.save_enrich_step(res.paper_id, source, step, "not_found", message=str(exc))
            return 0
        except (KeyRefused, NotTheSource) as exc:
            self.rep.refused[source] = str(exc)
            self.lib.save_enrich_step(res.paper_id, source, step, "failed", message=str(exc))
            return None
        except FetchError as exc:
            self.lib.save_enrich_step(res.paper_id, source, step, "failed", message=str(exc))
            if isinstance(exc, GaveUp):
                # retries exhausted (rate limited or down): more requests now would only add to it
                self.rep.refused[source] = f"{source} stopped answering: {exc}. Run `gapscope enrich` again later."
            return None
        res.fetched.append(f"{source} {step}")
        return n

    def _lookup(self, pid: int, source: str, doi: Optional[str], arxiv_id: Optional[str], found: dict) -> int:
        client = self.clients[source]
        if source == "s2":
            # an arXiv paper by its arXiv id (S2 knows it so even without arXiv's own DOI)
            own_doi = doi if doi and not doi.startswith("10.48550/") else None
            rec, _ = client.paper(SemanticScholar.ident(own_doi, arxiv_id) or SemanticScholar.ident(doi, None))
        else:
            rec, _ = client.work(doi)
        raw = {"ids": rec.ids, "meta": rec.meta, "references": rec.references}
        with self.lib.transaction():
            self.lib.upsert_work(rec.ids, rec.meta, paper_id=pid)
            self.lib.save_enrich_step(pid, source, "lookup", "done", count=1, raw=raw)
        found[source] = raw
        return 1

    def _store_edges(self, pid: int, work: int, source: str, step: str, records: list[Optional[WorkRecord]],
                     via: int) -> int:
        with self.lib.transaction():
            me = self.lib.work_of_paper(pid) or work
            others = [self.lib.upsert_work(r.ids, r.meta) for r in records if r is not None]
            pairs = [(me, o) for o in others] if step == "references" else [(o, me) for o in others]
            self.lib.add_citations(pairs, via)
            self.lib.save_enrich_step(pid, source, step, "done", count=len(others))
        self.rep.unresolved += sum(r is None for r in records)
        return len(others)

    def _s2_edges(self, pid: int, work: int, found: dict, step: str) -> int:
        client: SemanticScholar = self.clients["s2"]
        s2_id = found["ids"].get("s2_id")
        pages = client.references(s2_id) if step == "references" else client.citations(s2_id, self.max_citing)
        records: list[Optional[WorkRecord]] = []
        for page in pages:   # one transaction for the step: a killed run redoes the whole step, never half
            records += page
            check(self.cancel)
        return self._store_edges(pid, work, "s2", step, records, VIA_S2)

    def _openalex_edges(self, pid: int, work: int, found: dict, step: str) -> int:
        client: OpenAlex = self.clients["openalex"]
        if step == "references":
            refs = list(found.get("references") or [])
            by_id = {w: WorkRecord({"openalex_id": w}, {}) for w in refs}
            for start in range(0, len(refs), OPENALEX_IDS_PER_FILTER):
                check(self.cancel)
                for rec in client.works_by_id(refs[start:start + OPENALEX_IDS_PER_FILTER]):
                    if rec.ids.get("openalex_id") in by_id:
                        by_id[rec.ids["openalex_id"]] = rec
            records: list[Optional[WorkRecord]] = [by_id[w] for w in refs]
        else:
            records = []
            for page in client.citing(found["ids"]["openalex_id"], self.max_citing):
                records += page
                check(self.cancel)
        return self._store_edges(pid, work, "openalex", step, records, VIA_OPENALEX)


def enrich(lib, paper_ids: Optional[Sequence[int]] = None, *, refresh: bool = False,
           progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None,
           sleep: Callable[[float], None] = time.sleep, clients: Optional[dict[str, Any]] = None) -> EnrichReport:
    """Enrich ``paper_ids`` (default: every paper with a DOI or arXiv id). Steps done before are
    skipped unless ``refresh``. A cancel stops between steps; what was committed stays."""
    rep = EnrichReport()
    clients = clients or make_clients(lib, sleep, cancel=cancel)
    todo = lib.papers_to_enrich(paper_ids)
    worker = _Enricher(lib, clients, rep, refresh, int(setting(lib, "citations.max_citing")), cancel)
    try:
        for n, (pid, doi, arxiv_id, title) in enumerate(todo):
            if not doi and not arxiv_id:
                rep.papers.append(PaperEnrichment(pid, title, failed=["no DOI or arXiv id to look it up by"]))
                continue
            report(progress, n, len(todo), title[:60])
            rep.papers.append(worker.paper(pid, doi, arxiv_id, title))
        report(progress, len(todo), len(todo), "done")
    except Cancelled:
        rep.cancelled = True
    finally:
        for c in clients.values():
            st = c.fetcher.stats
            rep.requests += st.requests
            rep.retries += st.retries
            rep.waited_s += st.waited_s
    return rep
