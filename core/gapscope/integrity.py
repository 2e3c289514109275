"""Paper ids given twice: before deleted ids were kept from reuse (setting ``papers.highest_deleted_id``),
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
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

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
