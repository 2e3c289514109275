"""Identifiers and metadata read from a PDF: DOI, arXiv id, title, authors and abstract (to match a
library paper, or to make a new one that the user checks)."""

from __future__ import annotations

import datetime
import html
import re
import statistics
import unicodedata
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..models import normalize_doi, split_arxiv_id, untitled_title
from .abstract import NO_HEADING, read_abstract
from .edit_advice import CHECK_TITLE, EDIT_TITLE
from .extract import Document, Line
from .lead_paragraph import lead_paragraph

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>()\[\]{},;]+)", re.I)
_ARXIV_TEXT = re.compile(r"arXiv\s*:\s*(\d{4}\.\d{4,5})(v\d+)?", re.I)
_ARXIV_NAME = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(v\d+)?(?![\d])")
_ACL_ID = re.compile(r"^(\d{4}\.[a-z0-9]+-[a-z0-9]+\.\d+)$", re.I)     # 2020.acl-main.447
_JUNK_TITLES = re.compile(r"^(untitled|microsoft word|document\d*|.*\.(dvi|pdf|docx?|tex))", re.I)

# where each field came from (PdfMetadata.sources), so a user knows which to check
FROM_PROPERTIES, FROM_PAGE1, FROM_FILE_NAME = "file properties", "page 1", "file name"
FROM_XMP = "file properties (XMP)"
FROM_ARXIV_ID, FROM_BIORXIV_DOI, FROM_FILE_DATE = "arXiv id", "bioRxiv DOI", "file creation date (weak)"
FROM_ABSTRACT_HEADING = "first pages, after the Abstract heading"
FROM_FIRST_PARAGRAPH = "page 1, its first paragraph (no Abstract heading): check it"
FROM_NOWHERE = "none found in the PDF: a placeholder"
PAGE1_TOP_LINES = 8           # where a title stands on page 1 (a running header or two above it)


@dataclass
class PdfMetadata:
    title: str = ""
    authors: list[str] = field(default_factory=list)
    dois: list[str] = field(default_factory=list)        # best first
    arxiv_id: Optional[str] = None
    arxiv_version: Optional[int] = None
    year: Optional[int] = None
    published: Optional[str] = None                      # ISO date, as precise as known (YYYY-MM, YYYY-MM-DD)
    sources: dict[str, str] = field(default_factory=dict)  # {"title" | "authors" | "date" | "abstract": FROM_...}
    abstract: str = ""
    abstract_missing: Optional[str] = None               # why no abstract was read (for the import's note)
    title_alternative: Optional[str] = None              # the file properties' title, when page 1's differs
    title_page: bool = False                             # page 1 prints a title (no excerpt or body page)
    # page 1's top lines as printed, its running header too (extraction drops that as a header, and a title
    # set in the body's type is not read as one): compared with the library's titles (attach.match_paper)
    page1_top: list[str] = field(default_factory=list)

    @property
    def title_is_read(self) -> bool:
        """The title was read from the PDF (its properties or page 1), not made up from the file name: only
        such a title may match a library paper."""
        return bool(self.title) and self.sources.get("title") in (FROM_PROPERTIES, FROM_PAGE1)


def xmp_creators(path: str | Path) -> list[str]:
    """The document's XMP ``dc:creator`` list (the catalog's metadata stream, not an image's), one name an
    entry, in order; [] when the file has none, cannot be parsed, or pypdf is missing. Publishers write
    every author here where the older Author property often holds only the first or the submitter."""
    import logging

    try:
        from pypdf import PdfReader
    except ImportError:
        return []
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)           # a damaged cross-reference table is not the user's concern here
    try:
        xmp = PdfReader(str(path)).xmp_metadata
        names = (xmp.dc_creator if xmp is not None else None) or []
    except Exception:  # noqa: BLE001 - a PDF pypdf cannot parse: pdfium's reading stands
        return []
    finally:
        quiet.setLevel(level)
    return [n for n in (clean_text(str(x)) for x in names) if n]


