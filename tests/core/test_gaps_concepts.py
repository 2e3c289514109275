"""Concept-level gaps on real slices of the shared arXiv cs file: deduplication, the refusal of a corpus
too short for time-based measurements, the backtest JSON, and a gap list a researcher can read.

Concepts here come from a stand-in extractor (the candidate vocabulary of the real texts, vectors = the mean
stand-in vector of each phrase's papers) so the tests run in seconds without KeyBERT's encoder."""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
import pytest

from .maps_fixtures import crude_facets, facet_data, insert_papers, read_slice


def stand_in_concepts(ids, rows, topic_vecs, min_papers=6):
    from gapscope.concepts.extract import candidate_vocabulary

    fac = {pid: crude_facets(r["abstract"]) for pid, r in zip(ids, rows)}
    method_docs = [fac[p]["method"].lower() for p in ids]
    problem_docs = [(r["title"] + ". " + fac[p]["result"] + " " + fac[p]["shortcoming"]).lower() for p, r in zip(ids, rows)]
    vocab = [w for w in candidate_vocabulary(method_docs + problem_docs, min_df=min_papers) if " " in w]
    pos = {p: i for i, p in enumerate(ids)}
    out = []
    for w in vocab:
        hits = defaultdict(str)
        for p, md, pd_ in zip(ids, method_docs, problem_docs):
            if w in md:
                hits[p] = "method"
            elif w in pd_:
                hits[p] = "problem"
        if len(hits) < min_papers:
            continue
        n_m = sum(s == "method" for s in hits.values())
        kind = "method" if n_m * 2 >= len(hits) else "problem"
        v = topic_vecs[[pos[p] for p in hits]].mean(axis=0)
        out.append({"id": len(out) + 1, "kind": kind, "phrase": w, "synonyms": [], "n_papers": len(hits),
                    "vector": v / max(np.linalg.norm(v), 1e-9), "papers": [(p, s, 1.0) for p, s in hits.items()]})
    return out


