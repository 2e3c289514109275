"""Embed a whole arXiv snapshot file (the Kaggle format, millions of lines) into a vector store outside
any library: Parquet shards of (arXiv id, vector) plus one FAISS index over them.

Shard k holds the file's good records k*S .. (k+1)*S - 1 (S = ``shard_size``), so a re-run with the
same file and shard size skips every shard already written and resumes at the first missing one; a
shard file appears whole (written aside, then renamed) or not at all. Bad lines are listed in
``bad-records.txt`` with file and line, and skipped.

Layout of ``out``::

    manifest.json            source file, its size, model, dimension, shard size, counts
    shards/part-00000.parquet  columns: row (int64, the record's ordinal), id (arXiv id), vector (float32[dim])
    index.faiss              IndexFlatIP over every shard's vectors in row order (row r = index entry r)
    bad-records.txt          FILE:LINE: why, one a line
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any, Iterator, Optional

import numpy as np

from ..jobs import CancelToken, ChunkRunner, ProgressFn, check, local_runner, report
from ..models import RecordError
from .encoder import DEFAULT_MODEL
from .store import abstract_text

SHARD_SIZE = 50_000


class CorpusError(ValueError):
    """The output folder belongs to another file, model or shard size; the message says which."""


def needs_pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError as exc:
        raise CorpusError("embed-corpus writes Parquet and needs pyarrow: pip install 'gapscope[cluster]' "
                          "(or pip install pyarrow)") from exc
    return pyarrow


def count_lines(path: Path) -> int:
    """Lines of a plain or gzip file (the progress bar's total; a few seconds per GB)."""
    import gzip

    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    n = 0
    with (gzip.open(path, "rb") if gz else open(path, "rb")) as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            n += block.count(b"\n")
    return n


def shard_path(out: Path, k: int) -> Path:
    return out / "shards" / f"part-{k:05d}.parquet"


def _records(path: Path, bad: list[str]) -> Iterator[tuple[str, str]]:
    """(arXiv id, text to embed) of every good record, in file order; bad ones go to ``bad``."""
    from ..sources.files import read_arxiv_snapshot

    for rec in read_arxiv_snapshot(path):
        if isinstance(rec, RecordError):
            bad.append(str(rec))
        elif hasattr(rec, "title"):
            yield rec.source_key or "", abstract_text(rec.title, rec.abstract)


def _manifest(out: Path, want: dict[str, Any]) -> dict[str, Any]:
    """The folder's manifest, written when new; an existing one must describe the same job."""
    f = out / "manifest.json"
    if f.is_file():
        have = json.loads(f.read_text(encoding="utf-8"))
        for key in ("source_bytes", "model", "shard_size", "limit"):
            if have.get(key) != want[key]:
                raise CorpusError(f"{out}: made with {key} = {have.get(key)!r}, not {want[key]!r}: "
                                  "use another --out folder (or the same settings to resume)")
        return have
    out.mkdir(parents=True, exist_ok=True)
    f.write_text(json.dumps(want, indent=1), encoding="utf-8")
    return want


def _write_shard(out: Path, k: int, first_row: int, ids: list[str], vecs: np.ndarray) -> None:
    pa = needs_pyarrow()
    import pyarrow.parquet as pq

    dim = vecs.shape[1]
    table = pa.table({"row": pa.array(np.arange(first_row, first_row + len(ids), dtype=np.int64)),
                      "id": pa.array(ids, pa.string()),
                      "vector": pa.FixedSizeListArray.from_arrays(pa.array(vecs.astype(np.float32).ravel()), dim)})
    final = shard_path(out, k)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, final)


