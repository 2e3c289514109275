"""Issue 17: bad and tricky input files never lose a good record, and every problem names its file
and line. The files are built in tmp from real records of ../shared/data."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.ingest import import_file, ingest_papers
from gapscope.models import Paper
from gapscope.store import Library

from .input_files import arxiv_lines, arxiv_records, bib_entry, csv_text, ris_record, screening_rows

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([os.path.join(ROOT, "core"), env.get("PYTHONPATH", "")])
    return env


def cli(lib_path, *args):
    return CliRunner().invoke(main, ["--library", str(lib_path), *args], catch_exceptions=False)


# --- 1. papers silently dropped ---------------------------------------------------------------------

def test_same_file_name_in_two_folders_keeps_both_papers(library, shared_data, tmp_path):
    a, b = arxiv_records(shared_data, 2)
    for folder, rec in (("zotero", a), ("mendeley", b)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "refs.bib").write_text(bib_entry(rec, "smith2020"), encoding="utf-8")
    first = import_file(library, tmp_path / "zotero" / "refs.bib")
    second = import_file(library, tmp_path / "mendeley" / "refs.bib")
    assert (first.added, second.added, second.unchanged) == (1, 1, 0)
    assert library.count_papers() == 2
    # the first paper's source record is its own, not overwritten by the second file's
    pid = library.resolve(a["id"])
    assert [s["data"]["title"] for s in library.source_records(pid)] == [" ".join(a["title"].split())]
    # importing the same file again completes it and adds nothing
    again = import_file(library, tmp_path / "zotero" / "refs.bib")
    assert (again.added, again.merged, again.unchanged) == (0, 0, 1)


@pytest.mark.parametrize("batch_size", [1, 500])
def test_a_key_repeated_in_one_file_keeps_both_and_says_so(library, shared_data, tmp_path, batch_size):
    a, b, c = arxiv_records(shared_data, 3)
    path = tmp_path / "refs.bib"
    path.write_text(bib_entry(a, "dup") + bib_entry(b, "other") + bib_entry(c, "dup"), encoding="utf-8")
    rep = import_file(library, path, batch_size=batch_size)
    assert rep.added == 3 and library.count_papers() == 3 and rep.bad == 0
    assert [str(w) for w in rep.warnings] == [f"{path}:17: key 'dup' is used again (first at line 1); "
                                             "imported as a separate record"]
    pid = library.resolve(a["id"])
    assert library.source_records(pid)[0]["data"]["eprint"] == a["id"]  # not overwritten by c's record
    again = import_file(library, path, batch_size=batch_size)
    assert (again.added, again.unchanged) == (0, 3)


def test_csv_rows_with_one_id_in_two_exports_are_two_records(library, shared_data, tmp_path):
    header, rows = screening_rows(shared_data, 4)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "export.csv").write_text(csv_text(header, rows[:2]), encoding="utf-8")
    renumbered = [["1"] + r[1:] for r in rows[2:]]  # record_id 1 again, another paper
    (tmp_path / "b" / "export.csv").write_text(csv_text(header, renumbered), encoding="utf-8")
    import_file(library, tmp_path / "a" / "export.csv")
    rep = import_file(library, tmp_path / "b" / "export.csv")
    assert rep.added == 2 and library.count_papers() == 4


# --- 2. two imports at once ---------------------------------------------------------------------------

def test_two_imports_at_once_both_complete(tmp_path, shared_data):
    """Two processes import overlapping slices of the cs file (shared authors, 1,000 shared papers) in
    small batches: each sees what the other committed (authors, papers) and neither fails."""
    lines = arxiv_lines(shared_data, 3000, name="arxiv/arxiv-cs-2025-2026.jsonl.gz")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    one.write_text("".join(lines[:2000]), encoding="utf-8")
    two.write_text("".join(lines[1000:]), encoding="utf-8")
    lib_path = tmp_path / "lib.sqlite"
    Library(lib_path).close()
    procs = [subprocess.Popen([sys.executable, "-m", "gapscope", "--library", str(lib_path), "import", "--quiet",
                               "--batch-size", "50", str(f)], env=_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for f in (one, two)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
    lib = Library(lib_path)
    assert lib.count_papers() == 3000
    assert lib._conn.execute("SELECT count(*) FROM source_records").fetchone()[0] == 3000
    assert lib._conn.execute("SELECT count(*) FROM authors").fetchone()[0] == \
        lib._conn.execute("SELECT count(DISTINCT name) FROM authors").fetchone()[0]
    assert lib._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    lib.close()


# --- 3. a truncated .gz -----------------------------------------------------------------------------

def _truncated_gz(shared_data, tmp_path, n=3000):
    src = tmp_path / "full.jsonl.gz"
    with gzip.open(src, "wt", encoding="utf-8") as out:
        out.write("".join(arxiv_lines(shared_data, n, name="arxiv/arxiv-cs-2025-2026.jsonl.gz")))
    data = src.read_bytes()
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[:len(data) * 6 // 10])  # an interrupted download
    complete = 0
    try:
        with gzip.open(cut, "rb") as f:
            for line in f:
                complete += line.endswith(b"\n")
    except EOFError:
        pass
    assert 0 < complete < n
    return cut, complete


def test_truncated_gz_keeps_every_complete_record_and_names_the_point(tmp_path, shared_data):
    cut, complete = _truncated_gz(shared_data, tmp_path)
    lib_path = tmp_path / "lib.sqlite"
    r = cli(lib_path, "import", "--quiet", "--batch-size", "5000", str(cut))
    assert r.exit_code == 3, r.output
    assert f"{cut}:{complete + 1}: the compressed file ends early" in r.output
    lib = Library(lib_path)
    assert lib.count_papers() == complete  # the unfinished batch is kept, not thrown away
    assert lib.imports_log()[0]["status"] == "done"
    lib.close()


# --- 4. a garbage file ------------------------------------------------------------------------------

def test_a_garbage_file_keeps_a_bounded_error_list(library, shared_data, tmp_path):
    cut_lines = [line[: len(line) // 2] + "\n" for line in arxiv_lines(shared_data, 200)]
    path = tmp_path / "garbage.jsonl"
    path.write_text("".join(cut_lines) * 100, encoding="utf-8")  # 20,000 truncated JSON lines
    rep = import_file(library, path, batch_size=500)
    assert rep.bad == rep.read == 20_000 and library.count_papers() == 0
    assert len(rep.errors) == 1000  # memory: the first 1,000 with file:line, the rest counted
    assert str(rep.errors[0]).startswith(f"{path}:1: not valid JSON")
    row = library.imports_log()[0]
    assert row["error_count"] == 20_000 and len(row["errors"]) == 1000
    stored = library._conn.execute("SELECT length(errors) FROM imports").fetchone()[0]
    assert stored < 200_000


# --- 5. fuzzy dedup ---------------------------------------------------------------------------------

def _paper(title, author, source_key, year=2025):
    return Paper(title=title, authors=[author, "Second Author"], year=year, source="csv", source_key=source_key)


def test_numbers_and_parts_keep_papers_apart_and_merges_are_listed(library):
    # Real titles (arXiv 2503.19800 and 2505.01372) and their siblings of another year / part.
    t1 = "SemEval-2025 Task 9: The Food Hazard Detection Challenge"
    t2 = "Evaluating Explanations: An Explanatory Virtues Framework for Mechanistic Interpretability -- The Strange Science Part I"
    rep = ingest_papers(library, [
        _paper(t1, "Korbinian Randl", "a"), _paper(t1.replace("2025", "2024"), "Korbinian Randl", "b"),
        _paper(t2, "Kola Ayonrinde", "c"), _paper(t2 + "I", "Kola Ayonrinde", "d"),
        _paper(t1.replace("Task 9", "Task 8"), "Korbinian Randl", "e"),
        # the same paper as the first, as a published version spells it: merged, and said so
        _paper("SemEval-2025 Task 9: the food-hazard detection challenge.", "K. Randl", "f"),
    ], kind="import", source="csv", target="test")
    assert (rep.added, rep.merged) == (5, 1)
    assert len(rep.merges) == 1 and "merged into #1" in rep.merges[0] and "same title" in rep.merges[0]


def test_a_near_title_merge_is_reported_with_what_it_merged(library):
    t = "Evaluating Explanations: An Explanatory Virtues Framework for Mechanistic Interpretability"
    rep = ingest_papers(library, [_paper(t, "Kola Ayonrinde", "a"),
                                  _paper(t.replace("Framework", "Frameworks"), "Kola Ayonrinde", "b")],
                        kind="import", source="csv", target="test")
    assert rep.merged == 1
    assert rep.merges[0].startswith(f"{t.replace('Framework', 'Frameworks')!r}"[:60])
    assert re.search(r" \(similar title \(ratio \d+\) and same first author\)$", rep.merges[0]), rep.merges[0]
    assert library.imports_log()[0]["merges"] == rep.merges


# --- 7. terminal escapes ------------------------------------------------------------------------------

def test_escape_sequences_in_titles_never_reach_the_terminal(tmp_path, shared_data):
    rec = arxiv_records(shared_data, 1)[0]
    rec["title"] = "Calculation\x1b]0;pwned\x07 of \x1b[2Jprompt\x9b31m diphoton"
    rec["abstract"] = "An abstract \x1bP+q\x1b\\with a DCS string."
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    lib_path = tmp_path / "lib.sqlite"
    assert cli(lib_path, "import", "--quiet", str(path)).exit_code == 0
    for args in (("papers", "show", rec["id"]), ("papers", "list"), ("papers", "search", "diphoton")):
        out = cli(lib_path, *args).output
        assert "diphoton" in out
        assert not any(c in out for c in "\x1b\x07\x9b"), (args, out)
    shown = json.loads(cli(lib_path, "papers", "show", "--json", rec["id"]).output)
    assert shown["title"] == rec["title"]  # the library and --json keep the text exactly
    lib = Library(lib_path)
    assert lib.get_paper(1).title == rec["title"]
    lib.close()


# --- 11. smaller ones ---------------------------------------------------------------------------------

def test_bibtex_entries_in_parentheses_are_read(library, shared_data, tmp_path):
    a, b = arxiv_records(shared_data, 2)
    path = tmp_path / "parens.bib"
    path.write_text(bib_entry(a, "a1", parens=True) + bib_entry(b, "b1"), encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.added, rep.bad) == (2, 0)
    assert library.get_paper(library.resolve(a["id"])).title == " ".join(a["title"].split())


def test_a_huge_title_is_refused_with_its_line(library, shared_data, tmp_path):
    recs = arxiv_records(shared_data, 3)
    recs[1]["title"] = "A" * 5_000_000
    path = tmp_path / "huge.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    rep = import_file(library, path)
    assert rep.added == 2 and rep.bad == 1
    assert str(rep.errors[0]) == f"{path}:2: record refused: title is 5,000,000 characters long (the limit is 4,000)"


def test_csv_unclosed_quote_is_reported_and_the_next_rows_kept(library, shared_data, tmp_path):
    path = _unclosed_abstract(shared_data, tmp_path, 2, n=8)  # row 3 (line 4)
    rep = import_file(library, path)
    assert rep.bad == 1 and str(rep.errors[0]).startswith(f"{path}:4: a quote opened in this row is not closed")
    assert rep.added == 7 and library.count_papers() == 7  # every other row, the ones after it too


def _quoted_csv(shared_data, n=6):
    """Title, abstract and year of real screening rows, every field quoted (as Zotero and spreadsheets
    write them), without a record-id column. Row 1's abstract is made to hold line breaks."""
    import csv
    import io

    header, rows = screening_rows(shared_data, n)
    cols = [header.index(c) for c in ("title", "abstract", "year")]
    rows = [[r[i] for i in cols] for r in rows]
    rows[1][1] = rows[1][1][:80] + "\nWe compare a, b, c\nacross sites, in two arms."
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows([["title", "abstract", "year"]] + rows)
    return rows, buf.getvalue()


