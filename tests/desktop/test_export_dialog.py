"""Export through the reports core from the dialog: a BibTeX file of the selected papers."""

from __future__ import annotations


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
    assert text.count("@") == 5
    for p in window.lib.get_papers(ids):
        assert p.arxiv_id in text
