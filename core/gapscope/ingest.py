"""Bringing papers into the library: files and collectors both end here.

Records are matched against the library (arXiv id, DOI, near-identical title), new papers are added,
matches are merged (every source record kept, missing fields filled), and each batch is committed in
one transaction: a crash or a cancel keeps exactly the committed batches, and the `imports` row says
how far it got. A re-import adds nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Optional, Union

from .jobs import Cancelled, CancelToken, ProgressFn, check, prefetched, report
from .models import ImportReport, Paper, RecordError
from .sources.dedup import DedupIndex, first_author_key, is_preprint_doi, normalize_title
from .sources.files import FileFormatError, detect_format, read_file
from .store.library import Library, now_iso


class ImportFailed(Exception):
    """The file as a whole could not be imported (missing, empty, wrong format). Nothing was written."""


def load_index(lib: Library) -> DedupIndex:
    rows = lib.dedup_rows()
    return DedupIndex.from_rows((pid, ax, doi, yr, first_author_key([name]) if name else None, nt)
                                for pid, ax, doi, yr, name, nt in rows)


class _Writer:
    """Writes one batch of records into the library inside the caller's transaction (through the
    store's batch methods: decisions here, statements there)."""

    def __init__(self, lib: Library, index: DedupIndex, import_id: int, report: ImportReport) -> None:
        self.lib = lib
        self.index = index
        self.import_id = import_id
        self.report = report
        self.author_ids: dict[str, int] = lib.author_ids()
        self.touched: list[int] = []
        # Rows of the current batch's new papers, written with one executemany each at the end of
        # the batch (same transaction): per-row statements cost more than SQLite's own work here.
        self.rows: dict[str, list[tuple]] = {}
        self.known_keys: dict[tuple[str, str], int] = {}
        self.now = now_iso()

    def begin_batch(self, records: list) -> None:
        """Look up in one query per source which records of the batch were imported before."""
        self.now = now_iso()
        self.known_keys = {}
        self.rows = {"authors": [], "categories": [], "versions": [], "sources": []}
        # The batch's new papers are indexed for search in one statement at its end (see migration
        # 0900_import_fts_per_batch): the triggers leave ids from here on alone until then.
        self.first_id = self.lib.defer_search_index()
        by_source: dict[str, list[str]] = {}
        for rec in records:
            if isinstance(rec, Paper):
                by_source.setdefault(rec.source, []).append(rec.source_key or normalize_title(rec.title))
        for source, keys in by_source.items():
            self.known_keys.update(self.lib.source_record_papers(source, keys))

    def end_batch(self) -> None:
        r = self.rows
        self.lib.write_batch_rows(authors=r["authors"], categories=r["categories"], versions=r["versions"],
                                  sources=r["sources"], first_id=self.first_id)
        self.rows = {}

    def _author_id(self, name: str) -> int:
        aid = self.author_ids.get(name)
        if aid is None:
            aid = self.lib.insert_author(name)
            self.author_ids[name] = aid
        return aid

    def write(self, paper: Paper) -> None:
        now = self.now
        norm = normalize_title(paper.title)
        data = _record_json(paper)
        key = paper.source_key or norm
        existing = self.known_keys.get((paper.source, key))
        if existing is not None:
            # This very record came before: refresh what it says (a newer arXiv version, say).
            self._merge(existing, paper)
            self.lib.refresh_source_record(paper.source, key, data, now, self.import_id)
            self.report.unchanged += 1
            self.touched.append(existing)
            return
        author = first_author_key(paper.authors)
        pid = self.index.match(paper, norm, author)
        if pid is None:
            pid = self._insert(paper, norm, now)
            self.index.add(pid, paper, norm, author)
            self.report.added += 1
            self.report.added_ids.append(pid)
        else:
            self._merge(pid, paper)
            self.report.merged += 1
        self.rows["sources"].append((pid, paper.source, key, self.import_id, now, data))
        self.known_keys[(paper.source, key)] = pid  # the same record twice in one batch is one record
        self.touched.append(pid)

    def _insert(self, p: Paper, norm: str, now: str) -> int:
        pid = self.lib.insert_paper(p, norm, now)
        self.rows["authors"] += [(pid, i, self._author_id(a)) for i, a in enumerate(p.authors)]
        self.rows["categories"] += [(pid, c, i) for i, c in enumerate(p.categories)]
        self.rows["versions"] += self._version_rows(pid, p)
        return pid

    @staticmethod
    def _version_rows(pid: int, p: Paper) -> list[tuple]:
        if p.versions:
            return [(pid, v, d) for v, d in p.versions]
        return [(pid, p.arxiv_version, p.updated)] if p.arxiv_version else []

    def _versions(self, pid: int, p: Paper) -> None:
        self.lib.add_paper_versions(self._version_rows(pid, p))

    def _merge(self, pid: int, p: Paper) -> None:
        """Fill what the library lacks from a record of the same paper; never overwrite what it has,
        except a truncated abstract (a Scholar snippet) with a full one, and keep the newest version."""
        row = self.lib.merge_fields(pid)
        abstract, trunc, arxiv_id, version, doi, year, published, venue, url, cats, authors = row
        sets: dict[str, object] = {}
        if p.abstract and (not abstract or (trunc and not p.abstract_truncated)):
            sets["abstract"], sets["abstract_truncated"] = p.abstract, int(p.abstract_truncated)
        if p.arxiv_id and not arxiv_id and not self._taken("arxiv_id", p.arxiv_id):
            sets["arxiv_id"] = p.arxiv_id
        if p.arxiv_version and (not version or p.arxiv_version > version) and (arxiv_id or "arxiv_id" in sets):
            sets["arxiv_version"] = p.arxiv_version
        # A published DOI wins over a preprint server's DOI (that one stays in the source record).
        if p.doi and (not doi or (is_preprint_doi(doi) and not is_preprint_doi(p.doi))) and not self._taken("doi", p.doi):
            sets["doi"] = p.doi
        if p.year and not year:
            sets["year"] = p.year
        if p.published and (not published or (len(published) == 4 and len(p.published) > 4 and p.published[:4] == published)):
            sets["published"] = p.published
        if p.venue and not venue:
            sets["venue"] = p.venue
        if p.url and not url:
            sets["url"] = p.url
        if p.categories and not cats:
            sets["categories"], sets["primary_category"] = " ".join(p.categories), p.categories[0]
            self.lib.add_paper_categories([(pid, c, i) for i, c in enumerate(p.categories)])
        if p.authors and not authors:
            sets["authors"] = "; ".join(p.authors)
            self.lib.add_paper_authors([(pid, i, self._author_id(a)) for i, a in enumerate(p.authors)])
        if sets:
            self.lib.update_paper_fields(pid, sets)
            self.index.update_ids(pid, sets.get("arxiv_id"), sets.get("doi"))  # type: ignore[arg-type]
        if p.arxiv_id and p.arxiv_id == (arxiv_id or sets.get("arxiv_id")):
            self._versions(pid, p)

    def _taken(self, column: str, value: str) -> bool:
        return self.lib.paper_with(column, value) is not None


