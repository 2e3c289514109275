"""The citation graph built from the recorded answers (the microfinance paper: 44 references, 1,873 citing
works) plus constructed papers, checked against hand-computed co-citation, coupling and Adamic-Adar;
related-papers ranking; snowballing; the citation evidence of a gap.

Constructed (r1..r3: the first three recorded references of the microfinance paper M; C1: its first
recorded citing work):
    Pa cites r1 r2 r3 X        Pb cites r1 r2 X Y        Pc cites Y
    Q cites M and Pa           C1 (cites M, recorded) also cites Pa
Hand-computed: coupling(M,Pa)=3, coupling(M,Pb)=2, coupling(Pa,Pb)=3 (r1 r2 X), coupling(Pb,Pc)=1;
co-citation(M,Pa)=2 (Q, C1); Adamic-Adar(Pa,Pb) = 1/log deg(r1) + 1/log deg(r2) + 1/log deg(X)
= 2/log 3 + 1/log 2 (r1, r2 cited by M, Pa, Pb; X by Pa, Pb).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from gapscope.citations.enrich import enrich
from gapscope.citations.gaps import annotate_gaps, citation_link
from gapscope.citations.graph import CitationGraph
from gapscope.citations.related import collection_references, related_papers
from gapscope.citations.snowball import add_candidates, candidates
from gapscope.ingest import ingest_papers
from gapscope.models import Paper
from gapscope.store.citations import VIA_S2

from .citations_fixtures import MICRO_DOI, Recorded, make_library, point_at, serve
from .test_citations_enrich import Sleeps


@pytest.fixture
def g(library, replay_server, shared_data, monkeypatch):
    rec = Recorded(shared_data)
    serve(replay_server, rec)
    ids = make_library(library, with_missing=False)
    point_at(library, replay_server, monkeypatch)
    enrich(library, [ids[MICRO_DOI]], sleep=Sleeps())
    lib = library
    new = [Paper(title=f"Constructed paper {n}", doi=f"10.9999/p{n}", year=2024, source="test", source_key=f"p{n}")
           for n in ("a", "b", "c")]
    new.append(Paper(title="Deep nets for graphs", year=2020, authors=["Ada Lovelace"], source="test", source_key="z"))
    ingest_papers(lib, new, kind="import", source="test", target="constructed")
    w = SimpleNamespace()
    w.M = lib.work_of_paper(ids[MICRO_DOI])
    for n in ("a", "b", "c"):
        pid = lib.resolve(f"10.9999/p{n}")
        setattr(w, f"P{n}", lib.upsert_work({"doi": f"10.9999/p{n}"}, paper_id=pid))
        setattr(w, f"pid_{n}", pid)
    w.pid_M = ids[MICRO_DOI]
    w.pid_z = lib.resolve(lib.list_paper_ids(query='title:"Deep nets for graphs"')[0])
    w.r1, w.r2, w.r3 = (lib.upsert_work({"s2_id": s}) for s in rec.ref_ids[:3])
    w.C1 = lib.upsert_work({"s2_id": rec.cit_ids[0]})
    w.X = lib.upsert_work({"doi": "10.9999/x"}, {"title": "Outside work X", "year": 2019})
    w.Y = lib.upsert_work({"s2_id": "f" * 40}, {"title": "Deep Nets for Graphs", "year": 2020})   # = library paper z
    w.Q = lib.upsert_work({"openalex_id": "W999"}, {"title": "Outside work Q", "year": 2025})
    lib.add_citations([(w.Pa, w.r1), (w.Pa, w.r2), (w.Pa, w.r3), (w.Pa, w.X), (w.Pb, w.r1), (w.Pb, w.r2),
                       (w.Pb, w.X), (w.Pb, w.Y), (w.Pc, w.Y), (w.Q, w.M), (w.Q, w.Pa), (w.C1, w.Pa)], VIA_S2)
    return lib, w


def vec_at(graph, v, work):
    return v[graph.index([work])[0]]


def test_coupling_cocitation_and_adamic_adar_match_the_hand_computed_values(g):
    import networkx as nx

    lib, w = g
    G = CitationGraph.load(lib)
    i = lambda work: int(G.index([work])[0])  # noqa: E731
    assert vec_at(G, G.coupling(i(w.M)), w.Pa) == 3 and vec_at(G, G.coupling(i(w.M)), w.Pb) == 2
    assert vec_at(G, G.coupling(i(w.Pa)), w.Pb) == 3 and vec_at(G, G.coupling(i(w.Pb)), w.Pc) == 1
    assert vec_at(G, G.coupling(i(w.Pa)), w.Pc) == 0
    assert vec_at(G, G.cocitation(i(w.M)), w.Pa) == 2 and vec_at(G, G.cocitation(i(w.Pa)), w.Pb) == 0
    aa = vec_at(G, G.adamic_adar(i(w.Pa)), w.Pb)
    assert aa == pytest.approx(2 / math.log(3) + 1 / math.log(2))
    # the same as networkx on the undirected graph
    citing, cited = lib.citation_arrays()
    U = nx.Graph()
    U.add_edges_from(zip(citing.tolist(), cited.tolist()))
    [(_, _, nx_aa)] = nx.adamic_adar_index(U, [(w.Pa, w.Pb)])
    assert aa == pytest.approx(nx_aa)
    # and the same as the matrix products on the whole graph
    A = G.A.toarray()
    assert (A @ A.T)[i(w.Pa), i(w.Pb)] == 3 and (A.T @ A)[i(w.M), i(w.Pa)] == 2


def test_related_papers_rank_by_normalised_coupling_and_cocitation(g):
    lib, w = g
    rows = related_papers(lib, [w.pid_a])
    assert [r["work_id"] for r in rows] == [w.Pb, w.M]
    assert rows[0]["score"] == pytest.approx(3 / math.sqrt(4 * 4))                       # Pb: 3 of 4 and 4 refs
    assert rows[1]["score"] == pytest.approx(3 / math.sqrt(4 * 44) + 2 / math.sqrt(2 * 1874))   # M
    assert (rows[1]["coupling"], rows[1]["cocitation"]) == (3, 2)
    both = related_papers(lib, [w.pid_a, w.pid_c], measure="coupling")   # a set: scores add up
    assert [r["work_id"] for r in both][:2] == [w.Pb, w.M] and both[0]["coupling"] == 4
    refs = collection_references(lib, [w.pid_M, w.pid_a, w.pid_b], k=4)
    assert [(r["work_id"], r["cited_by"]) for r in refs] == [(w.r1, 3), (w.r2, 3), (w.r3, 2), (w.X, 2)]


def test_snowball_adds_exactly_the_new_works(g):
    from gapscope.triage import decide

    lib, w = g
    decide(lib, w.pid_a, "include")
    decide(lib, w.pid_b, "include")
    decide(lib, w.pid_c, "exclude")
    cands = candidates(lib)
    assert {c["work_id"] for c in cands} == {w.r1, w.r2, w.r3, w.X, w.Y, w.Q, w.C1}   # M is a library paper
    top = cands[0]
    assert top["work_id"] in (w.r1, w.r2, w.X) and top["backward"] == 2
    assert {c["work_id"] for c in candidates(lib, direction="forward")} == {w.Q, w.C1}
    before = lib.count_papers()
    rep = add_candidates(lib, cands)
    # Y is the library's "Deep nets for graphs" under another record: deduplicated, not added
    assert (rep.added, rep.merged, rep.skipped) == (6, 1, [])
    assert lib.count_papers() == before + 6
    assert lib.works([w.Y])[w.Y]["paper_id"] == w.pid_z
    assert candidates(lib) == []
    again = add_candidates(lib, cands)
    assert again.added == 0 and lib.count_papers() == before + 6


def test_a_snowball_with_nothing_to_add_logs_no_import(g):
    """`triage snowball --add` that finds nothing to bring in (every candidate added before, or only works
    known by an id, without a title) writes nothing and logs no import, as an empty file logs none."""
    import json

    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.triage import decide

    lib, w = g
    decide(lib, w.pid_a, "include")
    run = lambda *a: CliRunner().invoke(main, ["--library", str(lib.path), *a])  # noqa: E731
    assert json.loads(run("triage", "snowball", "--add", "--json").stdout)["import_id"] is not None
    log = json.loads(run("imports", "--json").stdout)
    papers = lib.count_papers()
    r = run("triage", "snowball", "--add")                 # all added already: no candidates left
    assert r.exit_code == 0 and "nothing to add: no candidates (nothing imported)" in r.stderr
    untitled = lib.upsert_work({"openalex_id": "W4242"})     # an id only: cannot become a paper
    lib.add_citations([(w.Pa, untitled)], VIA_S2)
    r = run("triage", "snowball", "--add", "--json")
    rep = json.loads(r.stdout)
    assert r.exit_code == 0 and rep["import_id"] is None and rep["added"] == 0
    assert rep["skipped"] == ["openalex:W4242: no title known (only an id): not added"]
    assert json.loads(run("imports", "--json").stdout) == log and lib.count_papers() == papers


def test_a_gap_says_whether_its_sides_share_a_core_and_whether_a_paper_cites_both(g):
    from gapscope.gaps.model import ClusterRef, Gap

    lib, w = g
    G = CitationGraph.load(lib)
    link = citation_link(G, [w.pid_M, w.pid_a], [w.pid_b, w.pid_c])
    assert link["common_core"] == [] and link["cite_both"] == []
    # Pc also cites r1 and r2 (now the problem side's core), and a new library paper cites both sides
    ingest_papers(lib, [Paper(title="A bridge", doi="10.9999/bridge", source="test", source_key="bridge")],
                  kind="import", source="test", target="bridge")
    bridge_pid = lib.resolve("10.9999/bridge")
    B = lib.upsert_work({"doi": "10.9999/bridge"}, paper_id=bridge_pid)
    lib.add_citations([(w.Pc, w.r1), (w.Pc, w.r2), (B, w.Pa), (B, w.Pb)], VIA_S2)
    G = CitationGraph.load(lib)
    link = citation_link(G, [w.pid_M, w.pid_a], [w.pid_b, w.pid_c])
    assert sorted(int(G.work_ids[i]) for i in link["common_core"]) == sorted([w.r1, w.r2])
    assert [int(G.work_ids[i]) for i in link["cite_both"]] == [B]

    maps = {"method": SimpleNamespace(members=lambda c: [w.pid_M, w.pid_a]),
            "result": SimpleNamespace(members=lambda c: [w.pid_b, w.pid_c])}
    gap = Gap(type="method_x_problem", score=1.0, statement="Methods about m are rarely applied to p.",
              method=ClusterRef("method", 1, 0, "m", []), problem=ClusterRef("result", 2, 0, "p", []),
              evidence=[w.pid_a], roles={w.pid_a: "method"}, details={})
    assert annotate_gaps(lib, [gap], maps) == 1
    assert "share 2 of their core references" in gap.statement and "1 paper cites both" in gap.statement
    assert gap.details["citations"]["common_core"] == 2 and gap.details["citations"]["cite_both"] == 1
    assert gap.roles[bridge_pid] == "cites_both" and gap.evidence[-1] == bridge_pid
    lone = Gap(type="method_x_problem", score=1.0, statement="s.", method=ClusterRef("method", 1, 0, "m", []),
               problem=ClusterRef("result", 2, 0, "p", []), evidence=[], roles={}, details={})
    maps["result"] = SimpleNamespace(members=lambda c: [w.pid_z])   # no citation data on that side
    assert annotate_gaps(lib, [lone], maps) == 0 and lone.statement == "s."


def test_graph_arrays_cover_every_edge_once(g):
    lib, w = g
    G = CitationGraph.load(lib)
    assert G.n_edges == lib.count_works()[2]
    assert np.all(G.paper_of[G.index([w.Pa, w.M])] == [w.pid_a, w.pid_M])


def test_the_report_shows_the_citation_graph_and_what_the_papers_build_on(g, tmp_path):
    import xml.etree.ElementTree as ET

    from gapscope.citations.figure import graph_figure
    from gapscope.reports import write_report

    lib, w = g
    fig = graph_figure(lib)
    by = {n["work_id"]: n for n in fig.nodes}
    assert set(by) >= {w.M, w.Pa, w.Pb, w.Pc}
    ia, ib = [k for k, n in enumerate(fig.nodes) if n["work_id"] in (w.Pa, w.Pb)]
    assert (ia, ib, 3) in fig.edges                                  # Pa and Pb share r1, r2, X
    assert by[w.M]["citations"] == 2185                              # S2's count, more than the edges stored
    d = write_report(lib, "html", tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    ET.fromstring(html.split("\n", 1)[1])                            # still well-formed
    assert 'id="citation-graph"' in html and 'alt="citation graph"' in html
    assert d.citations.top_references[0]["cited_by"] == 3
    write_report(lib, "md", tmp_path / "r.md")
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "### Citation graph" in md and (tmp_path / "r_files").is_dir()


def test_the_cached_matrices_are_used_until_the_graph_changes(g, tmp_path, monkeypatch):
    lib, w = g
    monkeypatch.setenv("GAPSCOPE_CITATIONS_CACHE", str(tmp_path / "cache"))
    first = CitationGraph.load(lib, cache_from=1)
    assert list((tmp_path / "cache").glob("graph-*.npz"))
    monkeypatch.setattr(type(lib), "citation_arrays", lambda self: (_ for _ in ()).throw(AssertionError("read SQLite")))
    cached = CitationGraph.load(lib, cache_from=1)
    assert (cached.A != first.A).nnz == 0 and np.array_equal(cached.paper_of, first.paper_of)
    monkeypatch.undo()
    monkeypatch.setenv("GAPSCOPE_CITATIONS_CACHE", str(tmp_path / "cache"))
    lib.add_citations([(w.Pc, w.r3)], VIA_S2)                        # the graph changed: read again
    fresh = CitationGraph.load(lib, cache_from=1)
    assert fresh.n_edges == first.n_edges + 1
    assert vec_at(fresh, fresh.coupling(int(fresh.index([w.Pc])[0])), w.Pa) == 1


def test_the_commands_related_refs_stats_and_snowball(g):
    import json

    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.triage import decide

    lib, w = g
    decide(lib, w.pid_a, "include")
    run = lambda *a: CliRunner().invoke(main, ["--library", str(lib.path), *a])  # noqa: E731
    r = run("related", f"10.9999/pa", "--json")
    assert r.exit_code == 0, r.output
    assert [x["work_id"] for x in json.loads(r.stdout)] == [w.Pb, w.M]
    r = run("related", "10.9999/pa", "--json", "--library-only", "--measure", "cocitation")
    assert [x["work_id"] for x in json.loads(r.stdout)] == [w.M]
    assert run("related", str(w.pid_z)).exit_code == 4                 # not in the graph: says so
    r = run("citations", "refs", "--json", "--k", "2")
    assert [x["work_id"] for x in json.loads(r.stdout)] == [w.r1, w.r2]
    stats = json.loads(run("citations", "stats", "--json").stdout)
    assert stats["citations"] == lib.count_works()[2] and stats["failed_steps"] == []
    cands = json.loads(run("triage", "snowball", "--json").stdout)
    assert {c["work_id"] for c in cands} == {w.r1, w.r2, w.r3, w.X, w.Q, w.C1}
    r = run("triage", "snowball", "--add", "--work", str(w.X), "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["added"] == 1
    assert lib.resolve("10.9999/x") == lib.works([w.X])[w.X]["paper_id"]


def test_each_map_cluster_gets_its_core_references(g):
    from gapscope.citations.related import cluster_core_references
    from gapscope.maps.model import Cluster, Map
    from gapscope.maps.store import save_map

    lib, w = g
    cl = [Cluster(id=k, label=f"topic {k}", keywords=[], representative="", size=s, stability=1.0, sizes_by_year={},
                  centroid=np.ones(4, dtype=np.float32) / 2) for k, s in ((0, 3), (1, 1))]
    save_map(lib, Map(facet="topic", params={}, scope={"library": True}, clusters=cl,
                      assignments={w.pid_M: 0, w.pid_a: 0, w.pid_b: 0, w.pid_c: 1}, coords={}))
    cores = {c["cluster"]: c for c in cluster_core_references(lib, k=3)}
    assert [(r["work_id"], r["cited_by"]) for r in cores[0]["core"]] == [(w.r1, 3), (w.r2, 3), (w.r3, 2)]
    assert cores[0]["with_citations"] == 3
    assert cores[1]["core"] == []                                    # Pc's one reference is no core
    from gapscope.citations.figure import graph_figure

    fig = graph_figure(lib)
    assert {n["cluster"] for n in fig.nodes if n["work_id"] in (w.M, w.Pa, w.Pb)} == {0}
    assert fig.clusters == {0: "topic 0", 1: "topic 1"}