def read_shard(path: Path) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(rows, ids, vectors float32) of one shard file."""
    import pyarrow.parquet as pq

    t = pq.read_table(path)
    vec = t.column("vector").combine_chunks()
    dim = vec.type.list_size
    vecs = vec.values.to_numpy(zero_copy_only=False).astype(np.float32).reshape(-1, dim)
    return t.column("row").to_numpy(), t.column("id").to_pylist(), vecs


def build_index(out: Path) -> int:
    """index.faiss over every shard in order (rebuilt from the shards; they stay the source of truth)."""
    import faiss

    index = None
    n = 0
    for f in sorted((out / "shards").glob("part-*.parquet")):
        rows, _, vecs = read_shard(f)
        if len(rows) and rows[0] != n:
            raise CorpusError(f"{f}: starts at row {rows[0]}, expected {n}: a shard is missing")
        index = index or faiss.IndexFlatIP(vecs.shape[1])
        index.add(np.ascontiguousarray(vecs))
        n += len(rows)
    if index is not None:
        tmp = out / "index.faiss.tmp"
        faiss.write_index(index, str(tmp))
        os.replace(tmp, out / "index.faiss")
    return n


def embed_corpus(path: str | Path, out: str | Path, *, shard_size: int = SHARD_SIZE, encoder=None,
                 model_id: str = DEFAULT_MODEL, runner: Optional[ChunkRunner] = None,
                 batch_size: Optional[int] = None, limit: Optional[int] = None,
                 progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None) -> dict[str, Any]:
    """Embed every record of an arXiv snapshot file into ``out`` (see the module doc), then build the
    index. ``runner`` (gapscope.cluster): computes the shards' vectors elsewhere, each
    :func:`gapscope.embed.library.encode_texts` of ``(texts, batch_size)``; this process writes them.
    ``limit``: only the first N good records (a trial run). Returns counts."""
    from .library import encode_texts

    needs_pyarrow()
    path, out = Path(path), Path(out)
    if shard_size < 1:
        raise CorpusError("--shard-size must be at least 1")
    if not path.is_file():
        raise CorpusError(f"{path}: no such file")
    model = encoder.model_id if encoder is not None else model_id
    manifest = _manifest(out, {"source": str(path.resolve()), "source_bytes": path.stat().st_size, "model": model,
                               "shard_size": shard_size, "limit": limit})
    total = limit if limit is not None else count_lines(path)
    bad: list[str] = []
    todo: list[tuple[int, int, list[str]]] = []      # (shard, first row, ids) of the shards sent out
    stats = {"records": 0, "shards": 0, "written": 0, "skipped_shards": 0, "bad": 0}
    done = [0]                                       # records in shards on disk (progress)

    def shards() -> Iterator[tuple[list[str], Optional[int]]]:
        ids: list[str] = []
        texts: list[str] = []
        k = 0

        def flush():
            nonlocal ids, texts, k
            first = k * shard_size
            stats["shards"] += 1
            if shard_path(out, k).is_file():
                stats["skipped_shards"] += 1
                done[0] += len(ids)
                report(progress, done[0], total, f"shard {k} done before")
                result = None
            else:
                todo.append((k, first, ids))
                result = (texts, batch_size)
            ids, texts, k = [], [], k + 1
            return result

        for rid, text in _records(path, bad):
            if limit is not None and stats["records"] >= limit:
                break
            stats["records"] += 1
            ids.append(rid)
            texts.append(text)
            if len(ids) == shard_size:
                work = flush()
                if work is not None:
                    yield work
        if ids:
            work = flush()
            if work is not None:
                yield work

    if runner is None:
        if encoder is None:
            from .encoder import Encoder

            encoder = Encoder()
        runner = local_runner(lambda work: encode_texts(encoder, work[0], work[1], cancel=cancel))
    check(cancel)
    with contextlib.closing(iter(runner(shards()))) as results:
        for i, vecs in results:
            k, first, ids = todo[i]
            _write_shard(out, k, first, ids, vecs)
            stats["written"] += 1
            done[0] += len(ids)
            report(progress, done[0], total, f"wrote shard {k}")
            check(cancel)
    stats["bad"] = len(bad)
    (out / "bad-records.txt").write_text("".join(b + "\n" for b in bad), encoding="utf-8")
    stats["indexed"] = build_index(out)
    manifest.update(records=stats["records"], shards=stats["shards"], bad=stats["bad"], indexed=stats["indexed"])
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return stats
