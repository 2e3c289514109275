"""Export from the dialog through the core the CLI uses: every scope (whole library, selection, included,
a tag, a collection, the current search) in every format `gapscope export` has gives the same file as
the CLI with the matching filters; reports offer the library or a collection."""

from __future__ import annotations

import pytest


def test_export_selected_papers_as_bibtex(window, qtbot, tmp_path):
    from gapscope_desktop.dialogs.export_dialog import ExportDialog

    ids = window.library_view.model.ids()[:5]
    dlg = ExportDialog(window.tasks, window.lib, selected=ids, parent=window)
    qtbot.addWidget(dlg)
    assert dlg.go.isEnabled()
    dlg.kind.setCurrentIndex(dlg.kind.findData("bibtex"))
    dlg.scope.setCurrentIndex(dlg.scope.findData("selected"))
    out = tmp_path / "selected.bib"
    task = dlg.export_to(str(out))
    qtbot.waitUntil(lambda: task.done, timeout=60000)
    assert task.outcome == "succeeded", task.error
    text = out.read_text(encoding="utf-8")
    assert text.count("@") - text.count("@comment{GapScope export}") == 5  # the entries, below the export mark
    for p in window.lib.get_papers(ids):
        assert p.arxiv_id in text


def test_the_dialog_offers_every_format_of_the_cli():
    from gapscope.commands.reports import export
    from gapscope_desktop.dialogs.export_dialog import PAPER_FORMATS

    choices = next(p for p in export.params if p.name == "fmt").type.choices
    # annotated PDFs are exported from the Reader, one paper at a time (File > Export annotated PDF)
    assert sorted(k[2] for k in PAPER_FORMATS) == sorted(c for c in choices if c != "annotated-pdf")


@pytest.fixture
def arranged(window, qtbot):
    """A tag, a collection, included papers and a note in the window's library; a search in the table."""
    from gapscope.triage import decide

    from .library_data import write_aside

    ids = window.library_view.model.ids()

    def arrange(lib):
        lib.add_tag(ids[:7], "to-read")
        lib.add_to_collection("review", ids[5:16])
        for pid in ids[20:24]:
            decide(lib, pid, "include")
        lib.add_note(ids[5], "A note on the method.")

    write_aside(window.lib.path, arrange)
    lv = window.library_view
    lv.search.setText("diffusion")
    lv._apply_search()
    qtbot.waitUntil(lambda: not lv.loading and lv.filter.query == "diffusion", timeout=10000)
    assert 0 < lv.model.rowCount() < len(ids)
    return ids


SCOPES = [  # (scope, the tag or collection, the CLI's filters)
    ("all", None, []),
    ("selected", None, ["--ids", "SELECTED"]),
    ("included", None, ["--included"]),
    ("tag", "to-read", ["--tag", "to-read"]),
    ("collection", "review", ["--collection", "review"]),
    ("search", None, ["--ids", "LISTED"]),     # the papers the table lists, in its order
]


def test_every_scope_and_format_gives_the_cli_file(window, qtbot, tmp_path, arranged):
    from click.testing import CliRunner
    from gapscope.cli import main
    from gapscope_desktop.dialogs.export_dialog import PAPER_FORMATS, ExportDialog

    selected = arranged[3:9]
    listed = window.library_view.model.ids()
    dlg = ExportDialog(window.tasks, window.lib, selected=selected, parent=window,
                       current=window.library_view.filter)
    qtbot.addWidget(dlg)
    runner = CliRunner()
    sizes = {}
    for scope, which, cli_filters in SCOPES:
        for key, _label, fmt, _pattern in PAPER_FORMATS:
            dlg.kind.setCurrentIndex(dlg.kind.findData(key))
            dlg.set_scope(scope, which)
            assert dlg.scope.currentData() == scope
            ours = tmp_path / f"dialog-{scope}.{key}"
            task = dlg.export_to(str(ours))
            qtbot.waitUntil(lambda: task.done, timeout=60000)
            assert task.outcome == "succeeded", task.error
            theirs = tmp_path / f"cli-{scope}.{key}"
            ids = {"SELECTED": selected, "LISTED": listed}
            args = [",".join(map(str, ids[a])) if a in ids else a for a in cli_filters]
            r = runner.invoke(main, ["--library", str(window.lib.path), "export", fmt, "-o", str(theirs), *args])
            assert r.exit_code == 0, r.output
            assert ours.read_bytes() == theirs.read_bytes(), (scope, fmt)
            sizes[scope, key] = task.result.papers
    total = len(window.lib.list_paper_ids())
    assert sizes["all", "bibtex"] == total
    assert sizes["selected", "ris"] == 6 and sizes["included", "csljson"] == 4
    assert sizes["tag", "bibtex"] == 7 and sizes["collection", "bibtex"] == 11
    assert sizes["search", "bibtex"] == len(listed) < total


