"""Streaming readers for paper files. Each yields ``Paper`` for a good record and ``RecordError``
(with file and line) for a bad one, reading the file incrementally, never whole into memory.

Formats: the arXiv bulk snapshot (one JSON object per line, plain or gzip), BibTeX, RIS, CSV, and
CSL-JSON (a JSON array, read whole: see csljson.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import unicodedata
from datetime import date as calendar_date
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Union

from ..bibfields import BIBLIO_KEYS, BIBTEX_TO_CSL, RIS_TO_CSL, clean_biblio, issn_or_isbn
from ..csvcells import split_authors, split_tags, unguard
from ..models import (EXPORT_MARK, OWN_EXPORT_SOURCE, Paper, RecordError, RecordNote, RecordWarning,
                      arxiv_categories, is_arxiv_category, is_untitled, normalize_doi, normalize_pmid, split_arxiv_id,
                      untitled_title, untitled_warning)
from ..textfmt import latex_to_text as render_latex, looks_like_latex, typography_to_text
from .bibtex_entries import (bibtex_chunks, closed_entry, entry_key, open_field, open_quoted_field, parse_entry,
                             swallowing_field)
from .markup import markup_to_text
from .textio import FileCutShort, ReadMeter, TextLines, is_binary, open_binary

Record = Union[Paper, RecordError]
FORMATS = ("arxiv", "bibtex", "ris", "csv", "csljson")


class FileFormatError(Exception):
    """The file as a whole cannot be read in this format (no title column, empty file ...)."""


def file_key(path: Path) -> str:
    """The part of a record's source key that names its file: the resolved path, so that two files
    called refs.bib in two folders are two sources, and the same file imported again is the same."""
    return str(Path(path).resolve())


def encoding_note(path: Path, lines: TextLines) -> Iterator[RecordWarning]:
    """A note when lines of the file were not UTF-8 and were read as Windows-1252 (latin-1), at the first
    such line and naming the others: only those lines were read so (a file pasted together from two
    exports has UTF-8 lines after them)."""
    if not lines.fallback_count:
        return
    first, *more = lines.fallback_lines
    if not more:
        which = "this line is not UTF-8"
    else:
        rest = lines.fallback_count - len(lines.fallback_lines)
        which = (f"{lines.fallback_count} lines are not UTF-8 (this one and line{'s' if len(more) > 1 else ''} "
                 f"{', '.join(map(str, more))}{f' and {rest} more' if rest else ''})")
    yield RecordWarning(f"{path}:{first}", f"{which}: read as Windows-1252 (latin-1); check the accents there")


class RecordKeys:
    """Source keys of one file's records, made unique: a key the file repeats (two BibTeX entries
    both called smith2020) gets ``~2``, ``~3`` ... in file order, so that no record replaces another
    and importing the same file again gives the same keys. A repeated key the file itself states is
    reported (``warning``); one derived from a title is not."""

    def __init__(self, path: Path) -> None:
        self.prefix = file_key(path)
        self.path = path
        self.seen: dict[str, tuple[int, int]] = {}  # key -> (times seen, first line)
        self.warning: Optional[RecordWarning] = None

    def key(self, key: str, line: int, stated: bool = True) -> str:
        times, first = self.seen.get(key, (0, line))
        self.seen[key] = (times + 1, first)
        self.warning = None
        if not times:
            return f"{self.prefix}#{key}"
        if stated:
            self.warning = RecordNote(f"{self.path}:{line}", f"key {key!r} is used again (first at line {first});"
                                      f" imported as a separate record")
        return f"{self.prefix}#{key}~{times + 1}"


def clean_ws(s: Optional[str]) -> str:
    # str.split() splits on exactly what re's \s matches in a str pattern (str.isspace), at a
    # fraction of the cost: this runs for every author of every record.
    return " ".join(s.split()) if s else ""


def nfc(s: str) -> str:
    """Text in composed form: "García" typed by a user is the same string (and the same search word)
    as one a file spelled with a combining accent."""
    return unicodedata.normalize("NFC", s) if s and not s.isascii() else s


def _year_of(date: Optional[str]) -> Optional[int]:
    # four digits and no fifth: "19999" (a typo) is no year, not 1999; "2020a" (author-year styles) is 2020
    m = re.match(r"^\s*(\d{4})(?!\d)", date or "")
    return int(m.group(1)) if m else None


def unreadable_year(where: str, text: str) -> RecordWarning:
    """The note for a record kept without the year it states (``20x5``, ``n.d.``, ``19999``)."""
    return RecordNote(where, f"unreadable year {text.strip()[:40]!r}: the record is kept without a year")


def _iso_date(text: Optional[str]) -> Optional[str]:
    """A date as written in BibTeX or RIS (2025-03-18, 2025/03/18, 2025/03, 2025///) as ISO
    YYYY[-MM[-DD]], as far as it is a real date; None when it does not start with a year."""
    m = re.match(r"^\s*(\d{4})(?!\d)(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?", text or "")
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        if month and day:
            return calendar_date(int(year), int(month), int(day)).isoformat()
        if month and 1 <= int(month) <= 12:
            return f"{year}-{int(month):02d}"
    except ValueError:
        pass
    return year


# --- arXiv snapshot ---------------------------------------------------------------------------------

# "Mon, 2 Apr 2007 19:18:42 GMT": the date as written is the date parsedate_to_datetime().date() gives.
_RFC2822_DATE = re.compile(r"^(?:[A-Za-z]{3}, )?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) \d")
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                       "Dec"), 1)}


def _created_date(created: str) -> str:
    m = _RFC2822_DATE.match(created)
    month = _MONTHS.get(m.group(2)) if m else None
    if month:
        return calendar_date(int(m.group(3)), month, int(m.group(1))).isoformat()  # ValueError for 31 Feb, as before
    return parsedate_to_datetime(created).date().isoformat()


def _arxiv_versions(versions: Any) -> list[tuple[int, str]]:
    out = []
    for v in versions or []:
        try:
            num = int(str(v["version"]).lstrip("v"))
            date = _created_date(v["created"]) if v.get("created") else None
        except (KeyError, TypeError, ValueError):
            continue
        out.append((num, date))
    return sorted(out)


def _arxiv_authors(rec: dict) -> list[str]:
    parsed = rec.get("authors_parsed")
    if parsed:
        names = []
        for parts in parsed:
            last, first = (parts + ["", ""])[:2]
            suffix = parts[2] if len(parts) > 2 else ""
            names.append(clean_ws(" ".join(p for p in (first, last, suffix) if p)))
        return [n for n in names if n]
    raw = clean_ws(rec.get("authors"))
    return [a.strip() for a in re.split(r",\s*|\s+and\s+", raw) if a.strip()]


def paper_from_arxiv_record(rec: dict, source: str = "arxiv-snapshot") -> Paper:
    """A Paper from one arXiv snapshot record (the Kaggle metadata format)."""
    if not isinstance(rec, dict):
        raise ValueError("not a JSON object")
    raw_id = rec.get("id")
    if not raw_id:
        raise ValueError("no 'id' field")
    arxiv_id, version = split_arxiv_id(str(raw_id))
    title = clean_ws(rec.get("title"))
    if not title:
        raise ValueError(f"arXiv {arxiv_id} has no title")
    versions = _arxiv_versions(rec.get("versions"))
    published = versions[0][1] if versions else rec.get("update_date")
    cats = (rec.get("categories") or "").split()
    return Paper(
        title=title,
        abstract=(rec.get("abstract") or "").strip(),
        authors=_arxiv_authors(rec),
        year=_year_of(published),
        published=published,
        updated=rec.get("update_date"),
        arxiv_id=arxiv_id,
        arxiv_version=max([v for v, _ in versions] + ([version] if version else [])) if (versions or version) else None,
        versions=versions,
        doi=normalize_doi(rec.get("doi")),
        categories=cats,
        venue=clean_ws(rec.get("journal-ref")) or None,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        source=source,
        source_key=arxiv_id,
        raw=rec,
    )


def read_arxiv_snapshot(path: Path, meter: Optional[ReadMeter] = None) -> Iterator[Record]:
    lines = TextLines(path, meter)
    for n, line in lines:
        if not line.strip():
            continue
        try:
            paper = paper_from_arxiv_record(json.loads(line))
            paper.location = f"{path}:{n}"
            paper.raw = line.strip()  # keep the source's own text; re-encoding it would cost time
            yield paper
        except json.JSONDecodeError as exc:
            yield RecordError(f"{path}:{n}", f"not valid JSON ({exc.msg} at column {exc.colno})")
        except ValueError as exc:
            yield RecordError(f"{path}:{n}", str(exc))
    yield from encoding_note(path, lines)


# --- BibTeX ---------------------------------------------------------------------------------------------

# Escapes for characters that are literal text, not markup. They are set aside before the braces and
# commands are removed, so that an escaped brace or backslash survives (GapScope's own BibTeX export
# writes them, and so do Zotero and JabRef).
_LITERAL_ESCAPES = re.compile(
    r"\\(?:textbackslash|textbraceleft|textbraceright|textasciitilde|textasciicircum)(?:\{\}|\s|(?![A-Za-z]))"
    r"|\\[{}&%$#_]"
)
_LITERAL_OF = {"textbackslash": "\\", "textbraceleft": "{", "textbraceright": "}", "textasciitilde": "~",
               "textasciicircum": "^"}


def _set_aside_literals(s: str) -> tuple[str, list[str]]:
    kept: list[str] = []

    def hold(m: re.Match) -> str:
        text = m.group()
        if len(text) == 2:  # \{ \} \& \% \$ \# \_
            kept.append(text[1])
        else:
            kept.append(_LITERAL_OF[text[1:].rstrip("{} \t\r\n")])
        return f"\ue000{len(kept) - 1}\ue001"
    return _LITERAL_ESCAPES.sub(hold, s), kept


# Math and citations in a title or abstract are kept as written, as arXiv's records keep them (the app shows
# them rendered, textfmt.py): converted, they would lose what they say ("$O(n^{1/2})$" became "O(n^1/2)",
# "\cite{foo}" "<cit.>"). A span braced for case protection ("{$\alpha$}") loses only its braces.
_KEPT_LATEX = re.compile(
    r"(?P<open>\{)?(?P<kept>(?<!\\)\$\$.+?(?<!\\)\$\$|(?<!\\)\$[^$]+?(?<!\\)\$"
    r"|\\(?:cite[a-zA-Z]*|ref|eqref)\*?(?:\[[^\]]*\])*\{[^{}]*\})(?(open)\})", re.S)


def _brace_depth(s: str, end: int) -> int:
    return len(re.findall(r"(?<!\\)\{", s[:end])) - len(re.findall(r"(?<!\\)\}", s[:end]))


def latex_to_text(s: str, keep_math: bool = False) -> str:
    """BibTeX field text as plain Unicode: accents converted, braces and commands removed, escaped
    literals (``\\{``, ``\\&``, ``\\textbackslash{}`` ...) kept as their characters. With ``keep_math``
    (titles and abstracts) ``$...$`` math and ``\\cite{...}`` are kept as written, where they stand outside
    any other group."""
    spans = [m for m in _KEPT_LATEX.finditer(s) if keep_math]
    if spans and all(_brace_depth(s, m.start()) == 0 for m in spans):
        parts, pos = [], 0
        for m in spans:
            parts += [_text_between(s[pos:m.start()]), " ".join(m.group("kept").split())]
            pos = m.end()
        parts.append(_text_between(s[pos:]))
        return nfc(clean_ws("".join(parts)))
    s, kept = _set_aside_literals(s)
    s = _latex_to_text(s)
    return re.sub("\ue000(\\d+)\ue001", lambda m: kept[int(m.group(1))], s) if kept else s


def _text_between(s: str) -> str:
    """The text between kept spans, with a space at an edge where it had one."""
    lead = " " if s[:1].isspace() else ""
    trail = " " if s[-1:].isspace() and s.strip() else ""
    # the field is LaTeX (it holds math): plain words between the spans are LaTeX too ("--", "``", "~")
    return lead + latex_to_text(s if looks_like_latex(s) else typography_to_text(s)) + trail


def _latex_to_text(s: str) -> str:
    # pylatexenc (through textfmt) reads accents the way LaTeX does: {\'\i} and {\'i} are both "í",
    # two accented letters in one field both convert, $\alpha$ is "α". Braces left over (plain text
    # has no parser run on it) only kept case: drop them.
    s = render_latex(s).replace("{", "").replace("}", "")
    s = re.sub(r"\\([&%$#_])", r"\1", s)
    return nfc(clean_ws(s))


def keyword_list(text: str) -> list[str]:
    """Keywords as another program writes them in one field: separated by semicolons, else by commas."""
    words = text.split(";") if ";" in text else text.split(",")
    return list(dict.fromkeys(w.strip() for w in words if w.strip()))


def own_export_keywords(keywords: Iterable[str], tags_from: Optional[int] = None) -> tuple[list[str], list[str]]:
    """(categories, tags) of the keywords of GapScope's own export (exports/bibtex.py, exports/ris.py write
    the categories first, each a keyword of its own, then the tags): the leading keywords that are arXiv
    categories, and the rest. A tag is never split into words, so "re-read cs.LG part" adds no category,
    and one that looks like a category ("math") after a plain tag stays a tag. ``tags_from``: the position
    of the first keyword the export marks as a tag (a braced BibTeX keyword, a KW line after RIS's DB line),
    so that a tag named like a category right after the categories ("cs.LG") stays a tag too; exports made
    before they marked it have none."""
    categories: list[str] = []
    tags: list[str] = []
    for i, word in enumerate(keywords):
        word = word.strip()
        if not word:
            continue
        if not tags and is_arxiv_category(word) and (tags_from is None or i < tags_from):
            categories += [word] if word not in categories else []
        elif word not in tags:
            tags.append(word)
    return categories, tags


def located_paper(make: Callable[[], Paper], where: str, keys: Optional["RecordKeys"]) -> Iterator:
    """The paper ``make()`` builds, located at ``where`` (after the warning its key raised, if any), or a
    RecordError at ``where`` when it raises ValueError: one bad record never stops the file."""
    try:
        paper = make()
    except ValueError as exc:
        yield RecordError(where, str(exc))
        return
    if keys is not None and keys.warning:
        yield keys.warning
    if is_untitled(paper.title):
        yield untitled_warning(where, paper.title)
    paper.location = where
    yield paper


def _arxiv_id_in(texts: Iterable[str], pattern: re.Pattern) -> tuple[Optional[str], Optional[int]]:
    """The first arXiv id that ``pattern`` (group 1; the version in group 2 when it has one) finds in ``texts``."""
    for text in texts:
        m = pattern.search(text.strip())
        if not m:
            continue
        try:
            arxiv_id, version = split_arxiv_id(m.group(1))
        except ValueError:
            continue
        if pattern.groups > 1 and m.group(2):
            version = int(m.group(2))
        return arxiv_id, version
    return None, None


_BIBTEX_ARXIV = re.compile(r"arxiv(?:\.org/abs/|:)\s*([\w.\-/]+?\d)(?:v\d+)?(?:[\s}]|$)", re.I)
# An arXiv id as a note: GapScope's RIS export ("N1  - arXiv:2503.11731v2 [cs.CV]"), Zotero's BibTeX note
# ("arXiv:2001.00001 [cs]"). Only a note that holds nothing else is the id: one that says more ("arXiv:2301.00001
# is the long version") names another paper, and is the user's note.
_ARXIV_ID_NOTE = re.compile(r"^arXiv:(\S+?)(?: \[[^\]\s]+\])?$")
_RIS_URL_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/([\w.\-/]+?)(?:v(\d+))?(?:\.pdf)?$", re.I)


def paper_from_bibtex_entry(entry: dict, key_prefix: str, source_key: Optional[str] = None) -> Paper:
    title = latex_to_text(entry.get("title", ""), keep_math=True)
    authors = [latex_to_text(a) for a in re.split(r"\s+and\s+", entry.get("author", "")) if a.strip()]
    authors = [_flip_name(a) for a in authors]
    arxiv_id = version = None
    eprint = entry.get("eprint") or entry.get("arxivid") or entry.get("arxiv")
    if eprint and (entry.get("archiveprefix", "arxiv").lower() == "arxiv"):
        try:
            arxiv_id, version = split_arxiv_id(eprint)
        except ValueError:
            pass
    if not arxiv_id:
        arxiv_id, version = _arxiv_id_in((entry.get(f, "") for f in ("url", "journal")), _BIBTEX_ARXIV)
    if not arxiv_id:    # Zotero's preprint: a note that is the id alone (one that says more names another paper)
        arxiv_id, version = _arxiv_id_in([entry.get("note", "")], _ARXIV_ID_NOTE)
    if not title:
        title = untitled_title(latex_to_text(entry.get("abstract", ""), keep_math=True),
                               doi=normalize_doi(entry.get("doi")), pmid=entry.get("pmid"), arxiv_id=arxiv_id)
    if not title:
        raise ValueError(f"entry {entry.get('ID', '?')!r} has no title, abstract or identifier (DOI, PMID, arXiv id)")
    year = _year_of(entry.get("year") or entry.get("date"))
    venue = latex_to_text(entry.get("journal") or entry.get("booktitle") or "") or None
    categories = [c.strip() for c in (entry.get("primaryclass"),) if c and c.strip()]
    categories += [c for c in arxiv_categories(entry.get("keywords", "")) if c not in categories]
    return Paper(
        title=title, abstract=latex_to_text(entry.get("abstract", ""), keep_math=True), authors=authors, year=year,
        published=_iso_date(entry.get("date")) or _bibtex_date(year, entry), arxiv_id=arxiv_id,
        arxiv_version=version, doi=normalize_doi(entry.get("doi")), pmid=normalize_pmid(entry.get("pmid")),
        venue=venue, url=entry.get("url") or None,
        categories=categories, biblio=bibtex_biblio(entry),
        source="bibtex", source_key=source_key or f"{key_prefix}#{entry.get('ID', '')}", raw=dict(entry),
    )


def bibtex_biblio(entry: dict) -> dict[str, str]:
    """The entry's kind (its entry type), volume, number, pages, publisher (a report's institution, a
    thesis's school), ISBN and ISSN, under their CSL names (bibfields.py)."""
    text = lambda *names: next((latex_to_text(entry[n]) for n in names if entry.get(n)), "")  # noqa: E731
    return clean_biblio({"type": BIBTEX_TO_CSL.get(str(entry.get("ENTRYTYPE", "")).lower()),
                         "volume": text("volume"), "issue": text("number", "issue"), "page": text("pages"),
                         "publisher": text("publisher", "institution", "school", "organization"),
                         "ISBN": text("isbn"), "ISSN": text("issn")})


_MONTH_NAMES = {name: i for i, name in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                                  "oct", "nov", "dec"), 1)}


