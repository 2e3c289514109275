"""An edit of a paper's title or abstract can be undone (gapscope.editing.undo_edit, `papers edit --undo`):
the text it replaced is kept in the library, so the undo works after a restart too; the marks the edit put
in a note go back on their words, and the paper is left to be classified again by the next analyze."""

import pytest

from gapscope.editing import NotUndone, edit_paper, set_abstract, set_title, undo_edit
from gapscope.models import CHECK_ABSTRACT_TAG
from gapscope.store import Library

from .test_edit_abstract import REAL, _analysed, _paper


def _marks(lib, pid):
    """The paper's highlights and facet corrections as (words, what the user put on them)."""
    abstract = lib.get_paper(pid).abstract
    return (sorted((abstract[h["start"]:h["end"]], h["comment"], h["color"]) for h in lib.highlights_with_ids(pid)),
            sorted((abstract[c["start"]:c["end"]], c["role"], c["text"]) for c in lib.facet_corrections(pid)))


def test_an_abstract_edit_is_undone_with_its_marks_and_the_paper_left_to_classify_again(library):
    lib = library
    pid = _paper(lib, REAL)
    lib.add_tag([pid], CHECK_ABSTRACT_TAG)
    s = REAL.index("small transformer")
    lib.add_highlight(pid, s, s + len("small transformer"), comment="which one?")
    g = REAL.index("Rare diagnoses")
    lib.add_highlight(pid, g, g + len("Rare diagnoses remain hard"), color="green", comment="the gap")
    lib.set_facet_correction(pid, g, len(REAL), None, "open", "2026-01-01T00:00:00")
    _analysed(lib, pid)
    before = _marks(lib, pid)

    edit = set_abstract(lib, pid, "Background first. " + REAL[:g].strip())    # the gap's sentence cut by mistake
    assert edit.noted == 2 and len(lib.notes_of(pid)) == 1
    assert lib.latest_paper_edit(pid)["old_abstract"] == REAL

    undone = undo_edit(lib, pid)
    assert undone.title is None and undone.restored == 2
    p = lib.get_paper(pid)
    assert p.abstract == REAL and not p.abstract_truncated
    assert _marks(lib, pid) == before                   # the moved one moved back, the noted ones came back
    assert lib.notes_of(pid) == []                      # the note that kept them went with the undo
    assert CHECK_ABSTRACT_TAG in lib.tags_of(pid)       # the edit had taken it off
    # the old sentences went with the edit: the paper is classified (and embedded) again by the next analyze
    assert pid not in lib.classified_paper_ids() and lib.effective_sentences(pid) == []
    assert lib.latest_paper_edit(pid) is None and lib.paper_edits(pid)[0]["undone_at"]
    assert undo_edit(lib, pid) is None                  # nothing left to undo


def test_edits_are_undone_latest_first_and_after_the_library_is_opened_again(library):
    lib = library
    pid = _paper(lib, REAL)
    title = lib.get_paper(pid).title
    lib.add_note(pid, "my own note")
    set_title(lib, pid, "Wrong title")
    edit_paper(lib, pid, title="Wronger title", clear=True)     # one edit, two fields
    path = lib.path
    lib.close()

    with Library(path) as again:                         # a restart: the edits are in the library
        undone = undo_edit(again, pid)
        assert (undone.title, undone.abstract.abstract) == ("Wrong title", REAL)
        assert (again.get_paper(pid).title, again.get_paper(pid).abstract) == ("Wrong title", REAL)
        assert undo_edit(again, pid).title == title
        assert again.get_paper(pid).title == title and [n["body"] for n in again.notes_of(pid)] == ["my own note"]
        assert [i for i, _r in again.search("Wrong")] == []     # the search index follows


