"""The gap report's "Notes and highlights" section holds every annotation the user made: the highlights
made in an attached PDF (the Reader's) beside the abstract ones, and notes with their line breaks."""

from __future__ import annotations

import re

from gapscope.reports import write_report

PDF = "2304.02623v1.pdf"        # a 4-page CS paper


def _annotated(library, shared_data):
    """A library with one PDF paper: an abstract highlight, a highlight on page 2 of its PDF, a two-line note."""
    from gapscope.fulltext.attach import attach_file

    res = attach_file(library, shared_data / "pdfs" / "cs" / PDF)
    assert res.paper_id and res.attachment_id, res.message
    pid = res.paper_id
    library.add_pdf_highlight(pid, res.attachment_id, 2, "expository writing is a distinct genre",
                              [[10.0, 10.0, 50.0, 20.0]], comment="the framing we reuse")
    with library.transaction() as conn:          # the PDF's paper has no abstract of its own
        conn.execute("UPDATE papers SET abstract = ? WHERE id = ?", ("Writing support beyond summaries.", pid))
    library.add_highlight(pid, 0, 15, comment="opening")
    library.add_note(pid, "first line of the note\nsecond line: compare with ours")
    return pid


def test_every_report_format_lists_the_readers_pdf_highlights(library, shared_data, tmp_path):
    _annotated(library, shared_data)
    for fmt in ("md", "html", "pdf"):
        write_report(library, fmt, tmp_path / f"r.{fmt}")
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    notes = md[md.index("## Notes and highlights"):]
    assert "No notes or highlights yet" not in notes
    assert "“expository writing is a distinct genre” (PDF page 2) — the framing we reuse" in notes
    assert "“Writing support” (abstract) — opening" in notes
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "expository writing is a distinct genre" in html and "PDF page 2" in html
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(str(tmp_path / "r.pdf")).pages)
    assert "expository writing is a distinct genre" in re.sub(r"\s+", " ", text)


def test_a_notes_line_breaks_survive_in_the_markdown_report(library, shared_data, tmp_path):
    _annotated(library, shared_data)
    write_report(library, "md", tmp_path / "r.md")
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    lines = md[md.index("## Notes and highlights"):].splitlines()
    first = next(i for i, line in enumerate(lines) if "first line of the note" in line)
    assert lines[first].strip() == "> first line of the note"
    assert lines[first + 1].strip() == "> second line: compare with ours"


def test_the_cli_lists_and_removes_a_pdf_highlight(library, shared_data):
    """`annotate show` lists the Reader's highlights with their ids; `annotate unhighlight --pdf ID` removes
    one (the abstract highlight with the same number stays)."""
    import json

    from click.testing import CliRunner

    from gapscope.cli import main

    pid = _annotated(library, shared_data)
    (pdf_hl,) = library.pdf_highlights(pid)
    path = str(library.path)
    r = CliRunner()
    res = r.invoke(main, ["-L", path, "annotate", "show", str(pid)])
    assert res.exit_code == 0
    assert f"PDF highlight {pdf_hl['id']} page 2 yellow: 'expository writing is a distinct genre'" in res.output
    data = json.loads(r.invoke(main, ["-L", path, "annotate", "show", str(pid), "--json"]).output)
    assert [h["text"] for h in data["pdf_highlights"]] == ["expository writing is a distinct genre"]
    abstract_before = library.highlights_with_ids(pid)
    res = r.invoke(main, ["-L", path, "annotate", "unhighlight", "--pdf", str(pdf_hl["id"])], input="y\n")
    assert res.exit_code == 0, res.output
    assert "the framing we reuse" in res.output             # its comment was shown before it went
    assert library.pdf_highlights(pid) == [] and len(abstract_before) == 1
    assert library.highlights_with_ids(pid) == abstract_before
    res = r.invoke(main, ["-L", path, "annotate", "unhighlight", "--pdf", str(pdf_hl["id"])])
    assert res.exit_code == 4 and "no PDF highlight" in res.output


def test_the_report_says_when_it_lists_only_the_first_notes(library, tmp_path, monkeypatch):
    """More notes than the report lists: it says so and names the export that has them all, instead of
    leaving them out without a word."""
    from gapscope.reports.data import gather_notes

    with library.transaction() as conn:
        pid = conn.execute("INSERT INTO papers (title, norm_title, added_at) VALUES ('A paper', 'a paper', '2026')"
                           ).lastrowid
    for i in range(4):
        library.add_note(pid, f"note {i}")
    assert gather_notes(library, None, limit=4).left_out == ""
    sec = gather_notes(library, None, limit=3)
    assert len(sec.notes) == 3 and "first 3 notes" in sec.left_out and "notes-md" in sec.left_out
    import gapscope.reports.data as data

    monkeypatch.setattr(data, "gather_notes", lambda lib, collection: gather_notes(lib, collection, limit=3))
    write_report(library, "md", tmp_path / "r.md")
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "Only the first 3 notes are listed here; the notes export (`gapscope export notes-md -o notes.md`)" in md


