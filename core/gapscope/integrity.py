"""The library's integrity check (``gapscope check``, Help > Check Library Integrity…): SQLite's own
checks, the schema against the migrations', the files the library refers to (store.integrity does the
reading), and paper ids given twice; :func:`repair` mends what can be mended without losing anything.

Paper ids given twice: before deleted ids were kept from reuse (setting ``papers.highest_deleted_id``),
deleting the newest papers and importing again gave the new papers the deleted ones' ids.

A deletion takes every row linked to its paper by a foreign key with it, so what still names the old
paper is what names papers without one: a map cluster's representative paper, an import's merge list
("... merged into #12 ..."), a gap's details. Each of these is dated, and names only a paper that existed
at that date: one dated before the paper that now holds the id was added named an earlier paper under
that id. That is the test, and it changes nothing. Rows linked by a foreign key and dated when made
(decisions, notes, highlights, facet corrections) are held to the same test (none should fail it).
Not read: a run's papers (a spec may name another library's ids, and a sweep links its runs after they
ran), run folders and exports outside the library. A reuse that left nothing dated naming the old paper
cannot be seen, and then nothing in the library points at the wrong paper either."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

from .store.base import LibraryError
from .store.annotation_search import annotation_where
from .store.integrity import (ANNOTATION_INDEX_TRIGGERS, REPAIRABLE_TRIGGERS, SEARCH_INDEX_TRIGGERS,
                              UnreadableSchema)
from .models import is_untitled
from .sentences import labelling_nothing, labels_some_sentence, reads_as_split, split_sentences
from .sources.dedup import normalize_title
from .sources.markup import first_markup, has_markup, markup_to_text
from .spans import moved_spans
from .textfmt import plural
from .vocabulary import correction_labels

_MERGED_INTO = re.compile(r"""['"] merged into #(\d+) ['"]""")


@dataclass
class ReusedId:
    paper_id: int
    title: str
    added_at: str
    records: list[str] = field(default_factory=list)    # each record that named the earlier paper, in words

    def to_dict(self) -> dict[str, Any]:
        return {"paper_id": self.paper_id, "title": self.title, "added_at": self.added_at, "records": self.records}


