"""Plain data records shared by the core, the CLI and the desktop app."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

# New-style arXiv ids (0704.0001, 2501.01234) and old-style ones (hep-th/9901001, math.AG/0601001),
# each with an optional version suffix.
_ARXIV_RE = re.compile(
    r"^(?:arxiv:)?(?P<id>(?:\d{4}\.\d{4,5})|(?:[a-z\-]+(?:\.[A-Z]{2})?/\d{7}))(?:v(?P<v>\d+))?$",
    re.IGNORECASE,
)


def split_arxiv_id(raw: str) -> tuple[str, Optional[int]]:
    """``'2501.01234v3'`` -> ``('2501.01234', 3)``; also accepts URLs and the ``arXiv:`` prefix.

    Raises ValueError when ``raw`` is not an arXiv id.
    """
    s = raw.strip()
    for prefix in ("https://arxiv.org/abs/", "http://arxiv.org/abs/", "https://arxiv.org/pdf/",
                   "http://arxiv.org/pdf/", "http://export.arxiv.org/abs/", "https://export.arxiv.org/abs/"):
        if s.lower().startswith(prefix):
            s = s[len(prefix):]
    s = s.removesuffix(".pdf")
    m = _ARXIV_RE.match(s)
    if not m:
        raise ValueError(f"not an arXiv id: {raw!r}")
    ident = m.group("id")
    # old-style archive names are lower case, subject class upper case (math.AG/0601001)
    v = m.group("v")
    return ident, (int(v) if v else None)


# arXiv's archives, current and retired (alg-geom, chao-dyn ...), as category names start: "cs.CV",
# "hep-th", "math.AG". A keyword that matches is read back as a category (see the exports).
_ARXIV_CATEGORY = re.compile(
    r"^(?:cs|econ|eess|math|physics|stat|q-bio|q-fin|astro-ph|cond-mat|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph"
    r"|nlin|nucl-ex|nucl-th|quant-ph|acc-phys|adap-org|alg-geom|ao-sci|atom-ph|bayes-an|chao-dyn|chem-ph|cmp-lg"
    r"|comp-gas|dg-ga|funct-an|mtrl-th|patt-sol|plasm-ph|q-alg|solv-int|supr-con)(?:\.[A-Za-z][A-Za-z\-]*)?$")


def is_arxiv_category(word: str) -> bool:
    return bool(_ARXIV_CATEGORY.match(word.strip()))


def arxiv_categories(text: str) -> list[str]:
    """The arXiv categories among keywords ("cs.CV, cs.RO; deep learning" -> cs.CV, cs.RO), in order."""
    out: list[str] = []
    for word in re.split(r"[,;\s]+", text or ""):
        if is_arxiv_category(word) and word not in out:
            out.append(word)
    return out


def normalize_doi(raw: Optional[str]) -> Optional[str]:
    """Lower-case DOI without resolver prefix, or None."""
    if not raw:
        return None
    s = raw.strip()
    s = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", s, flags=re.IGNORECASE)
    s = s.strip().rstrip(".").lower()
    return s if s.startswith("10.") and "/" in s else None


def normalize_pmid(raw: Optional[str]) -> Optional[str]:
    """A PubMed id as digits ("PMID: 10434822" -> "10434822"), or None when it is not one."""
    if raw is None:
        return None
    s = re.sub(r"^(?:pmid|pubmed)\s*:?\s*", "", str(raw).strip(), flags=re.IGNORECASE)
    return s.lstrip("0") or None if s.isdigit() and len(s) <= 12 else None


# GapScope's bibliography exports say that they are GapScope's (a BibTeX @comment, RIS ``DB  - GapScope``,
# CSL-JSON ``"source": "GapScope"``: the "library catalog" in Zotero's terms). Reading one back gives its
# records this source: they are a library's papers read again, not a new search, and the report's
# PRISMA flow does not count them as identified a second time.
EXPORT_MARK = "GapScope"
OWN_EXPORT_SOURCE = "gapscope-export"


@dataclass
class Paper:
    """One paper as a source reports it (before or after it is merged into the library).

    ``id`` is the library's row id once stored. ``source``/``source_key`` say who reported this
    record (``arxiv-snapshot``/``2501.01234``, ``bibtex``/``smith2020``, ``scholar``/cluster id ...).
    """

    title: str
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    year: Optional[int] = None
    published: Optional[str] = None  # ISO date (YYYY-MM-DD or YYYY) of first appearance
    updated: Optional[str] = None
    arxiv_id: Optional[str] = None  # without version
    arxiv_version: Optional[int] = None  # highest version the source knows
    versions: list[tuple[int, str]] = field(default_factory=list)  # (version, ISO date)
    doi: Optional[str] = None
    pmid: Optional[str] = None  # PubMed id, digits: the one identifier a PubMed record without a title carries
    categories: list[str] = field(default_factory=list)  # first = primary
    venue: Optional[str] = None
    url: Optional[str] = None
    abstract_truncated: bool = False
    source: str = ""
    source_key: Optional[str] = None
    raw: Any = field(default_factory=dict)  # the source's own record (dict, or its JSON text), kept verbatim
    id: Optional[int] = None
    location: Optional[str] = None  # where a file reader found it ("refs.bib:120"), for messages
    tags: list[str] = field(default_factory=list)  # the library's tags, as GapScope's own export carries them
    # kind, volume, issue, page, publisher, ISBN, ISSN under their CSL names (see bibfields.py)
    biblio: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # another program's notes on it (BibTeX note, RIS N1, a CSV column)

    @property
    def primary_category(self) -> Optional[str]:
        return self.categories[0] if self.categories else None

    @property
    def arxiv_id_versioned(self) -> Optional[str]:
        if not self.arxiv_id:
            return None
        return f"{self.arxiv_id}v{self.arxiv_version}" if self.arxiv_version else self.arxiv_id


@dataclass
class RecordError:
    """A record an importer or collector could not read: where it is and why."""

    location: str  # "file.bib:120" or "arxiv page 3"
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    @classmethod
    def from_text(cls, text: str) -> "RecordError":
        """The error back from its text as the import log keeps it (``str()`` of one): the location is
        ``file:line`` where the text has one (a path may hold colons), else what comes before the first
        ': ' ("arXiv id 2501.0"), else nothing."""
        m = _LOCATED.match(text)
        if m:
            return cls(m.group(1), m.group(2))
        where, sep, why = text.partition(": ")
        return cls(where, why) if sep else cls("", text)


_LOCATED = re.compile(r"(.+?:\d+): (.*)\Z", re.DOTALL)


class RecordWarning(RecordError):
    """Something about a record the user should know (a key repeated in one file) although the
    record itself was imported."""


class RecordNote(RecordWarning):
    """A note about the one record that follows it in the stream, at the same location (no title, an
    unreadable year, a key used again). A re-import that finds that record already imported does not
    repeat it: it was shown at the first import and is in its log."""


# A record with no title but an abstract or an identifier (a PubMed record with only a PMID, say) is
# still a paper that a review may include: it is imported under a placeholder title, which says so and
# which de-duplication never compares (two untitled records are the same paper only by an identifier).
UNTITLED_MARK = "[untitled] "
# A paper made from a PDF that prints no "Abstract" heading, its abstract taken from page 1's first
# paragraph (fulltext/lead_paragraph.py): to be checked. While it carries this tag, a record of the paper
# with an abstract replaces that one (ingest.py); the user takes the tag off to keep it, or edits the
# abstract (editing.py: the tag comes off then).
CHECK_ABSTRACT_TAG = "check: abstract from the first paragraph"
# No real title is this long: the importers refuse a longer one as a broken record, and an edit too.
MAX_TITLE_CHARS = 4_000
MAX_ABSTRACT_CHARS = 200_000      # the same for an abstract
UNTITLED_WORDS = 12
# A tag typed by the user (the tag box, `gapscope tag`) is a label to file papers by, not a note: one
# longer than this is refused with a message. An import's keywords are kept as they come (nothing lost), and
# a tag the library already holds, however long, can still be put on more papers.
TAG_MAX_LENGTH = 100


def tag_problem(name: str, *, held: bool = False) -> Optional[str]:
    """Why ``name`` cannot be a tag the user adds (None: it can). ``held``: the library already has a tag
    of that name (filing more papers under it makes no new label)."""
    name = name.strip()
    if not name:
        return "a tag needs a name"
    if len(name) > TAG_MAX_LENGTH and not held:
        return (f"a tag is at most {TAG_MAX_LENGTH} characters (this one has {len(name):,}); "
                "shorten it, or write the text as a note")
    return None


def untitled_title(abstract: str = "", *, doi: Optional[str] = None, pmid: Optional[str] = None,
                   arxiv_id: Optional[str] = None) -> Optional[str]:
    """The placeholder title of a record without one: the start of its abstract, else its identifier;
    None when it has neither (then it is a bad record)."""
    words = (abstract or "").split()
    if words:
        more = "\u2026" if len(words) > UNTITLED_WORDS else ""
        return UNTITLED_MARK + " ".join(words[:UNTITLED_WORDS]) + more
    for label, value in (("PMID", pmid), ("DOI", doi), ("arXiv", arxiv_id)):
        if value and str(value).strip():
            return UNTITLED_MARK + f"{label} {str(value).strip()}"
    return None


def is_untitled(title: Optional[str]) -> bool:
    return bool(title) and title.startswith(UNTITLED_MARK)


def untitled_warning(where: str, title: str) -> "RecordWarning":
    return RecordNote(where, f"no title: imported as \u201c{title}\u201d so that the record is not lost; "
                             "it is never merged with another record by title, only by an identifier or the "
                             "same abstract")


# An import keeps the first this many bad records (with file and line) and counts the rest: a
# garbage file of millions of lines must not grow the library or the memory with its error list.
MAX_KEPT_ERRORS = 1000
MAX_KEPT_MERGES = 1000


@dataclass
class ImportReport:
    """What an import or collect did. ``errors`` name the file and line of each bad record."""

    source: str
    added: int = 0
    merged: int = 0  # matched an existing paper: source record kept, nothing doubled
    unchanged: int = 0  # this very source record was imported before (a re-import)
    read: int = 0
    errors: list[RecordError] = field(default_factory=list)  # the first MAX_KEPT_ERRORS of them
    cancelled: bool = False
    import_id: Optional[int] = None
    added_ids: list[int] = field(default_factory=list)
    error_count: int = 0  # every bad record, also those past MAX_KEPT_ERRORS
    warnings: list[RecordWarning] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)  # "record -> library paper (why)", the first MAX_KEPT_MERGES
    known_notes: int = 0  # notes about records already imported, not repeated (see RecordNote)
    kept_edited: int = 0  # records whose abstract was not taken: the user edited (or cleared) the paper's

    @property
    def ok(self) -> bool:
        return not self.bad and not self.cancelled

    @property
    def bad(self) -> int:
        """How many records were bad (``errors`` keeps only the first of them)."""
        return max(self.error_count, len(self.errors))

    def add_error(self, err: RecordError) -> None:
        self.error_count = self.bad + 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(err)

    def add_merge(self, text: str) -> None:
        if len(self.merges) < MAX_KEPT_MERGES:
            self.merges.append(text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "read": self.read,
            "added": self.added,
            "merged": self.merged,
            "unchanged": self.unchanged,
            "bad": self.bad,
            "errors": [str(e) for e in self.errors],
            "warnings": [str(w) for w in self.warnings],
            "known_notes": self.known_notes,
            "kept_edited": self.kept_edited,
            "merges": list(self.merges),
            "cancelled": self.cancelled,
            "import_id": self.import_id,
        }
