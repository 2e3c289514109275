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
    library.add_highlight(pid, 0, 3, comment="a comment to keep")
    return library, pid, note


@pytest.mark.parametrize("args", [("papers", "delete", "{pid}"), ("collection", "delete", "review"),
                                  ("annotate", "delete-note", "{note}"), ("annotate", "unhighlight", "{highlight}")])
@pytest.mark.parametrize("answer", ["", "n\n"])
def test_no_answer_or_a_no_deletes_nothing_and_says_so(lib_with_things, args, answer):
    library, pid, note = lib_with_things
    (highlight,) = library.highlights_with_ids(pid)
    argv = ["-L", str(library.path), *(a.format(pid=pid, note=note, highlight=highlight["id"]) for a in args)]
    res = CliRunner().invoke(main, argv, input=answer)
    assert res.exit_code == 130, res.output
    assert "Aborted" not in res.output
    assert any(said in res.output for said in ("not deleted", "nothing deleted", "not removed"))
    if not answer:
        assert "give --yes to go ahead without asking" in res.output
    assert library.get_paper(pid).title == "A paper to keep"
    assert [name for name, _ in library.list_collections()] == ["review"]
    assert library.get_note(note)["body"] == "a note to keep"
    assert library.highlights_with_ids(pid) == [highlight]


def test_a_highlight_with_a_comment_is_shown_and_asked_about_a_bare_one_goes_at_once(lib_with_things):
    library, pid, _note = lib_with_things
    (kept,) = library.highlights_with_ids(pid)
    bare = library.add_highlight(pid, 4, 8)
    path = str(library.path)
    res = CliRunner().invoke(main, ["-L", path, "annotate", "unhighlight", str(bare)])
    assert res.exit_code == 0 and [h["id"] for h in library.highlights_with_ids(pid)] == [kept["id"]]
    res = CliRunner().invoke(main, ["-L", path, "annotate", "unhighlight", str(kept["id"])], input="y\n")
    assert res.exit_code == 0 and "a comment to keep" in res.output
    assert library.highlights_with_ids(pid) == []
