"""Real small data for the maps and gaps tests: a slice of the shared arXiv cs file in a library, with
fast stand-in vectors (TF-IDF + SVD of the real texts, L2-normalised) for each facet.

The clustering and gap code only sees arrays, so these vectors exercise it on real text structure in
a second, without loading a sentence model."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Optional

import numpy as np
import pytest

SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
METHOD = re.compile(r"\b(we propose|we introduce|we present|we develop|our (method|approach|framework|model)|"
                    r"this paper (proposes|introduces|presents)|based on|by (using|leveraging|combining))", re.I)
RESULT = re.compile(r"\b(results|outperform|achiev|we show|demonstrate|experiments|state-of-the-art|improv)", re.I)
LIMIT = re.compile(r"\b(however|limitation|fail|remain|lack|suffer|struggle|challenge|costly|expensive|difficult)", re.I)


def read_slice(path: Path, n: int, step: int) -> list[dict]:
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % step:
                continue
            d = json.loads(line)
            rows.append({"arxiv_id": d["id"], "title": " ".join(d["title"].split()),
                         "abstract": " ".join(d["abstract"].split()), "published": d["update_date"],
                         "categories": d["categories"]})
            if len(rows) == n:
                break
    return rows


def crude_facets(abstract: str) -> dict[str, str]:
    """A keyword split, standing in for the facets classifier in these tests only."""
    out = {"method": [], "result": [], "shortcoming": []}
    for s in SPLIT.split(abstract):
        if LIMIT.search(s):
            out["shortcoming"].append(s)
        elif RESULT.search(s):
            out["result"].append(s)
        elif METHOD.search(s):
            out["method"].append(s)
    return {k: " ".join(v) for k, v in out.items()}


def mapped_library(path, rows: list[dict], facets: Optional[tuple] = None):
    """(library at ``path``, facet data, MapSet): ``rows`` inserted, maps of ``facets`` (default: all four) built
    from stand-in vectors with one stability seed."""
    from gapscope.maps import build_maps
    from gapscope.store import Library

    lib = Library(path)
    ids = insert_papers(lib, rows)
    data = facet_data(ids, rows)
    ms = build_maps(lib, **({"facets": facets} if facets else {}), data=data, stability_seeds=1)
    return lib, data, ms


def insert_papers(lib, rows: list[dict]) -> list[int]:
    from gapscope.store.library import now_iso

    ids = []
    with lib.transaction() as conn:
        for r in rows:
            cats = r["categories"]
            ids.append(conn.execute(
                "INSERT INTO papers (title, abstract, year, published, arxiv_id, primary_category, categories,"
                " norm_title, added_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (r["title"], r["abstract"], int(r["published"][:4]), r["published"], r["arxiv_id"], cats.split()[0],
                 cats, r["title"].lower(), now_iso())).lastrowid)
    return ids


def save_topic_map(lib, labels: list[str], assignments: dict[int, int]) -> int:
    """A stored topic map whose cluster k is labelled ``labels[k]`` (``assignments``: {paper id: cluster});
    returns its id."""
    from gapscope.maps.model import Cluster, Map
    from gapscope.maps.store import save_map

    cl = [Cluster(id=k, label=label, keywords=[], representative="", size=2, stability=1.0, sizes_by_year={},
                  centroid=np.ones(4, dtype=np.float32) / 2) for k, label in enumerate(labels)]
    return save_map(lib, Map(facet="topic", params={}, scope={"library": True}, clusters=cl,
                             assignments=assignments, coords={}))


def stand_in_vectors(texts: list[str], dims: int = 48, seed: int = 0) -> np.ndarray:
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(stop_words="english", min_df=2, sublinear_tf=True).fit_transform(texts)
    v = TruncatedSVD(n_components=min(dims, x.shape[1] - 1), random_state=seed).fit_transform(x).astype(np.float32)
    v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
    return v


def facet_data(ids: list[int], rows: list[dict]) -> dict[str, tuple]:
    """{facet: (ids, vecs, texts)} for topic / method / result / shortcoming."""
    out = {}
    topic_texts = {pid: f"{r['title']}. {r['abstract']}" for pid, r in zip(ids, rows)}
    out["topic"] = (np.array(ids, dtype=np.int64), stand_in_vectors(list(topic_texts.values())), topic_texts)
    facets = {pid: crude_facets(r["abstract"]) for pid, r in zip(ids, rows)}
    for facet in ("method", "result", "shortcoming"):
        have = [pid for pid in ids if facets[pid][facet]]
        texts = {pid: facets[pid][facet] for pid in have}
        out[facet] = (np.array(have, dtype=np.int64), stand_in_vectors([texts[p] for p in have]), texts)
    return out


@pytest.fixture(scope="session")
def cs_rows(shared_data) -> list[dict]:
    """500 papers spread over the whole cs file (2025-03 .. 2026-07), read once per session."""
    return read_slice(shared_data / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz", 500, 140)


def eighty_cluster_map(shared_data: Path, n: int = 2000):
    """A real map of 80 clusters: 2,000 papers spread over the shared cs file, stand-in vectors, k=80
    (the most the automatic choice gives, MAX_AUTO_K), one stability seed."""
    from gapscope.maps import make_map

    rows = read_slice(shared_data / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz", n, 37)
    ids = list(range(1, len(rows) + 1))
    texts = {i: f"{r['title']}. {r['abstract']}" for i, r in zip(ids, rows)}
    dates = {i: r["published"] for i, r in zip(ids, rows)}
    return make_map("topic", np.array(ids, dtype=np.int64), stand_in_vectors(list(texts.values())), texts, dates,
                    k=80, seed=0, stability_seeds=1, model="stand-in tfidf-svd")
