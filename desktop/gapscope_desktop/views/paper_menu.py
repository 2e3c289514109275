"""The paper table's context menu: decide or re-decide (or resolve a reviewers' conflict), seed as
relevant, tag, add to a collection (or remove from the listed one), screen the list in Triage, open,
copy a citation, the decision history, and delete. Every change goes through the same core functions as
the CLI, on the window's writer queue."""

from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QWidget

from gapscope.textfmt import plural

from ..write_guard import hold_menu_writers

DECISION_LABELS = (("include", "Include"), ("exclude", "Exclude"), ("maybe", "Maybe"), ("postpone", "Postpone"))


def paper_url(p) -> Optional[str]:
    if p.arxiv_id:
        return f"https://arxiv.org/abs/{p.arxiv_id_versioned or p.arxiv_id}"
    if p.doi:
        return f"https://doi.org/{p.doi}"
    return p.url or None


def citation(p) -> str:
    """A plain-text citation: Authors (year). Title. Venue. doi / arXiv."""
    authors = p.authors
    who = ", ".join(authors[:3]) + (" et al." if len(authors) > 3 else "") if authors else "Anonymous"
    parts = [f"{who} ({p.year or 'n.d.'}). {' '.join(p.title.split())}."]
    if p.venue:
        parts.append(f"{p.venue}.")
    if p.doi:
        parts.append(f"https://doi.org/{p.doi}")
    elif p.arxiv_id:
        parts.append(f"arXiv:{p.arxiv_id_versioned or p.arxiv_id}")
    return " ".join(parts)


