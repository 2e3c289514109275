"""Bibliography exports of real papers read back through GapScope's own importers, field by field;
CSL-JSON structure; selections; notes."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.exports import export_text, select_ids, to_bibtex
from gapscope.exports.bibtex import unique_keys
from gapscope.ingest import import_file
from gapscope.store import Library

from .reports_fixtures import build


@pytest.fixture(scope="module")
def built(tmp_path_factory, shared_data):
    b = build(tmp_path_factory.mktemp("exportlib"), shared_data)
    yield b
    b.lib.close()


def _fields(p):
    return {"arxiv_id": p.arxiv_id, "title": p.title, "authors": p.authors, "year": p.year, "doi": p.doi}


@pytest.mark.parametrize("fmt,ext", [("bibtex", "bib"), ("ris", "ris")])
def test_round_trip_through_the_importers_keeps_id_title_authors_year_doi(built, tmp_path, fmt, ext):
    # 150 arXiv 2025 papers (accents in names), 100 arXiv 2007 papers (DOIs; LaTeX, braces and
    # backslashes in titles) and 30 from the screening CSV (no arXiv id). The BibTeX reader takes
    # ~30 ms an entry, so the test stays at 280 papers.
    ids = built.arxiv_ids[:150] + built.kaggle_ids[:100] + built.csv_ids[:30]
    originals = built.lib.get_papers(ids)
    path = tmp_path / f"selection.{ext}"
    path.write_text(export_text(built.lib, fmt, ids), encoding="utf-8")

    fresh = Library(tmp_path / "fresh.sqlite")
    rep = import_file(fresh, path)
    assert (rep.read, rep.added, rep.merged, rep.errors) == (len(ids), len(ids), 0, [])
    got = fresh.get_papers(fresh.list_paper_ids())
    assert len(got) == len(originals)
    for orig, back in zip(originals, got):  # field by field, in export order
        assert _fields(back) == _fields(orig), orig.id
    assert sum(1 for p in got if p.arxiv_id) == 250
    assert sum(1 for p in got if p.doi) >= 50
    # LaTeX in real titles came back as the same text
    assert sum(1 for p in got if "$" in p.title) >= 3 and any("\\" in p.title for p in got)
    assert any("{" in p.title for p in got)
    fresh.close()


_CARRIED = ("title", "authors", "year", "published", "arxiv_id", "arxiv_version", "doi", "categories", "venue")


def _small_library(shared_data, tmp_path):
    """Real records: 12 arXiv cs papers of 2025 (several categories each), 12 of the 2007 snapshot
    (DOIs, journal references, several versions), and one published paper without an arXiv id whose
    URL is its publisher's page, whose date has a month and which carries a PubMed id (read from BibTeX)."""
    import gzip
    import itertools

    with gzip.open(shared_data / "arxiv/arxiv-cs-2025-2026.jsonl.gz", "rt", encoding="utf-8") as f:
        cs = list(itertools.islice(f, 12))
    with open(shared_data / "arxiv/kaggle-snapshot-head200.jsonl", encoding="utf-8") as f:
        kaggle = [line for line in f if json.loads(line).get("doi")][:13]
    src = tmp_path / "src.jsonl"
    src.write_text("".join(cs + kaggle[:12]), encoding="utf-8")
    rec = json.loads(kaggle[12])
    bib = tmp_path / "published.bib"
    bib.write_text(f"@article{{pub, title = {{{rec['title']}}}, author = {{{rec['authors']}}}, year = {{2008}},"
                   f" month = jul, journal = {{{rec.get('journal-ref') or 'Phys. Rev. D'}}}, doi = {{{rec['doi']}}},"
                   f" url = {{https://journals.example.org/{rec['doi']}}}, pmid = {{18517657}}}}\n", encoding="utf-8")
    lib = Library(tmp_path / "orig.sqlite")
    import_file(lib, src)
    import_file(lib, bib)
    return lib