def _bibtex_date(year: Optional[int], entry: dict) -> Optional[str]:
    """``year`` with ``month`` (3, mar, March) and ``day`` when the entry has them, as an ISO date."""
    if not year:
        return None
    month_text = (entry.get("month") or "").strip().lower()
    month = int(month_text) if month_text.isdigit() else _MONTH_NAMES.get(month_text[:3])
    if not month or not 1 <= month <= 12:
        return str(year)
    day = (entry.get("day") or "").strip()
    return _iso_date(f"{year}-{month:02d}-{int(day):02d}" if day.isdigit() else f"{year}-{month:02d}") or str(year)


def _flip_name(name: str) -> str:
    """'Smith, John' -> 'John Smith' (the library shows given names first, like arXiv)."""
    if "," in name:
        last, _, first = name.partition(",")
        return clean_ws(f"{first} {last}")
    return name


def _unreadable_entry(part, otherwise: str) -> str:
    """Why an entry the parser refused cannot be read: a quote left open names its field, the line it
    opened at and the entry's key (the parser's own words name none of them); ``otherwise`` else."""
    quoted = open_quoted_field(part.raw)
    if quoted is None:
        return otherwise
    field, offset = quoted
    return (f"unreadable BibTeX entry {entry_key(part.raw)!r}: its field {field!r} opens a quote (\") at line "
            f"{part.line + offset} that is not closed before the entry ends")


