"""The desktop's first hour: the welcome page and its five ways in, the sample library, recent
libraries, empty views whose hints name commands that exist, Help (shortcuts, documentation, Report a
Problem), highlights made in the pane, LaTeX shown as text, and the paper table's columns remembered."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFileDialog, QMessageBox

ROOT = Path(__file__).resolve().parents[2]


def _window(qtbot, path):
    from gapscope_desktop.app import create_app
    from gapscope_desktop.main_window import MainWindow

    create_app(["test"])
    w = MainWindow(path)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    return w


@pytest.fixture
def fresh(qtbot):
    """The window at first launch: no --library, no last library, no default library."""
    from gapscope_desktop.app import library_path

    w = _window(qtbot, library_path(None))
    yield w
    w.close()


@pytest.fixture
def dialogs(monkeypatch):
    """Every file dialog the window shows (built by file_dialogs), answered with a queued path."""
    from gapscope_desktop import file_dialogs

    shown, answers = [], []

    def run(dlg):
        shown.append(dlg)
        return answers.pop(0) if answers else ""

    monkeypatch.setattr(file_dialogs, "_run", run)
    return shown, answers


# --- the welcome page ---------------------------------------------------------------------------------
def test_first_launch_shows_the_welcome_page(fresh):
    assert fresh.lib is None
    assert fresh.pages.currentWidget() is fresh.welcome
    texts = [b.text() for b in fresh.welcome.buttons.values()]
    assert texts == ["Create library…", "Open library…", "Import a file…", "Add PDFs…", "Collect from arXiv…",
                     "Try the sample library"]
    assert not fresh.act_export.isEnabled()


def test_open_library_is_a_real_open_dialog_for_folders(fresh, dialogs, tmp_path):
    from gapscope.store import Library

    shown, answers = dialogs
    lib = tmp_path / "made-with-cli.gapscope"
    Library(lib).close()
    answers.append(str(lib))
    fresh.welcome.buttons["openLibrary"].click()
    (dlg,) = shown
    assert dlg.acceptMode() == QFileDialog.AcceptOpen and dlg.fileMode() == QFileDialog.Directory
    assert dlg.testOption(QFileDialog.DontUseNativeDialog) and dlg.testOption(QFileDialog.ShowDirsOnly)
    assert fresh.lib is not None and fresh.lib.path == lib
    assert fresh.pages.currentWidget() is fresh.main_split


def test_opening_a_folder_without_a_library_asks_first(fresh, dialogs, tmp_path, monkeypatch):
    shown, answers = dialogs
    plain = tmp_path / "just-a-folder"
    plain.mkdir()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.No)
    answers.append(str(plain))
    fresh.choose_library()
    assert asked and "holds no GapScope library" in asked[0]
    assert fresh.lib is None and list(plain.iterdir()) == []       # nothing created there


def test_create_library_from_the_welcome_page(fresh, dialogs, tmp_path):
    shown, answers = dialogs
    answers.append(str(tmp_path / "review"))
    fresh.welcome.buttons["createLibrary"].click()
    assert shown[0].acceptMode() == QFileDialog.AcceptSave
    assert fresh.lib.path == tmp_path / "review.gapscope" and (tmp_path / "review.gapscope").is_dir()


@pytest.mark.parametrize("button, source", [("importFile", "file"), ("collectArxiv", "arxiv")])
def test_import_and_collect_open_the_default_library_first(fresh, monkeypatch, button, source):
    """With no library open, Import and Collect work in the library the CLI uses without --library,
    once the user says so (never silently)."""
    from gapscope.store import default_library_path

    from gapscope_desktop.dialogs.collect_dialog import CollectDialog

    opened, asked = [], []
    monkeypatch.setattr(CollectDialog, "exec", lambda self: opened.append(self.source.currentData()
                                                                          if hasattr(self, "source") else None))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes)
    fresh.welcome.buttons[button].click()
    assert len(asked) == 1 and str(default_library_path()) in asked[0]
    assert fresh.lib is not None and fresh.lib.path == default_library_path()
    assert len(opened) == 1


@pytest.fixture
def attach_only(monkeypatch):
    """Attach without the facet labels (they are not what these tests are about)."""
    import gapscope.fulltext as fulltext

    attach = fulltext.attach_and_label
    monkeypatch.setattr(fulltext, "attach_and_label", lambda lib, paths, **kw: attach(lib, paths, label=False, **kw))


@pytest.mark.parametrize("choice", ["files", "folder"])
def test_add_pdfs_on_the_welcome_page_attaches_them_into_the_default_library(fresh, qtbot, monkeypatch, tmp_path,
                                                                             shared_data, attach_only, choice):
    """With no library, "Add PDFs…" takes PDF files (or a folder of them), asks once to create the default
    library, and attaches them on the writer queue with progress and Cancel."""
    import shutil

    from gapscope.store import default_library_path

    folder = tmp_path / "my papers"
    folder.mkdir()
    pdf = folder / "citesee.pdf"
    shutil.copyfile(shared_data / "pdfs" / "cs" / "2302.07302v1.pdf", pdf)
    modes, asked = [], []
    monkeypatch.setattr(QFileDialog, "exec", lambda dlg: modes.append(dlg.fileMode()) or QFileDialog.Accepted)
    monkeypatch.setattr(QFileDialog, "selectedFiles",
                        lambda dlg: [str(folder)] if dlg.fileMode() == QFileDialog.Directory else [str(pdf)])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes)
    actions = {a.data(): a for a in fresh.welcome.buttons["addPdfs"].menu().actions()}
    actions[choice].trigger()
    assert modes == [QFileDialog.Directory if choice == "folder" else QFileDialog.ExistingFiles]
    assert len(asked) == 1 and str(default_library_path()) in asked[0]
    assert fresh.lib is not None and fresh.lib.path == default_library_path()
    task = fresh.attach_task
    assert task.writes and task.cancellable
    qtbot.waitUntil(lambda: bool(fresh.last_attach), timeout=60000)
    assert [(r["file"], r["status"]) for r in fresh.last_attach] == [(str(pdf), "new-paper")]
    assert [a["original_name"] for a in fresh.lib.list_attachments()] == [str(pdf)]
    assert fresh.pages.currentWidget() is fresh.main_split
    qtbot.waitUntil(lambda: fresh.library_view.model.rowCount() == 1, timeout=10000)


def test_add_pdfs_cancelled_creates_no_library(fresh, monkeypatch):
    from gapscope.store import database_file, default_library_path

    monkeypatch.setattr(QFileDialog, "exec", lambda dlg: QFileDialog.Rejected)
    fresh.welcome.buttons["addPdfs"].menu().actions()[0].trigger()
    assert fresh.lib is None and not database_file(default_library_path()).exists()


def test_add_pdfs_answered_no_says_nothing_was_added(fresh, monkeypatch, tmp_path):
    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.4\n")
    monkeypatch.setattr(QFileDialog, "exec", lambda dlg: QFileDialog.Accepted)
    monkeypatch.setattr(QFileDialog, "selectedFiles", lambda dlg: [str(tmp_path / "paper.pdf")])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.No)
    fresh.welcome.buttons["addPdfs"].menu().actions()[0].trigger()
    assert fresh.lib is None and "Nothing added: no library was opened" in fresh.status_label.text()


def _drag_and_drop(w, paths):
    from PySide6.QtCore import QMimeData, QPoint, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(QPoint(100, 100), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    w.dragEnterEvent(enter)
    drop = QDropEvent(QPointF(100, 100), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    if enter.isAccepted():
        w.dropEvent(drop)
    enter.mime = drop.mime = mime          # the events only point at it: kept alive with them
    return enter, drop


def test_pdfs_dropped_on_the_welcome_page_are_attached_into_the_default_library(fresh, qtbot, monkeypatch,
                                                                               tmp_path, shared_data, attach_only):
    import shutil

    from gapscope.store import default_library_path

    pdf = tmp_path / "citesee.pdf"
    shutil.copyfile(shared_data / "pdfs" / "cs" / "2302.07302v1.pdf", pdf)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes)
    enter, drop = _drag_and_drop(fresh, [pdf, tmp_path / "notes.txt"])
    assert enter.isAccepted() and drop.isAccepted()
    qtbot.waitUntil(lambda: bool(fresh.last_attach), timeout=60000)      # asked after the drop returned
    assert len(asked) == 1 and fresh.lib.path == default_library_path()
    assert [(r["file"], r["status"]) for r in fresh.last_attach] == [(str(pdf), "new-paper")]


def test_a_bibliography_dropped_on_the_welcome_page_opens_the_import_in_the_default_library(fresh, qtbot,
                                                                                           monkeypatch, tmp_path):
    from gapscope.store import default_library_path

    from gapscope_desktop.dialogs.collect_dialog import CollectDialog

    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, title={A}, year={2024}}\n")
    opened = []
    monkeypatch.setattr(CollectDialog, "exec", lambda self: opened.append(self))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    enter, drop = _drag_and_drop(fresh, [bib])
    assert enter.isAccepted() and drop.isAccepted()
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    assert fresh.lib.path == default_library_path()


def test_pdfs_and_a_bibliography_dropped_then_no_library_say_nothing_was_added(fresh, qtbot, monkeypatch,
                                                                               tmp_path):
    from gapscope.store import database_file, default_library_path

    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "refs.bib").write_text("@article{a, title={A}, year={2024}}\n")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.No)
    enter, drop = _drag_and_drop(fresh, [tmp_path / "paper.pdf", tmp_path / "refs.bib"])
    assert enter.isAccepted() and drop.isAccepted()
    qtbot.waitUntil(lambda: bool(asked), timeout=10000)                  # asked after the drop returned
    qtbot.waitUntil(lambda: "Nothing added" in fresh.status_label.text(), timeout=10000)
    assert len(asked) == 1                                              # one question for the whole drop
    assert "no library was opened" in fresh.status_label.text()
    assert fresh.lib is None and not database_file(default_library_path()).exists()


def test_nothing_droppable_is_refused_on_the_welcome_page(fresh, tmp_path):
    (tmp_path / "notes.txt").write_text("not a paper")
    enter, _drop = _drag_and_drop(fresh, [tmp_path / "notes.txt"])
    assert not enter.isAccepted() and fresh.lib is None


def test_try_the_sample_library(fresh, qtbot):
    from gapscope.sample import SAMPLE_SIZE

    fresh.welcome.buttons["trySample"].click()
    task = fresh.sample_task
    assert task is not None and task.writes and task.cancellable     # the writer queue, with Cancel
    assert fresh.lib.path.name == "sample.gapscope"
    qtbot.waitUntil(lambda: task.done, timeout=60000)
    assert task.outcome == "succeeded", task.error
    qtbot.waitUntil(lambda: fresh.library_view.model.rowCount() == SAMPLE_SIZE, timeout=20000)
    assert fresh.lib.count_papers() == SAMPLE_SIZE
    assert task.last_progress[1] > 0                                  # it reported progress


# --- recent libraries ---------------------------------------------------------------------------------
def test_recent_libraries_menu_and_welcome_list(fresh, tmp_path, monkeypatch):
    from gapscope.store import Library

    a, b = tmp_path / "a.gapscope", tmp_path / "b.gapscope"
    for p in (a, b):
        Library(p).close()
    assert fresh.open_library(a) and fresh.open_library(b)
    fresh._fill_recent_menu()
    listed = [act.data() for act in fresh.recent_menu.actions() if act.data()]
    assert listed == [str(b), str(a)]                               # newest first
    fresh.close_library()
    items = [fresh.welcome.recent.item(i).data(Qt.UserRole) for i in range(fresh.welcome.recent.count())]
    assert items == [str(b), str(a)]
    # a library that is gone is shown as such, and choosing it drops it from the list; listing the
    # recent libraries opens none of them (a stat at most)
    import shutil

    from gapscope.store import library as store_library

    shutil.rmtree(a)
    opened = []
    real_init = store_library.Library.__init__
    monkeypatch.setattr(store_library.Library, "__init__",
                        lambda self, path, *k, **kw: opened.append(path) or real_init(self, path, *k, **kw))
    fresh.show_welcome()
    fresh._fill_recent_menu()
    assert opened == []
    assert "not found" in fresh.welcome.recent.item(1).text()
    monkeypatch.setattr(QMessageBox, "information", lambda *a_: None)
    fresh.welcome.recent.itemActivated.emit(fresh.welcome.recent.item(1))
    assert fresh.lib is None and not a.exists()
    from gapscope_desktop import recent

    assert recent.recent_libraries() == [str(b)]
    fresh.welcome.recent.itemActivated.emit(fresh.welcome.recent.item(0))
    assert fresh.lib is not None and fresh.lib.path == b


# --- empty views --------------------------------------------------------------------------------------
def _quoted_commands() -> list[tuple[str, str]]:
    """(file, command line) for every `gapscope ...` quoted in the desktop's sources (backticks or <code>)."""
    found = []
    for f in sorted((ROOT / "desktop" / "gapscope_desktop").rglob("*.py")):
        text = f.read_text(encoding="utf-8")
        for m in re.finditer(r"`gapscope ([^`\n{]+)`|<code>gapscope ([^<\n{]+)</code>", text):
            found.append((f.name, m.group(1) or m.group(2)))
    return found


