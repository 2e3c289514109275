"""The main window: sidebar | views (Library, Triage, Maps, Gaps, Experiments), status bar with the
running task and its Cancel button. Long work runs through the TaskManager; the window never blocks."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QLabel, QMainWindow, QMessageBox, QPushButton, QSplitter, QStackedWidget,
                               QTabWidget, QToolBar, QVBoxLayout, QWidget)

from . import queries, settings
from .tasks import TaskManager
from .views.detail_pane import DetailPane
from .views.library_view import LibraryView
from .widgets.sidebar import Sidebar
from .widgets.task_progress import TaskProgress

def warm_up(*, progress=None, cancel=None) -> None:
    import numpy  # noqa: F401

    import gapscope.ingest  # noqa: F401


def _store_settings(lib, values: dict, *, progress=None, cancel=None) -> None:
    """Writer-queue side of the Preferences dialog: the settings that live in the library."""
    with lib.transaction():
        for key, value in values.items():
            lib.set_setting(key, value)


TAB_LIBRARY, TAB_TRIAGE, TAB_MAPS, TAB_GAPS, TAB_EXPERIMENTS = range(5)


class MainWindow(QMainWindow):
    def __init__(self, library_path: Optional[Path] = None, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("GapScope")
        self.resize(1280, 800)
        self.lib = None
        self._closed = False
        self.facet_review = None      # the non-modal "Check Facet Labels" dialog, made on first use
        self.tasks = TaskManager(self)

        self.sidebar = Sidebar(tasks=self.tasks)
        self.sidebar.chosen.connect(self._sidebar_chosen)
        self.library_view = LibraryView(self.tasks)
        self.detail = DetailPane(self.tasks)
        self.library_view.paperSelected.connect(self.detail.show_paper)
        self.library_view.queryChanged.connect(self.detail.set_query)
        self.library_view.countChanged.connect(self._count_changed)
        self.detail.tagsChanged.connect(self.refresh_sidebar)

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
        self.library_view.papersChanged.connect(self._papers_changed)
        self.library_view.screenRequested.connect(self.screen_in_triage)
        self.sidebar.changed.connect(self._papers_changed)
        self.sidebar.screenRequested.connect(self.screen_in_triage)
        if hasattr(self.maps_view, "screenCluster"):
            self.maps_view.screenCluster.connect(lambda c: self.screen_in_triage({"cluster": c}))
        self.maps_view.showPapers.connect(self.show_papers)
        self.gaps_view.showPapers.connect(self.show_papers)
        self.gaps_view.openPaper.connect(self.open_paper)
        self.gaps_view.draftExperiment.connect(self._draft_experiment)
        self.experiments_view.openGap.connect(self._open_gap)
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
        self.tabs.currentChanged.connect(self._tab_changed)

        self.main_split = QSplitter(Qt.Horizontal)
        self.main_split.setObjectName("mainSplit")
        self.main_split.addWidget(self.sidebar)
        self.main_split.addWidget(self.tabs)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([220, 1060])
        # page 1: no library open (none chosen yet, or closed after the disk or file failed)
        self.no_library = QWidget()
        self.no_library.setObjectName("noLibrary")
        self.no_library_label = QLabel("No library is open.")
        self.no_library_label.setWordWrap(True)
        self.no_library_label.setAlignment(Qt.AlignCenter)
        reopen = QPushButton("Open Library…")
        reopen.clicked.connect(self.choose_library)
        lay = QVBoxLayout(self.no_library)
        lay.addStretch(1)
        lay.addWidget(self.no_library_label)
        lay.addWidget(reopen, 0, Qt.AlignCenter)
        lay.addStretch(1)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.main_split)
        self.pages.addWidget(self.no_library)
        self.setCentralWidget(self.pages)

        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)
        self.task_progress = TaskProgress(self.tasks)
        self.statusBar().addPermanentWidget(self.task_progress)
        self.tasks.ended.connect(self._task_ended)

        self._build_actions()
        self._restore_state()
        if library_path is not None:
            self.open_library(library_path)
        self.warm_up_task = None
        QTimer.singleShot(400, self._warm_up)

    def _warm_up(self) -> None:
        """Import the extension modules the first long task would need (numpy, the importers) on a
        worker soon after the window is up: loading a C extension holds the GIL for tens of ms, better
        while the user reads the window than in the middle of their first import."""
        if self._closed:
            return
        self.warm_up_task = self.tasks.run("Warm up", warm_up, quiet=True, on_finished=self._freeze_heap)

    @staticmethod
    def _freeze_heap() -> None:
        """Move the objects alive after start-up (Qt wrappers, modules) out of the cyclic collector's
        reach: a full collection over them holds the GIL for 100+ ms, stalling the GUI mid-task."""
        import gc

        gc.freeze()

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
        self.act_export = act("&Export…", self.show_export, "Ctrl+E", "Export a gap report or a bibliography")
        self.act_prefs = act("&Preferences…", self.show_preferences, QKeySequence.Preferences)
        self.act_prefs.setMenuRole(QAction.PreferencesRole)
        self.act_quit = act("&Quit", self.close, QKeySequence.Quit)
        self.act_find = act("&Find", self._focus_search, QKeySequence.Find)
        self.act_check_facets = act("Check Facet &Labels…", self.show_facet_review, "Ctrl+Shift+L",
                                    "The least certain role and shortcoming labels, to set right")

        m = self.menuBar().addMenu("&File")
        for a in (self.act_new, self.act_open, None, self.act_collect, self.act_import, self.act_export, None, self.act_prefs,
                  None, self.act_quit):
            m.addSeparator() if a is None else m.addAction(a)
        m = self.menuBar().addMenu("&Edit")
        m.addAction(self.act_find)
        m.addSeparator()
        m.addAction(self.act_check_facets)
        m = self.menuBar().addMenu("&View")
        for i, name in enumerate(("Library", "Triage", "Maps", "Gaps", "Experiments")):
            a = act(name, lambda _c=False, i=i: self.tabs.setCurrentIndex(i), f"Ctrl+{i + 1}")
            m.addAction(a)
        m = self.menuBar().addMenu("&Help")
        m.addAction(act("&About GapScope", self._about))

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

        try:
            lib = Library(Path(path))
        except LibraryFault as exc:
            QMessageBox.critical(self, exc.title, str(exc))
            return False
        except LibraryError as exc:
            QMessageBox.warning(self, "Cannot open library", str(exc))
            return False
        if self.facet_review is not None:       # it lists and corrects the old library's sentences
            self.facet_review.hide()
        if self.lib is not None:
            self.tasks.shutdown()
            self.lib.close()
        self.lib = lib
        settings.put("library/path", str(lib.path))
        read_only = "  (read-only)" if lib.read_only else ""
        self.setWindowTitle(f"{lib.path.name}{read_only} — GapScope")
        self.sidebar.set_library(lib)
        self.detail.set_library(lib)
        self.library_view.set_library(lib)
        for view in (self.triage_view, self.maps_view, self.gaps_view, self.experiments_view, self.graph_view):
            view.set_library(lib)
        self.pages.setCurrentWidget(self.main_split)
        return True

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
        self.library_view.model.set_library(None)
        self.detail.set_library(None)
        self.sidebar.set_library(None)
        self.setWindowTitle("GapScope")
        self.status_label.setText("")
        self.no_library_label.setText((reason + "\n\n" if reason else "") + "No library is open.")
        self.pages.setCurrentWidget(self.no_library)

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

    def choose_library(self) -> None:
        from .file_dialogs import library_folder, start_folder

        path = library_folder(self, start_folder(self.lib.path if self.lib else None))
        if path:
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
        self.refresh_sidebar()
        self.library_view.refresh()

    # --- navigation between views ----------------------------------------------------------------
    def _sidebar_chosen(self, kind: str, value) -> None:
        lv = self.library_view
        lv.search.blockSignals(True)
        lv.search.setText(value if kind == "search" else "")
        lv.search.blockSignals(False)
        base = dict(query=value if kind == "search" else "", tag=None, collection=None, restrict=None,
                    restrict_label="")
        if kind == "collection":
            base["collection"] = value
        elif kind == "tag":
            base["tag"] = value
        elif kind == "decision":
            base["restrict"] = frozenset(queries.ids_with_decision(self.lib, value))
            base["restrict_label"] = f"triage: {value}"
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
        self.experiments_view.draft_from_gap(gap)
        self.tabs.setCurrentIndex(TAB_EXPERIMENTS)

    def _open_gap(self, gap_id: int) -> None:
        self.gaps_view.select_gap(gap_id)
        self.tabs.setCurrentIndex(TAB_GAPS)

    def _after_decision(self) -> None:
        self.refresh_sidebar()

    def _papers_changed(self) -> None:
        """Decisions, tags or collections changed outside the Triage view (context menu, sidebar)."""
        self.refresh_sidebar()
        if self.lib is not None:
            self.triage_view.library_changed(self.lib)
            self.triage_view.pending = True
            self.detail.show_paper(self.library_view.current_paper_id())

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

        exc = task.exception if task.outcome == "failed" else None
        # a quiet listing (a tab loading) that finds a step missing says so in its view, without a dialog
        if exc is not None and not (task.quiet and isinstance(exc, MissingStep)) and self.library_failed(exc):
            return
        if task.quiet:
            return
        if task.outcome == "failed":
            self.statusBar().showMessage(f"{task.name} failed: {task.error}", 10000)
        elif task.outcome == "cancelled":
            self.statusBar().showMessage(f"{task.name} cancelled; work already committed is kept.", 8000)
        elif task.outcome == "succeeded":
            self.statusBar().showMessage(f"{task.name} done.", 5000)

    # --- dialogs ---------------------------------------------------------------------------------
    def show_collect(self, source: str = "arxiv") -> None:
        from .dialogs.collect_dialog import CollectDialog

        if self.lib is None:
            return
        dlg = CollectDialog(self.tasks, self.lib.path, source=source, parent=self)
        dlg.collected.connect(lambda _r: self.refresh_all())
        dlg.exec()

    def show_export(self) -> None:
        from .dialogs.export_dialog import ExportDialog

        if self.lib is None:
            return
        ExportDialog(self.tasks, self.lib, selected=self.library_view.selected_ids(), parent=self).exec()

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
        self.facet_review.show_for(self.lib, self.detail.paper.id if self.detail.paper is not None else None)

    def _facet_corrected(self, paper_id: int) -> None:
        if self.detail.paper is not None and self.detail.paper.id == paper_id:
            self.detail.show_paper(paper_id)

    def show_preferences(self) -> None:
        from .dialogs.preferences_dialog import PreferencesDialog

        dlg = PreferencesDialog(self, lib=self.lib)
        if dlg.exec():
            if dlg.library_settings and self.lib is not None:
                self.tasks.save("Save preferences", _store_settings, dlg.library_settings, library=self.lib.path)
            settings.apply_environment()
            new = settings.get("library/path")
            if new and (self.lib is None or Path(new).expanduser() != self.lib.path):
                self.open_library(new)

    def _about(self) -> None:
        from gapscope import __version__

        QMessageBox.about(self, "About GapScope",
                          f"<b>GapScope {__version__}</b><p>Collect papers, map what is known, find what is "
                          "missing, and test it.</p>")

    # --- state -----------------------------------------------------------------------------------
    def _restore_state(self) -> None:
        s = settings.settings()
        geo = s.value("window/geometry")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)
        state = s.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        for split, key in ((self.main_split, "window/mainSplit"), (self.lib_split, "window/librarySplit"),
                           (self.detail.splitter, "window/detailSplit")):
            v = s.value(key)
            if isinstance(v, QByteArray):
                split.restoreState(v)
        tab = s.value("window/tab")
        if tab is not None:
            self.tabs.setCurrentIndex(int(tab))

    def save_state(self) -> None:
        s = settings.settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/mainSplit", self.main_split.saveState())
        s.setValue("window/librarySplit", self.lib_split.saveState())
        s.setValue("window/detailSplit", self.detail.splitter.saveState())
        s.setValue("window/tab", self.tabs.currentIndex())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # the restored tab's view was not visible when the library opened: let it load now
        QTimer.singleShot(0, lambda: self._tab_changed(self.tabs.currentIndex()))

    def closeEvent(self, event) -> None:
        self._closed = True
        if self.facet_review is not None:
            self.facet_review.close()
        self.save_state()
        self.experiments_view.shutdown()
        self.tasks.shutdown(final=True)
        if self.lib is not None:
            self.lib.close()
            self.lib = None
        super().closeEvent(event)