def read_bibtex(path: Path, meter: Optional[ReadMeter] = None) -> Iterator[Record]:
    from bibtexparser.bparser import BibTexParser

    # One parser for the whole file: building one costs ~10 ms (its grammar), and @string macros
    # defined early in the file must apply to the entries after them.
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False)
    parser.expect_multiple_parse = True
    keys = RecordKeys(path)
    lines = TextLines(path, meter)
    own_export = False  # the file is GapScope's own export (its first comment says so)
    for part in bibtex_chunks(path, lines):
        line_no, chunk = part.line, part.text
        where = f"{path}:{line_no}"
        head = chunk.lstrip()[:12].lower()
        if head.startswith(("@comment", "@preamble")):
            own_export = own_export or f"{EXPORT_MARK.lower()} export" in chunk.lower()
            continue
        first = chunk.strip().splitlines()[0][:60] if chunk.strip() else ""
        skipped = f"; the entry is skipped. As written: {part.raw.strip()}"   # the report keeps its text
        if part.closed_early_at:
            yield RecordError(where, f"BibTeX entry {first!r} is closed early at line {part.closed_early_at} (a "
                                     "'}' too many?): the lines after it read as its fields" + skipped)
            continue
        if not part.closed:
            # its fields all came before the next entry (or the end of the file): keep it, unless the brace
            # lost was a field's (that field swallowed the ones after it, or was cut off at the end)
            chunk = closed_entry(chunk)
            swallowed = swallowing_field(parser, chunk)
            if swallowed:
                yield RecordError(where, f"BibTeX entry {first!r}: its field {swallowed!r} is not closed (a '}}' "
                                         "is missing) and runs into the fields after it" + skipped)
                continue
            cut = open_field(part.raw) if part.cut_at is None else None
            if cut:
                yield RecordError(where, f"BibTeX entry {first!r} is cut off at the end of the file in its field "
                                         f"{cut!r} (a '}}' is missing)" + skipped)
                continue
            before_what = f"the next entry (line {part.cut_at})" if part.cut_at else "the end of the file"
            unclosed = RecordWarning(where, f"BibTeX entry {first!r} not closed (a '}}' is missing) before "
                                            f"{before_what}: imported as read; check its last field")
        try:
            new, undefined = parse_entry(parser, chunk)
        except Exception as exc:  # noqa: BLE001 - bibtexparser raises many kinds
            yield RecordError(where, _unreadable_entry(part, f"unreadable BibTeX entry ({exc})") + skipped)
            continue
        if head.startswith("@string"):
            continue
        if not new:
            yield RecordError(where, _unreadable_entry(part, f"unreadable BibTeX entry: {first!r}") + skipped)
            continue
        if not part.closed:   # said once it is read: an entry that is not read has its error alone
            yield unclosed
        for entry in new:
            try:
                paper = paper_from_bibtex_entry(entry, "", keys.key(entry.get("ID", ""), line_no))
            except ValueError as exc:
                yield RecordError(where, str(exc) + skipped)
                continue
            for name in undefined:
                yield RecordNote(where, f"BibTeX entry {first!r} uses the macro {name!r}, which no @string before "
                                        f"it defines: read as the text {name!r}")
            if keys.warning:
                yield keys.warning
            if is_untitled(paper.title):
                yield untitled_warning(f"{path}:{line_no}", paper.title)
            stated_year = entry.get("year") or entry.get("date") or ""
            if paper.year is None and stated_year.strip():
                yield unreadable_year(f"{path}:{line_no}", stated_year)
            paper.location = f"{path}:{line_no}"
            if not own_export:    # another program's keywords are the paper's tags, its note and annote notes
                paper.tags = [w for w in keyword_list(latex_to_text(entry.get("keywords", "")))
                              if w not in paper.categories]
                paper.notes = [n for n in (latex_to_text(entry.get(f, ""), keep_math=True) for f in ("note", "annote"))
                               if n and not _ARXIV_ID_NOTE.match(n)]     # the id alone is the paper's id
            if own_export:
                paper.source = OWN_EXPORT_SOURCE
                words = entry.get("keywords", "").split(",")
                braced = next((i for i, w in enumerate(words) if w.strip().startswith("{")), None)   # a tag
                cats, paper.tags = own_export_keywords((latex_to_text(w) for w in words), braced)
                primary = [c.strip() for c in (entry.get("primaryclass"),) if c and c.strip()]
                paper.categories = primary + [c for c in cats if c not in primary]
            yield paper
    yield from encoding_note(path, lines)