def _paper_ids_in(obj: Any) -> Iterator[int]:
    """The values of every "paper_id" key in a JSON document."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "paper_id" and isinstance(v, int) and not isinstance(v, bool):
                yield v
            else:
                yield from _paper_ids_in(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _paper_ids_in(v)


def reused_paper_ids(lib) -> list[ReusedId]:
    """Papers whose id was given before to a paper since deleted, each with the records that still name
    the earlier paper (read only)."""
    named: list[tuple[int, str, str]] = []          # (paper id, the record in words, its date)
    for pid, what, ref, at in lib.records_dated_before_their_paper():
        named.append((pid, f"{what} {ref} ({at})", at))
    for what, rec_id, at, text in lib.dated_paper_mentions():
        try:
            doc = json.loads(text)
        except ValueError:
            continue
        if what == "import":
            for line in doc if isinstance(doc, list) else []:
                m = _MERGED_INTO.search(str(line))
                if m:
                    named.append((int(m.group(1)), f"import #{rec_id} (finished {at}): {line}", at))
        else:
            for pid in sorted(set(_paper_ids_in(doc))):
                named.append((pid, f"gap {rec_id} ({at}) names it in its details", at))
    papers = lib.papers_added_at([pid for pid, _, _ in named])
    found: dict[int, ReusedId] = {}
    for pid, record, at in named:
        if pid not in papers or not at or at >= papers[pid][0]:
            continue            # a deleted paper's id not given again, or a record of this very paper
        added_at, title = papers[pid]
        found.setdefault(pid, ReusedId(pid, title, added_at)).records.append(record)
    return [found[p] for p in sorted(found)]


# --- the whole check ------------------------------------------------------------------------------------

KINDS = ("sqlite", "foreign_keys", "schema", "search_index", "annotation_index", "missing_files", "reused_ids",
         "markup", "facet_corrections")
KIND_TITLES = {"sqlite": "SQLite integrity check", "foreign_keys": "rows naming a row that no longer exists",
               "schema": "schema differences from what the migrations make",
               "search_index": "the search index disagrees with the papers",
               "annotation_index": "the index of notes and highlight comments disagrees with them",
               "missing_files": "files the library refers to that are missing",
               "reused_ids": "paper ids given twice",
               "markup": "titles or abstracts still holding HTML markup",
               "facet_corrections": "facet corrections that label no sentence"}


@dataclass
class IntegrityReport:
    """What ``gapscope check`` found, one list per kind (empty lists: nothing found)."""
    library: str
    sqlite: list[str] = field(default_factory=list)
    foreign_keys: list[dict[str, Any]] = field(default_factory=list)
    schema: list[dict[str, str]] = field(default_factory=list)
    search_index: list[dict[str, Any]] = field(default_factory=list)
    annotation_index: list[dict[str, Any]] = field(default_factory=list)
    missing_files: list[dict[str, Any]] = field(default_factory=list)
    reused_ids: list[ReusedId] = field(default_factory=list)
    markup: list[dict[str, Any]] = field(default_factory=list)   # {"paper_id", "title", "fields", "example"}
    facet_corrections: list[dict[str, Any]] = field(default_factory=list)   # stray_facet_corrections()

    @property
    def clean(self) -> bool:
        return not any(getattr(self, k) for k in KINDS)

    def count(self) -> int:
        return sum(self.count_of(k) for k in KINDS)

    def count_of(self, kind: str) -> int:
        """How many problems of ``kind``: an index's "... and N more" stands for N rows."""
        items = getattr(self, kind)
        if kind in ("search_index", "annotation_index"):
            return sum(f["detail"] if f["problem"] == "more" else 1 for f in items)
        return len(items)

    def to_dict(self) -> dict[str, Any]:
        return {"library": self.library, "sqlite": list(self.sqlite), "foreign_keys": list(self.foreign_keys),
                "schema": list(self.schema), "search_index": list(self.search_index),
                "annotation_index": list(self.annotation_index),
                "missing_files": list(self.missing_files),
                "reused_ids": [r.to_dict() for r in self.reused_ids], "markup": list(self.markup),
                "facet_corrections": list(self.facet_corrections)}

    def lines(self) -> dict[str, list[str]]:
        """Each finding in words, by kind (:meth:`advice` says what to do)."""
        out: dict[str, list[str]] = {k: [] for k in KINDS}
        out["sqlite"] = [f"SQLite: {m}" for m in self.sqlite]
        for f in self.foreign_keys:
            where = f"{f['table']} row {f['rowid']}" if f["rowid"] is not None else f"a row of {f['table']}"
            out["foreign_keys"].append(f"{where}: {f['column']} = {f['value']} names a row of {f['parent']} that "
                                       "no longer exists")
        for d in self.schema:
            if d["found"] == "missing":
                out["schema"].append(f"{d['kind']} {d['name']} of {d['table']} is missing ({d['expected']})"
                                     if d["kind"] != "table" else f"table {d['table']} is missing")
            else:
                out["schema"].append(f"{d['kind']} {d['name']} of {d['table']}: {d['found']}, the migrations make "
                                     f"{d['expected']}")
        out["search_index"] = [_search_index_line(f) for f in self.search_index]
        out["annotation_index"] = [_annotation_index_line(f) for f in self.annotation_index]
        for m in self.missing_files:
            who = f"the PDF of paper {m['paper_id']} (attachment {m['id']})" if m["kind"] == "pdf" \
                else f"the folder of run {m['id']}"
            out["missing_files"].append(f"{who} is missing: {m['path']}")
        for r in self.reused_ids:
            n = len(r.records)
            out["reused_ids"].append(
                f"paper {r.paper_id} {r.title[:80]!r} (added {r.added_at}): its id named an earlier, deleted paper;"
                f" {plural(n, 'record')} dated before it still name{'s' if n == 1 else ''} that one:"
                + "".join(f"\n    {line}" for line in r.records))
        out["markup"] = [f"paper {m['paper_id']} {m['title'][:80]!r}: its {' and '.join(m['fields'])} "
                         f"hold{'s' if len(m['fields']) == 1 else ''} HTML markup ({m['example']!r})"
                         for m in self.markup]
        out["facet_corrections"] = [stray_correction_line(c) for c in self.facet_corrections]
        return out

    def advice(self, repaired: bool = False) -> list[str]:
        """What to do about what was found (``repaired``: after ``--repair``, what it leaves)."""
        out = []
        if self.sqlite:
            out.append("The database file is damaged: back it up now (File > Back Up Library…, or copy the folder),"
                       " then restore from an earlier backup, or rebuild it with `sqlite3 library.sqlite .recover`.")
        damaged = {d["table"] for d in self.schema if d["kind"] in ("table", "column")}
        if not repaired and (any(f["on_delete"] in ("CASCADE", "SET NULL") and f["parent"] not in damaged
                                 for f in self.foreign_keys)
                             or repairable_indexes(self)):
            out.append("`gapscope check --repair` repairs the rows naming deleted rows (written to a JSON file in"
                       " the library's backups folder first) and makes missing indexes again.")
        if any(f["on_delete"] not in ("CASCADE", "SET NULL") for f in self.foreign_keys):
            out.append("Rows naming a deleted row that GapScope keeps (authors, imports) cannot be removed safely:"
                       " restore the library from a backup made before the damage.")
        if search_index_repairable(self):
            out.append("The search index is derived from the papers: `gapscope check --repair` makes its triggers "
                       "again and rebuilds it from the papers table (nothing is lost)." if not repaired else
                       "The search index was rebuilt; run the check again to see it agree.")
        if self.annotation_index:
            out.append("The index of notes and highlight comments is derived from them: `gapscope check --repair` "
                       "makes its triggers again and rebuilds it (nothing is lost)." if not repaired else
                       "The index of notes and highlight comments was rebuilt; run the check again to see it agree.")
        if any(not (d["kind"] == "index" and d["found"] == "missing") and not _repairable_trigger(d)
               for d in self.schema):
            out.append("A table, column, foreign key or trigger differs from what GapScope makes: the library was"
                       " changed outside GapScope; restore it from a backup.")
        if self.missing_files:
            out.append("Missing files: attach the PDF again (Attach PDF…, `gapscope attach`) or restore the files/"
                       " and runs/ folders from a backup.")
        if self.reused_ids:
            out.append("Paper ids given twice: the records listed name the earlier paper; check them by hand.")
        if self.markup:
            out.append("`gapscope check --repair` takes the markup out of these titles and abstracts, as an import"
                       " does now (the old texts are written to a JSON file in the library's backups folder"
                       " first; each paper's source record keeps the file's text as it was)." if not repaired else
                       "The markup was taken out of the titles and abstracts listed; run the check again to see.")
        if self.facet_corrections:
            out.append(STRAY_CORRECTION_ADVICE)
        return out