def _clean_doi(raw: str) -> Optional[str]:
    return normalize_doi(re.sub(r"[.:]+$", "", raw))


def from_filename(path: str | Path) -> PdfMetadata:
    """What a file name tells: a DOI (URL-encoded, as the shared test PDFs and many downloads are named),
    an arXiv id (2203.00130v1.pdf), an ACL Anthology id (its DOI is 10.18653/v1/<id>)."""
    stem = urllib.parse.unquote(Path(path).stem)
    meta = PdfMetadata()
    if stem.lower().startswith("10.") and "/" in stem:
        d = _clean_doi(stem)
        if d:
            meta.dois.append(d)
        return meta
    m = _ACL_ID.match(stem)
    if m:
        meta.dois.append(f"10.18653/v1/{m.group(1).lower()}")
        return meta
    m = _ARXIV_NAME.search(stem)
    if m:
        meta.arxiv_id, meta.arxiv_version = split_arxiv_id(m.group(0))
    return meta


def names_only_an_id(path: str | Path) -> bool:
    """The file's name is an identifier and nothing more ("1903.10676.pdf", "arXiv-2401.01234v2.pdf", a DOI
    or an ACL Anthology id): no title to make of it."""
    named = from_filename(path)
    if named.dois:                    # the whole name is the DOI (or the ACL id it stands for)
        return True
    rest = _ARXIV_NAME.sub("", urllib.parse.unquote(Path(path).stem)) if named.arxiv_id else "a name"
    return not re.sub(r"(?i)arxiv|[\W_]", "", rest)


def clean_text(text: str) -> str:
    """HTML entities decoded (Crossref-fed properties hold "COVID&#x02010;19"), typographic hyphens made
    plain, white space collapsed."""
    text = html.unescape(html.unescape(text))
    return re.sub(r"\s+", " ", text.translate(_HYPHENS)).strip()


_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u00ad": ""})
_SECTION_NAME = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.)\s+\S+(?:\s+\S+){0,4}$")
# capitals before a capitalised word: the heading a line of body text may run into
_CAPITALS_LEAD = re.compile(r"^([A-Z][A-Z&,]*(?:\s+[A-Z&][A-Z&,]*)*)\s+[A-Z][a-z]")
# a citation in running text: "(Brown and London, 1998b", "(Smith 2019)", "Toomre, 2000)"; a surname is written
# in lower case after its capital ("O'Brien", "Smith-Jones"), a venue is not ("(SemEval 2024)", "(WMT 2023)": a title)
_SURNAME = r"[A-Z][^\W\d_A-Z]*(?:['’-][A-Z]?[^\W\d_A-Z]+)*"
_CITED = re.compile(rf"\({_SURNAME}(?:\s+(?:and|&)\s+{_SURNAME})?,?\s+(?:19|20)\d\d[a-z]?\b"
                    rf"|(?<![\w'’-]){_SURNAME},\s+(?:19|20)\d\d[a-z]?\)")
_TRAILING_FUNCTION_WORD = re.compile(r"\b(?:a|an|the|of|in|on|for|to|and|or|with|by|from|at|via|as)$", re.I)


def title_problem(title: str) -> Optional[str]:
    """Why ``title`` is not a paper's title, or None: a word processor's default ("Untitled", "Microsoft
    Word - ..."), a section heading ("5 Discussion"), a typesetter's job name or file code
    ("OP-GENE210101 1..14"), a table cell with a citation, a caption ("Table 1: ...") or running text, a cut-off title
    ("A loss-of-function mutation in"), or too short."""
    from .sections import heading_kind

    t = clean_text(title)
    words = t.split()
    if not t or _JUNK_TITLES.match(t):
        return "a placeholder"
    if len(words) < 3 or len(t) < 12:
        return "too short"
    if _SECTION_NAME.match(t) or heading_kind(t) != "other":
        return "a section heading"
    lead = _CAPITALS_LEAD.match(t)           # "MATERIALS AND METHODS Strains used in this study": run together
    if lead and heading_kind(lead.group(1)) != "other":
        return "a section heading"
    letters = [c for c in t if c.isalpha()]
    if re.search(r"\d\s*\.\.\s*\d", t) or (re.search(r"\d", t) and sum(c.islower() for c in letters) < 0.2 * len(letters)):
        return "a job name or file code"
    if re.search(r"\bet al\b|^arxiv:|^doi:|^10\.\d{4,}/", t, re.I) or _CITED.search(t):
        return "a citation or an identifier"
    if not (t[0].isalnum() or t[0] in "\"“‘'") or re.search(r"(?:[a-z]{2}|\d\))[.;]\s+[A-Z][a-z]", t):
        return "running text"
    if re.match(r"^(?:table|fig(?:ure)?|algorithm|listing|scheme)\.?\s*[A-Z]?\d+", t, re.I):
        return "a caption"
    if _TRAILING_FUNCTION_WORD.search(t):
        return "cut off"
    return None