def _record_json(p: Paper) -> str:
    """What the source said, as JSON: its own record when the reader kept it (arXiv snapshot lines
    keep their original text), else the parsed fields."""
    if isinstance(p.raw, str):
        return p.raw
    if p.raw:
        return json.dumps(p.raw, ensure_ascii=False, default=str)
    return json.dumps({k: v for k, v in p.__dict__.items() if k not in ("raw", "id")}, ensure_ascii=False, default=str)


def _save_progress(lib: Library, import_id: int, rep: ImportReport, status: str = "running",
                   message: Optional[str] = None) -> None:
    lib.save_import_progress(import_id, read=rep.read, added=rep.added, merged=rep.merged, unchanged=rep.unchanged,
                             errors=[str(e) for e in rep.errors], status=status, message=message)


def ingest_papers(lib: Library, records: Iterable[Union[Paper, RecordError]], *, kind: str, source: str,
                  target: str, collection: Optional[str] = None, batch_size: int = 500,
                  total: Optional[int] = None, progress: Optional[ProgressFn] = None,
                  cancel: Optional[CancelToken] = None, report_obj: Optional[ImportReport] = None) -> ImportReport:
    """Add or merge papers (and note bad records) in batches of ``batch_size``, one transaction each.

    ``records`` may be a generator that raises: what was committed before stays, the ``imports`` row
    is marked failed with the message, and the exception propagates. Cancelling stops after the
    current batch (``report.cancelled``)."""
    rep = report_obj or ImportReport(source=source)
    import_id = lib.start_import(kind, source, target)
    rep.import_id = import_id
    index = load_index(lib)
    writer = _Writer(lib, index, import_id, rep)
    coll_id = lib.create_collection(collection) if collection else None
    batch: list[Union[Paper, RecordError]] = []

    def flush() -> None:
        with lib.transaction():
            writer.touched = []
            writer.begin_batch(batch)
            for rec in batch:
                rep.read += 1
                if isinstance(rec, RecordError):
                    rep.errors.append(rec)
                else:
                    writer.write(rec)
            writer.end_batch()
            if coll_id is not None and writer.touched:
                lib.add_to_collection_id(coll_id, writer.touched)
            _save_progress(lib, import_id, rep)
        batch.clear()
        report(progress, rep.read, total or 0, f"{rep.added} new, {rep.merged} merged")

    try:
        for rec in records:
            batch.append(rec)
            if len(batch) >= batch_size:
                # Counters live in memory and are only trusted once their batch commits.
                snapshot = (rep.read, rep.added, rep.merged, rep.unchanged, len(rep.errors), len(rep.added_ids))
                try:
                    flush()
                except BaseException:
                    rep.read, rep.added, rep.merged, rep.unchanged = snapshot[:4]
                    del rep.errors[snapshot[4]:], rep.added_ids[snapshot[5]:]
                    index = writer.index = load_index(lib)
                    raise
                check(cancel)
        if batch:
            flush()
    except Cancelled:
        rep.cancelled = True
        _save_progress(lib, import_id, rep, "cancelled", "cancelled by the user; committed batches kept")
        return rep
    except BaseException as exc:
        _save_progress(lib, import_id, rep, "failed", f"{type(exc).__name__}: {exc}")
        raise
    _save_progress(lib, import_id, rep, "done")
    return rep