def repairable_indexes(report: IntegrityReport) -> list[str]:
    return [d["name"] for d in report.schema if d["kind"] == "index" and d["found"] == "missing"]


def _repairable_trigger(d: dict[str, str]) -> bool:
    return d["kind"] == "trigger" and d["name"] in REPAIRABLE_TRIGGERS


def repairable_triggers(report: IntegrityReport) -> list[str]:
    """The triggers a repair makes again: the search index's (its findings) and the text stamp's (schema)."""
    return ([f["name"] for f in report.search_index if f["problem"] == "trigger"]
            + [d["name"] for d in report.schema if _repairable_trigger(d)])


def search_index_repairable(report: IntegrityReport) -> bool:
    """Whether there is something a rebuild of the search index mends, and the tables it is made from are
    as the migrations make them."""
    damaged = {d["table"] for d in report.schema if d["kind"] in ("table", "column")}
    return bool(report.search_index or repairable_triggers(report)) and not (
        {"papers", "papers_fts", "fts_deferred", "paper_text_stamp"} & damaged)


def annotation_index_repairable(report: IntegrityReport) -> bool:
    """Whether a rebuild of the notes' index mends something, its tables being as the migrations make them."""
    damaged = {d["table"] for d in report.schema if d["kind"] in ("table", "column")}
    return bool(report.annotation_index) and not (
        {"notes", "highlights", "pdf_highlights", "annotations_fts"} & damaged)


