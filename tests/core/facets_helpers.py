"""Real papers for the embed/facets tests, written straight into a library (no importer needed)."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=4)
def arxiv_records(shared: str, n: int, offset: int = 0) -> tuple[tuple[str, str], ...]:
    out = []
    with gzip.open(Path(shared) / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz", "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i < offset:
                continue
            rec = json.loads(line)
            if rec.get("abstract"):
                out.append((rec["title"], rec["abstract"]))
            if len(out) >= n:
                break
    return tuple(out)


def add_papers(lib, records) -> list[int]:
    ids = []
    with lib.transaction() as conn:
        for title, abstract in records:
            ids.append(conn.execute(
                "INSERT INTO papers (title, abstract, norm_title, added_at) VALUES (?, ?, ?, '2026-01-01')",
                (title, abstract, title.lower())).lastrowid)
    return ids