def test_csv_quote_left_open_before_a_quoted_row_is_reported_at_its_line(shared_data, tmp_path):
    # The open quote runs on to the next row's opening quote: the lenient csv reader makes one row of
    # the header's width out of the two (a title holding the next row, the next row's year).
    rows, text = _quoted_csv(shared_data)
    lines = text.split("\n")
    bad_line = next(i for i, line in enumerate(lines, 1) if line.startswith(f'"{rows[3][0]}"'))
    title, abstract, year = rows[3]
    lines[bad_line - 1] = f'"{title},{abstract[:60].replace(chr(34), "")},{year}'  # only the first quote left
    path = tmp_path / "open quote.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    lib_path = tmp_path / "lib.sqlite"
    r = cli(lib_path, "import", "--quiet", str(path))
    assert r.exit_code == 3, r.output
    assert f"{path}:{bad_line}: a quote opened in this row is not closed" in r.output
    lib = Library(lib_path)
    titles = sorted(t for t, in lib._conn.execute("SELECT title FROM papers"))
    lib.close()
    # every other row is kept as it was, the one after the bad row too; the multi-line abstract is not bad
    assert titles == sorted(" ".join(r[0].split()) for i, r in enumerate(rows) if i != 3)


def test_csv_multi_line_quoted_abstract_is_not_a_bad_record(library, shared_data, tmp_path):
    rows, text = _quoted_csv(shared_data)
    path = tmp_path / "multiline.csv"
    path.write_text(text, encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.bad, rep.added, rep.warnings) == (0, len(rows), [])
    p = library.get_paper(rep.added_ids[1])
    assert p.abstract == rows[1][1]