def _annotation_index_line(f: dict[str, Any]) -> str:
    p = f["problem"]
    if p == "trigger":
        return (f"the trigger {f['name']}, which keeps the index of notes and highlight comments in step, is "
                f"{f['detail']}")
    if p == "more":
        return f"... and {plural(f['detail'], 'more row')} as these"
    what = annotation_where({**f, "page": "?"}).split(",")[0]     # no page: the row may be gone
    if p == "not_indexed":
        return f"{what} of paper {f['paper_id']} is not in the index (a search of notes cannot find it)"
    if p == "stale":
        return f"{what} of paper {f['paper_id']} is in the index with other text than it has now"
    return f"the index holds a row of {what}, which no longer exists (or has no comment)"


def _search_index_line(f: dict[str, Any]) -> str:
    p = f["problem"]
    paper = f"paper {f.get('paper_id')} {str(f.get('title') or '')[:80]!r}"
    if p == "trigger":
        return f"the trigger {f['name']}, which keeps the search index in step with the papers, is {f['detail']}"
    if p == "deferred":
        return (f"fts_deferred holds a row an import left behind: the triggers skip the papers from id "
                f"{f['paper_id']} on")
    if p == "not_indexed":
        return f"{paper} is not in the search index (a search cannot find it)"
    if p == "not_a_paper":
        return f"the search index holds row {f['paper_id']}, of a paper that no longer exists"
    if p == "stale":
        return f"{paper} is in the search index with other text than its title, abstract and authors now"
    if p == "more":
        return f"... and {plural(f['detail'], 'more paper')} as these"
    return ("FTS5's integrity-check finds the search index disagreeing with the papers table in rows not named "
            "here (texts changed keeping their number of words)")


