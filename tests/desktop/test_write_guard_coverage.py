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
NOT_HELD = {("CollectDialog", "start_button"), ("MainWindow", "act_prefs")}
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
              "FacetReviewDialog": window.facet_review}
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
