"""Help > Check Library Integrity…: the core's integrity check (``gapscope check``) on a reader worker, with
progress and Cancel in the status bar, then its findings in a dialog, by kind, with what to do (or "No
problems found"). Read only, so it runs on a read-only library too; repairs are left to
``gapscope check --repair``, which the dialog names when it would help."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QPlainTextEdit, QVBoxLayout, QWidget

from gapscope.textfmt import plural


def _check(lib, *, progress=None, cancel=None):
    from gapscope.integrity import check_library

    return check_library(lib, progress=progress, cancel=cancel)


def findings_text(report) -> str:
    """The findings in words, by kind, then what to do."""
    from gapscope.integrity import KIND_TITLES, KINDS

    lines = report.lines()
    parts = []
    for kind in KINDS:
        if lines[kind]:
            parts.append(f"{KIND_TITLES[kind][0].upper()}{KIND_TITLES[kind][1:]} ({report.count_of(kind):,}):")
            parts += [f"  {line}" for line in lines[kind]]
            parts.append("")
    advice = report.advice()
    if advice:
        parts.append("What to do:")
        parts += [f"  • {line}" for line in advice]
    return "\n".join(parts).rstrip()


class IntegrityFindingsDialog(QDialog):
    """The findings of one check, as selectable text (to copy into a report)."""

    def __init__(self, report, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("integrityFindings")
        self.setWindowTitle("Library integrity")
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        self.summary = QLabel(f"{report.library}: {plural(report.count(), 'problem')} found.")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.text = QPlainTextEdit(findings_text(report))
        self.text.setReadOnly(True)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def start_check(parent: QWidget, tasks, library: Path,
                show: Optional[Callable[[QDialog], None]] = None):
    """Start the check on a reader worker; its findings are shown when it ends (``show`` opens the
    dialog, ``exec`` by default). Returns the task."""

    def done(report) -> None:
        if task.token.cancelled:
            # cancelled past its last point of stopping (another library opened, the window closing):
            # its findings are of a library no longer shown
            return
        if report.clean:
            QMessageBox.information(parent, "Library integrity", f"No problems found in {report.library}.")
            return
        dlg = IntegrityFindingsDialog(report, parent)
        (show or (lambda d: d.exec()))(dlg)

    def failed(message: str, _tb: str) -> None:
        QMessageBox.warning(parent, "Library integrity", f"The check could not finish ({message}).")

    task = tasks.run("Check library integrity", _check, library=library, on_result=done, on_error=failed)
    return task