def check_library(lib, *, progress=None, cancel=None) -> IntegrityReport:
    """The library's integrity check (read only): SQLite's integrity_check and foreign_key_check, the
    schema against the migrations', the files it refers to, paper ids given twice. ``progress(done,
    total, message)``; ``cancel`` (a CancelToken) stops it between steps and inside SQLite's checks."""
    from .jobs import check, report as tell

    cancelled = (lambda: cancel.cancelled) if cancel is not None else None
    tables = lib.table_names()
    # integrity_check, each table's foreign keys, schema, search, notes' index, files, ids, markup, facet corrections
    steps = 1 + len(tables) + 1 + 1 + 1 + 1 + 1 + 1 + 1
    out = IntegrityReport(library=str(lib.path))
    tell(progress, 0, steps, "SQLite integrity check")
    out.sqlite = lib.sqlite_integrity_problems(cancelled=cancelled)
    done = 1
    for table in tables:
        check(cancel)
        tell(progress, done, steps, f"foreign keys: {table}")
        out.foreign_keys += lib.foreign_key_problems(table, cancelled=cancelled)
        done += 1
    check(cancel)
    tell(progress, done, steps, "schema")
    # the indexes' own triggers are reported with them (and made again by a repair)
    out.schema = [d for d in lib.schema_differences()
                  if not (d["kind"] == "trigger" and d["name"] in SEARCH_INDEX_TRIGGERS + ANNOTATION_INDEX_TRIGGERS)]
    done += 1
    check(cancel)
    tell(progress, done, steps, "search index")
    out.search_index = lib.search_index_problems(cancelled=cancelled)
    done += 1
    check(cancel)
    tell(progress, done, steps, "index of notes and highlight comments")
    out.annotation_index = lib.annotation_index_problems(cancelled=cancelled)
    done += 1
    check(cancel)
    tell(progress, done, steps, "files")
    paths = lib.referenced_paths()
    for i, ref in enumerate(paths):
        if i % 500 == 0:
            check(cancel)
        p = ref["path"]
        if not p or not (Path(p).is_dir() if ref["kind"] == "run folder" else Path(p).is_file()):
            out.missing_files.append(ref)
    done += 1
    check(cancel)
    tell(progress, done, steps, "paper ids given twice")
    try:
        out.reused_ids = reused_paper_ids(lib)
    except UnreadableSchema:
        # a table or column it reads is gone: the schema findings say so, and there are no dates to compare
        if not out.schema:
            raise
    done += 1
    check(cancel)
    tell(progress, done, steps, "markup in titles and abstracts")
    try:
        out.markup = [{"paper_id": pid, "title": title, "fields": fields,
                       "example": first_markup(title if fields[0] == "title" else abstract)}
                      for pid, title, abstract, fields in _with_markup(lib, cancelled)]
    except UnreadableSchema:
        if not out.schema:
            raise
    done += 1
    check(cancel)
    tell(progress, done, steps, "facet corrections")
    try:
        out.facet_corrections = stray_facet_corrections(lib)
    except UnreadableSchema:
        if not out.schema:
            raise
    tell(progress, steps, steps, "done")
    return out


# --- facet corrections that label no sentence ------------------------------------------------------------

STRAY_CORRECTION_ADVICE = (
    "A facet correction that labels no sentence does not count (the classifier's label stands): set the label"
    " again on the sentence it was meant for (Edit > Check Facet Labels…, or `gapscope annotate correct-facet"
    " PAPER START END LABEL` with a span `gapscope facets show PAPER --json` lists), then remove the old one"
    " (Remove in Check Facet Labels, or `gapscope annotate uncorrect-facet PAPER START END`).")


def _stray(paper_id: int, title: str, c: dict[str, Any], text: str, why: str) -> dict[str, Any]:
    return {"paper_id": paper_id, "title": title, "start": c["start"], "end": c["end"], "text": text,
            "role": c["role"], "shortcoming": c["shortcoming"], "why": why}


def stray_facet_corrections(lib) -> list[dict[str, Any]]:
    """The facet corrections that label no sentence of their paper's abstract, each {"paper_id", "title",
    "start", "end", "text" (the words corrected), "role", "shortcoming", "why"}: ``words_gone`` when the
    words it was made on are no longer at its place (the abstract changed under it), ``no_sentence`` when
    no sentence holds most of it (nor lies mostly in it). The sentences are those the facet pipeline stored,
    while they are of the abstract the paper has; else those it will make of it (the abstract changed since
    it was classified). Read only."""
    out = []
    for site in lib.facet_correction_sites():
        abstract, stored = site["abstract"], site["sentences"]
        sentences = stored if reads_as_split(abstract, stored) else split_sentences(abstract)
        for c in site["corrections"]:
            here = abstract[c["start"]:c["end"]]
            if c["text"] is not None and c["text"] != here:
                out.append(_stray(site["paper_id"], site["title"], c, c["text"], "words_gone"))
            elif not labels_some_sentence((c["start"], c["end"]), sentences):
                out.append(_stray(site["paper_id"], site["title"], c, here, "no_sentence"))
    return out