# login names, placeholder and software names that PDF producers write as the Author
_JUNK_AUTHOR = re.compile(
    r"^(?:administrator|admin|user|owner|author|authors|unknown|anonymous|root|default|guest|editor|staff|office"
    r"|pc|customer|windows user|microsoft (?:office )?user|.*\b(?:latex|pdftex|tex|acrobat|adobe|microsoft|word"
    r"|libreoffice|openoffice|indesign|quark\w*|arbortext|apex|elsevier|springer|wiley|typeset\w*)\b.*)$", re.I)
# affiliation and footnote marks after (or between) names: ♢ ♠ * † ‡ § ¶ ∗, superscript digits,
# "1,2" or "7–12" glued to a name, a Greek letter stuck to a name ("Kyle Loα")
_MARKS = re.escape("*†‡§¶∗♠♣♥♦♡♢□■●○◆◇★☆#⊥⋆✝⁰¹²³⁴⁵⁶⁷⁸⁹")
_LETTER_BEFORE = r"(?<=[^\W\d_])"


def _marks_to_commas(text: str) -> str:
    t = re.sub(rf"[{_MARKS}]", ",", clean_text(text))
    t = re.sub(rf"{_LETTER_BEFORE}[α-ω]+(?![^\W\d_])", ",", t)
    t = re.sub(rf"(?:{_LETTER_BEFORE}|(?<=[.)]))\d+(?:\s*[–-]\s*\d+)?", ",", t)
    return re.sub(r"(?<=,)\s*\d+(?:\s*[–-]\s*\d+)?(?=[\s,]|$)", ",", t)


def strip_marks(name: str) -> str:
    """A name without its affiliation marks ("Erin Bransom♢" -> "Erin Bransom", "Yuan Lin†1" -> "Yuan Lin")."""
    return re.sub(r"\s+", " ", re.sub(r"\s*,[\s,]*", " ", _marks_to_commas(name))).strip(" ,;")


def plausible_author(name: str) -> bool:
    """A person's name: two to five words, capitalised, no digits or e-mail; not a login or software name
    ("Administrator", "jsmith", "LaTeX with hyperref")."""
    words = name.split()
    if not 2 <= len(words) <= 5 or _JUNK_AUTHOR.match(name) or re.search(r"[\d@/\\_]", name):
        return False
    return all(w[:1].isupper() or w.lower() in _PARTICLES for w in words)


_PARTICLES = {"van", "von", "der", "den", "de", "da", "del", "della", "di", "du", "la", "le", "bin", "ibn", "y", "dos"}


def property_authors(value: str) -> list[str]:
    """The Author property as names: "A; B", "A, B and C", "Last, First" (one name), "X et al."."""
    value = clean_text(re.sub(r"\bet al\.?", "", value))
    if re.fullmatch(r"[^,;]+,\s*[^,;]+", value) and all(len(p.split()) == 1 for p in value.split(",")):
        last, first = (p.strip() for p in value.split(","))
        return [f"{first} {last}"]
    parts = re.split(r";", value) if ";" in value else re.split(r",|\band\b|&", value)
    return [strip_marks(p) for p in parts if strip_marks(p)]