def test_the_current_list_exports_the_papers_the_table_shows(window, qtbot, tmp_path, arranged):
    """"The current list" carries every filter of the table (a map's restriction, the PDF filter on top of a
    search): the file holds the rows shown and no more; a list with no rows writes no paper, not the library."""
    from gapscope_desktop.dialogs.export_dialog import ExportDialog

    lv = window.library_view
    shown = lv.model.ids()[:2]
    lv.show_ids(shown, "2 papers chosen on a map")
    qtbot.waitUntil(lambda: not lv.loading and lv.model.rowCount() == 2, timeout=10000)

    def export(name):
        dlg = ExportDialog(window.tasks, window.lib, parent=window, current=lv.filter)
        qtbot.addWidget(dlg)
        dlg.kind.setCurrentIndex(dlg.kind.findData("bibtex"))
        dlg.set_scope("search")
        out = tmp_path / name
        task = dlg.export_to(str(out))
        qtbot.waitUntil(lambda: task.done, timeout=60000)
        assert task.outcome == "succeeded", task.error
        return dlg, out.read_text(encoding="utf-8")

    dlg, text = export("map.bib")
    assert "2 papers chosen on a map" in dlg.scope.currentText() and "diffusion" in dlg.scope.currentText()
    assert text.count("\n@") == 2 and "2 papers written" in dlg.status.text()
    assert all(p.arxiv_id in text for p in window.lib.get_papers(shown))
    lv.set_filter(restrict=None, with_pdf=True)            # no paper of this library has a PDF
    qtbot.waitUntil(lambda: not lv.loading and lv.model.rowCount() == 0, timeout=10000)
    dlg, text = export("pdf.bib")
    assert "with a PDF" in dlg.scope.currentText()
    assert "@" not in text.replace("@comment{GapScope export}", "") and "0 papers written" in dlg.status.text()


def test_the_notes_export_counts_the_papers_the_file_holds(window, qtbot, tmp_path, arranged):
    from gapscope_desktop.dialogs.export_dialog import ExportDialog

    dlg = ExportDialog(window.tasks, window.lib, selected=arranged[:1], parent=window)
    qtbot.addWidget(dlg)
    assert dlg.scope.itemText(dlg.scope.findData("selected")) == "The selected paper"
    dlg.kind.setCurrentIndex(dlg.kind.findData("notes-md"))
    task = dlg.export_to(str(tmp_path / "notes.md"))
    qtbot.waitUntil(lambda: task.done, timeout=60000)
    assert task.outcome == "succeeded", task.error
    others = len(arranged) - 1        # one paper of the library has a note
    assert f"1 paper written" in dlg.status.text() and f"{others:,} papers had no notes" in dlg.status.text()


def test_reports_offer_the_library_or_a_collection(window, qtbot, tmp_path, arranged):
    from gapscope_desktop.dialogs.export_dialog import ExportDialog

    dlg = ExportDialog(window.tasks, window.lib, selected=arranged[:3], parent=window,
                       current=window.library_view.filter)
    qtbot.addWidget(dlg)
    dlg.set_scope("tag", "to-read")
    dlg.kind.setCurrentIndex(dlg.kind.findData("report-md"))
    assert dlg.scope.currentData() == "all"  # a report of a tag does not exist: back to the library
    model = dlg.scope.model()
    enabled = {dlg.scope.itemData(i) for i in range(dlg.scope.count()) if model.item(i).isEnabled()}
    assert enabled == {"all", "collection"}
    dlg.set_scope("collection", "review")
    out = tmp_path / "review.md"
    task = dlg.export_to(str(out))
    qtbot.waitUntil(lambda: task.done, timeout=120000)
    assert task.outcome == "succeeded", task.error
    assert "collection review" in out.read_text(encoding="utf-8")