def stray_correction_line(c: dict[str, Any], where: str = "the abstract") -> str:
    """One correction of :func:`stray_facet_corrections` in words (``where``: the text it was placed in)."""
    words = " ".join(c["text"].split())
    shown = (repr(words if len(words) <= 200 else words[:197] + "...") if words else
             "words no longer known (an import put the full abstract in place of a snippet under it before they were kept)")
    why = (f"these words are no longer at its place ({c['start']}..{c['end']}) in {where}" if c["why"] == "words_gone"
           else f"no sentence of {where} as it is split now holds most of it ({c['start']}..{c['end']})")
    labels = correction_labels(c, "no label")
    return f"paper {c['paper_id']} {str(c['title'] or '')[:80]!r}: the correction ({labels}) of {shown} labels " \
           f"no sentence: {why}"


def _with_markup(lib, cancelled=None) -> Iterator[tuple[int, str, str, list[str]]]:
    """(id, title, abstract, the fields holding markup) of the papers whose title or abstract still holds
    the markup an import takes out now (stored before it did)."""
    for pid, title, abstract in lib.papers_maybe_with_markup(cancelled=cancelled):
        fields = [f for f, text in (("title", title), ("abstract", abstract)) if has_markup(text or "")]
        if fields:
            yield pid, title, abstract, fields


def _cleaned(text: str) -> str:
    return unicodedata.normalize("NFC", markup_to_text(text))


@dataclass
class RepairReport:
    removed_rows: int = 0
    emptied: int = 0
    saved_to: Optional[str] = None          # the JSON file holding every row removed or changed
    indexes: list[str] = field(default_factory=list)
    triggers: list[str] = field(default_factory=list)
    search_index_rebuilt: bool = False
    annotation_index_rebuilt: bool = False
    not_repaired: list[str] = field(default_factory=list)
    markup_cleaned: int = 0                 # papers whose title or abstract lost its markup
    markup_saved_to: Optional[str] = None   # the JSON file holding their texts as they were
    # facet corrections moved into an abstract without markup that label none of its sentences (as
    # stray_facet_corrections() gives them): kept, and named
    stray_corrections: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"removed_rows": self.removed_rows, "emptied": self.emptied, "saved_to": self.saved_to,
                "indexes": self.indexes, "triggers": self.triggers, "search_index_rebuilt": self.search_index_rebuilt,
                "annotation_index_rebuilt": self.annotation_index_rebuilt,
                "not_repaired": self.not_repaired, "markup_cleaned": self.markup_cleaned,
                "markup_saved_to": self.markup_saved_to, "stray_corrections": self.stray_corrections}


