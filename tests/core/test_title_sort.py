"""The Title column sorts by the title as shown (LaTeX rendered, case and accents folded, a leading quote
or bracket skipped), from an indexed key kept with every title: on insert, on a merge, on the user's edit,
and filled for the papers of a library made before the key existed."""

from __future__ import annotations

import sqlite3

import gapscope.store.library as store_lib
from gapscope.editing import set_title
from gapscope.ingest import import_file
from gapscope.store import Library
from gapscope.store.schema import MIGRATIONS
from gapscope.textfmt import shown_title

TITLES = ["$Δ$-NeRF: Delta radiance fields", "\\textit{4DSurf}: Dynamic surfaces", "[CLS] is Not All You Need",
          "6D Pose Estimation", "Zebra crossings", "Évaluation des modèles", "apple orchards",
          "\"Where does it hurt?\" A dataset", "Beyond {BERT}"]
# as shown, in the order a reader looks for them: digits, then letters whatever their case, accent or a
# quote or bracket before them, then other scripts
EXPECTED = ["4DSurf: Dynamic surfaces", "6D Pose Estimation", "apple orchards", "Beyond BERT",
            "[CLS] is Not All You Need", "Évaluation des modèles", "\"Where does it hurt?\" A dataset",
            "Zebra crossings", "Δ-NeRF: Delta radiance fields"]


def _bib(titles) -> str:
    return "".join(f"@misc{{k{i}, title = {{{t}}}, author = {{Doe, Jane}}, year = {{2020}}}}\n"
                   for i, t in enumerate(titles))


def _import(lib, tmp_path, titles=TITLES):
    path = tmp_path / "in.bib"
    path.write_text(_bib(titles), encoding="utf-8")
    import_file(lib, path)


def _shown(lib, **kw):
    return [shown_title(p.title) for p in lib.get_papers(lib.list_paper_ids(order="title", **kw))]


def test_titles_sort_as_shown(tmp_path):
    lib = Library(tmp_path / "lib.gapscope")
    _import(lib, tmp_path)
    assert _shown(lib) == EXPECTED
    assert _shown(lib, descending=True) == EXPECTED[::-1]
    plan = " ".join(r[-1] for r in lib._conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM papers ORDER BY " + lib._ORDERS["title"] + ", id"))
    assert "papers_title_sort" in plan and "TEMP B-TREE" not in plan       # read from the index, no sort
    lib.close()


def test_an_edited_title_sorts_by_its_new_text(tmp_path):
    lib = Library(tmp_path / "lib.gapscope")
    _import(lib, tmp_path)
    zebra = next(p.id for p in lib.get_papers(lib.list_paper_ids()) if p.title.startswith("Zebra"))
    set_title(lib, zebra, "\\emph{Aardvark} burrows")
    assert _shown(lib).index("Aardvark burrows") == 2        # after the two titles starting with a digit
    lib.close()


def test_a_library_made_before_the_key_gets_it_when_opened(tmp_path, monkeypatch):
    path = tmp_path / "old.gapscope"
    with monkeypatch.context() as m:
        m.setattr(store_lib, "MIGRATIONS", [mg for mg in MIGRATIONS if not mg[0].startswith(("1520_", "1530_"))])
        Library(path).close()
    conn = sqlite3.connect(str(path / "library.sqlite"))      # papers as that GapScope wrote them
    assert "title_sort" not in {r[1] for r in conn.execute("PRAGMA table_info(papers)")}
    with conn:
        conn.executemany("INSERT INTO papers (title, norm_title, added_at) VALUES (?, '', '2026-01-01')",
                         [(t.replace("{BERT}", "BERT"),) for t in TITLES])
    conn.close()
    lib = Library(path)
    assert _shown(lib) == EXPECTED
    lib.close()


def test_a_title_edited_outside_gapscope_sorts_by_its_new_text_once_reopened(tmp_path):
    """An UPDATE (or INSERT) by another SQLite client leaves the key as it was: the library notices the
    rows whose title changed without their key when it is next opened, and recomputes those keys only."""
    path = tmp_path / "lib.gapscope"
    lib = Library(path)
    _import(lib, tmp_path)
    lib.close()
    conn = sqlite3.connect(str(path / "library.sqlite"))
    with conn:
        conn.execute("UPDATE papers SET title = '\\emph{Aardvark} burrows' WHERE title = 'Zebra crossings'")
        conn.execute("INSERT INTO papers (title, norm_title, added_at) VALUES ('Yak herding', '', '2026-01-01')")
    conn.close()
    lib = Library(path)
    shown = _shown(lib)
    assert shown.index("Aardvark burrows") == 2 and shown.index("Yak herding") == len(shown) - 2
    lib.close()


def test_a_library_another_process_is_writing_to_still_opens_with_keys_to_repair(tmp_path):
    """A key noted stale (a title edited outside GapScope, or by GapScope to a title of the same key: a change
    of case) is repaired on opening, but that repair is no reason to refuse the library while another
    process holds the write lock (an import's batch, a second window's save): the open goes on at once (in
    the desktop it runs on the GUI thread), without waiting out the busy timeout and the lock patience (150 s
    by default), and the next one repairs it, as interrupted imports are marked."""
    path = tmp_path / "lib.gapscope"
    lib = Library(path)
    _import(lib, tmp_path)
    lib.close()
    conn = sqlite3.connect(str(path / "library.sqlite"), isolation_level=None)
    conn.execute("UPDATE papers SET title = 'Aardvark burrows' WHERE title = 'Zebra crossings'")
    conn.execute("BEGIN IMMEDIATE")               # another writer, for longer than this open waits
    try:
        lib = Library(path, busy_timeout_s=0.05, lock_patience_s=0.1)
        assert (lib.lock_retries, lib.lock_wait_s) == (0, 0)
        assert "Aardvark burrows" in _shown(lib)
        lib.close()
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    lib = Library(path)
    assert _shown(lib).index("Aardvark burrows") == 2
    lib.close()

