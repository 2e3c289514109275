"""`python -m gapscope_desktop.screenshots OUTDIR`: a PNG of each main view, grabbed from the real
widgets (offscreen), on a library built from the shared arXiv data.

The library: ``--library PATH`` when given, else a fresh one in a temporary folder filled with the first
``--papers`` lines of ``<shared data>/arxiv/arxiv-cs-2025-2026.jsonl.gz`` through the core importer. The
facets / maps / gaps core functions run first (``--no-analysis`` skips them), so the views show real
results.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[2]


def shared_data() -> Path:
    return Path(os.environ.get("GAPSCOPE_SHARED_DATA", ROOT.parent / "shared" / "data")).resolve()


def build_library(path: Path, n: int) -> None:
    from gapscope.ingest import import_file
    from gapscope.store import Library

    src = shared_data() / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz"
    slice_path = path.parent / f"arxiv-cs-first-{n}.jsonl"
    with gzip.open(src, "rt", encoding="utf-8") as f, open(slice_path, "w", encoding="utf-8") as g:
        g.writelines(itertools.islice(f, n))
    with Library(path) as lib:
        rep = import_file(lib, slice_path, fmt="arxiv")
        print(f"library: {path} ({rep.added} papers imported from {src.name})", file=sys.stderr)


def analyse(path: Path) -> None:
    """The Maps view's own "Build maps" pipeline (classify, embed, cluster; it says what it could not
    do), then gap detection."""
    from gapscope.gaps import find_gaps
    from gapscope.store import Library

    from .views.maps_view import build

    with Library(path) as lib:
        t = time.perf_counter()
        result = build(lib, "topic")
        print(f"maps built in {time.perf_counter() - t:.1f} s" + (f" ({'; '.join(result.notes)})" if result.notes else ""),
              file=sys.stderr)
        try:
            print(f"gaps found: {len(find_gaps(lib))}", file=sys.stderr)
        except Exception as exc:  # noqa: BLE001 - a screenshot run shows what works; say what did not
            print(f"gaps.find_gaps failed: {exc}", file=sys.stderr)


def map_of(path: Path, k: int) -> None:
    """The topic map again with ``k`` clusters (80: the most the automatic choice gives), to show that
    a crowded map stays readable."""
    from gapscope.maps import build_maps
    from gapscope.store import Library

    with Library(path) as lib:
        m = build_maps(lib, facets=("topic",), k=k)["topic"]
        print(f"topic map rebuilt with {m.k} clusters", file=sys.stderr)


def report_pages(path: Path, out: Path, tmp: Path) -> list[Path]:
    """The PDF gap report of the library; its page with the topic map and its first page with a wide
    table (imports, triage statistics), rendered to PNG with pypdfium2."""
    import pypdfium2 as pdfium

    from gapscope.fulltext.pdfium_lock import PDFIUM_LOCK
    from gapscope.reports import write_report
    from gapscope.store import Library

    pdf_path = tmp / "report.pdf"
    with Library(path) as lib:
        write_report(lib, "pdf", pdf_path)
    with PDFIUM_LOCK:                       # pdfium is not thread-safe (gapscope.fulltext.pdfium_lock)
        doc = pdfium.PdfDocument(str(pdf_path))
        texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
        wanted = [("10-report-map-page", next((i for i, t in enumerate(texts) if "Topic map" in t), 0)),
                  ("11-report-tables-page", next((i for i, t in enumerate(texts) if "Triage statistics" in t
                                                  or "Imports and collects" in t), min(1, len(doc) - 1)))]
        written = []
        for name, i in wanted:
            target = out / f"{name}.png"
            doc[i].render(scale=2.0).to_pil().save(target)
            written.append(target)
        doc.close()
    return written


def screen_a_few(path: Path) -> None:
    """A few real triage decisions (a review of diffusion models: include papers with "diffusion" in
    the title, exclude others) so the triage view shows a trained ranking and a stopping estimate.
    Only on the temporary library this script built, never on a user's."""
    from gapscope.store import Library
    from gapscope.triage import decide

    with Library(path) as lib:
        hits = lib.list_paper_ids(query="title:diffusion")[:4]
        others = [i for i in lib.list_paper_ids()[:40] if i not in set(hits)][:6]
        for pid in hits:
            decide(lib, pid, "include")
        for pid in others:
            decide(lib, pid, "exclude", reason="off topic")