class PaperMenu:
    """Builds the menu for ``ids`` in ``collection``'s screening (None: the whole library).
    ``changed()`` runs after an edit; ``screen(kwargs)`` asks the Triage view to screen ``screen_scope``
    (its ``listed``: the ids the list shows and what it holds; none: no list to screen)."""

    def __init__(self, parent: QWidget, lib, ids: list[int], *, collection: Optional[str], screen_scope: dict,
                 changed: Callable[[], None], screen: Callable[[dict], None], tasks,
                 deleted: Optional[Callable[[], None]] = None, left: Optional[Callable[[], None]] = None) -> None:
        self.parent, self.lib, self.ids, self.collection, self.tasks = parent, lib, list(ids), collection, tasks
        self.screen_scope, self.changed, self.screen = screen_scope, changed, screen
        self.deleted = deleted or changed
        self.left = left or changed          # papers left the listed collection: the list changes

    def build(self) -> QMenu:
        from gapscope.triage import conflicts, current_decisions, list_reasons, reviewers

        m = QMenu(self.parent)
        ids = self.ids
        current = current_decisions(self.lib, self.collection)
        in_conflict = {c["paper_id"] for c in conflicts(self.lib, self.collection)}
        where = f" in “{self.collection}”" if self.collection else ""
        if ids and all(i in in_conflict for i in ids):
            sub = m.addMenu(f"Resolve conflict{where}")
            origin = "resolution"
        elif any(reviewers(self.lib, self.collection)):
            # Named reviewers screen this scope: a decision made here, by no one of them, settles the
            # paper for all (a resolution) rather than adding a third reviewer's vote.
            sub = m.addMenu(f"Decide for all reviewers{where}")
            origin = "resolution"
        else:
            sub = m.addMenu(("Re-decide" if any(i in current for i in ids) else "Decide") + where)
            origin = "user"
        for decision, label in DECISION_LABELS:
            if origin == "resolution" and decision == "postpone":
                continue
            sub.addAction(label, lambda d=decision: self.decide(d, origin=origin))
        reasons = sub.addMenu("Exclude with reason")
        for r in list_reasons(self.lib):
            reasons.addAction(r, lambda r=r: self.decide("exclude", reason=r, origin=origin))
        seed = m.addAction("Seed as relevant" + where, self.seed)
        if any(reviewers(self.lib, self.collection)):
            # a seed is one reviewer's include here: made by no one of them it would be a third vote
            seed.setEnabled(False)
            seed.setToolTip("Named reviewers screen this scope: each seeds their own known relevant papers "
                            "(`gapscope triage seed PAPER --reviewer NAME`); “Decide for all reviewers” includes "
                            "a paper for everyone.")
            m.setToolTipsVisible(True)
        m.addSeparator()
        tag = m.addAction("Tag…", self.tag)
        coll = m.addMenu("Add to collection")
        for name, _n in self.lib.list_collections():
            coll.addAction(name, lambda n=name: self.add_to_collection(n))
        coll.addSeparator()
        coll.addAction("New collection…", self.new_collection)
        writers = [sub.menuAction(), seed, tag, coll.menuAction()]
        if self.collection:          # the list is a collection's: a paper put there by mistake can leave it
            writers.append(m.addAction(f"Remove from “{self.collection}”", self.remove_from_collection))
        if self.screen_scope.get("listed"):
            m.addAction(screen_label(self.screen_scope["listed"]), lambda: self.screen(dict(self.screen_scope)))
        m.addSeparator()
        single = len(ids) == 1
        m.addAction("Open", self.open_paper).setEnabled(single)
        m.addAction("Copy citation" + ("s" if len(ids) > 1 else ""), self.copy_citation)
        m.addAction("Decision history…", self.history).setEnabled(single)
        m.addSeparator()
        delete = m.addAction(f"Delete {plural(len(ids), 'paper')}…", self.delete)
        hold_menu_writers(self.lib, writers + [delete])
        return m

    # --- actions ---------------------------------------------------------------------------------
    def _save(self, what: str, fn, *args) -> None:
        self.tasks.save(what, fn, *args, library=self.lib.path, on_result=lambda _r: self.changed(),
                        on_error=lambda message, _tb: QMessageBox.warning(self.parent, what, message))

    def decide(self, decision: str, reason: Optional[str] = None, origin: str = "user",
               confirm: Optional[Callable[[str], bool]] = None) -> None:
        """Decide every selected paper. Replacing the decisions of several papers at once (a Select All
        then a slip) is asked about first: the old ones stay in each paper's history, but there is no
        one-step undo for them all."""
        from gapscope.triage import current_decisions

        current = current_decisions(self.lib, self.collection)
        replaced = [current[i] for i in self.ids
                    if i in current and (current[i]["decision"], current[i]["reason"]) != (decision, reason)]
        if len(replaced) > 1:
            text = replace_question(replaced, decision, reason)
            ask = confirm or (lambda t: QMessageBox.question(
                self.parent, "Replace decisions", t, QMessageBox.Yes | QMessageBox.Cancel,
                QMessageBox.Cancel) == QMessageBox.Yes)
            if not ask(text):
                return
        self._save("Decide", _decide_all, self.ids, decision, reason, self.collection, origin)

    def seed(self) -> None:
        self._save("Seed as relevant", _seed, self.ids, self.collection)

    def tag(self, name: Optional[str] = None) -> None:
        from gapscope.models import tag_problem

        if name is None:
            names = [n for n, _ in self.lib.list_tags()]
            name, ok = QInputDialog.getItem(self.parent, "Tag", f"Tag {plural(len(self.ids), 'paper')} with:", names, 0, True)
            if not ok:
                return
        if not name.strip():
            return
        if why := tag_problem(name, held=self.lib.has_tag(name)):   # the same limit as the tag box and the CLI
            QMessageBox.warning(self.parent, "Tag", f"The tag was not added: {why}")
            return
        self._save("Tag", _tag, self.ids, name.strip())

    def add_to_collection(self, name: str) -> None:
        self._save("Add to collection", _add_to_collection, self.ids, name)

    def remove_from_collection(self) -> None:
        """Take the papers out of the listed collection; they stay in the library with their decisions."""
        self.tasks.save("Remove from collection", _remove_from_collection, self.ids, self.collection,
                        library=self.lib.path, on_result=lambda _r: self.left(),
                        on_error=lambda message, _tb: QMessageBox.warning(self.parent, "Remove from collection",
                                                                          message))

    def new_collection(self, name: Optional[str] = None) -> None:
        if name is None:
            name, ok = QInputDialog.getText(self.parent, "New collection", "Name of the new collection:")
            if not ok:
                return
        if name.strip():
            self.add_to_collection(name.strip())

    def delete(self, confirm: Optional[Callable[[str], bool]] = None) -> None:
        """Ask, saying what goes with the papers, then delete them on the writer queue."""
        if self.lib is None or self.lib.read_only:
            return
        text = deletion_question(self.lib.deletion_summary(self.ids))
        ask = confirm or (lambda t: QMessageBox.question(
            self.parent, "Delete papers", t, QMessageBox.Yes | QMessageBox.Cancel,
            QMessageBox.Cancel) == QMessageBox.Yes)
        if not ask(text):
            return
        self.tasks.write("Delete papers", _delete, self.ids, library=self.lib.path,
                         on_result=self._after_delete, cancellable=False,
                         on_error=lambda message, _tb: QMessageBox.warning(self.parent, "Delete papers", message))

    def _after_delete(self, report) -> None:
        self.deleted()
        if report is not None and report.file_errors:
            # the papers are gone; the PDFs the system kept are only disk space, but the user must know
            # which, to remove them by hand
            QMessageBox.warning(self.parent, "Delete papers", files_left_message(report))

    def _papers(self):
        return self.lib.get_papers(self.ids)

    def open_paper(self) -> None:
        for p in self._papers()[:1]:
            url = paper_url(p)
            if url:
                QDesktopServices.openUrl(QUrl(url))

    def copy_citation(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(citation(p) for p in self._papers()))

    def history(self) -> None:
        from gapscope.triage import decision_log

        rows = decision_log(self.lib, self.collection, paper_id=self.ids[0])
        lines = [f"{r['decided_at']}  {r['decision']}" + (f" ({r['reason']})" if r["reason"] else "")
                 + (f" by {r['reviewer']}" if r["reviewer"] else "") + (f" [{r['origin']}]" if r["origin"] != "user" else "")
                 + (f" — undone {r['undone_at']}" if r["undone_at"] else "") for r in rows]
        QMessageBox.information(self.parent, "Decision history", "\n".join(lines) or "No decisions on this paper yet.")


