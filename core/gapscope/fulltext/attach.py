"""Attach PDFs to library papers: match by DOI, arXiv id or title (with how sure), copy the file into
the library's storage folder under its content hash, and store its sections and sentences.

A PDF that matches no paper becomes a new paper with the metadata read from it (its abstract too,
when the PDF prints one under an "Abstract" heading, or with no heading as a first paragraph set apart
from the body, which the import's note and :data:`CHECK_ABSTRACT_TAG` point out; else the import's note
on the file says it has none), tagged :data:`CHECK_TAG` for the user to check. Attaching a PDF to a
library paper changes none of the paper's fields: an abstract it has is never replaced by one read from
a PDF. A PDF we cannot read (encrypted, no text layer, broken) is still kept and attached when it
matches (the paper given, or the arXiv id or DOI its file name holds); the result says why its text is
missing. One that matches nothing never becomes a paper: it is reported ``unreadable`` with its name
and why, and nothing is stored.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from ..jobs import Cancelled, check, report
from ..models import CHECK_ABSTRACT_TAG, Paper, RecordError, RecordWarning
from ..store.base import LibraryError
from .extract import Document, UnreadablePdf, extract
from .lead_paragraph import NOTE as FIRST_PARAGRAPH_NOTE
from .meta import FROM_FILE_DATE, FROM_FIRST_PARAGRAPH, PdfMetadata, read_metadata, title_note
from ..textfmt import plural

CHECK_TAG = "check: metadata from PDF"
# no better date found: when the PDF was made. No apostrophe: a tag list would quote it (migration 1510)
CHECK_YEAR_TAG = "check: year from the PDF file date"
TITLE_SURE = 92.0                     # rapidfuzz token_sort_ratio from which a title match is taken
SKIP_KINDS = ("references",)          # no sentences from the reference list


@dataclass
class AttachResult:
    file: str
    status: str                        # attached | new-paper | already-attached | unreadable | failed
    paper_id: Optional[int] = None
    attachment_id: Optional[int] = None
    match: Optional[str] = None        # doi | arxiv | title | given | new
    score: Optional[float] = None      # 1.0 for an identifier, the title similarity / 100 otherwise
    matched_on: Optional[str] = None   # the DOI, arXiv id or title that matched
    pages: Optional[int] = None
    sections: list[str] = field(default_factory=list)
    sentences: int = 0
    message: Optional[str] = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def file_hash(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def pdf_files(targets: Iterable[str | Path], *, skip_under: Optional[Path] = None) -> list[Path]:
    """The PDFs named, and those in the folders named (recursively), sorted; never anything inside the
    library folder itself (its database is read by SQLite alone)."""
    out: list[Path] = []
    for t in targets:
        p = Path(t).expanduser()
        if p.is_dir():
            out += sorted(q for q in p.rglob("*") if q.suffix.lower() == ".pdf" and q.is_file())
        else:
            out.append(p)
    if skip_under is not None:
        root = skip_under.resolve()
        out = [p for p in out if root not in p.resolve().parents]
    return out


def match_paper(lib, meta: PdfMetadata) -> tuple[Optional[int], Optional[str], float, Optional[str]]:
    """(paper id, how, score, on what) for the library paper a PDF belongs to, or (None, None, 0, None):
    by DOI, arXiv id, the title read from it, then a library title printed in page 1's top lines (a
    title in the body's type, or repeated as the running header, is not read as the title, yet names the
    paper: attaching it must not make a duplicate of a paper the library has). A title never matches a
    paper whose arXiv id is another than the PDF's own: two papers may print the same title."""
    from ..sources.dedup import normalize_title

    for doi in meta.dois:
        pid = lib.paper_id_by_doi(doi)
        if pid is not None:
            return pid, "doi", 1.0, doi
    if meta.arxiv_id:
        try:
            return lib.resolve(meta.arxiv_id), "arxiv", 1.0, meta.arxiv_id
        except LibraryError:
            pass
    if meta.title_is_read and len(meta.title) >= 12:     # never on a title made from the file name
        from rapidfuzz import fuzz

        want = normalize_title(meta.title)
        best = (0.0, None, "")
        for pid, title in _titles_sharing_words(lib, want, any_word=True, arxiv_id=meta.arxiv_id):
            score = fuzz.token_sort_ratio(want, normalize_title(title))
            if score > best[0]:
                best = (score, pid, title)
        if best[1] is not None and best[0] >= TITLE_SURE:
            return best[1], "title", round(best[0] / 100, 3), best[2]
    # a title read from the PDF that a library title is only a part of ("Deep Residual Learning" of "Deep
    # Residual Learning for Image Recognition", set on two lines) is another paper: its lines are not looked up
    read = normalize_title(meta.title).replace(" ", "") if meta.title_is_read else ""
    for pid, title in _page1_title_matches(lib, meta.page1_top, part_of=read, arxiv_id=meta.arxiv_id):
        return pid, "title", 1.0, title
    return None, None, 0.0, None