def repair(lib, report: IntegrityReport) -> RepairReport:
    """What can be repaired without losing anything: missing indexes made again from the migrations, the
    search index rebuilt from the papers (with its triggers and the text stamp's made again),
    rows naming a row that no longer exists removed (ON DELETE CASCADE: with what they take along) or
    emptied (SET NULL), after all of them are written to ``backups/check-repair-<time>.json``, and the
    markup taken out of titles and abstracts stored before an import did so (their texts written down too).
    Everything else stays as it is (``report.advice()`` says what to do)."""
    out = RepairReport()
    if report.sqlite:
        # a damaged file can lose more under writes: nothing is touched until it is recovered
        out.not_repaired = ["nothing repaired: SQLite found the file damaged (see above)"]
        return out
    # a parent table missing or changed outside GapScope: SQLite reports every row naming it, yet it is the
    # parent rows that are lost; removing the children would lose the rest (restore from a backup instead)
    damaged = {d["table"] for d in report.schema if d["kind"] in ("table", "column")}
    fixable = [f for f in report.foreign_keys if f["rowid"] is not None and f["on_delete"] in ("CASCADE", "SET NULL")
               and f["parent"] not in damaged]
    out.not_repaired += [f"{f['table']} row {f['rowid']}: {f['column']} -> {f['parent']} (ON DELETE "
                         f"{f['on_delete']}) is not removed safely" for f in report.foreign_keys
                         if f not in fixable and f["parent"] not in damaged]
    out.not_repaired += [f"rows naming {parent}: not removed, as the table {parent} is missing or changed (restore "
                         "the library from a backup)" for parent in sorted({f["parent"] for f in report.foreign_keys
                                                                            if f["parent"] in damaged})]
    if fixable:
        saved: list[dict[str, Any]] = []
        seen: set[tuple[str, int]] = set()
        for f in fixable:
            if f["on_delete"] == "CASCADE":
                rows = lib.rows_removed_with(f["table"], f["rowid"])
            else:
                rows = [{"table": f["table"], "rowid": f["rowid"], "row": lib.row_dict(f["table"], f["rowid"]),
                         "on_delete": "set null"}]
            for r in rows:
                if (r["table"], r["rowid"]) not in seen:
                    seen.add((r["table"], r["rowid"]))
                    saved.append({**r, "reason": f"{f['table']} row {f['rowid']}: {f['column']} = {f['value']} "
                                  f"named a row of {f['parent']} that no longer exists"})
        # written and flushed to disk before anything is removed: the rows can always be put back
        dest = _write_down(lib, {"rows": saved})
        try:
            lib.remove_orphan_rows([(f["table"], f["rowid"], f["column"], f["on_delete"]) for f in fixable])
        except LibraryError as exc:
            dest.unlink()
            out.not_repaired.append(str(exc))
        else:
            out.saved_to = str(dest)
            out.removed_rows = sum(1 for r in saved if r["on_delete"] != "set null")
            out.emptied = len(saved) - out.removed_rows
    names = repairable_indexes(report)
    if names:
        try:
            out.indexes = lib.repair_missing_indexes(names)
        except LibraryError as exc:
            out.not_repaired.append(str(exc))
    if report.search_index or repairable_triggers(report):
        if not search_index_repairable(report):
            out.not_repaired.append("the search index is not rebuilt: a table it is made from is missing or changed"
                                    " (restore the library from a backup)")
        else:
            # derived from the papers table: rebuilt, it loses nothing, so nothing is written down first
            out.triggers = lib.rebuild_search_index(repairable_triggers(report))
            out.search_index_rebuilt = True
    if report.annotation_index:
        if not annotation_index_repairable(report):
            out.not_repaired.append("the index of notes and highlight comments is not rebuilt: a table it is made "
                                    "from is missing or changed (restore the library from a backup)")
        else:
            # derived from the notes and highlights: rebuilt, it loses nothing
            out.triggers += lib.rebuild_annotation_index(
                [f["name"] for f in report.annotation_index if f["problem"] == "trigger"])
            out.annotation_index_rebuilt = True
    if report.markup:
        _clean_markup(lib, report, out)
    return out


def _write_down(lib, payload: dict[str, Any]) -> Path:
    """``payload`` written to a new ``backups/check-repair-<time>.json`` of the library, flushed to disk."""
    from .store.base import now_iso

    folder = Path(lib.upgrade_backups_folder())
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"check-repair-{now_iso().replace(':', '').replace('+0000', 'Z')}"
    dest, n = folder / f"{stem}.json", 1
    while dest.exists():
        n += 1
        dest = folder / f"{stem}-{n}.json"
    with open(dest, "w", encoding="utf-8") as fh:
        json.dump({"library": str(lib.path), "written_at": now_iso(), **payload}, fh, indent=1,
                  ensure_ascii=False, default=str)
        fh.flush()
        os.fsync(fh.fileno())
    return dest


