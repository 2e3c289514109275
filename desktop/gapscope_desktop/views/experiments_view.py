"""Experiments: a spec editor (TOML), launch as a runner subprocess (`gapscope run SPEC`) whose JSON
lines drive live loss curves, cancel, the run history with a side-by-side comparison, and links back
to the gap a run tests. The runner starts through the core's ``experiments.process.RunProcess`` (the
same command line as ``gapscope run``; in a frozen build, the bundled ``gapscope`` CLI); its events
come back from its reader threads as queued signals, so the window never waits on it."""

from __future__ import annotations

import html
import json
import logging
import threading
import time
from pathlib import Path
from typing import Any, Optional

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QMessageBox, QPlainTextEdit,
                               QPushButton, QSplitter, QStyle, QTabWidget, QTextBrowser, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from gapscope.experiments.run_links import setup_text
from gapscope.textfmt import clip_words

from .. import hints, spec_drafts, theme
from ..widgets.column_fit import ColumnFit, contents_width
from ..drafts import DraftKeeper
from ..write_guard import set_enabled
from .core_view import CoreView
from .kept_spec_banner import KeptSpecBanner

log = logging.getLogger(__name__)
# the loss curves' colours, the same under either palette: each hue of matplotlib's first six set to the
# lightness that stands out 3.9:1 from a white plot and from a dark one (WCAG non-text contrast is 3:1;
# the old brown, #8c564b, was 2.6:1 on a dark plot, the orange 2.5:1 on a white one)
CURVE_COLORS = ["#2386ca", "#df4e4f", "#299429", "#ce6100", "#996ec0", "#ad7165"]


def read_runs(lib, *, progress=None, cancel=None) -> list[dict[str, Any]]:
    """The run history, newest first; a run still recorded as running whose process is gone reads as
    "interrupted" (its run folder says so), as `gapscope runs list` shows it. Each run has its "caveat": what
    its data say about its gap, as `gaps show` says it (run_links.with_caveats)."""
    from gapscope.experiments.run_links import with_caveats
    from gapscope.experiments.runner import runs_as_shown
    from gapscope.gaps import stored_gap_dict

    return with_caveats(runs_as_shown(lib), lambda gap_id: stored_gap_dict(lib, gap_id))


RESUMABLE = ("cancelled", "interrupted")   # a run kept with its checkpoint, which `run --resume` finishes


def resumable(run: Optional[dict]) -> bool:
    return bool(run) and run.get("status") in RESUMABLE


class _RunSignals(QObject):
    """The runner's reader threads -> the GUI thread (queued: emitted on another thread)."""

    event = Signal(dict)
    stderr = Signal(str)
    finished = Signal(object, int)        # the RunProcess, its exit code


def _short(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, (dict, list)):
        s = json.dumps(v)
        return s if len(s) < 60 else s[:57] + "…"
    return "" if v is None else str(v)


def _when(v: Any) -> str:
    """An ISO time as "2026-05-01 14:03" (seconds and zone are noise in a list)."""
    return str(v)[:16].replace("T", " ") if v else ""


def _metrics_text(metrics: Any) -> str:
    """{"accuracy": 0.91, "f1": 0.88} as "accuracy 0.91 · f1 0.88" (what the run scored, in words)."""
    if isinstance(metrics, str):
        try:
            metrics = json.loads(metrics or "{}")
        except ValueError:
            return metrics
    if not isinstance(metrics, dict) or not metrics:
        return ""
    return " · ".join(f"{k.replace('_', ' ')} {_short(v)}" for k, v in metrics.items()
                      if isinstance(v, (int, float)) or not isinstance(v, (dict, list)))


GAP_LABEL_CHARS = 140   # of the gap statement over the spec editor; the tooltip has all of it


_FIELD_LABELS = {"id": "Run", "name": "Name", "spec_path": "Spec file", "folder": "Folder", "status": "Status",
                 "gap_id": "Gap", "created_at": "Started", "finished_at": "Finished", "message": "Message",
                 "papers": "Papers"}


def _field_label(key: str) -> str:
    """A run field as a person reads it: "metrics.val_accuracy" -> "val accuracy"."""
    if key in _FIELD_LABELS:
        return _FIELD_LABELS[key]
    return key.split(".", 1)[-1].replace("_", " ")


# The History tab's columns: a header a person reads, and how a run's field is shown under it.
HISTORY_COLUMNS: list[tuple[str, Any]] = [
    ("Run", lambda r: str(r.get("id") or "")),
    ("Name", lambda r: str(r.get("name") or "")),
    ("Status", lambda r: str(r.get("status") or "").replace("_", " ").capitalize()),
    ("Gap", lambda r: f"#{r['gap_id']}" if r.get("gap_id") is not None else "—"),
    ("Started", lambda r: _when(r.get("created_at") or r.get("started_at"))),
    ("Finished", lambda r: _when(r.get("finished_at"))),
    ("Data, model", lambda r: setup_text(r.get("setup") or {})),    # what the result was measured on
    ("Result", lambda r: _metrics_text(r.get("metrics"))),
]


GAP_COLUMN = [label for label, _f in HISTORY_COLUMNS].index("Gap")