def screen_label(listed) -> str:
    """The menu's entry says which papers Triage will screen: how many, and the list's filters."""
    ids, holds = listed
    return f"Screen this list in Triage ({plural(len(ids), 'paper')}: {holds})"


def replace_question(replaced: list[dict], decision: str, reason: Optional[str]) -> str:
    """The question before a decision replaces several papers' decisions: how many, of which kinds."""
    kinds: dict[str, int] = {}
    for d in replaced:
        kinds[d["decision"]] = kinds.get(d["decision"], 0) + 1
    were = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    new = decision + (f" ({reason})" if reason else "")
    return (f"{len(replaced)} of these papers are already decided ({were}). Replace their decisions with "
            f"“{new}”?\n\nThe earlier decisions stay in each paper's Decision history, but there is no "
            "one-step undo for them all.")


def deletion_question(summary: dict) -> str:
    """The confirmation: how many papers, what of the user's own work goes with them, and the backup."""
    from gapscope.deletion import what_goes_with

    n = summary["papers"]
    bits = what_goes_with(summary)
    goes = ("With them go " + ", ".join(bits) + ". ") if bits else ""
    return (f"Delete {plural(n, 'paper')} from the library? {goes}Maps, concepts and gaps built "
            "from them will show as out of date.\n\nThere is no undo: File > Back Up Library… first keeps a copy.")


def files_left_message(report, show: int = 15) -> str:
    """What a deletion left behind: the PDF files the system refused to remove, each with its reason."""
    n, left = report.papers, report.file_errors
    listed = "\n".join(left[:show]) + (f"\n… and {len(left) - show} more" if len(left) > show else "")
    return (f"{n} paper{' was' if n == 1 else 's were'} deleted, but {len(left)} PDF file"
            f"{' could' if len(left) == 1 else 's could'} not be removed from the library's storage folder "
            f"(in use by another program, or no permission):\n\n{listed}\n\n"
            "No paper refers to them any more: delete them by hand to free the space.")


# --- writes, run on the writer queue ----------------------------------------------------------------
def _decide_all(lib, ids, decision, reason, collection, origin, *, progress=None, cancel=None):
    from gapscope.triage import decide

    with lib.transaction():          # all the papers or none
        for pid in ids:
            decide(lib, pid, decision, reason=reason, collection=collection, origin=origin)


def _seed(lib, ids, collection, *, progress=None, cancel=None):
    from gapscope.triage import seed

    seed(lib, ids, collection)


def _tag(lib, ids, name, *, progress=None, cancel=None):
    lib.add_tag(ids, name)


def _add_to_collection(lib, ids, name, *, progress=None, cancel=None):
    lib.add_to_collection(name, ids)


def _remove_from_collection(lib, ids, name, *, progress=None, cancel=None):
    lib.remove_from_collection(name, ids)


def _delete(lib, ids, *, progress=None, cancel=None):
    from gapscope.deletion import delete_papers

    return delete_papers(lib, ids)
