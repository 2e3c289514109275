"""A real library for the report and export tests: 300 arXiv cs papers and 200 rows of a real
screening CSV from ../shared/data, a few triage decisions with reasons (one undone, one changed),
tags, a collection, notes and highlights."""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass, field
from pathlib import Path

from gapscope.ingest import import_file
from gapscope.store import Library
from gapscope.store.library import now_iso

REASONS = ["off topic", "wrong study design", "wrong population"]


@dataclass
class Built:
    lib: Library
    arxiv_ids: list[int]
    csv_ids: list[int]
    kaggle_ids: list[int] = field(default_factory=list)
    included: list[int] = field(default_factory=list)
    excluded: dict[int, str] = field(default_factory=dict)
    maybe: list[int] = field(default_factory=list)
    undone: list[int] = field(default_factory=list)       # papers whose only decision was undone
    postponed: list[int] = field(default_factory=list)
    imports: list = field(default_factory=list)


def arxiv_slice(shared_data: Path, out: Path, n: int = 300) -> Path:
    with gzip.open(shared_data / "arxiv/arxiv-cs-2025-2026.jsonl.gz", "rt", encoding="utf-8") as f, \
            open(out, "w", encoding="utf-8") as o:
        for i, line in enumerate(f):
            if i == n:
                break
            o.write(line)
    return out


def csv_slice(shared_data: Path, out: Path, n: int = 200) -> Path:
    with open(shared_data / "screening/kitchenham2010-software-engineering.csv", newline="", encoding="utf-8") as f, \
            open(out, "w", newline="", encoding="utf-8") as o:
        r, w = csv.reader(f), csv.writer(o)
        for i, row in enumerate(r):
            if i > n:
                break
            w.writerow(row)
    return out


def decide(lib: Library, pid: int, decision: str, reason: str | None = None, undone: bool = False) -> None:
    with lib.transaction() as conn:
        conn.execute("INSERT INTO decisions (paper_id, collection_id, decision, reason, origin, decided_at, undone_at)"
                     " VALUES (?, NULL, ?, ?, 'user', ?, ?)",
                     (pid, decision, reason, now_iso(), now_iso() if undone else None))


def build(tmp: Path, shared_data: Path) -> Built:
    lib = Library(tmp / "library.sqlite")
    reps = [import_file(lib, arxiv_slice(shared_data, tmp / "arxiv300.jsonl")),
            import_file(lib, csv_slice(shared_data, tmp / "kitchenham200.csv"), collection="se-review"),
            # 2007 papers: DOIs, old LaTeX titles ({braces}, \"o accents, $math$)
            import_file(lib, shared_data / "arxiv/kaggle-snapshot-head200.jsonl")]
    reps.append(import_file(lib, tmp / "arxiv300.jsonl"))  # a re-import: 300 duplicates removed
    arxiv = reps[0].added_ids
    b = Built(lib, arxiv, reps[1].added_ids, kaggle_ids=reps[2].added_ids, imports=reps)
    for i, pid in enumerate(arxiv[:40]):
        if i % 4 == 0:
            decide(lib, pid, "include")
            b.included.append(pid)
        elif i % 4 == 3:
            decide(lib, pid, "maybe")
            b.maybe.append(pid)
        else:
            reason = REASONS[i % 3]
            decide(lib, pid, "exclude", reason)
            b.excluded[pid] = reason
    # changed mind: excluded first, then included -> counts as included
    decide(lib, arxiv[41], "exclude", "off topic")
    decide(lib, arxiv[41], "include")
    b.included.append(arxiv[41])
    # an undone decision leaves the paper unscreened
    decide(lib, arxiv[42], "exclude", "off topic", undone=True)
    b.undone.append(arxiv[42])
    decide(lib, arxiv[43], "postpone")  # put off: not screened yet
    b.postponed.append(arxiv[43])
    lib.add_tag(arxiv[:5], "seed")
    lib.add_to_collection("picked", arxiv[:10])
    for pid in b.included[:3]:
        lib.add_note(pid, f"Worth reading: paper {pid}.\nSecond line with *stars*.")
        abstract = lib.get_paper(pid).abstract
        with lib.transaction() as conn:
            conn.execute("INSERT INTO highlights (paper_id, start, end, color, comment, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                         (pid, 0, min(40, len(abstract)), "yellow", "key claim", now_iso()))
    return b