def test_an_edit_is_not_undone_over_a_later_change_nor_twice(library):
    lib = library
    pid = _paper(lib, REAL)
    set_abstract(lib, pid, "A new abstract.")
    edit_id = lib.latest_paper_edit(pid)["id"]
    lib.set_paper_abstract(pid, "Changed by an import.", expected="A new abstract.")    # not an edit kept here
    with pytest.raises(NotUndone, match="abstract was changed since"):
        undo_edit(lib, pid)
    assert lib.get_paper(pid).abstract == "Changed by an import."           # nothing written
    lib.set_paper_abstract(pid, "A new abstract.", expected="Changed by an import.")
    assert undo_edit(lib, pid, edit_id).abstract.abstract == REAL
    with pytest.raises(NotUndone, match="undone already"):
        undo_edit(lib, pid, edit_id)                     # a second Ctrl+Z on the same edit changes nothing
    assert lib.get_paper(pid).abstract == REAL


def test_an_unchanged_save_keeps_no_edit_to_undo(library):
    lib = library
    pid = _paper(lib, REAL)
    set_abstract(lib, pid, REAL)
    set_title(lib, pid, lib.get_paper(pid).title)
    assert lib.paper_edits(pid) == []


def test_the_command_line_says_how_to_undo_and_undoes(library):
    import json

    from click.testing import CliRunner

    from gapscope.cli import main

    lib = library
    pid = _paper(lib, REAL)

    def cli(*a):
        return CliRunner().invoke(main, ["--library", str(lib.path), "papers", *a])

    r = cli("edit", str(pid), "--clear-abstract")
    assert r.exit_code == 0 and f"`gapscope papers edit {pid} --undo` puts it back" in r.output
    r = cli("show", str(pid))
    assert "edited (" in r.output and "abstract" in r.output and "--undo" in r.output
    assert json.loads(cli("show", str(pid), "--json").output)["edits"][0]["old_abstract"] == REAL
    r = cli("edit", str(pid), "--undo", "--title", "x")
    assert r.exit_code == 2 and "--undo cannot go with --title" in r.output
    r = cli("edit", str(pid), "--undo")
    assert r.exit_code == 0, r.output
    assert f"#{pid}: abstract back ({len(REAL)} characters)" in r.output and "gapscope analyze" in r.output
    assert lib.get_paper(pid).abstract == REAL
    r = cli("edit", str(pid), "--undo")
    assert r.exit_code == 0 and "nothing to undo" in r.output
    assert "undone" in cli("show", str(pid)).output


def test_an_undone_title_is_the_placeholder_again_and_matches_no_record_by_title(library, tmp_path):
    from gapscope.ingest import import_file
    from gapscope.models import is_untitled

    from .test_import_untitled import ABSTRACT_A

    path = tmp_path / "screen.csv"
    path.write_text(f'title,abstract\n,"{ABSTRACT_A}"\n', encoding="utf-8")
    import_file(library, path)
    (pid,) = library.list_paper_ids()
    placeholder = library.get_paper(pid).title
    set_title(library, pid, "Methylphenidate in a classroom trial")
    assert undo_edit(library, pid).title == placeholder and is_untitled(library.get_paper(pid).title)
    # as imported: a placeholder is no title to match a later record by, even one with the same words
    words = " ".join(placeholder.replace("[", "").replace("]", "").rstrip("…").split())
    again = tmp_path / "again.csv"
    again.write_text(f"title,abstract\n{words},Another study.\n", encoding="utf-8")
    assert import_file(library, again).added == 1


# --- redo ---------------------------------------------------------------------------------------------------

def test_an_undone_abstract_edit_is_redone_with_its_marks_and_can_be_undone_again(library):
    from gapscope.editing import redo_edit

    lib = library
    pid = _paper(lib, REAL)
    lib.add_tag([pid], CHECK_ABSTRACT_TAG)
    g = REAL.index("Rare diagnoses")
    lib.add_highlight(pid, g, len(REAL), color="green", comment="the gap")
    new = "Background first. " + REAL[:g].strip()
    edit = edit_paper(lib, pid, abstract=new)
    edited = _marks(lib, pid)
    undo_edit(lib, pid)
    assert lib.get_paper(pid).abstract == REAL and CHECK_ABSTRACT_TAG in lib.tags_of(pid)

    redone = redo_edit(lib, pid)
    assert redone.edit_id == edit.edit_id and redone.title is None and redone.abstract.abstract == new
    assert lib.get_paper(pid).abstract == new and _marks(lib, pid) == edited
    assert CHECK_ABSTRACT_TAG not in lib.tags_of(pid)                  # off again, as the edit had it
    assert len(lib.notes_of(pid)) == 1 and redone.abstract.noted == 1  # the gone highlight kept again
    assert lib.latest_paper_edit(pid)["id"] == edit.edit_id and lib.edited_fields(pid) == {"abstract"}
    assert redo_edit(lib, pid) is None                                  # nothing left to redo

    undo_edit(lib, pid)                                                 # and back again, marks and all
    assert lib.get_paper(pid).abstract == REAL and lib.notes_of(pid) == []
    assert [h["comment"] for h in lib.highlights_with_ids(pid)] == ["the gap"]
    assert CHECK_ABSTRACT_TAG in lib.tags_of(pid)


