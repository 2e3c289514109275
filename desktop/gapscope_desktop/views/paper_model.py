"""A lazy table model over a list of paper ids: rows are read from the library in pages on demand,
so 75,000 papers scroll smoothly and only the visible pages are ever held in memory."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Optional, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from gapscope.models import Paper
from gapscope.textfmt import latex_to_text, shown_title

_ROOT = QModelIndex()
PAGE_SIZE = 256
MAX_PAGES = 64  # about 16k rows cached at most

# (header, sort key understood by Library.list_paper_ids): every column sorts, in SQL
COLUMNS: list[tuple[str, Optional[str]]] = [
    ("Title", "title"),
    ("Authors", "authors"),
    ("Year", "year"),
    ("Published", "published"),
    ("Category", "category"),
    ("arXiv / DOI", "ident"),
    # last in the model, whatever its place on screen: a column layout saved before it came (six
    # sections) restores as it was, with this one added (LibraryView.restore_header)
    ("PDF", "pdf"),
]
COL_TITLE, COL_AUTHORS, COL_YEAR, COL_PUBLISHED, COL_CATEGORY, COL_IDENT, COL_PDF = range(len(COLUMNS))
DISPLAY = int(Qt.DisplayRole.value)
TOOLTIP = int(Qt.ToolTipRole.value)
ALIGN = int(Qt.TextAlignmentRole.value)
USER = int(Qt.UserRole.value)
ALIGN_RIGHT = int((Qt.AlignRight | Qt.AlignVCenter).value)
ALIGN_CENTRE = int(Qt.AlignCenter.value)


def _authors_short(authors: list[str]) -> str:
    if not authors:
        return ""
    if len(authors) == 1:
        return authors[0]
    if len(authors) == 2:
        return f"{authors[0]}; {authors[1]}"
    return f"{authors[0]} et al."


def pdf_mark(pdfs: list) -> str:
    """The PDF column's cell: empty without a PDF."""
    return "" if not pdfs else "PDF" if len(pdfs) == 1 else f"{len(pdfs)} PDFs"


def pdf_tooltip(pdfs: list) -> str:
    return "\n".join(f"{pdf_file_name(name)}, {pdf_pages(pages)}" for name, pages in pdfs)


def pdf_file_name(original: str) -> str:
    """The attached file's name as the user knows it (the stored original is a path or a URL)."""
    return original.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or original


def pdf_pages(pages) -> str:
    return "pages unknown" if pages is None else "1 page" if pages == 1 else f"{pages} pages"


class PaperTableModel(QAbstractTableModel):
    """Rows are paper ids; a page cache fetches ``PAGE_SIZE`` papers at a time through
    :meth:`Library.get_papers`. Sorting asks the library for a new id order (SQL ORDER BY)."""

    sortRequested = Signal(str, bool)  # order key, descending

    def __init__(self, lib=None, parent=None) -> None:
        super().__init__(parent)
        self.lib = lib
        self._ids: list[int] = []
        self._pages: "OrderedDict[int, list[Optional[Paper]]]" = OrderedDict()
        self._cell_cache: dict[int, tuple] = {}
        self._found_in_notes: dict[int, str] = {}     # paper id -> the note or comment a search found
        # {paper id: its PDFs} for the papers of the cached pages that have one: read with each page
        self._pdfs: dict[int, list] = {}
        self.page_loads = 0  # how many pages were read (a test checks the model stays lazy)

    # --- data ------------------------------------------------------------------------------------
    def set_library(self, lib) -> None:
        self.lib = lib
        self.set_ids([])

    def set_ids(self, ids: Sequence[int], *, found_in_notes: Optional[dict[int, str]] = None) -> None:
        """The rows; ``found_in_notes``: for papers a search found in the user's own words, what it found
        there (the title's tooltip says so)."""
        self.beginResetModel()
        self._ids = list(ids)
        self._found_in_notes = dict(found_in_notes or {})
        self._pages.clear()
        self._pdfs.clear()
        self._cell_cache.clear()
        self.endResetModel()

    def ids(self) -> list[int]:
        return list(self._ids)

    def ids_view(self) -> Sequence[int]:
        """The ids in row order, not copied (read only)."""
        return self._ids

    def paper_id(self, row: int) -> Optional[int]:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, paper_id: int) -> int:
        try:
            return self._ids.index(paper_id)
        except ValueError:
            return -1

    def paper(self, row: int) -> Optional[Paper]:
        if not (0 <= row < len(self._ids)) or self.lib is None:
            return None
        page_no = row // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            page = self._load_page(page_no)
        else:
            self._pages.move_to_end(page_no)
        return page[row - page_no * PAGE_SIZE]

    def _load_page(self, page_no: int) -> list[Optional[Paper]]:
        ids = self._ids[page_no * PAGE_SIZE:(page_no + 1) * PAGE_SIZE]
        found = {p.id: p for p in self.lib.get_papers(ids)}
        page = [found.get(i) for i in ids]
        for i in ids:                                      # a PDF removed since the page was last read
            self._pdfs.pop(i, None)
        self._pdfs.update(self.lib.pdfs_of_papers(ids))    # one query for the page's PDF marks
        self._pages[page_no] = page
        self.page_loads += 1
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return page

    def invalidate(self, paper_id: Optional[int] = None) -> None:
        """Forget cached rows (after an edit) so they are read again."""
        self._cell_cache.clear()
        if paper_id is None:
            self._pages.clear()
            self._pdfs.clear()
            if self._ids:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))
            return
        row = self.row_of(paper_id)
        self._pdfs.pop(paper_id, None)
        if row >= 0:
            self._pages.pop(row // PAGE_SIZE, None)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # --- Qt model API ----------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role == DISPLAY and orientation == Qt.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section][0]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        # Called for every cell and role on each repaint: plain int comparisons only (comparing against
        # Qt enum members costs microseconds each in PySide6), and one cached tuple per row.
        if role == DISPLAY:
            cells = self._cells(index.row())
            return cells[index.column()] if cells is not None else None
        if role == USER:
            return self.paper_id(index.row())
        if role == ALIGN:
            col = index.column()
            return ALIGN_RIGHT if col in (COL_YEAR, COL_PUBLISHED) else ALIGN_CENTRE if col == COL_PDF else None
        if role == TOOLTIP:
            col = index.column()
            if col in (COL_TITLE, COL_AUTHORS):
                p = self.paper(index.row())
                if p is not None and col == COL_AUTHORS:
                    return "; ".join(p.authors)
                if p is not None:
                    found = self._found_in_notes.get(p.id)
                    return latex_to_text(p.title) + (f"\n\nFound in your {found}" if found else "")
            elif col == COL_PDF and self.paper(index.row()) is not None:
                return pdf_tooltip(self._pdfs.get(self._ids[index.row()], [])) or None
        return None

    def _cells(self, row: int) -> Optional[tuple]:
        cells = self._cell_cache.get(row)
        if cells is None:
            p = self.paper(row)
            if p is None:
                return None
            cells = (shown_title(p.title), _authors_short(p.authors),
                     p.year if p.year is not None else "", p.published or "", p.primary_category or "",
                     p.arxiv_id_versioned or p.doi or "", pdf_mark(self._pdfs.get(p.id, [])))
            if len(self._cell_cache) > 4096:
                self._cell_cache.clear()
            self._cell_cache[row] = cells
        return cells

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        key = COLUMNS[column][1] if 0 <= column < len(COLUMNS) else None
        if key is not None:
            self.sortRequested.emit(key, order == Qt.DescendingOrder)
