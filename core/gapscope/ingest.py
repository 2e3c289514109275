"""Bringing papers into the library: files and collectors both end here.

Records are matched against the library (arXiv id, DOI, near-identical title), new papers are added,
matches are merged (every source record kept, missing fields filled), and each batch is committed in
one transaction: a crash or a cancel keeps exactly the committed batches, and the `imports` row says
how far it got. A re-import adds nothing.
"""

from __future__ import annotations

import json
import re
from collections import deque
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from .bibfields import biblio_json, filled_biblio
from .csvcells import join_authors
from .jobs import Cancelled, CancelToken, ProgressFn, check, prefetched, report
from .models import (CHECK_ABSTRACT_TAG, MAX_ABSTRACT_CHARS, MAX_KEPT_ERRORS, MAX_TITLE_CHARS, OWN_EXPORT_SOURCE,
                     ImportReport, Paper, RecordError, RecordNote, RecordWarning, is_untitled)
from .sentences import labelling_nothing
from .sources.dedup import DedupIndex, first_author_key, is_preprint_doi, normalize_title
from .sources.files import FileFormatError, check_text_file, detect_format, read_file
from .sources.own_export import has_export_layout
from .sources.textio import ReadMeter
from .spans import moved_spans
from .vocabulary import correction_labels
from .store.library import Library, now_iso

# Field sizes no real record reaches (the longest arXiv author list is about 5,000 names): a record
# over them is a broken file or an attack on the library's size, and is refused with its location.
# (The title's and the abstract's limits live in models: a title or abstract typed in is held to them too.)
MAX_FIELD_CHARS = 4_000  # venue, DOI, URL, one author's name
MAX_AUTHORS = 10_000
MAX_RECORD_CHARS = 5_000_000  # the source's whole record, as kept in source_records


class ImportFailed(Exception):
    """The file as a whole could not be imported (missing, empty, wrong format). Nothing was written."""


def load_index(lib: Library, after_id: int = 0, index: Optional[DedupIndex] = None) -> DedupIndex:
    """The dedup index of the library's papers; with ``index``, add to it the papers past ``after_id``
    that it lacks (another process added them)."""
    rows = ((pid, ax, doi, yr, first_author_key([name]) if name else None, nt, pmid)
            for pid, ax, doi, yr, name, nt, pmid in lib.dedup_rows(after_id))
    if index is None:
        index = DedupIndex.from_rows(rows)
    else:
        for pid, ax, doi, yr, author, nt, pmid in rows:
            if pid not in index.known:
                index.from_row(pid, ax, doi, yr, author, nt, pmid)
    for pid, abstract in lib.untitled_abstracts(after_id):
        index.add_untitled(pid, abstract)
    return index


def oversized(p: Paper, data: str) -> Optional[str]:
    """Why a record is too large to keep, or None."""
    if len(p.title or "") > MAX_TITLE_CHARS:
        return f"title is {len(p.title):,} characters long (the limit is {MAX_TITLE_CHARS:,})"
    if len(p.abstract or "") > MAX_ABSTRACT_CHARS:
        return f"abstract is {len(p.abstract):,} characters long (the limit is {MAX_ABSTRACT_CHARS:,})"
    if len(p.authors) > MAX_AUTHORS:
        return f"{len(p.authors):,} authors (the limit is {MAX_AUTHORS:,})"
    for name, value in (("venue", p.venue), ("DOI", p.doi), ("URL", p.url), ("author name", max(p.authors, key=len, default=""))):
        if value and len(value) > MAX_FIELD_CHARS:
            return f"{name} is {len(value):,} characters long (the limit is {MAX_FIELD_CHARS:,})"
    if len(data) > MAX_RECORD_CHARS:
        return f"the record is {len(data):,} characters long (the limit is {MAX_RECORD_CHARS:,})"
    return None