def test_csv_unreadable_year_is_a_warning_naming_line_and_value(shared_data, tmp_path):
    rows, text = _quoted_csv(shared_data, 3)
    lines = text.split("\n")
    n = next(i for i, line in enumerate(lines) if line.startswith(f'"{rows[2][0]}"'))
    lines[n] = lines[n].replace(f'"{rows[2][2]}"', '"20x1"')
    path = tmp_path / "year.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    lib_path = tmp_path / "lib.sqlite"
    r = cli(lib_path, "import", "--quiet", str(path))
    assert f"{path}:{n + 1}: unreadable year '20x1'" in r.output, r.output
    lib = Library(lib_path)
    assert lib.count_papers() == 3  # the record is kept, without a year
    assert [y for y, in lib._conn.execute("SELECT year FROM papers ORDER BY id")][2] is None
    lib.close()


def test_csv_row_with_a_stray_quote_is_bad_with_its_text_not_imported_shifted(library, shared_data, tmp_path):
    """A quote misplaced inside a row (text after a closing quote) shifts its columns under the lenient
    reader: the row is reported at its line with its text, never imported with a garbled title."""
    rows, text = _quoted_csv(shared_data, 4)
    lines = text.split("\n")
    n = next(i for i, line in enumerate(lines) if line.startswith(f'"{rows[2][0]}"'))
    title, abstract, year = rows[2]
    lines[n] = f'"{title},"abs",Eps,{year},'
    path = tmp_path / "stray quote.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad) == (4, 3, 1)
    assert [str(e) for e in rep.errors] == [
        f"{path}:{n + 1}: a quote in this row is misplaced (text follows a closing quote), so its columns cannot be "
        f"told apart; the row is skipped. As written: {lines[n]}"]
    titles = [t for t, in library._conn.execute("SELECT title FROM papers ORDER BY id")]
    assert titles == [" ".join(r[0].split()) for i, r in enumerate(rows) if i != 2]


