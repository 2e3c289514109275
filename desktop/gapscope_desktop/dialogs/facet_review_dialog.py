"""Check facet labels: the classifier's least certain sentence labels (role or shortcoming, the lower
confidence of the two), lowest first, each set right with one key: 1-5 a role, 6-9 a shortcoming type. A label
set here is a correction (it wins over the classifier in the maps and gaps) and the sentence leaves the
list. The listing runs on a worker; a correction is saved at once.

Below, the user's corrections that label no sentence any more (the abstract changed under them, or the
splitter now cuts it otherwise; ``gapscope check`` names them too), each with the words it was made on, so
that the label can be set again on the sentence meant and the old correction removed. Undo Remove (Ctrl+Z)
puts the corrections removed here back, the last first, as they were (labels, place and words)."""

from __future__ import annotations

import html
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QHBoxLayout, QLabel,
                               QPushButton, QSplitter, QTextBrowser, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from gapscope.vocabulary import SENTENCE_ROLES as ROLES, SHORTCOMINGS, correction_labels

from .. import theme
from ..write_guard import set_enabled

SHOWN = 300


def load_uncertain(lib, role: Optional[str], shortcoming: Optional[str], paper_id: Optional[int], *, progress=None,
                   cancel=None) -> list[dict]:
    from gapscope.facets import uncertain_sentences

    return uncertain_sentences(lib, role=role, shortcoming=shortcoming, paper_id=paper_id, limit=SHOWN)


def load_strays(lib, paper_id: Optional[int], *, progress=None, cancel=None) -> list[dict]:
    from gapscope.integrity import stray_facet_corrections

    return [c for c in stray_facet_corrections(lib) if paper_id is None or c["paper_id"] == paper_id]


def _stray_why(c: dict) -> str:
    return ("its words are no longer at its place" if c["why"] == "words_gone"
            else "no sentence holds most of it")


def _confidence(r: dict) -> float:
    return min(r["role_confidence"], r["shortcoming_confidence"])


