"""The app's own tags read as they are written: "check: year from the PDF file date" has no apostrophe,
so `papers show` lists it bare (it once showed `'check: year from the file'"'"'s date'`); a library that
has the old name gets the new one on opening; a user's tag with an apostrophe is shown in double quotes,
which read as written and a shell takes back as they are."""

from __future__ import annotations

import shlex

from click.testing import CliRunner

import gapscope.store.library as store_lib
from gapscope.cli import main
from gapscope.commands.common import tag_list
from gapscope.fulltext.attach import CHECK_TAG, CHECK_YEAR_TAG
from gapscope.store import Library
from gapscope.store.schema import MIGRATIONS

from .facets_helpers import add_papers

OLD_YEAR_TAG = "check: year from the file's date"


def test_the_app_tags_need_no_quotes():
    assert "'" not in CHECK_YEAR_TAG and '"' not in CHECK_YEAR_TAG
    assert tag_list([CHECK_TAG, CHECK_YEAR_TAG]) == f"{CHECK_TAG}, {CHECK_YEAR_TAG}"


def test_a_tag_with_an_apostrophe_is_shown_in_double_quotes_a_shell_reads_back():
    line = tag_list(["Bob's", "x, y", 'say "hi"', "plain"])
    assert line.startswith('"Bob\'s", ') and "plain" in line and "'\"'\"'" not in line
    assert shlex.split(line.split(", ")[0]) == ["Bob's"]
    assert shlex.split(shlex.quote('say "hi"')) == ['say "hi"'] and shlex.quote('say "hi"') in line


def test_opening_a_library_renames_the_old_year_tag(tmp_path, monkeypatch):
    path = tmp_path / "old.gapscope"
    rename = next(i for i, (name, _sql) in enumerate(MIGRATIONS) if name.endswith("_check_year_tag_name"))
    with monkeypatch.context() as m:
        m.setattr(store_lib, "MIGRATIONS", MIGRATIONS[:rename])
        with Library(path) as lib:
            pid, other = add_papers(lib, [("Sparse routing of experts", "We route."), ("Dense retrieval", "We fetch.")])
            lib.add_tag([pid, other], OLD_YEAR_TAG)
            lib.add_tag([other], CHECK_YEAR_TAG)            # a paper that has both: one tag left, not two
    with Library(path) as lib:
        assert lib.tags_of(pid) == [CHECK_YEAR_TAG] and lib.tags_of(other) == [CHECK_YEAR_TAG]
        assert OLD_YEAR_TAG not in dict(lib.list_tags())
    r = CliRunner().invoke(main, ["-L", str(path), "papers", "show", str(pid)])
    assert r.exit_code == 0, r.output
    assert f"tags: {CHECK_YEAR_TAG}" in r.output
