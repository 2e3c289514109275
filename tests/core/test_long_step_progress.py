"""Long steps tell their progress as they go, not only as they start and end, and stop at a Cancel within a
batch: the concept-mention reading of `gaps find` (minutes on 10,000 papers, once silent for all of them)
and the cluster keywords of `gapscope map` (a quarter of a minute per map, once silent)."""

from __future__ import annotations

import pytest

from gapscope.jobs import CancelToken, Cancelled

from . import maps_fixtures
from .test_gaps_cancel import _library_with_concepts

cs_rows = maps_fixtures.cs_rows     # the fixture

STEP = "concept mentions in the abstracts: "


class Recorder:
    """A progress callback that keeps every update; ``cancel_when(update)`` true sets ``token`` there, as a
    user pressing Cancel while the step runs."""

    def __init__(self, token=None, cancel_when=None) -> None:
        self.updates: list[tuple[int, int, str]] = []
        self.token, self.cancel_when = token, cancel_when

    def __call__(self, done: int, total: int, message: str = "") -> None:
        self.updates.append((done, total, message))
        if self.cancel_when is not None and self.cancel_when((done, total, message)):
            self.token.cancel()

    def messages(self, part: str) -> list[tuple[int, int, str]]:
        return [u for u in self.updates if part in u[2]]


def _mid(update) -> bool:
    """An update that says how far the step is within a reading: n of N concepts with 0 < n < N."""
    import re

    m = re.search(r"(\d+) of (\d+) concepts", update[2])
    return m is not None and 0 < int(m.group(1)) < int(m.group(2))


def test_concept_mentions_report_each_reading_as_they_go(library):
    from gapscope.concepts.pair_rules import concept_mentions

    concepts = _library_with_concepts(library)
    seen = Recorder()
    out = concept_mentions(library, concepts, cancel=CancelToken(), progress=seen)
    assert len(out[1]) == 12
    assert all(m.startswith(STEP) for _, _, m in seen.updates[:-1])
    # within the readings, not only at the step's start and end: the FTS queries and the context readings
    for reading in ("searching the abstracts", "reading each as a technique or a problem"):
        assert any(_mid(u) for u in seen.messages(reading)), reading
    # one bar over all the readings: it never goes back
    fractions = [d / t for d, t, _ in seen.updates if t]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_the_backtest_reading_reports_too(library):
    from gapscope.concepts.pair_rules import concept_mentions

    concepts = _library_with_concepts(library)
    seen = Recorder()
    concept_mentions(library, concepts, listing=False, progress=seen)
    assert any(_mid(u) for u in seen.messages("reading each as a technique or a problem"))
    fractions = [d / t for d, t, _ in seen.updates if t]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_a_cancel_in_the_middle_of_a_reading_stops_it_there(library):
    """Cancel pressed while the concepts are read in context: the reading stops at its next concept, and no
    later reading starts."""
    from gapscope.concepts.pair_rules import concept_mentions

    concepts = _library_with_concepts(library)
    token = CancelToken()
    seen = Recorder(token, cancel_when=lambda u: "as a technique" in u[2] and _mid(u))
    with pytest.raises(Cancelled):
        concept_mentions(library, concepts, cancel=token, progress=seen)
    assert _mid(seen.updates[-1]) and "as a technique" in seen.updates[-1][2]    # nothing reported after


def test_counted_reports_batches_and_reads_cancel_before_each_item():
    from gapscope.jobs import counted

    seen = Recorder()
    assert list(counted(list(range(10)), seen, "reading", unit="papers", every=3)) == list(range(10))
    assert [d for d, _, _ in seen.updates] == [0, 3, 6, 9, 10]
    assert seen.updates[1] == (3, 10, "reading: 3 of 10 papers")
    token, got = CancelToken(), []
    with pytest.raises(Cancelled):
        for n in counted(range(10), None, "reading", cancel=token):
            got.append(n)
            if n == 4:
                token.cancel()
    assert got == [0, 1, 2, 3, 4]


def test_cluster_keywords_report_texts_and_clusters(cs_rows):
    from gapscope.maps.labels import ctfidf_keywords

    texts = [f"{r['title']}. {r['abstract']}" for r in cs_rows[:120]]
    clusters = [texts[i:i + 20] for i in range(0, 120, 20)]
    seen = Recorder()
    assert ctfidf_keywords(clusters, progress=seen) == ctfidf_keywords(clusters)
    texts_read = [d for d, t, m in seen.updates if "texts" in m]
    clusters_read = [m for _, _, m in seen.updates if "clusters" in m]
    assert len(set(texts_read)) > 2 and "keywords: 3 of 6 clusters" in clusters_read
    fractions = [d / t for d, t, _ in seen.updates if t]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0

    token = CancelToken()
    stop = Recorder(token, cancel_when=lambda u: u[2] == "keywords: 3 of 6 clusters")
    with pytest.raises(Cancelled):
        ctfidf_keywords(clusters, cancel=token, progress=stop)
    assert stop.updates[-1][2] == "keywords: 3 of 6 clusters"


def test_a_map_build_tells_its_keywords_step_as_it_goes(tmp_path, cs_rows):
    """`gapscope map`: the keywords step between the layout (820/1000) and the labels (900/1000) reports its
    clusters one by one, under the facet's name, on the map's bar."""
    from gapscope.maps import build_maps
    from gapscope.store import Library

    from .maps_fixtures import facet_data, insert_papers

    rows = cs_rows[:200]
    lib = Library(tmp_path / "lib.sqlite")
    try:
        data = facet_data(insert_papers(lib, rows), rows)
        seen = Recorder()
        build_maps(lib, facets=("topic",), data=data, k=4, stability_seeds=0, progress=seen, save=False)
    finally:
        lib.close()
    keywords = [(d, t) for d, t, m in seen.messages("topic: keywords:")]
    assert any(m.endswith("2 of 4 clusters") for _, _, m in seen.messages("topic: keywords:"))
    assert len(set(keywords)) > 2 and all(850 <= d <= 900 for d, _ in keywords)


def test_the_gap_listing_says_each_of_its_steps():
    """concept_gaps (the listing of `gaps find`): the ranker, the pair features, the scores, the concepts that
    are one and the evidence were a minute without an update on 10,000 papers before the "already done" checks
    reported; each now says itself, in order."""
    from gapscope.gaps.candidates import concept_gaps
    from tests.core.test_gaps_rank import constructed_graph

    cs, dates, pv = constructed_graph(seed=2)
    seen = Recorder()
    assert concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, progress=seen)
    steps = [(d, m) for d, t, m in seen.updates if m.startswith("listing the gaps: ")]
    assert [d for d, _ in steps] == list(range(6))
    assert "listing the gaps: training the ranker on the library's past" == steps[0][1]


def test_concept_mentions_read_the_acronyms_once(library, monkeypatch):
    """The problem concepts' acronyms are read once (the forms of rule 6), and the end checks' task and data
    readings take theirs from that read: they read a subset of the same concepts in the same sentences, so a
    second pass (half a second on 10,000 papers, a stage of its own on the bar) found nothing new."""
    import gapscope.concepts.acronyms as acronyms
    from gapscope.concepts.pair_rules import concept_mentions

    concepts = _library_with_concepts(library)
    reads, read_acronyms = [], acronyms.read_acronyms

    def counting(problems, texts, **kw):
        reads.append([c.id for c in problems])
        return read_acronyms(problems, texts, **kw)

    monkeypatch.setattr(acronyms, "read_acronyms", counting)
    concept_mentions(library, concepts, cancel=CancelToken(), progress=Recorder())
    assert len(reads) == 1, reads