def _title_blocks(lines: list[Line]) -> list[list[Line]]:
    """Runs of up to three adjacent lines in the same type in the top half of page 1, likeliest title
    first: the topmost among those in near the largest type (a logo in larger type below the title,
    PaSa's, comes after it), then the rest by size."""
    top = [ln for ln in lines if ln.y0 < 420 and len(ln.text) > 2 and re.search(r"[A-Za-z]{3}", ln.text)
           and not _ARXIV_TEXT.search(ln.text)]
    if not top:
        return []
    blocks: list[list[Line]] = []
    for size in sorted({ln.size for ln in top}, reverse=True):
        same = sorted([ln for ln in top if abs(ln.size - size) < 0.05], key=lambda ln: ln.y0)
        block: list[Line] = []
        for ln in same:
            if block and (ln.y0 - block[-1].y1 >= 2.2 * ln.size or len(block) == 3):
                blocks.append(block)
                block = []
            block.append(ln)
        blocks.append(block)
    biggest = blocks[0][0].size
    near = sorted([b for b in blocks if b[0].size >= 0.7 * biggest], key=lambda b: b[0].y0)
    return near + [b for b in blocks if b[0].size < 0.7 * biggest]


def _page1_title(lines: list[Line]) -> tuple[str, list[Line]]:
    """The first plausible title among the blocks of larger type at the top of page 1, and its lines."""
    if not lines:
        return "", []
    body = statistics.mode([ln.size for ln in lines for _ in range(max(1, len(ln.text) // 20))])
    for block in _title_blocks(lines):
        if block[0].size < body + 0.8:          # a title is set larger than the text
            continue
        text = clean_text(" ".join(ln.text for ln in block))
        if title_problem(text) is None and not _cut_sentence(text):
            return text, block
    return "", []


def _cut_sentence(text: str) -> bool:
    """A line of running text in larger type that starts in the middle of a sentence ("microdomain is built
    mainly by ..." on a page cut from a paper); not "mRNA ...", "eLife ...". Page 1 only: a Title property
    typed in lower case is still a title."""
    first = text.split()[0]
    # a word and a colon is a name before its subtitle ("mixup: Beyond Empirical Risk Minimization")
    return text[0].islower() and not re.search(r"[A-Z\d]", first) and not first.endswith(":")


def _authors_after(lines: list[Line], title: list[Line]) -> list[str]:
    """The names on the lines below the title, up to the first line that is not a list of names (the
    affiliations); affiliation marks end a name ("Erin Bransom♢ Bailey Kuehl♢")."""
    if not title:
        return []
    below = sorted([ln for ln in lines if title[-1].y1 < ln.y0 < title[-1].y1 + 120], key=lambda ln: ln.y0)
    found: list[str] = []
    for ln in below[:8]:
        parts = [p.strip(" ,·") for p in re.split(r",|\band\b|;|·|&", _marks_to_commas(ln.text))]
        parts = [p for p in parts if re.search(r"[^\W\d_]", p)]
        names = [p for p in parts if 1 <= len(p.split()) <= 4 and all(w[:1].isupper() for w in p.split())
                 and not re.search(r"univ|institut|department|lab|school|college|abstract|correspond", p, re.I)]
        if parts and names and len(names) >= len(parts) / 2:
            found += [n.title() if n.isupper() else n for n in names]     # "TAL AUGUST" (ACM)
        elif found and parts:
            break
    return found


_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DATE = rf"(?:(?P<d1>\d{{1,2}})\s+)?(?P<m>{_MONTH})\.?\s+(?:(?P<d2>\d{{1,2}})(?:\s*[-–]\s*\d{{1,2}})?,?\s+)?(?P<y>(?:19|20)\d\d)\b"
# the dates a first page prints, most telling first: when it was published, then accepted, then received
_LABELLED_DATES = [re.compile(rf"\b(?:{label})\b\s*:?\s*(?:on\s+)?{_DATE}", re.I) for label in (
    r"published(?: online)?|this version posted|posted|available online|publication date|issue date",
    r"accepted(?: for publication)?", r"received")]
_ANY_DATE = re.compile(rf"\b{_DATE}", re.I)
# "© 2023", "Copyright (c) 2019-2020", and the open-access form "© The Author(s) 2023"
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:the\s+authors?(?:\(s\))?\s*,?\s*)?(?:\d{4}\s*[-–]\s*)?"
                        r"(?P<y>(?:19|20)\d\d)\b", re.I)
# The article's own citation, as journals print it in the header or footer of page 1: "Journal of Cell
# Science 115, 827-838 (2002)", "Gersing et al. Genome Biology (2023) 24:97" (a line that starts with the
# journal's name, or "Name et al." and the journal's name; volume and pages beside the year)
_SELF_CITATION = re.compile(
    r"^(?:[^\s,]+\s+et al\.?\s+)?[A-Z][A-Za-z&.'’ -]{2,80}?\s+"
    r"(?:\d{1,4},\s*[A-Za-z]?\d+(?:\s*[-–]\s*[A-Za-z]?\d+)?\s*\((?P<y1>(?:19|20)\d\d)\)"
    r"|\((?P<y2>(?:19|20)\d\d)\)\s*\d{1,4}\s*:\s*[A-Za-z]?\d+)", re.M)
_BIORXIV_DOI = re.compile(r"^10\.1101/(20\d\d)\.(\d\d)\.(\d\d)\.")
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _iso(m: re.Match) -> tuple[int, str]:
    year = int(m.group("y"))
    month = _MONTHS.index(m.group("m")[:3].lower()) + 1
    day = m.group("d1") or m.group("d2")
    return year, f"{year}-{month:02d}" + (f"-{int(day):02d}" if day and 1 <= int(day) <= 31 else "")


def _page1_date(page1: list[str]) -> tuple[Optional[int], Optional[str]]:
    """(year, ISO date or None) printed on page 1: a labelled date (published > accepted > received), a
    copyright year, the year of the article's own citation line (the latest, should a reference list
    begin on page 1), or a date written out with its month; (None, None) when there is none."""
    text = "\n".join(page1)
    this_year = datetime.date.today().year
    for rx in _LABELLED_DATES:
        for m in rx.finditer(text):
            year, iso = _iso(m)
            if 1900 < year <= this_year + 1:
                return year, iso
    m = _COPYRIGHT.search(text)
    if m and 1900 < int(m.group("y")) <= this_year + 1:
        return int(m.group("y")), None
    cited = [int(m.group("y1") or m.group("y2")) for m in _SELF_CITATION.finditer(text)]
    cited = [y for y in cited if 1900 < y <= this_year + 1]
    if cited:
        return max(cited), None
    dated = [_iso(m) for m in _ANY_DATE.finditer(text)]
    dated = [d for d in dated if 1900 < d[0] <= this_year + 1]
    return max(dated) if dated else (None, None)


def _date(meta: PdfMetadata, doc: Document) -> None:
    """The paper's year (and date, as far as known), most reliable source first: the arXiv id (2501.10120:
    January 2025), a bioRxiv DOI (10.1101/2023.08.22...), page 1, and the file's creation date, weak (a
    PDF may be made years after the paper)."""
    if meta.arxiv_id and re.match(r"^\d{4}\.", meta.arxiv_id):
        yy, mm = int(meta.arxiv_id[:2]), int(meta.arxiv_id[2:4])
        if 1 <= mm <= 12:
            meta.year, meta.published, meta.sources["date"] = 2000 + yy, f"{2000 + yy}-{mm:02d}", FROM_ARXIV_ID
            return
    for d in meta.dois:
        m = _BIORXIV_DOI.match(d)
        if m:
            meta.year, meta.published, meta.sources["date"] = int(m.group(1)), "-".join(m.groups()), FROM_BIORXIV_DOI
            return
    year, iso = _page1_date((doc.metadata or {}).get("page1") or [ln.text for ln in doc.first_page_lines])
    if year:
        meta.year, meta.published, meta.sources["date"] = year, iso, FROM_PAGE1
        return
    m = re.match(r"^(?:D:)?((?:19|20)\d\d)", str((doc.metadata or {}).get("CreationDate") or ""))
    if m:
        meta.year, meta.sources["date"] = int(m.group(1)), FROM_FILE_DATE


_FUNCTION_WORDS = {"the", "of", "and", "in", "to", "a", "is", "for", "with", "on", "that", "by", "we", "are", "as",
                   "from", "this", "an", "be", "at", "or", "which", "these", "our", "was", "were"}


def page_reads_as_text(lines: list[Line]) -> bool:
    """Page 1 is text a reader can read, not the glyph soup of a font without a Unicode map ("(cid:72)",
    "\ufffd", letters shifted by a custom encoding): English running text is about one word in four a
    function word ("the", "of" ...); a page with too few words to tell counts as text."""
    text = " ".join(ln.text for ln in lines)
    if "(cid:" in text or text.count("\ufffd") > 2:
        return False
    words = re.findall(r"[^\W\d_]+", text.lower())
    return len(words) < 60 or sum(w in _FUNCTION_WORDS for w in words) >= 0.04 * len(words)


def _title_key(title: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", title).lower())


def same_title(a: str, b: str) -> bool:
    """The same title written two ways: case, hyphens, ligatures, spacing, or ``b`` cut short by page 1's
    three-line limit."""
    from rapidfuzz import fuzz

    ka, kb = _title_key(a), _title_key(b)
    return bool(ka and kb) and (ka.startswith(kb) or fuzz.ratio(ka, kb) >= 90)


def title_page(lines: list[Line], block: list[Line]) -> bool:
    """Page 1 is a paper's first page with ``block`` its title: the block is set in the page's largest
    type (a logo aside), or names stand below it. A section heading set a little larger than the body on
    a page cut from the middle of a paper has neither."""
    if not block:
        return False
    words = [ln for ln in lines if re.search(r"[A-Za-z]{3}", ln.text)]
    if block[0].size >= max(ln.size for ln in words) - 0.05:
        return True
    return bool([n for n in (strip_marks(a) for a in _authors_after(lines, block)) if plausible_author(n)])


def _title(meta: PdfMetadata, info_title: str, page_title: str, lines: list[Line]) -> None:
    """The title printed on page 1 wins over the file properties' Title when the two differ: a publisher's
    Title is often a short running title ("A human PR-1 related protein at the Golgi complex" for a paper
    whose page 1 prints "Identification and characterization of a novel human plant pathogenesis-related
    protein ..."), a placeholder or another version's. The properties' title stays as the alternative.
    Where both are the same title, the properties' (no line-end hyphens or ligatures to undo); where page
    1 is not readable text, the properties' too."""
    info_ok = bool(info_title) and title_problem(info_title) is None
    if page_title and (not info_ok or (not same_title(info_title, page_title) and page_reads_as_text(lines))):
        meta.title, meta.sources["title"] = page_title, FROM_PAGE1
        meta.title_alternative = info_title if info_ok else None
    elif info_ok:
        meta.title, meta.sources["title"] = info_title, FROM_PROPERTIES


def read_metadata(doc: Optional[Document], path: str | Path) -> PdfMetadata:
    """Identifiers, title, authors, date and abstract read from a PDF (``doc``; None when it could not
    be read) and its file name. The title printed on page 1 (its largest type at the top) wins over the
    file properties' when the two differ and page 1 reads as text (:func:`_title`); an author in the
    file's properties is taken only when it looks like one (:func:`plausible_author`), else
    the authors below page 1's title; else (a title) the file name, unless that is only an identifier (the arXiv
    id is the paper's, and the title the placeholder of a record without one: "[untitled] arXiv ...", which
    a record of the paper with a title replaces); the abstract from under an abstract heading
    (abstract.py), else, with no such heading, page 1's first paragraph when it is surely the abstract
    (lead_paragraph.py). ``sources`` says where each came from."""
    meta = from_filename(path)
    if doc is None:
        return meta
    info = doc.metadata or {}
    meta.page1_top = list(info.get("page1", [])[:PAGE1_TOP_LINES])
    text = "\n".join(ln.text for ln in doc.first_page_lines) + "\n" + "\n".join(info.get("margins", [])[:1])
    for m in _DOI.finditer(text + "\n" + str(info.get("Subject", "")) + "\n" + str(info.get("Keywords", ""))):
        d = _clean_doi(m.group(1))
        if d and d not in meta.dois:
            meta.dois.append(d)
    m = _ARXIV_TEXT.search(text)
    if m:
        meta.arxiv_id, meta.arxiv_version = split_arxiv_id(m.group(1) + (m.group(2) or ""))
    page_title, block = _page1_title(doc.first_page_lines)
    meta.title_page = title_page(doc.first_page_lines, block)
    if not meta.title_page:
        page_title, block = "", []           # pages cut from a paper: their larger type is a heading, no title
    _title(meta, clean_text(str(info.get("Title") or "")), page_title, doc.first_page_lines)
    _authors(meta, doc, path, block)
    _date(meta, doc)
    lead = doc.lead_lines or doc.first_page_lines
    meta.abstract, meta.abstract_missing = read_abstract(lead)
    if meta.abstract:
        meta.sources["abstract"] = FROM_ABSTRACT_HEADING
    elif meta.abstract_missing == NO_HEADING and (first := lead_paragraph(lead, block)):
        meta.abstract, meta.abstract_missing, meta.sources["abstract"] = first, None, FROM_FIRST_PARAGRAPH
    if not meta.title and names_only_an_id(path):
        meta.title = untitled_title(meta.abstract, doi=meta.dois[0] if meta.dois else None, arxiv_id=meta.arxiv_id)
        meta.sources["title"] = FROM_NOWHERE
    elif not meta.title:
        meta.title, meta.sources["title"] = urllib.parse.unquote(Path(path).stem), FROM_FILE_NAME
    return meta


def title_note(meta: PdfMetadata) -> Optional[str]:
    """The import's note on a new paper whose page 1 prints no title: where its title came from instead,
    and what to do (in the CLI's words: see edit_advice); None when page 1 gave or confirmed it."""
    if meta.title_page:
        return None
    where = meta.sources.get("title")
    if where == FROM_PROPERTIES:
        return f"page 1 prints no title: the title is the file's Title property; {CHECK_TITLE}"
    if where == FROM_FILE_NAME:
        return ("no title found in the PDF (neither its file properties nor page 1 give a plausible one): the title"
                f" is its file name; {EDIT_TITLE}")
    return None


def _surname(name: str) -> str:
    return name.split()[-1].lower() if name.split() else ""


def _authors(meta: PdfMetadata, doc: Document, path: str | Path, block: list[Line]) -> None:
    """The authors, each list kept to plausible names: the file's properties, the XMP list (ordered, one
    name an entry) or the Author property, whichever names more; but page 1's byline when it names more
    and holds every name the properties give (the Author property of a preprint often holds only the
    submitter, a publisher's only the first author); else page 1's byline alone."""
    info_names = [a for a in property_authors(str((doc.metadata or {}).get("Author") or "")) if plausible_author(a)]
    xmp_names = [a for a in (property_authors(n)[0] if property_authors(n) else "" for n in xmp_creators(path))
                 if plausible_author(a)]
    props, source = (xmp_names, FROM_XMP) if len(xmp_names) >= len(info_names) and xmp_names \
        else (info_names, FROM_PROPERTIES)
    page1 = [a for a in (strip_marks(n) for n in _authors_after(doc.first_page_lines, block)) if plausible_author(a)]
    if page1 and (not props or (len(page1) > len(props)
                                and {_surname(a) for a in props} <= {_surname(a) for a in page1})):
        props, source = page1, FROM_PAGE1
    if props:
        meta.authors, meta.sources["authors"] = props, source