def _settle(app, window, ms: int = 300) -> None:
    """Let queued worker results arrive and the widgets lay out."""
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end or window.tasks.active():
        app.processEvents()
        time.sleep(0.01)
        if time.monotonic() > end + 60:
            break
    app.processEvents()


def welcome_shot(out: Path, tmp: Path, recent=()) -> Path:
    """The window as a new user first sees it: no library yet, the welcome page (with ``recent``
    libraries listed). The settings and the default library folder are temporary ones."""
    from .settings import use_private_settings

    use_private_settings(tmp / "settings")
    os.environ.setdefault("XDG_DATA_HOME", str(tmp / "user-data"))
    from . import recent as recent_list
    from .app import create_app
    from .main_window import MainWindow

    app = create_app(["gapscope-screenshots"])
    for p in reversed(list(recent)):
        recent_list.remember(p)
    w = MainWindow(None)
    w.resize(1440, 900)
    w.show()
    _settle(app, w, 300)
    path = out / "00-welcome.png"
    w.grab().save(str(path))
    w.close()
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--library", help="use this library instead of building one")
    ap.add_argument("--papers", type=int, default=800, help="papers to import (embedding them is the slow part)")
    ap.add_argument("--no-analysis", action="store_true")
    ap.add_argument("--map-k", type=int, default=80, help="clusters of the topic map shown (0: as analyse chose)")
    ap.add_argument("--welcome-only", action="store_true", help="only the welcome page (no library is built)")
    args = ap.parse_args(argv)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)

    tmp = tempfile.TemporaryDirectory(prefix="gapscope-shots-")
    if args.welcome_only:
        print(welcome_shot(out, Path(tmp.name)))
        tmp.cleanup()
        return 0
    if args.library:
        lib_path = Path(args.library)
    else:
        lib_path = Path(tmp.name) / "library.sqlite"
        build_library(lib_path, args.papers)
        if not args.no_analysis:
            analyse(lib_path)
            if args.map_k:
                map_of(lib_path, args.map_k)
        screen_a_few(lib_path)

    from .settings import use_private_settings

    use_private_settings(Path(tmp.name) / "settings")
    from .app import create_app
    from .main_window import MainWindow

    app = create_app(["gapscope-screenshots"])
    written = [welcome_shot(out, Path(tmp.name), recent=[lib_path])]
    w = MainWindow(lib_path)
    w.resize(1440, 900)
    w.show()
    _settle(app, w, 800)

    def shot(name: str, widget=None) -> None:
        _settle(app, w)
        path = out / f"{name}.png"
        (widget or w).grab().save(str(path))
        written.append(path)

    # Library: a search, a paper selected, its abstract coloured by facet where classified.
    lv = w.library_view
    lv.search.setText("diffusion")
    lv._apply_search()
    _settle(app, w)
    if lv.model.rowCount():
        lv.table.selectRow(min(2, lv.model.rowCount() - 1))
    shot("01-library")

    w.tabs.setCurrentIndex(1)
    shot("02-triage")
    w.tabs.setCurrentIndex(2)
    _settle(app, w, 600)
    if w.maps_view.clusters.topLevelItemCount():
        w.maps_view.clusters.topLevelItem(0).setSelected(True)
    shot("03-maps")
    shot("08-map-labels", w.maps_view.canvas_holder)
    w.tabs.setCurrentIndex(3)
    shot("04-gaps")
    if w.gaps_view.current_gap() is not None:
        w.gaps_view._draft()
    w.tabs.setCurrentIndex(4)
    ev = w.experiments_view
    example = ROOT / "resources" / "examples" / "iris-logistic.toml"
    if example.exists():
        if not ev.editor.toPlainText().strip():
            ev.editor.setPlainText(example.read_text(encoding="utf-8"))
        if ev.launch():
            end = time.monotonic() + 180
            while ev.running and time.monotonic() < end:
                app.processEvents()
                time.sleep(0.02)
    shot("05-experiments")

    from .dialogs.collect_dialog import CollectDialog

    w.tabs.setCurrentIndex(0)
    dlg = CollectDialog(w.tasks, lib_path, source="arxiv", parent=w)
    dlg.query.setText("retrieval augmented generation evaluation")
    dlg.show()
    shot("06-collect-dialog", dlg)
    dlg.close()
    from .dialogs.preferences_dialog import PreferencesDialog

    prefs = PreferencesDialog(w)
    prefs.show()
    shot("07-preferences", prefs)
    prefs.close()
    w.close()
    if not args.no_analysis:
        written += report_pages(lib_path, out, Path(tmp.name))
    for p in written:
        print(p)
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
