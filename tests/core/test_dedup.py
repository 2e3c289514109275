"""Deduplication: arXiv id (any version), DOI, normalized and near-identical titles."""

from gapscope.ingest import ingest_papers
from gapscope.models import Paper, split_arxiv_id, normalize_doi
from gapscope.sources.dedup import normalize_title


def ingest(lib, papers):
    return ingest_papers(lib, papers, kind="import", source="t", target="test")


def test_arxiv_id_forms():
    assert split_arxiv_id("2501.01234v3") == ("2501.01234", 3)
    assert split_arxiv_id("arXiv:2501.01234") == ("2501.01234", None)
    assert split_arxiv_id("https://arxiv.org/abs/hep-th/9901001v2") == ("hep-th/9901001", 2)
    assert split_arxiv_id("math.AG/0601001") == ("math.AG/0601001", None)
    assert normalize_doi("https://doi.org/10.1145/ABC.1") == "10.1145/abc.1"
    assert normalize_doi("not a doi") is None


def test_normalize_title_ignores_case_latex_accents_punctuation():
    assert normalize_title(r"Learning with \emph{Sparse} $k$-NN Graphs") == "learning with sparse k nn graphs"
    assert normalize_title("Déjà Vu: LLMs") == "deja vu llms"
    assert normalize_title("Attention Is All You Need.") == normalize_title("attention is all you need")


def test_same_arxiv_paper_in_two_versions_is_one_paper(library):
    ingest(library, [Paper(title="A", arxiv_id="2501.00001", arxiv_version=1, versions=[(1, "2025-01-01")], source="s", source_key="a1")])
    rep = ingest(library, [Paper(title="A (revised)", arxiv_id="2501.00001", arxiv_version=2,
                                 versions=[(1, "2025-01-01"), (2, "2025-02-01")], source="s2", source_key="a2")])
    assert (rep.added, rep.merged) == (0, 1)
    pid = library.resolve("2501.00001")
    assert library.get_paper(pid).arxiv_version == 2
    assert library.versions(pid) == [(1, "2025-01-01"), (2, "2025-02-01")]
    assert [s["source"] for s in library.source_records(pid)] == ["s", "s2"]


def test_preprint_and_published_version_merge_by_title(library):
    title = "Scaling laws for sparse mixture of experts language models"
    ingest(library, [Paper(title=title, authors=["Jane Doe", "Bo Li"], year=2024, arxiv_id="2403.11111",
                           abstract="Preprint abstract.", source="arxiv", source_key="2403.11111")])
    rep = ingest(library, [Paper(title=title.upper() + ".", authors=["Doe, Jane"], year=2025, doi="10.1000/jmlr.1",
                                 venue="JMLR", source="bibtex", source_key="doe2025")])
    assert (rep.added, rep.merged) == (0, 1)
    p = library.get_paper(library.resolve("2403.11111"))
    assert p.doi == "10.1000/jmlr.1" and p.venue == "JMLR" and p.abstract == "Preprint abstract."


def test_near_identical_title_with_same_first_author_merges(library):
    ingest(library, [Paper(title="Efficient transformers for long document summarization", authors=["Ann Lee"],
                           year=2024, source="a", source_key="1")])
    rep = ingest(library, [Paper(title="Efficient Transformer for Long-Document Summarisation", authors=["A. Lee"],
                                 year=2024, source="b", source_key="2")])
    assert rep.merged == 1 and library.count_papers() == 1


def test_arxiv_record_merges_by_fuzzy_title_into_a_paper_without_arxiv_id(library):
    """Journal record first, its arXiv preprint later (near-identical title): one paper. Once it has
    that arXiv id, a record with another arXiv id and the same title is another paper."""
    ingest(library, [Paper(title="Efficient transformers for long document summarization", authors=["Ann Lee"],
                           year=2024, doi="10.1000/j.1", source="bibtex", source_key="lee2024")])
    rep = ingest(library, [Paper(title="Efficient Transformer for Long-Document Summarisation", authors=["A. Lee"],
                                 year=2024, arxiv_id="2405.00001", source="arxiv", source_key="2405.00001"),
                           Paper(title="Efficient Transformer for Long-Document Summarisation", authors=["A. Lee"],
                                 year=2024, arxiv_id="2405.00002", source="arxiv", source_key="2405.00002")])
    assert (rep.added, rep.merged) == (1, 1)
    pid = library.resolve("10.1000/j.1")
    assert library.resolve("2405.00001") == pid and library.resolve("2405.00002") != pid


def test_different_ids_or_authors_stay_apart(library):
    t = "A survey of large language models for code generation"
    rep = ingest(library, [
        Paper(title=t, arxiv_id="2401.00001", authors=["X Y"], source="a", source_key="1"),
        Paper(title=t, arxiv_id="2402.00002", authors=["X Y"], source="a", source_key="2"),  # two arXiv papers
        Paper(title=t, doi="10.1/a", authors=["P Q"], source="a", source_key="3"),  # different first author
        Paper(title="Introduction", authors=["A B"], source="a", source_key="4"),
        Paper(title="Introduction", authors=["C D"], source="a", source_key="5"),  # short generic title
    ])
    assert rep.added == 5 and library.count_papers() == 5


def test_bioRxiv_and_journal_doi_are_the_same_paper(library, shared_data):
    """Real Crossref records: the same paper with a bioRxiv DOI (2024) and a Cell Genomics DOI (2025)."""
    from gapscope.ingest import import_file

    folder = shared_data / "fixtures/paperqa-api-cassettes/decoded"
    bib = library.path.parent / "crossref.bib"
    bib.write_text("\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.bib"))), encoding="utf-8")
    import_file(library, bib)
    hits = library.list_paper_ids(query='"pooled prime editing"')
    assert len(hits) == 1
    p = library.get_paper(hits[0])
    assert p.doi == "10.1016/j.xgen.2025.100814"  # the published DOI wins over the preprint's
    # the cassettes hold Herger_2024 twice: the repeat is kept as a record of its own (key ~2)
    assert {s["source_key"].split("#")[1].split("~")[0] for s in library.source_records(p.id)} == {"Herger_2024", "Herger_2025"}
