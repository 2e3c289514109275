"""A paper's abstract can be set, replaced and cleared by hand (gapscope.editing): in one transaction,
with the user's marks following their words (or kept in a note when their words are gone), and with what
was computed from the old abstract (facet sentences, vectors) gone, so that the maps, concepts and gaps
built from it show as out of date and the next analyze redoes that paper."""

import numpy as np
import pytest

from gapscope.editing import EditError, clear_abstract, set_abstract
from gapscope.ingest import ingest_papers
from gapscope.maps.stale import made_from, stale_reasons_for
from gapscope.models import CHECK_ABSTRACT_TAG, Paper
from gapscope.store import LibraryError

GUESSED = ("Proceedings of the Workshop on Clinical Text. Copyright 2019 the authors. All rights reserved "
           "and reproduced with permission.")
REAL = ("We classify discharge letters with a small transformer. It reaches an F1 of 0.91 on three hospitals. "
        "Rare diagnoses remain hard.")


def _paper(lib, abstract: str = GUESSED) -> int:
    rep = ingest_papers(lib, [Paper(title="Discharge letter classification", abstract=abstract, doi="10.1000/dl.1",
                                    source="pdf", source_key="letters.pdf")], kind="import", source="pdf",
                        target="letters.pdf")
    return rep.added_ids[0]


def _analysed(lib, pid: int) -> None:
    """What analyze leaves for the paper: its sentences, its facet row, its abstract vector."""
    from gapscope.embed import store as vstore

    abstract = lib.get_paper(pid).abstract
    cut = abstract.index(". ") + 1
    lib.write_facet_sentences(pid, [(0, 0, cut, abstract[:cut], "other", 0.9, "none", 0.9),
                                    (1, cut + 1, len(abstract), abstract[cut + 1:], "other", 0.9, "none", 0.9)],
                              "facets-test", vstore.text_hash(abstract), "2026-01-01T00:00:00")
    h = vstore.text_hash(abstract)
    with lib.transaction():
        vstore.put_vectors(lib, "all-MiniLM-L6-v2", [h], np.ones((1, 4), dtype=np.float32))
        vstore.put_mapping(lib, "all-MiniLM-L6-v2", [(pid, "abstract", h)])


def test_an_abstract_is_replaced_and_what_was_computed_from_it_goes(library):
    lib = library
    pid = _paper(lib)
    lib.add_tag([pid], CHECK_ABSTRACT_TAG)          # what a PDF import does with a guessed abstract
    _analysed(lib, pid)
    topic = {"made_from": made_from(lib, "topic")}
    result = {"made_from": made_from(lib, "result")}
    assert stale_reasons_for(lib, "topic", topic) == [] and stale_reasons_for(lib, "result", result) == []
    before = lib.library_fingerprint()

    edit = set_abstract(lib, pid, f"  {REAL}\r\n\r\nSecond paragraph.  ")
    assert edit.changed and edit.abstract == REAL + "\n\nSecond paragraph."
    p = lib.get_paper(pid)
    assert p.abstract == edit.abstract and not p.abstract_truncated
    assert CHECK_ABSTRACT_TAG not in lib.tags_of(pid)        # the user's abstract: nothing left to check
    assert lib.effective_sentences(pid) == [] and pid not in lib.classified_paper_ids()
    assert lib.text_mapping("all-MiniLM-L6-v2", "abstract") == {}
    assert lib.library_fingerprint() != before               # concepts and gaps read it: out of date
    assert stale_reasons_for(lib, "topic", topic)            # its vectors changed
    assert stale_reasons_for(lib, "result", result)          # its labels changed
    assert [i for i, _r in lib.search("transformer")] == [pid]   # the search index follows