def test_csv_row_short_of_fields_is_kept_with_a_note_and_a_bad_arxiv_id_is_no_bad_record(library, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("title,abstract,year,arxiv_id\nA full row,abs,2020,2101.00001\nA short row,abs\n"
                    "A row with a bad id,abs,2021,not-an-id\n", encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad) == (3, 3, 0)
    assert [str(w) for w in rep.warnings] == [
        f"{path}:3: the row has 2 fields where the header has 4: its last 2 columns are read as empty",
        f"{path}:4: bad arXiv id 'not-an-id' (kept the row without it)"]


def test_importing_a_pdf_names_the_command_that_takes_it(shared_data, tmp_path):
    pdf = next(iter(sorted((shared_data / "pdfs").rglob("*.pdf"))))
    path = tmp_path / "my paper.pdf"
    path.write_bytes(pdf.read_bytes()[:200_000])
    r = cli(tmp_path / "lib.sqlite", "import", "--quiet", str(path))
    assert r.exit_code == 1, r.output
    assert f"error: {path}: a binary file, not text: a PDF. PDFs are attached, not imported: `gapscope attach " \
           f"'{path}'` (in the app: File > Attach PDF…)" in r.output


# --- every bad input the README promises to handle, through the CLI ------------------------------------

def _bibtex_unclosed(shared_data, tmp_path):
    a, b, c = arxiv_records(shared_data, 3)
    path = tmp_path / "refs.bib"
    # cut off at the end of the file in the middle of its title (an entry whose fields are all closed is
    # kept: _bibtex_open_at_end)
    before = bib_entry(a, "a") + bib_entry(c, "c")
    entry = bib_entry(b, "b")
    path.write_text(before + entry[:entry.index("title = {") + 15], encoding="utf-8")
    return path, 2, 3, f"{path}:{before.count(chr(10)) + 1}: BibTeX entry '@article{{b,' is cut off at the end"


def _bibtex_open_at_end(shared_data, tmp_path):
    a, b, c = arxiv_records(shared_data, 3)
    path = tmp_path / "refs.bib"
    before = bib_entry(a, "a") + bib_entry(c, "c")
    path.write_text(before + bib_entry(b, "b", close=False), encoding="utf-8")
    return path, 3, 0, None


def _ris_without_title(shared_data, tmp_path):
    a, b, c = arxiv_records(shared_data, 3)
    path = tmp_path / "refs.ris"
    # Without its title and its arXiv URL the record has nothing to be known by: a bad record.
    bare = "\n".join(t for t in ris_record(b, title=False).splitlines() if not t.startswith("UR  -")) + "\n"
    path.write_text(ris_record(a) + bare + ris_record(c), encoding="utf-8")
    line = ris_record(a).count("\n") + 1
    return path, 2, 3, f"{path}:{line}: record has no title (TI or T1), abstract (AB) or identifier"


def _csv_semicolons(shared_data, tmp_path):
    header, rows = screening_rows(shared_data, 5)
    for column in ("title", "abstract", "pubmedID"):  # a row with any of them is imported
        rows[3][header.index(column)] = ""
    path = tmp_path / "semicolons.csv"
    path.write_text(csv_text(header, rows, delimiter=";"), encoding="utf-8")
    line = 1 + sum(csv_text(header, [r]).count("\n") - 1 for r in rows[:3]) + 1
    return path, 4, 3, f"{path}:{line}: row has no title, abstract or identifier"


def _csv_bom(shared_data, tmp_path):
    header, rows = screening_rows(shared_data, 5, "screening/kitchenham2010-software-engineering.csv")
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_text(header, rows).encode("utf-8"))
    return path, 5, 0, None


