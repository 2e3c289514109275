"""The sample library: a few hundred real arXiv papers to try GapScope on, built offline.

The papers ship with the package (``resources/sample/arxiv-sample.jsonl.gz``, in the arXiv snapshot
line format that ``gapscope import`` reads). :func:`write_sample_slice` made that file from the
shared arXiv data (the first ``SAMPLE_SIZE`` cs.CL papers of ``arxiv-cs-2025-2026.jsonl.gz``): one
topic, so that its maps and gaps have something to say. ``gapscope sample`` and the window's "Try the
sample library" both call :func:`build_sample_library`.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Optional, Union

from .ingest import import_file
from .jobs import CancelToken, ProgressFn
from .store.library import Library

SAMPLE_SIZE = 300
SAMPLE_CATEGORY = "cs.CL"
SAMPLE_COLLECTION = "sample"
SAMPLE_FILE = Path(__file__).parent / "resources" / "sample" / "arxiv-sample.jsonl.gz"


def write_sample_slice(source: Union[str, Path], dest: Union[str, Path], n: int = SAMPLE_SIZE,
                       category: str = SAMPLE_CATEGORY) -> int:
    """Write the first ``n`` papers of ``source`` whose primary category is ``category`` to ``dest``
    (gzip, same line format, lines unchanged); returns how many were written."""
    written = 0
    with gzip.open(source, "rt", encoding="utf-8") as f, gzip.open(dest, "wt", encoding="utf-8") as g:
        for line in f:
            cats = (json.loads(line).get("categories") or "").split()
            if cats and cats[0] == category:
                g.write(line)
                written += 1
                if written >= n:
                    break
    return written


def build_sample_library(lib: Library, source: Optional[Union[str, Path]] = None, *,
                         progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None):
    """Import the sample papers into ``lib`` (into the collection "sample"); returns the import
    report. Cancelling keeps the batches already committed; running it again completes them."""
    path = Path(source) if source else SAMPLE_FILE
    return import_file(lib, path, collection=SAMPLE_COLLECTION, batch_size=50, progress=progress, cancel=cancel)
