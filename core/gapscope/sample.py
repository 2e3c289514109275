"""The sample library: a few hundred real arXiv papers to try GapScope on, built offline.

The papers ship with the package (``resources/sample/arxiv-sample.jsonl.gz``, in the arXiv snapshot
line format that ``gapscope import`` reads). :func:`write_sample_slice` made that file from the
shared arXiv data: ``SAMPLE_SIZE`` cs.CL papers of ``arxiv-cs-2025-2026.jsonl.gz`` evenly spaced over
its 20,671 (every 34th or 35th, 2025-03-18 .. 2026-07-01). One field, so that its maps and gaps have
something to say, and 15 months of it, so that every gap kind can be measured: the learnt ranker and
the unaddressed shortcomings need 60 days, thin and growing regions 90 (gaps/span.py); the first 300
papers spanned 9 days and found one gap. 600 rather than 400: the 400-paper slice read the same way
listed one method x problem gap and no thin and growing region; this one lists all three kinds (its
ranker still falls back to a fixed blend: too few concept pairs meet in its training slice). ``gapscope
sample`` and the window's "Try the sample library" both call :func:`build_sample_library`.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Union

if TYPE_CHECKING:                     # the window reads SAMPLE_SIZE at start-up: importing ingest takes a second
    from .jobs import CancelToken, ProgressFn
    from .store.library import Library

SAMPLE_SIZE = 600
SAMPLE_CATEGORY = "cs.CL"
SAMPLE_COLLECTION = "sample"
SAMPLE_FILE = Path(__file__).parent / "resources" / "sample" / "arxiv-sample.jsonl.gz"


def _in_category(line: str, category: str) -> bool:
    cats = (json.loads(line).get("categories") or "").split()
    return bool(cats) and cats[0] == category


def write_sample_slice(source: Union[str, Path], dest: Union[str, Path], n: int = SAMPLE_SIZE,
                       category: str = SAMPLE_CATEGORY) -> int:
    """Write ``n`` of the papers of ``source`` whose primary category is ``category`` to ``dest`` (gzip, same
    line format, lines unchanged): the k * total // n-th of them for k = 0 .. n-1, evenly spaced in file
    order; the file is in date order, so the slice spans its dates. Returns how many were written."""
    with gzip.open(source, "rt", encoding="utf-8") as f:
        total = sum(1 for line in f if _in_category(line, category))
    picks = {k * total // n for k in range(n)}     # all of them when the category holds n or fewer
    written = seen = 0
    with gzip.open(source, "rt", encoding="utf-8") as f, gzip.open(dest, "wt", encoding="utf-8") as g:
        for line in f:
            if not _in_category(line, category):
                continue
            if seen in picks:
                g.write(line)
                written += 1
            seen += 1
    return written


def build_sample_library(lib: Library, source: Optional[Union[str, Path]] = None, *,
                         progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None):
    """Import the sample papers into ``lib`` (into the collection "sample"); returns the import
    report. Cancelling keeps the batches already committed; running it again completes them."""
    from .ingest import import_file

    path = Path(source) if source else SAMPLE_FILE
    return import_file(lib, path, collection=SAMPLE_COLLECTION, batch_size=50, progress=progress, cancel=cancel)