def test_highlights_follow_their_words_and_marks_on_words_gone_are_kept_in_a_note(library):
    lib = library
    pid = _paper(lib, REAL)
    s = REAL.index("small transformer")
    kept = lib.add_highlight(pid, s, s + len("small transformer"), comment="which one?")
    g = REAL.index("Rare diagnoses")
    lib.add_highlight(pid, g, g + len("Rare diagnoses remain hard"), comment="the gap")
    lib.set_facet_correction(pid, g, len(REAL), "result", None, "2026-01-01T00:00:00")
    r = REAL.index("It reaches")
    lib.set_facet_correction(pid, r, g - 1, "result", None, "2026-01-01T00:00:00")

    new = "Background first. " + REAL[:g].strip()
    edit = set_abstract(lib, pid, new)
    assert (edit.moved, edit.noted) == (2, 2)
    hs = lib.highlights_with_ids(pid)
    assert [(h["id"], new[h["start"]:h["end"]]) for h in hs] == [(kept, "small transformer")]
    (moved,) = lib.facet_corrections(pid)
    assert new[moved["start"]:moved["end"]] == moved["text"] == "It reaches an F1 of 0.91 on three hospitals."
    (note,) = lib.notes_of(pid)
    assert note["id"] == edit.note_id
    assert "“Rare diagnoses remain hard”: the gap" in note["body"]
    assert "facet correction (role result): “Rare diagnoses remain hard.”" in note["body"]


def test_an_abstract_is_cleared_and_a_bad_one_is_refused_by_name(library):
    lib = library
    pid = _paper(lib, REAL)
    with pytest.raises(EditError, match="cannot be empty"):
        set_abstract(lib, pid, " \n ")
    with pytest.raises(EditError, match=r"control character \(U\+0007\) at position 5"):
        set_abstract(lib, pid, "Bell\x07")
    with pytest.raises(LibraryError, match="no paper with id 999"):
        set_abstract(lib, 999, REAL)
    assert lib.get_paper(pid).abstract == REAL              # nothing written by a refused edit
    edit = clear_abstract(lib, pid)
    assert edit.changed and edit.abstract == "" and not lib.get_paper(pid).abstract
    assert lib.search("transformer") == []
    assert not clear_abstract(lib, pid).changed             # nothing to clear: nothing written


def test_an_abstract_saved_unchanged_touches_nothing_its_check_tag_neither(library):
    """A save that changes nothing keeps no edit, so it may change nothing either: a tag taken off by it could
    not be put back by an undo (the tag comes off with the tag's own remove, which says what it does)."""
    from gapscope.editing import undo_edit

    lib = library
    pid = _paper(lib)
    lib.add_tag([pid], CHECK_ABSTRACT_TAG)
    _analysed(lib, pid)
    edit = set_abstract(lib, pid, GUESSED)
    assert not edit.changed and CHECK_ABSTRACT_TAG in lib.tags_of(pid)
    assert lib.paper_edits(pid) == [] and undo_edit(lib, pid) is None
    assert len(lib.effective_sentences(pid)) == 2           # the same text: nothing to redo


def test_the_command_line_sets_reads_from_a_file_and_clears_an_abstract(library, tmp_path):
    from click.testing import CliRunner

    from gapscope.cli import main

    lib = library
    pid = _paper(lib)

    def cli(*a, **k):
        return CliRunner().invoke(main, ["--library", str(lib.path), "papers", "edit", *a], **k)

    r = cli("10.1000/dl.1", "--abstract", REAL)
    assert r.exit_code == 0, r.output
    assert f"#{pid}: abstract set ({len(REAL)} characters)" in r.output and "gapscope analyze" in r.output
    assert lib.get_paper(pid).abstract == REAL
    typed = tmp_path / "abstract.txt"
    typed.write_text("From a file.\n", encoding="utf-8")
    assert cli(str(pid), "--abstract-file", str(typed)).exit_code == 0
    assert lib.get_paper(pid).abstract == "From a file."
    assert cli(str(pid), "--abstract-file", "-", input="From standard input.").exit_code == 0
    assert lib.get_paper(pid).abstract == "From standard input."
    # bad input is named and changes nothing
    r = cli(str(pid), "--abstract", "  ")
    assert r.exit_code == 2 and f"paper #{pid}: an abstract cannot be empty (clear it instead)" in r.output
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9".encode("latin-1"))
    r = cli(str(pid), "--abstract-file", str(bad))
    assert r.exit_code == 2 and f"{bad}: cannot read it as UTF-8 text" in r.output
    r = cli(str(pid), "--abstract", "x", "--clear-abstract")
    assert r.exit_code == 2 and "--abstract and --clear-abstract cannot go together" in r.output
    assert cli(str(pid)).exit_code == 2
    r = cli(str(pid), "--title", "A new title", "--abstract", " ")
    assert r.exit_code == 2 and lib.get_paper(pid).title == "Discharge letter classification"   # neither written
    assert cli("999", "--clear-abstract").exit_code == 4
    assert lib.get_paper(pid).abstract == "From standard input."
    r = cli(str(pid), "--clear-abstract")
    assert r.exit_code == 0 and f"#{pid}: abstract cleared" in r.output
    assert lib.get_paper(pid).abstract == ""