def test_quoted_cli_commands_exist():
    """Each command the window's texts tell a user to run is a real `gapscope` command, with real options."""
    import click

    from gapscope.cli import main

    quoted = _quoted_commands()
    assert len(quoted) >= 8 and any("sample" in c for _f, c in quoted)
    variants = []
    for where, line in quoted:              # "collect arxiv|scholar": each alternative is checked
        lines = [""]
        for word in line.split():
            lines = [f"{done} {alt}".strip() for done in lines for alt in word.split("|")]
        variants += [(where, v) for v in lines]
    for where, line in variants:
        if line == "...":
            continue
        cmd, words = main, line.split()
        consumed = 0
        while isinstance(cmd, click.Group) and consumed < len(words) and words[consumed] in cmd.commands:
            cmd = cmd.commands[words[consumed]]
            consumed += 1
        assert consumed >= 1 or words[0].startswith("-"), f"{where}: `gapscope {line}`: no such command"
        rest = words[consumed:]
        if isinstance(cmd, click.Group) and not cmd.invoke_without_command:
            # a group alone lists its commands; a word after it must be one of them
            assert not [w for w in rest if not w.startswith("-")], f"{where}: `gapscope {line}`: no such subcommand"
        options = {o for p in cmd.params for o in getattr(p, "opts", [])} | {"--help"}
        for w in rest:
            if w.startswith("-"):
                assert w.split("=")[0] in options, f"{where}: `gapscope {line}`: no option {w}"


