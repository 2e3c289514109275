"""A facet correction marks stale only the gaps that read the corrected paper (gaps/label_changes.py), on a
constructed library: four papers, two concepts, a gap on each and one between map clusters."""

from __future__ import annotations

import numpy as np
import pytest

ABSTRACTS = {
    "A": "Models struggle to represent diverse cultural knowledge. We propose a fix.",
    "B": "Sequential fine-tuning suffers from catastrophic forgetting. We propose a fix.",
    "C": "Image codecs waste bits on flat regions. We propose a fix.",
    # names cultural knowledge, though the extractor did not give it the concept: re-extracted, it may be
    "D": "Benchmarks of cultural knowledge are scarce. We build one.",
}


@pytest.fixture
def lib(tmp_path):
    from gapscope.store import Library

    lib = Library(tmp_path / "stale.gapscope")
    ids = {}
    with lib.transaction() as conn:
        for key, abstract in ABSTRACTS.items():
            ids[key] = conn.execute("INSERT INTO papers (title, norm_title, abstract, added_at) VALUES (?, ?, ?, "
                                    "'2026')", (f"Paper {key}", f"paper {key.lower()}", abstract)).lastrowid
    for key, abstract in ABSTRACTS.items():
        first, second = abstract.split(". ", 1)
        rows = [(0, 0, len(first) + 1, first + ".", "background", 0.9, "prior", 0.99),
                (1, len(first) + 2, len(abstract), second, "method", 0.9, "none", 0.99)]
        lib.write_facet_sentences(ids[key], rows, "test", f"h{key}", "2026-01-01T00:00:00+00:00")
    lib.ids = ids
    _extract(lib)
    yield lib
    lib.close()


def _extract(lib):
    """Store the concepts, as an extraction of the library as it is now."""
    from gapscope.store.library import now_iso

    v = np.ones(4, np.float32)
    lib.save_concepts([{"kind": "problem", "phrase": "cultural knowledge", "synonyms": [], "vector": v,
                        "papers": [(lib.ids["A"], "problem", 1.0)]},
                       {"kind": "problem", "phrase": "catastrophic forgetting", "synonyms": [], "vector": v,
                        "papers": [(lib.ids["B"], "problem", 1.0)]}], {"extractor": "test"}, now_iso())


def _gaps(lib):
    """A concept gap on "cultural knowledge" (evidence A), one on "catastrophic forgetting" (evidence B), and
    one between shortcoming map clusters (evidence B), each recorded as `gaps find` records them."""
    from gapscope.gaps.model import ClusterRef, Gap
    from gapscope.gaps.stale import made_with

    stamp = made_with(lib, {})
    batch = lib.latest_concept_batch()
    concepts = {c["phrase"]: c["id"] for c in lib.load_concepts()}

    def concept_gap(phrase, paper):
        ref = ClusterRef(facet="problem_concept", map_id=batch, cluster=concepts[phrase], label=phrase, keywords=[])
        return Gap("unaddressed_shortcoming", 1.0, f"{phrase} ...", None, ref, [paper], roles={paper: "shortcoming"},
                   details={"level": "concept", "made_with": stamp})

    ids = lib.ids
    cluster = ClusterRef(facet="shortcoming", map_id=1, cluster=3, label="forgetting, tasks", keywords=[])
    return (concept_gap("cultural knowledge", ids["A"]), concept_gap("catastrophic forgetting", ids["B"]),
            Gap("unaddressed_shortcoming", 0.5, "...", None, cluster, [ids["B"]], roles={ids["B"]: "shortcoming"},
                details={"made_with": stamp}))


def _correct(lib, key, label="none"):
    from gapscope.store.library import now_iso

    pid = lib.ids[key]
    lib.set_facet_correction(pid, *lib.facet_sentence_spans(pid)[0], None, label, now_iso())


def _stale(lib, gaps):
    from gapscope.gaps.stale import stale_reasons

    return [bool(stale_reasons(lib, g)) for g in gaps]


def test_a_correction_marks_only_the_gaps_reading_the_corrected_paper(lib):
    gaps = _gaps(lib)
    assert _stale(lib, gaps) == [False, False, False]
    _correct(lib, "C")                         # feeds neither concept: only the map-cluster gap may change
    assert _stale(lib, gaps) == [False, False, True]
    _correct(lib, "A")                         # evidence of the cultural-knowledge gap
    assert _stale(lib, gaps) == [True, False, True]
    from gapscope.gaps.stale import stale_reasons

    assert stale_reasons(lib, gaps[0]) == [f"facet labels corrected since on paper {lib.ids['A']}, which it reads "
                                           "(an evidence paper, or one naming its concepts)"]


def test_a_paper_naming_a_gaps_concept_marks_it_though_not_its_evidence(lib):
    gaps = _gaps(lib)
    _correct(lib, "D", "open")
    assert _stale(lib, gaps) == [True, False, True]


def test_a_correction_removed_since_still_marks_what_it_touched(lib):
    _correct(lib, "A", "open")
    _extract(lib)
    gaps = _gaps(lib)
    pid = lib.ids["A"]
    assert lib.delete_facet_correction(pid, *lib.facet_sentence_spans(pid)[0])
    assert _stale(lib, gaps) == [True, False, True]


def test_gaps_recorded_before_the_stamps_read_the_corrections_made_since(lib):
    """Gaps found before the corrections' stamps were recorded (the 10,653-paper library's) tell the papers from
    the corrections made after their last one; one of theirs removed since, they cannot tell: all are stale."""
    gaps = _gaps(lib)
    for g in gaps:
        g.details["made_with"].pop("corrections", None)
    _correct(lib, "B")
    assert _stale(lib, gaps) == [False, True, True]
    _extract(lib)
    older = _gaps(lib)
    for g in older:
        g.details["made_with"].pop("corrections", None)
    pid = lib.ids["B"]
    lib.delete_facet_correction(pid, *lib.facet_sentence_spans(pid)[0])
    assert _stale(lib, older) == [True, True, True]


