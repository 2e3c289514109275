"""Test helpers for the triage tests: a library holding a slice of a real screening set."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def load_screening_slice(lib, csv_path: Path, n_excluded: int = 180, collection: str | None = None):
    """Insert every included record of ``csv_path`` and its first ``n_excluded`` excluded ones into
    ``lib`` (in file order); returns {paper_id: label}."""
    from gapscope.store.library import now_iso
    from gapscope.triage.dataset import read_labelled_csv

    ds = read_labelled_csv(csv_path)
    keep = [i for i in range(len(ds)) if ds.labels[i] == 1 or i in set(np.flatnonzero(ds.labels == 0)[:n_excluded])]
    truth = {}
    with lib.transaction() as conn:
        for i in keep:
            title = ds.titles[i] or f"record {i}"
            pid = conn.execute("INSERT INTO papers (title, abstract, norm_title, added_at) VALUES (?, ?, ?, ?)",
                               (title, ds.abstracts[i], title.lower(), now_iso())).lastrowid
            truth[pid] = int(ds.labels[i])
    if collection:
        lib.add_to_collection(collection, list(truth))
    return truth


def write_behind(lib, how: str, paper_id: int, text: str = "Stimulants in preschool children") -> None:
    """A write no GapScope code sees: plain SQL through another connection (as another process would),
    ``how`` one of "insert" (a new paper), "delete" (``paper_id``), "title" or "abstract" (``paper_id``'s
    set to ``text``)."""
    from gapscope.store import Library
    from gapscope.store.library import now_iso

    other = Library(lib.path)
    try:
        with other.transaction() as conn:
            if how == "insert":
                conn.execute("INSERT INTO papers (title, abstract, norm_title, added_at) VALUES (?, ?, ?, ?)",
                             ("A new trial", "Methylphenidate in adults.", "a new trial", now_iso()))
            elif how == "delete":
                conn.execute("DELETE FROM papers WHERE id = ?", (paper_id,))
            else:
                conn.execute(f"UPDATE papers SET {how} = ? WHERE id = ?", (text, paper_id))
    finally:
        other.close()
