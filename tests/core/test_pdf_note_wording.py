"""A PDF import's notes on a title or abstract it could not read say what to do in the CLI's words (the
`gapscope papers edit` command, with options it has), and in the app's (the details pane) once reworded
by fulltext.edit_advice.in_app_words, as the app shows them."""

from __future__ import annotations

import pytest

from gapscope.cli import main
from gapscope.fulltext.abstract import NO_HEADING, NO_TEXT, NOT_AN_ABSTRACT
from gapscope.fulltext.edit_advice import in_app_words
from gapscope.fulltext.meta import FROM_FILE_NAME, FROM_PROPERTIES, PdfMetadata, title_note


def _notes() -> list[str]:
    titles = [title_note(PdfMetadata(sources={"title": where})) for where in (FROM_PROPERTIES, FROM_FILE_NAME)]
    return [NO_HEADING, NO_TEXT, NOT_AN_ABSTRACT.format(why="a list"), *titles]


@pytest.mark.parametrize("note", _notes())
def test_a_note_names_the_cli_command_and_the_app_names_its_pane(note):
    assert "details pane" not in note and "`gapscope papers edit PAPER --" in note
    said = in_app_words(note)
    assert "details pane" in said and "gapscope" not in said and "PAPER" not in said


def test_the_command_a_note_names_has_the_options_it_names():
    options = {o for p in main.commands["papers"].commands["edit"].params for o in p.opts}
    for note in _notes():
        named = {w.strip("`,") for w in note.split() if w.startswith("--")}
        assert named and named <= options, note