def test_sentences_classified_again_mark_every_gap(lib):
    from gapscope.maps.stale import LABELS_CHANGED
    from gapscope.gaps.stale import stale_reasons

    gaps = _gaps(lib)
    pid = lib.ids["C"]
    rows = [(0, 0, 10, ABSTRACTS["C"][:10], "background", 0.9, "none", 0.9)]
    lib.write_facet_sentences(pid, rows, "test", "hC2", "2026-02-01T00:00:00+00:00")
    assert all(stale_reasons(lib, g) == [LABELS_CHANGED] for g in gaps)


def test_a_title_edit_marks_the_gaps_reading_the_edited_paper(lib):
    """A title edit changes no facet label or paper count (the library's fingerprint stays), yet a gap counts
    the papers whose title names its concept and quotes evidence titles."""
    from gapscope.editing import set_title
    from gapscope.gaps.stale import stale_reasons

    gaps = _gaps(lib)
    set_title(lib, lib.ids["C"], "Cultural knowledge in image codecs")     # now names the first gap's concept
    assert _stale(lib, gaps)[:2] == [True, False]
    assert stale_reasons(lib, gaps[0]) == [f"title or abstract edited since on paper {lib.ids['C']}, which it "
                                           "reads (an evidence paper, or one naming its concepts)"]
    set_title(lib, lib.ids["B"], "Forgetting, revisited")                    # the second gap's evidence paper
    assert _stale(lib, gaps)[:2] == [True, True]


def test_undoing_a_title_edit_marks_the_gaps_found_with_the_edited_title(lib):
    from gapscope.editing import set_title, undo_edit

    set_title(lib, lib.ids["C"], "Cultural knowledge in image codecs")
    gaps = _gaps(lib)                  # found while the title named the concept
    assert _stale(lib, gaps)[:2] == [False, False]
    undo_edit(lib, lib.ids["C"])       # the title that named it is gone again
    assert _stale(lib, gaps)[:2] == [True, False]


def test_a_paper_naming_a_concept_only_under_its_other_name_marks_the_gap(lib):
    """A concept gap counts its ends' papers under every name of the concept (an acronym's expansion: the
    search it records for the end); a correction on a paper writing only the other name changes its counts."""
    from gapscope.store.mentions import phrase_query

    gaps = _gaps(lib)
    # "flat regions" stands for another name of "cultural knowledge" here: C writes it, not "cultural knowledge"
    gaps[0].details["problem_search"] = phrase_query(["cultural knowledge", "flat regions"])
    _correct(lib, "C")
    assert _stale(lib, gaps) == [True, False, True]


def test_gaps_found_by_an_earlier_gap_finder_are_stale_and_say_so(lib, monkeypatch):
    """Gaps kept from before an upgrade carry the older rules' statements and evidence."""
    from gapscope.gaps import stale

    gaps = _gaps(lib)
    assert _stale(lib, gaps) == [False, False, False]
    monkeypatch.setattr(stale, "finder_version", lambda: "a-later-one")
    assert all(stale.stale_reasons(lib, g) == [stale.EARLIER_FINDER] for g in gaps)


def test_gaps_from_before_the_finder_was_recorded_are_stale(lib):
    from gapscope.gaps.stale import EARLIER_FINDER, stale_reasons

    gaps = _gaps(lib)
    for g in gaps:
        g.details["made_with"].pop("finder", None)
    assert all(stale_reasons(lib, g) == [EARLIER_FINDER] for g in gaps)


def _finder_sources(root):
    for package in ("gaps", "concepts"):
        (root / package).mkdir(parents=True)
        (root / package / "rules.py").write_text("LIMIT = 1\n")


def test_the_finder_version_changes_with_the_gap_rules(tmp_path):
    from gapscope.gaps.stale import source_digest

    _finder_sources(tmp_path)
    before = source_digest(tmp_path)
    assert before == source_digest(tmp_path)
    (tmp_path / "concepts" / "rules.py").write_text("LIMIT = 2\n")
    assert source_digest(tmp_path) != before


def test_an_editor_lock_file_among_the_rules_is_no_module_and_breaks_nothing(tmp_path):
    """Emacs leaves ``.#stale.py`` as a link to nowhere while a file is edited."""
    from gapscope.gaps.stale import source_digest

    _finder_sources(tmp_path)
    before = source_digest(tmp_path)
    (tmp_path / "gaps" / ".#rules.py").symlink_to(tmp_path / "nowhere.lock")
    (tmp_path / "gaps" / "folder.py").mkdir()
    assert source_digest(tmp_path) == before


def test_a_packaged_app_reads_the_digest_its_build_wrote_from_the_same_sources(tmp_path, monkeypatch):
    from pathlib import Path

    from gapscope.gaps import stale

    sources = Path(stale.__file__).resolve().parent.parent
    assert stale.finder_version() == stale.source_digest(sources)     # what the build writes
    bundle = tmp_path / "gapscope" / "gaps"
    bundle.mkdir(parents=True)                                       # no sources in a bundle
    (bundle / stale.SHIPPED_DIGEST).write_text(stale.source_digest(sources) + "\n")
    monkeypatch.setattr(stale, "__file__", str(bundle / "stale.pyc"))
    stale.finder_version.cache_clear()
    try:
        assert stale.finder_version() == stale.source_digest(sources)
    finally:
        stale.finder_version.cache_clear()