SPEC_KEY = "spec"                   # the editor's spec, among the keeper's drafts


class ExperimentsView(CoreView):
    openGap = Signal(int)
    runFinished = Signal(int, str)  # exit code, status
    draftOffered = Signal(str)      # a spec kept unsaved from an earlier session is offered: the banner's words
    draftNotKept = Signal(str)      # the unsaved spec cannot be written to its draft file: why

    def __init__(self, tasks, parent: Optional[QWidget] = None) -> None:
        super().__init__(tasks, parent)
        self.gap: Optional[dict] = None
        self.spec_file: Optional[Path] = None   # the file the editor's spec was opened from or saved to
        self.process = None               # gapscope.experiments.process.RunProcess while a run is going
        self._exit_waiter: Optional[threading.Thread] = None   # reports the runner's exit; joined at shutdown
        self._signals = _RunSignals(self)
        self._signals.event.connect(self._event)
        self._signals.stderr.connect(self._stderr_line)
        self._signals.finished.connect(self._finished)
        self.events: list[dict] = []
        self.epochs = 0
        self._where = None
        self.run_id: Optional[str] = None
        self.curves: dict[str, Any] = {}
        self.points: dict[str, tuple[list, list]] = {}
        self.plot = None
        self.status = ""
        self._spec_copy: Optional[Path] = None   # the spec file a Launch wrote for the runner
        self.runs: list[dict] = []               # the History's runs, as last read
        # the editor's unsaved spec, kept in the library's folder as it is typed (drafts.py, spec_drafts.py);
        # written through spec_drafts.write_draft, a failure logged here once
        self.kept = DraftKeeper(spec_drafts.PREFIX, "the unsaved experiment spec", self, log_to=log,
                                write=lambda path, data: spec_drafts.write_draft(path, **data))
        self.kept.failed.connect(self.draftNotKept)
        # the editor holds a spec drafted from a gap and neither saved nor launched: kept like an edited one
        # (an unsent e-mail's draft), and closing the window asks nothing about it while it is not edited
        self.drafted = False

        self.gap_label = QLabel()
        self.gap_label.setTextFormat(Qt.RichText)
        self.gap_label.setWordWrap(True)  # a long gap statement must not widen the window
        self.gap_label.linkActivated.connect(lambda _l: self.gap and self.openGap.emit(int(self.gap["id"])))
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("specEditor")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.editor.setPlaceholderText("An experiment spec (TOML). Draft one from a gap in the Gaps view, "
                                       "or open a spec file.")
        self.editor.textChanged.connect(lambda: self.kept.keep(SPEC_KEY, self._draft_data))
        # saved, launched or replaced: its draft goes (an edit afterwards starts a new one); a drafted spec
        # edited back to its drafted text stays kept
        self.editor.document().modificationChanged.connect(
            lambda edited: edited or self.drafted or self._drop_own_draft())
        self.draft_banner = KeptSpecBanner()      # the specs kept unsaved, with Restore and Discard
        self.draft_banner.restoreAsked.connect(lambda: self.restore_draft())
        self.draft_banner.discardAsked.connect(self.discard_draft)
        self.open_button = QPushButton("Open…")
        self.open_button.clicked.connect(self._open_spec)
        self.save_button = QPushButton("Save as…")
        self.save_button.clicked.connect(self._save_spec)
        self.launch_button = QPushButton("Launch")
        self.launch_button.setObjectName("launchRun")
        self.launch_button.setStyleSheet("QPushButton { font-weight: bold; }")
        self.launch_button.clicked.connect(self.launch)
        self.cancel_button = QPushButton("Cancel run")
        self.cancel_button.setObjectName("cancelRun")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.run_label = QLabel()
        self.run_label.setWordWrap(True)
        self.run_label.setMinimumWidth(1)
        theme.set_text_colour(self.run_label, "secondary")

        self.curve_holder = QWidget()
        self.curve_layout = QVBoxLayout(self.curve_holder)
        self.curve_layout.setContentsMargins(0, 0, 0, 0)
        # in the plot's place while it has nothing to draw (an empty plot read epochs 0.1 ... 0.9)
        self.curves_empty = QLabel(hints.NO_CURVES)
        self.curves_empty.setObjectName("noCurvesHint")
        self.curves_empty.setAlignment(Qt.AlignCenter)
        self.curves_empty.setWordWrap(True)
        theme.set_text_colour(self.curves_empty, "tertiary")
        self.curve_layout.addWidget(self.curves_empty)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        self.log.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))

        self.history = QTreeWidget()
        self.history.setObjectName("runHistory")
        self.history.setRootIsDecorated(False)
        self.history.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.history.setAlternatingRowColors(True)
        # a run on other data than its gap's draft proposed: this mark beside its gap, the caveat in the tooltip
        self._caveat_icon = self.style().standardIcon(QStyle.SP_MessageBoxWarning)
        self.history.itemSelectionChanged.connect(self._compare)
        self.history.itemSelectionChanged.connect(self._update_resume)
        self.history.itemDoubleClicked.connect(self._history_open_gap)
        self.history.setContextMenuPolicy(Qt.CustomContextMenu)
        self.history.customContextMenuRequested.connect(self._history_menu)
        # each column fitted to its runs with every refresh, but a width the user dragged kept (next session too)
        self.history_columns = ColumnFit(self.history, "runHistory", lambda: {
            i: contents_width(self.history, i) for i in range(self.history.columnCount())})
        self.resume_button = QPushButton("Resume")
        self.resume_button.setObjectName("resumeRun")
        self.resume_button.setToolTip("Continue the selected cancelled or interrupted run from its last checkpoint")
        self.resume_button.setEnabled(False)
        self.resume_button.clicked.connect(lambda: self.resume())
        self.compare = QTextBrowser()
        self.compare.setObjectName("runCompare")

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.draft_banner)
        ll.addWidget(self.gap_label)
        ll.addWidget(self.editor, 1)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.launch_button)
        ll.addLayout(row)

        live = QWidget()
        lv = QVBoxLayout(live)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.run_label)
        lv.addWidget(self.curve_holder, 3)
        lv.addWidget(self.log, 1)
        hist = QWidget()
        hl = QVBoxLayout(hist)
        hl.setContentsMargins(0, 0, 0, 0)
        hint_row = QHBoxLayout()
        history_hint = QLabel("Select a run to read its results, two or more to compare them; "
                              "double-click opens a run's gap.")
        history_hint.setWordWrap(True)        # wraps at a large font, never widens the window
        hint_row.addWidget(history_hint, 1)
        hint_row.addWidget(self.resume_button)
        hl.addLayout(hint_row)
        self.history_empty = QLabel(hints.NO_RUNS)    # what to do while there is no run to list
        self.history_empty.setObjectName("noRunsHint")
        self.history_empty.setWordWrap(True)
        theme.set_text_colour(self.history_empty, "tertiary")
        self.history_empty.hide()
        hl.addWidget(self.history_empty)
        hl.addWidget(self.history, 2)
        hl.addWidget(self.compare, 1)
        self.right = QTabWidget()
        self.right.setDocumentMode(True)
        self.right.addTab(live, "Live run")
        self.right.addTab(hist, "History")

        split = QSplitter(Qt.Horizontal)
        split.addWidget(left)
        split.addWidget(self.right)
        split.setSizes([440, 660])
        pl = QVBoxLayout(self)
        pl.setContentsMargins(8, 8, 8, 8)
        pl.addWidget(split)
        self._show_gap()

    # --- state -----------------------------------------------------------------------------------
    def activated(self) -> None:
        if self.lib is not None:
            self._ensure_plot()  # pyqtgraph loads when the view is first shown, not at start-up
        super().activated()

    def library_switched(self, lib) -> None:
        """The History, its comparison and Resume spoke of the previous library's runs, and the linked
        gap was one of its gaps; all go at once, not when the new History has been read (meanwhile a run
        listed could be selected and resumed in the wrong library). The spec typed stays, and so does its
        draft, which moves to the new library's folder (library_changed)."""
        if lib is not None:
            self._set_aside_spec()          # an unedited drafted spec stays in the library of its gap
        self.runs = []
        self.history.blockSignals(True)
        try:
            self.history.clear()
        finally:
            self.history.blockSignals(False)
        self.history.setHeaderLabels([label for label, _f in HISTORY_COLUMNS])
        self.history_empty.hide()
        self._compare()
        self._update_resume()
        self.gap = None
        self._show_gap()
        if not self.running:                     # a run still going is followed to its end, wherever it writes
            self.run_label.clear()
            self.log.clear()
            self.events, self.epochs, self.run_id, self.status = [], 0, None, ""
            if self.plot is not None:
                self._reset_curves()

    def library_changed(self, lib) -> None:
        self.kept.set_folder(spec_drafts.drafts_dir(lib.path) if lib is not None else None)
        self.keep_draft()
        self.offer_drafts()

    def reload(self) -> None:
        """The run history."""
        if self.lib is None:
            return
        self.pending = False
        self.run_listing("Load runs", read_runs, on_result=self._show_history)

    def _show_history(self, runs: list[dict]) -> None:
        self.runs = runs
        # the runs the user selected (to resume, to compare) stay selected where they are still listed: a
        # reload comes after any change to the library, another process's included
        chosen = {(it.data(0, Qt.UserRole) or {}).get("id") for it in self.history.selectedItems()}
        current = self.history.currentItem()
        current_id = (current.data(0, Qt.UserRole) or {}).get("id") if current is not None else None
        self.history.blockSignals(True)       # one selection change at the end, not one per row
        try:
            self._fill_history(runs, chosen, current_id)
        finally:
            self.history.blockSignals(False)
        if chosen:
            self._compare()                   # the selected runs as they are now (or gone)
        self._update_resume()

    def _fill_history(self, runs: list[dict], chosen: set, current_id) -> None:
        self.history.clear()
        if not runs:
            self.history.setHeaderLabels(["No runs yet"])
            self.history_empty.show()
            return
        self.history_empty.hide()
        labels = [label for label, _f in HISTORY_COLUMNS]
        self.history.setHeaderLabels(labels)
        self._history_cols = labels
        for r in runs:
            item = QTreeWidgetItem([fmt(r) for _l, fmt in HISTORY_COLUMNS])
            item.setData(0, Qt.UserRole, r)
            item.setToolTip(len(labels) - 1, _metrics_text(r.get("metrics")))
            if r.get("caveat"):      # the run's data are not its gap's: marked, as the Gaps view marks a stale gap
                item.setIcon(GAP_COLUMN, self._caveat_icon)
                item.setToolTip(GAP_COLUMN, r["caveat"])
            self.history.addTopLevelItem(item)
            if r.get("id") == current_id:
                self.history.setCurrentItem(item, 0, QItemSelectionModel.NoUpdate)
            item.setSelected(r.get("id") in chosen)
        self.history_columns.apply()

    def _compare(self) -> None:
        items = self.history.selectedItems()
        if len(items) == 1:
            self._show_run(items[0].data(0, Qt.UserRole) or {})
            return
        if len(items) < 2:
            self.compare.setHtml(f'<p style="color:{theme.colour("faint")};">Select a run to read its results, '
                                 'or two or more to compare them.</p>')
            return
        runs = [it.data(0, Qt.UserRole) for it in items]
        keys: list[str] = []
        flat = []
        for r in runs:
            d = {}
            for k, v in r.items():
                if isinstance(v, str) and v.startswith("{"):
                    try:
                        v = json.loads(v)
                    except ValueError:
                        pass
                if isinstance(v, dict):
                    for k2, v2 in v.items():
                        d[f"{k}.{k2}"] = v2
                elif k not in ("spec", "log"):
                    d[k] = v
            flat.append(d)
            keys += [k for k in d if k not in keys]
        rows = "".join(
            "<tr><td><b>" + html.escape(_field_label(k)) + "</b></td>" + "".join(
                f"<td>{html.escape(_short(d.get(k)))}</td>" for d in flat) + "</tr>" for k in keys)
        self.compare.setHtml('<table cellspacing="0" cellpadding="3" border="1"'
                             f' style="border-color:{theme.colour("line")};">{rows}</table>')

    def _show_run(self, run: dict) -> None:
        """One run selected: its results as the runner wrote them (the run's model card: data, model,
        scores per seed and fold), else what the library knows of it."""
        folder = Path(str(run["folder"])) if run.get("folder") else None
        card = folder / "MODEL_CARD.md" if folder is not None else None
        try:
            text = card.read_text(encoding="utf-8") if card is not None and card.is_file() else ""
        except (OSError, UnicodeDecodeError):
            text = ""
        if text:
            self.compare.setMarkdown(text)
            return
        why = (f"No results file in {folder}" if folder is not None else "This run has no folder") + \
            (f" ({run.get('message')})" if run.get("message") else "") + "."
        self.compare.setHtml(f"<p><b>{html.escape(str(run.get('name') or run.get('id')))}</b> — "
                             f"{html.escape(str(run.get('status') or '').replace('_', ' '))}</p>"
                             f"<p>{html.escape(_metrics_text(run.get('metrics')) or 'No scores.')}</p>"
                             f'<p style="color:{theme.colour("faint")};">{html.escape(why)}</p>')

    def selected_run(self) -> Optional[dict]:
        """The one run selected in the History (None for none or several)."""
        items = self.history.selectedItems()
        return items[0].data(0, Qt.UserRole) if len(items) == 1 else None

    def _update_resume(self) -> None:
        # through the write guard, as every writing control: an "off" while read-only is kept
        set_enabled(self.resume_button, not self.running and resumable(self.selected_run()))

    def _history_menu(self, pos) -> None:
        from PySide6.QtWidgets import QMenu

        from ..write_guard import hold_menu_writers

        item = self.history.itemAt(pos)
        if item is None:
            return
        if not item.isSelected():
            self.history.setCurrentItem(item)
        run = item.data(0, Qt.UserRole)
        menu = QMenu(self.history)
        act = menu.addAction("Resume Run")
        act.setEnabled(not self.running and resumable(run))
        act.triggered.connect(lambda: self.resume(run["id"]))
        hold_menu_writers(self.lib, [act])
        gap = menu.addAction("Open Gap")
        gap.setEnabled(run.get("gap_id") is not None)
        gap.triggered.connect(lambda: self._history_open_gap(item))
        menu.popup(self.history.viewport().mapToGlobal(pos))
        self._menu = menu                  # kept for tests; shown without blocking

    def _history_open_gap(self, item) -> None:
        r = item.data(0, Qt.UserRole)
        if r and r.get("gap_id") is not None:
            self.openGap.emit(int(r["gap_id"]))

    # --- spec ------------------------------------------------------------------------------------
    def draft_from_gap(self, gap: dict) -> bool:
        """Put a spec drafted from ``gap`` in the editor; False when the user kept an edited spec instead."""
        if not self.confirm_replace_spec(f"Draft a spec for gap #{gap.get('id')}"):
            return False
        from gapscope.experiments import draft_spec_from_gap

        try:
            text = draft_spec_from_gap(gap, lib=self.lib)
        except Exception as exc:  # noqa: BLE001 - show why the draft failed, keep the editor usable
            self.run_label.setText(f"Could not draft a spec for this gap: {exc}")
            return True
        self._set_aside_spec()
        self.gap = gap
        self.spec_file = None
        self._show_gap()
        self._set_spec(text)
        self.drafted = True
        if self.lib is not None:             # this gap drafted again: one kept draft of it, not two
            spec_drafts.remove_same_drafts(self.lib.path, text, gap, self.kept.paths())
        self.keep_draft()
        self.offer_drafts(announce=False)    # a spec drafted before it and set aside is listed
        return True

    # the editor's spec, edited by hand and not saved anywhere, is the user's work: it is never replaced
    # (a new draft, Open…) or closed with the window without asking
    def _set_spec(self, text: str) -> None:
        self.editor.setPlainText(text)
        self.editor.document().setModified(False)

    def spec_edited(self) -> bool:
        """The spec in the editor was changed since it was drafted, opened, saved or launched."""
        return self.editor.document().isModified() and bool(self.editor.toPlainText().strip())

    def confirm_replace_spec(self, action: str) -> bool:
        """When the editor holds unsaved edits, ask Save / Discard / Cancel before ``action`` replaces or
        closes them; True when it may go on (saved, discarded, or nothing to lose)."""
        if not self.spec_edited():
            return True
        answer = QMessageBox.question(
            self, "Unsaved experiment spec",
            f"The experiment spec in the editor has changes that are not saved.\n\n{action} anyway?",
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Cancel)
        if answer == QMessageBox.Save:
            return self._save_spec()
        return answer == QMessageBox.Discard

    def _show_gap(self) -> None:
        from gapscope.experiments.spec import linked_gap_id

        # a gap with no id (its spec holds the placeholder gap_id = 0) links the run to no gap
        if self.gap and linked_gap_id(self.gap.get("id")) is not None:
            statement = " ".join(str(self.gap.get("statement") or "").split())
            self.gap_label.setText(f'Testing <a href="gap">gap #{self.gap.get("id")}</a>'
                                   + (f': {html.escape(clip_words(statement, GAP_LABEL_CHARS))}' if statement else ""))
            # the whole statement on hover (rich text, so that a long one wraps)
            self.gap_label.setToolTip(f"<p>{html.escape(statement)}</p>" if statement else "")
        else:
            self.gap_label.setText(f'<span style="color:{theme.colour("faint")};">No gap linked — draft a spec from '
                                   'the Gaps view.</span>')
            self.gap_label.setToolTip("")

    def _spec_dir(self) -> Path:
        """The library's own spec folder (inside NAME.gapscope/), not one shared by every library beside it."""
        from gapscope.experiments.store import specs_dir

        d = specs_dir(self.lib.path) if self.lib else Path.home() / "experiments"
        d.mkdir(parents=True, exist_ok=True)
        return d

    def _dialog_dir(self) -> str:
        """Where the Open / Save dialogs start: the spec folder, or the home folder when it cannot be made."""
        try:
            return str(self._spec_dir())
        except OSError:  # a read-only library folder
            return str(Path.home())

    def _open_spec(self) -> None:
        from ..file_dialogs import open_file_name

        if not self.confirm_replace_spec("Open another spec"):
            return
        path = open_file_name(self, "Open spec", self._dialog_dir(), "TOML (*.toml);;All (*)")
        if not path:
            return
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._refuse(f"Cannot open {path}: {exc}")
            return
        self._set_aside_spec()
        self._set_spec(text)
        self.spec_file = Path(path)
        # the gap shown is the opened spec's own ([source] gap_id, what its run records), never the one a
        # spec drafted before it tested
        self.gap = self._gap_of_spec(text)
        self._show_gap()

    def _gap_of_spec(self, text: str) -> Optional[dict]:
        """The gap a spec's text names: the library's gap when it holds it, else only its id (a link to it
        says where it went: the Gaps view's select_gap); None when the spec names none."""
        from gapscope.experiments.spec import spec_gap_id

        gap_id = spec_gap_id(text)
        if gap_id is None:
            return None
        if self.lib is not None:
            from gapscope.gaps.store import get_gap
            from gapscope.store import LibraryError

            try:
                return get_gap(self.lib, gap_id).to_dict()
            except LibraryError:         # not in this library (MissingStep is one too): the id alone
                pass
        return {"id": gap_id, "statement": ""}

    def _save_spec(self) -> bool:
        """Save as…: True when the spec was written."""
        from ..file_dialogs import save_file_name

        path = save_file_name(self, "Save spec", str(Path(self._dialog_dir()) / "spec.toml"), "TOML (*.toml)")
        if not path:
            return False
        try:
            from gapscope.outfiles import write_atomic

            write_atomic(path, self.editor.toPlainText())   # a failed save keeps the file replaced whole
        except OSError as exc:
            QMessageBox.warning(self, "Save spec", f"Cannot write {path}: {exc}")
            return False
        self.spec_file = Path(path)
        self.drafted = False
        self.editor.document().setModified(False)
        self._drop_own_draft()               # saved: a drafted spec never edited has no modification to end
        return True

    def writers(self) -> list:
        return [self.launch_button, self.resume_button]        # a run records itself in the library

    # --- the unsaved spec, kept on disk (spec_drafts.py) ----------------------------------------------
    def _draft_data(self) -> Optional[dict]:
        """What the spec's draft file holds while the editor has unsaved edits or a drafted spec; None (no
        draft) once it has neither (saved, launched, discarded, emptied)."""
        text, edited = self.editor.toPlainText(), self.spec_edited()
        if not edited and not (self.drafted and text.strip()):
            return None
        return spec_drafts.draft_data(text, self.gap, self.spec_file, edited=edited)

    def keep_draft(self) -> None:
        """Write the editor's spec to its draft file now (or remove the file when nothing is unsaved)."""
        self.kept.keep(SPEC_KEY, self._draft_data)
        self.kept.flush()

    def _drop_own_draft(self) -> None:
        self.kept.drop(SPEC_KEY)

    def _set_aside_spec(self) -> None:
        """The editor's spec is replaced (a new draft, Open…, a kept spec restored, another library), unsaved
        edits already saved or discarded by the user's answer: a drafted spec never edited stays kept, listed
        with the others; the draft of anything else goes."""
        if self.drafted and not self.spec_edited():
            self.kept.release(SPEC_KEY)
        else:
            self._drop_own_draft()
        self.drafted = False

    def close_drafts(self, keep: bool) -> None:
        """The window closes. ``keep``: nobody was asked about the spec (SIGTERM), whose unsaved edits are
        kept to be offered next time; otherwise the user chose to save or to discard them. A drafted spec
        not edited is kept either way: nobody asked for it to go."""
        if keep or (self.drafted and not self.spec_edited()):
            self.keep_draft()
        else:
            self._drop_own_draft()

    def offer_drafts(self, announce: bool = True) -> None:
        """List the specs kept unsaved (by an earlier session, or drafted here and set aside; not this
        editor's own, nor one another window open on the library is editing) in the banner, newest first,
        the one chosen in its list shown; ``announce``: say so in the status bar too."""
        own = self.kept.paths()
        kept = [d for d in spec_drafts.list_drafts(self.lib.path)
                if d.path not in own and not d.open_elsewhere] if self.lib else []
        if self.draft_banner.list_specs(kept) and announce:
            self.draftOffered.emit(self.draft_label.text())

    # the banner's parts and choice, by the names the view has always given them
    @property
    def offered(self) -> Optional[spec_drafts.SpecDraft]:
        return self.draft_banner.offered

    @property
    def kept_specs(self) -> list[spec_drafts.SpecDraft]:
        return self.draft_banner.specs

    @property
    def draft_label(self) -> QLabel:
        return self.draft_banner.label

    @property
    def draft_choice(self) -> QComboBox:
        return self.draft_banner.choice

    @property
    def restore_button(self) -> QPushButton:
        return self.draft_banner.restore_button

    @property
    def discard_draft_button(self) -> QPushButton:
        return self.draft_banner.discard_button

    def restore_draft(self) -> bool:
        """Put the offered spec in the editor, unsaved as it was (its draft file now follows the editor)."""
        d = self.offered
        if d is None or d.problem or not self.confirm_replace_spec("Restore the kept spec"):
            return False
        self._set_aside_spec()                 # what the editor held was saved or discarded just now
        self.gap = d.gap
        self.spec_file = Path(d.spec_file) if d.spec_file else None
        self._show_gap()
        self.drafted = not d.edited            # a drafted spec comes back as it was: unedited, still kept
        self.editor.setPlainText(d.text)
        self.editor.document().setModified(d.edited)
        self.kept.adopt(SPEC_KEY, d.path)
        self.keep_draft()                      # now this window's: another one opened meanwhile leaves it
        self.offer_drafts()
        return True

    def discard_draft(self) -> None:
        if self.offered is not None:
            try:
                spec_drafts.remove_draft(self.offered.path)
            except OSError as exc:
                QMessageBox.warning(self, "Discard the kept spec", f"Cannot remove {self.offered.path}: {exc}")
                return
        self.offer_drafts()

    # --- running ---------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        # until _finished has handled the exit (it clears ``process``), not merely until the process
        # ended: between the two the status still says "cancelling" and the History is not reloaded
        return self.process is not None

    def launch(self) -> bool:
        if self.running or self.lib is None:
            return False
        if self.tasks.stopping:           # the window is closing: nothing new may start
            return self._refuse("Not started: the window is closing.")
        text = self.editor.toPlainText()
        if not text.strip():
            self.run_label.setText("Write or draft a spec first.")
            return False
        from gapscope.experiments.process import RunProcess
        from gapscope.experiments.spec import spec_from_text, unfilled_data

        try:
            spec_path = self._spec_dir() / f"spec-{time.strftime('%Y%m%d-%H%M%S')}.toml"
        except OSError as exc:  # a library folder that cannot be written
            return self._refuse(f"Not started: cannot make the folder for the spec: {exc}")
        # checked before anything is written or started: a bad spec or the drafted placeholder data set
        # is refused at once, with what to fill in, instead of a runner that fails seconds later
        try:
            spec = spec_from_text(text, path=spec_path)
        except Exception as exc:  # noqa: BLE001 - a bad spec: say what is wrong, launch nothing
            return self._refuse(f"The spec is not valid: {exc}")
        why = unfilled_data(spec)   # the same check and words as `gapscope run`
        if why:
            return self._refuse(why)
        try:
            spec_path.write_text(text, encoding="utf-8")
        except OSError as exc:
            return self._refuse(f"Not started: cannot write the spec to {spec_path}: {exc}")
        self.drafted = False
        self.editor.document().setModified(False)       # kept: the launched copy in the library's spec folder
        self._drop_own_draft()
        sig = self._signals
        p = RunProcess(spec_path, library=str(self.lib.path), overrides=self._data_paths_beside_file(spec),
                       on_event=sig.event.emit, on_stderr=sig.stderr.emit, env={"PYTHONUNBUFFERED": "1"})
        self._spec_copy = spec_path
        return self._start(p, f"Running {spec_path.name}…")

    def resume(self, run_id: Optional[str] = None) -> bool:
        """Continue a cancelled or interrupted run (the one selected in the History unless ``run_id``) in its
        own folder, from its last checkpoint, as `gapscope run --resume` does: the same run id, live curves,
        and Cancel."""
        if self.running or self.lib is None:
            return False
        if self.tasks.stopping:
            return self._refuse("Not resumed: the window is closing.")
        listed = {r.get("id"): r for r in self.runs}
        run = self.selected_run() if run_id is None else listed.get(run_id, {"id": run_id})
        if run is None:
            return self._refuse("Select a cancelled or interrupted run to resume.")
        if run.get("status") and not resumable(run):   # one not listed: the runner says why, if it cannot
            return self._refuse(f"Run {run['id']} is {run['status']}: only a cancelled or interrupted run "
                                "can be resumed.")
        from gapscope.experiments.process import RunProcess

        sig = self._signals
        p = RunProcess(resume=str(run["id"]), library=str(self.lib.path), on_event=sig.event.emit,
                       on_stderr=sig.stderr.emit, env={"PYTHONUNBUFFERED": "1"})
        self._spec_copy = None
        return self._start(p, f"Resuming run {run['id']}…")

    def _start(self, p, label: str) -> bool:
        """Start the runner process ``p`` and follow it: events, the loss curves, Cancel, its exit."""
        self._reset_curves()
        self.log.clear()
        self.events = []
        self.epochs = 0
        self.run_id = None
        self._where = None
        self.status = "running"
        sig = self._signals
        try:
            p.start()
        except OSError as exc:
            self.status = "failed"
            self.run_label.setText(f"The runner could not start: {exc}")
            return False
        self.process = p
        # the exit, seen by a thread of its own (RunProcess.wait joins the reader threads first, so
        # every event has been emitted before `finished`)
        self._exit_waiter = threading.Thread(target=lambda: sig.finished.emit(p, p.wait()), name="run-wait",
                                             daemon=True)
        self._exit_waiter.start()
        set_enabled(self.launch_button, False)
        set_enabled(self.resume_button, False)
        self.cancel_button.setEnabled(True)
        self.right.setCurrentIndex(0)
        self.run_label.setText(label)
        return True

    def _data_paths_beside_file(self, spec) -> tuple[str, ...]:
        """`--set` values that keep a relative data.path / data.library pointing beside the spec file it was
        opened from or saved to: the launched copy lives in the library's experiments/ folder, and `gapscope
        run` reads relative paths from the spec's folder."""
        from gapscope.experiments.spec import FILL_IN

        if self.spec_file is None:
            return ()
        out = []
        for key in ("path", "library"):
            v = spec["data"].get(key)
            if isinstance(v, str) and v and not v.startswith(FILL_IN) and not Path(v).expanduser().is_absolute():
                out.append(f"data.{key}={json.dumps(str(self.spec_file.parent / v))}")
        return tuple(out)

    def _refuse(self, message: str) -> bool:
        """Say on the Live run tab why nothing was started."""
        self.right.setCurrentIndex(0)
        self.run_label.setText(message)
        return False

    def cancel(self) -> None:
        if not self.running:
            return
        self.status = "cancelling"
        self.run_label.setText("Cancelling…")
        p = self.process
        p.cancel()
        QTimer.singleShot(5000, lambda: self._kill_if_alive(p))

    def _kill_if_alive(self, process) -> None:
        # only the process that was cancelled: a run launched or resumed since is not this one
        if self.process is process:
            process.kill()

    def _stderr_line(self, text: str) -> None:
        if text.strip():
            self.log.appendPlainText(text.rstrip())

    def _event(self, e: dict) -> None:
        """One runner event: ``start``, ``epoch`` (train_loss, val_loss, val_<metric> per seed and fold),
        ``fold_end``, ``checkpoint``, ``warning``, ``error``, ``cancelled``, ``done``."""
        self.events.append(e)
        kind = e.get("event")
        if kind == "start":
            self.run_id = e.get("run_id")
            self.run_label.setText(f"Run {e.get('run_id', '')} started on {e.get('device', '?')}: {e.get('name', '')}")
        elif kind == "epoch":
            self.epochs += 1
            where_key = (e.get("seed"), e.get("fold"))
            if self._where is not None and where_key != self._where:
                for name in self.curves:  # a new fold or seed starts a new segment, not a jump
                    self._add_point(name, float(self.epochs) - 0.5, float("nan"))
            self._where = where_key
            losses = {k: v for k, v in e.items() if "loss" in k and isinstance(v, (int, float))}
            for k, v in losses.items():
                self._add_point(k, float(self.epochs), float(v))
            where = " ".join(f"{k} {e[k]}" for k in ("seed", "fold") if e.get(k) is not None)
            metrics = ", ".join(f"{k} {v:.4g}" for k, v in e.items()
                                if isinstance(v, float) and (k.startswith("val_") or k == "train_loss"))
            self.run_label.setText(f"epoch {e.get('epoch')} ({where}): {metrics}")
        elif kind in ("warning", "error"):
            self.log.appendPlainText(f"{kind}: {e.get('message', '')}")
        elif kind == "done":
            m = e.get("metrics") or {}
            self.log.appendPlainText("done: " + ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                                                           for k, v in m.items()))
        if kind == "fold_end":
            m = e.get("metrics") or {}
            self.log.appendPlainText(f"seed {e.get('seed')} fold {e.get('fold')}: " + ", ".join(
                f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in m.items())
                + f" (best epoch {e.get('best_epoch')})")
        elif kind == "start":
            self.log.appendPlainText(f"run {e.get('run_id')} in {e.get('folder')} on {e.get('device')}")
            if e.get("resumed"):   # where it continues (the core's words, as `gapscope run --resume` prints)
                from gapscope.experiments.resume_point import resume_line

                self.log.appendPlainText(resume_line(e))
                self.run_label.setText(f"Run {e.get('run_id', '')} on {e.get('device', '?')}: {resume_line(e)}")
        elif kind == "cancelled":
            self.log.appendPlainText(f"cancelled after {e.get('folds_done')} folds; checkpoint kept in {e.get('folder')}")

    def _ensure_plot(self) -> None:
        if self.plot is not None:
            return
        import pyqtgraph as pg

        from .epoch_axis import EpochAxis

        pg.setConfigOptions(antialias=True, background=theme.colour("plot_background"),
                            foreground=theme.colour("plot_foreground"))
        self.plot = pg.PlotWidget(axisItems={"bottom": EpochAxis("bottom")})
        self.plot.setObjectName("lossPlot")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("bottom", "epoch (all seeds and folds in order)")
        self.plot.setLabel("left", "loss")
        for side in ("left", "bottom"):     # a loss of 0.45 reads 0.45, not 450 under "loss (x0.001)"
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.plot.addLegend(offset=(-10, 10))
        self.curve_layout.addWidget(self.plot)
        self._show_plot(False)

    def _show_plot(self, drawn: bool) -> None:
        """The plot once it has a point to draw; until then, what will be drawn there."""
        self.plot.setVisible(drawn)
        self.curves_empty.setVisible(not drawn)

    def _reset_curves(self) -> None:
        self._ensure_plot()
        self.plot.clear()
        self.curves = {}
        self.points = {}
        self._show_plot(False)

    def _add_point(self, name: str, x: float, y: float) -> None:
        import pyqtgraph as pg

        self._ensure_plot()
        if name not in self.curves:
            color = CURVE_COLORS[len(self.curves) % len(CURVE_COLORS)]
            self.curves[name] = self.plot.plot([], [], name=name, pen=pg.mkPen(color, width=2), connect="finite")
            self.points[name] = ([], [])
        xs, ys = self.points[name]
        xs.append(x)
        ys.append(y)
        self.curves[name].setData(xs, ys)
        self._show_plot(True)

    def _finished(self, process, code: int) -> None:
        if self.process is None or process is not self.process:
            return
        last = self.events[-1] if self.events else {}
        if last.get("event") == "cancelled" or code == 130:
            self.status = "cancelled"
            resume = last.get("resume") or f"gapscope run --resume {self.run_id or 'RUN_ID'}"
            text = (f"Run cancelled; a checkpoint was kept. Resume it from the History tab (Resume), or with: "
                    f"{resume}")
        elif code not in (0, 130) and last.get("event") == "error" and last.get("refused"):
            # refused before anything started (data that cannot be read, a run that cannot be resumed):
            # no run was recorded or changed, and the spec copy made for it is not kept
            self.status = "refused"
            text = str(last.get("message") or f"Not started (exit code {code}).")
            if self._spec_copy is not None:
                self._spec_copy.unlink(missing_ok=True)
        elif self.status == "cancelling":
            self.status = "cancelled"
            text = "Run cancelled."
        elif code == 0:
            self.status = "done"
            text = "Run finished."
        else:
            self.status = "failed"
            text = f"Run failed (exit code {code})" + (f": {last.get('error') or last.get('message')}"
                                                       if last.get("error") or last.get("message") else ".")
        self.run_label.setText(text)
        set_enabled(self.launch_button, True)
        self.cancel_button.setEnabled(False)
        self.process = None
        self._spec_copy = None
        self._update_resume()
        self.runFinished.emit(code, self.status)
        self.reload()

    def shutdown(self) -> None:
        if self.running:
            self.process.kill()
            self.process.wait(3)
        # the exit waiter emits into this view: left running it could do so once the view is deleted, or
        # from inside Qt while the interpreter exits. Its process is dead, so it ends at once; RunProcess.wait
        # joins the reader threads for up to 10 s each.
        if self._exit_waiter is not None:
            self._exit_waiter.join(25)
            self._exit_waiter = None