def test_a_bibliography_carries_the_tags_and_notes_unless_unticked(window, qtbot, tmp_path):
    """BibTeX and RIS from the dialog carry the papers' tags and notes (Zotero's tags and notes), the CSV
    table its tags column, as `gapscope export` does; unticked, they are left out as with `--no-tags-notes`."""
    from gapscope_desktop.dialogs.export_dialog import ExportDialog

    from .library_data import write_aside

    ids = window.library_view.model.ids()[:2]

    def arrange(lib):
        lib.add_tag(ids[:1], "to read")
        lib.add_note(ids[0], "Compare with the baseline")

    write_aside(window.lib.path, arrange)
    dlg = ExportDialog(window.tasks, window.lib, selected=ids, parent=window)
    qtbot.addWidget(dlg)
    dlg.scope.setCurrentIndex(dlg.scope.findData("selected"))
    dlg.kind.setCurrentIndex(dlg.kind.findData("csljson"))
    assert dlg.tags_notes.isHidden()
    texts = {}
    for fmt, ticked in (("ris", True), ("ris", False), ("bibtex", True), ("bibtex", False), ("csv", True),
                        ("csv", False)):
        dlg.kind.setCurrentIndex(dlg.kind.findData(fmt))
        assert not dlg.tags_notes.isHidden()
        dlg.tags_notes.setChecked(ticked)
        out = tmp_path / f"{fmt}-{ticked}.txt"
        task = dlg.export_to(str(out))
        qtbot.waitUntil(lambda: task.done, timeout=60000)
        assert task.outcome == "succeeded", task.error
        texts[fmt, ticked] = out.read_text(encoding="utf-8")
    assert "KW  - to read" in texts["ris", True] and "N1  - Compare with the baseline" in texts["ris", True]
    assert "to read" in texts["bibtex", True] and "annote = {Compare with the baseline}" in texts["bibtex", True]
    assert not any(s in texts[f, False] for f in ("ris", "bibtex") for s in ("to read", "Compare with the baseline"))
    assert "to read" in texts["csv", True] and "tags" in texts["csv", True].splitlines()[0]
    assert "to read" not in texts["csv", False] and "tags" not in texts["csv", False].splitlines()[0]


def test_the_screening_decisions_export_as_the_cli_writes_them(window, qtbot, tmp_path):
    """The decisions (`gapscope triage export`) from the window: of the whole library or of a collection,
    as CSV or JSON, the same file as the CLI writes; a selection, tag or search is no scope for them."""
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.triage import decide, list_reasons
    from gapscope_desktop.dialogs.export_dialog import REPORT_SCOPES, ExportDialog

    from .library_data import write_aside

    ids = window.library_view.model.ids()[:4]

    def arrange(lib):
        decide(lib, ids[0], "include")
        decide(lib, ids[1], "exclude", reason=list_reasons(lib)[0])
        lib.create_collection("review")
        lib.add_to_collection("review", ids[2:4])
        decide(lib, ids[2], "maybe", collection="review")

    write_aside(window.lib.path, arrange)
    dlg = ExportDialog(window.tasks, window.lib, selected=ids, parent=window)
    qtbot.addWidget(dlg)
    for key, fmt, scope, collection, rows in (("decisions-csv", "csv", "all", None, 2),
                                              ("decisions-json", "json", "all", None, 2),
                                              ("decisions-csv", "csv", "collection", "review", 1)):
        dlg.kind.setCurrentIndex(dlg.kind.findData(key))
        model = dlg.scope.model()
        offered = {dlg.scope.itemData(i) for i in range(dlg.scope.count()) if model.item(i).isEnabled()}
        assert offered <= REPORT_SCOPES and "all" in offered
        dlg.set_scope(scope, collection)
        out = tmp_path / f"decisions-{scope}.{fmt}"
        task = dlg.export_to(str(out))
        qtbot.waitUntil(lambda: task.done, timeout=60000)
        assert task.outcome == "succeeded", task.error
        assert f"{rows} decision" in dlg.status.text()
        args = ["--library", str(window.lib.path), "triage", "export", "--format", fmt]
        cli = CliRunner().invoke(main, args + (["--collection", collection] if collection else []))
        assert cli.exit_code == 0, cli.output
        assert out.read_text(encoding="utf-8") == cli.stdout