def _bibtex_latin1(shared_data, tmp_path):
    a, b = arxiv_records(shared_data, 2)  # 0704.0001: Balázs
    path = tmp_path / "latin1.bib"
    text = bib_entry(a, "a") + bib_entry(b, "b")
    path.write_bytes(text.encode("latin-1"))
    first, *more = [n for n, line in enumerate(text.splitlines(), 1) if not line.isascii()]
    which = (f"{1 + len(more)} lines are not UTF-8 (this one and line{'s' if len(more) > 1 else ''} "
             f"{', '.join(map(str, more))})" if more else "this line is not UTF-8")
    return path, 2, 0, f"{path}:{first}: {which}: read as Windows-1252 (latin-1)"


def _csv_utf16(bom):
    def make(shared_data, tmp_path):
        header, rows = screening_rows(shared_data, 5)
        path = tmp_path / f"utf16-{'bom' if bom else 'nobom'}.csv"
        path.write_bytes(csv_text(header, rows).encode("utf-16" if bom else "utf-16-le"))
        return path, 5, 0, None
    return make


def _jsonl_truncated_line(shared_data, tmp_path):
    lines = arxiv_lines(shared_data, 5)
    path = tmp_path / "cut.jsonl"
    path.write_text("".join(lines[:4]) + lines[4][:300], encoding="utf-8")
    return path, 4, 3, f"{path}:5: not valid JSON"


