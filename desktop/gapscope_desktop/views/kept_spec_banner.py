"""The banner over the Experiments view's spec editor that lists the experiment specs kept unsaved
(spec_drafts.py: edited and not saved when GapScope closed, or drafted from a gap and set aside), newest first:
which gap, drafted or edited, when, and for one that cannot be read, why. A list to choose from appears when
there are several; Restore and Discard act on the one chosen, through the view (which owns the editor and
knows which drafts are its own)."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from .. import spec_drafts, theme


def kept_spec_title(d: spec_drafts.SpecDraft) -> str:
    """A kept spec in the banner's list: its gap, drafted or edited, when."""
    if d.problem:
        return f"cannot be read: {d.path.name}"
    gap = f"gap #{d.gap.get('id')}" if d.gap and d.gap.get("id") is not None else "no gap"
    return f"{gap} · {'edited' if d.edited else 'drafted'} {d.kept_at or ''}".rstrip()


def kept_spec_text(d: spec_drafts.SpecDraft, more: int) -> str:
    """The banner's sentence about the kept spec chosen; ``more``: how many others are kept."""
    others = f" ({more} more kept)" if more else ""
    if d.problem:
        return f"An unsaved experiment spec was kept, but {d.problem}.{others}"
    when = f"on {d.kept_at}" if d.kept_at else "earlier"
    gap = f" for gap #{d.gap.get('id')}" if d.gap and d.gap.get("id") is not None else ""
    if not d.edited:
        return f"An experiment spec drafted{gap} {when} is kept, not saved.{others}"
    return f"An experiment spec{gap} edited {when} was not saved when GapScope closed.{others}"


class KeptSpecBanner(QFrame):
    restoreAsked = Signal()     # Restore: the view puts ``offered`` in its editor
    discardAsked = Signal()     # Discard: the view removes ``offered``'s file and lists the rest

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.offered: Optional[spec_drafts.SpecDraft] = None   # the kept spec Restore and Discard act on
        self.specs: list[spec_drafts.SpecDraft] = []           # every kept spec listed, newest first
        self.setObjectName("specDraftBanner")
        self.setStyleSheet(theme.banner_sheet("specDraftBanner"))
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(1)
        self.choice = QComboBox()          # which kept spec, when there are several (one per gap drafted)
        self.choice.setObjectName("keptSpecChoice")
        self.choice.setToolTip("The experiment specs kept unsaved, newest first: Restore or Discard the one shown")
        self.choice.currentIndexChanged.connect(self._show_offered)
        self.choice.hide()
        self.restore_button = QPushButton("Restore")
        self.restore_button.setObjectName("restoreSpecDraft")
        self.restore_button.clicked.connect(self.restoreAsked)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setObjectName("discardSpecDraft")
        self.discard_button.clicked.connect(self.discardAsked)
        bl = QHBoxLayout(self)
        bl.setContentsMargins(8, 4, 8, 4)
        bl.addWidget(self.label, 1)
        bl.addWidget(self.choice)
        bl.addWidget(self.restore_button)
        bl.addWidget(self.discard_button)
        self.hide()

    def list_specs(self, specs: list[spec_drafts.SpecDraft]) -> bool:
        """List ``specs`` (newest first), the one chosen before still chosen where it is still kept, else the
        newest; shown while there is one. Returns whether the banner is shown."""
        was = self.offered.path if self.offered is not None else None
        self.specs = specs
        self.choice.blockSignals(True)
        try:
            self.choice.clear()
            self.choice.addItems([kept_spec_title(d) for d in specs])
            at = next((i for i, d in enumerate(specs) if d.path == was), 0)
            self.choice.setCurrentIndex(at if specs else -1)
        finally:
            self.choice.blockSignals(False)
        self.choice.setVisible(len(specs) > 1)
        if not specs:
            self.offered = None
            self.hide()
            return False
        self._show_offered(at)
        self.show()
        return True

    def _show_offered(self, index: int) -> None:
        """The kept spec chosen in the list is the one Restore and Discard act on."""
        if not 0 <= index < len(self.specs):
            return
        d = self.offered = self.specs[index]
        self.label.setText(kept_spec_text(d, len(self.specs) - 1))
        self.restore_button.setEnabled(not d.problem)
