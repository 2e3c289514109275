"""Damaged BibTeX as researchers meet it (hand edits, cut-off downloads, old tools): every entry is
either imported, with a note naming its line when something was off, or reported as a bad record at
its line with its text as written, so that nothing read is lost."""

from gapscope.ingest import import_file


def _titles(library, rep):
    return [library.get_paper(i).title for i in rep.added_ids]


def test_an_entry_open_at_the_end_of_the_file_is_kept_with_a_note(library, tmp_path):
    """Only its closing brace is missing (every field is closed): imported as read, like RIS's last record
    without its 'ER  -' line."""
    path = tmp_path / "cut.bib"
    path.write_text("@article{a,\n  title = {Closed entry},\n  year = {2020}\n}\n\n"
                    "@article{b,\n  title = {Open at the end},\n  author = {Lovelace, Ada},\n  year = {2021},\n",
                    encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad) == (2, 2, 0)
    last = library.get_paper(rep.added_ids[1])
    assert (last.title, last.authors, last.year) == ("Open at the end", ["Ada Lovelace"], 2021)
    assert [str(w) for w in rep.warnings] == [
        f"{path}:6: BibTeX entry '@article{{b,' not closed (a '}}' is missing) before the end of the file: "
        "imported as read; check its last field"]


def test_an_entry_whose_last_field_is_cut_at_the_end_of_the_file_is_bad_with_its_text(library, tmp_path):
    """A field still open at the end of the file was cut off in the middle of its text: the entry is not
    imported as if whole, but reported at its line with everything the file holds of it."""
    path = tmp_path / "cut.bib"
    cut = "@article{b,\n  title = {Cut in its abstract},\n  abstract = {We study the eff"
    path.write_text("@article{a, title={Closed entry}, year={2020}}\n\n" + cut, encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad) == (2, 1, 1)
    assert _titles(library, rep) == ["Closed entry"]
    assert [str(e) for e in rep.errors] == [
        f"{path}:3: BibTeX entry '@article{{b,' is cut off at the end of the file in its field 'abstract' (a '}}' "
        f"is missing); the entry is skipped. As written: {cut}"]


def test_an_entry_cut_inside_a_quoted_field_at_the_end_of_the_file_is_bad_with_its_text_alone(library, tmp_path):
    """A field in quotes cut off by the end of the file cannot be read: one bad record with the entry's text,
    and no note saying it was imported."""
    path = tmp_path / "cut.bib"
    cut = '@article{b,\n  title = {Cut in a quoted abstract},\n  abstract = "We study the eff'
    path.write_text("@article{a, title={Closed entry}, year={2020}}\n\n" + cut, encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad, rep.warnings) == (2, 1, 1, [])
    [error] = [str(e) for e in rep.errors]
    assert error.startswith(f"{path}:3: unreadable BibTeX entry") and error.endswith(
        f"; the entry is skipped. As written: {cut}")


def test_a_field_that_lost_its_brace_mid_file_is_bad_with_its_text_and_the_next_entry_kept(library, tmp_path):
    """A field's closing brace missing in the middle of the file: the field swallows the fields after it
    up to the next '@type{', so the entry cannot be read as written; its text is kept in the report."""
    path = tmp_path / "hand-edited.bib"
    broken = "@article{b,\n  title = {A title without its brace,\n  year = {2021}\n}"
    path.write_text(broken + "\n\n@article{c, title={Next entry}, year={2022}}\n", encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad) == (2, 1, 1)
    assert _titles(library, rep) == ["Next entry"]
    assert [str(e) for e in rep.errors] == [
        f"{path}:1: BibTeX entry '@article{{b,': its field 'title' is not closed (a '}}' is missing) and runs into "
        f"the fields after it; the entry is skipped. As written: {broken}"]


def test_a_quote_left_open_mid_file_names_the_entry_key_and_the_line_it_opened_at(library, tmp_path):
    """A quoted field whose closing quote is missing: braces still close the entry, but the parser refuses
    it without saying why. The report names the file, the entry's key, the field and the line where its
    quote opened, keeps the entry's text, and the entries around it are imported."""
    path = tmp_path / "hand-edited.bib"
    broken = '@article{turing1950,\n  author = {Turing, Alan},\n  title = "Computing machinery,\n  year = {1950}\n}'
    path.write_text("@article{a, title={Before it}, year={2020}}\n\n" + broken
                    + '\n\n@article{c, title="After it", note = "a {\\"o} inside braces", year={2022}}\n',
                    encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad) == (3, 2, 1)
    assert _titles(library, rep) == ["Before it", "After it"]
    assert [str(e) for e in rep.errors] == [
        f"{path}:3: unreadable BibTeX entry 'turing1950': its field 'title' opens a quote (\") at line 5 that is "
        f"not closed before the entry ends; the entry is skipped. As written: {broken}"]