# --- RIS -------------------------------------------------------------------------------------------------

_RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")


def paper_from_ris(tags: dict[str, list[str]], key_prefix: str, line_no: int,
                   keys: Optional[RecordKeys] = None, kw_before_db: Optional[int] = None) -> Paper:
    """``kw_before_db``: how many KW lines came before the DB line (GapScope's own export writes the tags
    after it)."""
    first = lambda *names: next((tags[n][0] for n in names if tags.get(n)), "")  # noqa: E731
    own = first("DB") == EXPORT_MARK
    # another database's record may carry HTML; GapScope's own export is the paper's text as it is
    text_of = (lambda *names: first(*names)) if own else (lambda *names: markup_to_text(first(*names)))  # noqa: E731
    title = nfc(clean_ws(text_of("TI", "T1", "CT", "BT")))
    authors = [nfc(_flip_name(clean_ws(a))) for n in ("AU", "A1", "A2") for a in tags.get(n, [])]
    year = _year_of(first("PY", "Y1", "DA"))
    dates = [d for d in (_iso_date(v) for n in ("DA", "PY", "Y1") for v in tags.get(n, [])) if d and d[:4] == str(year)]
    published = max(dates, key=len) if dates else (str(year) if year else None)
    notes = tags.get("N1", [])
    arxiv_id, version = _arxiv_id_in(notes, _ARXIV_ID_NOTE)
    if not arxiv_id:
        arxiv_id, version = _arxiv_id_in(tags.get("UR", []) + tags.get("L1", []) + tags.get("M3", []), _RIS_URL_ARXIV)
    # PubMed's RIS export puts the PMID in AN (accession number) when DB says PubMed; GapScope's own too.
    pmid = first("AN") if own or "pubmed" in first("DB", "DP").lower() else None
    if not title:
        title = untitled_title(nfc(clean_ws(text_of("AB", "N2"))), doi=normalize_doi(first("DO")),
                               pmid=pmid, arxiv_id=arxiv_id)
    if not title:
        raise ValueError("record has no title (TI or T1), abstract (AB) or identifier (DO, arXiv id)")
    key = first("ID") or f"line{line_no}"
    source_key = keys.key(key, line_no, stated=bool(first("ID"))) if keys else f"{key_prefix}#{key}"
    if own:
        categories, own_tags = own_export_keywords((nfc(clean_ws(k)) for k in tags.get("KW", [])), kw_before_db)
    else:       # another program's keywords are tags; its notes are notes (an arXiv id alone is the id)
        categories = arxiv_categories(" ".join(tags.get("KW", [])))
        own_tags = [k for k in dict.fromkeys(nfc(clean_ws(markup_to_text(k))) for k in tags.get("KW", []))
                    if k and k not in categories]
    notes = [] if own else [n for n in (nfc(markup_to_text(v).strip()) for v in notes)
                            if n and not _ARXIV_ID_NOTE.match(n)]
    kind = RIS_TO_CSL.get(first("TY").strip().upper())
    pages = "-".join(p for p in (clean_ws(first("SP")), clean_ws(first("EP"))) if p)
    numbers = {issn_or_isbn(sn, kind): sn for sn in (clean_ws(v) for v in reversed(tags.get("SN", []))) if sn}
    biblio = clean_biblio({"type": kind, "volume": first("VL"), "issue": first("IS"), "page": pages,
                           "publisher": first("PB"), **numbers})
    return Paper(
        title=title, abstract=nfc(clean_ws(text_of("AB", "N2"))), authors=authors, year=year,
        published=published, categories=categories, biblio=biblio, notes=notes,
        arxiv_id=arxiv_id, arxiv_version=version, doi=normalize_doi(first("DO")), pmid=normalize_pmid(pmid),
        venue=nfc(clean_ws(first("JO", "JF", "T2", "J2"))) or None, url=first("UR") or None,
        source=OWN_EXPORT_SOURCE if own else "ris", source_key=source_key,
        raw={k: v for k, v in tags.items()}, tags=own_tags,
    )


