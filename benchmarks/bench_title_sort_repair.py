"""What keeping the Title column's sort key right costs when a library is opened (migration 1530): the
open-time check when no title was written by another SQLite client, the repair of N titles written so,
the one-time recomputation of every key at the upgrade, and the key's cost per title over the 74,566
titles of the shared arXiv cs file (what that upgrade costs on a library of that size).

    nice python benchmarks/bench_title_sort_repair.py COPY_OF_A_LIBRARY.gapscope [--stale 1000]

It edits the library it is given: give it a copy."""

from __future__ import annotations

import argparse
import gzip
import json
import sqlite3
import time
from pathlib import Path

from gapscope.store import Library
from gapscope.store.library import _fill_title_sort
from gapscope.textfmt import title_sort_key

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz"


def _timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("library")
    ap.add_argument("--stale", type=int, default=1000, help="titles to edit by raw SQL before reopening")
    args = ap.parse_args()
    lib, opened = _timed(Library, args.library)            # the upgrade to 1530 happens here, once
    n = lib.count_papers()
    lib.close()
    lib, reopened = _timed(Library, args.library)
    _, check = _timed(lib.repair_title_sort)
    lib.close()
    print(f"{n} papers: first open (with the upgrade) {opened:.2f} s, next open {reopened:.3f} s, "
          f"its check with nothing stale {check * 1e3:.3f} ms")
    conn = sqlite3.connect(str(Path(args.library) / "library.sqlite"))
    with conn:
        conn.execute("UPDATE papers SET title = 'Zz ' || title WHERE id IN (SELECT id FROM papers ORDER BY id LIMIT ?)",
                     (args.stale,))
    conn.close()
    lib, reopened = _timed(Library, args.library)
    wrong = lib._conn.execute("SELECT count(*) FROM papers WHERE title LIKE 'Zz %' AND title_sort NOT LIKE 'zz %'"
                              ).fetchone()[0]
    with lib._transaction() as conn:
        _, fill = _timed(_fill_title_sort, conn)
    lib.close()
    print(f"{args.stale} titles edited by raw SQL: reopen with their repair {reopened:.3f} s ({wrong} keys left stale);"
          f" recomputing all {n} keys {fill:.2f} s")
    with gzip.open(SHARED, "rt", encoding="utf-8") as f:
        titles = [json.loads(line)["title"] for line in f]
    _, keys = _timed(lambda: [title_sort_key(t) for t in titles])
    print(f"title_sort_key over the {len(titles)} titles of the cs file: {keys:.2f} s "
          f"({keys / len(titles) * 1e6:.0f} us a title)")


if __name__ == "__main__":
    main()