class _Writer:
    """Writes one batch of records into the library inside the caller's transaction."""

    def __init__(self, lib: Library, index: DedupIndex, import_id: int, report: ImportReport) -> None:
        self.lib = lib
        self.index = index
        self.import_id = import_id
        self.report = report
        self.author_ids: dict[str, int] = lib.author_ids()
        # What this writer has seen of the library: another process that commits between two of our
        # batches (a second import, a collect) changes data_version; then its new papers join the
        # dedup index and the author cache is dropped, before our batch writes anything.
        self.seen_up_to = lib.max_paper_id()
        self.data_version = lib.data_version()
        self.shared = False  # another process wrote while this import ran
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
        version = self.lib.data_version()
        if version != self.data_version:
            self.data_version = version
            self.shared = True
            self.author_ids = {}
            load_index(self.lib, self.seen_up_to, self.index)
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
        self.seen_up_to = max(self.seen_up_to, self.lib.max_paper_id())

    def _author_id(self, name: str) -> int:
        aid = self.author_ids.get(name)
        if aid is None:
            aid = self.author_ids[name] = self.lib.author_id(name)
        return aid

    def write(self, paper: Paper) -> None:
        now = self.now
        data = _record_json(paper)
        too_big = oversized(paper, data)
        if too_big:
            where = paper.location or f"{paper.source} record {(paper.source_key or '')[:200]}"
            self.report.add_error(RecordError(where, f"record refused: {too_big}"))
            return
        # A placeholder title ("[untitled] ...") is no title: such a record merges by an identifier only.
        norm = "" if is_untitled(paper.title) else normalize_title(paper.title)
        key = paper.source_key or norm
        existing = self.known_keys.get((paper.source, key))
        if existing is not None:
            # This very record came before: refresh what it says (a newer arXiv version, say).
            self._merge(existing, paper)
            self.lib.refresh_source_record(paper.source, key, data, now, self.import_id)
            self.report.unchanged += 1
            self.touched.append(existing)
            self._tag(existing, paper)      # its notes came with it the first time
            return
        author = first_author_key(paper.authors)
        pid = self.index.match(paper, norm, author)
        if pid is None and self.shared:
            # Another writer may have given an older paper this arXiv id or DOI by a merge (our index
            # only learns of its new papers): the library's unique ids decide.
            pid = self.lib.paper_with_ids(paper.arxiv_id, paper.doi, paper.pmid)
            self.index.last_reason = "same arXiv id, DOI or PMID (added by another import meanwhile)"
        if pid is None:
            pid = self._insert(paper, norm, now)
            self.index.add(pid, paper, norm, author)
            self.report.added += 1
            self.report.added_ids.append(pid)
        else:
            reason = self.index.last_reason
            into = self._merge(pid, paper)
            self.report.merged += 1
            where = f"{paper.location}: " if paper.location else ""
            titled = ("; its title replaces the placeholder" if is_untitled(into) and not is_untitled(paper.title)
                      else "")
            self.report.add_merge(f"{where}{paper.title[:100]!r} merged into #{pid} {into[:100]!r} "
                                  f"({reason}{titled})")
        self.rows["sources"].append((pid, paper.source, key, self.import_id, now, data))
        self.known_keys[(paper.source, key)] = pid  # the same record twice in one batch is one record
        self.touched.append(pid)
        self._tag(pid, paper)
        self._note(pid, paper)

    def _tag(self, pid: int, paper: Paper) -> None:
        """The tags a record brings (GapScope's own export carries the library's tags, another program's
        file its keywords): added, never removed."""
        for name in paper.tags:
            self.lib.add_tag([pid], name)

    def _note(self, pid: int, paper: Paper) -> None:
        """The notes a record new to the library brings, each one the paper does not hold already."""
        if paper.notes:
            held = {n["body"] for n in self.lib.notes_of(pid)}
            for body in dict.fromkeys(paper.notes):
                if body not in held:
                    self.lib.add_note(pid, body)

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

    def _merge(self, pid: int, p: Paper) -> str:
        """Fill what the library lacks from a record of the same paper; never overwrite what it has,
        except a truncated abstract (a Scholar snippet) with a full one, an abstract guessed from a PDF's
        first paragraph and not yet checked (:data:`CHECK_ABSTRACT_TAG`) with a record's, and a
        placeholder title with a real one, and keep the newest version.
        Returns the library paper's title."""
        row = self.lib.merge_fields(pid)
        abstract, trunc, arxiv_id, version, doi, year, published, venue, url, cats, authors, title, pmid = row
        sets: dict[str, object] = {}
        moved = None
        # what the user set by hand (a cleared abstract too) wins over any record, as facet corrections win
        # over the model; the record's text stays in its source record
        edited = self.lib.edited_fields(pid)
        guessed = bool(abstract and p.abstract) and CHECK_ABSTRACT_TAG in self.lib.tags_of(pid)
        if "abstract" in edited:
            if p.abstract and " ".join(p.abstract.split()) != " ".join((abstract or "").split()):
                self._kept_as_edited(pid, p, abstract)
        elif p.abstract and (not abstract or ((trunc or guessed) and not p.abstract_truncated)):
            # the user's highlights and corrections on the abstract replaced go with their words
            moved = self._annotations_placed(pid, abstract, p.abstract) if abstract else ([], [])
            if moved is not None:
                sets["abstract"], sets["abstract_truncated"] = p.abstract, int(p.abstract_truncated)
            elif len(self.report.warnings) < MAX_KEPT_ERRORS:
                kept = "abstract from its PDF's first paragraph" if guessed else "shortened abstract"
                self.report.warnings.append(RecordWarning(
                    p.location or f"{p.source} record", f"paper #{pid} keeps its {kept}: a highlight or"
                    " facet correction on it could not be placed in this record's abstract for sure"))
        if p.arxiv_id and not arxiv_id and not self._taken("arxiv_id", p.arxiv_id):
            sets["arxiv_id"] = p.arxiv_id
        if p.arxiv_version and (not version or p.arxiv_version > version) and (arxiv_id or "arxiv_id" in sets):
            sets["arxiv_version"] = p.arxiv_version
        # A published DOI wins over a preprint server's DOI (that one stays in the source record).
        if p.doi and (not doi or (is_preprint_doi(doi) and not is_preprint_doi(p.doi))) and not self._taken("doi", p.doi):
            sets["doi"] = p.doi
        if p.pmid and not pmid and not self._taken("pmid", p.pmid):
            sets["pmid"] = p.pmid
        if p.year and not year:
            sets["year"] = p.year
        if p.published and (not published or (len(published) == 4 and len(p.published) > 4 and p.published[:4] == published)):
            sets["published"] = p.published
        if p.venue and not venue:
            sets["venue"] = p.venue
        if p.url and not url:
            sets["url"] = p.url
        if p.biblio:    # the kind, volume, pages ... the library lacks
            have = self.lib.paper_biblio(pid)
            if filled_biblio(have, p.biblio) != have:
                sets["biblio"] = biblio_json(filled_biblio(have, p.biblio))
        if p.categories and not cats:
            sets["categories"], sets["primary_category"] = " ".join(p.categories), p.categories[0]
            self.lib.add_paper_categories([(pid, c, i) for i, c in enumerate(p.categories)])
        # A placeholder title ("[untitled] ...") gives way to the first real title a record of the paper
        # brings; a real title (imported or typed in) is never overwritten.
        if is_untitled(title) and p.title and not is_untitled(p.title) and "title" not in edited:
            sets["title"], sets["norm_title"] = p.title, normalize_title(p.title)
        if p.authors and not authors:
            sets["authors"] = join_authors(p.authors)
            self.lib.add_paper_authors([(pid, i, self._author_id(a)) for i, a in enumerate(p.authors)])
        if sets:
            self.lib.update_paper_fields(pid, sets)
            if guessed and "abstract" in sets:
                self.lib.remove_tag([pid], CHECK_ABSTRACT_TAG)     # the record's abstract: nothing left to check
            if moved is not None and any(moved) and self.lib.move_abstract_spans(pid, *moved, old_abstract=abstract):
                self._name_stray_corrections(pid, p, abstract, moved[1])
            ids = (sets.get("arxiv_id"), sets.get("doi"), sets.get("pmid"))
            self.index.update_ids(pid, *ids)  # type: ignore[arg-type]
            if "norm_title" in sets:
                self.index.update_title(pid, sets["norm_title"])  # type: ignore[arg-type]
        if p.arxiv_id and p.arxiv_id == (arxiv_id or sets.get("arxiv_id")):
            self._versions(pid, p)
        return title

    def _kept_as_edited(self, pid: int, p: Paper, abstract: str) -> None:
        """Count (and note where) a record's abstract that was not taken: the user edited the paper's."""
        self.report.kept_edited += 1
        if len(self.report.warnings) < MAX_KEPT_ERRORS:
            state = "cleared by hand" if not abstract else "as edited by hand"
            self.report.warnings.append(RecordWarning(
                p.location or f"{p.source} record", f"paper #{pid} keeps its abstract {state}: this record's "
                "abstract is not taken (it is kept with the paper's source records)"))

    def _annotations_placed(self, pid: int, old: str, new: str) -> Optional[tuple[list, list]]:
        """The paper's highlights ``(id, start, end, new_start, new_end)`` and facet corrections
        ``(start, end, new_start, new_end)`` on abstract ``old`` placed in ``new``; None when one of them
        cannot be placed for sure."""
        highlights = [(h["id"], h["start"], h["end"]) for h in self.lib.highlights_with_ids(pid)]
        corrections = [(c["start"], c["end"]) for c in self.lib.facet_corrections(pid)]
        to = moved_spans(old, new, [_without_ellipses(old, *sp) for sp in [h[1:] for h in highlights] + corrections])
        if to is None:
            return None
        return ([(*h, *t) for h, t in zip(highlights, to)],
                [(*c, *t) for c, t in zip(corrections, to[len(highlights):])])

    def _name_stray_corrections(self, pid: int, p: Paper, old: str, moved: list[tuple]) -> None:
        """A warning for each facet correction moved into the record's full abstract that labels none of the
        sentences the facet pipeline will make of it (it is kept: the user sets it again)."""
        rows = {(c["start"], c["end"]): c for c in self.lib.facet_corrections(pid)}
        # moved: the corrections at their new place now; one whose words were gone already is named by the check
        placed = [m for m in moved if rows.get(tuple(m[2:])) and rows[tuple(m[2:])]["text"] == p.abstract[m[2]:m[3]]]
        for i in labelling_nothing(p.abstract, placed):
            c = rows[tuple(placed[i][2:])]
            if len(self.report.warnings) >= MAX_KEPT_ERRORS:
                return
            labels = correction_labels(c)
            words = " ".join(c["text"].split())
            self.report.warnings.append(RecordWarning(
                p.location or f"{p.source} record",
                f"paper #{pid}: its facet correction ({labels}) of {words[:200]!r} labels no sentence of this record's"
                " full abstract (its sentences are cut otherwise): set it again (`gapscope check` names it)"))

    def _taken(self, column: str, value: str) -> bool:
        return self.lib.paper_with(column, value) is not None


