"""Every control whose slot writes to the library (through run_step, tasks.save, tasks.write or
run(writes=True)) is registered with the window's WriteGuard, so a read-only library holds it off. The
controls are found by reading the views' source: a new writing button or action is checked without
being listed here."""

from __future__ import annotations

import ast
from pathlib import Path

import gapscope_desktop

# found by the scan, and rightly not held off: the dialog is opened only for a writable library
# (show_collect says so otherwise), and Preferences saves its library-kept settings only when writable
# controls that only write as a side effect a read-only window skips: widening the screened list or ranking it
# again keeps the list in the library (TriageView._remember_scope, on the writer queue), skipped where it is read-only
NOT_HELD = {("CollectDialog", "start_button"), ("MainWindow", "act_prefs"),
            ("TriageView", "cluster_chip"), ("TriageView", "b_rank_again")}
def _writes_directly(fn):
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            f = node.func
            if f.attr == "run_step":
                return True
            if f.attr in ("save", "write") and isinstance(f.value, ast.Attribute) and f.value.attr == "tasks":
                return True
            if f.attr == "run" and any(k.arg == "writes" for k in node.keywords):
                return True
    return False

def _self_calls(node):
    return {n.func.attr for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and isinstance(n.func.value, ast.Name) and n.func.value.id == "self"}

def writer_controls(path) -> dict[str, set[str]]:
    tree = ast.parse(Path(path).read_text())
    out = {}
    for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
        methods = {f.name: f for f in cls.body if isinstance(f, ast.FunctionDef)}
        writing = {n for n, f in methods.items() if _writes_directly(f)}
        changed = True
        while changed:
            changed = False
            for n, f in methods.items():
                if n not in writing and _self_calls(f) & writing:
                    writing.add(n); changed = True
        found = set()
        for node in ast.walk(cls):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "connect"):
                continue
            sig = node.func.value
            if not (isinstance(sig, ast.Attribute) and sig.attr in ("clicked", "triggered", "returnPressed")):
                continue
            owner = sig.value
            if not (isinstance(owner, ast.Attribute) and isinstance(owner.value, ast.Name) and owner.value.id == "self"):
                continue
            target = node.args[0] if node.args else None
            names = set()
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                names = {target.attr}
            elif target is not None:
                names = _self_calls(target)
            if names & writing:
                found.add(owner.attr)
        # a control made by a helper given its slot: self.b_include = button("Include", lambda: self.decide(...))
        for node in ast.walk(cls):
            if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and len(node.targets) == 1):
                continue
            t = node.targets[0]
            if not (isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"):
                continue
            for arg in list(node.value.args) + [k.value for k in node.value.keywords]:
                names = ({arg.attr} if isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name)
                         and arg.value.id == "self" else _self_calls(arg) if isinstance(arg, ast.Lambda) else set())
                if names & writing:
                    found.add(t.attr)
        if found:
            out[cls.name] = found
    return out


def _found() -> dict[str, set[str]]:
    root = Path(gapscope_desktop.__file__).parent
    found: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        for cls, attrs in writer_controls(path).items():
            found.setdefault(cls, set()).update(attrs)
    return found


def test_the_scan_finds_the_known_writers():
    found = _found()
    assert {"find_button"} <= found["GapsView"] and {"b_include", "b_undo"} <= found["TriageView"]
    assert {"act_attach_pdf", "act_fetch_pdfs"} <= found["MainWindow"]


def test_every_control_that_writes_is_held_off_by_the_write_guard(window):
    window.show_facet_review()
    owners = {"MainWindow": window, "DetailPane": window.detail, "TriageView": window.triage_view,
              "MapsView": window.maps_view, "GapsView": window.gaps_view, "GraphView": window.graph_view,
              "ExperimentsView": window.experiments_view, "PdfReader": window.reader,
              "FacetReviewDialog": window.facet_review, "LibraryView": window.library_view}
    missing = []
    for cls, attrs in _found().items():
        for attr in sorted(attrs):
            if (cls, attr) in NOT_HELD:
                continue
            assert cls in owners, f"{cls} has writing controls: say where the window keeps one"
            if not window.write_guard.registered(getattr(owners[cls], attr)):
                missing.append(f"{cls}.{attr}")
    # the facet dialog's label buttons are made in a loop (no attribute of their own)
    missing += [f"FacetReviewDialog.{lab}" for lab, b in window.facet_review.buttons.items()
                if not window.write_guard.registered(b)]
    assert missing == []