def _clean_markup(lib, report: IntegrityReport, out: RepairReport) -> None:
    """The markup taken out of the titles and abstracts the check found holding it, as an import takes it
    out now, after their texts as they were are written down (the source records keep them too). A
    paper edited since the check keeps its new text; a title that would be left empty keeps its markup.
    The user's highlights and facet corrections hold character offsets into the abstract: they move with
    their words; an abstract where one cannot be placed for sure keeps its markup (and is named). A
    correction that then labels no sentence of the abstract without markup (the splitter cuts it otherwise)
    is kept and named (``out.stray_corrections``)."""
    wanted = {m["paper_id"] for m in report.markup}
    changes = []
    strays: list[dict[str, Any]] = []
    for pid, title, abstract, fields in _with_markup(lib):
        if pid not in wanted:
            continue
        old: dict[str, str] = {}
        new: dict[str, str] = {}
        spans: dict[str, list] = {"highlights": [], "corrections": []}
        if "title" in fields and _cleaned(title).strip():
            old["title"], new["title"] = title, _cleaned(title)
            new["norm_title"] = "" if is_untitled(new["title"]) else normalize_title(new["title"])
        if "abstract" in fields:
            cleaned = _cleaned(abstract)
            spans = _spans_moved(lib, pid, abstract, cleaned)
            if spans is None:
                out.not_repaired.append(
                    f"paper {pid}: its abstract keeps its markup, as a highlight or facet correction on it could not"
                    " be placed in the text without markup for sure (remove that annotation and repair again to"
                    " clean it)")
            else:
                old["abstract"], new["abstract"] = abstract, cleaned
                strays += moved_corrections_stray(lib, pid, title, abstract, cleaned, spans["corrections"])
        if old:
            changes.append({"paper_id": pid, "old": old, "new": new, **(spans or {})})
    if not changes:
        return
    dest = _write_down(lib, {"papers": [{"paper_id": c["paper_id"], "old": c["old"],
                                         **({"highlights_at": [h[:3] for h in c["highlights"]]} if c.get("highlights")
                                            else {}),
                                         **({"facet_corrections_at": [k[:2] for k in c["corrections"]]}
                                            if c.get("corrections") else {}),
                                         "reason": "HTML markup taken out of the text"} for c in changes]})
    try:
        out.markup_cleaned = lib.replace_paper_texts(changes)
    except LibraryError as exc:
        dest.unlink()
        out.not_repaired.append(f"the markup was not taken out (nothing changed): {exc}")
    else:
        out.markup_saved_to = str(dest)
        cleaned_now = {c["paper_id"] for c in changes if "abstract" in c["new"]
                       and lib.paper_abstract(c["paper_id"]) == c["new"]["abstract"]}
        out.stray_corrections = [c for c in strays if c["paper_id"] in cleaned_now]


def moved_corrections_stray(lib, paper_id: int, title: str, old: str, new: str,
                            moved: list[tuple[int, int, int, int]]) -> list[dict[str, Any]]:
    """The paper's facet corrections ``moved`` ((start, end, new_start, new_end) each) from abstract ``old``
    into ``new`` that label none of the sentences the facet pipeline will make of ``new``, as
    :func:`stray_facet_corrections` gives them (at their new place)."""
    rows = {(c["start"], c["end"]): c for c in lib.facet_corrections(paper_id)}
    # one whose words were gone from its place already is named by the check as it is
    keep = [m for m in moved if tuple(m[:2]) in rows and rows[tuple(m[:2])]["text"] in (None, old[m[0]:m[1]])]
    out = []
    for i in labelling_nothing(new, keep):
        s, e, ns, ne = keep[i]
        out.append(_stray(paper_id, title, {**rows[(s, e)], "start": ns, "end": ne}, new[ns:ne], "no_sentence"))
    return out


def _spans_moved(lib, paper_id: int, old: str, new: str) -> Optional[dict[str, list]]:
    """Where the paper's highlights ``(id, start, end, new_start, new_end)`` and facet corrections
    ``(start, end, new_start, new_end)`` fall in ``new``, the abstract ``old`` without its markup: each
    span moves with its words; None when one of them cannot be placed there for sure."""
    highlights = [(h["id"], h["start"], h["end"]) for h in lib.highlights_with_ids(paper_id)]
    corrections = [(c["start"], c["end"]) for c in lib.facet_corrections(paper_id)]
    to = moved_spans(old, new, [h[1:] for h in highlights] + corrections, reads_as=_cleaned)
    if to is None:
        return None
    return {"highlights": [(*h, *t) for h, t in zip(highlights, to)],
            "corrections": [(*c, *t) for c, t in zip(corrections, to[len(highlights):])]}
