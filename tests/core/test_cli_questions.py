"""A command that asks before deleting, run with no answer to give (a script, a pipe, standard input
closed), deletes nothing and says how to go ahead without asking: the exit code of a "no" (130), not
click's bare "Aborted!" and 1."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from gapscope.cli import main

from .facets_helpers import add_papers


@pytest.fixture
def lib_with_things(library):
    (pid,) = add_papers(library, [("A paper to keep", "Its abstract.")])
    library.add_to_collection("review", [pid])
    note = library.add_note(pid, "a note to keep")
    return library, pid, note


@pytest.mark.parametrize("args", [("papers", "delete", "{pid}"), ("collection", "delete", "review"),
                                  ("annotate", "delete-note", "{note}")])
@pytest.mark.parametrize("answer", ["", "n\n"])
def test_no_answer_or_a_no_deletes_nothing_and_says_so(lib_with_things, args, answer):
    library, pid, note = lib_with_things
    argv = ["-L", str(library.path), *(a.format(pid=pid, note=note) for a in args)]
    res = CliRunner().invoke(main, argv, input=answer)
    assert res.exit_code == 130, res.output
    assert "Aborted" not in res.output and "not deleted" in res.output.replace("nothing deleted", "not deleted")
    if not answer:
        assert "give --yes to go ahead without asking" in res.output
    assert library.get_paper(pid).title == "A paper to keep"
    assert [name for name, _ in library.list_collections()] == ["review"]
    assert library.get_note(note)["body"] == "a note to keep"