def test_a_highlight_made_on_words_shown_before_an_edit_is_refused_not_put_on_other_words(library):
    """The desktop shows the abstract while its edit waits on the writer queue: a highlight made on the words
    shown then names them, and lands on nothing once the abstract no longer holds them there."""
    from gapscope.triage import add_highlight

    lib = library
    pid = _paper(lib, REAL)
    s = REAL.index("small transformer")
    span = (s, s + len("small transformer"))
    set_abstract(lib, pid, "Background first. " + REAL)          # the edit queued first is saved first
    with pytest.raises(LibraryError, match=r"changed since.*nothing was highlighted"):
        add_highlight(lib, pid, *span, made_on="small transformer")
    assert lib.highlights_with_ids(pid) == []
    new = lib.get_paper(pid).abstract
    t = new.index("small transformer")                           # the words where they are now: highlighted
    hid = add_highlight(lib, pid, t, t + len("small transformer"), made_on="small transformer")
    assert [h["id"] for h in lib.highlights_with_ids(pid)] == [hid]


def test_an_abstract_edited_elsewhere_while_analyze_classifies_it_does_not_get_the_old_one_s_sentences(library):
    """`gapscope papers edit` in a shell while the window's analyze classifies the paper: the sentences and the
    vector made from the abstract as it was read are not stored over the new one (they would be cut at the old
    offsets and count as current); the next run classifies the new abstract."""
    from gapscope.embed import Encoder
    from gapscope.facets import classify_library
    from gapscope.facets.model import load_model
    from gapscope.facets.store import classify_texts
    from gapscope.jobs import local_runner
    from gapscope.store import Library

    lib = library
    pid = _paper(lib, REAL)
    enc, model = Encoder(), load_model()
    edited = "Background comes first here. " + REAL

    def runner(work):
        for item in local_runner(lambda w: classify_texts(enc, model, *w))(work):
            with Library(lib.path) as other:          # another process, while the chunk was classified
                set_abstract(other, pid, edited)
            yield item

    classify_library(lib, model=model, encoder=enc, runner=runner)
    assert lib.get_paper(pid).abstract == edited
    assert lib.effective_sentences(pid) == [] and pid not in lib.classified_paper_ids()
    assert lib.text_mapping(enc.model_id, "abstract") == {}
    assert classify_library(lib, model=model, encoder=enc)["classified"] == 1
    sents = lib.effective_sentences(pid)
    assert sents and all(" ".join(edited[s["start"]:s["end"]].split()) == s["text"] for s in sents)


def test_an_abstract_file_saved_with_a_byte_order_mark_does_not_keep_it(library, tmp_path):
    """Windows editors write UTF-8 with a byte order mark: it is the file's, not a character of the abstract."""
    from click.testing import CliRunner

    from gapscope.cli import main

    pid = _paper(library)
    typed = tmp_path / "abstract.txt"
    typed.write_bytes("\ufeffFrom Notepad.".encode("utf-8"))
    for source, stdin in ((str(typed), None), ("-", typed.read_bytes())):
        r = CliRunner().invoke(main, ["--library", str(library.path), "papers", "edit", str(pid),
                                      "--abstract-file", source], input=stdin)
        assert r.exit_code == 0, r.output
        assert library.get_paper(pid).abstract == "From Notepad."
        library.set_paper_abstract(pid, GUESSED, expected="From Notepad.")


def test_saving_an_abstract_unchanged_says_no_change_and_how_to_take_the_check_tag_off(library):
    """`papers edit --abstract` with the text it has writes nothing: the command says so, and, for a guessed
    abstract, how to say it is checked (the tag's own remove)."""
    from click.testing import CliRunner

    from gapscope.cli import main

    pid = _paper(library)
    library.add_tag([pid], CHECK_ABSTRACT_TAG)
    r = CliRunner().invoke(main, ["--library", str(library.path), "papers", "edit", str(pid), "--abstract", GUESSED])
    assert r.exit_code == 0, r.output
    assert f"#{pid}: no change: the abstract is already this text" in r.output and "--undo" not in r.output
    assert f'gapscope tag --remove "{CHECK_ABSTRACT_TAG}" {pid}' in r.output
    assert CHECK_ABSTRACT_TAG in library.tags_of(pid) and library.paper_edits(pid) == []