@pytest.mark.parametrize("fmt,ext", [("bibtex", "bib"), ("ris", "ris"), ("csljson", "json"), ("csv", "csv")])
def test_round_trip_into_a_fresh_library_keeps_every_field_the_format_carries(shared_data, tmp_path, fmt, ext):
    lib = _small_library(shared_data, tmp_path)
    ids = lib.list_paper_ids()
    originals = lib.get_papers(ids)
    # what the test relies on: several categories, versions past 1, month-day dates, a publisher URL
    assert any(len(p.categories) > 1 for p in originals) and any((p.arxiv_version or 0) > 1 for p in originals)
    assert any(p.published and len(p.published) == 10 for p in originals)
    assert any(p.url and "arxiv.org" not in p.url for p in originals)
    assert any(p.pmid for p in originals)
    path = tmp_path / f"export.{ext}"
    path.write_text(export_text(lib, fmt, ids), encoding="utf-8")
    fresh = Library(tmp_path / "fresh.sqlite")
    rep = import_file(fresh, path)
    assert (rep.read, rep.added, rep.errors) == (len(ids), len(ids), [])
    back = fresh.get_papers(fresh.list_paper_ids())
    for orig, got in zip(originals, back):
        for name in _CARRIED:
            assert getattr(got, name) == getattr(orig, name), (fmt, orig.id, name)
        assert got.abstract == " ".join(orig.abstract.split())  # line breaks: none of the formats holds them
        assert got.url == orig.url  # the arXiv page, or the publisher's
        assert got.pmid == orig.pmid, (fmt, orig.id)       # RIS: AN, as PubMed's own RIS
    lib.close()
    fresh.close()


