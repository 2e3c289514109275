"""Cancel during the two stretches of a map build that read no token before: the facet texts' query (every
sentence of the library, a second on a big one) and the concept labels (reading the concepts, then ranking
them per cluster). Each stops where the Cancel lands, before its stretch ends; with a token that is never
cancelled the maps are those built without one."""

from __future__ import annotations

import json
import re
import types

import numpy as np
import pytest

from . import maps_fixtures
from .maps_fixtures import SPLIT, facet_data, insert_papers

cs_rows = maps_fixtures.cs_rows     # the fixture

PHRASES = ["graph neural network", "reinforcement learning", "diffusion", "language model", "segmentation",
           "robot", "speech", "reasoning", "federated learning", "object detection", "retrieval", "quantum",
           "benchmark", "transformer", "point cloud", "medical", "privacy", "agents", "video", "code generation"]


def _sentences(abstract: str) -> list[tuple]:
    """(idx, start, end, text, role, confidence, shortcoming, confidence) of each sentence: a keyword split
    standing in for the facet classifier."""
    rows, at = [], 0
    for i, s in enumerate(SPLIT.split(abstract)):
        start = abstract.index(s, at)
        at = start + len(s)
        role = ("method" if maps_fixtures.METHOD.search(s) else "result" if maps_fixtures.RESULT.search(s)
                else "background")
        short = "own" if maps_fixtures.LIMIT.search(s) else "none"
        rows.append((i, start, at, s, role, 0.9, short, 0.9))
    return rows


@pytest.fixture
def mapped(tmp_path, cs_rows):
    """A library of 160 real papers with their sentences labelled, their facet data, and concept phrases
    (the listed phrases each abstract contains, a stand-in for `gapscope concepts`)."""
    from gapscope.maps import PaperConcepts
    from gapscope.store import Library

    rows = cs_rows[:160]
    lib = Library(tmp_path / "lib.sqlite")
    ids = insert_papers(lib, rows)
    with lib.transaction():
        for pid, r in zip(ids, rows):
            lib.write_facet_sentences(pid, _sentences(r["abstract"]), "stand-in", "h", "2026-01-01T00:00:00+00:00")
    named = {pid: [ph for ph in PHRASES if re.search(r"\b" + re.escape(ph), f"{r['title']} {r['abstract']}".lower())]
             for pid, r in zip(ids, rows)}
    rng = np.random.default_rng(0)
    concepts = PaperConcepts(phrases={p: v for p, v in named.items() if v},
                             vectors={ph: rng.normal(size=8).astype(np.float32) for ph in PHRASES})
    yield lib, ids, facet_data(ids, rows), concepts
    lib.close()


def _vectors_of(monkeypatch, ids, data):
    import gapscope.embed as embed

    monkeypatch.setattr(embed, "load_vectors", lambda lib, kind, paper_ids=None: (np.array(ids), data["method"][1]))


def test_a_cancel_while_the_facet_texts_are_read_stops_their_query(mapped, monkeypatch):
    import gapscope.store.facets as store_facets
    import gapscope.store.interrupt as interrupt
    from gapscope.jobs import CancelToken, Cancelled
    from gapscope.maps.build import load_facet_data

    lib, ids, data, _ = mapped
    total = len(lib.effective_sentences())
    _vectors_of(monkeypatch, ids, data)
    # SQLite reads the token every few steps here: a small library's query is over in fewer than the default
    monkeypatch.setattr(interrupt, "STEPS_BETWEEN_CHECKS", 100)
    token = CancelToken()
    read = []
    real_row = store_facets._row

    def row(r):                            # Cancel as the first sentence comes back from the query
        read.append(1)
        token.cancel()
        return real_row(r)

    monkeypatch.setattr(store_facets, "_row", row)
    with pytest.raises(Cancelled):
        load_facet_data(lib, "method", None, cancel=token)
    assert 0 < len(read) < total           # the query stopped: most sentences were never read
    read.clear()
    assert len(lib.effective_sentences()) == total      # later reads run to their end again
    assert len(read) == total


def test_a_cancel_after_the_facet_texts_query_stops_their_assembly(mapped, monkeypatch):
    """Cancel as the query's last sentence comes back: the texts are not put together (a quarter of the
    stretch on a big library), nor the full texts' sentences read."""
    import gapscope.store.facets as store_facets
    from gapscope.jobs import CancelToken, Cancelled
    from gapscope.maps.build import load_facet_data
    from gapscope.store import Library

    lib, ids, data, _ = mapped
    total = len(lib.effective_sentences())
    _vectors_of(monkeypatch, ids, data)
    token = CancelToken()
    read, full_texts = [], []
    real_row, real_parts = store_facets._row, Library.fulltext_shortcoming_parts

    def row(r):
        read.append(1)
        if len(read) == total:
            token.cancel()
        return real_row(r)

    monkeypatch.setattr(store_facets, "_row", row)
    monkeypatch.setattr(Library, "fulltext_shortcoming_parts",
                        lambda self, *a, **k: full_texts.append(1) or real_parts(self, *a, **k))
    with pytest.raises(Cancelled):
        load_facet_data(lib, "method", None, cancel=token)
    assert len(read) == total and not full_texts


