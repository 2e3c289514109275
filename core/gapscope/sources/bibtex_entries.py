"""A .bib file split into entry texts, and the repairs that let a damaged entry be read as written or
reported whole: a closing brace lost (before the next entry or at the end of the file), a brace too
many that closes an entry early, a quote left open in a field, a macro no ``@string`` defines.

bibtexparser (1.x) reads a file whole and drops what it cannot read without saying where; JabRef
reports a missing brace only at the next ``@`` and skips the entry. Here each entry is parsed on its
own, so that one broken entry names its line and keeps its text, and the entries after it are read."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Optional

from .textio import TextLines

_ENTRY_OPEN = re.compile(r"\s*@\s*\w+\s*([({])")
# A line that reads as a field (``author = {...}``): after an entry's closing brace it means that brace
# came too early. A comment between entries (free text in BibTeX) rarely starts so.
_FIELD_LINE = re.compile(r"\s*[A-Za-z][\w:.+-]*\s*=\s*[{\"\w]")
_FIELD_START = re.compile(r"\n\s*[\w-]+\s*=\s*[{\"\d]")
_FIELD_NAME = re.compile(r"([A-Za-z][\w:.+-]*)\s*=\s*\{")
_NAME_BEFORE_VALUE = re.compile(r"([A-Za-z][\w:.+-]*)\s*=\s*$")
_ENTRY_KEY = re.compile(r"\s*@\s*\w+\s*[({]\s*([^,\s]*)")
# the most undefined macros one entry may use before it is refused as unreadable
_MAX_UNDEFINED = 20


class Chunk(NamedTuple):
    """One entry's text, from its first line. ``text`` is what the parser reads (an entry in parentheses
    rewritten with braces), ``raw`` what the file holds."""
    line: int
    text: str
    raw: str
    closed: bool
    cut_at: Optional[int] = None            # the line of the next entry, for an entry it left open
    closed_early_at: Optional[int] = None   # the line of a '}' too many that closed the entry before its fields


def _depth(line: str, opener: str) -> int:
    if opener == "(":
        return line.count("(") - line.count(")")
    return line.count("{") - line.count("\\{") - (line.count("}") - line.count("\\}"))


def bibtex_chunks(path: Path, lines: Optional[Iterable[tuple[int, str]]] = None) -> Iterator[Chunk]:
    """Split a .bib file into entry texts by depth. Text between entries is a comment in BibTeX and is
    skipped, except lines right after an entry that read as fields: a '}' too many closed the entry early,
    and those lines belong to it (``closed_early_at``; the entry then ends at its real closing brace).

    An ``@`` at the start of a line while an entry is still open means that entry lost a closing brace:
    it comes out with ``closed=False``, ``cut_at`` that line, and the new entry starts there (an entry
    still open at the end of the file has no ``cut_at``)."""
    buf: list[str] = []
    start = depth = 0
    opener = "{"
    early: Optional[int] = None       # the entry being read was closed early at this line
    ended: Optional[Chunk] = None     # the entry just closed, held until a line shows it closed early
    after: list[str] = []             # the blank lines after it

    def chunk(closed: bool, **where) -> Chunk:
        raw = "".join(buf)
        return Chunk(start, braced(raw) if closed and opener == "(" else raw, raw, closed, **where)

    for n, line in (lines if lines is not None else TextLines(path)):
        starts_entry = line.lstrip().startswith("@")
        if ended is not None:
            if not starts_entry and not line.strip():
                after.append(line)
                continue
            if not starts_entry and _FIELD_LINE.match(line):   # read on: the entry's fields go on here
                buf, start, early, depth = [ended.raw, *after], ended.line, ended_at, 0
            else:
                yield ended
            ended, after = None, []
        if buf and starts_entry and (depth > 0 or early):
            yield chunk(False, cut_at=n) if not early else chunk(True, closed_early_at=early)
            buf, depth, early = [], 0, None
        if not buf:
            if not starts_entry:
                continue  # text between entries is a comment in BibTeX
            start = n
            m = _ENTRY_OPEN.match(line)
            opener = m.group(1) if m else "{"
        buf.append(line)
        depth += _depth(line, opener)
        if early:
            if depth < 0:   # its real closing brace
                yield chunk(True, closed_early_at=early)
                buf, depth, early = [], 0, None
        elif depth <= 0 and any("{" in b or "(" in b for b in buf):
            ended, ended_at = chunk(True), n
            buf, depth = [], 0
    if ended is not None:
        yield ended
    if buf:
        yield chunk(True, closed_early_at=early) if early else chunk(depth <= 0)


def closed_entry(text: str) -> str:
    """An entry that lost its closing brace(s) (or parenthesis), closed after its last line: BibTeX
    fields end with it, so whatever it held is read as written."""
    m = _ENTRY_OPEN.match(text)
    if m and m.group(1) == "(":
        return braced(text.rstrip() + ")" * max(1, text.count("(") - text.count(")")))
    return text.rstrip() + "\n" + "}" * max(1, _depth(text, "{")) + "\n"


def open_field(text: str) -> Optional[str]:
    """The name of the field still open at the end of an entry that lost its closing brace (its text was
    cut there), or None when every field is closed and only the entry's own brace is missing."""
    m = _ENTRY_OPEN.match(text)
    inner = _depth(text, "{") - (0 if m and m.group(1) == "(" else 1)
    if inner <= 0:
        return None
    names = _FIELD_NAME.findall(text)
    return names[-1] if names else "?"


