"""Full text from the real PDFs in ../shared/data/pdfs: extraction and sections, attach (by DOI, by
arXiv id, twice, broken files), search, the CLI's JSON, and PDF highlights that survive a reopen."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gapscope.fulltext import attach as attach_mod
from gapscope.fulltext import extract as extract_mod

from .fulltext_helpers import add_paper, cached_extract

EACL = "cs/2023.eacl-main.121.pdf"
CITESEE = "cs/2302.07302v1.pdf"
NAR = "bio/10.1093%2Fnar%2Fgkae223.pdf"


@pytest.fixture(scope="session")
def pdfs(shared_data):
    return shared_data / "pdfs"


@pytest.fixture(scope="session")
def _extract_once():
    return cached_extract(extract_mod.extract)


@pytest.fixture
def fast_extract(monkeypatch, _extract_once):
    monkeypatch.setattr(attach_mod, "extract", _extract_once)
    return _extract_once


@pytest.fixture
def lib(tmp_path):
    from gapscope.store import Library

    lib = Library(tmp_path / "review.gapscope")
    yield lib
    lib.close()


_add = add_paper


def _neutral_copy(src, tmp_path, name="paper.pdf"):
    """The PDF under a name that tells nothing, so a match must come from its text."""
    dest = tmp_path / "in" / name
    dest.parent.mkdir(exist_ok=True)
    shutil.copyfile(src, dest)
    return dest


# --- extraction ----------------------------------------------------------------------------------------
def test_eacl_sections_include_limitations_in_reading_order(pdfs, _extract_once):
    doc = _extract_once(pdfs / EACL)
    names = [s.name for s in doc.sections if s.level == 1 and s.kind not in ("front",)]
    for real in ("Abstract", "Introduction", "Survey of human evaluation practices", "Related Work", "Conclusion",
                 "Limitations", "Ethical Considerations", "References"):
        assert real in names, (real, names)
    assert names.index("Introduction") < names.index("Conclusion") < names.index("Limitations") \
        < names.index("References")
    lim = next(s for s in doc.sections if s.kind == "limitations")
    assert lim.page + 1 == 10
    text = " ".join(p.text for p in lim.paragraphs)
    assert text.startswith("Human evaluation is a noisy process with many confounding variables.")
    # hyphenation repaired, ligatures unfolded, no footnote or the next section inside
    assert "faithfulness evaluation, but summaries" in text and "\ufb01" not in text and "\ufffe" not in text
    assert "Ethical" not in text


def test_two_columns_and_citations_read_in_order(pdfs, _extract_once):
    doc = _extract_once(pdfs / EACL)
    intro = next(s for s in doc.sections if s.kind == "introduction")
    first = intro.paragraphs[0].text
    # the sentence runs from the foot of the left column to the top of the right one, the footnote left out
    assert ("evaluating model-generated summaries (Kryscinski et al., 2019; Fabbri et al., 2021) and generated"
            in first), first[:300]


def test_broken_pdfs_from_other_parsers_extract(pdfs, _extract_once):
    for name in ("papermage-index-string-out-of-range.pdf", "papermage-value-error-box-diff-page.pdf",
                 "papermage-test-uu.pdf", "paperqa-paper.pdf"):
        doc = _extract_once(pdfs / "odd" / name)
        assert doc.pages >= 1 and len(doc.text()) > 1000, name


# --- attach --------------------------------------------------------------------------------------------
def test_attach_by_doi_from_the_text(lib, pdfs, tmp_path, fast_extract):
    # the DOI as a source may write it (mixed case), the PDF prints it in lower case
    pid = _add(lib, title="Bridging DNA contacts allow Dps from E. coli to condense DNA", doi="10.1093/NAR/gkae223")
    other = _add(lib, title="Something else entirely", doi="10.1000/other")
    res = attach_mod.attach_file(lib, _neutral_copy(pdfs / NAR, tmp_path))
    assert (res.status, res.paper_id, res.match, res.matched_on) == ("attached", pid, "doi", "10.1093/nar/gkae223")
    assert res.pages == 10 and "Discussion" in res.sections and res.sentences > 100
    att = lib.attachments_of(pid)[0]
    stored = lib.files_folder() / att["stored_name"]
    assert stored.parent == tmp_path / "review.gapscope" / "files" and stored.read_bytes() == (pdfs / NAR).read_bytes()
    assert lib.attachments_of(other) == []


def test_attach_by_arxiv_id_from_the_text(lib, pdfs, tmp_path, fast_extract):
    pid = _add(lib, title="CiteSee", arxiv_id="2302.07302")
    res = attach_mod.attach_file(lib, _neutral_copy(pdfs / CITESEE, tmp_path))
    assert (res.status, res.paper_id, res.match, res.matched_on) == ("attached", pid, "arxiv", "2302.07302")
    assert "LIMITATIONS AND FUTURE WORK" in res.sections


def test_attach_by_title_when_no_identifier(lib, pdfs, tmp_path, fast_extract):
    pid = _add(lib, title="Paper Plain: Making Medical Research Papers Approachable to Healthcare Consumers "
                          "with Natural Language Processing")
    _add(lib, title="Paper Plain: an unrelated title about plain paper")
    src = _neutral_copy(pdfs / "cs/2203.00130v1.pdf", tmp_path)
    res = attach_mod.attach_file(lib, src)
    assert (res.paper_id, res.match) == (pid, "title") and 0.92 <= res.score <= 1.0


def test_same_file_is_attached_once(lib, pdfs, tmp_path, fast_extract):
    pid = _add(lib, title="CiteSee", arxiv_id="2302.07302")
    first = attach_mod.attach_paths(lib, [pdfs / CITESEE])
    again = attach_mod.attach_paths(lib, [_neutral_copy(pdfs / CITESEE, tmp_path, "renamed.pdf"), pdfs / CITESEE])
    assert [r.status for r in first] == ["attached"]
    assert [r.status for r in again] == ["already-attached", "already-attached"]
    assert all(r.paper_id == pid for r in again)
    assert len(lib.list_attachments()) == 1 and len(list(lib.files_folder().iterdir())) == 1


def test_a_folder_of_pdfs_is_one_import_whose_records_name_their_files(lib, pdfs, tmp_path, fast_extract):
    """Attaching a folder is one user action: one run of the import log (and one row of the report's corpus
    table), with a record per PDF that became a paper, each record naming its file."""
    from click.testing import CliRunner

    from gapscope.cli import main

    folder = tmp_path / "folder"
    folder.mkdir()
    names = ["citesee.pdf", "eacl.pdf", "paperplain.pdf"]
    for name, src in zip(names, (CITESEE, EACL, "cs/2203.00130v1.pdf")):
        shutil.copyfile(pdfs / src, folder / name)
    results = attach_mod.attach_paths(lib, [folder])
    assert [r.status for r in results] == ["new-paper"] * 3
    [run] = [e for e in lib.imports_log() if e["source"] == "pdf"]
    assert (run["target"], run["read"], run["added"], run["status"]) == (str(folder.resolve()), 3, 3, "done")
    assert len([r for r in lib.import_rows() if r["source"] == "pdf"]) == 1
    records = [s for r in results for s in lib.source_records(r.paper_id)]
    assert sorted(s["source_key"] for s in records) == [str(folder.resolve() / n) for n in names]
    assert {s["import_id"] for s in records} == {run["id"]}
    lib.close()
    listed = CliRunner().invoke(main, ["--library", str(tmp_path / "review.gapscope"), "imports"]).output
    assert len([line for line in listed.splitlines() if "pdf" in line]) == 1, listed


def test_unknown_pdf_becomes_a_paper_to_check(lib, pdfs, fast_extract):
    from gapscope.fulltext import CHECK_TAG

    res = attach_mod.attach_file(lib, pdfs / "cs/2020.acl-main.447.pdf")
    assert res.status == "new-paper"
    p = lib.get_paper(res.paper_id)
    assert p.title == "S2ORC: The Semantic Scholar Open Research Corpus"
    assert p.doi == "10.18653/v1/2020.acl-main.447" and "Kyle Lo" in p.authors
    assert CHECK_TAG in lib.tags_of(res.paper_id)


def _encrypted(src, dest):
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    for page in PdfReader(src).pages:
        w.add_page(page)
    w.encrypt(user_password="secret", owner_password="owner")
    with open(dest, "wb") as f:
        w.write(f)
    return dest


def _scan_without_text(dest):
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.rect(20, 20, 150, 200, style="F")
    pdf.output(str(dest))
    return dest


def test_unreadable_pdfs_say_why_and_keep_the_paper(lib, pdfs, tmp_path):
    pid = _add(lib, title="A paper whose PDF is broken", doi="10.1000/broken")
    tmp = tmp_path / "bad"
    tmp.mkdir()
    truncated = tmp / "truncated.pdf"
    truncated.write_bytes((pdfs / EACL).read_bytes()[:3000])
    not_pdf = tmp / "notes.pdf"
    not_pdf.write_text("these are my notes, not a PDF")
    cases = {truncated: "not a readable PDF", not_pdf: "not a readable PDF",
             _encrypted(pdfs / "odd/papermage-test-uu.pdf", tmp / "locked.pdf"): "encrypted",
             _scan_without_text(tmp / "scan.pdf"): "no text"}
    for path, why in cases.items():
        res = attach_mod.attach_file(lib, path, paper_id=pid)
        assert res.status == "unreadable", (path, res)
        assert str(path) in res.message and why in res.message, res.message
        assert res.paper_id == pid
    assert lib.get_paper(pid).title == "A paper whose PDF is broken"
    atts = lib.attachments_of(pid)
    assert len(atts) == 4 and {a["status"] for a in atts} == {"unreadable"}
    assert all((lib.files_folder() / a["stored_name"]).exists() for a in atts)     # the files are kept


def test_an_unreadable_pdf_that_matches_no_paper_adds_nothing(lib, pdfs, tmp_path, fast_extract):
    _add(lib, title="A paper already in the library", doi="10.1000/kept")
    tmp = tmp_path / "bad"
    tmp.mkdir()
    not_pdf = tmp / "broken.pdf"
    not_pdf.write_text("these are my notes, not a PDF")
    truncated = tmp / "truncated.pdf"
    truncated.write_bytes((pdfs / EACL).read_bytes()[:3000])
    locked = _encrypted(pdfs / "odd/papermage-test-uu.pdf", tmp / "locked.pdf")
    results = attach_mod.attach_paths(lib, [not_pdf, pdfs / EACL, truncated, locked])
    assert [r.status for r in results] == ["unreadable", "new-paper", "unreadable", "unreadable"]
    for r, path, why in ((results[0], not_pdf, "not a readable PDF"), (results[2], truncated, "not a readable PDF"),
                         (results[3], locked, "encrypted")):
        assert r.paper_id is None and r.attachment_id is None
        assert r.message.startswith(str(path)) and why in r.message, r.message
    assert lib.count_papers() == 2                     # the old paper and the real PDF's, no "broken"
    assert [a["original_name"] for a in lib.list_attachments()] == [str(pdfs / EACL)]
    assert sorted(p.name for p in lib.files_folder().iterdir()) == [f"{attach_mod.file_hash(pdfs / EACL)}.pdf"]


def test_fulltext_search_names_section_and_page(lib, pdfs, fast_extract):
    pid = _add(lib, title="LongEval", doi="10.18653/v1/2023.eacl-main.121")
    attach_mod.attach_file(lib, pdfs / EACL)
    hits = lib.search_fulltext('"confounding variables"')
    assert hits and hits[0]["paper_id"] == pid
    assert (hits[0]["section"], hits[0]["section_kind"], hits[0]["page"]) == ("Limitations", "limitations", 10)
    assert lib.search_fulltext("xylophonequartz") == []


def test_cli_pdf_attach_json_and_text(tmp_path, pdfs, monkeypatch, _extract_once):
    from click.testing import CliRunner

    from gapscope.cli import main

    monkeypatch.setattr(attach_mod, "extract", _extract_once)
    libpath = str(tmp_path / "cli.gapscope")
    runner = CliRunner()
    out = runner.invoke(main, ["-L", libpath, "pdf", "attach", str(pdfs / EACL), str(tmp_path / "missing.pdf"),
                               "--json", "--no-facets"])
    rows = [json.loads(line) for line in out.output.splitlines() if line.startswith("{")]
    assert out.exit_code == 3, out.output
    assert [r["status"] for r in rows] == ["new-paper", "failed"]
    assert {"file", "paper_id", "status", "pages", "sections"} <= set(rows[0])
    assert rows[0]["pages"] == 20 and "Limitations" in rows[0]["sections"]
    assert "missing.pdf" in rows[1]["message"]
    out = runner.invoke(main, ["-L", libpath, "pdf", "text", str(rows[0]["paper_id"]), "--json"])
    data = json.loads(out.output)
    lim = [s for s in data["sections"] if s["name"] == "Limitations"]
    assert lim and lim[0]["sentences"][0]["text"].startswith("Human evaluation is a noisy process")
    assert {"text", "role", "shortcoming"} <= set(lim[0]["sentences"][0])
    out = runner.invoke(main, ["-L", libpath, "search", "confounding", "--json"])
    assert any(r["where"] == "Limitations, p. 10" for r in json.loads(out.output))


def test_pdf_text_shows_each_sentences_role_and_shortcoming_apart(tmp_path, pdfs, fast_extract):
    """`pdf text` prints both labels of a sentence ("[result · own]"), never one in place of the other."""
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.store import Library

    path = tmp_path / "tags.gapscope"
    lib = Library(path)
    try:
        res = attach_mod.attach_file(lib, pdfs / EACL)
        lim = lib.fulltext_sentences(res.attachment_id, kinds=["limitations"])
        lib.set_fulltext_labels([(lim[0]["id"], "result", "own", 0.9, "test"),
                                 (lim[1]["id"], "background", "none", 0.8, "test")])
    finally:
        lib.close()
    out = CliRunner().invoke(main, ["-L", str(path), "pdf", "text", str(res.paper_id), "--section", "limitations"])
    assert out.exit_code == 0, out.output
    lines = {line.split("] ", 1)[1]: line for line in out.output.splitlines() if "] " in line}
    assert lines[lim[0]["text"]].lstrip().startswith("[result · own")
    assert lines[lim[1]["text"]].lstrip().startswith("[background ")


def test_pdf_highlights_survive_a_reopen_and_export(tmp_path, pdfs, fast_extract):
    from gapscope.store import Library

    path = tmp_path / "hl.gapscope"
    lib = Library(path)
    res = attach_mod.attach_file(lib, pdfs / EACL)
    hid = lib.add_pdf_highlight(res.paper_id, res.attachment_id, 10, "Human evaluation is a noisy process",
                                [[71, 94, 289, 104]], comment="the main limitation")
    lib.close()
    lib = Library(path)
    try:
        hl = lib.pdf_highlights(res.paper_id)
        assert [(h["id"], h["page"], h["text"], h["comment"], h["rects"]) for h in hl] == [
            (hid, 10, "Human evaluation is a noisy process", "the main limitation", [[71.0, 94.0, 289.0, 104.0]])]
        from gapscope.exports import notes_json, notes_markdown

        assert "“Human evaluation is a noisy process” (yellow, PDF page 10) — the main limitation" in notes_markdown(
            lib, [res.paper_id])
        exported = json.loads(notes_json(lib, [res.paper_id]))
        assert [(h["page"], h["text"]) for h in exported[0]["pdf_highlights"]] == [
            (10, "Human evaluation is a noisy process")]
    finally:
        lib.close()


def test_bibtex_file_fields_attach_on_import(tmp_path, pdfs, monkeypatch, _extract_once):
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.fulltext.bibtex import file_field_paths
    from gapscope.store import Library

    monkeypatch.setattr(attach_mod, "extract", _extract_once)
    storage = tmp_path / "Zotero" / "storage" / "AB12CD34"
    storage.mkdir(parents=True)
    shutil.copyfile(pdfs / CITESEE, storage / "Chang et al. - 2023 - CiteSee.pdf")
    (tmp_path / "files").mkdir()
    shutil.copyfile(pdfs / NAR, tmp_path / "files" / "dps.pdf")
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@inproceedings{chang2023citesee,\n  title = {CiteSee: Augmenting Citations in Scientific Papers},\n"
        "  year = {2023},\n"
        f"  file = {{Full Text PDF:{storage / 'Chang et al. - 2023 - CiteSee.pdf'}:application/pdf}}\n}}\n\n"
        "@article{dps2024,\n  title = {Bridging DNA contacts allow Dps from E. coli to condense DNA},\n"
        "  doi = {10.1093/nar/gkae223},\n  file = {files/dps.pdf; files/gone.pdf}\n}\n", encoding="utf-8")
    windows = file_field_paths(r"Full Text PDF:C\:\\Users\\me\\a.pdf:application/pdf", tmp_path)
    assert [str(p).endswith(r"C:\Users\me\a.pdf") for p in windows] == [True]
    libpath = tmp_path / "bib.gapscope"
    out = CliRunner().invoke(main, ["-L", str(libpath), "import", str(bib), "--json"])
    report = json.loads(out.output)[0]
    statuses = sorted((r["status"], Path(r["file"]).name) for r in report["attached_files"])
    assert statuses == [("attached", "Chang et al. - 2023 - CiteSee.pdf"), ("attached", "dps.pdf"),
                        ("failed", "gone.pdf")], report["attached_files"]
    gone = next(r for r in report["attached_files"] if r["file"].endswith("gone.pdf"))
    assert "refs.bib:" in gone["message"] and "does not exist" in gone["message"]
    lib = Library(libpath)
    try:
        assert {lib.get_paper(a["paper_id"]).title for a in lib.list_attachments()} == {
            "CiteSee: Augmenting Citations in Scientific Papers",
            "Bridging DNA contacts allow Dps from E. coli to condense DNA"}
        assert {a["source"] for a in lib.list_attachments()} == {"bibtex"}
    finally:
        lib.close()


def test_gap_quotes_name_the_section_of_a_fulltext_shortcoming(lib, pdfs, fast_extract):
    from gapscope.facets import shortcoming_sentences
    from gapscope.gaps.find import quote_shortcomings
    from gapscope.gaps.model import Gap

    pid = _add(lib, title="LongEval", doi="10.18653/v1/2023.eacl-main.121")
    res = attach_mod.attach_file(lib, pdfs / EACL)
    lim = lib.fulltext_sentences(res.attachment_id, kinds=["limitations"])
    intro = lib.fulltext_sentences(res.attachment_id, kinds=["introduction"])
    # labels as the classifier would store them: one own shortcoming in Limitations, one prior in the intro
    lib.set_fulltext_labels([(intro[0]["id"], "background", "prior", 0.8, "test"),
                             (lim[0]["id"], "other", "own", 0.9, "test")])
    quotes = shortcoming_sentences(lib, [pid])[pid]
    assert quotes[0] == {"text": lim[0]["text"], "shortcoming": "own", "confidence": 0.9, "section": "Limitations",
                         "section_kind": "limitations", "page": 10, "role": "other", "corrected": False}
    gap = Gap("unaddressed_shortcoming", 0.5, "A gap.", None, None, [pid], roles={pid: "shortcoming"})
    quote_shortcomings(lib, [gap])
    assert gap.details["quotes"][0]["section"] == "Limitations"
    assert "Human evaluation is a noisy process" in gap.statement and "(own 0.90, Limitations p. 10)" in gap.statement


def test_facet_model_labels_the_limitations_sentences(lib, pdfs, fast_extract):
    """The shipped facet classifier on the EACL 2023 Limitations section: a role and a shortcoming type for
    every sentence, and the paper's own shortcomings found there."""
    from gapscope.fulltext import label_fulltext, sections_with_sentences

    _add(lib, title="LongEval", doi="10.18653/v1/2023.eacl-main.121")
    res = attach_mod.attach_file(lib, pdfs / EACL)
    stats = label_fulltext(lib, attachment_ids=[res.attachment_id], kinds=["limitations"])
    lim = next(s for s in sections_with_sentences(lib, res.attachment_id) if s["kind"] == "limitations")
    assert stats["sentences"] == len(lim["sentences"]) >= 10
    assert all(x["role"] and x["shortcoming"] for x in lim["sentences"])
    own = [x["text"] for x in lim["sentences"] if x["shortcoming"] == "own"]
    assert len(own) >= 3, [(x["shortcoming"], x["text"][:60]) for x in lim["sentences"]]
    others = [s for s in sections_with_sentences(lib, res.attachment_id) if s["kind"] != "limitations"]
    assert all(x["role"] is None for s in others for x in s["sentences"])       # only what was asked