def spread_library(path, shared_data):
    """1,500 papers over the whole cs file (2025-03 .. 2026-07) in a library at ``path``, with stand-in
    concepts stored: (lib, paper ids, rows, facet data)."""
    from gapscope.store import Library
    from gapscope.store.library import now_iso

    rows = read_slice(shared_data / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz", 1500, 49)
    lib = Library(path)
    ids = insert_papers(lib, rows)
    data = facet_data(ids, rows)
    lib.save_concepts(stand_in_concepts(ids, rows, data["topic"][1]), {"extractor": "stand-in"}, now_iso())
    return lib, ids, rows, data


@pytest.fixture(scope="module")
def spread(tmp_path_factory, shared_data):
    """The spread library (spread_library) with its concepts and publication dates."""
    from gapscope.concepts.model import from_rows

    lib, ids, rows, data = spread_library(tmp_path_factory.mktemp("concepts") / "lib.sqlite", shared_data)
    cs = from_rows(lib.load_concepts(), lib.latest_concept_batch())
    dates = {p: r["published"] for p, r in zip(ids, rows)}
    yield lib, data, cs, dates
    lib.close()


@pytest.fixture(scope="module")
def one_week(tmp_path_factory, shared_data):
    """The first 400 lines of the cs file: a few days of papers, as a user's first collect gives."""
    from gapscope.concepts.model import from_rows
    from gapscope.store import Library
    from gapscope.store.library import now_iso

    rows = read_slice(shared_data / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz", 400, 1)
    lib = Library(tmp_path_factory.mktemp("week") / "lib.sqlite")
    ids = insert_papers(lib, rows)
    data = facet_data(ids, rows)
    lib.save_concepts(stand_in_concepts(ids, rows, data["topic"][1], min_papers=4), {"extractor": "stand-in"}, now_iso())
    yield lib, data, from_rows(lib.load_concepts()), {p: r["published"] for p, r in zip(ids, rows)}
    lib.close()


# --- deduplication -----------------------------------------------------------------------------------
def _unit(v):
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_dedup_drops_near_synonym_pairs_and_shared_evidence_keeps_distinct_ones():
    from gapscope.gaps.dedup import Candidate, dedupe

    lora, lora_syn, splat = _unit([1, 0, 0, 0]), _unit([0.97, 0.24, 0, 0]), _unit([0, 0, 1, 0])
    seg, seg_syn, qa = _unit([0, 1, 0, 0.1]), _unit([0.05, 0.98, 0, 0.2]), _unit([0, 0, 0, 1])
    cands = [
        Candidate("lora x medical segmentation", 0.9, 1, 11, lora, seg, frozenset({1, 2, 3, 4, 5, 6})),
        # "low-rank adaptation" x "medical image segmentation": both concepts near-synonyms of the first
        Candidate("low-rank adaptation x medical image segmentation", 0.8, 2, 12, lora_syn, seg_syn,
                  frozenset({20, 21, 22, 23, 24, 25})),
        # different concepts, but four of its five evidence papers are the first gap's
        Candidate("splatting x qa (same papers)", 0.7, 3, 13, splat, qa, frozenset({1, 2, 3, 4, 30})),
        # the same method, a different problem, other papers: a distinct gap
        Candidate("lora x question answering", 0.6, 1, 13, lora, qa, frozenset({40, 41, 42, 43})),
        Candidate("splatting x medical segmentation", 0.5, 3, 11, splat, seg, frozenset({50, 51, 52})),
    ]
    kept, dropped = dedupe(cands, top=10, per_concept=None)
    assert [c.key for c in kept] == ["lora x medical segmentation", "lora x question answering",
                                     "splatting x medical segmentation"]
    why = {d["key"]: d["why"] for d in dropped}
    assert why["low-rank adaptation x medical image segmentation"].startswith("both concepts are near-synonyms")
    assert why["splatting x qa (same papers)"] == "shares most of its evidence"
    # the cap: one concept leads at most per_concept gaps
    kept1, _ = dedupe(cands, top=10, per_concept=1)
    assert sum(c.method == 1 for c in kept1) == 1


def test_listed_concept_gaps_have_no_duplicates_and_evidence_by_role(spread):
    from gapscope.gaps.candidates import concept_gaps
    from gapscope.gaps.dedup import EVIDENCE_SHARE, SYNONYM_SIM, evidence_overlap

    lib, data, cs, dates = spread
    gaps = concept_gaps(cs, dates, top=20)
    assert len(gaps) >= 5
    vec = {c.id: c.vector for c in cs.concepts}
    for a in range(len(gaps)):
        ga = gaps[a]
        assert ga.method.label in ga.statement and ga.problem.label in ga.statement
        assert ga.details["papers_with_both"] <= 1
        assert {"method", "problem"} <= set(ga.roles.values())
        for b in range(a):
            gb = gaps[b]
            assert evidence_overlap(frozenset(ga.evidence), frozenset(gb.evidence)) <= EVIDENCE_SHARE
            near_m = ga.method.cluster == gb.method.cluster or vec[ga.method.cluster] @ vec[gb.method.cluster] >= SYNONYM_SIM
            near_p = ga.problem.cluster == gb.problem.cluster or vec[ga.problem.cluster] @ vec[gb.problem.cluster] >= SYNONYM_SIM
            assert not (near_m and near_p), (ga.statement, gb.statement)
    by_id = cs.by_id()
    g = gaps[0]
    m, p = by_id[g.method.cluster], by_id[g.problem.cluster]
    for pid, role in g.roles.items():
        if role == "method":
            assert pid in m.papers and pid not in p.papers
        if role == "problem":
            assert pid in p.papers and pid not in m.papers
        if role == "both":
            assert pid in m.papers and pid in p.papers


def test_concept_gap_shortcoming_evidence_names_the_pdf_section(spread):
    """The shortcoming sentences a concept gap cites may come from a PDF's Limitations section (the reader
    gives its "section" and "page") beside abstract sentences; the section and page stay."""
    from gapscope.gaps.candidates import concept_gaps

    lib, data, cs, dates = spread
    phrase_of: dict[int, str] = {}
    for c in cs.concepts:
        if c.kind == "problem":
            for pid in c.papers:
                phrase_of.setdefault(int(pid), c.phrase)

    def reader(pids):
        return {int(p): [{"text": "Nothing is said here.", "shortcoming": "prior", "confidence": 0.99,
                          "role": "background"},
                         {"text": f"Our study does not cover {phrase_of[int(p)]} in depth.", "shortcoming": "own",
                          "confidence": 0.7, "role": "other", "section": "Limitations", "section_kind": "limitations",
                          "page": 9}] for p in pids if int(p) in phrase_of}
    gaps = concept_gaps(cs, dates, top=5, shortcomings=reader)
    quoted = [s for g in gaps for s in g.details["shortcoming_sentences"]]
    assert quoted and all(s["section"] == "Limitations" and s["page"] == 9 and s["text"].startswith("Our study")
                          for s in quoted)
    assert all(g.roles[s["paper_id"]] in ("shortcoming", "method", "problem", "both", "neighbour")
               for g in gaps for s in g.details["shortcoming_sentences"])


# --- a corpus too short for time ---------------------------------------------------------------------
def test_backtest_and_growth_refuse_a_one_week_corpus_naming_the_span_needed(one_week, tmp_path):
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.gaps import find_gaps
    from gapscope.gaps.concept_backtest import backtest_concepts
    from gapscope.gaps.span import MIN_BACKTEST_BEFORE_DAYS, MIN_GROWTH_SPAN_DAYS, SpanTooShort
    from gapscope.maps import build_maps

    lib, data, cs, dates = one_week
    first, last = min(dates.values()), max(dates.values())
    with pytest.raises(SpanTooShort, match=f"at least {MIN_BACKTEST_BEFORE_DAYS} days of papers before") as exc:
        backtest_concepts(lib, [last], concepts=cs, dates=dates)
    assert first in str(exc.value) and last in str(exc.value)
    r = CliRunner().invoke(main, ["--library", str(lib.path), "gaps", "backtest", "--before", last, "--json"])
    assert r.exit_code == 1 and "needs at least" in r.output
    build_maps(lib, data=data, stability_seeds=1)
    notices: list[str] = []
    found = find_gaps(lib, data=data, notices=notices)
    assert not any(g.type == "thin_growing" for g in found)
    growth = [n for n in notices if "thin and growing" in n]
    assert growth and f"at least {MIN_GROWTH_SPAN_DAYS} days" in growth[0] and "span" in growth[0]
    assert lib.get_setting("gaps.notices") == notices


# --- the backtest JSON ---------------------------------------------------------------------------------
def test_backtest_json_has_auc_and_precision_for_gapscope_and_each_baseline_per_date(spread):
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.gaps.linkpred import BASELINES

    lib, _, _, _ = spread
    args = ["--library", str(lib.path), "gaps", "backtest", "--k", "10", "--json"]
    r = CliRunner().invoke(main, args + ["--before", "2025-12-01", "--before", "2026-02-01"])
    assert r.exit_code == 0, r.output
    res = json.loads(r.output)
    assert [d["before"] for d in res["dates"]] == ["2025-12-01", "2026-02-01"]
    assert set(BASELINES) == {"preferential_attachment", "common_neighbours", "adamic_adar", "popularity", "random"}
    for d in res["dates"]:
        assert {"roc_auc", "precision_at_k", "baselines", "candidates", "filled_candidates", "k"} <= set(d)
        assert set(d["baselines"]) == set(BASELINES)
        for x in [d] + list(d["baselines"].values()):
            assert 0.0 <= x["roc_auc"] <= 1.0 and 0.0 <= x["precision_at_k"] <= 1.0
        assert d["filled_candidates"] > 0 and d["candidates"] > d["filled_candidates"]
        # the learned ranker or, said so, the fallback; the unfiltered figures beside the filtered ones
        assert "train_window" in d["ranker"] and ("fallback" in d["ranker"] or d["ranker"]["train_positive"] >= 5)
        assert d["candidate_filter"] != "none" and {"method", "problem"} == set(d["generic_concepts"])
        ap = d["all_pairs"]
        assert set(ap["baselines"]) == set(BASELINES) and ap["candidates"] >= d["candidates"]
        assert 0.0 <= ap["roc_auc"] <= 1.0 and 0.0 <= ap["precision_at_k"] <= 1.0
    # one date: the object itself, no "dates"
    r = CliRunner().invoke(main, args + ["--before", "2026-02-01"])
    one = json.loads(r.output)
    assert "dates" not in one and one["before"] == "2026-02-01" and set(one["baselines"]) == set(BASELINES)
    r = CliRunner().invoke(main, ["--library", str(lib.path), "gaps", "backtest", "--before", "2026-02-01"])
    assert r.exit_code == 0 and "adamic_adar" in r.output and "ROC-AUC" in r.output
    assert "ranker" in r.output and "no concept-quality filter" in r.output


def test_expected_precision_counts_ties_by_their_share():
    from gapscope.gaps.linkpred import expected_precision_at_k

    score = np.array([3.0, 2.0, 2.0, 2.0, 2.0, 1.0])
    y = np.array([0, 1, 1, 0, 0, 1], dtype=bool)
    # top 3 = the 3.0 plus two of four tied 2.0s, half of which are positive
    assert expected_precision_at_k(score, y, 3) == pytest.approx((0 + 2 * 0.5) / 3)


def test_stale_when_maps_or_library_change(spread):
    from gapscope.gaps import find_gaps, list_gaps
    from gapscope.gaps.stale import stale_reasons
    from gapscope.maps import build_maps

    lib, data, _, _ = spread
    build_maps(lib, data=data, stability_seeds=1, facets=["topic"])
    find_gaps(lib, data=data)
    g = list_gaps(lib, limit=1)[0]
    assert stale_reasons(lib, g) == []
    build_maps(lib, data=data, stability_seeds=1, facets=["topic"])
    assert stale_reasons(lib, g) == ["the topic map was rebuilt"]


def test_gaps_found_from_out_of_date_maps_are_stale_from_the_start(spread, tmp_path, shared_data):
    """Papers imported after the maps were built: gaps found now come from maps without them, so they say
    so at once (stale, with the map and the reason), and find_gaps warns (its notices; `gaps find` too)."""
    import shutil

    from gapscope.gaps import find_gaps, list_gaps
    from gapscope.gaps.stale import CONCEPTS_OUT_OF_DATE, FOUND_FROM, OUT_OF_DATE, stale_reasons
    from gapscope.maps import build_maps
    from gapscope.maps.stale import PAPERS_CHANGED
    from gapscope.store import Library

    src, data, _, _ = spread
    src._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(src.path, tmp_path / "lib.sqlite")        # a copy: the module's library stays as it is
    lib = Library(tmp_path / "lib.sqlite")
    try:
        build_maps(lib, data=data, stability_seeds=1, facets=["topic"])
        new = [{**r, "arxiv_id": r["arxiv_id"] + "-new"}
               for r in read_slice(shared_data / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz", 2, 997)]
        insert_papers(lib, new)
        notices: list[str] = []
        find_gaps(lib, data=data, notices=notices)
        g = list_gaps(lib, limit=1)[0]
        assert stale_reasons(lib, g) == [FOUND_FROM + f"the topic map ({PAPERS_CHANGED})",
                                         FOUND_FROM + CONCEPTS_OUT_OF_DATE]
        assert [n for n in notices if n.startswith(OUT_OF_DATE)] and "topic map" in notices[-1]
        assert lib.get_setting("gaps.notices")[-1] == notices[-1]
    finally:
        lib.close()