class FacetReviewDialog(QDialog):
    corrected = Signal(int)        # paper id whose labels changed
    openPaper = Signal(int)

    def __init__(self, tasks, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Check Facet Labels")
        self.setObjectName("facetReview")
        self.tasks, self.lib, self.paper_id = tasks, None, None
        self.rows: list[dict] = []
        self.strays: list[dict] = []   # corrections that label no sentence
        self.removed: list[dict] = []  # the corrections Remove Correction took out here, whole, the last last
        self._restoring = False        # an Undo Remove on its way: a second Ctrl+Z waits for its answer
        self._asked = 0                # the newest listing asked for: an older one that ends late is dropped
        self._asked_strays = 0

        self.label_box = QComboBox()
        self.label_box.setObjectName("roleFilter")
        self.label_box.addItem("All roles", None)
        for lab in ROLES:
            self.label_box.addItem(f"Role {lab}", lab)
        self.label_box.currentIndexChanged.connect(self.reload)
        self.short_box = QComboBox()
        self.short_box.setObjectName("shortcomingFilter")
        self.short_box.addItem("Any shortcoming or none", None)
        for lab in SHORTCOMINGS:
            self.short_box.addItem(f"Shortcoming {lab}", lab)
        self.short_box.currentIndexChanged.connect(self.reload)
        self.paper_only = QCheckBox("The selected paper only")
        self.paper_only.toggled.connect(self.reload)
        self.info = QLabel()
        theme.set_text_colour(self.info, "secondary")
        self.info.setWordWrap(True)

        self.table = QTreeWidget()
        self.table.setObjectName("facetReviewTable")
        self.table.setHeaderLabels(["Confidence", "Role", "Shortcoming", "Sentence", "Paper"])
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setWordWrap(True)
        fm = self.table.fontMetrics()         # the columns grow with the font
        self.table.setColumnWidth(0, fm.horizontalAdvance("Confidence") + 14)
        for col in (1, 2):
            self.table.setColumnWidth(col, fm.horizontalAdvance("Shortcoming") + 14)
        self.table.setColumnWidth(3, fm.averageCharWidth() * 73)
        self.table.itemDoubleClicked.connect(lambda item, _c: self.openPaper.emit(self.rows[self._row(item)]["paper_id"]))
        self.table.itemSelectionChanged.connect(self._selection_changed)

        # a role depends on the sentences around it: show the selected one whole, between its neighbours
        self.context = QTextBrowser()
        self.context.setObjectName("facetReviewContext")
        self.context.document().setDocumentMargin(8)

        self.buttons = {}
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Set the role:"))
        for key, lab in enumerate(ROLES + SHORTCOMINGS, start=1):
            if key == len(ROLES) + 1:
                buttons.addWidget(QLabel("  shortcoming:"))
            b = QPushButton(f"{key} {lab.capitalize()}")
            b.setObjectName(f"set_{lab}")
            what = "role" if lab in ROLES else "shortcoming"
            b.setToolTip(f"The sentence's {what} is {lab} (key {key}); it leaves the list")
            b.clicked.connect(lambda _c=False, lab=lab: self.set_label(lab))
            QShortcut(QKeySequence(str(key)), self, activated=lambda lab=lab: self.set_label(lab))
            self.buttons[lab] = b
            buttons.addWidget(b)
        buttons.addStretch(1)

        # the user's corrections that label no sentence: shown only when there are some
        self.stray_note = QLabel()
        self.stray_note.setObjectName("strayCorrectionsNote")
        self.stray_note.setWordWrap(True)
        self.stray_table = QTreeWidget()
        self.stray_table.setObjectName("strayCorrections")
        self.stray_table.setHeaderLabels(["Paper", "Corrected words", "Your label", "Why it labels nothing"])
        self.stray_table.setRootIsDecorated(False)
        self.stray_table.setWordWrap(True)
        self.stray_table.setColumnWidth(0, 200)
        self.stray_table.setColumnWidth(1, 400)
        self.stray_table.setColumnWidth(2, 150)
        self.stray_table.itemDoubleClicked.connect(
            lambda item, _c: self.openPaper.emit(self.strays[self.stray_table.indexOfTopLevelItem(item)]["paper_id"]))
        self.stray_table.itemSelectionChanged.connect(self._stray_selection_changed)
        self.remove_stray = QPushButton("Remove Correction")
        self.remove_stray.setObjectName("removeStrayCorrection")
        self.remove_stray.setToolTip("Remove the selected correction (it labels nothing); set the label again on "
                                     "the sentence meant, above")
        self.remove_stray.clicked.connect(self.remove_selected_stray)
        set_enabled(self.remove_stray, False)      # nothing to remove until the listing arrives and one is chosen
        self.undo_remove = QPushButton("Undo Remove")
        self.undo_remove.setObjectName("undoRemoveCorrection")
        self.undo_remove.setToolTip("Put back the correction last removed, as it was (Ctrl+Z)")
        self.undo_remove.clicked.connect(self.undo_last_removal)
        set_enabled(self.undo_remove, False)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self, activated=self.undo_last_removal)
        stray_box = QWidget()
        stray_layout = QVBoxLayout(stray_box)
        stray_layout.setContentsMargins(0, 0, 0, 0)
        stray_layout.addWidget(self.stray_note)
        stray_layout.addWidget(self.stray_table, 1)
        stray_buttons = QHBoxLayout()
        stray_buttons.addStretch(1)
        stray_buttons.addWidget(self.undo_remove)
        stray_buttons.addWidget(self.remove_stray)
        stray_layout.addLayout(stray_buttons)
        self.stray_box = stray_box
        stray_box.hide()

        top = QHBoxLayout()
        top.addWidget(self.label_box)
        top.addWidget(self.short_box)
        top.addWidget(self.paper_only)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        intro = QLabel("Least certain first (the lower of the role's and the shortcoming's confidence). "
                       "Shortcoming: none, prior (of existing work), open (of the field), own (of this "
                       "paper). Double-click opens the paper.")
        intro.setWordWrap(True)       # on one line it widened the dialog past the screen at a large font
        layout.addWidget(intro)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.context)
        split.addWidget(self.stray_box)
        split.setSizes([400, 120, 120])
        split.setCollapsible(2, False)     # never squeezed to nothing: its Remove button must stay reachable
        self._split = split
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.info)
        self.resize(max(960, fm.averageCharWidth() * 160), max(560, fm.lineSpacing() * 40))

    def writers(self) -> list:
        """The label buttons (their number keys check :meth:`set_label`'s read-only test), Remove Correction and
        Undo Remove (Ctrl+Z checks :meth:`undo_last_removal`'s)."""
        return list(self.buttons.values()) + [self.remove_stray, self.undo_remove]

    def show_for(self, lib, paper_id: Optional[int]) -> None:
        """List ``lib``'s labels (the whole library; ``paper_id``, the selected paper, can narrow it)."""
        if lib is not self.lib:          # what was removed in another library is not this one's to put back
            self.removed.clear()
            set_enabled(self.undo_remove, False)
        self.lib, self.paper_id = lib, paper_id
        self.paper_only.blockSignals(True)
        self.paper_only.setChecked(False)
        self.paper_only.blockSignals(False)
        self.paper_only.setEnabled(paper_id is not None)
        self.reload()
        self.show()
        self.raise_()
        self.activateWindow()

    def reload(self) -> None:
        role, short = self.label_box.currentData(), self.short_box.currentData()
        paper = self.paper_id if self.paper_only.isChecked() else None
        self.show_rows([])
        self.info.setText("Loading…")
        self._asked += 1
        asked = self._asked
        self.tasks.run("Load facet labels", load_uncertain, role, short, paper, library=self.lib.path, quiet=True,
                       on_result=lambda rows: self.show_rows(rows) if asked == self._asked else None,
                       on_error=lambda m, _t: (self.info.setText(f"Cannot read the labels: {m}")
                                               if asked == self._asked else None))
        self.reload_strays()

    def reload_strays(self) -> None:
        paper = self.paper_id if self.paper_only.isChecked() else None
        self._asked_strays += 1
        asked = self._asked_strays
        self.tasks.run("Load facet corrections labelling no sentence", load_strays, paper, library=self.lib.path,
                       quiet=True, on_result=lambda rows: self.show_strays(rows) if asked == self._asked_strays else None,
                       on_error=lambda m, _t: (self.stray_note.setText(f"Cannot read your corrections: {m}")
                                               if asked == self._asked_strays else None))

    def show_strays(self, rows: list[dict]) -> None:
        self.strays = list(rows)
        self.stray_table.clear()
        for c in self.strays:
            labels = correction_labels(c)
            words = " ".join(c["text"].split()) or "(words no longer known: made before they were kept)"
            item = QTreeWidgetItem([c["title"] or f"paper {c['paper_id']}", words, labels, _stray_why(c)])
            item.setToolTip(1, words)
            self.stray_table.addTopLevelItem(item)
        n = len(self.strays)
        shown_before = self.stray_box.isVisible()
        self.stray_box.setVisible(bool(n or self.removed))     # Undo Remove stays reachable
        if n and not shown_before:
            # a splitter gives a pane hidden at its start no height when it is shown: give it its share
            sizes = self._split.sizes()
            if sizes[2] < self.stray_box.minimumSizeHint().height():
                share = max(self.stray_box.sizeHint().height(), sum(sizes) // 4)
                self._split.setSizes([max(sizes[0] - share, 0), sizes[1], share])
        self.stray_note.setText(
            f"{n} of your corrections label{'s' if n == 1 else ''} no sentence: a correction that labels none does"
            " not count (its abstract changed under it, or is now split otherwise). Set the label again on the"
            " sentence meant (double-click opens the paper), then remove the old correction." if n else
            "None of your corrections labels no sentence now. Undo Remove (Ctrl+Z) puts back those removed here."
            if self.removed else "")
        self._stray_selection_changed()

    def _stray_selection_changed(self) -> None:
        set_enabled(self.remove_stray, self.stray_table.currentItem() is not None and bool(self.strays))

    def remove_selected_stray(self) -> None:
        item = self.stray_table.currentItem()
        if item is None or not self.strays or self.lib is None:
            return
        if self.lib.read_only:
            self.info.setText("Not removed: this library is read-only.")
            return
        c = self.strays[self.stray_table.indexOfTopLevelItem(item)]
        self.tasks.save("Remove facet correction", _uncorrect, c["paper_id"], c["start"], c["end"], c["text"],
                        library=self.lib.path, on_result=lambda removed: self._stray_removed(c, removed),
                        on_error=lambda m, _t: self.info.setText(m))

    def _stray_removed(self, c: dict, removed: Optional[dict]) -> None:
        """``removed``: the correction as it was taken out (for Undo Remove), None when nothing was."""
        if removed is None:  # set again there since the list was read: that new correction stays
            self.info.setText("Not removed: a label was set again at that place since; the list is read anew.")
        else:
            self.removed.append(removed)
            set_enabled(self.undo_remove, True)
            self.info.setText(f"Removed your correction ({correction_labels(removed)}) of paper {removed['paper_id']}. "
                              "Undo Remove (Ctrl+Z) puts it back.")
        if c in self.strays:
            i = self.strays.index(c)
            del self.strays[i]
            self.stray_table.takeTopLevelItem(i)
        self.reload_strays()
        self.corrected.emit(c["paper_id"])

    def undo_last_removal(self) -> None:
        """Put back the correction last removed here, exactly as it was; only while no correction was set at
        its place since (that one stays)."""
        if self.lib is None or self._restoring:
            return
        if not self.removed:
            self.info.setText("Nothing to undo: no correction was removed here.")
            return
        if self.lib.read_only:          # Ctrl+Z, whatever the (held off) button shows
            self.info.setText("Not put back: this library is read-only.")
            return
        c = self.removed[-1]            # taken off only once answered: a failed save keeps it to retry
        self._restoring = True

        def failed(message: str, _t=None) -> None:
            self._restoring = False
            if self._paper_gone(c["paper_id"]) and c in self.removed:
                # it can never be put back: the next Ctrl+Z goes on to the one removed before it
                self.removed.remove(c)
                set_enabled(self.undo_remove, bool(self.removed))
            self.info.setText(f"Not put back: {message}")
        self.tasks.save("Restore facet correction", _restore, c, library=self.lib.path,
                        on_result=lambda restored: self._restored(c, restored), on_error=failed)

    def _paper_gone(self, paper_id: int) -> bool:
        from gapscope.store import LibraryError

        try:
            self.lib.get_paper(paper_id)
        except LibraryError:
            return True
        return False

    def _restored(self, c: dict, restored: bool) -> None:
        self._restoring = False
        if c in self.removed:
            self.removed.remove(c)
        set_enabled(self.undo_remove, bool(self.removed))
        labels = correction_labels(c)
        self.info.setText(f"Put back your correction ({labels}) of paper {c['paper_id']}." if restored else
                          f"Not put back: a label was set at that place of paper {c['paper_id']} since; it stays.")
        self.reload_strays()
        self.corrected.emit(c["paper_id"])

    def show_rows(self, rows: list[dict]) -> None:
        self.rows = list(rows)
        self.table.clear()
        for r in self.rows:
            item = QTreeWidgetItem([f"{_confidence(r):.2f}", r["role"], r["shortcoming"], r["text"],
                                    r["title"] or f"paper {r['paper_id']}"])
            item.setForeground(1, QColor(theme.facet_colour(r["role"])))
            if r["shortcoming"] != "none":
                item.setForeground(2, theme.qcolor("shortcoming"))
            item.setToolTip(3, r["text"])
            self.table.addTopLevelItem(item)
        if self.rows:
            self.table.setCurrentItem(self.table.topLevelItem(0))
        else:
            self._selection_changed()
        self._say()

    def _say(self) -> None:
        n = len(self.rows)
        if not n:
            self.info.setText("No uncorrected labels here. Run “Build maps” (or `gapscope facets`) to classify papers.")
        else:
            more = f" (the {SHOWN} least certain)" if n >= SHOWN else ""
            self.info.setText(f"{n} sentences{more}. Keys 1–5 set the role of the selected one, 6–9 its shortcoming.")

    def _row(self, item) -> int:
        return self.table.indexOfTopLevelItem(item)

    def _selection_changed(self) -> None:
        has = self.table.currentItem() is not None and bool(self.rows)
        for b in self.buttons.values():
            set_enabled(b, has)             # through the write guard: an "off" while read-only is kept
        self._show_context(self.rows[self._row(self.table.currentItem())] if has else None)

    def _show_context(self, r: Optional[dict]) -> None:
        if r is None:
            self.context.clear()
            return
        from gapscope.facets import paper_sentences

        sents = paper_sentences(self.lib, r["paper_id"])
        at = next((k for k, s in enumerate(sents) if s["idx"] == r["idx"]), None)
        parts = [f'<p style="color:{theme.colour("secondary")};"><b>{html.escape(r["title"] or "")}</b></p><p>']
        faint = theme.colour("faint")
        for s in (sents[max(at - 1, 0):at + 2] if at is not None else []):
            text = html.escape(s["text"])
            if s["idx"] == r["idx"]:
                parts.append(f'<b>{text}</b> <span style="color:{theme.facet_colour(s["role"])};">'
                             f'[{s["role"]} {s["role_confidence"]:.2f}; {s["shortcoming"]} '
                             f'{s["shortcoming_confidence"]:.2f}]</span> ')
            else:
                parts.append(f'<span style="color:{faint};">{text} [{s["role"]}{"*" if s["role_corrected"] else ""}'
                             f'; {s["shortcoming"]}{"*" if s["shortcoming_corrected"] else ""}]</span> ')
        self.context.setHtml("".join(parts) + "</p>")

    def set_label(self, label: str) -> None:
        """Save ``label`` (a role or a shortcoming type) as the selected sentence's correction and move on."""
        item = self.table.currentItem()
        if item is None or not self.rows or self.lib is None:
            return
        if self.lib.read_only:          # a number key, whatever the (held off) buttons show
            self.info.setText("Not saved: this library is read-only.")
            return
        r = self.rows[self._row(item)]
        self.tasks.save("Correct facet label", _correct, r["paper_id"], r["start"], r["end"], label,
                        library=self.lib.path, on_result=lambda _r: self._corrected(r),
                        on_error=lambda m, _t: self.info.setText(m))

    def _corrected(self, r: dict) -> None:
        if self.strays:                  # a label set where a listed correction stood replaces it
            self.reload_strays()
        if r not in self.rows:           # the list was reloaded meanwhile
            self.corrected.emit(r["paper_id"])
            return
        i = self.rows.index(r)
        del self.rows[i]
        self.table.takeTopLevelItem(i)
        if self.rows:
            self.table.setCurrentItem(self.table.topLevelItem(min(i, len(self.rows) - 1)))
        self._selection_changed()
        self._say()
        self.corrected.emit(r["paper_id"])

    def keyPressEvent(self, event) -> None:   # Enter in the table must not close the dialog
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            return
        super().keyPressEvent(event)


def _correct(lib, paper_id, start, end, label, *, progress=None, cancel=None):
    """Writer-queue side. A LibraryError (the abstract changed since it was classified) reaches
    the dialog's status line and the row stays."""
    from gapscope.triage import correct_facet

    return correct_facet(lib, paper_id, start, end, label)


def _uncorrect(lib, paper_id, start, end, made_on, *, progress=None, cancel=None):
    """Writer-queue side: remove a correction that labels no sentence, only while it is the one listed (made
    on the words ``made_on``): the correction removed, whole (for Undo Remove); None when it is not."""
    from gapscope.triage import take_facet_correction

    return take_facet_correction(lib, paper_id, start, end, made_on)


def _restore(lib, correction, *, progress=None, cancel=None):
    """Writer-queue side of Undo Remove: False when a correction was set at its place since."""
    from gapscope.triage import restore_facet_correction

    return restore_facet_correction(lib, correction)