def import_file(lib: Library, path: Union[str, Path], fmt: str = "auto", collection: Optional[str] = None,
                batch_size: int = 5000, progress: Optional[ProgressFn] = None,
                cancel: Optional[CancelToken] = None) -> ImportReport:
    """Import one file (arXiv snapshot lines, BibTeX, RIS or CSV). Raises ImportFailed when the file
    as a whole cannot be read; bad records inside a readable file are listed in the report."""
    path = Path(path)
    if not path.is_file():
        raise ImportFailed(f"{path}: no such file") from FileNotFoundError(path)
    if path.stat().st_size == 0:
        raise ImportFailed(f"{path}: the file is empty")
    try:
        fmt = detect_format(path) if fmt == "auto" else fmt
        records = read_file(path, fmt)
        first = next(records, None)  # a whole-file problem (no title column) shows here, before any write
    except FileFormatError as exc:
        raise ImportFailed(str(exc)) from exc
    except OSError as exc:
        raise ImportFailed(f"{path}: {exc.strerror or exc}") from exc
    if first is None:
        raise ImportFailed(f"{path}: no records found (is it really {fmt}?)")

    def chain():
        yield first
        yield from records

    # The record count of a (compressed) file is unknown until its end: progress reports total 0.
    # The reader may run a whole batch ahead, so that it keeps parsing while a batch is written
    # (SQLite releases the GIL) and the next batch is ready when the commit returns.
    ahead = prefetched(chain(), chunk=256, depth=batch_size // 256 + 2)
    return ingest_papers(lib, ahead, kind="import", source=_SOURCE_NAMES[fmt], target=str(path.resolve()),
                         collection=collection, batch_size=batch_size, progress=progress, cancel=cancel)


_SOURCE_NAMES = {"arxiv": "arxiv-snapshot", "bibtex": "bibtex", "ris": "ris", "csv": "csv"}
