"""Each importer on the real files in ../shared/data, and bad input of every kind."""

import gzip
import json

import pytest

from gapscope.ingest import ImportFailed, import_file
from gapscope.sources.files import read_arxiv_snapshot, read_bibtex, read_csv, read_ris
from gapscope.models import Paper, RecordError, RecordWarning


def test_kaggle_snapshot_head(library, shared_data):
    path = shared_data / "arxiv/kaggle-snapshot-head200.jsonl"
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.errors) == (200, 200, [])
    p = library.get_paper(library.resolve("0704.0001"))
    assert p.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert p.authors[:2] == ["C. Balázs", "E. L. Berger"]
    assert p.categories == ["hep-ph"] and p.primary_category == "hep-ph"
    assert p.doi == "10.1103/physrevd.76.013009"
    assert p.published == "2007-04-02" and p.year == 2007
    assert [v for v, _ in library.versions(p.id)] == [1, 2]
    assert p.arxiv_version == 2
    rec = library.source_records(p.id)[0]
    assert rec["source"] == "arxiv-snapshot" and rec["data"]["id"] == "0704.0001"


def test_gzip_slice_of_the_cs_file_and_reimport_adds_nothing(library, shared_data, tmp_path):
    src = shared_data / "arxiv/arxiv-cs-2025-2026.jsonl.gz"
    part = tmp_path / "slice.jsonl.gz"
    with gzip.open(src, "rt", encoding="utf-8") as f, gzip.open(part, "wt", encoding="utf-8") as out:
        for i, line in enumerate(f):
            if i == 1500:
                break
            out.write(line)
    rep = import_file(library, part, batch_size=400)
    assert (rep.read, rep.added, len(rep.errors)) == (1500, 1500, 0)
    again = import_file(library, part)
    assert (again.added, again.merged, again.unchanged) == (0, 0, 1500)
    assert library.count_papers() == 1500
    log = library.imports_log()
    assert [e["status"] for e in log] == ["done", "done"] and log[1]["added"] == 1500


def test_screening_csvs(library, shared_data):
    rep = import_file(library, shared_data / "screening/kitchenham2010-software-engineering.csv")
    assert rep.read == 1704 and rep.errors == []
    # The dataset marks 6 records as duplicates of others; the ones with the same title are merged.
    assert rep.merged >= 4 and rep.added + rep.merged == 1704
    rep2 = import_file(library, shared_data / "screening/cohen2006-adhd.csv")
    assert rep2.read == 851
    # Rows with an empty title but an abstract or a PMID are imported under a placeholder, with a
    # warning by line: record 214 (PMID 11483144) is an included study and must not be lost.
    assert rep2.errors == [] and rep2.added + rep2.merged == 851
    untitled = [w for w in rep2.warnings if "no title: imported as" in w.message]
    assert untitled and all(str(w).startswith(str(shared_data / "screening/cohen2006-adhd.csv") + ":") for w in untitled)
    assert library.list_paper_ids(query='"PMID 11483144"')
    hit = library.list_paper_ids(query='"clonidine as an analgesic"')
    p = library.get_paper(hit[0])
    assert p.year == 1999 and p.authors[0] == "E J Reimer"


def test_csv_without_title_column_fails_whole_and_writes_nothing(library, tmp_path):
    bad = tmp_path / "no-title.csv"
    bad.write_text("name,abstract\nfoo,bar\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"no-title.csv:1: no title column \(found: name, abstract\)"):
        import_file(library, bad)
    assert library.count_papers() == 0 and library.imports_log() == []


def test_empty_and_missing_files(library, tmp_path):
    empty = tmp_path / "empty.bib"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ImportFailed, match="empty.bib: the file is empty"):
        import_file(library, empty)
    with pytest.raises(ImportFailed, match="no such file"):
        import_file(library, tmp_path / "missing.ris")
    assert library.imports_log() == []


def test_malformed_json_lines_are_reported_and_good_ones_kept(library, shared_data, tmp_path):
    lines = (shared_data / "arxiv/kaggle-snapshot-head200.jsonl").read_text(encoding="utf-8").splitlines()[:5]
    lines.insert(2, '{"id": "0704.9999", "title": "broken')
    lines.insert(4, '{"title": "no id here"}')
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rep = import_file(library, path)
    assert rep.added == 5
    assert [str(e).split(": ")[0] for e in rep.errors] == [f"{path}:3", f"{path}:5"]
    assert "not valid JSON" in rep.errors[0].message and "no 'id'" in rep.errors[1].message
    assert json.loads(library._conn.execute("SELECT errors FROM imports").fetchone()[0])[0].startswith(str(path))


