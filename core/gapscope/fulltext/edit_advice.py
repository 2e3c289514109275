"""What a PDF import's note tells the user to do about a title or abstract it could not read from the PDF.

The note is kept in the import's record, which both the CLI (`gapscope imports`) and the app (Import History)
show: it is worded once, in the CLI's words (the `gapscope papers edit` command), and the app rewords it
when it shows it (:func:`in_app_words`: the details pane's Edit title and Edit abstract), as gaps/stale.py
does for the reasons a gap is stale."""

from __future__ import annotations

# a note names the PDF's file, not the paper made from it: PAPER is the id `gapscope attach` printed
# (the argument of `gapscope papers edit`, named as its --help names it)
_ID = " (PAPER: the paper's library id)"
ADD_ABSTRACT = "add one with `gapscope papers edit PAPER --abstract TEXT`" + _ID
CHECK_TITLE = "check it, and correct it with `gapscope papers edit PAPER --title TEXT`" + _ID
EDIT_TITLE = "edit it with `gapscope papers edit PAPER --title TEXT`" + _ID

# the command-line advice above in the app's words (the CLI keeps its own)
_APP_WORDS = ((ADD_ABSTRACT, "add one in the details pane (Edit abstract)"),
              (CHECK_TITLE, "check it in the details pane (F2 edits it)"),
              (EDIT_TITLE, "edit it in the details pane (F2)"))


def in_app_words(note: str) -> str:
    """An import's note as the desktop app says it: its command-line advice named by the details pane's."""
    for cli, app in _APP_WORDS:
        note = note.replace(cli, app)
    return note
