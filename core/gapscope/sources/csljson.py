"""CSL-JSON reader: a JSON array of CSL items, as Zotero, Pandoc, citeproc and GapScope's own export
write it. Each item becomes a Paper (title, authors, issued date, DOI, URL, abstract, container-title,
the arXiv id from GapScope's note ``arXiv:2503.11731v2 [cs.CV]`` or an arxiv.org URL, the arXiv
categories among ``keyword``); an item without a title but with an abstract or an identifier gets a
placeholder title (see models.untitled_title); an item that is not an object or has neither is a bad
record named by its line.

The array is one JSON document, so the file is read whole (a bibliography, not a bulk snapshot); its
items are decoded one at a time, which gives each its line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator, Optional

from ..bibfields import BIBLIO_KEYS, clean_biblio
from ..models import (EXPORT_MARK, OWN_EXPORT_SOURCE, Paper, RecordError, arxiv_categories, normalize_doi,
                      normalize_pmid, split_arxiv_id, untitled_title)
from .files import FileFormatError, Record, RecordKeys, clean_ws, encoding_note, located_paper, nfc
from .markup import markup_to_text
from .textio import ReadMeter, TextLines


def _text(value: Any) -> str:
    return nfc(clean_ws(value if isinstance(value, str) else str(value) if isinstance(value, (int, float)) else ""))


def _name(person: Any) -> str:
    if not isinstance(person, dict):
        return _text(person)
    if person.get("literal"):
        return _text(person["literal"])
    parts = [person.get(k) for k in ("given", "non-dropping-particle", "family", "suffix")]
    return _text(" ".join(str(p) for p in parts if p))


def _issued(item: dict) -> Optional[str]:
    """The item's date as ISO YYYY[-MM[-DD]]: ``date-parts`` first, else ``raw`` / ``literal``."""
    issued = item.get("issued")
    if not isinstance(issued, dict):
        return None
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        try:
            nums = [int(x) for x in parts[0][:3]]
        except (TypeError, ValueError):
            nums = []
        if nums and 1000 <= nums[0] <= 9999:
            if len(nums) > 1 and not 1 <= nums[1] <= 12:
                nums = nums[:1]
            return "-".join([f"{nums[0]:04d}"] + [f"{n:02d}" for n in nums[1:]])
    for key in ("raw", "literal"):
        m = re.match(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", str(issued.get(key) or ""))
        if m:
            return "-".join(g for g in m.groups() if g)
    return None


def _arxiv(item: dict) -> tuple[Optional[str], Optional[int]]:
    candidates = []
    note = item.get("note")
    if isinstance(note, str):
        candidates += re.findall(r"arXiv:\s*(\S+?)(?:\s|$)", note)
    if str(item.get("publisher") or "").lower() == "arxiv" and item.get("number"):
        candidates.append(str(item["number"]))
    url = item.get("URL")
    if isinstance(url, str) and "arxiv.org/" in url:
        candidates.append(url)
    for c in candidates:
        try:
            return split_arxiv_id(c.removeprefix("arXiv:"))
        except ValueError:
            continue
    return None, None


def _biblio(item: dict, arxiv_id: Optional[str]) -> dict[str, str]:
    """The item's type, volume, issue, page, publisher, ISBN, ISSN (bibfields.py); "arXiv" as the publisher of
    an arXiv paper is where GapScope's export puts the id, not a publisher."""
    fields = {k: item.get(k) for k in BIBLIO_KEYS}
    if arxiv_id and str(fields.get("publisher") or "").lower() == "arxiv":
        fields.pop("publisher")
    return clean_biblio(fields)


_JSON_KINDS = {"int": "a number", "float": "a number", "str": "a string", "list": "a list", "bool": "true or false",
               "NoneType": "null"}


def _item_name(index: Optional[int], item: Any = None) -> str:
    """How a message names an item: by its place in the array (a one-line file gives every item line 1),
    and its CSL ``id`` when it has one."""
    name = f"item {index} of the array" if index is not None else "item"
    key = item.get("id") if isinstance(item, dict) else None
    return f"{name} (id {str(key)[:60]!r})" if key not in (None, "") else name


def paper_from_csl_item(item: Any, keys: RecordKeys, line: int, index: Optional[int] = None) -> Paper:
    """The paper of one CSL item; ``index``: its place in the array (1 = the first), for the messages."""
    if not isinstance(item, dict):
        kind = _JSON_KINDS.get(type(item).__name__, type(item).__name__)
        raise ValueError(f"{_item_name(index)} is not a JSON object but {kind}")
    own = item.get("source") == EXPORT_MARK
    # Zotero passes on Crossref's JATS (<jats:p>) and publishers' HTML in titles and abstracts; GapScope's
    # own export is the paper's text as it is
    untag = (lambda s: s) if own else markup_to_text     # noqa: E731
    title = _text(untag(item["title"]) if isinstance(item.get("title"), str) else item.get("title"))
    abstract = nfc(untag(item["abstract"].strip())) if isinstance(item.get("abstract"), str) else ""
    arxiv_id, version = _arxiv(item)
    if not title:
        title = untitled_title(abstract, doi=normalize_doi(str(item.get("DOI") or "")), pmid=_text(item.get("PMID")),
                               arxiv_id=arxiv_id) or ""
    if not title:
        raise ValueError(f"{_item_name(index, item)} has no title, abstract or identifier (DOI, PMID, arXiv id)")
    authors = [n for n in (_name(a) for a in item.get("author") or [] if a) if n] \
        if isinstance(item.get("author"), list) else []
    published = _issued(item)
    key = str(item.get("id") or "").strip()
    source_key = keys.key(key, line) if key else keys.key(title.lower()[:200], line, stated=False)
    return Paper(
        title=title, abstract=abstract,
        authors=authors, year=int(published[:4]) if published else None, published=published,
        arxiv_id=arxiv_id, arxiv_version=version, doi=normalize_doi(str(item.get("DOI") or "")),
        pmid=normalize_pmid(_text(item.get("PMID"))), venue=_text(item.get("container-title")) or None,
        url=_text(item.get("URL")) or None,
        categories=arxiv_categories(str(item.get("keyword") or "")), biblio=_biblio(item, arxiv_id),
        source=OWN_EXPORT_SOURCE if own else "csljson", source_key=source_key, raw=item,
    )


def read_csl_json(path: Path, meter: Optional[ReadMeter] = None) -> Iterator[Record]:
    # read whole (a JSON array): ``meter`` then follows the records through the text, scaled to the file
    lines = TextLines(path)
    text = "".join(line for _, line in lines)
    decoder = json.JSONDecoder()
    pos = _skip(text, 0)
    if not text.startswith("[", pos):
        raise FileFormatError(f"{path}: not a CSL-JSON file (it does not start with a JSON array '[')")
    pos = _skip(text, pos + 1)
    keys = RecordKeys(path)
    index = 0
    while pos < len(text) and text[pos] != "]":
        line = text.count("\n", 0, pos) + 1
        index += 1
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield RecordError(f"{path}:{exc.lineno}", f"not valid JSON ({exc.msg} at column {exc.colno}); "
                                                      "the rest of the file is not read")
            break
        yield from located_paper(lambda: paper_from_csl_item(item, keys, line, index), f"{path}:{line}", keys)
        if meter is not None:
            meter.at(meter.total * end // len(text))
        pos = _skip(text, end)
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)
    else:
        if pos >= len(text):     # the array never closed: the file was cut short after its last whole item
            items = f"{index} item{'s' if index != 1 else ''}"
            yield RecordError(f"{path}:{text.count(chr(10), 0, len(text.rstrip())) + 1}",
                              f"the file ends here without the ']' that closes its JSON array (cut short?): the "
                              f"{items} before are read, anything after them is missing")
    if meter is not None:
        meter.finish()
    yield from encoding_note(path, lines)


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n\ufeff":
        pos += 1
    return pos


def starts_with_array(path: Path) -> bool:
    """Whether the file's first non-blank character opens a JSON array (CSL-JSON, not JSON lines)."""
    for _, line in TextLines(path):
        s = line.strip().lstrip("\ufeff")
        if s:
            return s.startswith("[")
    return False