@pytest.mark.parametrize("facet", ["topic", "method", "shortcoming"])
def test_the_texts_read_with_a_token_are_those_read_without(mapped, monkeypatch, facet):
    import gapscope.store.interrupt as interrupt
    from gapscope.jobs import CancelToken
    from gapscope.maps.build import load_facet_data

    lib, ids, data, _ = mapped
    _vectors_of(monkeypatch, ids, data)
    plain = load_facet_data(lib, facet, None)
    monkeypatch.setattr(interrupt, "STEPS_BETWEEN_CHECKS", 10)
    with_token = load_facet_data(lib, facet, None, cancel=CancelToken())
    assert with_token[2] == plain[2] and any(plain[2].values())
    assert np.array_equal(with_token[0], plain[0])


def _counting_redundant(monkeypatch, token=None):
    """The calls of labels.redundant (the concept ranking's inner test); the first cancels ``token``."""
    import gapscope.maps.labels as labels

    calls = []
    real = labels.redundant

    def redundant(*args, **kwargs):
        calls.append(1)
        if token is not None:
            token.cancel()                 # Cancel as the first cluster's concepts are ranked
        return real(*args, **kwargs)

    monkeypatch.setattr(labels, "redundant", redundant)
    return calls


def _map(data, concepts, cancel=None):
    from gapscope.maps import make_map

    ids, vecs, texts = data["topic"]
    return make_map("topic", ids, vecs, texts, {}, k=8, seed=0, stability_seeds=0, concepts=concepts, cancel=cancel)


def test_a_cancel_while_the_concept_labels_are_ranked_stops_them(mapped, monkeypatch):
    from gapscope.jobs import CancelToken, Cancelled

    _, _, data, concepts = mapped
    whole = _counting_redundant(monkeypatch)
    _map(data, concepts)
    monkeypatch.undo()
    token = CancelToken()
    cut = _counting_redundant(monkeypatch, token)
    with pytest.raises(Cancelled):
        _map(data, concepts, cancel=token)
    assert 0 < len(cut) < len(whole)       # stopped after the cluster it was ranking, the rest not ranked


def test_maps_built_with_a_token_are_those_built_without(mapped):
    from gapscope.jobs import CancelToken

    _, _, data, concepts = mapped
    plain, with_token = _map(data, concepts), _map(data, concepts, cancel=CancelToken())
    assert plain.label_kind != "keywords"   # concepts name some clusters: the ranking ran
    assert [(c.label, c.concepts, c.keywords, c.size) for c in with_token.clusters] == [
        (c.label, c.concepts, c.keywords, c.size) for c in plain.clusters]
    assert with_token.assignments == plain.assignments and with_token.coords == plain.coords
    params = {k: v for k, v in plain.params.items() if k != "seconds"}
    assert {k: v for k, v in with_token.params.items() if k != "seconds"} == params


def _save_concepts(lib, concepts) -> int:
    papers_of: dict[str, list[int]] = {}
    for pid, phrases in concepts.phrases.items():
        for ph in phrases:
            papers_of.setdefault(ph, []).append(pid)
    rows = [{"kind": "method", "phrase": ph, "synonyms": [], "vector": concepts.vectors[ph],
             "papers": [(p, "method", 0.5) for p in ps]} for ph, ps in papers_of.items()]
    lib.save_concepts(rows, {"extractor": "test"}, "2026-01-01T00:00:00+00:00")
    return len(rows)


def test_a_cancel_while_the_concepts_are_read_stops_the_read(mapped, monkeypatch):
    import gapscope.store.concepts as store_concepts
    import gapscope.store.interrupt as interrupt
    from gapscope.analyze import map_concepts
    from gapscope.jobs import CancelToken, Cancelled

    lib, _, _, concepts = mapped
    n = _save_concepts(lib, concepts)
    monkeypatch.setattr(interrupt, "STEPS_BETWEEN_CHECKS", 10)
    token = CancelToken()
    read = []

    def loads(text):                       # each concept row read decodes its synonyms: Cancel at the first
        read.append(1)
        token.cancel()
        return json.loads(text)

    monkeypatch.setattr(store_concepts, "json", types.SimpleNamespace(loads=loads, dumps=json.dumps))
    with pytest.raises(Cancelled):
        map_concepts(lib, token)
    assert 0 < len(read) < n
    monkeypatch.undo()
    read_all, plain = map_concepts(lib, CancelToken()), map_concepts(lib)
    assert read_all.phrases == plain.phrases and read_all.phrases
    assert read_all.vectors.keys() == plain.vectors.keys()
