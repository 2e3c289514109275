"""The main window: sidebar | views (Library, Triage, Maps, Gaps, Experiments), status bar with the
running task and its Cancel button. Long work runs through the TaskManager; the window never blocks."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QLabel, QMainWindow, QMenu, QMessageBox, QSplitter, QStackedWidget, QTabWidget,
                               QToolBar, QVBoxLayout, QWidget)

from gapscope.textfmt import plural

from . import paper_drafts, queries, recent, settings
from .dialogs.collect_dialog import dropped_import_file
from .gui_thread_gc import freeze_heap, thaw_heap
from .library_paths import same_library
from .tasks import TaskManager
from .views.detail_pane import DetailPane
from .views.pdf_reader import (ATTACHED, PdfReader, attach_dropped, attach_summary, dropped_library, dropped_pdfs,
                                fetch_pdfs_task, show_attach_failures)
from .views.library_view import LibraryView
from .widgets.sidebar import Sidebar
from .widgets.task_progress import TaskProgress
from .write_guard import WriteGuard, set_enabled

def warm_up(*, progress=None, cancel=None) -> None:
    import numpy  # noqa: F401

    import gapscope.ingest  # noqa: F401


def _store_settings(lib, values: dict, *, progress=None, cancel=None) -> None:
    """Writer-queue side of the Preferences dialog: the settings that live in the library."""
    with lib.transaction():
        for key, value in values.items():
            lib.set_setting(key, value)


LOCK_WAIT_MESSAGE = "Waiting for the library: another GapScope process is writing…"
AUTO_REFRESH_MESSAGE = "The library was changed by another GapScope process; the views show it now."

TAB_LIBRARY, TAB_TRIAGE, TAB_MAPS, TAB_GAPS, TAB_EXPERIMENTS = range(5)


class MainWindow(QMainWindow):
    def __init__(self, library_path: Optional[Path] = None, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("GapScope")
        self.resize(1280, 800)
        self.lib = None
        self._closed = False
        self._close_approved = False   # closing goes through without questions (set by tests)
        self._stopping = False         # closing once the running work has stopped
        self._close_queued = False
        self._spec_at_stop: Optional[str] = None   # the spec as it was when the close asked about it
        self._terminating = False      # closing on SIGTERM (terminate.py): nobody to ask
        self.last_attach: list = []     # the results of the last PDF drop
        self.attach_task = None         # the last attach (a drop, Attach PDF, Add PDFs): progress and Cancel
        self.facet_review = None      # the non-modal "Check Facet Labels" dialog, made on first use
        self.tasks = TaskManager(self)

        self.sidebar = Sidebar(tasks=self.tasks)
        self.sidebar.chosen.connect(self._sidebar_chosen)
        self.library_view = LibraryView(self.tasks)
        self.detail = DetailPane(self.tasks)
        self.library_view.paperSelected.connect(self.detail.show_paper)
        self.library_view.queryChanged.connect(self.detail.set_query)
        self.library_view.countChanged.connect(self._count_changed)
        self.detail.tagsChanged.connect(self._tags_changed)
        self.detail.titleChanged.connect(self._title_changed)
        self.detail.abstractChanged.connect(self._abstract_changed)
        self.detail.pdfHighlightAsked.connect(self.show_pdf_highlight)
        self.detail.pdfAsked.connect(self.show_pdf)
        self.detail.said.connect(lambda text: self.statusBar().showMessage(text, 15000))
        # Ctrl+Z (Edit > Undo) takes back the shown paper's last edit from the paper list too, Redo makes it again
        self.library_view.addAction(self.detail.act_undo_edit)
        self.library_view.addAction(self.detail.act_redo_edit)

        self.lib_split = QSplitter(Qt.Horizontal)
        self.lib_split.setObjectName("librarySplit")
        self.lib_split.addWidget(self.library_view)
        self.lib_split.addWidget(self.detail)
        self.lib_split.setStretchFactor(0, 3)
        self.lib_split.setStretchFactor(1, 2)
        self.lib_split.setSizes([760, 440])

        from .views.experiments_view import ExperimentsView
        from .views.gaps_view import GapsView
        from .views.maps_view import MapsView
        from .views.triage_view import TriageView

        self.triage_view = TriageView(self.tasks)
        self.maps_view = MapsView(self.tasks)
        self.gaps_view = GapsView(self.tasks)
        self.experiments_view = ExperimentsView(self.tasks)
        self.triage_view.decided.connect(self._after_decision)
        self.triage_view.scopeChanged.connect(self.sidebar.set_triage_scope)
        self.library_view.papersChanged.connect(self._papers_changed)
        self.library_view.searchSaved.connect(lambda _name: self.refresh_sidebar())
        self.library_view.papersDeleted.connect(self._papers_deleted)
        self.library_view.screenRequested.connect(self.screen_in_triage)
        self.sidebar.changed.connect(self._papers_changed)
        self.sidebar.screenRequested.connect(self.screen_in_triage)
        if hasattr(self.maps_view, "screenCluster"):
            self.maps_view.screenCluster.connect(lambda c: self.screen_in_triage({"cluster": c}))
        self.maps_view.showPapers.connect(self.show_papers)
        self.maps_view.inputsChanged.connect(self.gaps_view.library_modified)
        self.gaps_view.inputsRebuilt.connect(self.maps_view.library_modified)
        # a run recorded by its runner process tests a gap: the gap's runs line shows it next
        self.experiments_view.runFinished.connect(lambda *_a: self.gaps_view.library_modified())
        self.gaps_view.showPapers.connect(self.show_papers)
        self.gaps_view.openPaper.connect(self.open_paper)
        self.gaps_view.openInPdf.connect(self.open_in_pdf)
        self.gaps_view.draftExperiment.connect(self._draft_experiment)
        self.experiments_view.openGap.connect(self._open_gap)
        self.experiments_view.draftOffered.connect(self._spec_draft_offered)
        self._drafts_not_kept_said = False     # "cannot be kept" is said once per library opened
        for keeper_of in (self.detail, self.experiments_view):
            keeper_of.draftNotKept.connect(self._draft_not_kept)
        from .views.graph_view import GraphView

        self.graph_view = GraphView(self.tasks)
        self.graph_view.openPaper.connect(self.open_paper)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("views")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.lib_split, "Library")
        self.tabs.addTab(self.triage_view, "Triage")
        self.tabs.addTab(self.maps_view, "Maps")
        self.tabs.addTab(self.gaps_view, "Gaps")
        self.tabs.addTab(self.experiments_view, "Experiments")
        self.tabs.addTab(self.graph_view, "Citations")
        self.reader = PdfReader(self.tasks)
        self.library_view.paperSelected.connect(self.reader.show_paper)
        self.reader.highlightSaved.connect(lambda pid: self.detail.annotations_changed(pid))
        self.reader.draftNotKept.connect(self._draft_not_kept)
        self.tabs.addTab(self.reader, "Reader")
        self.setAcceptDrops(True)         # PDFs dropped on the window are attached
        self.tabs.currentChanged.connect(self._tab_changed)

        self.main_split = QSplitter(Qt.Horizontal)
        self.main_split.setObjectName("mainSplit")
        self.main_split.addWidget(self.sidebar)
        self.main_split.addWidget(self.tabs)
        self.main_split.setStretchFactor(1, 1)
        side = self.fontMetrics().averageCharWidth() * 37      # the sidebar grows with the font (220 px at 9 pt)
        self.main_split.setSizes([side, 1280 - side])
        # page 1: no library open (first launch, the last one gone, or closed after a disk or file failure)
        from .views.welcome_page import WelcomePage

        self.welcome = WelcomePage()
        self.welcome.createLibrary.connect(self.create_library)
        self.welcome.openLibrary.connect(self.choose_library)
        self.welcome.importFile.connect(lambda: self.show_collect(source="file"))
        self.welcome.addPdfs.connect(self.add_pdfs)
        self.welcome.collectArxiv.connect(lambda: self.show_collect(source="arxiv"))
        self.welcome.trySample.connect(self.try_sample)
        self.welcome.openRecent.connect(self.open_recent)
        self.no_library = self.welcome              # older names of the page and its message
        self.no_library_label = self.welcome.message
        self.sample_task = None
        self.pages = QStackedWidget()
        self.pages.addWidget(self.main_split)
        self.pages.addWidget(self.no_library)
        # over the views: the notes, tags and titles an earlier window kept unsaved, to restore or discard
        from .views.kept_drafts import KeptDraftsBar

        self.kept_bar = KeptDraftsBar()
        self.kept_bar.restoreAsked.connect(self.restore_kept_draft)
        self.kept_bar.discardAsked.connect(self.discard_kept_draft)
        central = QWidget()
        cl = QVBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(self.kept_bar)
        cl.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)
        self._notice_at_show: Optional[tuple[str, int]] = None     # a status message given before the window showed
        self.task_progress = TaskProgress(self.tasks)
        self.statusBar().addPermanentWidget(self.task_progress)
        self.tasks.ended.connect(self._task_ended)
        self.tasks.lockWaiting.connect(self._lock_waiting)
        self.tasks.lockTaken.connect(lambda _t: self._clear_lock_wait())

        self._build_actions()
        # every control that writes to the library, held off (with a tooltip) while it is read-only
        self.write_guard = WriteGuard(self)
        for view in (self.library_view, self.detail, self.triage_view, self.maps_view, self.gaps_view,
                     self.experiments_view, self.reader, self.graph_view):
            self.write_guard.register(view.writers())
        self.write_guard.register([self.act_collect, self.act_import, self.act_attach_pdf, self.act_fetch_pdfs,
                                   self.kept_bar.restore_button])
        self._build_library_safety()
        self._restore_state()
        self.changed_banner.hide()
        if library_path is not None:
            # when it fails: the welcome page, saying why (_open_failed)
            if self.open_library(library_path):
                self._select_last_paper()
        else:
            self.show_welcome()
        self.warm_up_task = None
        QTimer.singleShot(400, self._warm_up)

    def _warm_up(self) -> None:
        """Import the extension modules the first long task would need (numpy, the importers) on a
        worker soon after the window is up: loading a C extension holds the GIL for tens of ms, better
        while the user reads the window than in the middle of their first import."""
        if self._closed:
            return
        self.warm_up_task = self.tasks.run("Warm up", warm_up, quiet=True, on_finished=self._freeze_heap)

    def _freeze_heap(self) -> None:
        """Move the objects alive after start-up (Qt wrappers, modules) out of the cyclic collector's
        reach: a full collection over them holds the GIL for 100+ ms, stalling the GUI mid-task. A window
        closed meanwhile is not frozen again (its close thawed it to be freed)."""
        if not self._closed:
            freeze_heap()

    # --- actions ---------------------------------------------------------------------------------
    def _build_actions(self) -> None:
        def act(text, slot, shortcut=None, tip=""):
            a = QAction(text, self)
            a.triggered.connect(slot)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
            if tip:
                a.setStatusTip(tip)
            return a

        self.act_open = act("&Open Library…", self.choose_library, QKeySequence.Open,
                            "Open a library (a .gapscope folder)")
        self.act_new = act("&New Library…", self.create_library, QKeySequence.New, "Create a library folder")
        self.act_collect = act("&Collect Papers…", self.show_collect, "Ctrl+Shift+C",
                               "Collect from arXiv or Google Scholar, or import a file")
        self.act_import = act("&Import File…", lambda: self.show_collect(source="file"), "Ctrl+I",
                              "Import BibTeX, RIS, CSV or an arXiv snapshot")
        self.act_import_history = act("Import &History…", self.show_import_history,
                                      tip="Every import and collect: its counts, the records it refused (file, "
                                          "line, reason), and the PRISMA counts")
        self.act_attach_pdf = act("Attach &PDF…", self.choose_pdf,
                                  tip="Attach PDFs, one or many, to their papers (matched by DOI, arXiv id or "
                                  "title) and label their sentences")
        self.act_fetch_pdfs = act("&Fetch arXiv PDFs", self.fetch_pdfs,
                                  tip="Download and attach the arXiv PDF of the selected papers (of every paper "
                                      "without one when none is selected) and label their sentences")
        self.act_export = act("&Export…", self.show_export, "Ctrl+E",
                              "Export a gap report, a bibliography or the screening decisions")
        self.act_prefs = act("&Preferences…", self.show_preferences, QKeySequence.Preferences)
        self.act_prefs.setMenuRole(QAction.PreferencesRole)
        self.act_quit = act("&Quit", self.close, QKeySequence.Quit)
        self.act_find = act("&Find", self._focus_search, QKeySequence.Find)
        self.act_check_facets = act("Check Facet &Labels…", self.show_facet_review, "Ctrl+Shift+L",
                                    "The least certain role and shortcoming labels, to set right")
        self.act_backup = act("&Back Up Library…", self.back_up_library,
                              tip="Copy the library (database, PDFs, runs) into a new folder, safely while in use")
        self.act_refresh = act("&Refresh", self.refresh_views, QKeySequence.Refresh,
                               "Load every view again from the library (after the gapscope command changed it)")

        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        m = self.menuBar().addMenu("&File")
        m.addAction(self.act_new)
        m.addAction(self.act_open)
        m.addMenu(self.recent_menu)
        for a in (None, self.act_collect, self.act_import, self.act_import_history, self.act_attach_pdf, self.act_fetch_pdfs, self.act_export,
                  None, self.act_backup, None, self.act_prefs,
                  None, self.act_quit):
            m.addSeparator() if a is None else m.addAction(a)
        m = self.menuBar().addMenu("&Edit")
        m.addAction(self.detail.act_undo_edit)
        m.addAction(self.detail.act_redo_edit)
        m.addSeparator()
        m.addAction(self.act_find)
        m.addSeparator()
        m.addAction(self.act_check_facets)
        m = self.menuBar().addMenu("&View")
        # every tab, in the tabs' order (the Reader and Citations too: reached from the keyboard like the rest)
        for i, name in enumerate(("Library", "Triage", "Maps", "Gaps", "Experiments", "Citations", "Reader")):
            a = act(name, lambda _c=False, i=i: self.tabs.setCurrentIndex(i), f"Ctrl+{i + 1}")
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_refresh)
        self.act_docs = act("&Documentation", self.show_documentation, QKeySequence.HelpContents,
                            "The user guide: README and the docs folder")
        self.act_shortcuts = act("&Keyboard Shortcuts", self.show_shortcuts, "Ctrl+/",
                                 "Every keyboard shortcut of the window")
        self.act_report = act("&Report a Problem…", self.report_problem, tip="Write a diagnostics file to attach "
                              "to a problem report (versions, library counts, last errors; no paper text)")
        self.act_check_library = act("Check Library &Integrity…", self.check_library_integrity,
                                     tip="Check the library for damage: SQLite's own checks, rows naming deleted "
                                         "papers, the schema, missing PDF files and run folders (changes nothing)")
        self.act_about = act("&About GapScope", self._about)
        self.act_about.setMenuRole(QAction.AboutRole)
        m = self.menuBar().addMenu("&Help")
        for a in (self.act_docs, self.act_shortcuts, None, self.act_check_library, self.act_report, None,
                  self.act_about):
            m.addSeparator() if a is None else m.addAction(a)

        tb = QToolBar("Main")
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonTextOnly)
        for a in (self.act_collect, self.act_import, self.act_export):
            tb.addAction(a)
        self.addToolBar(tb)

    # --- library ---------------------------------------------------------------------------------
    def open_library(self, path: Path | str) -> bool:
        from gapscope.store import Library, LibraryError, LibraryFault

        # the drafts belong to their library's papers (the open one, or the one a failure closed); the
        # same library opened again keeps them. Asked before the library is opened: opening may create
        # its folder or upgrade its file, which Cancel must not leave behind
        drafts_of = self.lib.path if self.lib is not None else self.detail.drafts_library
        choice = "none"
        if drafts_of is not None and not same_library(path, drafts_of):
            choice = self.ask_drafts()
            if choice is None:
                return False
        try:
            lib = Library(Path(path))
        except LibraryFault as exc:
            QMessageBox.critical(self, exc.title, str(exc))
            self._open_failed(path, exc)
            return False
        except LibraryError as exc:
            QMessageBox.warning(self, "Cannot open library", str(exc))
            self._open_failed(path, exc)
            return False
        self.apply_drafts(choice)             # only now: a failed open keeps them
        if self.facet_review is not None:       # it lists and corrects the old library's sentences
            self.facet_review.hide()
        old = self.lib
        if old is not None:
            self.tasks.shutdown()         # may deliver a failure that closes the old library meanwhile
            try:
                old.close()
            except Exception:  # noqa: BLE001 - a connection on a failed disk may not close cleanly
                pass
        self.lib = lib
        settings.put("library/path", str(lib.path))
        recent.remember(lib.path)
        self.welcome.set_message("")
        read_only = "  (read-only)" if lib.read_only else ""
        self.setWindowTitle(f"{lib.path.name}{read_only} — GapScope")
        self.write_guard.set_read_only(lib.read_only)
        self._status_notice("  ".join(lib.notices), 120000)   # an upgrade, unreadable recent changes
        self.sidebar.set_library(lib)
        self.detail.set_library(lib)
        self.reader.set_library(lib)
        self.library_view.set_library(lib)
        for view in (self.triage_view, self.maps_view, self.gaps_view, self.experiments_view, self.graph_view):
            view.set_library(lib)
        self.pages.setCurrentWidget(self.main_split)
        self._set_library_actions(True)
        self.watch.watch(lib)
        self.changed_banner.hide()
        self._drafts_not_kept_said = False
        self.offer_kept_drafts()
        return True

    # --- paper drafts kept by an earlier window (paper_drafts.py) ----------------------------------------
    def offer_kept_drafts(self) -> None:
        """List the notes, tags, titles and highlight notes an earlier window kept unsaved in the library's
        folder (not this window's own, nor those a window of another process open on the library is still
        typing), each checked against the library: one the library holds already goes quietly; one whose
        paper is gone, or whose note or title was changed since, says so."""
        from .drafts import remove_draft

        if self.lib is None:
            self.kept_bar.hide()
            return
        own = self.detail.kept.paths() | self.reader.kept.paths()
        rows = []
        for d in paper_drafts.list_drafts(self.lib.path):
            if d.path in own or d.open_elsewhere:
                continue
            check = paper_drafts.check(self.lib, d)
            if check.status == "saved":
                try:
                    remove_draft(d.path)          # saved after all (its window was killed before it knew)
                except OSError:
                    pass
                continue
            rows.append((d, check, paper_drafts.describe(self.lib, d)))
        self.kept_bar.offer(rows)
        if rows:
            self._add_notice(f"{len(rows)} {'text' if len(rows) == 1 else 'texts'} typed but not saved when "
                             "GapScope last closed: listed over the views, to restore or discard.")

    def restore_kept_draft(self, d, check) -> bool:
        """Put a kept draft back, unsaved, where it was typed: the paper's note or tag box, its title draft,
        the Edit note box (a note changed since: the note box, as a new note), the Reader's comment field."""
        if self.lib is None or check.status == "blocked" or not self.write_guard.writable:
            return False
        # checked again: the note or title may have changed since the list was made (another window, the
        # gapscope command, this window), and the draft is not put over that change
        check = paper_drafts.check(self.lib, d)
        if check.status == "saved":               # the library holds it now: nothing to put back
            self.discard_kept_draft(d)
            return True
        if check.status == "blocked":
            QMessageBox.information(self, "Restore", f"This text is not put back: {check.says}.")
            self.offer_kept_drafts()              # the list says so from now on
            return False
        pid = d.paper_id
        self.open_paper(pid)
        if d.field == "note_edit" and check.status == "restore":
            self.kept_bar.take_current()          # its file follows the box from here on
            self.detail.ask_edit_note(d.note_id, text=d.text, kept_path=d.path)
            if d.path.exists() and d.path not in self.detail.kept.paths():
                self.offer_kept_drafts()          # cancelled and kept for later: listed again
            return True
        if d.field == "comment" and not d.quote and self.reader.show_paper(pid):
            if self.reader.restore_comment(pid, d.text, d.path):
                self.tabs.setCurrentWidget(self.reader)
                self.kept_bar.take_current()
                return True
        if d.field in ("tag", "title", "abstract"):
            kind, text = d.field, d.text
        else:                                     # a note, an edit of a note changed since, a highlight's note
            kind, text = "note", (f"“{d.quote}”: {d.text.strip()}" if d.field == "comment" and d.quote else d.text)
        why = self.detail.restore_draft(pid, kind, text, d.path, started_from=d.started_from)
        if why:
            QMessageBox.information(self, "Restore", why)
            return False
        self.kept_bar.take_current()
        return True

    def discard_kept_draft(self, d) -> bool:
        from .drafts import remove_draft

        try:
            remove_draft(d.path)
        except OSError as exc:
            QMessageBox.warning(self, "Discard", f"Cannot remove {d.path}: {exc}")
            return False
        self.kept_bar.take_current()
        return True

    def _draft_not_kept(self, text: str) -> None:
        """A draft could not be written to the library's folder (read-only, say): said once, not per keystroke."""
        if not self._drafts_not_kept_said:
            self._drafts_not_kept_said = True
            self._add_notice(text, 60000)

    # --- drops on the window: the paths from the URLs; PDFs (and folders) attached on the writer queue, a
    # bibliography file opens the import dialog with it filled in ----------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        # a drop attaches as Attach PDF does, or imports as Import File does: not where those are off (read-only).
        # On the welcome page (no library) it goes into the default library, as Import a file… and Add PDFs… do
        urls = event.mimeData().urls()
        paths, bib = self._dropped(urls)
        if dropped_library(urls) is not None:       # a library folder dropped opens it
            event.acceptProposedAction()
        elif self.lib is None and (paths or bib is not None) or self.lib is not None and (
                self.act_attach_pdf.isEnabled() and paths or self.act_import.isEnabled() and bib is not None):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        library = dropped_library(event.mimeData().urls())
        if library is not None and not same_library(library, self.lib.path if self.lib is not None else None):
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.open_library(library))   # it may ask first: after the drop
            return
        paths, bib = self._dropped(event.mimeData().urls())
        if not paths and bib is None:
            event.ignore()
            return
        event.acceptProposedAction()
        if self.lib is None:    # asked after the drop has returned to the file manager: the question is modal
            QTimer.singleShot(0, lambda: self._drop_into_default_library(paths, bib))
            return
        if paths:
            self.attach_pdfs(paths)
        if bib is not None:     # after the drop has returned to the file manager: the dialog is modal
            QTimer.singleShot(0, lambda: self.show_collect(source="file", path=str(bib)))

    def _dropped(self, urls):
        """(the PDFs and folders, the bibliography file) among dropped URLs, never a file of the library
        they would go into (the open one, or the default one on the welcome page)."""
        from gapscope.store import default_library_path

        target = self.lib.path if self.lib is not None else default_library_path()
        return dropped_pdfs(urls, target), dropped_import_file(urls, target)

    def _drop_into_default_library(self, paths, bib) -> None:
        # one question for the whole drop; a No adds nothing, and a drop has no dialog of its own to say so
        if not self.ensure_library():
            self._nothing_added()
            return
        if paths and self._writable_library("attached"):
            self.attach_pdfs(paths)
        if bib is not None:
            self.show_collect(source="file", path=str(bib))

    def add_pdfs(self, what: str = "files") -> None:
        """The welcome page's Add PDFs…: PDF files (or a folder of them) chosen first, so that a cancel
        creates nothing, then attached into the default library (asked once) with progress and Cancel."""
        from .file_dialogs import existing_folder, open_file_names

        if what == "folder":
            folder = existing_folder(self, "Add the PDFs in a folder (and its subfolders)", str(Path.home()))
            paths = [folder] if folder else []
        else:
            paths = open_file_names(self, "Add PDFs", str(Path.home()), "PDF files (*.pdf)")
        if not paths:
            return
        if not self.ensure_library():
            self._nothing_added()
        elif self._writable_library("attached"):
            self.attach_pdfs(paths)

    def _nothing_added(self) -> None:
        """The files chosen or dropped on the welcome page, after a No to opening the default library."""
        self.status_label.setText("Nothing added: no library was opened (open or create one, then add the "
                                  "files again)")

    def choose_pdf(self) -> None:
        from .file_dialogs import open_file_names

        if self.lib is None:
            return
        paths = open_file_names(self, "Attach PDFs", "", "PDF files (*.pdf)")   # a whole folder's worth at once
        if paths:
            self.attach_pdfs(paths)

    def attach_pdfs(self, paths) -> None:
        made: dict = {}

        def done(results: list) -> None:           # the summary is shown when the task ends, over the paper count
            made["task"].summary = self._pdfs_attached(results)

        self.attach_task = made["task"] = self.tasks.write(
            "Attach PDFs", attach_dropped, [str(p) for p in paths], library=self.lib.path, on_result=done,
            on_error=lambda m, _t: self.status_label.setText(f"PDFs not attached: {m}"))

    def fetch_pdfs(self):
        """`gapscope pdf fetch` for the selected papers (none selected: every paper with an arXiv id and no
        PDF), on the writer queue with progress and cancel; the status line says what came of each."""
        if self.lib is None:
            return None
        ids = self.library_view.selected_ids() or None
        made: dict = {}

        def done(results: list) -> None:           # runs before the task's end is announced
            made["task"].summary = self._pdfs_fetched(results)

        made["task"] = self.tasks.write("Fetch arXiv PDFs", fetch_pdfs_task, ids, library=self.lib.path,
                                        on_result=done)
        return made["task"]

    def _pdfs_fetched(self, results: list) -> str:
        got = [r for r in results if r["status"] == "attached"]
        bad = [r for r in results if r["status"] in ("failed", "unreadable")]
        note = next((r["label_note"] for r in results if r.get("label_note")), None)
        self.last_fetch = results
        self.library_view.refresh(select=got[-1]["paper_id"] if got else None)
        self.refresh_sidebar()
        for r in got:
            self.detail.annotations_changed(r["paper_id"])
        self.analysis_inputs_changed()
        return (f"Fetched {len(got)} of {plural(len(results), 'PDF')}" + (f"; {note}" if note else "")
                + "".join(f"; {r['message']}" for r in bad[:3]) + (f"; {len(bad) - 3} more failed" if len(bad) > 3 else ""))

    def open_in_pdf(self, paper_id: int, page: int, sentence: str) -> bool:
        """The Reader at a full-text sentence (a gap's evidence), the sentence selected."""
        self.tabs.setCurrentWidget(self.reader)
        return self.reader.show_sentence(paper_id, page, sentence)

    def show_pdf(self, paper_id: int, attachment_id: int) -> bool:
        """The Reader on this PDF of the paper (the detail pane's "Open in the Reader")."""
        self.tabs.setCurrentWidget(self.reader)
        return self.reader.show_paper(paper_id, attachment_id)

    def show_pdf_highlight(self, paper_id: int, attachment_id: int, page: int, text: str) -> bool:
        """The Reader at a highlight: in the PDF it was made in (a paper may have several), its text selected."""
        self.tabs.setCurrentWidget(self.reader)
        return self.reader.show_sentence(paper_id, page, text, attachment_id=attachment_id)

    def _pdfs_attached(self, results: list) -> str:
        summary, failed = attach_summary(results)
        self.last_attach = results
        done = [r for r in results if r["status"] in ATTACHED]
        pid = done[-1]["paper_id"] if done else None
        self.library_view.refresh(select=pid)       # selecting it opens its PDF in the reader
        self.refresh_sidebar()                      # "With a PDF" counts it
        for r in done:                              # the pane names the PDF of the paper it shows
            self.detail.annotations_changed(r["paper_id"])
        self.analysis_inputs_changed()
        if any(r["status"] == "new-paper" for r in results):
            self.screening_inputs_changed()      # a PDF of an unknown paper is a new paper to screen
        if pid is not None:
            self.reader.show_paper(pid)
        # one box for the whole drop, not one per file; the status bar keeps the summary
        self.attach_failures = show_attach_failures(self, failed, len(results)) if failed else None
        return summary

    def close_library(self, reason: str = "") -> None:
        """Stop showing the library: after a disk or file failure what the views show may no longer
        be what the file holds."""
        if self.facet_review is not None:
            self.facet_review.hide()
        self.tasks.shutdown()
        if self.lib is not None:
            try:
                self.lib.close()
            except Exception:  # noqa: BLE001 - a connection on a failed disk may not close cleanly
                pass
        self.lib = None
        self.watch.watch(None)
        self.changed_banner.hide()           # it spoke of the library closed
        self.library_view.model.set_library(None)
        self.kept_bar.hide()                 # its drafts are the closed library's
        self.detail.set_library(None)
        self.reader.set_library(None)
        self.sidebar.set_library(None)
        self.triage_view.sessions.clear()    # the closed library's screening features (hundreds of MB)
        self.write_guard.set_read_only(False)
        self.setWindowTitle("GapScope")
        self.status_label.setText("")
        self.show_welcome(reason)

    def library_failed(self, exc: BaseException) -> bool:
        """A failure of the library itself (disk, lock, read-only, damaged ...) or a missing earlier
        step, from the GUI thread or a worker: say what happened in a dialog, then reload the library
        (the data is intact) or close its view (it may not be). False when ``exc`` is neither."""
        from gapscope.store import MissingStep, library_fault

        if isinstance(exc, MissingStep):
            text = str(exc)
            if any(f"`gapscope {c}" in text for c in ("facets", "embed", "map")):
                text += "\n\nIn the window: Maps > Build maps runs facets, embed and map in one go."
            if "`gapscope gaps find`" in text:
                text += "\n\nIn the window: Gaps > Find gaps."
            QMessageBox.information(self, exc.title, text)
            return True
        path = self.lib.path if self.lib is not None else None
        fault = library_fault(exc, path)
        if fault is None:
            return False
        if getattr(self, "_in_failure", False):   # one dialog for a burst of failures
            return True
        self._in_failure = True
        try:
            QMessageBox.critical(self, fault.title, str(fault))
            if path is None:
                return True
            if fault.keeps_view:
                self.open_library(path)          # reload every view from what the file holds
            else:
                self.close_library(str(fault))
        finally:
            self._in_failure = False
        return True

    def show_welcome(self, message: str = "") -> None:
        self.welcome.set_recent(recent.recent_libraries())
        self.welcome.set_message(message)
        self.pages.setCurrentWidget(self.welcome)
        self._set_library_actions(False)

    def open_recent(self, path: str) -> None:
        """A recent library: opened as any library is (a folder that is gone is created anew only when
        the user says so: here it is dropped from the list instead)."""
        from gapscope.store import database_file

        if not database_file(Path(path)).exists():
            recent.forget(path)
            self.welcome.set_recent(recent.recent_libraries())
            QMessageBox.information(self, "Library not found",
                                    f"{path} is not there any more (moved or deleted); it was removed from the "
                                    "recent libraries.")
            return
        self.open_library(path)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = recent.recent_libraries()
        for i, p in enumerate(paths):
            a = self.recent_menu.addAction(f"&{i + 1}  {p}" if i < 9 else p)
            a.setData(p)
            a.triggered.connect(lambda _c=False, p=p: self.open_recent(p))
        if not paths:
            self.recent_menu.addAction("No recent libraries").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear the list", lambda: (recent.clear(), self._refresh_welcome()))

    def _refresh_welcome(self) -> None:
        self.welcome.set_recent(recent.recent_libraries())

    def ensure_library(self) -> bool:
        """An open library for an action that needs one (import, collect) started from the welcome page:
        the default library, the one the gapscope command uses without --library, once the user says so
        (never silently: after a library failed to open, writing elsewhere would look like losing it)."""
        if self.lib is not None:
            return True
        from gapscope.store import database_file, default_library_path

        path = default_library_path()
        what = "Open" if database_file(path).exists() else "Create"
        answer = QMessageBox.question(
            self, "No library open", f"No library is open.\n\n{what} the default library, {path}, for this?\n\n"
            "(No: open or create another library first.)", QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes and self.open_library(path)

    def _writable_library(self, what: str) -> bool:
        """An open library that can be written (``what``: "collected", "attached" into it), the default one
        opened first when none is (ensure_library asks)."""
        if not self.ensure_library():
            return False
        if not self.write_guard.writable:       # the default library just opened may be read-only
            QMessageBox.information(self, "Read-only library", f"{self.lib.path} is read-only: nothing can be "
                                    f"{what} into it. Open a writable library first.")
            return False
        return True

    def try_sample(self) -> None:
        """Open (creating it) the sample library next to the default one and import the sample papers on
        the writer queue, with progress and Cancel in the status bar."""
        from gapscope.sample import build_sample_library
        from gapscope.store import default_library_path

        path = default_library_path().parent / "sample.gapscope"
        if not self.open_library(path):
            return
        self.sample_task = self.tasks.write("Build the sample library", build_sample_library, library=path,
                                            on_finished=self.refresh_all)

    def choose_library(self) -> None:
        from .file_dialogs import library_folder, start_folder

        path = library_folder(self, start_folder(self.lib.path if self.lib else None))
        if not path:
            return
        from gapscope.store import database_file

        if not database_file(Path(path)).exists():     # a stat: is there a library in that folder?
            answer = QMessageBox.question(
                self, "No library there", f"{path} holds no GapScope library.\n\nCreate a new library in it?",
                QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
            if answer != QMessageBox.Yes:
                return
        self.open_library(path)

    def create_library(self) -> None:
        from .file_dialogs import new_library_folder, start_folder

        path = new_library_folder(self, start_folder(self.lib.path if self.lib else None))
        if path:
            self.open_library(path)

    def refresh_sidebar(self) -> None:
        if self.lib is not None:
            self.sidebar.reload()

    def refresh_all(self) -> None:
        """Papers came in or went here (an import, a collect, a delete): every list, and Triage ranks anew."""
        self._read_lists_again()
        self.screening_inputs_changed()

    def _read_lists_again(self) -> None:
        self.refresh_sidebar()
        self.library_view.refresh()
        self.analysis_inputs_changed()

    def screening_inputs_changed(self) -> None:
        """Papers came in or went (an import, PDFs of new papers, a delete), or tags and collections
        changed: the Triage view's lists and ranking, at once when it is on screen (an import dialog
        opens over it), else when its tab is next opened."""
        if self.lib is not None:
            self.triage_view.library_changed(self.lib)
            self.triage_view.library_modified()

    def analysis_inputs_changed(self) -> None:
        """Papers, facet labels or labelled PDFs changed: the Maps and Gaps views say what went stale."""
        if self.lib is not None:
            for view in (self.maps_view, self.gaps_view):
                view.library_modified()

    # --- navigation between views ----------------------------------------------------------------
    def _sidebar_chosen(self, kind: str, value) -> None:
        lv = self.library_view
        lv.search.blockSignals(True)
        lv.search.setText(value if kind == "search" else "")
        lv.search.blockSignals(False)
        base = dict(query=value if kind == "search" else "", tag=None, collection=None, restrict=None,
                    restrict_label="", with_pdf=kind == "pdf")
        if kind == "collection":
            base["collection"] = value
        elif kind == "tag":
            base["tag"] = value
        elif kind == "decision":
            where = self.sidebar.counted_collection
            base["restrict"] = frozenset(queries.ids_with_decision(self.lib, value, where))
            base["restrict_label"] = f"triage: {value}" + (f" in {where}" if where else "")
        lv.set_filter(**base)
        self.detail.set_query(base["query"])
        self.tabs.setCurrentIndex(TAB_LIBRARY)

    def show_papers(self, ids, label: str) -> None:
        self.library_view.show_ids(ids, label)
        self.tabs.setCurrentIndex(TAB_LIBRARY)

    def open_paper(self, paper_id: int) -> None:
        """Show one paper in the library view, clearing filters that would hide it."""
        lv = self.library_view
        self.tabs.setCurrentIndex(TAB_LIBRARY)
        if lv.model.row_of(paper_id) >= 0:
            lv.select_paper(paper_id)
        else:
            lv.search.blockSignals(True)
            lv.search.clear()
            lv.search.blockSignals(False)
            lv.filter = type(lv.filter)(order=lv.filter.order, descending=lv.filter.descending)
            lv.refresh(select=paper_id)
        self.detail.show_paper(paper_id)

    def _draft_experiment(self, gap: dict) -> None:
        if self.experiments_view.draft_from_gap(gap):
            self.tabs.setCurrentIndex(TAB_EXPERIMENTS)

    def _open_gap(self, gap_id: int) -> None:
        self.gaps_view.select_gap(gap_id)
        self.tabs.setCurrentIndex(TAB_GAPS)

    def _after_decision(self) -> None:
        self.refresh_sidebar()

    def _papers_changed(self) -> None:
        """Decisions, tags or collections changed outside the Triage view (context menu, sidebar)."""
        self.refresh_sidebar()
        self.screening_inputs_changed()
        if self.lib is not None:
            self.detail.show_paper(self.library_view.current_paper_id())

    def _tags_changed(self) -> None:
        """A tag added to or taken off the shown paper in the detail pane: the sidebar's counts, the table
        when it lists a tag (a paper that lost it leaves the list), and the tags Triage can screen (its card
        stays unless it screens a tag)."""
        self.refresh_sidebar()
        self.triage_view.tags_changed()
        if self.library_view.filter.tag is not None:
            self.library_view.refresh()

    def _title_changed(self, paper_id: int) -> None:
        """A title edited (or its edit undone) in the detail pane: the list shows it (and sorts or searches by
        it anew), and the Gaps view marks the gaps reading the paper stale (gaps/label_changes.py)."""
        self._show_title(paper_id)
        self.gaps_view.library_modified()

    def _show_title(self, paper_id: int) -> None:
        self.library_view.model.invalidate(paper_id)
        self.library_view.refresh(select=paper_id)
        self.triage_view.refresh_card(paper_id)     # the card shows it now, not after the next ranking

    def _abstract_changed(self, paper_id: int) -> None:
        """An abstract edited in the detail pane: the list (it searches abstracts), the sidebar (a guessed
        abstract's check tag came off), the Triage card, and the Maps and Gaps views, which say they are out
        of date (the paper's facet sentences and vectors went with the old abstract)."""
        self._show_title(paper_id)
        self.refresh_sidebar()
        self.analysis_inputs_changed()

    def _papers_deleted(self) -> None:
        """Papers deleted from the context menu: the list, sidebar counts, Triage and the analysis views;
        the notes, tags and titles typed for them and not saved go too."""
        self.detail.show_paper(None)
        self.detail.forget_deleted_papers()
        self.refresh_all()

    def screen_in_triage(self, scope: dict) -> None:
        """Screen a collection, search, tag or map cluster in the Triage view."""
        self.tabs.setCurrentWidget(self.triage_view)
        self.triage_view.set_scope(**scope)

    def _tab_changed(self, index: int) -> None:
        w = self.tabs.widget(index)
        if hasattr(w, "activated"):
            w.activated()

    def _focus_search(self) -> None:
        self.tabs.setCurrentIndex(TAB_LIBRARY)
        self.library_view.search.setFocus()
        self.library_view.search.selectAll()

    def _count_changed(self, n: int, desc: str) -> None:
        if self.lib is not None:
            self.status_label.setText(f"{self.lib.path}  ·  {self.lib.count_papers():,} papers")

    def _task_ended(self, task) -> None:
        from gapscope.store import MissingStep

        self._clear_lock_wait()
        exc = task.exception if task.outcome == "failed" else None
        # a quiet listing (a tab loading) that finds a step missing says so in its view, without a dialog
        if exc is not None and not (task.quiet and isinstance(exc, MissingStep)) and self.library_failed(exc):
            return
        if task.outcome == "failed":
            logging.getLogger("gapscope.desktop").error("%s failed: %s: %s", task.name, task.error_type, task.error)
        if task.quiet:
            return
        if task.outcome == "failed":
            self.statusBar().showMessage(f"{task.name} failed: {task.error}", 10000)
        elif task.outcome == "cancelled":
            # a backup leaves nothing behind (its partial copy is removed); other steps keep what they saved
            kept = ("nothing was left behind" if getattr(task, "leaves_nothing", False)
                    else "work already committed is kept")
            self.statusBar().showMessage(f"{task.name} cancelled; {kept}.", 8000)
        elif task.outcome == "succeeded":
            # a task whose result callback left a summary (what came of each item) shows it, longer
            summary = getattr(task, "summary", None)
            self.statusBar().showMessage(summary or f"{task.name} done.", 30000 if summary else 5000)

    # --- library safety: no library actions without a library, changes by others, backup ----------------
    def _build_library_safety(self) -> None:
        from .library_watch import ChangedBanner, LibraryWatch

        self.watch = LibraryWatch(self.tasks, self, busy=lambda: self.experiments_view.running)
        # a run launched here records itself in the library from its own process: not another's change
        self.experiments_view.runFinished.connect(lambda *_a: self.watch.take_version())
        self.changed_banner = ChangedBanner(self.act_refresh, self)
        self.addToolBarBreak()
        self.addToolBar(self.changed_banner)
        self.watch.changed.connect(self._changed_elsewhere)

    def _changed_elsewhere(self) -> None:
        """Another process changed the library: reload at once when that disturbs nothing, else the
        banner lets the user refresh when done."""
        if self._editing():
            self.triage_view.refresh_card()     # screening goes on, on the card's paper as it is now (its title)
            self.changed_banner.show()
            return
        self.refresh_views()
        if not self.statusBar().currentMessage():     # what a task just reported (a fetch, an import) stays
            self.statusBar().showMessage(AUTO_REFRESH_MESSAGE, 8000)

    def _editing(self) -> bool:
        """What a reload could disturb: a note or tag typed or being saved, an open dialog, a write under
        way, or screening in the Triage view (a reload moves its current paper)."""
        from PySide6.QtWidgets import QApplication

        return bool(self.detail.unsaved_drafts() or self.detail.saving or QApplication.activeModalWidget()
                    or any(t.writes for t in self.tasks.active()) or self.experiments_view.running
                    or self.tabs.currentWidget() is self.triage_view)

    def _library_actions(self) -> tuple:
        """What needs an open library: disabled on the welcome page, so nothing writes elsewhere."""
        return (self.act_collect, self.act_import, self.act_import_history, self.act_attach_pdf, self.act_fetch_pdfs,
                self.act_export, self.act_check_facets, self.act_backup, self.act_refresh, self.act_check_library)

    def _set_library_actions(self, on: bool) -> None:
        for a in self._library_actions():
            set_enabled(a, on)          # Import, Attach PDF ... through the write guard (held while read-only)

    def _open_failed(self, path, exc: BaseException) -> None:
        """Nothing open after a failed open (at start-up): the welcome page, never empty-looking views."""
        if self.lib is None:
            self.show_welcome(f"{path} could not be opened: {exc}\n\nOpen another library, open a backup of it "
                              "(a backup is a library folder: Open Library…), or create a new one.")

    def refresh_views(self) -> None:
        """View > Refresh: every view and the sidebar load again from the library."""
        if self.lib is None:
            return
        self.changed_banner.hide()
        self.watch.take_version()
        self._read_lists_again()
        self.triage_view.changed_elsewhere()     # its card stays (and a ranking under way)
        for view in (self.experiments_view, self.graph_view):
            view.library_modified()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.ActivationChange and self.isActiveWindow() and getattr(self, "watch", None):
            self.watch.check()           # back from the terminal: did the command change the library?

    def back_up_library(self):
        from .dialogs.backup import start_backup
        from .file_dialogs import destination_folder, start_folder

        if self.lib is None:
            return None
        return start_backup(self, self.tasks, self.lib.path, lambda: destination_folder(
            self, "Back up the library into a folder", start_folder(self.lib.path)))

    def check_library_integrity(self, show=None):
        """Help > Check Library Integrity…: read only, so a read-only library is checked too."""
        from .dialogs.integrity_dialog import start_check

        if self.lib is None:
            return None
        return start_check(self, self.tasks, self.lib.path, show=show)

    # --- dialogs ---------------------------------------------------------------------------------
    def show_collect(self, source: str = "arxiv", path: str = "") -> None:
        from .dialogs.collect_dialog import CollectDialog

        if not self._writable_library("collected"):
            return
        dlg = CollectDialog(self.tasks, self.lib.path, source=source, parent=self, path=path)
        dlg.collected.connect(lambda _r: self.refresh_all())
        dlg.exec()

    def show_import_history(self):
        """File > Import History…: the log of imports and collects, what each refused, the PRISMA counts.
        Reading only: open on a read-only library too."""
        from .dialogs.import_history import ImportHistoryDialog

        if self.lib is None:
            return None
        dlg = ImportHistoryDialog(self.tasks, self.lib.path, parent=self)
        dlg.exec()
        return dlg

    def show_export(self) -> None:
        from .dialogs.export_dialog import ExportDialog

        if self.lib is None:
            return
        ExportDialog(self.tasks, self.lib, selected=self.library_view.selected_ids(), parent=self,
                     current=self.library_view.shown_filter()).exec()   # none after a failed search

    def show_facet_review(self) -> None:
        """Non-modal, so that a paper opened from it can be read beside it. It lists the whole library;
        with a paper selected it can narrow to that paper."""
        from .dialogs.facet_review_dialog import FacetReviewDialog

        if self.lib is None:
            return
        if self.facet_review is None:
            self.facet_review = FacetReviewDialog(self.tasks, parent=self)
            self.facet_review.openPaper.connect(self.open_paper)
            self.facet_review.corrected.connect(self._facet_corrected)
            self.write_guard.register(self.facet_review.writers())
        self.facet_review.show_for(self.lib, self.detail.paper.id if self.detail.paper is not None else None)

    def _facet_corrected(self, paper_id: int) -> None:
        self.analysis_inputs_changed()
        if self.detail.paper is not None and self.detail.paper.id == paper_id:
            self.detail.show_paper(paper_id)

    def show_preferences(self) -> None:
        from .dialogs.preferences_dialog import PreferencesDialog

        dlg = PreferencesDialog(self, lib=self.lib)
        if dlg.exec():
            if dlg.library_settings and self.lib is not None:
                if self.lib.read_only:        # kept in the library: nothing can be written there
                    lost = sorted(k for k, v in dlg.library_settings.items() if self.lib.get_setting(k) != v)
                    if lost:
                        QMessageBox.information(self, "Read-only library", "Not saved: " + ", ".join(lost)
                                                + " (kept in the library, which is read-only). The other "
                                                "preferences were saved.")
                else:
                    self.tasks.save("Save preferences", _store_settings, dlg.library_settings,
                                    library=self.lib.path)
            settings.apply_environment()
            new = settings.get("library/path")
            if new and (self.lib is None or not same_library(new, self.lib.path)):
                self.open_library(new)

    def _about(self) -> None:
        from .dialogs.help_dialogs import about_html

        QMessageBox.about(self, "About GapScope", about_html())

    def show_documentation(self) -> None:
        from .dialogs.help_dialogs import DocsDialog

        DocsDialog(self).exec()

    def show_shortcuts(self) -> None:
        from .dialogs.help_dialogs import ShortcutsDialog

        ShortcutsDialog(self).exec()

    def report_problem(self, dest: Optional[str] = None) -> Optional[Path]:
        """Write the diagnostics file (asking where, unless ``dest``) and say what it holds."""
        from datetime import datetime

        from gapscope.diagnostics import write_diagnostics

        from .dialogs.help_dialogs import qt_versions
        from .file_dialogs import save_file_name

        if dest is None:
            name = f"gapscope-diagnostics-{datetime.now():%Y%m%d-%H%M}.json"
            dest = save_file_name(self, "Save the diagnostics file", str(Path.home() / name), "JSON (*.json)")
            if not dest:
                return None
        path = write_diagnostics(dest, self.lib, extra=qt_versions())
        self.statusBar().showMessage(f"Diagnostics written to {path}", 10000)
        if self.isVisible():
            QMessageBox.information(self, "Report a problem",
                                    f"Wrote {path}.\n\nIt holds the versions of GapScope, Python, Qt and torch, "
                                    "your platform, the library's counts and the last errors of the app log: "
                                    "no paper text and no keys. Attach it to your report.")
        return path

    # --- state -----------------------------------------------------------------------------------
    def _restore_state(self) -> None:
        s = settings.settings()
        geo = s.value("window/geometry")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)
        state = s.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        for split, key in self._remembered_splits():
            v = s.value(key)
            if isinstance(v, QByteArray):
                split.restoreState(v)
        header = s.value("window/paperTable")      # column widths and the sort column
        if isinstance(header, QByteArray):
            columns = s.value("window/paperTableColumns")       # absent: saved before the PDF column
            self.library_view.restore_header(header, int(columns) if columns is not None else None)
        tab = s.value("window/tab")
        if tab is not None:
            self.tabs.setCurrentIndex(int(tab))

    def _remembered_splits(self) -> list:
        """(splitter, settings key) of the splits kept from one session to the next."""
        return [(self.main_split, "window/mainSplit"), (self.lib_split, "window/librarySplit"),
                (self.detail.splitter, "window/detailSplit"), (self.gaps_view.split, "window/gapsSplit"),
                (self.gaps_view.detail_split, "window/gapsDetailSplit")]

    def _select_last_paper(self) -> None:
        """The paper that was current when the window last closed on this library, current again (a
        reading or screening session goes on where it stopped); the table lists it when it arrives."""
        s = settings.settings()
        where, paper = s.value("window/paperLibrary"), s.value("window/paper")
        if self.lib is None or where != str(self.lib.path) or not str(paper or "").isdigit():
            return
        self.library_view.select_paper(int(paper))

    def save_state(self) -> None:
        s = settings.settings()
        current = self.library_view.current_paper_id() if self.lib is not None else None
        if current is not None:
            s.setValue("window/paperLibrary", str(self.lib.path))
            s.setValue("window/paper", current)
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        for split, key in self._remembered_splits():
            s.setValue(key, split.saveState())
        s.setValue("window/tab", self.tabs.currentIndex())
        s.setValue("window/paperTable", self.library_view.header_state())
        s.setValue("window/paperTableColumns", self.library_view.model.columnCount())

    def _spec_draft_offered(self, _text: str) -> None:
        """Said in the status bar too: the Experiments tab may not be the one shown. After what the library's
        opening said (an upgrade), not over it."""
        self._add_notice("An experiment spec was not saved when GapScope last closed: the Experiments tab offers "
                         "to restore it.")

    def _add_notice(self, notice: str, ms: int = 15000) -> None:
        """After what the status bar says already (the library's opening, an upgrade), not over it."""
        shown = self.statusBar().currentMessage()
        if notice not in shown:
            self._status_notice(f"{shown}  {notice}" if shown else notice, 120000 if shown else ms)

    def _status_notice(self, text: str, ms: int) -> None:
        """A message in the status bar. Qt hides the status line (library path, paper count) under a
        message only while the window is visible: one given before the window is shown would be written
        over it, so it is given again when the window shows."""
        self.statusBar().showMessage(text, ms)
        self._notice_at_show = (text, ms) if text and not self.isVisible() else None

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # the restored tab's view was not visible when the library opened: let it load now
        QTimer.singleShot(0, lambda: self._tab_changed(self.tabs.currentIndex()))
        notice, self._notice_at_show = self._notice_at_show, None
        if notice:      # once the status bar's own widgets show too (after this event)
            QTimer.singleShot(0, lambda: self._notice_again(*notice))

    def _notice_again(self, text: str, ms: int) -> None:
        bar = self.statusBar()
        if bar.currentMessage() == text:     # not replaced meanwhile; the same text again would be ignored
            bar.clearMessage()
            bar.showMessage(text, ms)

    # --- closing: unsaved drafts, running work ------------------------------------------------------
    def ask_drafts(self) -> Optional[str]:
        """Tag and note drafts not saved yet: ask Save / Discard / Cancel, changing nothing. "save",
        "discard", "none" (no drafts) or None (the user chose Cancel); :meth:`apply_drafts` carries it out.
        Closing on SIGTERM asks nothing: the drafts are saved, as the question's default would."""
        drafts = self.detail.unsaved_drafts()
        if not drafts:
            return "none"
        if self._terminating:
            return "save"
        lines = []
        for pid, kind, text in drafts[:8]:
            title = self._paper_title(pid)
            what = {"tag": f"the tag “{text.strip()}”", "title": f"the new title “{text.strip()}”",
                    "abstract": f"a new abstract ({len(text.strip())} characters)"}.get(
                kind, f"a note ({len(text.strip())} characters)")
            lines.append(f"• {what} on “{title}”")
        if len(drafts) > 8:
            lines.append(f"• and {len(drafts) - 8} more")
        answer = QMessageBox.question(
            self, "Unsaved notes and tags",
            "These were typed but not saved:\n\n" + "\n".join(lines) + "\n\nSave them to their papers?",
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        if answer == QMessageBox.Save:
            return "save"
        if answer == QMessageBox.Discard:
            return "discard"
        return None

    def apply_drafts(self, choice: Optional[str]) -> None:
        if choice == "save":
            self.detail.save_drafts()       # edits on the writer queue: closing waits for them
        elif choice == "discard":
            self.detail.discard_drafts()

    def _paper_title(self, paper_id: int) -> str:
        try:
            title = " ".join(self.lib.get_paper(paper_id).title.split())
        except Exception:  # noqa: BLE001 - a name for a dialog: the paper's number will do
            return f"paper {paper_id}"
        return title if len(title) <= 70 else title[:69] + "…"

    def running_work(self) -> list[str]:
        """The names of the long tasks closing the window would stop (user edits are not among them:
        they are always finished)."""
        names = [t.name for t in self.tasks.active() if t.cancellable and not t.quiet]
        if self.experiments_view.running:
            names.append("the experiment run")
        return list(dict.fromkeys(names))

    def confirm_stop(self, names: list[str]) -> bool:
        box = QMessageBox(QMessageBox.Question, "Work in progress",
                          "Still running: " + ", ".join(names) + ".\n\nClosing the window cancels "
                          + ("it" if len(names) == 1 else "them all") + " (what is already saved is kept).",
                          parent=self)
        stop = box.addButton("Cancel " + ("it" if len(names) == 1 else "them") + " and close",
                             QMessageBox.AcceptRole)
        keep = box.addButton("Keep working", QMessageBox.RejectRole)
        box.setDefaultButton(keep)         # Enter never throws work away
        box.exec()
        return box.clickedButton() is stop

    def _stop_then_close(self, names: list[str]) -> None:
        """Cancel the running work without blocking the window; it closes once everything stopped.
        Meanwhile nothing new starts (an edit still saves), and the close asks again about drafts typed
        while it waited."""
        self._stopping = True
        self.tasks.stopping = True
        self.statusBar().showMessage("Stopping " + ", ".join(names) + "… the window closes when stopped.")
        self.tasks.cancel_all()
        self.experiments_view.cancel()
        self.tasks.ended.connect(self._close_if_stopped)
        self.experiments_view.runFinished.connect(self._close_if_stopped)
        self._close_if_stopped()

    def close_on_terminate(self) -> None:
        """SIGTERM (a logout, ``kill``): close as the window's close does when the user says yes to
        everything: drafts saved, running work cancelled, the window closing once it has stopped."""
        if self._closed:
            return
        self._terminating = True
        for keeper in (self.detail.kept, self.reader.kept, self.experiments_view.kept):
            keeper.flush()                      # on disk before anything else: the close may wait for work
        self.close()

    def _keep_open(self) -> None:
        """The user cancelled the delayed close (at the drafts question): the window works on."""
        self._stopping = False
        self.tasks.stopping = False
        self.tasks.ended.disconnect(self._close_if_stopped)
        self.experiments_view.runFinished.disconnect(self._close_if_stopped)
        self.statusBar().showMessage("The window stays open.", 5000)

    def _close_if_stopped(self, *_args) -> None:
        if self._stopping and not self._closed and not self._close_queued and not self.running_work():
            self._close_queued = True        # one close for a burst of ended tasks
            QTimer.singleShot(0, self._delayed_close)

    def _delayed_close(self) -> None:
        self._close_queued = False
        if self._stopping and not self._closed:
            self.close()

    def _lock_waiting(self, _task) -> None:
        self.statusBar().showMessage(LOCK_WAIT_MESSAGE)

    def _clear_lock_wait(self) -> None:
        """The waiting message goes once no write waits any more (got the lock, or ended)."""
        if self.statusBar().currentMessage() == LOCK_WAIT_MESSAGE and not self.tasks.waiting_for_lock():
            self.statusBar().clearMessage()

    def closeEvent(self, event) -> None:
        if not self._close_approved and not self._closed:
            if self._stopping:
                # the delayed close, once the work stopped: drafts typed meanwhile are asked about
                choice = self.ask_drafts()
                if choice is None:
                    event.ignore()
                    self._keep_open()
                    return
                # the spec was asked about when the close began: again only if it was edited since
                view = self.experiments_view
                edited_since = view.editor.toPlainText() != self._spec_at_stop
                if edited_since and not self._terminating and not view.confirm_replace_spec("Close the window"):
                    event.ignore()
                    self._keep_open()
                    return
                self.apply_drafts(choice)
                running = self.running_work()
                if running:                  # started before the stop took hold: cancelled too
                    event.ignore()
                    self.tasks.cancel_all()
                    self.experiments_view.cancel()
                    return
            else:
                # ask everything first, change nothing until the user has said yes to all of it
                choice = self.ask_drafts()
                if choice is None:
                    event.ignore()
                    return
                if not self._terminating and not self.experiments_view.confirm_replace_spec("Close the window"):
                    event.ignore()
                    return
                running = self.running_work()
                if running and not self._terminating and not self.confirm_stop(running):
                    event.ignore()
                    return
                self.apply_drafts(choice)
                if running:
                    event.ignore()
                    self._spec_at_stop = self.experiments_view.editor.toPlainText()
                    self._stop_then_close(running)
                    return
        self._closed = True
        self.watch.watch(None)
        self.changed_banner.hide()
        if self.facet_review is not None:
            self.facet_review.close()
        self.save_state()
        # an unsaved spec nobody was asked about (SIGTERM) is kept in the library's folder for next time
        self.experiments_view.close_drafts(keep=self._terminating or self._close_approved)
        self.experiments_view.shutdown()
        self.tasks.shutdown(final=True)
        # what is left unsaved now (a save that failed, drafts nobody was asked about, the Reader's comment)
        # stays in the library's folder, offered next time
        for keeper in (self.detail.kept, self.reader.kept):
            keeper.flush()
        if self.lib is not None:
            self.lib.close()
            self.lib = None
        thaw_heap()          # what this window's start-up froze (the window too) can be collected once it is gone
        super().closeEvent(event)

