"""Attaching PDFs, some unreadable: the import's record counts each file that gave nothing as bad and
names it with why, also when every file fails; files picked from several places name the import "N PDF
files in <the folder they share>" (it read "/"). The CLI prints each file's line as soon as it is
attached, before the next file is read and before the labelling."""

from __future__ import annotations

import shutil
import sys

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.fulltext import attach as attach_mod

GOOD = "cs/2304.02623v1.pdf"


@pytest.fixture
def files(tmp_path, shared_data):
    """(truncated, empty, good): in two folders under tmp_path."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    truncated = tmp_path / "a" / "truncated.pdf"
    truncated.write_bytes((shared_data / "pdfs" / GOOD).read_bytes()[:3000])
    empty = tmp_path / "a" / "empty.pdf"
    empty.write_bytes(b"")
    good = tmp_path / "b" / "good.pdf"
    shutil.copyfile(shared_data / "pdfs" / GOOD, good)
    return truncated, empty, good


def _attach(lib_path, *paths):
    return CliRunner().invoke(main, ["-L", str(lib_path), "attach", "--no-facets", *map(str, paths)])


def _only_run(lib_path):
    from gapscope.store import Library

    with Library(lib_path) as lib:
        [run] = lib.imports_log()
        return run


def test_unreadable_files_are_the_import_s_bad_records_named_with_why(tmp_path, files, extract_once, monkeypatch):
    monkeypatch.setattr(attach_mod, "extract", extract_once)
    truncated, empty, good = files
    lib_path = tmp_path / "l.gapscope"
    r = _attach(lib_path, truncated, empty, good)
    assert r.exit_code == 3, r.output
    run = _only_run(lib_path)
    assert (run["read"], run["added"], run["error_count"], run["status"]) == (3, 1, 2, "done")
    assert run["target"] == f"3 PDF files in {tmp_path.resolve()}"
    bad = {e.split(": ", 1)[0]: e for e in run["errors"]}
    assert set(bad) == {str(truncated), str(empty)}
    assert "not a readable PDF" in bad[str(truncated)] and "an empty file (0 bytes)" in bad[str(empty)], bad
    shown = CliRunner().invoke(main, ["-L", str(lib_path), "imports", str(run["id"])])
    assert f"bad: {truncated}: " in shown.output and f"bad: {empty}: " in shown.output
    listed = CliRunner().invoke(main, ["-L", str(lib_path), "imports"])
    assert f"3 PDF files in {tmp_path.resolve()}: done, read 3, added 1" in listed.output and "bad 2" in listed.output


def test_an_attach_of_only_broken_files_is_logged(tmp_path, files):
    truncated, empty, _good = files
    lib_path = tmp_path / "l.gapscope"
    r = _attach(lib_path, truncated, empty)
    assert r.exit_code == 3, r.output
    run = _only_run(lib_path)
    assert (run["read"], run["added"], run["error_count"]) == (2, 0, 2)
    assert run["target"] == f"2 PDF files in {truncated.parent.resolve()}"
    folder = _attach(tmp_path / "m.gapscope", truncated.parent)     # a folder given: the folder names it
    assert folder.exit_code == 3 and _only_run(tmp_path / "m.gapscope")["target"] == str(truncated.parent.resolve())


def test_each_file_s_line_is_printed_before_the_next_is_read_and_before_labelling(tmp_path, files, extract_once,
                                                                                  monkeypatch):
    import gapscope.fulltext

    truncated, _empty, good = files
    printed_before: dict[str, str] = {}

    def output_so_far() -> str:
        sys.stdout.flush()
        return sys.stdout.buffer.getvalue().decode()

    real = attach_mod.attach_file

    def attach_file(lib, path, **kw):
        printed_before[path.name] = output_so_far()
        return real(lib, path, **kw)

    def label_pending(lib, **kw):
        printed_before["labelling"] = output_so_far()
        return {"attachments": 1, "sentences": 0}

    monkeypatch.setattr(attach_mod, "extract", extract_once)
    monkeypatch.setattr(attach_mod, "attach_file", attach_file)
    monkeypatch.setattr(gapscope.fulltext, "label_pending", label_pending)
    r = CliRunner().invoke(main, ["-L", str(tmp_path / "l.gapscope"), "attach", str(good), str(truncated)])
    assert r.exit_code == 3, r.output
    assert "1/2 new-paper" in printed_before["truncated.pdf"] and str(good) in printed_before["truncated.pdf"]
    assert "2/2 unreadable" in printed_before["labelling"]


def test_a_stop_while_a_pdf_is_read_is_a_stop_not_an_unreadable_file(tmp_path, files, extract_once, monkeypatch):
    """Ctrl-C while the parser reads a file stopped the batch after it, and reported the file being read
    as "unreadable" (a bad record), or, for the last file, went on to label everything as if not stopped."""
    from gapscope.jobs import CancelToken, Cancelled, check
    from gapscope.store import Library

    truncated, _empty, good = files
    cancel = CancelToken()

    def extract(path, **kw):
        if path.name == "good.pdf":
            cancel.cancel()                       # Ctrl-C while this file is read
            check(kw.get("cancel"))
        return extract_once(path, **kw)

    monkeypatch.setattr(attach_mod, "extract", extract)
    with Library(tmp_path / "l.gapscope") as lib:
        with pytest.raises(Cancelled):
            attach_mod.attach_paths(lib, [truncated, good], cancel=cancel)
        [run] = lib.imports_log()
        assert run["status"] == "cancelled" and run["errors"] == [run["errors"][0]]   # only the truncated file
        assert str(truncated) in run["errors"][0] and lib.count_papers() == 0
