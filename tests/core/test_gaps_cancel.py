"""Cancel reaches the concept-mention reading that `gaps find` and the backtest start with, and the steps of
the gap listing after it: on a large library they run for minutes (an FTS query and a context reading per
concept, then the ranker and each pair's evidence), and Ctrl-C / Cancel waited for all of it before."""

from __future__ import annotations

import numpy as np
import pytest

from gapscope.jobs import CancelToken, Cancelled


class CancelAfter(CancelToken):
    """Set after it has been read ``n`` times: a Ctrl-C that arrives in the middle of the work."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.reads, self.n = 0, n

    @property
    def cancelled(self) -> bool:
        self.reads += 1
        if self.reads > self.n:
            self.cancel()
        return super().cancelled

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled()


def _library_with_concepts(library, n: int = 12):
    from gapscope.concepts.model import Concept
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper

    rows = [(f"Graph networks {i}", f"We use graph neural networks and the ImageNet dataset for traffic forecasting {i}.")
            for i in range(n)]
    ingest_papers(library, [Paper(title=t, abstract=a, source="t", source_key=str(i)) for i, (t, a) in enumerate(rows)],
                  kind="import", source="t", target="test")
    ids = library.list_paper_ids()
    phrases = [("method", "graph neural networks"), ("problem", "traffic forecasting"), ("method", "ImageNet"),
               ("problem", "forecasting"), ("method", "neural networks")]
    return [Concept(id=k + 1, kind=kind, phrase=p, synonyms=[], vector=np.zeros(4, dtype=np.float32),
                    papers={pid: "m" for pid in ids}) for k, (kind, p) in enumerate(phrases)]


def test_concept_mentions_complete_without_cancel(library):
    from gapscope.concepts.pair_rules import concept_mentions

    concepts = _library_with_concepts(library)
    out = concept_mentions(library, concepts, cancel=CancelToken())
    assert len(out[1]) == 12


@pytest.mark.parametrize("after", [0, 1, 3, 6, 9])
def test_a_cancel_in_the_middle_stops_the_concept_mentions(library, after):
    from gapscope.concepts.pair_rules import concept_mentions

    concepts = _library_with_concepts(library)
    token = CancelAfter(after)
    with pytest.raises(Cancelled):
        concept_mentions(library, concepts, cancel=token)
    assert token.reads == after + 1          # stopped at the first look after the cancel, read nothing more


@pytest.mark.parametrize("listing", [True, False])
def test_the_fts_queries_and_context_readings_each_look_at_cancel(library, listing):
    from gapscope.concepts.pair_rules import concept_mentions

    concepts = _library_with_concepts(library)
    token = CancelAfter(10 ** 6)
    concept_mentions(library, concepts, cancel=token, listing=listing)
    # one look per concept's FTS query, at least one per concept read in context
    assert token.reads >= len(concepts) + 2


def test_cancel_is_read_between_the_listing_steps_and_pairs():
    """concept_gaps (the gap listing of `gaps find`): the ranker, the pair features, the listing scores and
    each pair's evidence each take a while on a large library; a cancel stops at the next of them."""
    from gapscope.gaps.candidates import concept_gaps
    from tests.core.test_gaps_rank import constructed_graph

    cs, dates, pv = constructed_graph(seed=2)
    whole = CancelAfter(10 ** 6)
    listed = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, cancel=whole)
    assert listed and whole.reads >= 5
    for after in (0, whole.reads // 2, whole.reads - 1):
        token = CancelAfter(after)
        with pytest.raises(Cancelled):
            concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, cancel=token)
        assert token.reads == after + 1


def test_the_pair_features_read_cancel_between_their_groups():
    """pair_block (the ranker's training slice, then the listing's): on 10,000 papers each feature group (the
    neighbourhood scores, the k-means topics, the text rules ...) takes seconds and the whole half a minute;
    a cancel stops at the next group, not after the block."""
    from gapscope.gaps.linkpred import pair_block
    from tests.core.test_gaps_rank import constructed_graph

    cs, dates, pv = constructed_graph(seed=2)
    before = max(d for d in dates.values() if d) + "Z"
    whole = CancelAfter(10 ** 6)
    pair_block(cs, dates, before, min_support=3, paper_vecs=pv, cancel=whole)
    assert whole.reads >= 8
    for after in range(whole.reads):
        token = CancelAfter(after)
        with pytest.raises(Cancelled):
            pair_block(cs, dates, before, min_support=3, paper_vecs=pv, cancel=token)
        assert token.reads == after + 1


def test_the_k_means_and_the_ranker_fit_may_be_cut_short_by_ctrl_c(monkeypatch):
    """Library calls that read no token (k-means, the classifier's fit) run marked interruptible: the CLI's
    Ctrl-C handler raises inside them instead of waiting seconds for them to return."""
    from gapscope.gaps import linkpred
    from tests.core.test_gaps_rank import constructed_graph

    cs, dates, pv = constructed_graph(seed=2)
    before = max(d for d in dates.values() if d) + "Z"
    token, seen = CancelToken(), []
    topics, fit = linkpred._topics, linkpred.Ranker.fit
    monkeypatch.setattr(linkpred, "_topics", lambda *a, **k: seen.append(("topics", token.in_blocking_call))
                        or topics(*a, **k))
    monkeypatch.setattr(linkpred.Ranker, "fit", lambda self, *a, **k: seen.append(("fit", token.in_blocking_call))
                        or fit(self, *a, **k))
    linkpred.train_ranker(cs, dates, before, horizon_days=60, min_support=3, paper_vecs=pv, cancel=token)
    assert {s for s, _ in seen} == {"topics", "fit"} and all(blocking for _, blocking in seen)


def test_a_cancel_stops_the_concreteness_check_before_its_encoder_runs():
    from gapscope.concepts.concreteness import concreteness, load_model
    from gapscope.concepts.model import Concept

    model = load_model()
    if model is None:
        pytest.skip("no concreteness model shipped")
    ends = [Concept(id=1, kind="method", phrase="graph neural networks", synonyms=[],
                    vector=np.ones(model.dim, dtype=np.float32), papers={1: "m"})]
    usage = np.zeros((1, len(model._um) - 1))
    encoded = []
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        concreteness(ends, model.encoder, usage, encode=lambda texts: encoded.append(texts) or
                     np.ones((len(texts), model.dim), np.float32), cancel=token)
    assert encoded == []
    assert concreteness(ends, model.encoder, usage, encode=lambda texts: np.ones((len(texts), model.dim), np.float32),
                        cancel=CancelToken()) is not None
