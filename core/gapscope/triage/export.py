"""The screening decisions as a table (CSV or JSON), for a review's records: each paper's ids, title,
the records of the imported files it came from (to join the decisions back to the files screened), the
decision, its reason, origin, reviewer and time. `gapscope triage export` and the window's Export write it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Optional

DECISION_FORMATS = ("csv", "json")


def record_names(keys: list[tuple[str, str]]) -> str:
    """Where a paper's records came from, to join decisions back to the files screened: "refs.csv#42" (the
    file's name and the record's id, key or line), the arXiv id of a snapshot line; GapScope's own
    exports read back are left out (they are the paper again)."""
    from ..models import OWN_EXPORT_SOURCE

    names = []
    for source, key in keys:
        if source == OWN_EXPORT_SOURCE:
            continue
        file, sep, record = key.rpartition("#")
        name = f"{Path(file).name}#{record}" if sep else Path(key).name if source == "pdf" else key
        if name not in names:
            names.append(name)
    return "; ".join(names)


def decision_table(lib, collection: Optional[str] = None, full_log: bool = False
                   ) -> tuple[list[str], list[dict[str, Any]]]:
    """(columns, rows) of the current decisions of ``collection`` (None: the whole library's), or with
    ``full_log`` every decision ever made, undone and replaced ones too (an ``undone_at`` column)."""
    from .decisions import current_decisions, decision_log

    if full_log:
        rows = decision_log(lib, collection)
    else:
        rows = [dict(paper_id=pid, **d) for pid, d in current_decisions(lib, collection).items()]
    ids = sorted({r["paper_id"] for r in rows})
    papers = {p.id: p for p in lib.get_papers(ids)}
    records = {pid: record_names(keys) for pid, keys in lib.source_keys(ids).items()}
    cols = ["paper_id", "arxiv_id", "doi", "title", "year", "records", "decision", "reason", "origin", "reviewer",
            "decided_at"] + (["undone_at"] if full_log else [])
    out_rows = []
    for r in rows:
        p = papers.get(r["paper_id"])
        out_rows.append({"paper_id": r["paper_id"], "arxiv_id": p and p.arxiv_id, "doi": p and p.doi,
                         "title": p and p.title, "year": p and p.year, "records": records.get(r["paper_id"], ""),
                         "decision": r["decision"], "reason": r["reason"],
                         "origin": r["origin"], "reviewer": r["reviewer"], "decided_at": r["decided_at"],
                         **({"undone_at": r["undone_at"]} if full_log else {})})
    return cols, out_rows


def decisions_text(lib, fmt: str = "csv", collection: Optional[str] = None, full_log: bool = False
                   ) -> tuple[str, int]:
    """(the decisions as ``fmt`` text, how many rows)."""
    from ..csvcells import guarded_row

    if fmt not in DECISION_FORMATS:
        raise ValueError(f"unknown decisions format {fmt!r} (choose {', '.join(DECISION_FORMATS)})")
    cols, rows = decision_table(lib, collection, full_log)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1) + "\n", len(rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    w.writerows(guarded_row(r[c] for c in cols) for r in rows)   # a title or reason never runs as a formula
    return buf.getvalue(), len(rows)


def export_decisions(lib, path, fmt: str = "csv", collection: Optional[str] = None, full_log: bool = False,
                     *, progress=None, cancel=None) -> int:
    """Write the decisions to ``path``; returns how many rows."""
    text, n = decisions_text(lib, fmt, collection, full_log)
    Path(path).write_text(text, encoding="utf-8")
    return n
