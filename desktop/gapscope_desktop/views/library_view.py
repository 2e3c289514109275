"""The paper table: lazy model, SQL sorting, full-text search with debounce, and filters from the
sidebar (collection, tag, saved search) or from a map selection. Listing ids runs on a worker so the
window keeps repainting while 75k titles are sorted."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional, Sequence

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit,
                               QMessageBox, QStyle, QTableView, QToolButton, QVBoxLayout, QWidget)

from gapscope.store import LibraryError
from gapscope.store.search_listing import search_paper_ids
from gapscope.store.search_query import parse_search
from gapscope.textfmt import plural

from .. import hints, queries, theme
from ..write_guard import set_enabled
from .paper_model import (COL_AUTHORS, COL_CATEGORY, COL_IDENT, COL_PDF, COL_PUBLISHED, COL_TITLE, COL_YEAR,
                          COLUMNS, PaperTableModel)

SEARCH_DEBOUNCE_MS = 250
# Each narrow column as wide as what it shows (and its header), Authors as a short byline ("Yi Wang et al."):
# the Title, which stretches, gets the rest, the most room. Fixed pixel widths (Authors 170) once left the
# title 88-95 px at 1280x800.
COLUMN_SAMPLES = ((COL_AUTHORS, "Shuyang Hao et al."), (COL_YEAR, "2025"), (COL_PUBLISHED, "2025-03-18"),
                  (COL_CATEGORY, "cs.CV"), (COL_IDENT, "2503.11731v1"), (COL_PDF, "PDF"))


def column_widths(header: QHeaderView) -> list[tuple[int, int]]:
    """(column, default width) of every column but the title: its sample's or its header's width, whichever
    is wider, with the header's margins and sort arrow."""
    fm = header.fontMetrics()
    pad = 2 * header.style().pixelMetric(QStyle.PM_HeaderMargin, None, header) + 12     # 12: the sort arrow
    return [(col, max(fm.horizontalAdvance(sample), fm.horizontalAdvance(COLUMNS[col][0])) + pad)
            for col, sample in COLUMN_SAMPLES]


@dataclass(frozen=True)
class Filter:
    """What the table shows. ``restrict`` (ids chosen on a map or by triage state) narrows the rest."""

    query: str = ""
    tag: Optional[str] = None
    collection: Optional[str] = None
    restrict: Optional[frozenset[int]] = None
    restrict_label: str = ""
    with_pdf: bool = False    # only the papers with an attached PDF (read when listed: a new PDF counts)
    order: str = "relevance"  # or a column key of Library.list_paper_ids
    descending: bool = False

    def describe(self) -> str:
        parts = []
        if self.collection:
            parts.append(f"collection “{self.collection}”")
        if self.tag:
            parts.append(f"tag “{self.tag}”")
        if self.with_pdf:
            parts.append("with a PDF")
        if self.restrict is not None:
            parts.append(self.restrict_label or plural(len(self.restrict), "selected paper"))
        if self.query:
            parts.append(f"matching “{self.query}”")
        return ", ".join(parts)

    def same_papers(self, other: "Filter") -> bool:
        """Whether ``other`` lists the same papers, in whatever order."""
        return replace(self, order="", descending=False) == replace(other, order="", descending=False)


class Listing(list):
    """The ids a filter selects, and ``found_in_notes``: the papers the search found by the user's own
    words (a note or a highlight comment) -> what it found there, for the row's tooltip."""

    found_in_notes: dict[int, str]
    missing: list[str]          # the arXiv ids and DOIs of the search no paper has: "the arXiv id 2506.00475"

    def __init__(self, ids=(), found_in_notes: Optional[dict[int, str]] = None,
                 missing: Sequence[str] = ()) -> None:
        super().__init__(ids)
        self.found_in_notes = found_in_notes or {}
        self.missing = list(missing)


def list_ids(lib, flt: Filter, *, progress=None, cancel=None) -> Listing:
    """Worker side: the ids the filter selects, in the filter's order; a search with no column
    chosen is ordered by relevance (bm25, title matches first), the papers found only by a note or a
    highlight comment after them."""
    ids, found = search_paper_ids(lib, flt.query, tag=flt.tag, collection=flt.collection, order=flt.order,
                                  descending=flt.descending)
    if flt.restrict is not None:
        ids = [i for i in ids if i in flt.restrict]
    if flt.with_pdf:
        with_pdf = set(lib.paper_ids_with_pdf())
        ids = [i for i in ids if i in with_pdf]
    listed = set(ids)
    missing = []
    if flt.query:       # an id typed or pasted that no paper of the library has: the empty list says which
        missing = [f"the {p.kind} {p.value}" for p in lib.named_papers(parse_search(flt.query))[2]
                   if not p.negated]     # "-2506.99999 graph" lists nothing for want of "graph", not of the id
    return Listing(ids, {i: w for i, w in found.items() if i in listed}, missing)