def test_csl_json_of_another_program_imports(tmp_path, library):
    """A Zotero-style CSL-JSON item: family/given names, date-parts, container-title; a bad item is
    reported with its line and the others kept."""
    path = tmp_path / "zotero.json"
    path.write_text(json.dumps([
        {"id": "http://zotero.org/users/1/items/AB", "type": "article-journal", "title": "Deep Residual Learning",
         "author": [{"family": "He", "given": "Kaiming"}, {"literal": "The CV Group"}],
         "issued": {"date-parts": [["2016", 6]]}, "container-title": "CVPR", "DOI": "10.1109/CVPR.2016.90"},
        {"id": "notitle", "type": "article"},
        "not an item",
    ], indent=1), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    notitle = next(n for n, line in enumerate(lines, 1) if '"notitle"' in line) - 1  # its "{" line
    stray = next(n for n, line in enumerate(lines, 1) if '"not an item"' in line)
    rep = import_file(library, path)
    assert (rep.added, rep.bad) == (1, 2)
    assert [str(e).split(": ", 1)[0] for e in rep.errors] == [f"{path}:{notitle}", f"{path}:{stray}"]
    p = library.get_paper(rep.added_ids[0])
    assert (p.authors, p.year, p.published, p.venue, p.doi) == (["Kaiming He", "The CV Group"], 2016, "2016-06",
                                                                 "CVPR", "10.1109/cvpr.2016.90")


def test_bibtex_entries_keep_arxiv_fields_and_unique_keys(built):
    papers = built.lib.get_papers(built.lib.list_paper_ids())
    text = to_bibtex(papers)
    keys = re.findall(r"^@\w+\{([^,\n]+),$", text, flags=re.M)
    assert len(keys) == len(papers) == len(set(keys))
    assert all(re.fullmatch(r"[a-z0-9]+", k) for k in keys)
    first = papers[0]
    entry = text.split("\n\n")[0]
    assert f"eprint = {{{first.arxiv_id_versioned}}}" in entry and "archivePrefix = {arXiv}" in entry
    assert f"primaryClass = {{{first.primary_category}}}" in entry
    # the same first author, year and first word still get distinct keys
    twins = [papers[0], papers[0], papers[0]]
    assert len(set(unique_keys(twins))) == 3


def test_csl_json_is_structurally_valid(built):
    ids = built.lib.list_paper_ids()
    items = json.loads(export_text(built.lib, "csljson", ids))
    papers = built.lib.get_papers(ids)
    assert len(items) == len(papers)
    assert len({it["id"] for it in items}) == len(items)
    for it, p in zip(items, papers):
        assert it["type"] in ("article", "article-journal")
        assert it["title"] == p.title
        for a in it.get("author", []):
            assert set(a) <= {"family", "given", "suffix", "literal"} and (a.get("family") or a.get("literal"))
        assert len(it.get("author", [])) == len(p.authors)
        if p.year:
            parts = it["issued"]["date-parts"]
            assert isinstance(parts, list) and len(parts) == 1 and parts[0][0] == p.year
            assert all(isinstance(x, int) for x in parts[0]) and 1 <= len(parts[0]) <= 3
        if p.doi:
            assert it["DOI"] == p.doi
        if p.arxiv_id:
            assert it["URL"] == f"https://arxiv.org/abs/{p.arxiv_id}" and p.arxiv_id in it["note"]


def test_selections(built):
    lib = built.lib
    assert select_ids(lib) == lib.list_paper_ids()
    assert select_ids(lib, tag="seed") == built.arxiv_ids[:5]
    assert select_ids(lib, collection="picked") == built.arxiv_ids[:10]
    assert select_ids(lib, included=True) == sorted(built.included)
    assert select_ids(lib, collection="picked", included=True) == []  # no decisions inside that collection
    p = lib.get_paper(built.arxiv_ids[7])
    assert select_ids(lib, ids=[p.arxiv_id, str(built.arxiv_ids[3])]) == [built.arxiv_ids[7], built.arxiv_ids[3]]
    word = max(re.findall(r"[A-Za-z]{6,}", p.title), key=len)
    assert p.id in select_ids(lib, query=word)


def test_notes_markdown_and_json(built):
    lib = built.lib
    data = json.loads(export_text(lib, "notes-json", lib.list_paper_ids()))
    assert [d["paper"]["id"] for d in data] == sorted(built.included[:3])
    for d in data:
        abstract = lib.get_paper(d["paper"]["id"]).abstract
        assert d["notes"][0]["body"].startswith("Worth reading")
        h = d["highlights"][0]
        assert h["text"] == abstract[h["start"]:h["end"]] and h["comment"] == "key claim"
        assert d["paper"]["link"] == f"https://arxiv.org/abs/{d['paper']['arxiv_id']}"
    text = export_text(lib, "notes-md", lib.list_paper_ids())
    assert text.count("\n## ") == 3 and "\\*stars\\*" in text and "key claim" in text


def test_cli_export(built, tmp_path):
    out = tmp_path / "inc.ris"
    res = CliRunner().invoke(main, ["--library", str(built.lib.path), "export", "ris", "-o", str(out), "--included"])
    assert res.exit_code == 0, res.output
    assert out.read_text().count("ER  -") == len(built.included)
    res = CliRunner().invoke(main, ["--library", str(built.lib.path), "export", "bibtex", "-o", "-", "--ids",
                                    "9999999"])
    assert res.exit_code == 4


def test_the_calls_the_desktop_export_action_makes(built, tmp_path):
    """dialogs/export_dialog.py calls gapscope.reports.export_report(lib, path, fmt=..., progress=, cancel=)
    and export_bibliography(lib, path, fmt=..., paper_ids=..., progress=, cancel=)."""
    from gapscope.jobs import CancelToken
    from gapscope.reports import export_bibliography, export_report

    seen = []
    progress = lambda done, total, msg="": seen.append((done, total))  # noqa: E731
    d = export_report(built.lib, tmp_path / "r.md", fmt="markdown", progress=progress, cancel=CancelToken())
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# Gap report")
    assert d.prisma.included == len(built.included) and seen and seen[-1][0] == seen[-1][1]
    n = export_bibliography(built.lib, tmp_path / "sel.bib", fmt="bibtex", paper_ids=built.included,
                            progress=progress, cancel=CancelToken())
    assert n == len(built.included)
    assert (tmp_path / "sel.bib").read_text(encoding="utf-8").count("@misc{") == len(built.included)
    with pytest.raises(ValueError):
        export_report(built.lib, tmp_path / "x.doc", fmt="doc")


def _exports_read_back(lib, tmp_path, stem, change=lambda fmt, text: text):
    """The library's papers exported in each format (the text ``change``d), written, then imported back into
    it: each file and its import report, every record merged into its paper."""
    ids = lib.list_paper_ids()
    for fmt, ext in (("bibtex", "bib"), ("ris", "ris"), ("csljson", "json")):
        path = tmp_path / f"{stem}.{ext}"
        path.write_text(change(fmt, export_text(lib, fmt, ids)), encoding="utf-8")
        rep = import_file(lib, path)
        assert (rep.merged, rep.added) == (len(ids), 0)
        yield path, rep


@contextmanager
def _counts_unchanged_by_reading_back(lib):
    """The PRISMA counts after the block are those before it, and say that the three files were read back."""
    from gapscope.reports import build_report_data

    before = build_report_data(lib).prisma
    yield
    after = build_report_data(lib).prisma
    assert (after.identified, after.duplicates_removed, after.after_dedup) == \
        (before.identified, before.duplicates_removed, before.after_dedup)
    n = 3 * lib.count_papers()
    assert any(f"{n} records were read back from GapScope's own exports" in t for t in after.how_counted)


def test_reading_back_the_librarys_own_export_is_not_counted_as_identified(shared_data, tmp_path):
    from gapscope.reports import build_report_data

    lib = _small_library(shared_data, tmp_path)
    ids = lib.list_paper_ids()
    with _counts_unchanged_by_reading_back(lib):    # before: 3 x 25 more identified, as many "duplicates removed"
        list(_exports_read_back(lib, tmp_path, "own export"))
    # In another library the export is where its papers come from: one identified record each.
    fresh = Library(tmp_path / "fresh.sqlite")
    import_file(fresh, tmp_path / "own export.bib")
    import_file(fresh, tmp_path / "own export.ris")
    p = build_report_data(fresh).prisma
    assert (p.identified, p.duplicates_removed, p.after_dedup) == (len(ids), 0, len(ids))
    lib.close()
    fresh.close()


def _unmarked(fmt: str, text: str) -> str:
    """An export as GapScope wrote it before it marked its exports (the mark taken out)."""
    if fmt == "bibtex":
        assert text.startswith("@comment{GapScope export}\n")
        return text.replace("@comment{GapScope export}\n", "", 1)
    if fmt == "ris":
        return re.sub(r"^DB  - GapScope\n", "", text, flags=re.M)
    items = json.loads(text)
    for i in items:
        del i["source"]
    return json.dumps(items, ensure_ascii=False, indent=2)


def test_an_unmarked_older_export_of_the_librarys_papers_is_not_counted_as_identified(shared_data, tmp_path):
    lib = _small_library(shared_data, tmp_path)
    ids = lib.list_paper_ids()
    with _counts_unchanged_by_reading_back(lib):
        for path, rep in _exports_read_back(lib, tmp_path, "older export", _unmarked):
            assert [w.location for w in rep.warnings if "no GapScope mark" in w.message] == [str(path)]
            again = import_file(lib, path)                  # a re-import finds the same records again
            assert (again.unchanged, again.merged, again.added) == (len(ids), 0, 0)
    lib.close()


def test_the_same_papers_from_another_program_or_with_a_new_one_are_counted(shared_data, tmp_path):
    """Real duplicates stay visible: a list of the library's papers in another program's layout (Zotero's
    RIS here), and an unmarked export holding a paper the library lacks, count as identified records."""
    from gapscope.reports import build_report_data

    lib = _small_library(shared_data, tmp_path)
    ids = lib.list_paper_ids()
    papers = lib.get_papers(ids)
    before = build_report_data(lib).prisma
    zotero = tmp_path / "zotero.ris"
    zotero.write_text("".join(
        f"TY  - JOUR\nTI  - {p.title}\n" + "".join(f"AU  - {a}\n" for a in p.authors)
        + f"T2  - {p.venue or 'arXiv'}\nAB  - {' '.join(p.abstract.split())}\nDA  - {p.year}///\nPY  - {p.year}\n"
        + (f"DO  - {p.doi}\n" if p.doi else "") + f"UR  - {p.url or 'https://example.org'}\nER  - \n\n"
        for p in papers),
        encoding="utf-8")
    rep = import_file(lib, zotero)
    assert (rep.merged, rep.added) == (len(ids), 0) and not any("no GapScope mark" in w.message for w in rep.warnings)
    mid = build_report_data(lib).prisma
    assert (mid.identified, mid.duplicates_removed) == \
        (before.identified + len(ids), before.duplicates_removed + len(ids))
    # an older GapScope export from a library that holds one paper more: it is not this library's own
    other = Library(tmp_path / "other.sqlite")
    src = tmp_path / "one more.jsonl"
    with open(shared_data / "arxiv/kaggle-snapshot-head200.jsonl", encoding="utf-8") as f:
        src.write_text(f.readlines()[-1], encoding="utf-8")
    import_file(other, src)
    mixed = tmp_path / "older export from elsewhere.ris"
    mixed.write_text(_unmarked("ris", export_text(lib, "ris", ids)) + "\n"
                     + _unmarked("ris", export_text(other, "ris", other.list_paper_ids())), encoding="utf-8")
    rep = import_file(lib, mixed)
    assert (rep.merged, rep.added) == (len(ids), 1)
    after = build_report_data(lib).prisma
    assert (after.identified, after.duplicates_removed, after.after_dedup) == \
        (mid.identified + len(ids) + 1, mid.duplicates_removed + len(ids), mid.after_dedup + 1)
    other.close()
    lib.close()


def test_a_csv_export_is_a_table_with_the_tags_and_reads_back_as_the_librarys_own_papers(shared_data, tmp_path):
    """`gapscope export csv`: one row a paper with its tags (for a spreadsheet); read back into the library
    every row merges into its paper and the PRISMA counts stay; in another library it is where its papers
    came from."""
    import csv

    from gapscope.reports import build_report_data

    lib = _small_library(shared_data, tmp_path)
    ids = lib.list_paper_ids()
    lib.add_tag(ids[:2], "to read")
    path = tmp_path / "table.csv"
    r = CliRunner().invoke(main, ["--library", str(lib.path), "export", "csv", "-o", str(path)])
    assert r.exit_code == 0, r.output
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [int(row["id"]) for row in rows] == ids
    assert [row["tags"] for row in rows[:3]] == ["to read", "to read", ""]
    assert rows[0]["title"] == lib.get_paper(ids[0]).title and rows[0]["authors"].count("; ") >= 1
    before = build_report_data(lib).prisma
    rep = import_file(lib, path)
    assert (rep.read, rep.merged, rep.added, rep.errors) == (len(ids), len(ids), 0, [])
    after = build_report_data(lib).prisma
    assert (after.identified, after.duplicates_removed) == (before.identified, before.duplicates_removed)
    fresh = Library(tmp_path / "fresh.sqlite")
    import_file(fresh, path)
    p = build_report_data(fresh).prisma
    assert (p.identified, p.duplicates_removed, p.after_dedup) == (len(ids), 0, len(ids))
    lib.close()
    fresh.close()


@pytest.mark.parametrize("fmt,ext", [("bibtex", "bib"), ("ris", "ris")])
def test_tags_and_notes_travel_to_zotero_and_come_back_as_tags_with_the_categories_kept(shared_data, tmp_path,
                                                                                        fmt, ext):
    """BibTeX keywords / RIS KW carry the tags after the categories (Zotero's tags), annote / N1 the notes
    (Zotero's notes); a GapScope import of its own export keeps the categories as categories and brings the
    tags back as tags. --no-tags-notes leaves them out."""
    from bibtexparser.bparser import BibTexParser

    lib = _small_library(shared_data, tmp_path)
    ids = lib.list_paper_ids()
    p = next(p for p in lib.get_papers(ids) if len(p.categories) > 1)
    lib.add_tag([p.id], "to read")
    lib.add_tag([p.id], "include, maybe")          # a comma: Zotero would split it at it in BibTeX
    lib.add_note(p.id, "Strong baseline.\nCheck the ablation in section 5.")
    lib.add_note(p.id, "Second note")
    text = export_text(lib, fmt, [p.id])
    if fmt == "bibtex":
        [entry] = BibTexParser(common_strings=True).parse(text).entries
        keywords = [k.strip() for k in entry["keywords"].split(",")]
        assert keywords == p.categories + ["include / maybe", "to read"]
        assert entry["annote"].split("\n\n") == ["Strong baseline. Check the ablation in section 5.", "Second note"]
    else:
        lines = text.splitlines()
        assert [v for t, v in (x.split("  - ", 1) for x in lines if x[2:6] == "  - ") if t == "KW"] == \
            p.categories + ["include, maybe", "to read"]
        assert "N1  - Strong baseline. Check the ablation in section 5." in lines and "N1  - Second note" in lines
    path = tmp_path / f"tagged.{ext}"
    path.write_text(text, encoding="utf-8")
    fresh = Library(tmp_path / "fresh.sqlite")
    rep = import_file(fresh, path)
    [back] = fresh.get_papers(rep.added_ids)
    assert back.categories == p.categories
    assert fresh.tags_of(back.id) == (["include / maybe", "to read"] if fmt == "bibtex" else ["include, maybe", "to read"])
    fresh.close()
    lib.close()
    out = CliRunner().invoke(main, ["--library", str(tmp_path / "orig.sqlite"), "export", fmt, "-o", "-", "--ids",
                                    str(p.id), "--no-tags-notes"]).output
    assert "to read" not in out and "Second note" not in out and p.categories[1] in out


@pytest.mark.parametrize("fmt,ext", [("bibtex", "bib"), ("ris", "ris")])
def test_own_export_read_back_takes_no_id_from_a_note_and_no_category_from_inside_a_tag(tmp_path, fmt, ext):
    """A note that starts "arXiv:..." names another paper, not this one's id (RIS writes notes as N1 like
    the arXiv note); a tag that holds a category's name ("re-read cs.LG part") adds no category, and a
    category-like tag after a plain one comes back as a tag."""
    bib = tmp_path / "in.bib"
    bib.write_text("@article{doe, title = {A study of things}, author = {Doe, Jane}, year = {2020},"
                   " journal = {J}, doi = {10.1000/things}}\n"
                   "@misc{roe, title = {A preprint}, author = {Roe, Ann}, year = {2023}, eprint = {2301.00001},"
                   " archivePrefix = {arXiv}, primaryClass = {cs.CL}}\n", encoding="utf-8")
    lib = Library(tmp_path / "orig.sqlite")
    import_file(lib, bib)
    pid = next(p.id for p in lib.get_papers(lib.list_paper_ids()) if p.doi)
    lib.add_note(pid, "arXiv:2301.00001 is the long version of it")
    lib.add_tag([pid], "re-read cs.LG part")
    lib.add_tag([pid], "stat")
    path = tmp_path / f"out.{ext}"
    path.write_text(export_text(lib, fmt, [pid]), encoding="utf-8")
    fresh = Library(tmp_path / "fresh.sqlite")
    rep = import_file(fresh, path)
    [back] = fresh.get_papers(rep.added_ids)
    assert (back.arxiv_id, back.categories) == (None, [])
    assert fresh.tags_of(back.id) == ["re-read cs.LG part", "stat"]
    rep = import_file(lib, path)     # into its own library: the paper it is, not the preprint
    assert (rep.merged, rep.added) == (1, 0)
    assert lib.get_paper(pid).arxiv_id is None and lib.get_paper(pid).categories == []
    fresh.close()
    lib.close()


@pytest.mark.parametrize("fmt,ext", [("bibtex", "bib"), ("ris", "ris"), ("csljson", "json"), ("csv", "csv")])
def test_a_paper_known_by_its_pmid_alone_read_back_from_an_export_is_the_same_paper(tmp_path, fmt, ext):
    """A PubMed record without a title has only its PMID: the export carries it (RIS as AN), so reading the
    export back merges into that paper instead of adding a second "[untitled] PMID ..." one."""
    ris = tmp_path / "pubmed.ris"
    ris.write_text("TY  - JOUR\nAU  - Doe, J\nPY  - 2019\nDB  - PubMed\nAN  - 31234567\nER  - \n", encoding="utf-8")
    lib = Library(tmp_path / "lib.sqlite")
    import_file(lib, ris)
    [pid] = lib.list_paper_ids()
    path = tmp_path / f"out.{ext}"
    path.write_text(export_text(lib, fmt, [pid]), encoding="utf-8")
    rep = import_file(lib, path)
    assert (rep.added, rep.merged + rep.unchanged) == (0, 1) and lib.list_paper_ids() == [pid]
    lib.close()


@pytest.mark.parametrize("fmt,ext", [("bibtex", "bib"), ("ris", "ris")])
def test_tags_with_tex_characters_come_back_as_written(tmp_path, fmt, ext):
    """BibTeX keywords are read as LaTeX like every other field: a tag is escaped as they are, so "$x$ math"
    or a backslash comes back as the same tag, not as a new one beside it."""
    bib = tmp_path / "in.bib"
    bib.write_text("@article{doe, title = {A study of things}, author = {Doe, Jane}, year = {2020},"
                   " journal = {J}, doi = {10.1000/things}}\n", encoding="utf-8")
    lib = Library(tmp_path / "orig.sqlite")
    import_file(lib, bib)
    [pid] = lib.list_paper_ids()
    tags = ["$x$ math", "50% done", "C# code", "R&D", "back\\slash", "under_score", "{braced}", "~tilde", "naïve"]
    for t in tags:
        lib.add_tag([pid], t)
    path = tmp_path / f"out.{ext}"
    path.write_text(export_text(lib, fmt, [pid]), encoding="utf-8")
    fresh = Library(tmp_path / "fresh.sqlite")
    [back] = import_file(fresh, path).added_ids
    assert sorted(fresh.tags_of(back)) == sorted(lib.tags_of(pid))
    assert import_file(lib, path).merged == 1 and sorted(lib.tags_of(pid)) == sorted(tags)      # no new tag
    fresh.close()
    lib.close()


@pytest.mark.parametrize("fmt,ext", [("bibtex", "bib"), ("ris", "ris"), ("csljson", "json"), ("csv", "csv")])
def test_the_untitled_placeholder_is_not_exported_as_a_title(tmp_path, fmt, ext):
    """A paper without a title shows as "[untitled] <start of its abstract>" in the app: that label is not
    the paper's title, so an export writes its real, empty title (read back, the importer labels it again)."""
    src = tmp_path / "in.csv"
    src.write_text("title,abstract,year,doi\n,no title here,2019,10.1000/untitled\n", encoding="utf-8")
    lib = Library(tmp_path / "lib.sqlite")
    import_file(lib, src)
    [pid] = lib.list_paper_ids()
    assert lib.get_paper(pid).title == "[untitled] no title here"
    text = export_text(lib, fmt, [pid])
    assert "[untitled]" not in text and "no title here" in text      # the abstract is written, as before
    if fmt == "bibtex":
        assert "title =" not in text                                 # an empty field is left out
    path = tmp_path / f"out.{ext}"
    path.write_text(text, encoding="utf-8")
    fresh = Library(tmp_path / "fresh.sqlite")
    [back] = import_file(fresh, path).added_ids
    assert fresh.get_paper(back).title == "[untitled] no title here"          # not "[untitled] [untitled] ..."
    assert import_file(lib, path).added == 0                                  # the same paper, by its DOI
    fresh.close()
    lib.close()


@pytest.mark.parametrize("fmt,ext", [("bibtex", "bib"), ("ris", "ris"), ("csv", "csv"), ("csljson", "json")])
def test_an_untitled_paper_without_an_identifier_read_back_from_an_export_is_the_same_paper(tmp_path, fmt, ext):
    """No title, no DOI, PMID or arXiv id: its export read back is the paper it came from (the same abstract,
    first author and year), not a second one; a different untitled record, even one whose abstract starts the
    same (the same placeholder title), stays a paper of its own."""
    start = "We gave methylphenidate to forty children with attention deficit disorder in a crossover trial"
    src = tmp_path / "in.csv"
    src.write_text("title,abstract,authors,year\n"
                   f',"{start} and rated behaviour (p<0.05, n = 40).","Doe, Jane",2019\n'
                   f',"{start} and measured sleep by actigraphy.","Doe, Jane",2019\n', encoding="utf-8")
    lib = Library(tmp_path / "lib.sqlite")
    assert import_file(lib, src).added == 2
    ids = lib.list_paper_ids()
    path = tmp_path / f"out.{ext}"
    path.write_text(export_text(lib, fmt, ids), encoding="utf-8")
    rep = import_file(lib, path)
    assert (rep.added, rep.merged) == (0, 2) and lib.list_paper_ids() == ids
    assert all("same abstract" in m for m in rep.merges)
    other = tmp_path / "other.csv"      # another study: a different abstract, or another author or year
    other.write_text("title,abstract,authors,year\n"
                     f',"{start} and rated behaviour (p<0.05, n = 40).","Roe, Richard",2019\n'
                     f',"{start} and measured sleep by actigraphy.","Doe, Jane",2009\n'
                     f',"{start} and measured appetite.","Doe, Jane",2019\n', encoding="utf-8")
    assert import_file(lib, other).added == 3
    lib.close()


@pytest.mark.parametrize("rows", [
    # untitled Russian records: an ASCII-only key keeps only their numbers
    ',"Мы изучили 40 детей в 2019 году и оценили их поведение.",2019\n'
    ',"Мы измерили сон 40 взрослых в 2019 году с помощью актиграфии.",2019\n',
    # Chinese title and author names normalise to nothing, so these too are matched by their abstracts
    "深度学习研究,本文于2020年提出一种新的图像分类方法。,2020\n机器翻译评测,我们在2020年评测了三个翻译系统。,2020\n",
])
def test_records_matched_by_abstract_in_another_script_that_share_only_numbers_stay_two_papers(tmp_path, rows):
    """The match by abstract (a record without a title to compare) reads the abstract's words in every script:
    two different abstracts that share only their numbers are two papers; the file read again adds none."""
    src = tmp_path / "in.csv"
    src.write_text("title,abstract,year\n" + rows, encoding="utf-8")
    lib = Library(tmp_path / "lib.sqlite")
    rep = import_file(lib, src)
    assert (rep.added, rep.merged) == (2, 0)
    assert import_file(lib, src).added == 0
    lib.close()


def test_untitled_records_with_the_same_abstract_and_different_pmids_stay_two_papers(tmp_path):
    """Two PubMed records are two papers: the same abstract under two PMIDs (a duplicate publication) is not
    merged by the untitled-record match, as two DOIs or two arXiv ids are not."""
    abstract = "We gave methylphenidate to forty children with attention deficit disorder in a crossover trial."
    src = tmp_path / "in.csv"
    src.write_text("title,abstract,authors,year,pmid\n"
                   f',"{abstract}","Doe, Jane",2019,31000001\n,"{abstract}","Doe, Jane",2019,31000002\n',
                   encoding="utf-8")
    lib = Library(tmp_path / "lib.sqlite")
    rep = import_file(lib, src)
    assert (rep.added, rep.merged) == (2, 0)
    lib.close()