def test_a_redo_puts_back_the_marks_made_on_the_edited_text_that_its_undo_had_noted(library):
    from gapscope.editing import redo_edit

    lib = library
    pid = _paper(lib, REAL)
    new = REAL + " A second cohort confirms it."
    set_abstract(lib, pid, new)
    s = new.index("A second cohort")
    lib.add_highlight(pid, s, len(new), comment="new evidence")        # on words only the edit holds
    lib.set_facet_correction(pid, s, len(new), "result", None, "2026-03-01T00:00:00")
    undone = undo_edit(lib, pid)
    assert undone.abstract.noted == 2 and len(lib.notes_of(pid)) == 1
    assert lib.highlights_with_ids(pid) == [] and lib.facet_corrections(pid) == []

    redone = redo_edit(lib, pid)
    assert redone.restored == 2 and lib.notes_of(pid) == []             # back on their words, the note gone
    assert _marks(lib, pid) == ([("A second cohort confirms it.", "new evidence", "yellow")],
                                [("A second cohort confirms it.", "result", "A second cohort confirms it.")])


def test_redos_go_back_up_the_undos_after_a_restart_too_and_a_new_edit_closes_the_way(library):
    from gapscope.editing import redo_edit

    lib = library
    pid = _paper(lib, REAL)
    title = lib.get_paper(pid).title
    set_title(lib, pid, "First")
    set_title(lib, pid, "Second")
    undo_edit(lib, pid)
    undo_edit(lib, pid)
    path = lib.path
    lib.close()

    with Library(path) as again:                                       # a restart: the undos are kept
        assert redo_edit(again, pid).title == "First"
        assert again.get_paper(pid).title == "First"
        undo_edit(again, pid)                                           # undo, redo, redo
        assert redo_edit(again, pid).title == "First" and redo_edit(again, pid).title == "Second"
        assert redo_edit(again, pid) is None
        undo_edit(again, pid)
        set_title(again, pid, "Third")                                  # a new edit after an undo
        assert again.next_paper_redo(pid) is None and redo_edit(again, pid) is None
        undo_edit(again, pid)                                           # "Third" is the only one to redo
        assert again.get_paper(pid).title == "First" and redo_edit(again, pid).title == "Third"
        assert redo_edit(again, pid) is None
        assert [e["new_title"] for e in again.paper_edits(pid, include_undone=False)] == ["Third", "First"]
        undo_edit(again, pid)
        undo_edit(again, pid)
        assert again.get_paper(pid).title == title                      # "Second" stays out of reach
        assert redo_edit(again, pid).title == "First" and redo_edit(again, pid).title == "Third"


def test_a_redo_over_a_change_made_since_the_undo_is_refused_and_changes_nothing(library):
    from gapscope.editing import NotRedone, redo_edit

    lib = library
    pid = _paper(lib, REAL)
    set_abstract(lib, pid, "A new abstract.")
    edit_id = lib.latest_paper_edit(pid)["id"]
    undo_edit(lib, pid)
    lib.set_paper_abstract(pid, "Changed by an import.", expected=REAL)    # the field is no longer edited
    with pytest.raises(NotRedone, match="abstract was changed since"):
        redo_edit(lib, pid)
    assert lib.get_paper(pid).abstract == "Changed by an import." and lib.next_paper_redo(pid)["id"] == edit_id
    lib.set_paper_abstract(pid, REAL, expected="Changed by an import.")
    assert redo_edit(lib, pid, edit_id).abstract.abstract == "A new abstract."
    with pytest.raises(NotRedone, match="redone already"):
        redo_edit(lib, pid, edit_id)                    # a second Ctrl+Shift+Z on the same edit changes nothing
    assert lib.get_paper(pid).abstract == "A new abstract."