BIB = r"""% a comment line
@article{vaswani2017,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki},
  year = {2017},
  eprint = {1706.03762v5},
  archivePrefix = {arXiv},
  doi = {10.48550/arXiv.1706.03762},
  abstract = {The dominant sequence transduction models are based on {RNNs}.}
}

@inproceedings{broken,
  title = {Unclosed entry,
  author = {Nobody}

@article{gödel,
  title = {{\"U}ber formal unentscheidbare S{\"a}tze der \emph{Principia Mathematica}},
  author = {G{\"o}del, Kurt},
  journal = {Monatshefte f{\"u}r Mathematik},
  year = 1931
}
"""


def test_bibtex_good_bad_and_latex(library, tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    recs = list(read_bibtex(path))
    papers = [r for r in recs if isinstance(r, Paper)]
    errors = [r for r in recs if isinstance(r, RecordError)]
    # keyed by the file's resolved path: refs.bib in another folder is another source
    assert [p.source_key for p in papers] == [f"{path.resolve()}#vaswani2017", f"{path.resolve()}#gödel"]
    v, g = papers
    assert (v.arxiv_id, v.arxiv_version, v.year) == ("1706.03762", 5, 2017)
    assert v.authors == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]
    assert v.abstract == "The dominant sequence transduction models are based on RNNs."
    assert g.title == "Über formal unentscheidbare Sätze der Principia Mathematica"
    assert g.authors == ["Kurt Gödel"] and g.venue == "Monatshefte für Mathematik"
    assert len(errors) == 1 and errors[0].location == f"{path}:12" and "'title' is not closed" in errors[0].message
    rep = import_file(library, path)
    assert (rep.added, len(rep.errors)) == (2, 1)


def test_bibtex_in_latin1_is_read_and_said(library, tmp_path):
    path = tmp_path / "latin1.bib"
    path.write_bytes("@article{k1, title={Étude des réseaux}, author={Müller, Jörg}, year={2020}}\n".encode("latin-1"))
    recs = list(read_bibtex(path))
    assert recs[0].title == "Étude des réseaux" and recs[0].authors == ["Jörg Müller"]


RIS = """TY  - JOUR
TI  - Deep residual learning for image recognition
AU  - He, Kaiming
AU  - Zhang, Xiangyu
PY  - 2016
DO  - 10.1109/CVPR.2016.90
AB  - Deeper neural networks are more difficult to train.
  We present a residual learning framework.
JO  - CVPR
UR  - https://arxiv.org/abs/1512.03385v1
ER  -

TY  - JOUR
AU  - Nobody
PY  - 2020
ER  -

TY  - CHAP
TI  - Unterminated record
"""


def test_ris_good_bad_and_continuations(library, tmp_path):
    path = tmp_path / "refs.ris"
    path.write_text(RIS, encoding="utf-8")
    recs = list(read_ris(path))
    p = recs[0]
    assert isinstance(p, Paper)
    assert p.title == "Deep residual learning for image recognition"
    assert p.authors == ["Kaiming He", "Xiangyu Zhang"] and p.year == 2016 and p.doi == "10.1109/cvpr.2016.90"
    assert p.abstract.endswith("We present a residual learning framework.")
    assert (p.arxiv_id, p.arxiv_version) == ("1512.03385", 1)
    errs = [r for r in recs if isinstance(r, RecordError) and not isinstance(r, RecordWarning)]
    assert [e.location for e in errs] == [f"{path}:13"] and "no title" in errs[0].message
    # the last record lost its 'ER  -' line at the end of the file: kept, with a note at its line
    assert recs[-1].title == "Unterminated record" and recs[-1].location == f"{path}:18"
    assert str(recs[-2]) == (f"{path}:18: last record not closed with 'ER  -' before the end of the file: "
                             "imported as read; check its last field")