def test_the_maps_hint_names_no_missing_command():
    from gapscope_desktop import hints

    assert "maps build" not in hints.NO_MAP and "`gapscope analyze`" in hints.NO_MAP


def test_an_empty_library_says_what_to_do(qtbot, tmp_path):
    w = _window(qtbot, tmp_path / "empty.gapscope")
    qtbot.waitUntil(lambda: not w.library_view.loading, timeout=10000)
    assert w.library_view.empty_hint.isVisible() and not w.library_view.table.isVisible()
    assert "gapscope sample" in w.library_view.empty_hint.text()
    w.close()


# --- Help -----------------------------------------------------------------------------------------------
def test_shortcuts_are_read_from_the_actions(window):
    from PySide6.QtGui import QAction, QKeySequence

    from gapscope_desktop.dialogs.help_dialogs import ShortcutsDialog

    rows = ShortcutsDialog(window).rows
    keys = {(k, what) for _w, k, what in rows}
    assert (QKeySequence("Ctrl+I").toString(QKeySequence.NativeText), "Import File") in keys
    assert (QKeySequence("Ctrl+H").toString(QKeySequence.NativeText), "Highlight") in keys
    assert ("E", "Exclude the paper") in keys
    # a new action is listed without touching the dialog: the list cannot go stale
    extra = QAction("Brand New Thing", window)
    extra.setShortcut(QKeySequence("Ctrl+Alt+J"))
    window.addAction(extra)
    assert any(what == "Brand New Thing" for _w, _k, what in ShortcutsDialog(window).rows)