def test_a_brace_too_many_that_ends_an_entry_early_loses_none_of_its_fields(library, tmp_path):
    """An extra '}' in a field closes the entry early: the fields after it would read as a comment between
    entries and vanish. They are reported with the entry, at its line, as one bad record."""
    path = tmp_path / "extra-brace.bib"
    broken = ("@article{b,\n  title = {A {nested}} title},\n  author = {Doe, Jane},\n  doi = {10.1000/b},\n"
              "  year = {2021}\n}")
    path.write_text("% my references\n" + broken + "\n\n@article{c, title={Next entry}, year={2022}}\n",
                    encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad) == (2, 1, 1)
    assert _titles(library, rep) == ["Next entry"]
    assert [str(e) for e in rep.errors] == [
        f"{path}:2: BibTeX entry '@article{{b,' is closed early at line 3 (a '}}' too many?): the lines after it "
        f"read as its fields; the entry is skipped. As written: {broken}"]


def test_a_comment_between_entries_is_no_bad_record(library, tmp_path):
    path = tmp_path / "comments.bib"
    path.write_text("@article{a, title={One}}\nThese are my notes, not = fields.\n\n@article{b, title={Two}}\n",
                    encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad, rep.warnings) == (2, 2, 0, [])


def test_an_undefined_string_macro_is_read_as_its_name_with_a_note(library, tmp_path):
    """BibTeX itself warns and reads an undefined macro as empty; the entry is kept here, the macro's name
    standing for its text, with a note naming the line and the macro. The macro stays undefined for the
    entries after it (each gets its own note)."""
    path = tmp_path / "macros.bib"
    path.write_text('@string{jmlr = "Journal of Machine Learning Research"}\n\n'
                    "@article{a,\n  title = {Uses a macro defined above},\n  journal = jmlr,\n  year = 2020\n}\n\n"
                    "@article{b,\n  title = {Uses an undefined macro},\n  journal = tpami,\n  month = jan,\n"
                    "  year = 2021\n}\n\n"
                    '@article{c,\n  title = {Again},\n  journal = tpami # " (special issue)"\n}\n', encoding="utf-8")
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad) == (3, 3, 0)
    venues = [library.get_paper(i).venue for i in rep.added_ids]
    assert venues == ["Journal of Machine Learning Research", "tpami", "tpami (special issue)"]
    assert library.get_paper(rep.added_ids[1]).published == "2021-01"
    assert [str(w) for w in rep.warnings] == [
        f"{path}:9: BibTeX entry '@article{{b,' uses the macro 'tpami', which no @string before it defines: "
        "read as the text 'tpami'",
        f"{path}:16: BibTeX entry '@article{{c,' uses the macro 'tpami', which no @string before it defines: read "
        "as the text 'tpami'"]


def test_an_old_latin1_export_with_a_repeated_key_keeps_every_entry_and_names_the_lines(library, tmp_path):
    """A Windows-1252 (latin-1) .bib from an old tool, with @string macros and a key used twice: every entry
    is imported with its accents right; the encoding and the repeated key are said at their lines."""
    path = tmp_path / "old.bib"
    path.write_bytes(('@string{ieee = "IEEE Transactions"}\n\n'
                      "@article{smith99,\n  title = {R\xe9seaux de neurones},\n  author = {M\xfcller, J\xf6rg},\n"
                      "  journal = ieee,\n  year = 1999\n}\n\n"
                      "@article{smith99,\n  title = {A second paper, same key},\n  year = 1999\n}\n").encode("latin-1"))
    rep = import_file(library, path)
    assert (rep.read, rep.added, rep.bad) == (2, 2, 0)
    first, second = (library.get_paper(i) for i in rep.added_ids)
    assert (first.title, first.authors, first.venue) == ("Réseaux de neurones", ["Jörg Müller"], "IEEE Transactions")
    assert second.title == "A second paper, same key"
    assert [str(w) for w in rep.warnings] == [
        f"{path}:10: key 'smith99' is used again (first at line 3); imported as a separate record",
        f"{path}:4: 2 lines are not UTF-8 (this one and line 5): read as Windows-1252 (latin-1); check the accents "
        "there"]