def test_csv_reader_handles_quoted_newlines_and_reports_line(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text('title,abstract,year\n"A title","line one\nline two",2020\n,,2021\n"B",,x\n', encoding="utf-8")
    recs = list(read_csv(path))
    assert recs[0].abstract == "line one\nline two" and recs[0].year == 2020
    assert isinstance(recs[1], RecordError) and recs[1].location == f"{path}:4"
    assert isinstance(recs[2], RecordWarning) and str(recs[2]) == f"{path}:5: unreadable year 'x': the record is kept without a year"
    assert recs[3].title == "B" and recs[3].year is None


def test_arxiv_reader_on_math_file_is_lazy(shared_data):
    it = read_arxiv_snapshot(shared_data / "arxiv/arxiv-math-2025-2026.jsonl.gz")
    first = next(it)
    assert isinstance(first, Paper) and first.arxiv_id and first.categories[0].startswith("math")


def test_bibtex_string_macros_apply_to_later_entries(tmp_path):
    path = tmp_path / "macros.bib"
    path.write_text('@string{jmlr = "Journal of Machine Learning Research"}\n'
                    '@article{a1, title={One}, journal=jmlr, year=2020}\n'
                    '@article{a2, title={Two}, journal=jmlr # " (special issue)", year=2021}\n', encoding="utf-8")
    papers = list(read_bibtex(path))
    assert [p.venue for p in papers] == ["Journal of Machine Learning Research",
                                         "Journal of Machine Learning Research (special issue)"]


def test_arxiv_version_dates_read_as_written():
    from email.utils import parsedate_to_datetime

    from gapscope.sources.files import _created_date

    for created in ("Mon, 2 Apr 2007 19:18:42 GMT", "Tue, 31 Dec 2024 23:59:59 -0500", "2 Jan 2025 00:00:01 +0900",
                    "Wed,  3 Jan 2024 10:00:00 GMT"):
        assert _created_date(created) == parsedate_to_datetime(created).date().isoformat()
    with pytest.raises(ValueError):
        _created_date("Fri, 31 Feb 2025 10:00:00 GMT")


def test_a_year_that_cannot_be_read_is_said_in_every_format_and_never_cut_to_four_digits(tmp_path):
    """A typo'd year ("19999", "20x5") is kept out of the record with a note naming its line, in BibTeX
    and RIS as in CSV; "19999" is never read as 1999. A suffixed year (2020a) is still 2020."""
    bib = tmp_path / "years.bib"
    bib.write_text("@article{a, title={Typo year}, year={19999}}\n\n"
                   "@article{b, title={Letter in the year}, year={20x5}}\n\n"
                   "@article{c, title={Author-year suffix}, year={2020a}}\n", encoding="utf-8")
    ris = tmp_path / "years.ris"
    ris.write_text("TY  - JOUR\nTI  - Typo year\nPY  - 19999\nER  - \n\n"
                   "TY  - JOUR\nTI  - Letter in the year\nPY  - 20x5\nER  - \n", encoding="utf-8")
    csv = tmp_path / "years.csv"
    csv.write_text("title,year\nTypo year,19999\n", encoding="utf-8")
    for recs, lines in ((list(read_bibtex(bib)), (1, 3)), (list(read_ris(ris)), (1, 6)),
                        (list(read_csv(csv)), (2,))):
        papers = [r for r in recs if isinstance(r, Paper)]
        notes = [str(r) for r in recs if isinstance(r, RecordWarning)]
        assert [p.year for p in papers][:2] == [None] * len(lines)
        assert all(p.published is None for p in papers[:len(lines)])
        path = papers[0].location.rsplit(":", 1)[0]
        assert notes == [f"{path}:{n}: unreadable year {y!r}: the record is kept without a year"
                         for n, y in zip(lines, ("19999", "20x5"))]
    assert papers and [p.year for p in read_bibtex(bib) if isinstance(p, Paper)][2] == 2020


def test_a_ris_record_that_lost_its_er_line_is_kept_with_a_note(library, tmp_path):
    """A record whose 'ER  -' line is missing ends where the next 'TY  -' starts: all its fields are there,
    so it is imported (with a note naming its line), not refused; the record after it is read as before."""
    path = tmp_path / "hand-edited.ris"
    path.write_text("TY  - JOUR\nTI  - First record without its end\nAU  - Lovelace, Ada\nPY  - 2020\n"
                    "DO  - 10.1000/first\n\n"
                    "TY  - JOUR\nTI  - Second record\nPY  - 2021\nER  - \n", encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad) == (2, 2, 0)
    first = library.get_paper(library.resolve("10.1000/first"))
    assert first.title == "First record without its end" and first.authors == ["Ada Lovelace"]
    assert [str(w) for w in rep.warnings] == [f"{path}:1: record not closed with 'ER  -' before the next 'TY  -' "
                                              "(line 7): imported as read; check its last field"]


def test_a_file_pasted_together_from_two_encodings_names_only_its_latin1_lines(library, tmp_path):
    """A UTF-8 BibTeX file with one entry pasted in from a Windows-1252 export: the note names that line
    alone (not "from this line on": the UTF-8 entries after it are read as UTF-8), and both accents are
    right."""
    path = tmp_path / "pasted.bib"
    path.write_bytes("@article{a, title={Réseaux de neurones}, year={2020}}\n\n".encode("cp1252")
                     + "@article{b, title={Müller's graphs}, year={2021}}\n".encode("utf-8"))
    rep = import_file(library, path)
    titles = sorted(p.title for p in library.get_papers(library.list_paper_ids()))
    assert titles == ["Müller's graphs", "Réseaux de neurones"]
    assert [str(w) for w in rep.warnings] == [f"{path}:1: this line is not UTF-8: read as Windows-1252 (latin-1);"
                                              " check the accents there"]


def test_a_bibtex_entry_that_lost_its_closing_brace_is_kept_with_a_note(library, tmp_path):
    """An entry whose closing brace is missing ends where the next '@type{' line starts: all its fields
    are there, so it is imported with a note naming its line (and the next entry's), not refused; so is one
    left open at the end of the file (tests/core/test_import_bibtex_damage.py has the damage that refuses one)."""
    path = tmp_path / "hand-edited.bib"
    path.write_text("@article{first,\n  title = {First entry without its end},\n  author = {Lovelace, Ada},\n"
                    "  year = {2020},\n  doi = {10.1000/first}\n\n"
                    "@inproceedings(second,\n  title = {Second entry},\n  year = 2021\n\n"
                    "@misc{third,\n  title = {Third entry, closed},\n  year = {2022}\n}\n\n"
                    "@article{last,\n  title = {Cut off at the end},\n", encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad) == (4, 4, 0)
    first = library.get_paper(library.resolve("10.1000/first"))
    assert first.title == "First entry without its end" and first.authors == ["Ada Lovelace"] and first.year == 2020
    assert sorted(library.get_paper(i).title for i in rep.added_ids) == [
        "Cut off at the end", "First entry without its end", "Second entry", "Third entry, closed"]
    assert [str(w) for w in rep.warnings] == [
        f"{path}:1: BibTeX entry '@article{{first,' not closed (a '}}' is missing) before the next entry (line 7): "
        "imported as read; check its last field",
        f"{path}:7: BibTeX entry '@inproceedings(second,' not closed (a '}}' is missing) before the next entry "
        "(line 11): imported as read; check its last field",
        f"{path}:16: BibTeX entry '@article{{last,' not closed (a '}}' is missing) before the end of the file: "
        "imported as read; check its last field"]
    assert rep.errors == []


def test_a_ris_file_whose_last_record_has_no_er_line_keeps_it_with_a_note(library, tmp_path):
    """Zotero's RIS translator keeps a record the end of the file closes; so does GapScope, with a note
    naming the file and line (CRLF line ends as Windows tools write them)."""
    path = tmp_path / "x.ris"
    path.write_bytes(b"TY  - JOUR\r\nTI  - CRLF record one\r\nAU  - Kim, A\r\nPY  - 2020\r\nER  - \r\n"
                     b"TY  - JOUR\r\nTI  - Last record no ER\r\nAU  - Park, J\r\nPY  - 2021\r\n")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad) == (2, 2, 0)
    last = library.get_paper(rep.added_ids[1])
    assert (last.title, last.authors, last.year) == ("Last record no ER", ["J Park"], 2021)
    assert [str(w) for w in rep.warnings] == [f"{path}:6: last record not closed with 'ER  -' before the end of "
                                              "the file: imported as read; check its last field"]