def entry_key(text: str) -> str:
    """The citation key an entry's text opens with ("" when it has none)."""
    m = _ENTRY_KEY.match(text)
    return m.group(1) if m else ""


def open_quoted_field(text: str) -> Optional[tuple[str, int]]:
    """(field name, line within ``text``, from 0) of a field whose value opens a quote (``title = "...``)
    that nothing closes before the entry ends: braces do not show it (a quote is no brace), so the entry
    is cut where its braces close and the parser refuses it without saying where. None when every quoted
    value closes. As in BibTeX, a quote inside braces ("{\\"o}") is text, not the value's end."""
    m = _ENTRY_OPEN.match(text)
    if not m:
        return None
    depth, i = 0, m.end()
    while i < len(text):
        c = text[i]
        if c in "{}" and text[i - 1] != "\\":
            depth += 1 if c == "{" else -1
        elif c == '"' and depth == 0:
            j, inner = i + 1, 0
            while j < len(text):
                ch = text[j]
                if ch in "{}" and text[j - 1] != "\\":
                    inner += 1 if ch == "{" else -1
                    if inner < 0:         # the entry's closing brace: the quote ran past its fields
                        break
                elif ch == '"' and inner == 0:
                    break
                j += 1
            if j == len(text) or text[j] != '"':
                name = _NAME_BEFORE_VALUE.search(text, 0, i)
                return (name.group(1) if name else "?"), text.count("\n", 0, i)
            i = j
        i += 1
    return None


def swallowing_field(parser, text: str) -> Optional[str]:
    """The field of an entry closed by :func:`closed_entry` whose value holds the lines of other fields
    (its own brace was the one lost), or None."""
    try:
        new, _ = parse_entry(parser, text)
    except Exception:  # noqa: BLE001 - the caller parses it again and says why
        return None
    return next((k for e in new for k, v in e.items() if isinstance(v, str) and _FIELD_START.search(v)), None)


def parse_entry(parser, text: str) -> tuple[list[dict], list[str]]:
    """The entries bibtexparser reads in ``text``, and the macros they use that no ``@string`` before
    defines, each read as its own name (BibTeX reads one as empty text, with a warning; bibtexparser
    refuses the entry). The parser's database is left as it was, but for the ``@string`` ``text`` defines."""
    from bibtexparser.bibdatabase import UndefinedString

    entries = parser.bib_database.entries
    strings = parser.bib_database.strings
    before = len(entries)
    undefined: list[str] = []
    try:
        while True:
            try:
                parser.parse(text)
                return entries[before:], undefined
            except UndefinedString as exc:
                del entries[before:]
                name = exc.args[0]
                if name in undefined or len(undefined) >= _MAX_UNDEFINED:
                    raise
                undefined.append(name)
                strings[name] = name
    finally:
        del entries[before:]   # the parser's database would otherwise grow with the whole file
        for name in undefined:
            strings.pop(name, None)   # the next entry that uses it is told too


def braced(text: str) -> str:
    """``@article(key, ...)`` as ``@article{key, ...}``."""
    m = _ENTRY_OPEN.match(text)
    end = text.rfind(")")
    if not m or end < m.end(1):
        return text
    return text[:m.start(1)] + "{" + text[m.end(1):end] + "}" + text[end + 1:]
