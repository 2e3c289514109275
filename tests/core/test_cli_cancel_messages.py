"""A long command stopped by Ctrl-C / SIGTERM (its core function raised jobs.Cancelled) ends with exit code 130
and a message saying what was kept and how to go on, never with a traceback logged as a failure: `check`,
`attach` (while attaching and while labelling), `pdf label`, and any command without a message of its own."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from gapscope.jobs import Cancelled


def _stop(*args, **kwargs):
    raise Cancelled()


@pytest.fixture
def lib_path(tmp_path):
    from gapscope.store import Library

    path = tmp_path / "review.gapscope"
    Library(path, create=True).close()
    return path


def _run(lib_path, *args):
    from gapscope.cli import main

    return CliRunner().invoke(main, ["-L", str(lib_path), *args])


def _assert_cancelled(out, *words):
    assert out.exit_code == 130, (out.exit_code, out.output, out.exception)
    assert "Traceback" not in out.output
    for w in words:
        assert w in out.output, out.output


def test_check_stopped_says_it_changed_nothing(lib_path, monkeypatch):
    import gapscope.integrity

    monkeypatch.setattr(gapscope.integrity, "check_library", _stop)
    _assert_cancelled(_run(lib_path, "check"), "changed nothing", "`gapscope check`")


def test_attach_stopped_while_attaching_says_what_is_kept(lib_path, tmp_path, monkeypatch):
    import gapscope.fulltext

    monkeypatch.setattr(gapscope.fulltext, "attach_paths", _stop)
    _assert_cancelled(_run(lib_path, "attach", str(tmp_path), "--quiet"), "attached before the stop are kept",
                      "attach the same files again")


def test_attach_stopped_while_labelling_names_the_command_that_labels(lib_path, tmp_path, monkeypatch):
    import gapscope.fulltext
    from gapscope.store import Library

    monkeypatch.setattr(gapscope.fulltext, "attach_paths", lambda *a, **kw: [])
    monkeypatch.setattr(Library, "unlabelled_fulltext_attachments", lambda self: [1, 2])
    monkeypatch.setattr(gapscope.fulltext, "label_pending", _stop)
    _assert_cancelled(_run(lib_path, "attach", str(tmp_path), "--quiet"), "the PDFs are attached",
                      "2 PDFs not labelled yet: `gapscope pdf label`")


def test_pdf_label_stopped_names_what_is_left(lib_path, monkeypatch):
    import gapscope.fulltext
    from gapscope.store import Library

    monkeypatch.setattr(Library, "unlabelled_fulltext_attachments", lambda self: [1])
    monkeypatch.setattr(gapscope.fulltext, "label_fulltext", _stop)
    _assert_cancelled(_run(lib_path, "pdf", "label", "--quiet"), "1 PDF not labelled yet")


def test_pdf_label_redo_stopped_says_that_redo_starts_again(lib_path, monkeypatch):
    """After --redo the PDFs not reached keep their earlier labels: none is "not labelled", and a plain
    `pdf label` passes them by; "0 PDFs not labelled yet" would say that nothing is left."""
    import gapscope.fulltext
    from gapscope.store import Library

    monkeypatch.setattr(Library, "unlabelled_fulltext_attachments", lambda self, *a: [])
    monkeypatch.setattr(gapscope.fulltext, "label_fulltext", _stop)
    out = _run(lib_path, "pdf", "label", "--redo", "--quiet")
    _assert_cancelled(out, "`gapscope pdf label --redo` starts again")
    assert "0 PDFs" not in out.output


def test_a_command_without_its_own_message_ends_with_130_not_a_traceback(lib_path, monkeypatch):
    import gapscope.fulltext

    monkeypatch.setattr(gapscope.fulltext, "fetch_and_label", _stop)
    _assert_cancelled(_run(lib_path, "pdf", "fetch", "--quiet"), "cancelled: committed work is kept")


@pytest.mark.parametrize("redo", [False, True])
def test_facets_stopped_says_how_to_go_on_with_and_without_redo(lib_path, monkeypatch, redo):
    """After --redo the papers not reached keep their labels of the same model, so "run again to resume"
    (a plain run) would find nothing to do: the message names --redo, which starts over."""
    from types import SimpleNamespace

    import gapscope.facets
    import gapscope.facets.model

    monkeypatch.setattr(gapscope.facets.model, "load_model", lambda d=None: SimpleNamespace(encoder_model=None))
    monkeypatch.setattr(gapscope.facets, "classify_library", _stop)
    out = _run(lib_path, "facets", "--quiet", *(["--redo"] if redo else []))
    if redo:
        _assert_cancelled(out, "`gapscope facets --redo` starts again")
        assert "resume" not in out.output
    else:
        _assert_cancelled(out, "run again to resume")


def test_import_stopped_names_the_files_to_import_again(lib_path, tmp_path, monkeypatch):
    """Of `import A B C` stopped in B: B (its rest) and C were not imported; the message names both."""
    import gapscope.ingest
    from gapscope.models import ImportReport

    files = [tmp_path / n for n in ("a.jsonl", "b.jsonl", "c.jsonl")]
    for f in files:
        f.write_text("")
    seen = []

    def fake_import(lib, path, **kw):
        seen.append(path)
        return ImportReport(source="arxiv-snapshot", read=10, added=10, cancelled=path.endswith("b.jsonl"))

    monkeypatch.setattr(gapscope.ingest, "import_file", fake_import)
    out = _run(lib_path, "import", "--quiet", *map(str, files))
    _assert_cancelled(out, f"`gapscope import {files[1]} {files[2]}` again adds the rest")
    assert len(seen) == 2


def test_import_stopped_names_the_command_with_its_collection_and_format(lib_path, tmp_path, monkeypatch):
    """Imported into a collection: the command for the rest puts the rest there too (without --collection
    it would add them outside it), with the format given; a path with a space is quoted."""
    import gapscope.ingest
    from gapscope.models import ImportReport

    part = tmp_path / "my refs.ris"
    part.write_text("")
    monkeypatch.setattr(gapscope.ingest, "import_file", lambda lib, path, **kw: ImportReport(
        source="ris", read=1, added=1, cancelled=True))
    out = _run(lib_path, "import", "--quiet", "--format", "ris", "--collection", "screening", str(part))
    _assert_cancelled(out, f"`gapscope import --format ris --collection screening '{part}'` again adds the rest")