def _titles_sharing_words(lib, norm_title: str, *, any_word: bool,
                          arxiv_id: Optional[str] = None) -> list[tuple[int, str]]:
    """(id, title) of the library papers the search finds for the long words of a normalized title: any
    of them (best 25), or all of them; none with an arXiv id other than ``arxiv_id`` (the PDF's own, when
    it has one: a paper of another id is another paper, whatever its title)."""
    words = [w for w in norm_title.split() if len(w) > 3][:8]
    if not words:
        return []
    hits = lib.search((" OR " if any_word else " ").join(words), limit=25)
    return [(p.id, p.title) for p in lib.get_papers([pid for pid, _rank in hits])
            if not (arxiv_id and p.arxiv_id and p.arxiv_id != arxiv_id)]


def _page1_title_matches(lib, lines: list[str], *, part_of: str = "", arxiv_id: Optional[str] = None):
    """The library papers whose title is printed, whole, on one to three adjacent lines of ``lines`` (page
    1's top): the same words as the import's duplicate check compares them (normalize_title), a word cut
    by a line-end hyphen joined again. Exact, not similar: these lines are not known to be the title. Lines
    that are a part of ``part_of`` (the read title, spaces removed) but not all of it are skipped."""
    from ..sources.dedup import normalize_title
    from .extract import join_lines

    seen: set[str] = set()
    for first in range(len(lines)):
        for n in (1, 2, 3):
            if first + n > len(lines):
                break
            norm = normalize_title(join_lines(lines[first:first + n]))
            key = norm.replace(" ", "")
            if len(norm.split()) < 3 or len(key) < 12 or key in seen or (key != part_of and key in part_of):
                continue
            seen.add(key)
            for pid, title in _titles_sharing_words(lib, norm, any_word=False, arxiv_id=arxiv_id):
                if normalize_title(title).replace(" ", "") == key:
                    yield pid, title


def _store_file(lib, src: Path, sha: str) -> str:
    folder = lib.files_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{sha}.pdf"
    dest = folder / name
    if not dest.exists():
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
        os.close(fd)
        try:
            shutil.copyfile(src, tmp)
            os.replace(tmp, dest)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return name


def stored_path(lib, attachment: dict[str, Any]) -> Path:
    return lib.files_folder() / attachment["stored_name"]


class MissingPdf(LibraryError):
    """An attachment whose stored file is gone (deleted, or a library copied without its files/)."""

    def __init__(self, paper_id: int, path: Path) -> None:
        super().__init__(f"the PDF file of paper {paper_id} is missing: {path}"
                         " (re-attach it with `gapscope attach`)")
        self.paper_id, self.path = paper_id, path


def existing_stored_path(lib, attachment: dict[str, Any]) -> Path:
    """The stored file of ``attachment``, or :class:`MissingPdf` naming the paper and the path: what
    every reader of a stored PDF calls before opening it."""
    path = stored_path(lib, attachment)
    if not path.is_file():
        raise MissingPdf(attachment["paper_id"], path.absolute())
    return path


class PdfImport:
    """One run of the import log for one attach (a folder, a drop, a pick of files): the PDFs that become
    new papers are its records, each kept with its file as the paper's source record. It is started by
    the first new paper (an attach that only matches library papers imports nothing)."""

    def __init__(self, lib, target: str) -> None:
        from ..models import ImportReport

        self.lib, self.target = lib, target
        self.rep = ImportReport(source="pdf")

    def add(self, paper: Paper, notes: Iterable[RecordWarning] = ()):
        """Ingest ``paper`` (and ``notes`` on it for the import's record); (the ids it added, the errors
        and warnings it brought)."""
        from ..ingest import ingest_papers

        rep = self.rep
        ids, errors, warnings = len(rep.added_ids), len(rep.errors), len(rep.warnings)
        ingest_papers(self.lib, [*notes, paper], kind="import", source="pdf", target=self.target, report_obj=rep,
                      import_id=rep.import_id, finish=False)
        return rep.added_ids[ids:], rep.errors[errors:] + rep.warnings[warnings:]

    def add_bad(self, path: Path, message: str) -> None:
        """A file that gave nothing (unreadable and matching no paper, or missing): a bad record of the
        import, named with why; it starts the import's record if nothing did before."""
        from ..ingest import ingest_papers

        why = message[len(str(path)) + 2:] if message.startswith(f"{path}: ") else message
        ingest_papers(self.lib, [RecordError(str(path), why)], kind="import", source="pdf", target=self.target,
                      report_obj=self.rep, import_id=self.rep.import_id, finish=False)

    def end(self, status: str = "done", message: Optional[str] = None) -> None:
        if self.rep.import_id is not None:
            self.rep.cancelled = status == "cancelled"
            self.lib.save_import_progress(self.rep.import_id, self.rep, status, message)