def _ris_record(path: Path, tags: dict[str, list[str]], start: int, keys: RecordKeys,
                kw_before_db: Optional[int] = None) -> Iterator[Record]:
    """The paper of one RIS record (with its notes), or the error that names its line."""
    stated_year = next((tags[t][0] for t in ("PY", "Y1", "DA") if tags.get(t)), "")
    for rec in located_paper(lambda: paper_from_ris(tags, "", start, keys, kw_before_db), f"{path}:{start}", keys):
        if isinstance(rec, Paper) and rec.year is None and stated_year.strip():
            yield unreadable_year(f"{path}:{start}", stated_year)
        yield rec


def read_ris(path: Path, meter: Optional[ReadMeter] = None) -> Iterator[Record]:
    """RIS records, read as tolerantly as Zotero's RIS translator reads them: a record ends at its
    'ER  -' line, or where the next 'TY  -' starts, or at the end of the file; a record whose fields
    come without a 'TY  -' line is read all the same (the type is not kept: Zotero defaults it to a
    journal article). Each of these is kept with a note naming its line. Lines that are no RIS at all
    between records are one bad record per run of such lines, their text in the message."""
    keys = RecordKeys(path)
    tags: dict[str, list[str]] = {}
    last: Optional[str] = None
    start = 0
    kw_before_db: Optional[int] = None     # KW lines of the record before its DB line (see paper_from_ris)
    stray: list[tuple[int, str]] = []      # lines outside any record that are no RIS lines
    lines = TextLines(path, meter)
    for n, line in lines:
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        m = _RIS_LINE.match(line.lstrip("\ufeff"))
        if not m:
            if last and tags:  # a wrapped continuation of the previous field
                tags[last][-1] += " " + line.strip()
            else:
                stray.append((n, line))
            continue
        if stray:
            yield _stray_ris_lines(path, stray)
            stray = []
        tag, value = m.group(1), (m.group(2) or "").strip()
        if tag == "TY":
            if tags:  # the record before lost its 'ER  -' line: its fields all came before this TY, keep it
                yield RecordWarning(f"{path}:{start}", f"record not closed with 'ER  -' before the next 'TY  -' "
                                                       f"(line {n}): imported as read; check its last field")
                yield from _ris_record(path, tags, start, keys, kw_before_db)
            tags, start, kw_before_db = {"TY": [value]}, n, None
            last = tag
            continue
        if tag == "ER":
            if not tags:   # it closes nothing and holds nothing: nothing to import, nothing lost
                yield RecordWarning(f"{path}:{n}", "'ER  -' without a record before it: ignored")
                continue
            yield from _ris_record(path, tags, start, keys, kw_before_db)
            tags, last, kw_before_db = {}, None, None
            continue
        if not tags:   # a record's fields without its 'TY  -' line: the record starts here
            yield RecordNote(f"{path}:{n}", f"record has no 'TY  -' line (its first field is {tag}): "
                                               "imported as read, with the default type (JOUR)")
            start = n
        if tag == "DB" and kw_before_db is None:
            kw_before_db = len(tags.get("KW", []))
        tags.setdefault(tag, []).append(value)
        last = tag
    if stray:
        yield _stray_ris_lines(path, stray)
    if tags:   # all its fields came before the end of the file: keep it (the file may have been cut short)
        yield RecordNote(f"{path}:{start}", "last record not closed with 'ER  -' before the end of the file: "
                                               "imported as read; check its last field")
        yield from _ris_record(path, tags, start, keys, kw_before_db)
    yield from encoding_note(path, lines)


