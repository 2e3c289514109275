"""A facet correction keeps labelling its sentence when the abstract changes under it (markup taken out by
`check --repair`, a snippet replaced by the full abstract) and the splitter cuts the new text otherwise; one
that labels no sentence any more is named by the check, the repair and the import, never dropped silently."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.facets import facet_texts, paper_sentences, uncertain_sentences
from gapscope.ingest import import_file
from gapscope.integrity import check_library
from gapscope.sentences import labels_sentence, split_sentences
from gapscope.sources.markup import markup_to_text
from gapscope.store import LibraryError
from gapscope.triage import correct_facet, remove_facet_correction

from .facets_helpers import add_papers

STAMP = "2026-01-01T00:00:00+00:00"
# Kitchenham 2010: an abstract stored with Springer's escaped markup. Without it the splitter reads "matrices
# W and Z. The article ..." as an initial, "Z.", and joins the first two sentences.
MERGED_TITLE = "Analysis and Comparison of Reordering for Two Factorization Methods (LU and WZ) for Sparse Matrices"


@pytest.fixture
def marked_up(shared_data):
    with open(shared_data / "screening" / "kitchenham2010-software-engineering.csv", newline="",
              encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["title"] == MERGED_TITLE)
    assert "&lt;Emphasis" in row["abstract"]
    return row["title"], row["abstract"]


def _classify(lib, pid: int) -> None:
    """What `gapscope facets` stores for the paper's abstract now, every sentence "background" / "none", so
    that only a correction makes a sentence anything else."""
    (abstract,) = lib._conn.execute("SELECT abstract FROM papers WHERE id = ?", (pid,)).fetchone()
    rows = [(i, s.start, s.end, s.text, "background", 0.5, "none", 0.5)
            for i, s in enumerate(split_sentences(abstract))]
    lib.write_facet_sentences(pid, rows, "test-model", "hash", STAMP)


def _check(lib, *args):
    return CliRunner().invoke(main, ["-L", str(lib.path), "check", "--quiet", *args])


def test_a_correction_keeps_labelling_its_sentence_when_the_repair_joins_it_to_its_neighbour(library, marked_up):
    pid = add_papers(library, [marked_up])[0]
    _classify(library, pid)
    first, second, third = paper_sentences(library, pid)
    assert second["text"].startswith("The article compares")
    correct_facet(library, pid, second["start"], second["end"], "method")
    correct_facet(library, pid, first["start"], first["end"], "prior")
    assert _check(library, "--repair").exit_code == 3       # the markup found, and taken out

    new = library.get_paper(pid).abstract
    assert "&lt;" not in new and "matrices W and Z. The article compares" in new.replace("Wand", "W and")
    _classify(library, pid)                                   # the facet pipeline splits the new text
    joined, last = paper_sentences(library, pid)
    assert joined["text"].startswith("The authors of the article") and "The article compares" in joined["text"]
    assert (joined["role"], joined["role_corrected"]) == ("method", True)
    assert (joined["shortcoming"], joined["shortcoming_corrected"]) == ("prior", True)
    assert (last["role"], last["shortcoming"], last["role_corrected"]) == ("background", "none", False)
    assert facet_texts(library)[pid]["method"] == joined["text"]
    assert library.facet_label_counts() == {"roles": {"background": 1, "method": 1},
                                            "shortcomings": {"none": 1, "prior": 1}}
    assert [r["idx"] for r in uncertain_sentences(library)] == [last["idx"]]     # the corrected one is settled
    found = check_library(library)
    assert found.clean, found.to_dict()


def test_a_correction_whose_words_are_gone_is_named_by_the_check_and_labels_nothing(library, marked_up):
    title, abstract = marked_up
    pid = add_papers(library, [(title, markup_to_text(abstract))])[0]        # as an import stores it now
    _classify(library, pid)
    sents = paper_sentences(library, pid)
    target = sents[-1]
    words = target["text"]
    correct_facet(library, pid, target["start"], target["end"], "own")
    assert check_library(library).clean
    # the abstract changed under it, outside GapScope: the last sentence rewritten, its place now other words
    changed = library.get_paper(pid).abstract.replace(words, "We also measured the time taken by both algorithms"
                                                                " on every matrix of the Davis Collection.")
    with library.transaction() as conn:
        conn.execute("UPDATE papers SET abstract = ? WHERE id = ?", (changed, pid))
    _classify(library, pid)
    assert not any(s["shortcoming_corrected"] for s in paper_sentences(library, pid))   # not on other words

    found = check_library(library)
    (stray,) = found.facet_corrections
    assert (stray["paper_id"], stray["text"], stray["shortcoming"], stray["why"]) == (pid, words, "own", "words_gone")
    r = _check(library)
    assert r.exit_code == 3 and "facet corrections that label no sentence (1):" in r.stdout, r.output
    assert f"paper {pid}" in r.stdout and repr(words) in r.stdout and "no longer at its place" in r.stdout
    assert "uncorrect-facet" in r.stdout

    # the user sets the label again on the sentence meant, and removes the old correction
    new_last = paper_sentences(library, pid)[-1]
    correct_facet(library, pid, new_last["start"], new_last["end"], "own")
    assert paper_sentences(library, pid)[-1]["shortcoming_corrected"]
    r = CliRunner().invoke(main, ["-L", str(library.path), "annotate", "uncorrect-facet", str(pid),
                                  str(stray["start"]), str(stray["end"])])
    assert r.exit_code == 0, r.output
    assert f"paper {pid} {stray['start']}..{stray['end']}: removed the correction (shortcoming own) of {words!r}" \
        in r.output
    assert check_library(library).clean


def test_the_repair_names_a_correction_that_labels_no_sentence_of_the_text_without_markup(library):
    # the raw text cuts after "</Emphasis>." (no word before the full stop) but not at ".</p><p>"; without
    # markup "Z." reads as an initial, and the paragraph break cuts: the middle sentence falls on the two
    # halves of a boundary, most of it in neither, and most of neither in it
    head = "We compare two factorizations of sparse matrices on fill-in and on the time taken by each, " \
           "over many test cases drawn from the Davis &lt;Emphasis Type=\"Bold\"&gt;Q&lt;/Emphasis&gt;."
    middle = "Then result.</p><p>Both runs &lt;Emphasis Type=\"Bold\"&gt;Z&lt;/Emphasis&gt;."
    tail = "The reordering algorithms differ between the two factorizations and so do their costs in time."
    abstract = f"<p>{head} {middle} {tail}</p>"
    pid = add_papers(library, [("Reordering sparse matrices", abstract)])[0]
    _classify(library, pid)
    sents = paper_sentences(library, pid)
    assert [s["text"] for s in sents][1] == middle
    correct_facet(library, pid, sents[1]["start"], sents[1]["end"], "result")
    r = _check(library, "--repair")
    assert r.exit_code == 3, r.output
    new = library.get_paper(pid).abstract
    assert "<p>" not in new
    (c,) = library.facet_corrections(pid)
    assert new[c["start"]:c["end"]] == c["text"] == "Then result. Both runs Z."
    assert not any(labels_sentence((c["start"], c["end"]), (s.start, s.end)) for s in split_sentences(new))
    assert "repaired, with a facet correction left labelling nothing:" in r.stdout
    assert f"paper {pid}" in r.stdout and "'Then result. Both runs Z.'" in r.stdout and "role result" in r.stdout
    (stray,) = check_library(library).facet_corrections                # the check names it from now on
    assert (stray["text"], stray["why"]) == ("Then result. Both runs Z.", "no_sentence")


def test_an_import_names_a_correction_that_labels_no_sentence_of_the_full_abstract(library, tmp_path, marked_up):
    title, _ = marked_up
    full = ("We compare two factorizations of sparse matrices. The first is the traditional one into L and U, "
            "with the fill-in it gives. The second is into W and Z, with its own reordering.")
    snippet = "… the traditional one into L and U, with the fill-in it gives. The second is …"
    src = tmp_path / "first.csv"
    src.write_text(f'title,abstract\n"{title}","{snippet}"\n', encoding="utf-8")
    assert import_file(library, src).added == 1
    (pid,) = library.list_paper_ids()
    with library.transaction() as conn:
        conn.execute("UPDATE papers SET abstract_truncated = 1 WHERE id = ?", (pid,))
    # a correction made on a piece of the snippet that stands across two sentences of the full abstract
    words = "it gives. The second"
    at = snippet.index(words)
    library.set_facet_correction(pid, at, at + len(words), "method", None, STAMP)
    src2 = tmp_path / "full.csv"
    src2.write_text(f'title,abstract\n"{title}","{full}"\n', encoding="utf-8")
    report = import_file(library, src2)
    assert report.merged == 1 and library.get_paper(pid).abstract == full
    (c,) = library.facet_corrections(pid)
    assert full[c["start"]:c["end"]] == words                                 # kept, at its words
    (w,) = report.warnings
    assert f"paper #{pid}" in str(w) and repr(words) in str(w) and "labels no sentence" in str(w)
    assert [s["why"] for s in check_library(library).facet_corrections] == ["no_sentence"]


def test_which_sentences_a_correction_labels():
    # joined to a longer neighbour: most of the correction lies in the joined sentence
    assert labels_sentence((40, 60), (0, 60))
    # cut in two: each half lies mostly in it
    assert labels_sentence((0, 100), (0, 30)) and labels_sentence((0, 100), (31, 100))
    # across a boundary, most of it in neither, most of neither in it
    assert not labels_sentence((50, 70), (0, 59)) and not labels_sentence((50, 70), (60, 120))
    assert not labels_sentence((0, 10), (10, 20))


def test_of_two_corrections_on_a_joined_sentence_the_one_on_it_then_the_one_covering_most_of_it_wins(library):
    abstract = "We measure the fill-in of both factorizations. Then the time."
    pid = add_papers(library, [("Two corrections, one sentence", abstract)])[0]
    library.write_facet_sentences(pid, [(0, 0, len(abstract), abstract, "background", 0.5, "none", 0.5)],
                                  "test-model", "hash", STAMP)      # the two sentences as one
    cut = abstract.index(" Then")
    library.set_facet_correction(pid, 0, cut, "method", None, "2026-01-01T00:00:00+00:00")
    library.set_facet_correction(pid, cut + 1, len(abstract), "result", "own", "2026-02-01T00:00:00+00:00")
    (s,) = paper_sentences(library, pid)
    assert (s["role"], s["shortcoming"]) == ("method", "own")      # the larger part's role, the only shortcoming
    library.set_facet_correction(pid, 0, len(abstract), "other", None, "2025-12-01T00:00:00+00:00")
    (s,) = paper_sentences(library, pid)
    assert (s["role"], s["shortcoming"]) == ("other", "own")       # made on that very sentence, older or not


def test_a_sentence_listed_from_before_the_abstract_changed_is_not_corrected_on_the_words_now_at_its_place(library):
    # markup taken out of the first sentence moves every later one to the left; until the facet pipeline
    # splits the new text, the stored sentences keep their old offsets, which now hold other words
    abstract = ("<p>We compare <i>two</i> <i>new</i> <b>methods</b> on <i>many</i> data sets. </p> <p>Both are fast."
                " The second one is slower on large inputs, and uses more memory. We discuss why this happens and"
                " what it means for users of either method in practice.</p>")
    pid = add_papers(library, [("Stale sentences", abstract)])[0]
    _classify(library, pid)
    assert _check(library, "--repair").exit_code == 3
    meant = next(s for s in paper_sentences(library, pid) if s["text"].startswith("The second one"))
    new = library.get_paper(pid).abstract
    assert new[meant["start"]:meant["end"]] != meant["text"]          # listed still, at its old place

    with pytest.raises(LibraryError, match=rf"not a sentence of paper {pid}'s abstract as it is now"):
        correct_facet(library, pid, meant["start"], meant["end"], "own")
    assert library.facet_corrections(pid) == []
    # the sentence as the abstract holds it now is corrected, and stays on it once the pipeline splits the text
    at = new.index("The second one")
    correct_facet(library, pid, at, new.index(" We discuss"), "own")
    _classify(library, pid)
    assert [s["text"][:14] for s in paper_sentences(library, pid) if s["shortcoming_corrected"]] == ["The second one"]


def test_a_correction_set_again_where_one_made_on_other_words_stood_takes_none_of_its_labels(library):
    abstract = "We compare two factorizations. The fill-in grows fast. We close with the costs in time."
    pid = add_papers(library, [("Same place, other words", abstract)])[0]
    _classify(library, pid)
    middle = paper_sentences(library, pid)[1]
    correct_facet(library, pid, middle["start"], middle["end"], "result")
    correct_facet(library, pid, middle["start"], middle["end"], "own")
    # rewritten outside GapScope: other words, as long, at its place
    changed = abstract.replace("The fill-in grows fast.", "Our tests ran on a GPU.")
    assert len(changed) == len(abstract)
    with library.transaction() as conn:
        conn.execute("UPDATE papers SET abstract = ? WHERE id = ?", (changed, pid))
    _classify(library, pid)
    (stray,) = check_library(library).facet_corrections
    assert stray["why"] == "words_gone"

    # the user sets the role of the sentence now there, as the check advises: the old one is replaced, and said
    r = CliRunner().invoke(main, ["-L", str(library.path), "annotate", "correct-facet", str(pid),
                                  str(middle["start"]), str(middle["end"]), "method"])
    assert r.exit_code == 0, r.output
    assert "replaces the correction made there on 'The fill-in grows fast.'" in r.output
    assert "nothing is left to remove" in r.output
    now = paper_sentences(library, pid)[1]
    assert (now["role"], now["role_corrected"]) == ("method", True)
    assert (now["shortcoming"], now["shortcoming_corrected"]) == ("none", False)   # not the old words' "own"
    assert check_library(library).clean
    # removing the old correction as listed before (its words) leaves the new one alone
    assert not remove_facet_correction(library, pid, stray["start"], stray["end"], made_on=stray["text"])
    assert [c["role"] for c in library.facet_corrections(pid)] == ["method"]
    assert remove_facet_correction(library, pid, now["start"], now["end"], made_on=now["text"])
    assert library.facet_corrections(pid) == []


def test_a_library_from_before_the_words_were_kept_keeps_its_corrections_on_their_sentences(tmp_path, monkeypatch):
    import gapscope.store.library as store_lib
    from gapscope.store import Library
    from gapscope.store.schema import MIGRATIONS

    cut = [name for name, _ in MIGRATIONS].index("1300_facet_correction_text")
    monkeypatch.setattr(store_lib, "MIGRATIONS", MIGRATIONS[:cut])          # schema 18
    abstract = "Über die Größe 𝔘 von Xs. We study 😀 things here. Results 😀 are good."   # beyond the BMP too
    with Library(tmp_path / "old.gapscope") as old:
        pid = add_papers(old, [("Unicode", abstract)])[0]
        _classify(old, pid)
        first, _, last = split_sentences(abstract)
        with old.transaction() as conn:
            conn.execute("INSERT INTO facet_corrections (paper_id, start, end, label, corrected_at) VALUES (?, ?, ?,"
                         " 'method', 'then')", (pid, first.start, first.end))
            conn.execute("INSERT INTO facet_corrections (paper_id, start, end, shortcoming, corrected_at) VALUES"
                         " (?, ?, ?, 'own', 'then')", (pid, last.start, last.end))
    monkeypatch.setattr(store_lib, "MIGRATIONS", MIGRATIONS)
    with Library(tmp_path / "old.gapscope") as lib:
        assert [c["text"] for c in lib.facet_corrections(pid)] == [first.text, last.text]
        got = [(s["role"], s["role_corrected"], s["shortcoming"], s["shortcoming_corrected"])
               for s in paper_sentences(lib, pid)]
        assert got == [("method", True, "none", False), ("background", False, "none", False),
                       ("background", False, "own", True)]
        assert check_library(lib).clean


def test_a_correction_left_on_pieces_of_words_by_an_old_import_labels_nothing_after_the_upgrade_and_is_named(
        tmp_path, monkeypatch):
    import gapscope.store.library as store_lib
    from gapscope.store import Library
    from gapscope.store.schema import MIGRATIONS

    cut = [name for name, _ in MIGRATIONS].index("1300_facet_correction_text")
    monkeypatch.setattr(store_lib, "MIGRATIONS", MIGRATIONS[:cut])          # schema 18
    snippet = "… forty studies of pair programming in industry. Most report better code at a higher cost. We discuss …"
    full = ("Software engineering needs evidence. We review forty studies of pair programming in industry. Most"
            " report better code at a higher cost. We discuss what this means for teams.")
    with Library(tmp_path / "old.gapscope") as old:
        pid = add_papers(old, [("Pair programming", snippet)])[0]
        meant = split_sentences(snippet)[1]
        with old.transaction() as conn:
            conn.execute("INSERT INTO facet_corrections (paper_id, start, end, label, corrected_at) VALUES (?, ?, ?,"
                         " 'result', 'then')", (pid, meant.start, meant.end))
            # an import of then: the full abstract in place of the snippet, the correction left at its offsets
            conn.execute("UPDATE papers SET abstract = ? WHERE id = ?", (full, pid))
        _classify(old, pid)
        assert full[meant.start:meant.end] == "rty studies of pair programming in indust"
    monkeypatch.setattr(store_lib, "MIGRATIONS", MIGRATIONS)
    with Library(tmp_path / "old.gapscope") as lib:
        assert not any(s["role_corrected"] for s in paper_sentences(lib, pid))    # as before the upgrade
        (stray,) = check_library(lib).facet_corrections
        assert (stray["paper_id"], stray["role"], stray["why"]) == (pid, "result", "words_gone")
        r = _check(lib)
        assert r.exit_code == 3 and f"paper {pid}" in r.stdout and "words no longer known" in r.stdout, r.output
        assert "'rty studies" not in r.stdout