def test_a_title_and_an_abstract_edited_together_change_together_or_not_at_all(library, monkeypatch):
    """`papers edit --title --abstract` is one edit: an abstract that cannot be written (changed elsewhere since
    it was read) leaves the title as it was too."""
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.store.papers import PapersMixin

    lib = library
    pid = _paper(lib)

    def changed_elsewhere(self, paper_id, *a, **k):
        raise LibraryError(f"paper #{paper_id} was changed elsewhere since it was read: the abstract was not changed")

    monkeypatch.setattr(PapersMixin, "set_paper_abstract", changed_elsewhere)
    r = CliRunner().invoke(main, ["--library", str(lib.path), "papers", "edit", str(pid),
                                  "--title", "A new title", "--abstract", REAL])
    assert r.exit_code != 0 and "changed elsewhere" in r.output
    assert lib.get_paper(pid).title == "Discharge letter classification"
    assert lib.get_paper(pid).abstract == GUESSED
    monkeypatch.undo()
    r = CliRunner().invoke(main, ["--library", str(lib.path), "papers", "edit", str(pid),
                                  "--title", "A new title", "--abstract", REAL])
    assert r.exit_code == 0, r.output
    assert (lib.get_paper(pid).title, lib.get_paper(pid).abstract) == ("A new title", REAL)


def test_an_abstract_cleared_or_edited_by_hand_is_not_filled_again_by_an_import_of_the_record(library, tmp_path):
    """The user's edit wins over a record, as facet corrections win over the model: the same file imported
    again, or another record of the paper, leaves a cleared abstract empty and an edited one as edited; the
    summary counts them per file and a note names each record, whose abstract stays in its source record."""
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.editing import edit_paper
    from gapscope.ingest import import_file

    src = tmp_path / "refs.csv"
    src.write_text(f'title,abstract,doi\nDischarge letter classification,"{GUESSED}",10.1000/dl.1\n'
                   f'Sepsis alerts in the ward,"{REAL}",10.1000/sepsis\n', encoding="utf-8")
    import_file(library, src)
    letters, sepsis = library.list_paper_ids()
    clear_abstract(library, letters)
    edit_paper(library, sepsis, title="Sepsis alerts on the ward", abstract="My own summary.")
    rep = import_file(library, src)                                   # the same records again
    assert library.get_paper(letters).abstract == "" and library.get_paper(sepsis).abstract == "My own summary."
    assert (rep.unchanged, rep.kept_edited) == (2, 2)
    assert library.get_paper(sepsis).title == "Sepsis alerts on the ward"
    assert [str(w) for w in rep.warnings] == [
        f"{src}:2: paper #{letters} keeps its abstract cleared by hand: this record's abstract is not taken (it is "
        "kept with the paper's source records)",
        f"{src}:3: paper #{sepsis} keeps its abstract as edited by hand: this record's abstract is not taken (it "
        "is kept with the paper's source records)"]
    assert [s["data"]["abstract"] for s in library.source_records(letters)] == [GUESSED]
    other = tmp_path / "other.ris"                                    # another record of the paper, from the CLI
    other.write_text(f"TY  - JOUR\nTI  - Discharge letter classification\nDO  - 10.1000/dl.1\nAB  - {REAL}\n"
                     "ER  - \n", encoding="utf-8")
    r = CliRunner().invoke(main, ["--library", str(library.path), "import", str(other)])
    assert r.exit_code == 0, r.output
    assert f"{other}: read 1, added 0, merged 1, already there 0, bad 0, 1 abstract kept as edited" in r.output
    assert library.get_paper(letters).abstract == ""
    # a paper no one edited still gets the abstract its record brings
    fresh = tmp_path / "fresh.csv"
    fresh.write_text("title,doi\nTriage notes,10.1000/triage\n", encoding="utf-8")
    import_file(library, fresh)
    (triage,) = library.list_paper_ids(query='"Triage notes"')
    fresh.write_text(f'title,abstract,doi\nTriage notes,"{REAL}",10.1000/triage\n', encoding="utf-8")
    assert import_file(library, fresh).kept_edited == 0 and library.get_paper(triage).abstract == REAL
