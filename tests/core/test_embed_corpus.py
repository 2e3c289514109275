"""embed-corpus: an arXiv snapshot file into Parquet shards + a FAISS index; resumable by shard, bad
lines named by file and line, and (on a local Ray) the same vectors as here."""

import json

import numpy as np
import pytest

pytest.importorskip("pyarrow", reason="embed-corpus writes Parquet: pip install 'gapscope[cluster]'")

from gapscope.embed import Encoder, abstract_text  # noqa: E402
from gapscope.embed.corpus import CorpusError, embed_corpus, read_shard, shard_path  # noqa: E402
from gapscope.jobs import Cancelled, CancelToken  # noqa: E402

N_GOOD = 80


@pytest.fixture
def snapshot(tmp_path, shared_data):
    """The first 80 lines of the real Kaggle snapshot with a broken line after the 40th."""
    lines = (shared_data / "arxiv" / "kaggle-snapshot-head200.jsonl").read_text(encoding="utf-8").splitlines()[:N_GOOD]
    path = tmp_path / "snapshot.jsonl"
    path.write_text("\n".join(lines[:40] + ['{"id": "broken", "title": '] + lines[40:]) + "\n", encoding="utf-8")
    return path, [json.loads(x) for x in lines]


@pytest.fixture(scope="module")
def encoder():
    return Encoder()


def _all(out):
    parts = [read_shard(f) for f in sorted((out / "shards").glob("part-*.parquet"))]
    return (np.concatenate([p[0] for p in parts]), sum((p[1] for p in parts), []),
            np.concatenate([p[2] for p in parts]))


def test_shards_resume_after_cancel_and_index(snapshot, tmp_path, encoder):
    import faiss

    path, recs = snapshot
    out = tmp_path / "store"
    token = CancelToken()

    def progress(done, total, message=""):
        if done:
            token.cancel()                      # Ctrl-C once the first shard is on disk

    with pytest.raises(Cancelled):
        embed_corpus(path, out, shard_size=32, encoder=encoder, progress=progress, cancel=token)
    assert shard_path(out, 0).is_file() and not shard_path(out, 1).is_file()
    stats = embed_corpus(path, out, shard_size=32, encoder=encoder)
    assert (stats["records"], stats["shards"], stats["skipped_shards"], stats["written"]) == (N_GOOD, 3, 1, 2)
    assert stats["bad"] == 1 and f"{path}:41:" in (out / "bad-records.txt").read_text()

    rows, ids, vecs = _all(out)
    assert list(rows) == list(range(N_GOOD)) and ids == [r["id"] for r in recs]
    direct = encoder.encode([abstract_text(r["title"], r["abstract"]) for r in recs])
    assert np.array_equal(vecs, direct)
    index = faiss.read_index(str(out / "index.faiss"))
    assert index.ntotal == N_GOOD
    _, hit = index.search(direct[[5, 70]], 1)
    assert hit[:, 0].tolist() == [5, 70]

    with pytest.raises(CorpusError, match="shard_size"):
        embed_corpus(path, out, shard_size=16, encoder=encoder)


def test_corpus_on_ray_writes_the_same_shards(local_ray, snapshot, tmp_path, encoder):
    from gapscope.cluster.library import embed_corpus_ray

    path, _ = snapshot
    embed_corpus(path, tmp_path / "here", shard_size=32, encoder=encoder)
    stats = embed_corpus_ray(path, tmp_path / "there", actors=2, shard_size=32)
    assert stats["written"] == 3 and stats["indexed"] == N_GOOD
    here, there = _all(tmp_path / "here"), _all(tmp_path / "there")
    assert list(here[0]) == list(there[0]) and here[1] == there[1] and np.array_equal(here[2], there[2])