# a snippet's marks of text left out, at a span's edge: the snippet's sentences begin and end with them
_LEADING_ELLIPSIS = re.compile(r"(?:…|\.\.\.)\s*")
_TRAILING_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)$")


def _without_ellipses(text: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` of a snippet without the ellipses at its edges, which no full abstract holds there (a
    correction made on a snippet's first or last sentence takes them in); as it is when it holds nothing else."""
    s, e = start, end
    m = _LEADING_ELLIPSIS.match(text, s, e)
    if m:
        s = m.end()
    m = _TRAILING_ELLIPSIS.search(text[s:e])
    if m:
        e = s + m.start()
    return (s, e) if s < e else (start, end)


def _record_json(p: Paper) -> str:
    """What the source said, as JSON: its own record when the reader kept it (arXiv snapshot lines
    keep their original text), else the parsed fields."""
    if isinstance(p.raw, str):
        return p.raw
    if p.raw:
        return json.dumps(p.raw, ensure_ascii=False, default=str)
    return json.dumps({k: v for k, v in p.__dict__.items() if k not in ("raw", "id", "location")},
                      ensure_ascii=False, default=str)


def ingest_papers(lib: Library, records: Iterable[Union[Paper, RecordError]], *, kind: str, source: str,
                  target: str, collection: Optional[str] = None, batch_size: int = 500,
                  total: Optional[int] = None, progress: Optional[ProgressFn] = None,
                  cancel: Optional[CancelToken] = None, report_obj: Optional[ImportReport] = None,
                  meter: Optional[Union[ReadMeter, "_Positions"]] = None, import_id: Optional[int] = None,
                  finish: bool = True) -> ImportReport:
    """Add or merge papers (and note bad records) in batches of ``batch_size``, one transaction each.

    Progress after each batch: records read of ``total`` (0: unknown), or with ``meter`` (the ReadMeter
    of the file the records come from) bytes of the file read of its size, so that the bar fills; the
    message counts the records either way.

    ``records`` may be a generator that raises: what was committed before stays, the ``imports`` row
    is marked failed with the message, and the exception propagates. Cancelling stops after the
    current batch (``report.cancelled``).

    ``import_id`` (with the ``report_obj`` it counts in) adds the records to a run of the log already
    started, and ``finish=False`` leaves it running: one user action that brings its records one at a
    time (a folder of PDFs) is one import."""
    rep = report_obj or ImportReport(source=source)
    if import_id is None:
        import_id = lib.start_import(kind, source, target)
    rep.import_id = import_id
    index = load_index(lib)
    writer = _Writer(lib, index, import_id, rep)
    coll_id = lib.create_collection(collection) if collection else None
    batch: list[Union[Paper, RecordError]] = []
    lists_saved = [-1, -1, -1]  # lengths of the kept errors / warnings / merges last written

    def save(status: str = "running", message: Optional[str] = None) -> None:
        lengths = [len(rep.errors), len(rep.warnings), len(rep.merges)]
        lib.save_import_progress(import_id, rep, status, message, errors_changed=lengths != lists_saved)
        lists_saved[:] = lengths

    def flush() -> None:
        with lib.transaction():
            writer.touched = []
            writer.begin_batch(batch)
            notes: list[RecordNote] = []     # about the record that comes next

            def keep(warning: RecordWarning) -> None:
                if len(rep.warnings) < MAX_KEPT_ERRORS:
                    rep.warnings.append(warning)

            for rec in batch:
                if isinstance(rec, RecordNote):
                    notes.append(rec)
                    continue
                if isinstance(rec, RecordWarning):
                    keep(rec)
                    continue
                rep.read += 1
                known = False
                if isinstance(rec, RecordError):
                    rep.add_error(rec)
                else:
                    before = rep.unchanged
                    writer.write(rec)
                    known = rep.unchanged > before
                # a note on a record imported before was shown then (and is in that import's log)
                for note in notes:
                    if known and note.location == rec.location:
                        rep.known_notes += 1
                    else:
                        keep(note)
                notes.clear()
            for note in notes:
                keep(note)
            writer.end_batch()
            if coll_id is not None and writer.touched:
                lib.add_to_collection_id(coll_id, writer.touched)
            save()
        batch.clear()
        counts = f"{rep.read:,} read, {rep.added:,} new, {rep.merged:,} merged"
        if meter is not None:
            report(progress, meter.done, meter.total, counts)
        else:
            report(progress, rep.read, total or 0, counts)

    try:
        for rec in records:
            batch.append(rec)
            # a batch never ends between a record's notes and the record
            if len(batch) >= batch_size and not isinstance(rec, RecordNote):
                # Counters live in memory and are only trusted once their batch commits.
                snapshot = (rep.read, rep.added, rep.merged, rep.unchanged, len(rep.errors), len(rep.added_ids),
                            rep.error_count, len(rep.warnings), len(rep.merges), rep.known_notes, rep.kept_edited)
                try:
                    flush()
                except BaseException:
                    rep.read, rep.added, rep.merged, rep.unchanged = snapshot[:4]
                    del rep.errors[snapshot[4]:], rep.added_ids[snapshot[5]:]
                    rep.error_count = snapshot[6]
                    del rep.warnings[snapshot[7]:], rep.merges[snapshot[8]:]
                    rep.known_notes, rep.kept_edited = snapshot[9:11]
                    lists_saved[:] = [-1, -1, -1]
                    index = writer.index = load_index(lib)
                    writer.seen_up_to = lib.max_paper_id()
                    raise
                check(cancel)
        if batch:
            flush()
    except Cancelled:
        rep.cancelled = True
        save("cancelled", "cancelled by the user; committed batches kept")
        return rep
    except KeyboardInterrupt:  # a second Ctrl-C: stopped at once, and still by the user
        rep.cancelled = True
        save("cancelled", "cancelled by the user (Ctrl-C twice); committed batches kept")
        raise
    except BaseException as exc:
        save("failed", f"{type(exc).__name__}: {exc}")
        raise
    save("done" if finish else "running")
    return rep


def import_file(lib: Library, path: Union[str, Path], fmt: str = "auto", collection: Optional[str] = None,
                batch_size: int = 5000, *, progress: Optional[ProgressFn] = None,
                cancel: Optional[CancelToken] = None) -> ImportReport:
    """Import one file (arXiv snapshot lines, BibTeX, RIS, CSV or CSL-JSON). Raises ImportFailed when the file
    as a whole cannot be read; bad records inside a readable file are listed in the report."""
    path = Path(path)
    if not path.exists():
        raise ImportFailed(f"{path}: no such file") from FileNotFoundError(path)
    if lib.holds_file(path):   # reading it would close a descriptor of it: SQLite's locks would go
        raise ImportFailed(f"{path}: this is the library's own database, not a file to import")
    try:
        check_text_file(path)
        fmt = detect_format(path) if fmt == "auto" else fmt
        meter = ReadMeter(path)
        records = read_file(path, fmt, meter=meter)
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

    # The reader may run a whole batch ahead, so that it keeps parsing while a batch is written (SQLite
    # releases the GIL) and the next batch is ready when the commit returns. The record count of a
    # (compressed) file is unknown until its end: progress reports the bytes of the file read (of the
    # compressed file for a .gz) up to the records committed, of its size.
    where = _Positions(meter)
    ahead = prefetched(where.tag(chain()), chunk=256, depth=batch_size // 256 + 2)
    # an unmarked file that may be an older export of GapScope's (a first record that is not laid out as
    # one, or is marked, settles it at once; a first note or error leaves it to the check)
    if fmt in _EXPORT_FORMATS and not (isinstance(first, Paper) and (first.source == OWN_EXPORT_SOURCE
                                                                     or not has_export_layout(first))):
        ahead = _as_own_export_if_unmarked(lib, path, fmt, ahead, cancel)
    return ingest_papers(lib, where.count(ahead), kind="import", source=_SOURCE_NAMES[fmt],
                         target=str(path.resolve()), collection=collection, batch_size=batch_size, progress=progress,
                         cancel=cancel, meter=where)


class _Positions:
    """Where the reader was in its file (a ReadMeter's bytes) when it handed over each record, so that the
    progress of an import is that of the records taken so far, not that of the reader running ahead."""

    EVERY = 64      # records between marks

    def __init__(self, meter: ReadMeter) -> None:
        self.total = meter.total
        self._meter = meter
        self._marks: deque = deque()    # (records handed over, bytes read then), appended by the reader thread
        self._taken = 0
        self._done = 0

    def tag(self, records: Iterable) -> Iterator:
        """On the reader's side: ``records``, marking the position every EVERY of them and at the end."""
        n = 0
        for n, rec in enumerate(records, 1):
            if not n % self.EVERY:
                self._marks.append((n, self._meter.done))
            yield rec
        self._marks.append((n, self._meter.done))

    def count(self, records: Iterator) -> Iterator:
        """On the importer's side: ``records``, counted as they are taken."""
        try:
            for rec in records:
                self._taken += 1
                yield rec
        finally:
            close = getattr(records, "close", None)
            if close is not None:
                close()

    @property
    def done(self) -> int:
        while self._marks and self._marks[0][0] <= self._taken:
            self._done = self._marks.popleft()[1]
        return self._done


_EXPORT_FORMATS = ("bibtex", "ris", "csljson")     # the formats GapScope exports papers in
OWN_EXPORT_NOTE = ("the file has no GapScope mark, but each of its {n} records is a paper this library holds, laid "
                   "out as GapScope exports it (an export made before exports were marked): its records are read as "
                   "GapScope's own export, and the PRISMA flow does not count them as identified again")


def unmarked_own_export(lib: Library, path: Path, fmt: str, *, cancel: Optional[CancelToken] = None) -> int:
    """The number of records of ``path`` when it is an export GapScope made before it marked its exports,
    else 0. It is one when it holds no unreadable record, no marked one, and every record has GapScope's
    export layout (sources.own_export) and is a paper the library holds by its arXiv id, DOI or exact title,
    and the file was not imported before under its own source (then it keeps that reading). Reads the
    file once more; stops at the first record that says otherwise."""
    index: Optional[DedupIndex] = None
    n, pending = 0, []

    def read_before() -> bool:
        keys = [p.source_key or normalize_title(p.title) for p in pending]
        found = bool(lib.source_record_papers(pending[0].source, keys)) if pending else False
        pending.clear()
        return found

    for rec in read_file(path, fmt):
        if isinstance(rec, RecordWarning):
            continue
        if isinstance(rec, RecordError) or rec.source == OWN_EXPORT_SOURCE or not has_export_layout(rec):
            return 0
        index = index or load_index(lib)
        norm = "" if is_untitled(rec.title) else normalize_title(rec.title)
        if index.match(rec, norm) is None or index.last_reason.startswith("similar"):
            return 0        # a paper the library lacks, or one it holds only by a similar title
        n += 1
        pending.append(rec)
        if len(pending) >= 500:
            if read_before():
                return 0
            check(cancel)
    return 0 if read_before() else n


def _as_own_export_if_unmarked(lib: Library, path: Path, fmt: str, records, cancel: Optional[CancelToken]):
    """``records``, read as GapScope's own export when :func:`unmarked_own_export` says the file is one
    (a note in the report says so). Runs where the import writes, before its first write."""
    try:
        n = unmarked_own_export(lib, path, fmt, cancel=cancel)
        if n:
            yield RecordWarning(str(path), OWN_EXPORT_NOTE.format(n=n))
        for rec in records:
            if n and isinstance(rec, Paper):
                rec.source = OWN_EXPORT_SOURCE
            yield rec
    finally:
        records.close()


_SOURCE_NAMES = {"arxiv": "arxiv-snapshot", "bibtex": "bibtex", "ris": "ris", "csv": "csv", "csljson": "csljson"}