def _new_paper(lib, meta: PdfMetadata, path: Path, batch: Optional[PdfImport] = None) -> int:
    title = meta.title or path.stem
    paper = Paper(title=title, abstract=meta.abstract, authors=meta.authors,
                  doi=meta.dois[0] if meta.dois else None, arxiv_id=meta.arxiv_id, arxiv_version=meta.arxiv_version,
                  year=meta.year, published=meta.published, source="pdf", source_key=str(path.resolve()),
                  location=str(path), raw={"read_from": meta.sources,   # where the title, authors ... were read
                                           **_other_title(meta)})
    # no abstract: no embedding, facets or place on the maps until the user adds one; the note says why
    notes = [RecordWarning(str(path), meta.abstract_missing)] if not meta.abstract and meta.abstract_missing else []
    if title_note(meta):                # page 1 prints none: where the title came from instead
        notes.append(RecordWarning(str(path), title_note(meta)))
    if meta.title_alternative:          # the user checks the title: the other one the PDF gives is named
        notes.append(RecordWarning(str(path), f"title read from page 1; the file's properties give another: "
                                              f"\"{meta.title_alternative}\""))
    guessed = meta.sources.get("abstract") == FROM_FIRST_PARAGRAPH      # no heading: the note and a tag say so
    notes += [RecordWarning(str(path), FIRST_PARAGRAPH_NOTE)] if guessed else []
    batch = batch or PdfImport(lib, str(path.resolve()))
    try:
        added, problems = batch.add(paper, notes)
    finally:
        if batch.target == str(path.resolve()):          # a file attached on its own: its own import
            batch.end()
    if added:
        pid = added[0]
    else:                                                  # merged into a paper the index knew
        pid, _how, _s, _on = match_paper(lib, meta)
        if pid is None:
            raise LibraryError(f"{path}: could not add a paper for it ({problems})")
    lib.add_tag([pid], CHECK_TAG)
    if meta.sources.get("date") == FROM_FILE_DATE:
        lib.add_tag([pid], CHECK_YEAR_TAG)
    if guessed:
        lib.add_tag([pid], CHECK_ABSTRACT_TAG)
    return pid


def _other_title(meta: PdfMetadata) -> dict[str, str]:
    return {"title_in_file_properties": meta.title_alternative} if meta.title_alternative else {}