def test_a_report_from_the_dialog_can_list_every_gap(window, qtbot, tmp_path):
    """The report lists the 25 best gaps unless "Every gap found" is ticked (`gapscope report --gaps all`);
    the box is offered for reports only."""
    import re

    from gapscope.gaps.model import ClusterRef, Gap
    from gapscope.gaps.store import save_gaps
    from gapscope_desktop.dialogs.export_dialog import ExportDialog

    from .library_data import write_aside

    ids = window.library_view.model.ids()
    gaps = [Gap("thin_growing", 1.0 - i / 100, f"“region {i}” is a thinly covered region that grows.", None,
                ClusterRef("topic", 1, 20 + i, f"region {i}", [f"kw{i}"]), [ids[i]], roles={ids[i]: "region"},
                details={"size": 40, "density": 0.5, "density_percentile": 0.2, "growth": 1.4,
                         "recent_since": "2025-12-24", "recent": 19, "earlier": 21, "raw_score": 0.3})
            for i in range(30)]
    write_aside(window.lib.path, lambda lib: save_gaps(lib, gaps))
    dlg = ExportDialog(window.tasks, window.lib, parent=window)
    qtbot.addWidget(dlg)
    dlg.kind.setCurrentIndex(dlg.kind.findData("bibtex"))
    assert dlg.all_gaps.isHidden()
    dlg.kind.setCurrentIndex(dlg.kind.findData("report-md"))
    assert not dlg.all_gaps.isHidden() and not dlg.all_gaps.isChecked()
    counts = {}
    for ticked in (False, True):
        dlg.all_gaps.setChecked(ticked)
        out = tmp_path / f"report-{ticked}.md"
        task = dlg.export_to(str(out))
        qtbot.waitUntil(lambda: task.done, timeout=120000)
        assert task.outcome == "succeeded", task.error
        counts[ticked] = len(re.findall(r"^### \d+\\?\. ", out.read_text(encoding="utf-8"), flags=re.M))
    assert counts == {False: 25, True: 30}


def test_a_pdf_report_says_which_papers_text_no_font_could_draw(window, qtbot, tmp_path, monkeypatch):
    """No font on the computer has Chinese: the dialog's message after a PDF report names the paper, how
    many of its characters were left out, and the HTML report that shows them."""
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper
    from gapscope_desktop.dialogs.export_dialog import ExportDialog

    from .library_data import write_aside

    title = "基于深度学习的中文分词方法研究"

    def arrange(lib):
        pid = ingest_papers(lib, [Paper(title=title, authors=["Wang Xiaoming"], year=2024, source="test",
                                        source_key="zh")], kind="import", source="test", target="zh").added_ids[0]
        lib.add_note(pid, "Compare with ours.")      # the report lists it with its note
        return pid

    pid = write_aside(window.lib.path, arrange)
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    monkeypatch.setenv("GAPSCOPE_FONT_PATH", str(empty))
    dlg = ExportDialog(window.tasks, window.lib, parent=window)
    qtbot.addWidget(dlg)
    dlg.kind.setCurrentIndex(dlg.kind.findData("report-pdf"))
    task = dlg.export_to(str(tmp_path / "report.pdf"))
    qtbot.waitUntil(lambda: task.done, timeout=120000)
    assert task.outcome == "succeeded", task.error
    status = dlg.status.text()
    assert f"leaves out {len(title)} characters" in status
    assert f"{len(title)} in paper {pid} “{title}”" in status
    assert "“Gap report (HTML)” export shows every character" in status
