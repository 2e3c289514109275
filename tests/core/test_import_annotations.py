"""A paper whose abstract was only a search engine's snippet gets the full abstract from a later import;
the highlights and facet corrections the user made on the snippet move with their words, and a snippet
holding one that cannot be placed in the full abstract for sure is kept as it is (the import says so)."""

from __future__ import annotations

import csv

import pytest

from gapscope.ingest import import_file


@pytest.fixture
def record(shared_data):
    with open(shared_data / "screening" / "kitchenham2010-software-engineering.csv", newline="",
              encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if len(r["abstract"]) > 400)
    return {"title": row["title"], "abstract": " ".join(row["abstract"].split()), "year": row["year"]}


def _write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=["title", "abstract", "year"])
        out.writeheader()
        out.writerows(rows)
    return path


def _snippet_paper(library, tmp_path, record):
    """The paper as a Scholar collect leaves it: a shortened abstract, its lines wrapped otherwise."""
    full = record["abstract"]
    words = full.split()
    snippet = "… " + "\n".join([" ".join(words[10:25]), " ".join(words[25:40])]) + " …"
    assert import_file(library, _write(tmp_path / "first.csv", [dict(record, abstract=snippet)])).added == 1
    (pid,) = library.list_paper_ids()
    with library.transaction() as conn:
        conn.execute("UPDATE papers SET abstract_truncated = 1 WHERE id = ?", (pid,))
    return pid, snippet, words


def test_highlights_and_corrections_on_a_snippet_follow_their_words_into_the_full_abstract(library, tmp_path,
                                                                                          record):
    pid, snippet, words = _snippet_paper(library, tmp_path, record)
    marked = "\n".join([" ".join(words[20:25]), " ".join(words[25:28])])
    start = snippet.index(marked)
    hid = library.add_highlight(pid, start, start + len(marked), comment="the claim we test")
    library.set_facet_correction(pid, start, start + len(marked), "method", None, "2026-01-01T00:00:00+00:00")
    report = import_file(library, _write(tmp_path / "full.csv", [record]))
    assert report.merged == 1 and not report.warnings
    full = library.get_paper(pid).abstract
    assert full == record["abstract"]
    (h,) = library.highlights_with_ids(pid)
    assert (h["id"], full[h["start"]:h["end"]], h["comment"]) == (hid, " ".join(words[20:28]), "the claim we test")
    (c,) = library.facet_corrections(pid)
    assert (full[c["start"]:c["end"]], c["role"]) == (" ".join(words[20:28]), "method")


def test_a_snippet_whose_highlight_is_not_in_the_full_abstract_is_kept(library, tmp_path, record):
    pid, snippet, _words = _snippet_paper(library, tmp_path, record)
    library.add_highlight(pid, 0, 1, comment="on the ellipsis")      # "…": nowhere in the full abstract
    report = import_file(library, _write(tmp_path / "full.csv", [record]))
    assert report.merged == 1
    assert library.get_paper(pid).abstract == snippet
    assert any(f"paper #{pid} keeps its shortened abstract" in str(w) for w in report.warnings)
    (h,) = library.highlights_with_ids(pid)
    assert (h["start"], h["end"]) == (0, 1)


@pytest.mark.parametrize("which", [0, -1])
def test_a_correction_on_a_snippet_sentence_ending_in_its_ellipsis_follows_its_words(library, tmp_path, record, which):
    """The sentences of a snippet begin and end with its ellipses ("… words … words …"), which the full
    abstract does not hold: a correction made on the first or last of them goes with its words all the same."""
    from gapscope.facets import paper_sentences
    from gapscope.sentences import split_sentences
    from gapscope.triage import correct_facet

    pid, snippet, _words = _snippet_paper(library, tmp_path, record)
    meant = split_sentences(snippet)[which]
    assert "…" in meant.text
    correct_facet(library, pid, meant.start, meant.end, "method")
    report = import_file(library, _write(tmp_path / "full.csv", [record]))
    assert report.merged == 1 and not report.warnings, [str(w) for w in report.warnings]
    full = library.get_paper(pid).abstract
    assert full == record["abstract"]
    (c,) = library.facet_corrections(pid)
    assert c["role"] == "method" and full[c["start"]:c["end"]] == c["text"] == meant.text.strip("… ")
    rows = [(i, s.start, s.end, s.text, "background", 0.5, "none", 0.5) for i, s in enumerate(split_sentences(full))]
    library.write_facet_sentences(pid, rows, "test-model", "hash", "2026-01-01T00:00:00+00:00")
    (labelled,) = [s for s in paper_sentences(library, pid) if s["role_corrected"]]
    assert c["text"] in labelled["text"]