def test_annotated_pdf_export_carries_the_highlights(tmp_path, pdfs, fast_extract):
    from click.testing import CliRunner
    from pypdf import PdfReader

    from gapscope.cli import main
    from gapscope.fulltext.attach import stored_path
    from gapscope.fulltext.locate import sentence_rects
    from gapscope.store import Library

    path = tmp_path / "ann.gapscope"
    lib = Library(path)
    try:
        res = attach_mod.attach_file(lib, pdfs / EACL)
        text = "Human evaluation is a noisy process with many confounding variables."
        rects = sentence_rects(stored_path(lib, lib.get_attachment(res.attachment_id)), 9, text)
        assert rects and all(60 < r[0] < r[2] < 300 for r in rects)          # the left column of page 10
        lib.add_pdf_highlight(res.paper_id, res.attachment_id, 10, text, rects, comment="noisy")
    finally:
        lib.close()
    out = tmp_path / "annotated.pdf"
    run = CliRunner().invoke(main, ["-L", str(path), "pdf", "export", str(res.paper_id), "-o", str(out), "--json"])
    assert run.exit_code == 0, run.output
    assert json.loads(run.output)["highlights"] == 1
    annots = [a.get_object() for a in PdfReader(out).pages[9].get("/Annots", [])]
    annots = [a for a in annots if a["/Subtype"] == "/Highlight"]          # the page has its links too
    assert [(a["/Contents"], a.get("/T")) for a in annots] == [("noisy", "GapScope")]
    assert len(annots[0]["/QuadPoints"]) == 8 * len(rects)
    stored = path / "files" / f"{attach_mod.file_hash(pdfs / EACL)}.pdf"
    assert stored.read_bytes() == (pdfs / EACL).read_bytes()          # the library's copy is untouched

    # `gapscope export annotated-pdf`: the same copy for one paper; a folder of them for a selection
    again = tmp_path / "export.pdf"
    run = CliRunner().invoke(main, ["-L", str(path), "export", "annotated-pdf", "--ids", str(res.paper_id), "-o", str(again)])
    assert run.exit_code == 0, run.output
    assert len(PdfReader(again).pages[9].get("/Annots", [])) == len(PdfReader(out).pages[9].get("/Annots", []))
    lib = Library(path)
    try:
        bare = _add(lib, title="A paper without a PDF", abstract="Nothing attached.")
    finally:
        lib.close()
    folder = tmp_path / "annotated"
    run = CliRunner().invoke(main, ["-L", str(path), "export", "annotated-pdf", "-o", str(folder)])
    assert run.exit_code == 0, run.output
    assert sorted(p.name for p in folder.iterdir()) == [f"{res.paper_id}.pdf"]
    assert f"paper {bare}: no readable PDF attached, skipped" in run.output

    # a copy already there is kept unless --force: named, and (for a folder) none of them written
    cli = lambda *a: CliRunner().invoke(main, ["-L", str(path), *a])      # noqa: E731
    before = out.read_bytes()
    run = cli("pdf", "export", str(res.paper_id), "-o", str(out))
    assert run.exit_code == 1 and f"{out} already exists; give --force" in run.output and out.read_bytes() == before
    assert cli("pdf", "export", str(res.paper_id), "-o", str(out), "--force").exit_code == 0
    (folder / f"{res.paper_id}.pdf").write_bytes(b"mine")
    run = cli("export", "annotated-pdf", "-o", str(folder))
    assert run.exit_code == 1 and f"{folder / f'{res.paper_id}.pdf'} already exists" in run.output
    assert (folder / f"{res.paper_id}.pdf").read_bytes() == b"mine"
    assert cli("export", "annotated-pdf", "-o", str(folder), "--force").exit_code == 0
    assert (folder / f"{res.paper_id}.pdf").read_bytes()[:5] == b"%PDF-"