def test_a_ris_record_without_its_ty_line_is_kept_and_counted_once(library, tmp_path):
    """A record's fields with no 'TY  -' line before them are one record (default type), kept with a note;
    a stray 'ER  -' holds nothing; lines that are no RIS at all are one bad record, their text kept."""
    path = tmp_path / "no-type.ris"
    path.write_text("Exported from a database, 2 records\n\n"
                    "TI  - No type record\nAU  - Lee, B\nPY  - 2019\nER  - \nER  - \n"
                    "TY  - JOUR\nTI  - Typed record\nER  - \n", encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad) == (3, 2, 1)
    assert library.get_paper(rep.added_ids[0]).title == "No type record"
    assert [str(e) for e in rep.errors] == [
        f"{path}:1: this line is not a RIS line and is outside any record (a RIS field reads 'XX  - value', two "
        "spaces before the dash): Exported from a database, 2 records"]
    assert [str(w) for w in rep.warnings] == [
        f"{path}:3: record has no 'TY  -' line (its first field is TI): imported as read, with the default type (JOUR)",
        f"{path}:7: 'ER  -' without a record before it: ignored"]


def test_a_long_run_of_non_ris_lines_is_one_bad_record_of_bounded_length(library, tmp_path):
    """A page of something else inside a .ris file (a saved web page, a log) is one bad record naming its
    first and last line and quoting its start, not one message as long as the page: the report and the
    import log stay readable, and the file still holds every line."""
    junk = [f"<p>line {i} of a saved web page that is not RIS at all</p>" for i in range(1, 2001)]
    path = tmp_path / "page.ris"
    path.write_text("TY  - JOUR\nTI  - Kept record\nER  - \n" + "\n".join(junk) + "\n", encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad) == (2, 1, 1)
    (err,) = [str(e) for e in rep.errors]
    assert err.startswith(f"{path}:4: 2000 lines (to line 2003) are not RIS lines")
    assert junk[0] in err and junk[-1] not in err
    assert len(err) < 2 * 1000 + len(str(path)) + 300
