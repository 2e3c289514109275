"""A search that is a paper's arXiv id or DOI (as pasted: with a version, an "arXiv:" prefix, an arxiv.org or
doi.org address) finds that paper, in the search box's path (store/search_listing.py), `gapscope search` and
`gapscope papers search`; several pasted together find each of them; words and the AND / OR syntax keep
working beside them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.ingest import ingest_papers
from gapscope.models import Paper
from gapscope.store import Library, LibraryError
from gapscope.store.search_listing import search_paper_ids

PAPERS = {
    "bag": Paper(title="BAGNet: point cloud learning", abstract="Irregular graph data of points.",
                 arxiv_id="2506.00475", arxiv_version=2, source="t", source_key="bag"),
    "old": Paper(title="Strings on branes", abstract="Old style identifiers.", arxiv_id="hep-th/9901001",
                 source="t", source_key="old"),
    "doi": Paper(title="Graph mining at scale", abstract="Mining graphs of the web.",
                 doi="10.1145/3292500.3330701", source="t", source_key="doi"),
    "paren": Paper(title="A clinical trial", abstract="Patients and graphs.", doi="10.1016/s0140-6736(20)30183-5",
                   source="t", source_key="paren"),
    "plain": Paper(title="Graph neural networks", abstract="Message passing in 2019.", source="t",
                   source_key="plain"),
}


@pytest.fixture
def path(tmp_path):
    p = tmp_path / "ids.gapscope"
    lib = Library(p)
    ingest_papers(lib, list(PAPERS.values()), kind="import", source="t", target="test")
    lib.close()
    return p


@pytest.fixture
def lib(path):
    lib = Library(path)
    yield lib
    lib.close()


@pytest.fixture
def found(lib):
    key = {p.id: k for p in lib.get_papers(lib.list_paper_ids()) for k, q in PAPERS.items() if q.title == p.title}

    def search(q):
        listed = {key[i] for i in lib.list_paper_ids(query=q)}
        ranked = {key[i] for i, _rank in lib.search(q)}
        box, _by_note = search_paper_ids(lib, q)          # the Library's search box
        assert listed == ranked == {key[i] for i in box}, q
        return listed

    return search


@pytest.mark.parametrize("query", ["2506.00475", "2506.00475v2", "arXiv:2506.00475", "arxiv:2506.00475v1",
                                  "arXiv: 2506.00475", "https://arxiv.org/abs/2506.00475v2",
                                  "arxiv.org/abs/2506.00475", "www.arxiv.org/abs/2506.00475",
                                  "http://www.arxiv.org/abs/2506.00475v2",
                                  "https://arxiv.org/pdf/2506.00475v2.pdf",
                                  " 2506.00475 ", "2506.00475."])
def test_a_new_style_arxiv_id_as_pasted_finds_its_paper(found, query):
    assert found(query) == {"bag"}


@pytest.mark.parametrize("query", ["10.1145/3292500.3330701", "https://doi.org/10.1145/3292500.3330701",
                                  "doi.org/10.1145/3292500.3330701", "https://dx.doi.org/10.1145/3292500.3330701",
                                  "doi:10.1145/3292500.3330701", "DOI: 10.1145/3292500.3330701",
                                  "10.1145/3292500.3330701."])
def test_a_doi_as_pasted_finds_its_paper(found, query):
    assert found(query) == {"doi"}


def test_an_old_style_id_and_a_doi_with_parentheses(found):
    assert found("hep-th/9901001v3") == {"old"}
    assert found("10.1016/S0140-6736(20)30183-5") == {"paren"}


def test_a_pasted_list_finds_each_paper(found):
    assert found("2506.00475 10.1145/3292500.3330701 hep-th/9901001") == {"bag", "doi", "old"}
    assert found("2506.00475, 10.1145/3292500.3330701;hep-th/9901001") == {"bag", "doi", "old"}
    assert found("2506.00475\n10.1145/3292500.3330701") == {"bag", "doi"}
    assert found("2506.00475 OR hep-th/9901001") == {"bag", "old"}


def test_words_and_the_search_syntax_keep_working_beside_an_id(found):
    assert found("2506.00475 points") == {"bag"}
    assert found("2506.00475 AND points") == {"bag"}
    assert found("2506.00475 molecules") == set()
    assert found("graph -2506.00475") == {"doi", "plain", "paren"}
    assert found("graph NOT 10.1145/3292500.3330701") == {"bag", "plain", "paren"}
    assert found("(graph OR graphs) -2506.00475 -doi:10.1145/3292500.3330701") == {"plain", "paren"}
    assert found("graph OR mining") == {"bag", "doi", "plain", "paren"}     # unchanged without ids
    assert found("2019") == {"plain"}         # a number is a word, never a library id


def test_an_id_no_paper_has_finds_nothing_and_the_cli_says_which(found, path):
    assert found("2506.99999") == set()
    r = CliRunner().invoke(main, ["-L", str(path), "search", "2506.99999"])
    assert r.exit_code == 0, r.output
    assert "2506.99999" in r.stderr and "arXiv id" in r.stderr


def test_an_id_beside_words_inside_or_is_refused_saying_why(lib):
    with pytest.raises(LibraryError, match="arXiv id or DOI"):
        lib.list_paper_ids(query="2506.00475 OR graph")


def test_only_left_out_ids_leave_nothing_to_search_for(lib):
    with pytest.raises(LibraryError, match="nothing to search for"):
        lib.search("-2506.00475")


def test_cli_search_and_papers_search_find_a_paper_by_its_id(path):
    r = CliRunner().invoke(main, ["-L", str(path), "search", "arXiv:2506.00475v2", "--json"])
    assert r.exit_code == 0, r.output
    [hit] = json.loads(r.stdout)
    assert hit["title"].startswith("BAGNet") and hit["where"] == "arXiv:2506.00475"
    r = CliRunner().invoke(main, ["-L", str(path), "search", "https://doi.org/10.1145/3292500.3330701"])
    assert r.exit_code == 0 and "Graph mining at scale" in r.stdout and "doi:10.1145/3292500.3330701" in r.stdout
    r = CliRunner().invoke(main, ["-L", str(path), "papers", "search", "2506.00475", "--json"])
    assert r.exit_code == 0, r.output
    assert [p["title"] for p in json.loads(r.stdout)] == [PAPERS["bag"].title]


def test_an_id_with_words_narrows_the_full_text_and_note_search_to_that_paper(lib):
    bag = lib.resolve("2506.00475")
    [plain] = lib.list_paper_ids(query='title:"graph neural networks"')
    lib.add_note(bag, "compare the pooling layer")
    lib.add_note(plain, "pooling again")
    assert {h["paper_id"] for h in lib.search_annotations("pooling")} == {bag, plain}
    assert {h["paper_id"] for h in lib.search_annotations("2506.00475 pooling")} == {bag}
    assert lib.search_annotations("2506.00475") == []          # an id alone asks about the paper, not its notes
    assert lib.search_fulltext("2506.00475") == []


def test_an_operator_beside_an_id_written_with_its_prefix_apart(found):
    # "doi: 10.1145/..." is two chunks: NOT, AND and OR before it apply to the id, as to "doi:10.1145/..."
    assert found("graph NOT doi: 10.1145/3292500.3330701") == {"bag", "plain", "paren"}
    assert found("graph AND doi: 10.1145/3292500.3330701") == {"doi"}
    assert found("2506.00475 OR arXiv: hep-th/9901001") == {"bag", "old"}
    assert found("arXiv: 2506.00475 OR doi: 10.1145/3292500.3330701") == {"bag", "doi"}


def test_words_on_one_side_of_or_and_a_prefixed_id_on_the_other_are_refused(lib):
    with pytest.raises(LibraryError, match="arXiv id or DOI"):
        lib.list_paper_ids(query="graph OR arXiv: 2506.00475")


@pytest.mark.parametrize("query", ["1234.5678", "2019.12345", "10.5/10"])
def test_a_number_shaped_like_an_id_but_not_one_stays_words(lib, query):
    # no arXiv id has month 34 or 19, no DOI a one-digit registrant: the words are searched, as before ids
    ingest_papers(lib, [Paper(title="Scores", abstract="A score of 1234.5678, a 2019.12345 run, rated 10.5/10.",
                              source="t", source_key="numbers")], kind="import", source="t", target="test")
    [scores] = lib.list_paper_ids(query='title:"scores"')
    assert lib.list_paper_ids(query=query) == [scores]
    assert [i for i, _rank in lib.search(query)] == [scores]
