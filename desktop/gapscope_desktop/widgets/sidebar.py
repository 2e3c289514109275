"""The library sidebar: all papers, collections, tags, saved searches and triage states."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QTreeWidget, QTreeWidgetItem, QWidget

from .. import queries, theme
from ..write_guard import hold_menu_writers

ROLE_KIND = Qt.UserRole
ROLE_VALUE = Qt.UserRole + 1


class Sidebar(QTreeWidget):
    """Emits ``chosen(kind, value)``: ("all", None) | ("collection", name) | ("tag", name) |
    ("search", query) | ("decision", decision) | ("pdf", None): the papers with an attached PDF."""

    chosen = Signal(str, object)
    changed = Signal()                 # a collection was created or renamed here
    screenRequested = Signal(dict)     # screen a collection or a tag in Triage

    def __init__(self, parent: Optional[QWidget] = None, *, tasks=None) -> None:
        super().__init__(parent)
        self.tasks = tasks          # the window's TaskManager: edits go on its writer queue
        self.setObjectName("sidebar")
        self.setHeaderHidden(True)
        self.setColumnCount(2)
        self.setRootIsDecorated(False)
        self.setIndentation(12)
        self.setUniformRowHeights(True)
        self.itemClicked.connect(self._clicked)
        self.setContextMenuPolicy(Qt.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.lib = None
        self.triage_collection: Optional[str] = None   # what the Triage view screens (None: whole library)
        self.counted_collection: Optional[str] = None  # whose decisions the Triage section counts

    def set_library(self, lib) -> None:
        if lib is not self.lib:        # another library's collections are not this one's
            self.triage_collection = self.counted_collection = None
        self.lib = lib
        self.reload()

    def set_triage_scope(self, collection: Optional[str]) -> None:
        """Count the Triage section in this collection's screening (None: the whole library's)."""
        if collection != self.triage_collection:
            self.triage_collection = collection
            self.reload()

    def _section(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [title.upper(), ""])
        item.setFlags(Qt.ItemIsEnabled)
        f = item.font(0)
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 0.85)
        item.setFont(0, f)
        item.setForeground(0, theme.qcolor("heading"))
        item.setExpanded(True)
        return item

    def _entry(self, parent: QTreeWidgetItem, text: str, count: Optional[int], kind: str, value) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text, f"{count:,}" if count is not None else ""])
        item.setData(0, ROLE_KIND, kind)
        item.setData(0, ROLE_VALUE, value)
        item.setTextAlignment(1, Qt.AlignRight | Qt.AlignVCenter)
        item.setForeground(1, theme.qcolor("heading"))
        return item

    def reload(self) -> None:
        selected = self.current_choice()
        self.clear()
        if self.lib is None:
            return
        lib = self.lib
        sec = self._section("Library")
        self._entry(sec, "All papers", lib.count_papers(), "all", None)
        with_pdf = len(lib.paper_ids_with_pdf())
        if with_pdf:
            self._entry(sec, "With a PDF", with_pdf, "pdf", None)
        cols = lib.list_collections()
        sec = self._section("Collections")
        for name, n in cols:
            self._entry(sec, name, n, "collection", name)
        if not cols:
            self._placeholder(sec, "no collections")
        tags = lib.list_tags()
        sec = self._section("Tags")
        for name, n in tags:
            self._entry(sec, name, n, "tag", name)
        if not tags:
            self._placeholder(sec, "no tags")
        searches = queries.saved_searches(lib)
        if searches:
            sec = self._section("Saved searches")
            for name, q in searches:
                self._entry(sec, name, None, "search", q)
        # the counts of the scope being screened: the whole library, or the Triage view's collection
        self.counted_collection = queries.screened_collection(lib, self.triage_collection)
        sec = self._section("Triage" + (f" · {self.counted_collection}" if self.counted_collection else ""))
        sec.setToolTip(0, "Resolved decisions in " + (f"collection “{self.counted_collection}”"
                                                      if self.counted_collection else "the whole library")
                       + " (with two reviewers: agreed or resolved; conflicts and papers only one reviewer "
                         "has screened are listed apart)")
        counts = queries.decision_counts(lib, self.counted_collection)
        for d, label in (("include", "Included"), ("maybe", "Maybe"), ("exclude", "Excluded"),
                         ("postpone", "Postponed")):
            self._entry(sec, label, counts[d], "decision", d)
        if counts.get("conflict"):
            self._entry(sec, "Conflicts to resolve", counts["conflict"], "decision", "conflict")
        if counts.get("awaiting"):
            self._entry(sec, "Awaiting a second reviewer", counts["awaiting"], "decision", "awaiting")
        self.expandAll()
        self.resizeColumnToContents(1)
        self._fit_columns()
        self.select_choice(*(selected or ("all", None)))

    def _placeholder(self, parent: QTreeWidgetItem, text: str) -> None:
        item = QTreeWidgetItem(parent, [text, ""])
        item.setFlags(Qt.NoItemFlags)
        item.setForeground(0, theme.qcolor("heading"))

    def resizeEvent(self, event) -> None:  # keep counts right-aligned
        super().resizeEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """The names take the width the counts leave. Measured on the counts' text, not on their column,
        which stretches to the edge: read from it, a sidebar made wider kept its names cut ("check: metad…")."""
        counts = max(self.sizeHintForColumn(1), 0)
        self.setColumnWidth(0, max(120, self.viewport().width() - counts - 8))

    def current_choice(self):
        item = self.currentItem()
        if item is None or item.data(0, ROLE_KIND) is None:
            return None
        return item.data(0, ROLE_KIND), item.data(0, ROLE_VALUE)

    def select_choice(self, kind: str, value) -> None:
        it = self.invisibleRootItem()
        for i in range(it.childCount()):
            sec = it.child(i)
            for j in range(sec.childCount()):
                item = sec.child(j)
                if item.data(0, ROLE_KIND) == kind and item.data(0, ROLE_VALUE) == value:
                    self.setCurrentItem(item)
                    return

    # --- collections: create, rename, delete, screen; saved searches: delete ----------------------
    def _context_menu(self, pos) -> None:
        if self.lib is None:
            return
        menu = self.menu_for(self.itemAt(pos))
        if menu is not None:
            menu.exec(self.viewport().mapToGlobal(pos))

    def menu_for(self, item: Optional[QTreeWidgetItem]) -> Optional[QMenu]:
        kind = item.data(0, ROLE_KIND) if item is not None else None
        value = item.data(0, ROLE_VALUE) if item is not None else None
        section = item.text(0) if item is not None and kind is None and item.parent() is None else ""
        menu = QMenu(self)
        writers = []
        if kind == "collection":
            menu.addAction("Screen in Triage", lambda: self.screenRequested.emit({"collection": value}))
            writers.append(menu.addAction("Rename…", lambda: self.rename_collection(value)))
            writers.append(menu.addAction("Delete collection…", lambda: self.delete_collection(value)))
        if kind == "tag":
            menu.addAction("Screen in Triage", lambda: self.screenRequested.emit({"tag": value}))
        if kind == "search":
            name = item.text(0)
            writers.append(menu.addAction("Delete saved search", lambda: self.delete_search(name)))
        if kind == "collection" or section == "COLLECTIONS" or (item is not None and item.parent() is not None
                                                                and item.parent().text(0) == "COLLECTIONS"):
            writers.append(menu.addAction("New collection…", self.new_collection))
        hold_menu_writers(self.lib, writers)
        return menu if menu.actions() else None

    def new_collection(self, name: Optional[str] = None) -> None:
        if name is None:
            name, ok = QInputDialog.getText(self, "New collection", "Name of the new collection:")
            if not ok:
                return
        if name.strip():
            self._save("New collection", _create_collection, name.strip())

    def rename_collection(self, old: str, new: Optional[str] = None) -> None:
        if new is None:
            new, ok = QInputDialog.getText(self, "Rename collection", f"New name for “{old}”:", text=old)
            if not ok or new.strip() == old:
                return
        self._save("Rename collection", _rename_collection, old, new)

    def delete_collection(self, name: str, confirm=None) -> bool:
        """Ask, saying what goes (the decisions made in it) and what stays (its papers), then delete the
        collection; a list showing it goes back to all papers. ``confirm(text) -> bool`` replaces the
        question (tests). True when asked to delete."""
        from gapscope.store import LibraryError
        from gapscope.textfmt import plural

        try:
            papers, decisions = self.lib.collection_contents(name)
        except LibraryError as exc:
            QMessageBox.warning(self, "Delete collection", str(exc))
            return False
        text = (f"Delete the collection “{name}”?\n\nThe papers in it ({papers:,}) stay in the library; "
                f"the {plural(decisions, 'screening decision')} made in it {plural(decisions, 'is', number=False)} "
                "deleted with it. There is no undo: File > Back Up Library… first keeps a copy.")
        ask = confirm or (lambda t: QMessageBox.question(self, "Delete collection", t,
                                                         QMessageBox.Yes | QMessageBox.Cancel,
                                                         QMessageBox.Cancel) == QMessageBox.Yes)
        if not ask(text):
            return False
        was_shown = self.current_choice() == ("collection", name)
        self._save("Delete collection", _delete_collection, name,
                   after=self._show_all if was_shown else None)
        return True

    def delete_search(self, name: str) -> None:
        """Forget a saved search (the papers it found are not touched)."""
        self._save("Delete saved search", _delete_saved_search, name)

    def _show_all(self) -> None:
        self.select_choice("all", None)
        self.chosen.emit("all", None)

    def _save(self, what: str, fn, *args, after=None) -> None:
        def done(_result) -> None:
            self.reload()
            self.changed.emit()
            if after is not None:
                after()

        self.tasks.save(what, fn, *args, library=self.lib.path, on_result=done,
                        on_error=lambda message, _tb: QMessageBox.warning(self, what, message))

    def _clicked(self, item: QTreeWidgetItem, _col: int) -> None:
        kind = item.data(0, ROLE_KIND)
        if kind:
            self.chosen.emit(kind, item.data(0, ROLE_VALUE))


# --- writes, run on the writer queue ----------------------------------------------------------------
def _create_collection(lib, name, *, progress=None, cancel=None):
    return lib.create_collection(name)


def _rename_collection(lib, old, new, *, progress=None, cancel=None):
    lib.rename_collection(old, new)


def _delete_collection(lib, name, *, progress=None, cancel=None):
    lib.delete_collection(name)


def _delete_saved_search(lib, name, *, progress=None, cancel=None):
    lib.delete_saved_search(name)