def test_documentation_shows_the_readme(window):
    from gapscope_desktop.dialogs.help_dialogs import DocsDialog

    dlg = DocsDialog(window)
    assert dlg.index.count() >= 3
    assert "GapScope" in dlg.text.toPlainText() and "make run" in dlg.text.toPlainText()
    names = [dlg.index.item(i).text() for i in range(dlg.index.count())]
    assert "README.md" in names and any(n.startswith("docs") for n in names)


def test_report_a_problem_writes_diagnostics_without_paper_text_or_keys(window, tmp_path, monkeypatch):
    import logging

    from gapscope_desktop.applog import setup_logging, stop_logging

    log = setup_logging(tmp_path / "app.log")
    try:
        logging.getLogger("gapscope.collect").error("collect failed: 503 with api_key=SECRET-123 via "
                                                    "http://user:hunter2@proxy:8080")
        logging.getLogger("gapscope.collect").info("an info line that is no error")
    finally:
        stop_logging()
    monkeypatch.setattr("gapscope.diagnostics.log_path", lambda: log)
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    path = window.report_problem(str(tmp_path / "diag.json"))
    text = path.read_text(encoding="utf-8")
    info = json.loads(text)
    assert info["gapscope"] and info["python"] and info["qt"] and info["pyside6"] and info["platform"]
    assert "torch" in info["packages"]
    assert info["library"]["counts"]["papers"] == window.lib.count_papers() == 400
    (err,) = info["last_errors"]
    assert "collect failed: 503" in err
    assert "SECRET-123" not in text and "hunter2" not in text and "[redacted]" in err
    # no paper text: not one title or abstract sentence of the library is in the file
    for pid, title, abstract in window.lib.paper_title_abstracts()[:400]:
        assert title not in text
        assert (abstract or "")[:60] not in text or not abstract