def test_the_export_named_for_a_collections_notes_is_one_command_that_runs(library):
    """The collection is part of the command (in its code span) and quoted, so a name with spaces copies
    and runs as written."""
    import shlex

    from gapscope.reports.data import gather_notes

    with library.transaction() as conn:
        pid = conn.execute("INSERT INTO papers (title, norm_title, added_at) VALUES ('A paper', 'a paper', '2026')"
                           ).lastrowid
    library.add_to_collection("My review", [pid])
    for i in range(2):
        library.add_note(pid, f"note {i}")
    left_out = gather_notes(library, "My review", limit=1).left_out
    (command,) = re.findall(r"`([^`]*)`", left_out)
    assert shlex.split(command) == ["gapscope", "export", "notes-md", "-o", "notes.md", "--collection", "My review"]


def test_the_cli_says_which_of_a_papers_pdfs_a_highlight_is_in(library, shared_data):
    """A paper with two PDFs: `annotate show` names the file each highlight was made in (its JSON always
    carries the attachment id and the file's name), so the right one is opened."""
    import json

    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.fulltext.attach import attach_file

    pid = _annotated(library, shared_data)
    second = attach_file(library, shared_data / "pdfs" / "cs" / "2023.eacl-main.121.pdf", paper_id=pid)
    assert second.status == "attached"
    library.add_pdf_highlight(pid, second.attachment_id, 10, "Human evaluation is a noisy process")
    first_hl, second_hl = library.pdf_highlights(pid)[0]["id"], library.pdf_highlights(pid)[-1]["id"]
    r = CliRunner()
    text = r.invoke(main, ["-L", str(library.path), "annotate", "show", str(pid)]).output
    assert f"PDF highlight {first_hl} in {PDF} page 2 yellow: 'expository writing" in text
    assert f"PDF highlight {second_hl} in 2023.eacl-main.121.pdf page 10 yellow: 'Human evaluation" in text
    data = json.loads(r.invoke(main, ["-L", str(library.path), "annotate", "show", str(pid), "--json"]).output)
    assert [(h["pdf"], h["attachment_id"]) for h in data["pdf_highlights"]] == [
        (PDF, library.attachments_of(pid)[0]["id"]), ("2023.eacl-main.121.pdf", second.attachment_id)]


def test_reports_and_the_notes_export_name_the_pdf_of_a_paper_with_several(library, shared_data, tmp_path):
    """A paper with two PDFs: each highlight says which file it is in (page 2 of one, page 10 of the other)
    in every report format and in the notes export; with one PDF, the page alone."""
    import json

    from gapscope.exports import export_text
    from gapscope.fulltext.attach import attach_file

    pid = _annotated(library, shared_data)
    write_report(library, "md", tmp_path / "one.md")
    one = (tmp_path / "one.md").read_text(encoding="utf-8")
    assert "(PDF page 2) — the framing" in one and ".pdf" not in one[one.index("## Notes and highlights"):]
    assert "(yellow, PDF page 2) — the framing" in export_text(library, "notes-md", [pid])

    second = attach_file(library, shared_data / "pdfs" / "cs" / "2023.eacl-main.121.pdf", paper_id=pid)
    library.add_pdf_highlight(pid, second.attachment_id, 10, "Human evaluation is a noisy process")
    first_in = f"“expository writing is a distinct genre” (PDF page 2 of {PDF}) — the framing we reuse"
    second_in = "“Human evaluation is a noisy process” (PDF page 10 of 2023.eacl-main.121.pdf)"
    for fmt in ("md", "html", "pdf"):
        write_report(library, fmt, tmp_path / f"r.{fmt}")
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert first_in in md.replace("\\", "") and second_in in md.replace("\\", "")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert f"(PDF page 2 of {PDF})" in html and "(PDF page 10 of 2023.eacl-main.121.pdf)" in html
    from pypdf import PdfReader

    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(str(tmp_path / "r.pdf")).pages))
    assert f"PDF page 2 of {PDF}" in text and "PDF page 10 of 2023.eacl-main.121.pdf" in text

    notes = export_text(library, "notes-md", [pid]).replace("\\", "")
    assert f"(yellow, PDF page 2 of {PDF}) — the framing we reuse" in notes
    assert "(yellow, PDF page 10 of 2023.eacl-main.121.pdf)" in notes
    (item,) = json.loads(export_text(library, "notes-json", [pid]))
    assert [(h["pdf"], h["page"], h["attachment_id"]) for h in item["pdf_highlights"]] == [
        (PDF, 2, library.attachments_of(pid)[0]["id"]), ("2023.eacl-main.121.pdf", 10, second.attachment_id)]
