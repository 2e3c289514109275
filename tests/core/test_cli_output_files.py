"""Commands that write a file the user names keep a file that is already there (it may hold the user's
edits) unless --force, name it when they refuse, and write whole files only."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gapscope.cli import main

MINE = "# MY EDITS\n"
GAP = {"id": 3, "type": "method_x_problem", "score": 0.7,
       "statement": "graph neural networks are rarely applied to text classification",
       "method": {"cluster": 1, "label": "graph neural networks", "keywords": ["graph", "gnn"]},
       "problem": {"cluster": 2, "label": "text classification", "keywords": ["text", "document"]}}


@pytest.fixture
def run(tmp_path):
    lib = tmp_path / "lib.gapscope"

    def invoke(*args):
        return CliRunner().invoke(main, ["--library", str(lib), *args])

    rows = tmp_path / "rows.csv"
    rows.write_text("title,abstract,year\nGraphs for text,We classify documents with a graph model.,2020\n",
                    encoding="utf-8")
    assert invoke("import", "--quiet", str(rows)).exit_code == 0
    return invoke


@pytest.fixture
def gap_json(tmp_path):
    path = tmp_path / "gap.json"
    path.write_text(json.dumps(GAP), encoding="utf-8")
    return str(path)


def test_runs_draft_keeps_an_edited_spec_unless_force(run, gap_json, tmp_path):
    spec = tmp_path / "g.toml"
    assert run("runs", "draft", "--gap-json", gap_json, "-o", str(spec)).exit_code == 0
    edited = spec.read_text(encoding="utf-8") + MINE
    spec.write_text(edited, encoding="utf-8")
    res = run("runs", "draft", "--gap-json", gap_json, "-o", str(spec))
    assert res.exit_code == 1 and f"{spec} already exists" in res.output and "--force" in res.output
    assert spec.read_text(encoding="utf-8") == edited
    res = run("runs", "draft", "--gap-json", gap_json, "-o", str(spec), "--force")
    assert res.exit_code == 0, res.output
    text = spec.read_text(encoding="utf-8")
    assert MINE not in text, text[-300:]
    assert "[model]" in text


@pytest.mark.parametrize("args, name", [
    (("report",), "review.html"),
    (("export", "bibtex"), "refs.bib"),
    (("triage", "export"), "decisions.csv"),
    (("diagnostics",), "diag.json"),
])
def test_every_output_option_refuses_an_existing_file_unless_force(run, tmp_path, args, name):
    out = tmp_path / name
    out.write_text(MINE, encoding="utf-8")
    res = run(*args, "-o", str(out))
    assert res.exit_code == 1, res.output
    assert f"{out} already exists; give --force to replace it" in res.output
    assert out.read_text(encoding="utf-8") == MINE
    res = run(*args, "-o", str(out), "--force")
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8") != MINE
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_export_to_standard_output_needs_no_force(run):
    res = run("export", "bibtex", "-o", "-")
    assert res.exit_code == 0 and "Graphs for text" in res.output


def test_a_failed_write_keeps_the_old_file_whole_and_leaves_no_temporary(tmp_path, monkeypatch):
    from gapscope import outfiles

    out = tmp_path / "refs.bib"
    out.write_text(MINE, encoding="utf-8")

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outfiles.os, "replace", crash)
    with pytest.raises(OSError):
        outfiles.write_atomic(out, "new text")
    assert out.read_text(encoding="utf-8") == MINE
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"]


def test_report_quiet_prints_no_notes(run, tmp_path):
    """-q means quiet: no progress bar and no notes on the steps not run (the report itself says it)."""
    loud = run("report", "-o", str(tmp_path / "a.html"))
    assert loud.exit_code == 0 and "experiments: No experiments" in loud.output
    quiet = run("report", "-o", str(tmp_path / "b.html"), "-q")
    assert quiet.exit_code == 0, quiet.output
    assert "experiments:" not in quiet.output and "maps:" not in quiet.output
    assert quiet.output.startswith("wrote ")


def test_replacing_a_file_keeps_its_permissions(tmp_path):
    """--force replaces the text, not the file's access rights: a private (0600) .bib stays private."""
    import os
    import stat

    from gapscope.outfiles import write_atomic

    out = tmp_path / "private.bib"
    out.write_text(MINE, encoding="utf-8")
    os.chmod(out, 0o600)
    write_atomic(out, "new text")
    assert out.read_text(encoding="utf-8") == "new text"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_replacing_through_a_link_writes_the_file_it_points_to(tmp_path):
    """An output named by a symbolic link (a .bib linked into a LaTeX project) is written where the link
    points: the link stays a link, the project's file gets the new text."""
    from gapscope.outfiles import write_atomic

    real = tmp_path / "project" / "refs.bib"
    real.parent.mkdir()
    real.write_text(MINE, encoding="utf-8")
    link = tmp_path / "refs.bib"
    link.symlink_to(real)
    write_atomic(link, "new text")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new text"
    assert sorted(p.name for p in real.parent.iterdir()) == ["refs.bib"]


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_or_device_is_written_into_not_replaced_nor_refused(tmp_path):
    """`-o /dev/stdout` or a named pipe holds no edits to keep and cannot be renamed over: the text goes
    into it (replacing /dev/stdout's link, or the pipe, by a file would break it for everyone)."""
    import os
    import stat

    from gapscope.outfiles import check_new, write_atomic

    check_new(os.devnull)                # an existing device is no file to keep: not refused
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    check_new(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomic(pipe, "through the pipe")
        assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
        assert os.read(reader, 100) == b"through the pipe"
    finally:
        os.close(reader)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


@pytest.mark.parametrize("args, printed", [
    (("triage", "export"), "paper_id"),
    (("diagnostics",), "gapscope"),
])
def test_dash_as_output_prints_to_standard_output_and_writes_no_file(run, tmp_path, monkeypatch, args, printed):
    monkeypatch.chdir(tmp_path)
    res = run(*args, "-o", "-")
    assert res.exit_code == 0, res.output
    assert printed in res.output
    assert not (tmp_path / "-").exists()


def test_dash_as_the_draft_output_prints_the_spec(run, gap_json, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = run("runs", "draft", "--gap-json", gap_json, "-o", "-")
    assert res.exit_code == 0, res.output
    assert "[model]" in res.output and not (tmp_path / "-").exists()