def _gz_truncated(shared_data, tmp_path):
    cut, complete = _truncated_gz(shared_data, tmp_path, n=800)
    return cut, complete, 3, f"{cut}:{complete + 1}: the compressed file ends early"


def _binary(shared_data, tmp_path):
    pdf = next(iter(sorted((shared_data / "pdfs").rglob("*.pdf"))))
    path = tmp_path / "refs.bib"
    path.write_bytes(pdf.read_bytes()[:200_000])
    return path, 0, 1, f"{path}: a binary file, not text"


def _empty(shared_data, tmp_path):
    path = tmp_path / "empty.ris"
    path.write_text("\n\n", encoding="utf-8")
    return path, 0, 1, f"{path}: the file is empty"


def _directory(shared_data, tmp_path):
    path = tmp_path / "exports"
    path.mkdir()
    return path, 0, 1, f"{path}: is a folder, not a file"


def _missing(shared_data, tmp_path):
    path = tmp_path / "nowhere.csv"
    return path, 0, 4, f"{path}: no such file"


def _unclosed_abstract(shared_data, tmp_path, row: int, n: int = 5):
    """A real screening CSV whose row ``row`` (0-based) lost the closing quote of its abstract."""
    header, rows = screening_rows(shared_data, n)
    ab = header.index("abstract")
    text = csv_text(header, rows)
    broken = text.replace(rows[row][ab] + '"', rows[row][ab], 1)
    assert broken != text and rows[row][ab] not in text.split(rows[row][ab])[0]
    path = tmp_path / "unclosed.csv"
    path.write_text(broken, encoding="utf-8")
    return path


def _csv_unclosed_quote(shared_data, tmp_path):
    path = _unclosed_abstract(shared_data, tmp_path, 1)
    return path, 4, 3, f"{path}:3: a quote opened in this row is not closed"


def _csv_stray_quote(shared_data, tmp_path):
    header, rows = screening_rows(shared_data, 5)
    ti = header.index("title")
    rows[1][ti] += ", a comma"
    text = csv_text(header, rows)
    path = tmp_path / "stray.csv"
    path.write_text(text.replace(rows[1][ti] + '"', rows[1][ti], 1), encoding="utf-8")
    return path, 4, 3, f"{path}:3: the row has"


