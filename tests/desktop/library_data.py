"""Build a real library for the desktop tests from a slice of the shared arXiv file.

Through the core importer (`gapscope.ingest.import_file`) when it is installed; until then the slice
is inserted through the Library's own connection, column by column as the schema defines them."""

from __future__ import annotations

import gzip
import itertools
import json
import re
from pathlib import Path


def write_slice(shared_data: Path, out: Path, n: int, skip: int = 0) -> Path:
    src = shared_data / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz"
    with gzip.open(src, "rt", encoding="utf-8") as f, open(out, "w", encoding="utf-8") as g:
        for line in itertools.islice(f, skip, skip + n):
            g.write(line)
    return out


def _insert_snapshot_lines(lib, path: Path) -> None:
    from gapscope.store.library import now_iso

    with lib.transaction() as conn, open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            cats = (r.get("categories") or "").split()
            authors = "; ".join(a.strip() for a in re.split(r",\s*|\s+and\s+", r.get("authors") or "") if a.strip())
            published = (r.get("update_date") or "")[:10] or None
            title = " ".join((r.get("title") or "").split())
            conn.execute(
                "INSERT INTO papers (title, abstract, authors, year, published, arxiv_id, arxiv_version, doi,"
                " primary_category, categories, norm_title, added_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (title, (r.get("abstract") or "").strip(), authors, int(published[:4]) if published else None,
                 published, r["id"], 1, r.get("doi"), cats[0] if cats else None, " ".join(cats),
                 re.sub(r"\W+", " ", title.lower()).strip(), now_iso()))


def fill_library(lib, shared_data: Path, tmp: Path, n: int) -> None:
    path = write_slice(shared_data, tmp / f"slice-{n}.jsonl", n)
    try:
        from gapscope.ingest import import_file
    except ImportError:
        _insert_snapshot_lines(lib, path)
        return
    import_file(lib, path, fmt="arxiv")


def write_aside(path, fn):
    """Arrange the library from outside the window: ``fn(lib)`` on a thread of its own with its own
    Library (as another process would), since the test thread is the window's GUI thread, which must
    not write. Returns what ``fn`` returned; its exception is raised here."""
    import threading

    from gapscope.store import Library

    out: dict = {}

    def run():
        try:
            with Library(path) as lib:
                out["value"] = fn(lib)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
            out["error"] = exc

    t = threading.Thread(target=run, name="test-arrange")
    t.start()
    t.join()
    if "error" in out:
        raise out["error"]
    return out.get("value")
