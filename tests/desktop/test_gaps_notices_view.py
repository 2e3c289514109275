"""The Gaps view says what the last "Find gaps" left out or refused, and why (find_gaps' notices)."""

from __future__ import annotations

GAP = {"id": 1, "type": "method_x_problem", "score": 0.9, "statement": "Apply A to B.", "evidence": [],
       "evidence_roles": {}, "details": {"level": "concept"}}


def _view(qtbot, library):
    """(a Gaps view over ``library``, one gap to show)."""
    from gapscope_desktop.views.gaps_view import GapsView

    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    return view, dict(GAP)


def test_gaps_view_shows_what_find_gaps_left_out(qtbot, library):
    view, gap = _view(qtbot, library)
    view.show_gaps([gap])
    assert view.notes.isHidden()                       # nothing left out: no line
    refusal = "no 'thin and growing' gaps: the papers span 7 days (2026-07-01 .. 2026-07-08); growth needs 90"
    library.set_setting("gaps.notices", [refusal, "2 acronyms name different things in different papers"])
    view.show_gaps([gap])
    assert not view.notes.isHidden()
    assert view.notes.text().splitlines() == ["\u2022 " + refusal,
                                              "\u2022 2 acronyms name different things in different papers"]


def test_many_notices_wait_behind_one_line_that_opens_them(qtbot, library):
    """Seven notices (a 10k library's) took a quarter of the view from the gap list: beyond two, one line
    counts them and opens them; it closes them again."""
    view, gap = _view(qtbot, library)
    library.set_setting("gaps.notices", [f"notice {i}" for i in range(7)])
    view.show_gaps([gap])
    assert view.notes.isHidden() and not view.notes_toggle.isHidden()
    assert "7 notes on what the last “Find gaps” left out" in view.notes_toggle.text()
    view.notes_toggle.linkActivated.emit("toggle")
    assert not view.notes.isHidden() and len(view.notes.text().splitlines()) == 7
    assert ">hide<" in view.notes_toggle.text()
    view.notes_toggle.linkActivated.emit("toggle")
    assert view.notes.isHidden() and ">show<" in view.notes_toggle.text()
    library.set_setting("gaps.notices", [])
    view.show_gaps([gap])
    assert view.notes.isHidden() and view.notes_toggle.isHidden()


def test_an_empty_gaps_view_names_only_the_steps_still_missing(qtbot, library):
    """With the maps built, the empty view points at "Find gaps" alone, not at building the maps again."""
    from gapscope_desktop.views.gaps_view import GapsView

    view = GapsView(None)
    qtbot.addWidget(view)
    view.lib = library
    view.show_gaps([])
    assert "build the maps" in view.info.text()
    library.insert_map(facet="topic", scope="{}", params="{}", model=None, n_papers=0, clusters=[], assignments=[])
    view.show_gaps([])
    assert "build the maps" not in view.info.text() and "“Find gaps”" in view.info.text()
    assert "`gapscope gaps find`" in view.info.text() and "gapscope analyze" not in view.info.text()


def test_gaps_view_says_which_gap_types_the_last_find_did_not_look_for(qtbot, library):
    """A library with no shortcoming map listed no unaddressed shortcoming and said nothing: the view names the
    type not looked for, why and the command, above the list, whatever the notes' state."""
    from gapscope.gaps.needs import skipped_entry

    view, gap = _view(qtbot, library)
    view.show_gaps([gap])
    assert view.skipped_label.isHidden()
    library.set_setting("gaps.skipped", [skipped_entry("unaddressed_shortcoming", "the library has no shortcoming map",
                                                       ["gapscope map --facet shortcoming"])])
    library.set_setting("gaps.notices", [f"notice {i}" for i in range(7)])     # the notes folded away
    view.show_gaps([gap])
    assert not view.skipped_label.isHidden() and view.notes.isHidden()
    text = view.skipped_label.text()
    assert text.startswith("\u26a0 No 'unaddressed shortcoming' gaps were looked for: the library has no shortcoming map")
    assert "`gapscope map --facet shortcoming`, then `gapscope gaps find`" in text and "“Build maps”" in text
    library.set_setting("gaps.skipped", [])
    view.show_gaps([gap])
    assert view.skipped_label.isHidden()