# how much of a run of non-RIS lines a bad record quotes: a short run (a stray heading, a wrapped line
# after 'ER  -') whole; of a long one (a saved web page) its start, so that the message stays readable
STRAY_QUOTE_CHARS = 1000


def _stray_ris_lines(path: Path, stray: list[tuple[int, str]]) -> RecordError:
    """One bad record for a run of lines outside any record that are no RIS lines, their text kept in
    the message (nothing read is lost from the report) up to :data:`STRAY_QUOTE_CHARS`, then the count of
    lines left unquoted and the last line's number."""
    first, last = stray[0][0], stray[-1][0]
    what = ("this line is not a RIS line and is" if len(stray) == 1
            else f"{len(stray)} lines (to line {last}) are not RIS lines and are")
    quoted, shown = "", 0
    for _, text in stray:
        if shown and len(quoted) + len(text) > STRAY_QUOTE_CHARS:
            break
        text = text.strip()      # one line longer than the whole allowance (a minified page) is cut
        quoted += (" | " if shown else "") + (text if len(text) <= STRAY_QUOTE_CHARS
                                               else text[:STRAY_QUOTE_CHARS] + "\u2026")
        shown += 1
    if shown < len(stray):
        quoted += f" | \u2026 ({len(stray) - shown} more lines, to line {last})"
    return RecordError(f"{path}:{first}", f"{what} outside any record (a RIS field reads 'XX  - value', two spaces "
                                          "before the dash): " + quoted)


# --- CSV -------------------------------------------------------------------------------------------------

_CSV_COLUMNS = {
    "title": ("title", "primary_title", "ti", "article title", "document title", "paper title"),
    "abstract": ("abstract", "ab", "abstract note", "summary"),
    "authors": ("authors", "author", "au", "creators"),
    "year": ("year", "publication_year", "publication year", "py", "date"),
    "doi": ("doi", "do"),
    "url": ("url", "link"),
    "arxiv_id": ("arxiv_id", "arxiv", "eprint"),
    "venue": ("journal", "venue", "source title", "publication title", "secondary_title"),
    "key": ("record_id", "id", "key"),
    "pmid": ("pmid", "pubmedid", "pubmed_id", "pubmed id"),
    "notes": ("notes", "note"),
    "keywords": ("keywords", "author keywords"),
    "type": ("type", "item type", "entry type", "entrytype", "document type"),
    "volume": ("volume", "vl"),
    "issue": ("issue", "is"),
    "page": ("pages", "page", "page range"),
    "publisher": ("publisher", "pb"),
    "ISBN": ("isbn",),
    "ISSN": ("issn",),
    # what GapScope's own CSV export writes besides (exports/csv_table.py)
    "published": ("published",),
    "categories": ("categories",),
    "tags": ("tags",),
    "mark": ("source",),
}


class _LineCounter:
    """Feeds csv.reader line by line while remembering the physical line number and the lines of
    the row being read; lines handed back with :meth:`push` are read again (after a bad row)."""

    def __init__(self, lines: TextLines) -> None:
        self._it = iter(lines)
        self._again: list[tuple[int, str]] = []
        self.line = 0
        self.row_lines: list[tuple[int, str]] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        self.line, text = self._again.pop(0) if self._again else next(self._it)
        self.row_lines.append((self.line, text))
        return text

    def push(self, lines: list[tuple[int, str]]) -> None:
        self._again[:0] = lines


def _row_start(counter: _LineCounter) -> int:
    """The line a row just read starts on: its first line's own number (lines read again after a quote
    left open come after the last line read, so "the line after the last" would name a later one)."""
    return counter.row_lines[0][0] if counter.row_lines else counter.line + 1


def _csv_authors(cell: str, own: bool) -> list[str]:
    """The names in a CSV authors cell. GapScope's own export writes the library's names as they are, a
    ";" inside one escaped (csvcells.join_authors): read back exactly. Another program's table separates
    them by ";" or " and ", in "Family, Given" form or not."""
    if own:
        return split_authors(cell)
    if ";" in cell or " and " in cell:
        return [_flip_name(a.strip()) for a in re.split(r";|\s+and\s+", cell) if a.strip()]
    return [cell] if cell else []


_DELIMITERS = (",", ";", "\t", "|")