# --- highlights, LaTeX and the remembered table -------------------------------------------------------
def _latex_paper(lib):
    return next((pid, a) for pid, _t, a in lib.paper_title_abstracts() if "\\%" in a or re.search(r"\$\\\w+", a))


def _select_shown(pane, start: int, end: int) -> None:
    block = pane._abstract_block()
    cursor = pane.browser.textCursor()
    cursor.setPosition(block.position() + start)
    cursor.setPosition(block.position() + end, QTextCursor.KeepAnchor)
    pane.browser.setTextCursor(cursor)


def test_latex_shown_as_text_in_the_pane_and_table(window, qtbot):
    from gapscope.textfmt import latex_to_text

    pid, abstract = _latex_paper(window.lib)
    window.open_paper(pid)
    shown = window.detail.shown[0]
    assert shown and shown in window.detail.browser.toPlainText()
    assert "\\%" not in shown and not re.search(r"\$\\\w+", shown)
    assert shown == " ".join(latex_to_text(abstract).split())
    title_cell = window.library_view.model.data(window.library_view.model.index(
        window.library_view.model.row_of(pid), 0))
    assert "\\" not in title_cell or "\\" in latex_to_text(window.lib.get_paper(pid).title)


def test_a_highlight_made_in_the_pane_survives_a_restart(qtbot, lib_path):
    w = _window(qtbot, lib_path)
    qtbot.waitUntil(lambda: w.library_view.model.rowCount() > 0, timeout=10000)
    pid, abstract = _latex_paper(w.lib)
    w.open_paper(pid)
    pane = w.detail
    shown, spans = pane.shown
    # select a stretch of the shown text that holds the rendered LaTeX
    m = re.search(r"\$\\\w+[^$]*\$|\\%", abstract)
    a = next(i for i, (s, _e) in enumerate(spans) if s >= max(0, m.start() - 20))
    b = next(i for i, (s, _e) in enumerate(spans) if s >= min(len(abstract), m.end() + 15)) \
        if any(s >= m.end() + 15 for s, _e in spans) else len(shown)
    _select_shown(pane, a, b)
    span = pane.selection_span()
    assert span is not None and span[0] <= m.start() and span[1] >= m.end()
    from gapscope.textfmt import latex_to_text

    # the stored span is exactly the source of what was selected on screen
    assert " ".join(latex_to_text(abstract[span[0]:span[1]]).split()) == shown[a:b].strip()
    task = pane.highlight_selection(comment="check this number")
    qtbot.waitUntil(lambda: task.done, timeout=10000)
    assert task.outcome == "succeeded", task.error
    qtbot.waitUntil(lambda: len(pane.highlights) == 1, timeout=5000)
    w.close()

    w2 = _window(qtbot, lib_path)                # a restart: a new window on the same library
    qtbot.waitUntil(lambda: w2.library_view.model.rowCount() > 0, timeout=10000)
    w2.open_paper(pid)
    (h,) = w2.detail.highlights
    assert (h["start"], h["end"]) == span and h["comment"] == "check this number"
    page = w2.detail.notes_view.toHtml()          # listed under the notes, with its note and remove link
    assert "check this number" in page and "highlight:remove/" in page
    # removable: the pane's remove link, which asks first since the highlight carries a note
    from PySide6.QtCore import QUrl

    asked = []

    def answer(reply):
        return staticmethod(lambda *a, **k: asked.append(a[2]) or reply)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(QMessageBox, "question", answer(QMessageBox.No))
        w2.detail._link(QUrl(f"highlight:remove/{h['id']}"))
        assert len(asked) == 1 and "check this number" in asked[0]
        assert len(w2.detail.highlights) == 1 and "Remove highlight" not in [t.name for t in w2.tasks.running]
        mp.setattr(QMessageBox, "question", answer(QMessageBox.Yes))
        w2.detail._link(QUrl(f"highlight:remove/{h['id']}"))
    qtbot.waitUntil(lambda: not w2.detail.highlights, timeout=10000)
    w2.close()