class LibraryView(QWidget):
    paperSelected = Signal(object)      # paper id or None
    selectionChanged = Signal(list)     # all selected ids
    countChanged = Signal(int, str)     # rows shown, filter description
    queryChanged = Signal(str)
    papersChanged = Signal()            # decisions, tags or collections changed from the context menu
    papersDeleted = Signal()            # papers deleted from the context menu: the list is read again
    screenRequested = Signal(dict)      # screen this list in Triage: {collection, query, tag, listed}
    searchSaved = Signal(str)           # a saved search was kept under this name (the sidebar lists it)

    def __init__(self, tasks, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.lib = None
        self.filter = Filter()
        self._generation = 0
        self._shown_filter: Optional[Filter] = None      # the filter of the list on screen
        self._pending_select: Optional[int] = None
        self._selecting = False             # select_paper is moving the selection (not the user)
        self.loading = False

        self.search = QLineEdit(placeholderText="Search titles, abstracts, authors, your notes, arXiv ids, DOIs   "
                                                "(\"exact phrase\", OR, -word, title: au:)")
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("searchBox")
        self.filter_label = QLabel()
        self.filter_label.setObjectName("filterLabel")
        self.clear_filter = QToolButton(text="Clear filter")
        self.clear_filter.setAutoRaise(True)
        self.clear_filter.clicked.connect(self.clear_filters)
        self.clear_filter.hide()
        # a saved search the parser now refuses (kept before a rule changed): edited here, saved under its name
        self.edit_saved_search_button = QToolButton(text="Edit saved search…")
        self.edit_saved_search_button.setObjectName("editSavedSearch")
        self.edit_saved_search_button.setAutoRaise(True)
        self.edit_saved_search_button.clicked.connect(lambda: self.edit_saved_search())
        self.edit_saved_search_button.hide()
        self._broken_search: Optional[tuple[str, str, str]] = None   # (name, query, why it cannot run)
        # the search typed, kept by name in the sidebar's "Saved searches" (one click runs it again)
        self.save_search_button = QToolButton(text="Save search…")
        self.save_search_button.setObjectName("saveSearch")
        self.save_search_button.setAutoRaise(True)
        self.save_search_button.setToolTip("Keep this search under a name in the sidebar's Saved searches")
        self.save_search_button.setEnabled(False)
        self.save_search_button.clicked.connect(lambda: self.save_search())

        self.model = PaperTableModel(parent=self)
        self.model.sortRequested.connect(self._sort)
        self.table = QTableView()
        self.table.setObjectName("paperTable")
        self.table.setModel(self.model)
        # no indicator first: enabling sorting would otherwise sort by column 0 at once
        self.table.horizontalHeader().setSortIndicator(-1, Qt.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)  # no per-row measuring: lazy
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        # the header paints each column's "selected" look from its selection model, and Qt decides a
        # column is selected by walking every row: after Ctrl+A on 75,000 papers that is 0.7 s per
        # repaint of the header. The header gets a selection model of its own, never selected
        header.setSelectionModel(QItemSelectionModel(self.model, header))
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.Stretch)
        for col, width in column_widths(header):
            header.resizeSection(col, width)
        header.moveSection(header.visualIndex(COL_PDF), 1)     # the narrow PDF mark beside the title
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.setContextMenuPolicy(Qt.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._apply_search)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.textChanged.connect(lambda t: set_enabled(self.save_search_button, self._can_save(t)))
        self.search.returnPressed.connect(self._apply_search)

        top = QHBoxLayout()
        top.setContentsMargins(6, 6, 6, 2)
        top.addWidget(self.search, 1)
        top.addWidget(self.save_search_button)
        top.addWidget(self.filter_label)
        top.addWidget(self.clear_filter)
        top.addWidget(self.edit_saved_search_button)
        # an empty library says how to fill it (shown instead of the table)
        self.empty_hint = QLabel(hints.EMPTY_LIBRARY)
        self.empty_hint.setObjectName("emptyLibraryHint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setTextFormat(Qt.RichText)
        self.empty_hint.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.empty_hint.setContentsMargins(24, 24, 24, 24)
        self.empty_hint.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_hint, 1)

    # --- library & filters -----------------------------------------------------------------------
    def set_library(self, lib) -> None:
        self.lib = lib
        self._pending_select = None           # a paper of the library shown before
        self._shown_filter = None
        self.model.set_library(lib)
        self.refresh()

    def set_filter(self, **changes) -> None:
        self.filter = replace(self.filter, **changes)
        self.refresh()

    def show_ids(self, ids, label: str) -> None:
        """Narrow the table to these papers (a map selection, a gap's evidence, a triage state)."""
        self.set_filter(restrict=frozenset(ids), restrict_label=label)

    def clear_filters(self) -> None:
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.filter = Filter(order=self.filter.order, descending=self.filter.descending)
        self.refresh()

    def writers(self) -> list:
        return [self.save_search_button, self.edit_saved_search_button]

    def save_search(self, name: Optional[str] = None):
        """Keep the search box's query under ``name`` (asked for, the query offered); returns the task."""
        query = self.search.text().strip()
        if self.lib is None or not query:
            return None
        if name is None:
            name, ok = QInputDialog.getText(self, "Save search", "Name of the saved search:", text=query)
            if not ok:
                return None
        name = name.strip()
        if not name:
            return None
        kept = dict(self.lib.saved_searches()).get(name)
        if kept is not None and kept != query and QMessageBox.question(
                self, "Save search", f"There is already a saved search “{name}” ({kept}).\n\n"
                f"Replace it with this search ({query})?", QMessageBox.Yes | QMessageBox.Cancel,
                QMessageBox.Cancel) != QMessageBox.Yes:
            return None                  # another saved search is not lost to a name typed twice
        return self.tasks.save("Save search", _save_search, name, query, library=self.lib.path,
                               on_result=lambda _r: self.searchSaved.emit(name),
                               on_error=lambda message, _tb: QMessageBox.warning(self, "Save search", message))

    def _can_save(self, text: str) -> bool:
        """Whether the search box holds a search that can run (and so be kept): read at once, without the
        library, so a query that will fail is never offered for saving."""
        if self.lib is None or not text.strip():
            return False
        try:
            parse_search(text.strip())
        except LibraryError:
            return False
        return True

    def _apply_search(self) -> None:
        self._debounce.stop()
        text = self.search.text().strip()
        if text != self.filter.query:
            self.queryChanged.emit(text)
            self.set_filter(query=text)

    def _sort(self, key: str, descending: bool) -> None:
        self.set_filter(order=key, descending=descending)

    def refresh(self, select: Optional[int] = None) -> None:
        """List the ids for the current filter on a worker; stale answers are dropped."""
        if self.lib is None:
            return
        self._generation += 1
        gen = self._generation
        # a paper asked for is selected when the list lands, whatever refresh lands it; otherwise the
        # current paper then (the user may choose another one while a slow list is on its way)
        if select is not None:
            self._pending_select = select
        self.loading = True
        self.tasks.run("List papers", list_ids, self.filter, library=self.lib.path, quiet=True,
                       on_result=lambda ids, g=gen, f=self.filter: self._listed(g, ids, f),
                       on_error=lambda msg, _tb, g=gen: self._list_failed(g, msg))

    def _listed(self, gen: int, ids: list[int], flt: Filter) -> None:
        if gen != self._generation:
            return
        self.loading = False
        # the selection as it is now (the user may have changed it while the list was read), by paper:
        # the same list read again or sorted anew keeps every selected paper still listed; a new search,
        # tag, collection or restriction starts from the current paper alone (a Ctrl+A made on the whole
        # library must not become "every paper matching the search", one Delete away)
        chosen, current = self.selected_ids(), self.current_paper_id()
        keep = self._pending_select if self._pending_select is not None else current
        if self._pending_select is not None and self._pending_select not in chosen:
            chosen = []                   # a paper asked for outside the selection (an attached PDF's) alone
        if self._shown_filter is None or not flt.same_papers(self._shown_filter):
            chosen = []
        self._shown_filter = flt
        self._pending_select = None
        self._broken_search = None
        self.edit_saved_search_button.hide()
        self.model.set_ids(ids, found_in_notes=getattr(ids, "found_in_notes", None))
        self.search.setStyleSheet("")
        self.search.setToolTip("")
        desc = self.filter.describe()
        by_notes = len(getattr(ids, "found_in_notes", ()))
        in_notes = (f" ({by_notes:,} found in your notes or highlight comments: hover a title to read what)"
                    if by_notes else "")
        missing = getattr(ids, "missing", [])
        no_match = (f"No paper in this library has {' or '.join(missing)}. “Clear filter” shows the whole library."
                    if missing else hints.NO_MATCH)
        self.filter_label.setText(plural(len(ids), "paper") + (f" — {desc}{in_notes}" if desc else "")
                                  if ids or not desc else no_match)
        empty = not ids and not desc
        self.empty_hint.setVisible(empty)
        self.table.setVisible(not empty)
        self.clear_filter.setVisible(bool(desc))
        self.countChanged.emit(len(ids), desc)
        if len(chosen) > 1:
            self._reselect(chosen, keep)
        elif keep is not None:
            self.select_paper(keep)
        else:
            self.paperSelected.emit(None)

    def _list_failed(self, gen: int, message: str) -> None:
        """A search that cannot run lists nothing: the rows of the list before are not its results."""
        if gen != self._generation:
            return
        self.loading = False
        self._shown_filter = None
        self._pending_select = None
        self.model.set_ids([])
        self.paperSelected.emit(None)
        self.clear_filter.setVisible(True)
        set_enabled(self.save_search_button, False)
        self.countChanged.emit(0, self.filter.describe())
        self.search.setStyleSheet(f"QLineEdit {{ background: {theme.colour('invalid_input')}; }}")
        self.search.setToolTip(message)
        # a saved search that no longer runs is named: the user did not type it, and can mend it here
        name = queries.saved_search_named(self.lib, self.filter.query)
        self._broken_search = (name, self.filter.query, message) if name else None
        self.edit_saved_search_button.setVisible(name is not None)
        self.filter_label.setText(f"The saved search “{name}” no longer runs: {message}" if name else message)

    def shown_filter(self) -> Optional[Filter]:
        """The filter of the list on screen; None while none is (a search that failed lists nothing)."""
        return self._shown_filter

    def edit_saved_search(self, query: Optional[str] = None):
        """Mend the saved search that failed: its query edited (asked for, the old one offered) replaces the
        saved one under the same name and runs; a query that still cannot run is refused with why."""
        if self._broken_search is None or self.lib is None:
            return None
        name, old, why = self._broken_search
        if query is None:
            query, ok = QInputDialog.getText(self, "Edit saved search",
                                             f"The saved search “{name}” no longer runs:\n{why}\n\nIts query:",
                                             text=old)
            if not ok:
                return None
        query = query.strip()
        try:
            parse_search(query)
        except LibraryError as exc:
            QMessageBox.warning(self, "Edit saved search", f"“{name}” is kept as it was: {exc}")
            return None
        self.search.setText(query)
        self._apply_search()
        return self.tasks.save("Save search", _save_search, name, query, library=self.lib.path,
                               on_result=lambda _r: self.searchSaved.emit(name),
                               on_error=lambda message, _tb: QMessageBox.warning(self, "Edit saved search", message))

    # --- remembered layout ---------------------------------------------------------------------
    def header_state(self):
        """Column widths, order and the sort column (QHeaderView's own state), for the settings."""
        return self.table.horizontalHeader().saveState()

    def restore_header(self, state, columns: Optional[int] = None) -> None:
        """Widths and sort as they were; the listing's order follows the restored sort column.
        ``columns``: how many columns the saved layout had (None: saved before the count was kept, six).
        Qt restores a layout of fewer columns and adds the new ones at the default width; they get their
        own width, so a user's layout from before a column came is kept and the column shows as meant."""
        header = self.table.horizontalHeader()
        if not header.restoreState(state):
            return
        known = columns if columns is not None else COL_PDF
        for col, width in column_widths(header):
            if col >= known:
                header.resizeSection(col, width)
        if known <= COL_PDF:        # Qt adds a new column last: put it where a fresh window has it
            header.moveSection(header.visualIndex(COL_PDF), header.visualIndex(COL_TITLE) + 1)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.Stretch)
        col = header.sortIndicatorSection()
        key = COLUMNS[col][1] if 0 <= col < len(COLUMNS) else None
        if key is not None:
            self.filter = replace(self.filter, order=key,
                                  descending=header.sortIndicatorOrder() == Qt.DescendingOrder)

    # --- selection -------------------------------------------------------------------------------
    def current_paper_id(self) -> Optional[int]:
        idx = self.table.currentIndex()
        return self.model.paper_id(idx.row()) if idx.isValid() else None

    def selected_rows(self) -> list[int]:
        """The selected rows, read from the selection's ranges: Ctrl+A on 75,000 papers is one range,
        where ``selectedRows()`` asks the model about every row and column (seconds on the GUI thread)."""
        rows: set[int] = set()
        for r in self.table.selectionModel().selection():
            rows.update(range(r.top(), r.bottom() + 1))
        return sorted(rows)

    def selected_ids(self) -> list[int]:
        ids = self.model.ids_view()
        return [ids[r] for r in self.selected_rows() if r < len(ids)]

    def select_paper(self, paper_id: int) -> bool:
        if self.loading:
            self._pending_select = paper_id   # the list on its way selects it too
        row = self.model.row_of(paper_id)
        if row < 0:
            self.paperSelected.emit(None)
            return False
        idx = self.model.index(row, 0)
        self._selecting = True
        try:
            self.table.selectionModel().setCurrentIndex(
                idx, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        finally:
            self._selecting = False
        self.table.scrollTo(idx, QAbstractItemView.PositionAtCenter)
        return True

    def _reselect(self, paper_ids: list[int], current: Optional[int]) -> None:
        """The papers chosen before, chosen again where the new list has them, ``current`` (else the first of them)
        as the current row; one selection change, from row ranges (a Ctrl+A of 75,000 papers in one)."""
        row_of = {pid: row for row, pid in enumerate(self.model.ids_view())}
        rows = sorted(row_of[p] for p in paper_ids if p in row_of)
        if not rows:                      # none of them listed any more
            if current is not None:
                self.select_paper(current)
            else:
                self.paperSelected.emit(None)
            return
        last_col = self.model.columnCount() - 1
        selection = QItemSelection()
        start = prev = rows[0]
        for row in rows[1:] + [None]:
            if row is not None and row == prev + 1:
                prev = row
                continue
            selection.select(self.model.index(start, 0), self.model.index(prev, last_col))
            if row is not None:
                start = prev = row
        idx = self.model.index(row_of[current] if current in row_of else rows[0], 0)
        sm = self.table.selectionModel()
        self._selecting = True
        try:
            # the current row first, without a selection change: the one that follows then shows it
            sm.setCurrentIndex(idx, QItemSelectionModel.NoUpdate)
            sm.select(selection, QItemSelectionModel.ClearAndSelect)
        finally:
            self._selecting = False
        self.table.scrollTo(idx)

    # --- context menu ----------------------------------------------------------------------------
    def paper_menu(self, ids: list[int]):
        from .paper_menu import PaperMenu

        f = self.filter
        return PaperMenu(self, self.lib, ids, collection=f.collection, tasks=self.tasks,
                         screen_scope=self.screen_scope(),
                         changed=self._menu_changed, screen=self.screenRequested.emit,
                         deleted=self._menu_deleted, left=self._menu_left)

    def screen_scope(self) -> dict:
        """The list on screen as Triage's scope: the ids the table lists (every filter of it: the PDF filter,
        a map or triage restriction, a saved search), named by its filter; its collection, search and tag
        fill Triage's fields. {} where no list is shown (a failed search) or it is the whole library."""
        f = self._shown_filter
        if f is None or not f.describe():
            return {}
        return {"collection": f.collection, "query": f.query, "tag": f.tag,
                "listed": (self.model.ids(), f.describe()),
                # named: Triage says so when it comes back to a list whose saved search was deleted since
                "saved_search": queries.saved_search_named(self.lib, f.query)}

    def _context_menu(self, pos) -> None:
        if self.lib is None:
            return
        row = self.table.indexAt(pos).row()
        ids = self.selected_ids()
        clicked = self.model.paper_id(row) if row >= 0 else None
        if clicked is not None and clicked not in ids:
            self.select_paper(clicked)
            ids = [clicked]
        if ids:
            self.paper_menu(ids).build().exec(self.table.viewport().mapToGlobal(pos))

    def _menu_changed(self) -> None:
        self.model.invalidate()
        self.papersChanged.emit()

    def _menu_left(self) -> None:
        """Papers were taken out of the listed collection: list it again."""
        self._menu_changed()
        self.refresh()

    def _menu_deleted(self) -> None:
        self.table.clearSelection()          # the detail pane lets go of a paper that is gone
        self.papersDeleted.emit()

    def _on_selection(self, *_args) -> None:
        if self.loading and not self._selecting:
            # the user chose meanwhile: the list on its way keeps that choice, not the paper a refresh
            # was asked to select before it (an attached PDF's, an edited title's)
            self._pending_select = None
        ids = self.selected_ids()
        self.selectionChanged.emit(ids)
        self.paperSelected.emit(self.current_paper_id() if ids else None)


def _save_search(lib, name: str, query: str, *, progress=None, cancel=None) -> None:
    lib.search(query, limit=1)          # a query that cannot run is refused with why, as `search --save` does
    lib.save_search(name, query)