def test_the_command_line_redoes_and_says_so(library):
    from click.testing import CliRunner

    from gapscope.cli import main

    lib = library
    pid = _paper(lib, REAL)

    def cli(*a):
        return CliRunner().invoke(main, ["--library", str(lib.path), "papers", *a])

    assert cli("edit", str(pid), "--redo").output.strip().endswith("nothing to redo (no undone edit of its title "
                                                                   "or abstract to make again)")
    cli("edit", str(pid), "--title", "Typed on purpose")
    r = cli("edit", str(pid), "--undo")
    assert f"`gapscope papers edit {pid} --redo` makes it again" in r.output
    assert "--redo" in cli("show", str(pid)).output
    r = cli("edit", str(pid), "--redo", "--undo")
    assert r.exit_code == 2 and "--redo cannot go with --undo" in r.output
    r = cli("edit", str(pid), "--redo")
    assert r.exit_code == 0, r.output
    assert f"#{pid}: title again 'Typed on purpose'" in r.output and "is redone" in r.output
    assert lib.get_paper(pid).title == "Typed on purpose"
    assert "nothing to redo" in cli("edit", str(pid), "--redo").output


def test_a_library_from_before_redo_redoes_none_of_its_old_undos(library):
    """Migration 1430: an edit undone before redo existed stays closed to redo, the last one too: that undo
    recorded no marks of its own (the field held what the edit took off the old text, and a redo would put
    those highlights on the new text's offsets)."""
    from gapscope.store.schema import MIGRATIONS

    lib = library
    pid = _paper(lib, REAL)
    set_title(lib, pid, "First")
    undo_edit(lib, pid)
    set_title(lib, pid, "Second")
    undo_edit(lib, pid)
    sql = dict(MIGRATIONS)["1430_paper_edit_redo"].split("redo_dropped_at TEXT;", 1)[1]     # its UPDATE only
    with lib.transaction() as conn:
        conn.execute("UPDATE paper_edits SET redo_dropped_at = NULL")     # as an older GapScope left them
        conn.execute(sql)
    assert lib.next_paper_redo(pid) is None
    assert [bool(e["redo_dropped_at"]) for e in lib.paper_edits(pid)] == [True, True]


def test_a_correction_an_undo_cannot_put_back_is_said_and_its_note_kept(library):
    """The edit's words were found twice in the new abstract (so its facet correction went into a note); the
    user labelled one of them again since, and the undo moves that newer correction onto the old one's place:
    the newer label stands, and the older one, not put back, stays readable in the note and is counted."""
    from click.testing import CliRunner

    from gapscope.cli import main

    lib = library
    old = "We test A. Models fail on rare words. We conclude."
    pid = _paper(lib, old)
    words = "Models fail on rare words."
    s = old.index(words)
    lib.set_facet_correction(pid, s, s + len(words), "method", None, "2026-01-01T00:00:00")
    edit = set_abstract(lib, pid, f"{words} First try. {words} Second try.")
    assert edit.noted == 1 and lib.facet_corrections(pid) == []        # two places: not guessed, noted
    lib.set_facet_correction(pid, 0, len(words), "result", None, "2026-02-01T00:00:00")

    r = CliRunner().invoke(main, ["--library", str(lib.path), "papers", "edit", str(pid), "--undo"])
    assert r.exit_code == 0, r.output
    assert [(c["start"], c["role"]) for c in lib.facet_corrections(pid)] == [(s, "result")]   # the newer stands
    (note,) = lib.notes_of(pid)
    assert "facet correction (role method)" in note["body"] and words in note["body"]     # the older stays said
    assert "1 facet correction the edit had put in a note not put back" in r.output
    assert f"note #{note['id']} keeps the older labels" in r.output