def test_column_widths_and_sort_remembered(qtbot, lib_path):
    from gapscope_desktop.views.paper_model import COL_AUTHORS, COL_YEAR

    w = _window(qtbot, lib_path)
    qtbot.waitUntil(lambda: w.library_view.model.rowCount() > 0, timeout=10000)
    header = w.library_view.table.horizontalHeader()
    header.resizeSection(COL_AUTHORS, 333)
    header.setSortIndicator(COL_YEAR, Qt.DescendingOrder)
    qtbot.waitUntil(lambda: w.library_view.filter.order == "year" and not w.library_view.loading, timeout=10000)
    w.close()

    w2 = _window(qtbot, lib_path)
    qtbot.waitUntil(lambda: w2.library_view.model.rowCount() > 0, timeout=10000)
    h2 = w2.library_view.table.horizontalHeader()
    assert h2.sectionSize(COL_AUTHORS) == 333
    assert h2.sortIndicatorSection() == COL_YEAR and h2.sortIndicatorOrder() == Qt.DescendingOrder
    assert w2.library_view.filter.order == "year" and w2.library_view.filter.descending
    years = [w2.library_view.model.paper(r).year for r in range(w2.library_view.model.rowCount())]
    assert years == sorted(years, key=lambda y: (y is not None, y or 0), reverse=True) or \
        [y for y in years if y is not None] == sorted([y for y in years if y is not None], reverse=True)
    w2.close()