# --- a control's own "on" and "off" go through the guard -------------------------------------------------------
def _name(item) -> str:
    return f"{type(item).__name__} {item.objectName() or item.text()}"


def _select_abstract_words(pane, on: bool) -> None:
    from PySide6.QtGui import QTextCursor

    block = pane._abstract_block()
    cursor = pane.browser.textCursor()
    cursor.setPosition(block.position())
    if on:
        cursor.setPosition(block.position() + 12, QTextCursor.KeepAnchor)
    pane.browser.setTextCursor(cursor)


def _drive(window, qtbot, pdf_paper: int, monkeypatch):
    """The usual selection changes, each turning writing controls on and then off again: a paper with a PDF
    (the boxes, Add note, the Reader's Highlight), another paper and words of its abstract (Highlight),
    the words let go, a sentence listed in Check Facet Labels then none, and at last no paper at all.
    Yields after each step."""
    lv = window.library_view
    assert lv.select_paper(pdf_paper) and window.reader.path is not None
    yield "a paper with a PDF"
    other = next(pid for pid in (lv.model.paper_id(r) for r in range(1, 20)) if pid != pdf_paper)
    assert lv.select_paper(other) and window.detail._abstract_block() is not None
    yield "a paper without a PDF"
    _select_abstract_words(window.detail, True)
    yield "words of its abstract selected"
    _select_abstract_words(window.detail, False)
    yield "the words let go"
    window.show_facet_review()
    dlg = window.facet_review
    qtbot.waitUntil(lambda: dlg.info.text() != "Loading…", timeout=20000)    # its own listing, read first
    monkeypatch.setattr(dlg, "_show_context", lambda r: None)
    dlg.show_rows([{"role_confidence": 0.4, "shortcoming_confidence": 0.5, "role": "result", "shortcoming": "none",
                    "text": "A sentence.", "title": "A paper", "paper_id": other, "start": 0, "end": 11, "idx": 0}])
    yield "a sentence to label"
    dlg.show_rows([])
    dlg.hide()
    yield "no sentence to label"
    lv.table.clearSelection()
    assert window.detail.paper is None
    yield "no paper"


def test_a_read_only_window_keeps_each_writing_controls_own_wish_for_when_it_is_writable(
        qtbot, lib_path, shared_data, monkeypatch):
    """The same selection changes in a writable window and in a read-only one on the same library: in the
    read-only one every registered control is off (with the reason) after each, and once the guard lets
    go (what opening a writable library does first) each is as its view left it, as in the writable one.
    A view that turned a held control off straight through Qt would leave it on here (Qt says nothing
    when a control already off is turned off)."""
    import gapscope.store.library as store_library
    from gapscope.fulltext import attach_file
    from gapscope.store import Library

    from .conftest import _close_at_teardown, _open_window
    from .test_pdf_reader import EACL

    with Library(lib_path) as lib:
        pdf_paper = attach_file(lib, shared_data / "pdfs" / EACL).paper_id
    writable = _open_window(qtbot, lib_path)
    with monkeypatch.context() as m:
        m.setattr(store_library, "_writable", lambda db: False)
        read_only = _open_window(qtbot, lib_path)
    try:
        assert read_only.lib.read_only and not writable.lib.read_only
        for step in _drive(writable, qtbot, pdf_paper, monkeypatch):
            pass
        for step in _drive(read_only, qtbot, pdf_paper, monkeypatch):
            on = [_name(i) for i in read_only.write_guard.items() if i.isEnabled() or "read-only" not in i.toolTip()]
            assert on == [], step
        read_only.write_guard.set_read_only(False)
        theirs = [(_name(i), i.isEnabled()) for i in writable.write_guard.items()]
        ours = [(_name(i), i.isEnabled()) for i in read_only.write_guard.items()]
        assert [n for n, _on in ours] == [n for n, _on in theirs]
        assert [x for x in ours if x not in theirs] == []
    finally:
        _close_at_teardown(read_only)
        _close_at_teardown(writable)
