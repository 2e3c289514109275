"""The works table keeps one row per work whichever id named it: rows found to be the same are merged
with their edges, an outside work with a library paper's DOI is that paper, and nothing is doubled."""

from __future__ import annotations

from gapscope.ingest import ingest_papers
from gapscope.models import Paper
from gapscope.store.citations import VIA_OPENALEX, VIA_S2


def test_two_rows_of_one_work_merge_with_their_edges(library):
    lib = library
    a = lib.upsert_work({"s2_id": "a" * 40}, {"title": "Known to S2", "citation_count": 5})
    b = lib.upsert_work({"openalex_id": "W1"}, {"year": 2020, "citation_count": 9})
    x = lib.upsert_work({"doi": "10.1/x"})
    y = lib.upsert_work({"doi": "10.1/y"})
    lib.add_citations([(x, a), (a, y)], VIA_S2)
    lib.add_citations([(x, b), (b, y)], VIA_OPENALEX)
    assert lib.count_works() == (4, 0, 4)
    same = lib.upsert_work({"s2_id": "a" * 40, "openalex_id": "W1", "doi": "10.1/ab"}, {"venue": "V"})
    assert same == a and lib.count_works() == (3, 0, 2)            # b merged into a; its edges joined a's
    row = lib.works([a])[a]
    assert (row["s2_id"], row["openalex_id"], row["doi"]) == ("a" * 40, "W1", "10.1/ab")
    assert (row["title"], row["year"], row["venue"], row["citation_count"]) == ("Known to S2", 2020, "V", 9)
    via = dict(((c, d), v) for c, d, v in lib._conn.execute("SELECT citing, cited, via FROM citations"))
    assert via == {(x, a): VIA_S2 | VIA_OPENALEX, (a, y): VIA_S2 | VIA_OPENALEX}
    assert lib.upsert_work({"openalex_id": "W1"}) == a             # any of its ids finds it
    assert lib.add_citations([(x, a), (a, a)], VIA_S2) == 0        # known edge, self-loop: nothing new


def test_an_outside_work_with_a_library_doi_is_that_paper(library):
    lib = library
    ingest_papers(lib, [Paper(title="A library paper", doi="10.1/lib", source="t", source_key="1")],
                  kind="import", source="t", target="t")
    pid = lib.resolve("10.1/lib")
    ref = lib.upsert_work({"doi": "10.1/lib", "s2_id": "b" * 40}, {"title": "as S2 calls it"})
    assert lib.works([ref])[ref]["paper_id"] == pid and lib.work_of_paper(pid) == ref
    assert lib.works([ref])[ref]["title"] == "A library paper"      # the library's own title wins
    # a paper added later (snowball) and linked: the two rows become one
    ingest_papers(lib, [Paper(title="Later", source="t", source_key="2")], kind="import", source="t", target="t")
    later = lib.resolve(lib.list_paper_ids(query="Later")[0])
    own = lib.upsert_work({"arxiv_id": "2501.00001"}, paper_id=later)
    outside = lib.upsert_work({"s2_id": "c" * 40}, {"title": "Later"})
    lib.add_citations([(ref, outside)], VIA_S2)
    lib.link_work_to_paper(outside, later)
    assert lib.work_of_paper(later) == own and lib.references_of(ref) == [own]
    assert lib.works([own])[own]["s2_id"] == "c" * 40