def fulltext_rows(doc: Document) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Sections and sentences (unlabelled) of an extracted document, ready for the store."""
    from ..facets import split_sentences

    sections, sentences = [], []
    for pos, s in enumerate(doc.sections):
        sections.append(dict(position=pos, name=s.name, kind=s.kind, number=s.number, level=s.level,
                             page=s.page + 1))
        if s.kind in SKIP_KINDS:
            continue
        for k, para in enumerate(s.paragraphs):
            for st in split_sentences(para.text):
                if len(st.text) < 3:
                    continue
                sentences.append(dict(section_pos=pos, page=para.page + 1, paragraph=k, start=st.start,
                                      end=st.end, text=st.text))
    return sections, sentences


def attach_file(lib, path: str | Path, *, paper_id: Optional[int] = None, source: str = "file",
                create: bool = True, name: Optional[str] = None, cancel=None,
                batch: Optional[PdfImport] = None) -> AttachResult:
    """Attach one PDF (see the module's docstring). Never raises for a bad file: the result says.
    ``name``: what to record as the file's origin (a URL) instead of its path. ``batch``: the import a
    new paper is a record of (by default one of its own)."""
    path = Path(path)
    res = AttachResult(file=name or str(path), status="failed")
    if not path.is_file():
        res.message = f"{path}: no such file"
        return res
    try:
        sha = file_hash(path)
    except OSError as exc:
        res.message = f"{path}: cannot read ({exc})"
        return res
    known = lib.attachment_by_hash(sha)
    if known:
        res.status, res.paper_id, res.attachment_id, res.pages = ("already-attached", known["paper_id"],
                                                                   known["id"], known["pages"])
        res.message = f"{path}: the same file is already attached to paper {known['paper_id']}"
        if not stored_path(lib, known).is_file():      # its stored copy was lost: the same bytes put it back
            _store_file(lib, path, sha)
            res.message = f"{path}: the missing stored copy of paper {known['paper_id']}'s PDF is put back"
        return res
    doc: Optional[Document] = None
    unreadable = None
    try:
        doc = extract(path, cancel=cancel)
    except UnreadablePdf as exc:
        unreadable = str(exc)
    except Cancelled:                                      # a stop while it is read: the batch stops here
        raise
    except Exception as exc:                               # a parser crash must not lose the file
        unreadable = f"{path}: could not read the PDF ({type(exc).__name__}: {exc})"
    meta = read_metadata(doc, path)
    how, score, on = "given", 1.0, None
    if paper_id is None:
        paper_id, how, score, on = match_paper(lib, meta)
    if paper_id is None:
        if unreadable is not None:
            # nothing read from it to make a paper of (its "title" would be its file name): say why, add nothing
            res.status, res.message = "unreadable", _naming(unreadable, path)
            return res
        if not create:
            res.status, res.message = "unmatched", f"{path}: no library paper matches"
            return res
        paper_id, how, score = _new_paper(lib, meta, path, batch), "new", 0.0
    stored = _store_file(lib, path, sha)
    att = lib.add_attachment(paper_id, sha, stored, name or str(path), source=source, match_how=how, match_score=score,
                             status="unreadable" if doc is None else "extracted", message=unreadable,
                             pages=doc.pages if doc else None)
    res.paper_id, res.attachment_id, res.match, res.score, res.matched_on = paper_id, att, how, score, on
    if doc is None:
        res.status, res.message = "unreadable", unreadable
        return res
    sections, sentences = fulltext_rows(doc)
    lib.put_fulltext(att, paper_id, sections, sentences)
    res.status = "new-paper" if how == "new" else "attached"
    if how == "new":                   # said, not only counted: the user checks what was read from the file
        res.message = new_paper_note(path, meta)
    res.pages, res.sentences = doc.pages, len(sentences)
    res.sections = [s["name"] for s in sections if s["name"]]
    return res


def new_paper_note(path: Path, meta: PdfMetadata) -> str:
    """What an attach that made a new paper says of it: that no library paper matched, its title and
    where that was read, and the tag to find it by."""
    where = meta.sources.get("title", "")
    return (f"{path}: no library paper matches it: it is a new paper, \"{meta.title}\""
            + (f" (title: {where})" if where else "") + f", tagged \"{CHECK_TAG}\" to check")


def _naming(message: str, path: Path) -> str:
    """``message`` starting with the file's name, so a list of results says which file each is about."""
    return message if message.startswith(str(path)) else f"{path}: {message}"


def attach_paths(lib, targets: Iterable[str | Path], *, paper_id: Optional[int] = None, source: str = "file",
                 create: bool = True, progress=None, cancel=None,
                 on_result: Optional[Callable[[int, int, AttachResult], None]] = None) -> list[AttachResult]:
    """Attach every PDF named or found in the folders named; one result per file, in order, each also
    given to ``on_result(n, N, result)`` as soon as its file is done (a long batch shows what it did as it
    goes). The PDFs that become new papers are the records of one import (see :class:`PdfImport`), and
    those that gave nothing (unreadable and matching no paper, missing) its bad records, each named with
    why; the import is named after the folder or file given, else "N PDF files in <the folder they
    share>"."""
    targets = list(targets)
    files = pdf_files(targets, skip_under=Path(lib.db_path).parent if Path(lib.db_path).parent.suffix == ".gapscope"
                      else None)
    batch = PdfImport(lib, _import_target(targets, files))
    out = []
    try:
        for i, f in enumerate(files):
            check(cancel)
            report(progress, i, len(files), f"attaching {f.name}")
            res = attach_file(lib, f, paper_id=paper_id, source=source, create=create, cancel=cancel, batch=batch)
            if res.status in ("unreadable", "failed") and res.paper_id is None:
                batch.add_bad(f, res.message or res.status)
            out.append(res)
            if on_result is not None:
                on_result(i + 1, len(files), res)
    except Cancelled:
        batch.end("cancelled", "cancelled by the user; the PDFs attached before are kept")
        raise
    except BaseException as exc:
        batch.end("failed", f"{type(exc).__name__}: {exc}")
        raise
    batch.end("done", f"{plural(len(files), 'PDF file')}: " + _counts(out))
    report(progress, len(files), len(files), "attached")
    return out


def _import_target(targets: list, files: list[Path]) -> str:
    """What an attach's import is of: the one folder or file named, else "N PDF files in <the folder they
    share>" (a bare "/" said nothing of files picked from two folders)."""
    if len(targets) == 1:
        return str(Path(targets[0]).expanduser().resolve())
    if not files:
        return ""
    try:
        common = os.path.commonpath([str(f.resolve().parent) for f in files])
    except ValueError:                                     # files on different drives
        return f"{plural(len(files), 'PDF file')} from several drives"
    return f"{plural(len(files), 'PDF file')} in {common}"


def _counts(results: list[AttachResult]) -> str:
    by: dict[str, int] = {}
    for r in results:
        by[r.status] = by.get(r.status, 0) + 1
    return ", ".join(f"{n} {status}" for status, n in by.items())