BAD_INPUTS = {
    "bibtex-unclosed-entry": _bibtex_unclosed, "bibtex-open-at-end": _bibtex_open_at_end,
    "ris-record-without-title": _ris_without_title,
    "csv-semicolon-delimiter": _csv_semicolons, "csv-utf8-bom": _csv_bom, "bibtex-latin1": _bibtex_latin1,
    "csv-utf16-bom": _csv_utf16(True), "csv-utf16-no-bom": _csv_utf16(False),
    "jsonl-truncated-line": _jsonl_truncated_line, "gz-truncated": _gz_truncated, "binary-file": _binary,
    "empty-file": _empty, "directory": _directory, "missing-path": _missing,
    "csv-unclosed-quote": _csv_unclosed_quote, "csv-stray-quote": _csv_stray_quote,
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_exit_code_message_and_good_records_kept(case, shared_data, tmp_path):
    path, kept, code, message = BAD_INPUTS[case](shared_data, tmp_path)
    lib_path = tmp_path / "lib.sqlite"
    cli(lib_path, "init")
    r = cli(lib_path, "import", "--quiet", str(path))
    assert r.exit_code == code, r.output
    if message:
        assert message in r.output
    if code == 0:
        assert "bad 0" in r.output
    lib = Library(lib_path)
    assert lib.count_papers() == kept
    if kept:
        assert all(t and "\x00" not in t and "\ufffd" not in t for t, in lib._conn.execute("SELECT title FROM papers"))
    lib.close()


def test_a_bad_file_among_good_ones_changes_nothing_of_the_others(shared_data, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text("".join(arxiv_lines(shared_data, 10)), encoding="utf-8")
    (tmp_path / "folder").mkdir()
    lib_path = tmp_path / "lib.sqlite"
    r = cli(lib_path, "import", "--quiet", str(tmp_path / "folder"), str(good))
    assert r.exit_code == 1 and "is a folder" in r.output
    lib = Library(lib_path)
    assert lib.count_papers() == 10
    lib.close()


def test_an_older_library_keeps_its_file_records_known_after_the_upgrade(tmp_path, shared_data, monkeypatch):
    """Records imported before the keys named the file's path (refs.bib#key) are rewritten by the
    migration to the path the import log holds, so importing the same file again still adds nothing."""
    import gapscope.store.library as library_module
    from gapscope.store.schema import MIGRATIONS

    a, b = arxiv_records(shared_data, 2)
    bib = tmp_path / "refs.bib"
    bib.write_text(bib_entry(a, "k1") + bib_entry(b, "k2"), encoding="utf-8")
    lib_path = tmp_path / "old.sqlite"
    monkeypatch.setattr(library_module, "MIGRATIONS", [m for m in MIGRATIONS if m[0] != "0110_inputs_imports"])
    monkeypatch.setattr(Library, "mark_interrupted_imports", lambda self: 0)  # no pid column before 0110
    old = Library(lib_path)
    with old.transaction() as conn:
        conn.execute("INSERT INTO imports (id, kind, source, target, started_at, status, read, added)"
                     " VALUES (1, 'import', 'bibtex', ?, '2026-01-01', 'running', 2, 2)", (str(bib.resolve()),))
        for pid, (rec, key) in enumerate(((a, "k1"), (b, "k2")), 1):
            conn.execute("INSERT INTO papers (id, title, arxiv_id, norm_title, added_at) VALUES (?, ?, ?, ?, '2026')",
                         (pid, " ".join(rec["title"].split()), rec["id"], rec["title"].lower()))
            conn.execute("INSERT INTO source_records (paper_id, source, source_key, import_id, seen_at, data)"
                         " VALUES (?, 'bibtex', ?, 1, '2026', '{}')", (pid, f"refs.bib#{key}"))
    old.close()
    monkeypatch.undo()
    lib = Library(lib_path)
    assert [k for k, in lib._conn.execute("SELECT source_key FROM source_records ORDER BY id")] == \
        [f"{bib.resolve()}#k1", f"{bib.resolve()}#k2"]
    assert lib.imports_log()[0]["status"] == "interrupted"  # it was left running by an older GapScope
    rep = import_file(lib, bib)
    assert (rep.added, rep.merged, rep.unchanged) == (0, 0, 2)
    assert lib._conn.execute("SELECT count(*) FROM source_records").fetchone()[0] == 2
    lib.close()


def test_an_id_merged_in_by_another_writer_meanwhile_is_matched(library, shared_data):
    """Between two batches of one import, another connection merges a DOI into a paper this import
    already knew without it: a record with that DOI is the same paper, not a UNIQUE failure."""
    a, b, c = arxiv_records(shared_data, 3)
    title = " ".join(a["title"].split())
    doi = "10.1103/physrevd.76.013009x"
    other = Library(library.path)

    def records():
        yield Paper(title=title, authors=["C. Balázs"], year=2007, source="csv", source_key="p1")
        yield Paper(title=" ".join(b["title"].split()), authors=["X Y"], source="csv", source_key="p2")
        # batch 1 is committed; now another writer gives the first paper a DOI
        ingest_papers(other, [Paper(title=title, authors=["C. Balázs"], year=2007, doi=doi, source="ris",
                                    source_key="r1")], kind="import", source="ris", target="other")
        yield Paper(title="A record of it under another title", authors=["C. Balázs"], doi=doi,
                    source="csv", source_key="p3")

    rep = ingest_papers(library, records(), kind="import", source="csv", target="test", batch_size=2)
    other.close()
    assert (rep.added, rep.merged) == (2, 1) and library.count_papers() == 2
    assert "merged into #1" in rep.merges[0]


def test_csv_text_after_a_closing_quote_that_shifts_nothing_is_imported_with_a_note(library, tmp_path):
    """A hand-made table quotes a title's start ("Why Should I Trust You?": ...) or leaves a space after a
    closing quote: CSV's rules are broken, but no delimiter or line break is inside the quotes and no quote
    after them, so the columns are the ones written. Such a row is imported (as before), with a note at its
    line; a misplaced quote that may have moved a delimiter stays a bad row."""
    path = tmp_path / "hand made.csv"
    path.write_text('title,authors,year\n'
                    '"Why Should I Trust You?": Explaining predictions,Ribeiro,2016\n'
                    '"Spaced title" ,Doe,2019\n'
                    '"Shifted, title,"abs",2020,\n', encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad) == (3, 2, 1)
    titles = [t for t, in library._conn.execute("SELECT title FROM papers ORDER BY id")]
    assert titles == ["Why Should I Trust You?: Explaining predictions", "Spaced title"]
    assert [str(w) for w in rep.warnings] == [
        f"{path}:{n}: a quote closes before the end of its field (text follows it); read as "
        f"{t!r}: check the row" for n, t in ((2, titles[0]), (3, "Spaced title "))]
    assert [str(e).split(":")[1] for e in rep.errors] == ["4"]


def test_csv_row_short_only_of_unnamed_header_columns_gets_no_note(library, tmp_path):
    """A spreadsheet's export whose header row carries empty columns (",,," after the last name) has rows
    that stop at the last named column: nothing of them is read as empty, so no note; a row short of a
    named column still gets one."""
    path = tmp_path / "sheet.csv"
    path.write_text("Title,Abstract,Year,,,\r\nA paper,abs,2020,,,\r\nB paper,abs2,2021\r\nC paper,abs3\r\n",
                    encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad) == (3, 3, 0)
    assert [str(w) for w in rep.warnings] == [
        f"{path}:4: the row has 2 fields where the header has 6: its last column is read as empty"]


def test_csv_rows_after_an_unclosed_quote_are_named_by_their_own_lines(tmp_path):
    """The rows read again after a quote left open are named by the lines they are on (once "g.csv:7", a
    line past the file's end, for line 4), and the open row's message keeps it as written."""
    from gapscope.models import RecordError
    from gapscope.sources.files import read_csv

    path = tmp_path / "g.csv"
    path.write_text('title,authors,year\nOne,A,2020\nTwo,"B unclosed,2021\nThree,C,2022,x\nFour,D,2023\n'
                    'Five,E,2024,x\n', encoding="utf-8")
    records = list(read_csv(path))
    errors = [str(r) for r in records if isinstance(r, RecordError)]
    assert [e.split(": ")[0] for e in errors] == [f"{path}:3", f"{path}:4", f"{path}:6"], errors
    assert errors[0].endswith('As written: Two,"B unclosed,2021') and "ran on to line 6" in errors[0]
    assert errors[1].endswith("As written: Three,C,2022,x") and errors[2].endswith("As written: Five,E,2024,x")
    assert [(p.title, p.location) for p in records if isinstance(p, Paper)] == [("One", f"{path}:2"),
                                                                                 ("Four", f"{path}:5")]