def test_highlight_in_an_abstract_coloured_by_role(analysed_window, qtbot):
    """With the facet sentences drawn, the shown abstract is still one paragraph whose text maps back:
    a selection across two sentences is stored on the source offsets and drawn inline."""
    w = analysed_window
    pid = next(p for p, _t, a in w.lib.paper_title_abstracts()
               if len(a) > 400 and "$" not in a and "\\" not in a and ". " in a[:300])
    w.open_paper(pid)
    pane = w.detail
    assert 'title="' in pane.browser.toHtml()              # sentences drawn with their roles
    shown, spans = pane.shown
    cut = shown.index(". ") + 2                             # across the first sentence end
    _select_shown(pane, cut - 20, cut + 20)
    span = pane.selection_span()
    abstract = w.lib.get_paper(pid).abstract
    assert " ".join(abstract[span[0]:span[1]].split()) == shown[cut - 20:cut + 20].strip()
    task = pane.highlight_selection()
    qtbot.waitUntil(lambda: task.done, timeout=10000)
    qtbot.waitUntil(lambda: len(pane.highlights) == 1, timeout=5000)
    assert pane.shown[0] == shown and pane._abstract_block() is not None
    assert "#fff3a3" in pane.browser.toHtml().lower()


def test_the_view_menu_reaches_every_tab_with_its_shortcut(window, qtbot):
    """View lists each tab (Citations and the Reader included) with Ctrl+N in the tabs' order."""
    from PySide6.QtGui import QKeySequence

    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    entries = [a for a in view_menu.actions() if a.text() and not a.text().startswith("&Refresh")]
    assert [a.text() for a in entries] == [window.tabs.tabText(i) for i in range(window.tabs.count())]
    for i, a in enumerate(entries):
        assert a.shortcut() == QKeySequence(f"Ctrl+{i + 1}")
        a.trigger()
        assert window.tabs.currentIndex() == i


def test_a_highlight_after_a_character_outside_the_basic_plane_is_on_the_words_selected(qtbot, lib_path):
    """Qt counts a cursor's position in UTF-16 units, where 𝒪 (what $\\mathcal{O}$ is shown as) and an
    emoji take two; the stored offsets are the abstract's characters: the words selected on screen are
    the words highlighted."""
    import sqlite3

    conn = sqlite3.connect(str(lib_path), isolation_level=None)
    try:
        pid = conn.execute("SELECT min(id) FROM papers").fetchone()[0]
        conn.execute("UPDATE papers SET abstract = ? WHERE id = ?",
                     ("Sorting in $\\mathcal{O}(n \\log n)$ time 😀 beats the quadratic baseline.", pid))
    finally:
        conn.close()
    w = _window(qtbot, lib_path)
    qtbot.waitUntil(lambda: w.library_view.model.rowCount() > 0, timeout=10000)
    w.open_paper(pid)
    pane = w.detail
    shown, _spans = pane.shown
    a = shown.index("beats")
    b = a + len("beats the quadratic")

    def utf16(i: int) -> int:
        return len(shown[:i].encode("utf-16-le")) // 2

    _select_shown(pane, utf16(a), utf16(b))
    assert pane.browser.textCursor().selectedText() == "beats the quadratic"       # what the user sees selected
    start, end = pane.selection_span()
    assert w.lib.get_paper(pid).abstract[start:end] == "beats the quadratic"
    w.close()


def test_a_library_folder_dropped_on_the_welcome_page_is_opened_not_read_for_pdfs(fresh, qtbot, monkeypatch,
                                                                                  tmp_path):
    from gapscope.store import Library, default_library_path

    thesis = tmp_path / "thesis.gapscope"
    Library(thesis).close()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes)
    enter, drop = _drag_and_drop(fresh, [thesis])
    assert enter.isAccepted() and drop.isAccepted()
    qtbot.waitUntil(lambda: fresh.lib is not None, timeout=10000)
    assert fresh.lib.path == thesis and asked == [] and not default_library_path().exists()