def _delimiter(path: Path, header_line: str) -> str:
    """The delimiter of the header row: a comma, unless a semicolon (a European spreadsheet's
    export), a tab or a bar splits it into more columns."""
    if path.suffix.lower() == ".tsv":
        return "\t"
    counts = {d: len(next(csv.reader([header_line], delimiter=d), [])) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _swallowed(row: list[str], header: list[str], lines: list[tuple[int, str]], delimiter: str,
               numbered: bool) -> bool:
    """A row read over several lines that is really a quote left open: it has not the header's
    number of fields; or its quoting is broken (a quote closes and text follows it, as when the
    open quote ran on to the next row's opening quote) and a line inside it is itself a whole row
    of the header's width; or (in a file whose rows start with a number, a record id) a line inside
    it is itself a whole row starting with a number. A quoted field that rightly holds line breaks
    (a multi-line abstract) closes cleanly and is kept."""
    if len(lines) < 2:
        return False
    if len(row) != len(header):
        return True
    if _badly_quoted("".join(text for _, text in lines), delimiter) and any(
            len(next(csv.reader([text], delimiter=delimiter), [])) == len(header) for _, text in lines[1:]):
        return True
    if not numbered or len(header) < 3:
        return False
    for _, text in lines[1:]:
        fields = next(csv.reader([text], delimiter=delimiter), [])
        if len(fields) == len(header) and fields[0].strip().isdigit():
            return True
    return False


def _badly_quoted(text: str, delimiter: str) -> bool:
    """Whether ``text`` (one row) breaks CSV's quoting rules, which the lenient reader forgives."""
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        return True
    return False


def _glued_fields(text: str, delimiter: str) -> Optional[list[int]]:
    """The fields of a badly quoted row (``text``) whose only fault is text after their closing quote
    ('"Why Should I Trust You?": Explaining ...', '"title" ,'), when that is all that is wrong and it
    shifts nothing: no delimiter or line break inside those quotes, no quote after them; then the lenient
    reader's fields are the ones written. None when the fault may have moved a column."""
    glued, field, i, n = [], 0, 0, len(text)
    ends = (delimiter, "\n", "\r")

    def field_end(at: int) -> int:      # where the unquoted text from ``at`` stops: a delimiter or the row's end
        return min((p for p in (text.find(e, at) for e in ends) if p >= 0), default=n)

    while i < n:
        if text[i] == '"':
            j = i + 1
            while (k := text.find('"', j)) >= 0 and text.startswith('""', k):
                j = k + 2
            if k < 0:
                return None                       # a quote left open
            quoted, i = text[i + 1:k], k + 1
            end = field_end(i)
            if end > i:
                if '"' in text[i:end] or any(e in quoted for e in ends):
                    return None
                glued.append(field)
        else:
            end = field_end(i)
        if text.startswith(delimiter, end):
            field += 1
        elif end < n:                             # the row's end
            break
        i = end + 1
    return glued


def _garbled_row(row: list[str], header: list[str], lines: list[tuple[int, str]],
                 delimiter: str) -> tuple[Optional[str], Optional[str]]:
    """Why a row's columns cannot be trusted (or None), and a note on a quoting fault that shifts nothing
    (or None): a quote in the wrong place (text right after a closing quote, which the lenient reader glues
    into the field, perhaps shifting the columns after it), or more fields than the header. The message
    ends with the row as written, so that the report keeps it."""
    text = "".join(t for _, t in lines)
    if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
        why = f"the row has {len(row)} fields where the header has {len(header)} (a stray quote or delimiter?)"
    elif '"' in text and _badly_quoted(text, delimiter):
        glued = _glued_fields(text, delimiter)
        if glued:
            read = ", ".join(repr(row[i]) for i in glued if i < len(row))
            return None, f"a quote closes before the end of its field (text follows it); read as {read}: check the row"
        why = "a quote in this row is misplaced (text follows a closing quote), so its columns cannot be told apart"
    else:
        return None, None
    return f"{why}; the row is skipped. As written: {text.rstrip()}", None


def read_csv(path: Path, meter: Optional[ReadMeter] = None) -> Iterator[Record]:
    lines = TextLines(path, meter)
    counter = _LineCounter(lines)
    head_line = next((text for _, text in TextLines(path) if text.strip()), "")
    delimiter = _delimiter(path, head_line)
    reader = csv.reader(counter, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise FileFormatError(f"{path}: the file is empty") from None
    except csv.Error as exc:
        raise FileFormatError(f"{path}:1: unreadable CSV header ({exc})") from None
    lower = [h.strip().lower().lstrip("\ufeff") for h in header]
    col: dict[str, int] = {}
    for field, names in _CSV_COLUMNS.items():
        for name in names:
            if name in lower:
                col[field] = lower.index(name)
                break
    if "title" not in col:
        raise FileFormatError(
            f"{path}:1: no title column (found: {', '.join(header) or 'nothing'}); "
            f"name one of: {', '.join(_CSV_COLUMNS['title'])}"
        )
    unread = [h.strip() for i, h in enumerate(header) if h.strip() and i not in col.values()]
    if unread:
        yield RecordWarning(f"{path}:1", f"column{'s' if len(unread) > 1 else ''} not read: "
                                         f"{', '.join(repr(h) for h in unread)} (each row keeps them in its source"
                                         " record)")
    keys = RecordKeys(path)
    numbered = None  # every row so far starts with a number
    while True:
        counter.row_lines = []
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield RecordError(f"{path}:{_row_start(counter)}", f"unreadable CSV row ({exc})")
            continue
        start = _row_start(counter)
        if not any(c.strip() for c in row):
            continue
        if _swallowed(row, header, counter.row_lines, delimiter, bool(numbered)):
            first, last = counter.row_lines[0][0], counter.row_lines[-1][0]
            yield RecordError(f"{path}:{first}", f"a quote opened in this row is not closed: it ran on to line {last}; "
                                                 f"the row is skipped and lines {first + 1}-{last} are read again as "
                                                 f"rows. As written: {counter.row_lines[0][1].rstrip()}")
            counter.push(counter.row_lines[1:])
            continue
        garbled, quote_note = _garbled_row(row, header, counter.row_lines, delimiter)
        if garbled:
            yield RecordError(f"{path}:{start}", garbled)
            continue
        if quote_note:
            yield RecordNote(f"{path}:{start}", quote_note)
        # columns the header names that the row stops short of (a spreadsheet's unnamed trailing
        # columns, ",,," after the last name, hold nothing a row could lose)
        short = sum(1 for h in header[len(row):] if h.strip())
        if short:
            yield RecordNote(f"{path}:{start}", f"the row has {len(row)} fields where the header has {len(header)}: "
                                                + ("its last column is" if short == 1 else f"its last {short} columns are")
                                                + " read as empty")
        numbered = row[0].strip().isdigit() and numbered is not False
        own = "mark" in col and col["mark"] < len(row) and row[col["mark"]].strip() == EXPORT_MARK
        # GapScope's own export guards cells that would open as formulas: take the guard away again
        cells = [unguard(c.strip()) for c in row] if own else row
        get = lambda f: (cells[col[f]].strip() if f in col and col[f] < len(cells) else "")  # noqa: E731
        # another program's table may carry its database's HTML; GapScope's own export is plain text
        text_of = (lambda f: get(f)) if own else (lambda f: markup_to_text(get(f)))  # noqa: E731
        title = nfc(clean_ws(text_of("title")))
        arxiv_id = version = None
        if get("arxiv_id"):
            try:
                arxiv_id, version = split_arxiv_id(get("arxiv_id"))
            except ValueError:
                yield RecordNote(f"{path}:{start}", f"bad arXiv id {get('arxiv_id')!r} (kept the row without it)")
        if not title:
            title = untitled_title(nfc(text_of("abstract")), doi=normalize_doi(get("doi")), pmid=get("pmid"),
                                   arxiv_id=arxiv_id) or ""
            if not title:
                yield RecordError(f"{path}:{start}", "row has no title, abstract or identifier (DOI, PMID, arXiv id)")
                continue
            yield untitled_warning(f"{path}:{start}", title)
        authors = _csv_authors(nfc(get("authors")), own)
        year = _year_of(get("year"))
        if year is None and get("year"):
            yield unreadable_year(f"{path}:{start}", get("year"))
        source_key = keys.key(get("key"), start) if get("key") else keys.key(title.lower()[:200], start, stated=False)
        if keys.warning:
            yield keys.warning
        published = _iso_date(get("published"))       # a full date (GapScope's export), when it is the year's
        if not (year and published and published[:4] == str(year)):
            published = str(year) if year else None
        # another program's tags column is its own business; its keywords (other than arXiv categories,
        # which are categories, as in BibTeX and RIS) and notes are the paper's
        categories = arxiv_categories(get("categories"))
        keywords = [] if own else keyword_list(nfc(text_of("keywords")))
        categories += [c for c in arxiv_categories(" ".join(keywords)) if c not in categories]
        yield Paper(
            title=title, abstract=nfc(text_of("abstract")), authors=authors, year=year, published=published,
            arxiv_id=arxiv_id, arxiv_version=version, categories=categories,
            doi=normalize_doi(get("doi")), pmid=normalize_pmid(get("pmid")), url=get("url") or None,
            venue=nfc(get("venue")) or None,
            biblio=clean_biblio({f: get(f) for f in BIBLIO_KEYS}),
            source=OWN_EXPORT_SOURCE if own else "csv", source_key=source_key,
            location=f"{path}:{start}",
            raw={h: (row[i] if i < len(row) else "") for i, h in enumerate(header)},
            tags=split_tags(get("tags")) if own else [k for k in keywords if k not in categories],
            notes=[n for n in (nfc(text_of("notes")),) if n],
        )
    yield from encoding_note(path, lines)


# --- format detection -------------------------------------------------------------------------------

def detect_format(path: Path) -> str:
    name = path.name.lower()
    for suffix, fmt in ((".bib", "bibtex"), (".bibtex", "bibtex"), (".ris", "ris"), (".csv", "csv"),
                        (".tsv", "csv"), (".jsonl", "arxiv"), (".jsonl.gz", "arxiv")):
        if name.endswith(suffix):
            return fmt
    # Sniff the first non-blank line (a .json file is arXiv JSON lines or, opening an array, CSL-JSON).
    for _, line in TextLines(path):
        s = line.strip().lstrip("\ufeff")
        if not s:
            continue
        if s.startswith("["):
            return "csljson"
        if s.startswith("{") or name.endswith((".json", ".json.gz")):
            return "arxiv"
        if s.startswith("@"):
            return "bibtex"
        if _RIS_LINE.match(s.lstrip("\ufeff")):
            return "ris"
        return "csv"
    raise FileFormatError(f"{path}: the file is empty")


def read_csl_json(path: Path, meter: Optional[ReadMeter] = None) -> Iterator[Record]:
    from .csljson import read_csl_json as read  # that module builds on this one

    return read(path, meter)


READERS = {"arxiv": read_arxiv_snapshot, "bibtex": read_bibtex, "ris": read_ris, "csv": read_csv,
           "csljson": read_csl_json}


def check_text_file(path: Path) -> None:
    """Raise FileFormatError for a file no reader can read: a folder, empty, or binary."""
    if path.is_dir():
        raise FileFormatError(f"{path}: is a folder, not a file (give the files inside it)")
    try:
        with open_binary(path) as f:
            head = f.read(8192)
    except (EOFError, OSError) as exc:  # a .gz cut before its first block
        raise FileFormatError(f"{path}: unreadable ({exc})") from exc
    if not head.strip():
        raise FileFormatError(f"{path}: the file is empty")
    if head.lstrip()[:5] == b"%PDF-":
        raise FileFormatError(f"{path}: a binary file, not text: a PDF. PDFs are attached, not imported: "
                              f"`gapscope attach {shlex.quote(str(path))}` (in the app: File > Attach PDF…) "
                              "attaches it to its paper, or makes a new paper of it when the library has none")
    if is_binary(head):
        raise FileFormatError(f"{path}: a binary file, not text (GapScope reads BibTeX, RIS, CSV, CSL-JSON and"
                              " arXiv JSON lines,"
                              " plain or .gz)")


def read_file(path: Path, fmt: str = "auto", meter: Optional[ReadMeter] = None) -> Iterator[Record]:
    """The records of a file, one by one; ``meter`` (a ReadMeter of ``path``) follows the reading in bytes."""
    path = Path(path)
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt not in READERS:
        raise FileFormatError(f"{path}: unknown format {fmt!r} (choose {', '.join(FORMATS)})")
    return _cut_short_is_a_record_error(READERS[fmt](path, meter=meter))


def _cut_short_is_a_record_error(records: Iterator[Record]) -> Iterator[Record]:
    """A file that ends in the middle (a truncated .gz) keeps what came before: the cut is reported
    as one bad record at the line where it happened, and the reading ends there."""
    try:
        yield from records
    except FileCutShort as exc:
        yield RecordError(f"{exc.path}:{exc.line}", exc.why)
