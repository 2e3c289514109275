"""Notes, highlights, facet corrections and query-term spans."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.store import LibraryError
from gapscope.store.library import now_iso
from gapscope.triage import (add_highlight, add_note, annotations_of, correct_facet, delete_note,
                             facet_corrections_of, highlight_query, highlights_of, query_spans,
                             remove_facet_correction, remove_highlight, update_note)

ABSTRACT = ("We propose a graph neural network for molecule property prediction. Our models beat "
            "strong baselines on three benchmarks. A limitation is the small training set.")


@pytest.fixture
def paper(library):
    with library.transaction() as conn:
        pid = conn.execute("INSERT INTO papers (title, abstract, norm_title, added_at) VALUES (?, ?, ?, ?)",
                           ("Graph networks for molecules", ABSTRACT, "graph networks for molecules", now_iso())).lastrowid
    return library, pid


def test_notes_highlights_and_corrections_round_trip(paper):
    lib, pid = paper
    nid = add_note(lib, pid, "check the benchmark split")
    update_note(lib, nid, "check the benchmark split (table 2)")
    assert [n["body"] for n in lib.notes_of(pid)] == ["check the benchmark split (table 2)"]
    start = ABSTRACT.index("A limitation")
    hid = add_highlight(lib, pid, start, len(ABSTRACT), color="red", comment="key weakness")
    assert highlights_of(lib, pid)[0]["text"] == "A limitation is the small training set."
    correct_facet(lib, pid, start, len(ABSTRACT), "limitation")          # the old label: shortcoming own
    assert [(c["role"], c["shortcoming"]) for c in facet_corrections_of(lib, pid)] == [(None, "own")]
    correct_facet(lib, pid, start, len(ABSTRACT), "result")   # a role correction keeps the shortcoming one
    assert [(c["role"], c["shortcoming"]) for c in facet_corrections_of(lib, pid)] == [("result", "own")]
    correct_facet(lib, pid, start, len(ABSTRACT), "objective")  # a second correction of a kind replaces the first
    assert [(c["role"], c["shortcoming"]) for c in facet_corrections_of(lib, pid)] == [("objective", "own")]
    lib.add_tag([pid], "to-read")
    a = annotations_of(lib, pid)
    assert a["tags"] == ["to-read"] and len(a["notes"]) == 1 and a["highlights"][0]["id"] == hid
    remove_highlight(lib, hid)
    assert highlights_of(lib, pid) == []
    assert remove_facet_correction(lib, pid, start, len(ABSTRACT))
    delete_note(lib, nid)
    assert lib.notes_of(pid) == []


def test_bad_annotations_are_refused(paper):
    lib, pid = paper
    with pytest.raises(LibraryError, match="outside"):
        add_highlight(lib, pid, 10, len(ABSTRACT) + 5)
    with pytest.raises(LibraryError, match="start must be before the end"):
        add_highlight(lib, pid, 20, 10)
    with pytest.raises(LibraryError, match="facet label"):
        correct_facet(lib, pid, 0, 10, "conclusion")
    with pytest.raises(LibraryError):
        add_note(lib, pid, "   ")
    with pytest.raises(LibraryError):
        add_note(lib, 999, "no such paper")
    assert annotations_of(lib, pid)["highlights"] == [] and facet_corrections_of(lib, pid) == []


def test_correction_must_match_a_split_sentence_when_sentences_exist(paper):
    lib, pid = paper
    first_end = ABSTRACT.index(".") + 1
    with lib.transaction() as conn:  # the facet pipeline's table, as the interface defines it
        conn.execute('CREATE TABLE IF NOT EXISTS sentences (paper_id INTEGER, idx INTEGER, start INTEGER, "end" INTEGER,'
                     ' text TEXT, label TEXT, confidence REAL)')
        conn.execute('INSERT INTO sentences (paper_id, idx, start, "end", text, label, confidence)'
                     " VALUES (?, 0, 0, ?, ?, 'objective', 0.9)", (pid, first_end, ABSTRACT[:first_end]))
    correct_facet(lib, pid, 0, first_end, "method")
    with pytest.raises(LibraryError, match="not a sentence"):
        correct_facet(lib, pid, 0, first_end - 3, "method")


def test_a_correction_of_a_paper_not_yet_classified_must_be_one_of_its_sentences(paper):
    """No sentences stored yet: the span is checked against the sentences the facet splitter will make of
    the abstract, as it is against the stored ones once the paper is classified."""
    lib, pid = paper
    assert lib.facet_sentence_spans(pid) == []
    second = ABSTRACT.index("Our models")
    third = ABSTRACT.index("A limitation")
    with pytest.raises(LibraryError, match=rf"0\.\.10 is not a sentence of paper {pid} "
                                           rf"\(sentences: 0\.\.{second - 1}, {second}\.\.{third - 1}, "
                                           rf"{third}\.\.{len(ABSTRACT)}\)"):
        correct_facet(lib, pid, 0, 10, "method")
    with pytest.raises(LibraryError, match="not a sentence"):        # two sentences at once
        correct_facet(lib, pid, 0, third - 1, "method")
    assert facet_corrections_of(lib, pid) == []
    correct_facet(lib, pid, second, third - 1, "result")
    corrected = [(c["start"], c["end"], c["role"]) for c in facet_corrections_of(lib, pid)]
    assert corrected == [(second, third - 1, "result")]


def test_cli_correct_facet_names_what_is_wrong(paper):
    lib, pid = paper
    r = CliRunner()
    res = r.invoke(main, ["-L", str(lib.path), "annotate", "correct-facet", str(pid), "3", "25", "method"])
    assert res.exit_code == 1 and f"3..25 is not a sentence of paper {pid}" in res.stderr
    res = r.invoke(main, ["-L", str(lib.path), "annotate", "correct-facet", str(pid), "0", "100000", "method"])
    assert res.exit_code == 1 and f"outside paper {pid}'s abstract" in res.stderr
    res = r.invoke(main, ["-L", str(lib.path), "annotate", "correct-facet", "4242", "0", "10", "method"])
    assert res.exit_code == 4 and "4242" in res.stderr
    assert facet_corrections_of(lib, pid) == []


def test_query_spans_mark_words_prefixes_and_phrases():
    text = "Graph Neural Networks and graph-based models; neural nets."
    spans = query_spans(text, 'graph "neural networks" model')
    marked = [text[s:e] for s, e in spans]
    assert marked == ["Graph", "Neural Networks", "graph", "models"]
    k = text.index("neural nets")
    assert query_spans(text, "NOT title:neural") == [(6, 12), (k, k + 6)]
    assert query_spans(text, "") == [] and query_spans("", "graph") == []
    assert query_spans(text, "zebra") == []


def test_highlight_query_reads_the_abstract(paper):
    lib, pid = paper
    spans = highlight_query(lib, pid, "benchmark limitation")
    assert [ABSTRACT[s:e] for s, e in spans] == ["benchmarks", "limitation"]


def test_annotate_cli(tmp_path, paper):
    lib, pid = paper
    path = str(lib.path)
    r = CliRunner()
    assert r.invoke(main, ["-L", path, "annotate", "note", str(pid), "compare", "with", "GIN"]).exit_code == 0
    assert r.invoke(main, ["-L", path, "annotate", "highlight", str(pid), "0", "10"]).exit_code == 0
    first_end = ABSTRACT.index(".") + 1
    res = r.invoke(main, ["-L", path, "annotate", "correct-facet", str(pid), "0", str(first_end), "method"])
    assert res.exit_code == 0
    res = r.invoke(main, ["-L", path, "annotate", "highlight", str(pid), "0", "100000"])
    assert res.exit_code == 1 and "outside" in res.output
    res = r.invoke(main, ["-L", path, "annotate", "show", str(pid), "--json"])
    data = json.loads(res.output)
    assert data["notes"][0]["body"] == "compare with GIN"
    assert data["highlights"][0]["text"] == ABSTRACT[:10]
    assert data["facet_corrections"][0]["role"] == "method"
    res = r.invoke(main, ["-L", path, "annotate", "terms", str(pid), "graph", "neural"])
    assert "[[graph]] [[neural]]" in res.output
    assert r.invoke(main, ["-L", path, "annotate", "note", "4242", "x"]).exit_code == 4


def test_a_note_is_edited_and_deleted_from_the_cli(paper):
    """A note with a typo is put right, and one no longer wanted goes, after it is shown and asked about."""
    lib, pid = paper
    path = str(lib.path)
    r = CliRunner()
    assert r.invoke(main, ["-L", path, "annotate", "note", str(pid), "compare", "wiht", "GIN"]).exit_code == 0
    (note,) = lib.notes_of(pid)
    res = r.invoke(main, ["-L", path, "annotate", "edit-note", str(note["id"]), "compare", "with", "GIN"])
    assert res.exit_code == 0, res.output
    assert [n["body"] for n in lib.notes_of(pid)] == ["compare with GIN"]
    assert r.invoke(main, ["-L", path, "annotate", "edit-note", str(note["id"]), " "]).exit_code == 1
    res = r.invoke(main, ["-L", path, "annotate", "delete-note", str(note["id"])], input="n\n")
    assert res.exit_code == 130 and "compare with GIN" in res.output and len(lib.notes_of(pid)) == 1
    res = r.invoke(main, ["-L", path, "annotate", "delete-note", str(note["id"])], input="y\n")
    assert res.exit_code == 0 and lib.notes_of(pid) == []
    assert r.invoke(main, ["-L", path, "annotate", "delete-note", str(note["id"]), "--yes"]).exit_code == 4


def test_a_note_changed_since_it_was_read_is_neither_written_over_nor_deleted(paper):
    """An edit or delete that names the text it began from: another process's change made meanwhile stays."""
    from gapscope.store import NoteChanged

    lib, pid = paper
    nid = add_note(lib, pid, "seen by the user")
    update_note(lib, nid, "changed by a co-author")                       # meanwhile, elsewhere
    with pytest.raises(NoteChanged, match="changed elsewhere"):
        update_note(lib, nid, "the user's rewrite", expected="seen by the user")
    with pytest.raises(NoteChanged, match="changed elsewhere"):
        delete_note(lib, nid, expected="seen by the user")
    assert [n["body"] for n in lib.notes_of(pid)] == ["changed by a co-author"]
    update_note(lib, nid, "the user's rewrite", expected="changed by a co-author")
    delete_note(lib, nid, expected="the user's rewrite")
    with pytest.raises(NoteChanged, match="deleted elsewhere"):
        update_note(lib, nid, "too late", expected="the user's rewrite")


def test_the_cli_does_not_delete_a_note_changed_after_it_was_shown(paper, monkeypatch):
    import gapscope.commands.triage as commands

    lib, pid = paper
    nid = add_note(lib, pid, "shown to the user")

    def yes_but_meanwhile(*_a, **_k):
        update_note(lib, nid, "changed while the question waited")
        return True

    monkeypatch.setattr(commands, "confirm", yes_but_meanwhile)
    res = CliRunner().invoke(main, ["-L", str(lib.path), "annotate", "delete-note", str(nid)])
    assert res.exit_code == 1 and "changed elsewhere" in res.output
    assert [n["body"] for n in lib.notes_of(pid)] == ["changed while the question waited"]
